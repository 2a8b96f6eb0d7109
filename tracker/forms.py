"""Forms of the product pages: a progress entry and a workflow step with evidence files."""
from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.db.models import Case, Q, When
from django.utils import timezone

from common import filetypes
from tracker import dates

# What the file picker offers. image/* lets a phone offer its camera beside the gallery and
# files (no ``capture``: that would force the camera); the service still checks the content.
ACCEPT = "image/*,application/pdf,.pdf,.doc,.docx,.xls,.xlsx,.txt"


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True

    def __init__(self, attrs=None):
        super().__init__({"accept": ACCEPT, **(attrs or {})})


class MultipleFileField(forms.FileField):
    """Several files in one input; content checks happen in the service, before any write."""

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def clean(self, data, initial=None):
        one = super().clean
        if isinstance(data, (list, tuple)):
            return [one(item, initial) for item in data if item]
        return [one(data, initial)] if data else []


FILES_HELP = f"可多选，手机上可直接拍照；只接受{filetypes.ACCEPTED_LABEL}。"


def not_after_today(value):
    dates.check_not_future(value, "进展日期")


class ProgressForm(forms.Form):
    date = forms.DateField(label="日期", widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
                           validators=[dates.check_sane, not_after_today])
    percent = forms.IntegerField(label="完成率（%）", min_value=0, max_value=100)
    content = forms.CharField(label="进展情况", widget=forms.Textarea(attrs={"rows": 4, "cols": 80}), max_length=5000,
                              error_messages={"required": "请填写进展情况。"})
    files = MultipleFileField(label="附件", help_text=FILES_HELP)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("prefix", "progress")
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("date", timezone.localdate())

    def clean_content(self):
        value = self.cleaned_data["content"].strip()
        if not value:
            raise forms.ValidationError("请填写进展情况。")
        return value


class TransitionForm(forms.Form):
    """One workflow step; whether the reason is required is the workflow table's call."""

    reason = forms.CharField(label="说明", required=False, max_length=5000,
                             widget=forms.Textarea(attrs={"rows": 3, "cols": 80}))
    files = MultipleFileField(label="佐证材料", help_text=FILES_HELP)

    def __init__(self, *args, transition, **kwargs):
        kwargs.setdefault("prefix", transition.action)
        super().__init__(*args, **kwargs)
        self.transition = transition
        self.fields["reason"].label = transition.reason_label
        # Whether a reason is needed is the service's to judge (it reads the workflow table);
        # the browser is only asked to insist, so a missing reason shows the service's words.
        if transition.reason_required:
            self.fields["reason"].widget.attrs["required"] = True
        if not transition.allows_files:
            del self.fields["files"]


class ReassignForm(TransitionForm):
    """转办: the new lead department and why, and the version of the task the supervisor read."""

    lead_department = forms.ModelChoiceField(
        label="转办给（新的牵头单位）", queryset=None, required=False, empty_label="（请选择单位）")
    co_departments = forms.ModelMultipleChoiceField(
        label="配合单位", queryset=None, required=False, widget=forms.CheckboxSelectMultiple,
        help_text="保留、增减配合单位；新的牵头单位不会同时作为配合单位。")
    expected_version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    # Checkboxes all cleared post nothing, as does a form drawn before the box existed:
    # only a form that drew the box (and says so here) may clear the co-departments.
    co_departments_shown = forms.BooleanField(widget=forms.HiddenInput, required=False, initial=True)

    field_order = ["lead_department", "co_departments", "reason"]

    def co_departments_chosen(self):
        """The co-departments to set, or None to keep the task's own (see co_departments_shown)."""
        return list(self.cleaned_data["co_departments"]) if self.cleaned_data.get("co_departments_shown") else None

    def __init__(self, *args, task=None, **kwargs):
        super().__init__(*args, **kwargs)
        from tracker.models import Department

        # Only the service decides (another department than the lead, still in service);
        # the list offers the departments in service, the current lead left out.
        departments = Department.objects.filter(is_active=True).order_by("order", "name")
        if task is not None and task.lead_department_id:
            departments = departments.exclude(pk=task.lead_department_id)
        self.fields["lead_department"].queryset = departments
        # The current co-departments stay on offer even if one was since stopped, so the
        # form shows the task as it is; the service keeps such a one but adds no stopped unit.
        current = list(task.co_departments.values_list("pk", flat=True)) if task is not None and task.pk else []
        # The chosen ones first: the box scrolls, and what the task has now must show unscrolled.
        self.fields["co_departments"].queryset = Department.objects.filter(
            Q(is_active=True) | Q(pk__in=current)).order_by(
            Case(When(pk__in=current, then=0), default=1), "order", "name")
        if task is not None and not self.is_bound:
            self.initial["expected_version"] = task.version
            self.initial["co_departments"] = current


def errors_text(form) -> str:
    """Return all of ``form``'s errors on one line, each after its field's label (a FilterSet's form too)."""
    parts = []
    for name, errors in form.errors.items():
        label = form.fields[name].label if name in form.fields else ""
        parts.append(f"{label}：{'，'.join(errors)}" if label else "，".join(errors))
    return "；".join(parts)


class LoginForm(AdminAuthenticationForm):
    """The login form in plain Chinese: the zh-hans translation of Django's message reads
    "请输入一个正确的工作人员账户 用户名 和密码. 注意他们都是区分大小写的."."""

    error_messages = {
        **AdminAuthenticationForm.error_messages,
        "invalid_login": "用户名或密码不正确，请重新输入（字母区分大小写）。",
        "inactive": "该账号已停用，请联系督查室。",
    }


class SubtaskForm(forms.Form):
    """分解下达: one sub-task for one unit under the lead unit. The service checks the unit and the deadline."""

    lead_department = forms.ModelChoiceField(
        label="承办单位", queryset=None, empty_label="请选择下级单位",
        error_messages={"required": "请选择承办单位。",
                        "invalid_choice": "所选单位不在可分解下达的单位之中，请刷新页面后重新选择。"})
    title = forms.CharField(label="子任务名称", max_length=300, error_messages={"required": "请填写子任务名称。"})
    deadline = forms.DateField(label="完成时限", widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
                               validators=[dates.check_sane], error_messages={"required": "请填写子任务的完成时限。"})
    responsible_person = forms.CharField(label="责任人", max_length=100, required=False)
    content = forms.CharField(label="任务要求", required=False, max_length=5000,
                              widget=forms.Textarea(attrs={"rows": 3, "cols": 80}))

    def __init__(self, *args, units=(), parent=None, **kwargs):
        from tracker.models import Department

        kwargs.setdefault("prefix", "subtask")
        super().__init__(*args, **kwargs)
        # Every unit is offered to the field's lookup, so a unit outside the list reaches the
        # service and gets its own message there; the page lists only the allowed ones.
        self.fields["lead_department"].queryset = Department.objects.all()
        self.fields["lead_department"].choices = [("", "请选择下级单位"), *((d.pk, d.name) for d in units)]
        if parent is not None and not self.is_bound:
            self.initial.setdefault("title", parent.title)
            self.initial.setdefault("deadline", parent.deadline)
