"""The one FilterSet of tasks: the task list, the dashboard and the export all use it.

Its choices depend on the reader: 来源讲话 offers only the speeches the reader has
tasks from, so a title never reaches someone who may see none of its tasks.
"""
from datetime import timedelta

import django_filters
from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from speeches.models import Speech
from tracker import choices, lights, permissions, search, task_cache
from tracker.models import Department, ExtensionRequest, Instruction, Task
from tracker.widgets import quicken


def speeches_of(user):
    """Return the speeches ``user`` has tasks from (all of them for those who see every task).

    Only what the 来源讲话 box draws (the title) is read: a speech row holds the speech's whole
    text, which every list page would otherwise fetch for each speech in the box.
    """
    speeches = Speech.objects.only("pk", "title")
    if permissions.sees_everything(user):
        return speeches.all()
    return speeches.filter(pk__in=Task.objects.filter(permissions.task_visibility_q(user)).values("speech_id"))


class ChineseOrderingFilter(django_filters.OrderingFilter):
    """django-filter's sort menu, with 倒序 in place of its untranslated "(descending)"."""

    descending_fmt = "%s（倒序）"


ALL = "全部"  # the empty choice of a filter: no condition, rather than Django's "---------"
DATE_RANGE = django_filters.widgets.DateRangeWidget(attrs={"type": "date"})  # _after/_before, with a date picker

# What waits for the 督查室 or a leader: the 待办 page's cards, each with its whole list here.
TODO_CHOICES = [("unassigned", "待指派牵头单位"), ("extension", "待审批的延期申请"), ("instruct", "待批示")]


def instruction_days():
    """How far back a 领导批示 takes a task off 待批示."""
    return getattr(settings, "HOME_INSTRUCTION_DAYS", 14)


def todo_q(kind: str) -> Q:
    """The tasks of one 待办 card: open without a lead (待指派), with a pending 延期申请, or red
    or awaiting 销号 without a 领导批示 in the last HOME_INSTRUCTION_DAYS days (待批示)."""
    if kind == "unassigned":
        return Q(lead_department__isnull=True, status__in=choices.OPEN_STATUSES)
    if kind == "extension":
        return Q(pk__in=ExtensionRequest.objects.filter(status=ExtensionRequest.Status.PENDING).values("task_id"))
    if kind == "instruct":
        since = timezone.now() - timedelta(days=instruction_days())
        recent = Instruction.objects.filter(kind=Instruction.Kind.INSTRUCTION, created_at__gte=since)
        return (lights.signal_q(lights.RED) | Q(status=Task.Status.CLOSING)) & ~Q(pk__in=recent.values("task_id"))
    raise ValueError(kind)


class TaskFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label="关键词", method="filter_q")
    status = django_filters.ChoiceFilter(label="状态", choices=Task.Status.choices, empty_label=ALL)
    category = django_filters.ChoiceFilter(label="类别", choices=Task.Category.choices, empty_label=ALL)
    signal = django_filters.ChoiceFilter(label="红黄绿灯", choices=lights.CHOICES, method="filter_signal",
                                         empty_label=ALL)
    report_overdue = django_filters.ChoiceFilter(
        label="报送情况", choices=[("overdue", lights.REPORT_OVERDUE_LABEL), ("soon", lights.REPORT_DUE_SOON_LABEL)],
        method="filter_report", empty_label=ALL,
    )
    department = django_filters.ModelChoiceFilter(
        label="责任单位（牵头或配合）", queryset=Department.objects.filter(is_active=True), method="filter_department",
        empty_label=ALL,
    )
    lead_department = django_filters.ModelChoiceFilter(label="牵头单位", queryset=Department.objects.all(),
                                                       empty_label=ALL)
    todo = django_filters.ChoiceFilter(label="待办事项", choices=TODO_CHOICES, method="filter_todo", empty_label=ALL)
    speech = django_filters.ModelChoiceFilter(label="来源讲话", queryset=Speech.objects.none(),  # see __init__
                                              empty_label=ALL)
    meeting = django_filters.CharFilter(label="会议", field_name="speech__meeting", lookup_expr="icontains")
    deadline = django_filters.DateFromToRangeFilter(label="完成时限", widget=DATE_RANGE)
    created = django_filters.DateFromToRangeFilter(label="创建日期", field_name="created_at__date", widget=DATE_RANGE)
    ordering = ChineseOrderingFilter(
        label="排序", empty_label="默认",
        fields=[("serial", "serial"), ("deadline", "deadline"), ("progress", "progress"),
                ("signal_rank", "signal"), ("updated_at", "updated")],
        field_labels={"serial": "督办编号", "deadline": "完成时限", "progress": "完成率",
                      "signal_rank": "红黄绿灯", "updated_at": "更新时间"},
    )

    class Meta:
        model = Task
        fields = []

    def __init__(self, data=None, queryset=None, *, user, **kwargs):
        """``user`` is the reader: the choices offered are theirs (the tasks are scoped by the caller)."""
        super().__init__(data, queryset, **kwargs)
        self.filters["speech"].queryset = speeches_of(user)

    def filter_q(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return search.keyword_filter(queryset, value)

    def filter_signal(self, queryset, name, value):
        return queryset.filter(lights.signal_q(value))

    def filter_report(self, queryset, name, value):
        if value == "overdue":
            return queryset.filter(lights.report_overdue_q())
        return queryset.filter(lights.report_due_soon_q())

    def filter_todo(self, queryset, name, value):
        return queryset.filter(todo_q(value))

    def filter_department(self, queryset, name, value):
        # No join (a department that is both lead and co-department counts once), one index each side.
        co_tasks = Task.co_departments.through.objects.filter(department=value).values("task_id")
        return queryset.filter(Q(lead_department=value) | Q(pk__in=co_tasks))


def describe_filters(filterset):
    """Return the active filters as 标签：值 pairs joined by ；, or "" when nothing is filtered."""
    if not filterset.is_bound or not filterset.is_valid():
        return ""
    parts = []
    for name, value in filterset.form.cleaned_data.items():
        if value in (None, "", [], ()) or name == "ordering":
            continue
        field = filterset.form.fields[name]
        if isinstance(value, slice):
            if value.start is None and value.stop is None:
                continue
            start = f"{value.start:%Y-%m-%d}" if value.start else ""
            stop = f"{value.stop:%Y-%m-%d}" if value.stop else ""
            text = f"{start}至{stop}"
        elif hasattr(field, "choices") and not hasattr(value, "pk"):
            text = str(dict(field.choices).get(value, value))
        else:
            text = str(value)
        parts.append(f"{field.label}：{text}")
    return "；".join(parts)


DEPARTMENT_FIELDS = {"department": True, "lead_department": False}  # filter name: active departments only


def department_choices(active_only):
    """Return [(pk, name)] of the departments a filter box offers, in their order.

    Read from the cache while no department (nor task) changed: every list page shows
    two such boxes, and their 2 × 50 rows were a tenth of the page's time.
    """
    key = task_cache.versioned_key(f"department_choices:{int(active_only)}")
    choices = task_cache.cached_get(key) if key else None
    if choices is None:
        field = TaskFilter.base_filters["department" if active_only else "lead_department"]
        choices = [(pk, name) for pk, name in field.queryset.values_list("pk", "name")]
        if key:
            task_cache.cached_set(key, choices, settings.TASK_CACHE_SECONDS)
    return choices


def quick_form(filterset):
    """Return the filter form ready to draw fast: select boxes rendered in Python, department lists from the cache."""
    form = quicken(filterset.form)
    for name, active_only in DEPARTMENT_FIELDS.items():
        widget = form.fields[name].widget
        widget.choices = [("", ALL), *department_choices(active_only)]
    return form
