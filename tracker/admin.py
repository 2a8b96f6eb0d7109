"""Admin screens for departments, people and tasks, scoped by tracker.permissions."""
from functools import partial

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.utils import unquote
from django.contrib.admin.views.main import ORDER_VAR, ChangeList
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.text import smart_split, unescape_string_literal
from simple_history.admin import SimpleHistoryAdmin

from tracker import cycles, dates, lights, notices, permissions, roles, search, selectors, services
from tracker.models import Attachment, Department, NoticeDelivery, ProgressUpdate, Task, TaskTransition, User


class BadFilters(Exception):
    """A list URL whose filters name no valid query."""


class SaneInputAdmin:
    """Dates typed into a form lie in tracker.dates' window; a list URL whose filters make no
    sense shows the whole list with a message, never a 500 or Django's "数据库错误" page.

    Django's date drill-down turns ``?deadline__year=9999`` into "from 9999-01-01 to
    the next year" and overflows, as does a lookup like ``?deadline__year__gte=1e20``
    (a 500); a filter it cannot read (``?deadline__year=abc``) lands on a page that
    blames the database.
    """

    formfield_overrides = {models.DateField: {"validators": [dates.check_sane]}}

    def get_changelist_instance(self, request):
        try:
            return super().get_changelist_instance(request)
        except (IncorrectLookupParameters, ValueError, OverflowError) as error:
            if not request.GET:  # a fault of the list itself, not of the URL
                raise
            raise BadFilters from error

    def changelist_view(self, request, extra_context=None):
        try:
            return super().changelist_view(request, extra_context)
        except BadFilters:
            self.message_user(request, "筛选条件无效，已显示全部记录。", messages.ERROR)
            return HttpResponseRedirect(request.path)

    # Plain Chinese in the admin's select boxes instead of Django's "---------".
    def get_action_choices(self, request, default_choices=(("", "请选择动作"),)):
        return super().get_action_choices(request, default_choices=list(default_choices))

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if field is not None and getattr(field, "empty_label", None) == "---------":
            field.empty_label = "请选择"
        return field


@admin.register(Department)
class DepartmentAdmin(SaneInputAdmin, admin.ModelAdmin):
    """Departments are retired (启用 unticked), never deleted: see permissions.can_delete_department."""

    list_display = ["tree_name", "short_name", "parent", "aliases_inline", "is_active", "order"]
    list_display_links = ["tree_name"]
    list_editable = ["order", "is_active"]
    list_filter = ["is_active"]
    list_select_related = ["parent"]
    list_per_page = 500
    search_fields = ["name", "short_name", "aliases"]
    autocomplete_fields = ["parent"]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def get_changelist(self, request, **kwargs):
        return DepartmentTreeList

    def get_queryset(self, request):
        """Annotate each unit's place in the tree (each unit right above the units under it) and its depth.

        The tree is read once (a few hundred rows) and laid out by ``tracker.tree.tree_order``.
        """
        from django.db.models import Case, IntegerField, Value, When

        from tracker import tree

        qs = self.model._default_manager.get_queryset()  # ordered by the changelist (get_ordering)
        laid_out = tree.tree_order(list(Department.objects.only("pk", "parent_id", "order", "name")))
        if not laid_out:
            return qs.annotate(tree_position=Value(0), tree_depth=Value(0))
        position = Case(*(When(pk=d.pk, then=Value(i)) for i, (_, d) in enumerate(laid_out)),
                        default=Value(len(laid_out)), output_field=IntegerField())
        depth = Case(*(When(pk=d.pk, then=Value(level)) for level, d in laid_out if level),
                     default=Value(0), output_field=IntegerField())
        return qs.annotate(tree_position=position, tree_depth=depth)

    @admin.display(description="单位名称", ordering="tree_position")
    def tree_name(self, obj):
        depth = getattr(obj, "tree_depth", 0)
        return f"{'　' * (depth - 1)}└ {obj.name}" if depth else obj.name

    def has_delete_permission(self, request, obj=None):
        return permissions.can_delete_department(request.user, obj) and super().has_delete_permission(request, obj)

    @admin.display(description="别名")
    def aliases_inline(self, obj):
        return "、".join(obj.alias_list)

    def get_exclude(self, request, obj=None):
        # A robot's address carries its key: whoever holds it can post into the group.
        if not permissions.is_supervisor(request.user):
            return [*(super().get_exclude(request, obj) or []), "webhook_url"]
        return super().get_exclude(request, obj)


class DepartmentTreeList(ChangeList):
    """The unit list in tree order (DepartmentAdmin.get_queryset's tree_position) until a header is clicked."""

    def get_ordering(self, request, queryset):
        if ORDER_VAR in self.params:
            return super().get_ordering(request, queryset)
        return ["tree_position", "pk"]


@admin.register(NoticeDelivery)
class NoticeDeliveryAdmin(SaneInputAdmin, admin.ModelAdmin):
    """The robots' outbox, read-only: what was sent, what failed and when it is tried again (supervisors only)."""

    list_display = ["created_at", "department", "status", "attempts", "next_attempt_at", "sent_at", "last_error"]
    list_filter = ["status", "department"]
    actions = ["retry_now"]

    def has_view_permission(self, request, obj=None):
        return permissions.is_supervisor(request.user)

    def has_module_permission(self, request):
        return permissions.is_supervisor(request.user)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description="立即重试所选推送")
    def retry_now(self, request, queryset):
        ids = list(queryset.exclude(status=NoticeDelivery.Status.SENT).values_list("pk", flat=True))
        NoticeDelivery.objects.filter(pk__in=ids).update(status=NoticeDelivery.Status.PENDING,
                                                         next_attempt_at=timezone.now())
        sent, failed = notices.deliver_due(ids=ids)
        self.message_user(request, f"已发送 {sent} 条，失败 {failed} 条（失败的将按间隔重试）。",
                          messages.SUCCESS if not failed else messages.WARNING)


class AccountFormMixin:
    """An officer's account names their department: an officer without one would see no task."""

    def clean(self):
        cleaned = super().clean()
        if "groups" in self.fields:
            groups = cleaned.get("groups") or []
        else:
            groups = self.instance.groups.all() if self.instance.pk else []
        needs_department = any(group.name == roles.OFFICER for group in groups)
        if needs_department and "department" in self.fields and not cleaned.get("department"):
            self.add_error("department", "部门填报员须选择所属单位。")
        return cleaned


class AccountChangeForm(AccountFormMixin, UserChangeForm):
    pass


class AccountCreationForm(AccountFormMixin, AdminUserCreationForm):
    pass


@admin.register(User)
class UserAdmin(SaneInputAdmin, BaseUserAdmin):
    """Accounts, managed as tracker.permissions says: superusers every one, supervisors their officers.

    A supervisor's forms hold only what they may change (name, contact, department,
    active flag; and, when adding, a role among assignable_groups), so a posted
    is_superuser, is_staff, groups or user_permissions is never read, and a group id
    outside the offered ones is a form error. Accounts they may not manage are listed
    without a link; their pages (change, password, history, delete) answer 403. Staff
    status follows the role (roles.sync_staff).
    """

    form = AccountChangeForm
    add_form = AccountCreationForm
    list_filter = ["groups", "department", "is_active"]
    search_fields = ["username", "first_name", "last_name", "department__name"]
    autocomplete_fields = ["department"]
    # What a supervisor sees of an officer's account.
    officer_fieldsets = [
        (None, {"fields": ["username", "password"]}),
        ("个人信息", {"fields": ["last_name", "first_name", "email", "phone"]}),
        ("所属单位", {"fields": ["department", "role_list", "is_active"]}),
        ("重要日期", {"fields": ["last_login", "date_joined"]}),
    ]
    fieldsets = [
        (None, {"fields": ["username", "password"]}),
        ("个人信息", {"fields": ["last_name", "first_name", "email", "phone"]}),
        ("所属单位与权限", {"fields": ["department", "is_active", "groups", "is_superuser", "is_staff",
                                     "user_permissions"]}),
        ("重要日期", {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = BaseUserAdmin.add_fieldsets + (("所属单位", {"fields": ["department", "groups"]}),)

    def get_queryset(self, request):
        return (super().get_queryset(request).select_related("department")
                .prefetch_related("groups", "user_permissions"))

    def get_fieldsets(self, request, obj=None):
        if obj is not None and not request.user.is_superuser:
            return self.officer_fieldsets
        return super().get_fieldsets(request, obj)

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        if request.user.is_superuser:
            return ["is_staff", "last_login", "date_joined"]
        return ["username", "role_list", "last_login", "date_joined"]

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "groups":
            offered = permissions.assignable_groups(request.user)
            names = "、".join(f"“{name}”" for name in offered.values_list("name", flat=True))
            kwargs["queryset"] = offered
            kwargs["error_messages"] = {"invalid_choice": f"只能授予{names}角色。"}
            if not request.user.is_superuser:
                kwargs["initial"] = offered
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def get_list_display(self, request):
        """The username links to the account's page only where ``request.user`` may manage it."""

        @admin.display(description="用户名", ordering="username")
        def account(user):
            if permissions.can_manage_account(request.user, user):
                return format_html('<a href="{}">{}</a>', reverse("admin:tracker_user_change", args=[user.pk]),
                                   user.username)
            return user.username

        return [account, "full_name", "department", "role_list", "is_active", "last_login"]

    def get_list_display_links(self, request, list_display):
        return None

    def has_view_permission(self, request, obj=None):
        return permissions.can_manage_account(request.user, obj) and super().has_view_permission(request, obj)

    def has_add_permission(self, request):
        return permissions.can_manage_account(request.user) and super().has_add_permission(request)

    def has_change_permission(self, request, obj=None):
        return permissions.can_manage_account(request.user, obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return permissions.can_delete_account(request.user, obj) and super().has_delete_permission(request, obj)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        roles.sync_staff(form.instance)

    @admin.display(description="姓名")
    def full_name(self, obj):
        return obj.get_full_name()

    @admin.display(description="角色")
    def role_list(self, obj):
        return "、".join(group.name for group in obj.groups.all())


class ProgressUpdateInline(admin.TabularInline):
    """Progress entries on the task's admin page; evidence files go through the task page."""

    model = ProgressUpdate
    extra = 0
    formfield_overrides = SaneInputAdmin.formfield_overrides
    fields = ["date", "percent", "content", "reported_by", "created_at"]
    readonly_fields = ["reported_by", "created_at"]

    def has_add_permission(self, request, obj=None):
        """New rows only where the task page would take a report (a closed task takes none)."""
        allowed = obj is None or permissions.can_report_progress(request.user, obj)
        return allowed and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ScopedHistoryMixin:
    """simple_history's history pages, limited to objects the user may see, and never a revert.

    Its history view falls back to the newest historical record when the live object
    is outside ``get_queryset``, which would show officers other departments' tasks;
    a revert would skip the workflow and the version check.
    """

    def history_view(self, request, object_id, extra_context=None):
        self._check_visible(request, object_id)
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        self._check_visible(request, object_id)
        if request.method == "POST":
            raise PermissionDenied("历史版本只供查看，不能恢复。")
        return super().history_form_view(request, object_id, version_id, extra_context)

    def revert_disabled(self, request, obj=None):
        return True

    def _check_visible(self, request, object_id):
        try:
            pk = self.model._meta.pk.to_python(unquote(object_id))
        except ValidationError:  # /history/abc/: no such record, rather than a 500
            raise Http404("记录不存在，或您无权查看。") from None
        visible = self.get_queryset(request).filter(pk=pk).exists()
        if not visible and not permissions.is_supervisor(request.user):
            raise Http404("记录不存在，或您无权查看。")


class TaskAdminForm(forms.ModelForm):
    """The task form carries the version it was opened at (optimistic locking)."""

    expected_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Task
        fields = "__all__"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["expected_version"].initial = self.instance.version
            self.fields["expected_version"].required = True
        if "report_rule" in self.fields:
            # A form saved without the field (an older page) keeps the task's rule.
            self.fields["report_rule"].required = False

    def clean_report_rule(self):
        return self.cleaned_data.get("report_rule") or self.instance.report_rule or Task.ReportRule.NONE

    def clean(self):
        cleaned = super().clean()
        expected = cleaned.get("expected_version")
        if self.instance.pk and expected is not None:
            current = Task.objects.filter(pk=self.instance.pk).values_list("version", flat=True).first()
            if current != expected:
                raise forms.ValidationError(services.CONFLICT_MESSAGE, code="conflict")
        if "deadline" in cleaned:
            # The service checks again when it saves; here the form shows why, beside the field.
            probe = Task(pk=self.instance.pk, parent_id=self.instance.parent_id, deadline=cleaned["deadline"])
            try:
                services.task_tree_check(task=probe)
            except ValidationError as error:
                self.add_error("deadline", error.message_dict["deadline"])
        return cleaned


class BulkForm(forms.Form):
    """The intermediate page of a bulk action: a reason, or a department."""

    reason = forms.CharField(label="理由", widget=forms.Textarea(attrs={"rows": 3, "cols": 60}), required=False)
    department = forms.ModelChoiceField(label="牵头单位", queryset=Department.objects.filter(is_active=True),
                                        required=False)
    report_rule = forms.ChoiceField(label="报送周期", choices=[("", "（请选择）"), *cycles.rule_options()],
                                    required=False)


def _bulk_page(modeladmin, request, queryset, *, action, title, field, run):
    """Ask for the reason or department, then run ``run(task, value)`` on each task, one save each."""
    form = BulkForm(request.POST if "apply" in request.POST else None)
    if "apply" in request.POST and form.is_valid():
        value = form.cleaned_data[field]
        if value in (None, "") or (isinstance(value, str) and not value.strip()):
            form.add_error(field, {"reason": "请填写理由。", "department": "请选择牵头单位。"}.get(field, "请选择。"))
        else:
            done, refused = 0, []
            for task in queryset.order_by("pk"):
                try:
                    run(task, value)
                    done += 1
                except (ValidationError, PermissionDenied) as error:
                    text = "；".join(getattr(error, "messages", None) or [str(error)])
                    refused.append(f"{task.serial}：{text}")
            modeladmin.message_user(request, f"{title}：完成 {done} 项。", messages.SUCCESS if done else messages.WARNING)
            for line in refused[:20]:
                modeladmin.message_user(request, f"未处理 {line}", messages.WARNING)
            if len(refused) > 20:
                modeladmin.message_user(request, f"另有 {len(refused) - 20} 项未处理。", messages.WARNING)
            return None
    return TemplateResponse(request, "admin/tracker/task/bulk_action.html", {
        **modeladmin.admin_site.each_context(request),
        "title": title,
        "opts": modeladmin.model._meta,
        "tasks": queryset.order_by("pk"),
        "form": form,
        "field": form[field],
        "action": action,
        "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
    })


@admin.action(description="批量中止所选任务", permissions=["change"])
def suspend_selected(modeladmin, request, queryset):
    def run(task, reason):
        services.task_transition(task=task, action="suspend", by=request.user, reason=reason)

    return _bulk_page(modeladmin, request, queryset, action="suspend_selected", title="批量中止",
                      field="reason", run=run)


@admin.action(description="批量指派牵头单位", permissions=["change"])
def assign_selected(modeladmin, request, queryset):
    def run(task, department):
        services.task_assign(task=task, changed_by=request.user, lead_department=department,
                             reason=f"批量指派：{department.name}")

    return _bulk_page(modeladmin, request, queryset, action="assign_selected", title="批量指派牵头单位",
                      field="department", run=run)


@admin.action(description="批量设置报送周期", permissions=["change"])
def set_report_rule_selected(modeladmin, request, queryset):
    def run(task, value):
        try:
            kind, day = cycles.parse_rule_option(value)
        except ValueError as error:
            raise ValidationError(str(error)) from None
        services.task_set_report_rule(tasks=[task], rule=kind, day=day, changed_by=request.user)

    return _bulk_page(modeladmin, request, queryset, action="set_report_rule_selected", title="批量设置报送周期",
                      field="report_rule", run=run)


class ReportListFilter(admin.SimpleListFilter):
    """逾期未报 / 本期待报送: the same conditions as the task list's TaskFilter."""

    title = "报送情况"
    parameter_name = "report"

    def lookups(self, request, model_admin):
        return [("overdue", lights.REPORT_OVERDUE_LABEL), ("soon", lights.REPORT_DUE_SOON_LABEL)]

    def queryset(self, request, queryset):
        if self.value() == "overdue":
            return queryset.filter(lights.report_overdue_q())
        if self.value() == "soon":
            return queryset.filter(lights.report_due_soon_q())
        return queryset


class SignalListFilter(admin.SimpleListFilter):
    """红黄绿灯 as a list filter: the same database conditions as the task list's TaskFilter."""

    title = "红黄绿灯"
    parameter_name = "signal"

    def lookups(self, request, model_admin):
        return lights.CHOICES

    def queryset(self, request, queryset):
        if self.value() in lights.LABELS:
            return queryset.filter(lights.signal_q(self.value()))
        return queryset


@admin.register(Task)
class TaskAdmin(SaneInputAdmin, ScopedHistoryMixin, SimpleHistoryAdmin):
    form = TaskAdminForm
    list_display = ["serial", "title", "lead_department", "deadline", "signal_badge", "report_badge", "status",
                    "progress"]
    list_display_links = ["serial", "title"]
    list_filter = [SignalListFilter, ReportListFilter, "status", "category", "lead_department", "deadline"]
    change_form_template = "admin/tracker/task/change_form.html"
    search_fields = list(search.FIELDS)  # searched by get_search_results below
    autocomplete_fields = ["lead_department", "co_departments", "speech", "source_item"]
    date_hierarchy = "deadline"
    list_select_related = ["lead_department"]
    list_per_page = 50
    show_full_result_count = False
    inlines = [ProgressUpdateInline]
    # The wings add their actions (催办, 台账导出) through task_action below.
    actions = [suspend_selected, assign_selected, set_report_rule_selected]
    view_on_site = False
    # Status moves only through the workflow (task page, bulk actions), never by editing the field.
    readonly_fields = ["serial", "parent", "status", "original_deadline", "progress", "latest_progress", "completed_at",
                       "created_by", "created_at", "updated_at", "report_due"]
    fieldsets = [
        (None, {"fields": ["serial", "parent", "title", "content", "category", "speech", "source_item"]}),
        ("责任分工", {"fields": ["lead_department", "co_departments", "owner_text", "responsible_person"]}),
        ("时限与状态", {"fields": ["deadline", "deadline_text", "original_deadline", "status",
                                   "progress", "latest_progress", "completed_at"]}),
        ("报送周期", {"fields": ["report_rule", "report_day", "report_due"]}),
        ("其他", {"fields": ["note", "created_by", "created_at", "updated_at"]}),
    ]

    def get_fieldsets(self, request, obj=None):
        """Editors' forms carry the version they were opened at, as a hidden field."""
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None or not self.has_change_permission(request, obj):
            return fieldsets
        *head, (name, options) = fieldsets
        return [*head, (name, {**options, "fields": [*options["fields"], "expected_version"]})]

    def get_queryset(self, request):
        return lights.annotate_signal(selectors.task_list(user=request.user, queryset=super().get_queryset(request)))

    def has_chase_permission(self, request):
        """Actions marked ``permissions=["chase"]`` are offered to those who may chase."""
        return permissions.can_chase(request.user)

    def has_change_permission(self, request, obj=None):
        return permissions.can_edit_task(request.user, obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return permissions.can_delete_task(request.user, obj) and super().has_delete_permission(request, obj)

    def get_search_results(self, request, queryset, search_term):
        """Find what Django's search would (every word in one of search_fields), through the
        keyword search's bigram index on PostgreSQL (tracker/search.py) instead of reading every task."""
        for word in smart_split(search_term):
            if word[:1] in {'"', "'"} and word[-1:] == word[:1]:
                word = unescape_string_literal(word)
            if word.strip():
                queryset = search.keyword_filter(queryset, word.strip())
        return queryset, False

    @admin.display(description="红黄绿灯", ordering="signal_rank")
    def signal_badge(self, obj):
        return lights.badge_html(lights.task_signal(obj))

    @admin.display(description="报送情况", ordering="report_due")
    def report_badge(self, obj):
        return lights.report_badge_html(obj)

    @property
    def media(self):
        return super().media + forms.Media(css={"all": ["duban/duban.css"]})

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        """A save that lost the race after its form was checked is refused, with the reason shown."""
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except services.TaskConflict as conflict:
            self.message_user(request, conflict.messages[0], messages.ERROR)
            return HttpResponseRedirect(request.path)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        # Linked from the task found, never from the URL's text (/task/abc/change/ is just "not found").
        if obj is not None:
            context["task_page_url"] = obj.get_absolute_url()
        return super().render_change_form(request, context, add, change, form_url, obj)

    def save_model(self, request, obj, form, change):
        # The co-departments are set by the service (which tells new departments); save_m2m sets them again, unchanged.
        co_departments = form.cleaned_data.get("co_departments")
        if change:
            services.task_update(task=obj, expected_version=form.cleaned_data["expected_version"],
                                 changed_by=request.user, co_departments=co_departments)
        else:
            services.task_save_new(task=obj, created_by=request.user, co_departments=co_departments)

    def save_formset(self, request, form, formset, change):
        for instance in formset.save(commit=False):
            if isinstance(instance, ProgressUpdate):
                services.progress_report(
                    task=form.instance, reported_by=request.user, date=instance.date,
                    content=instance.content, percent=instance.percent,
                )
        formset.save_m2m()


def task_action(action):
    """Offer ``action`` in the task list's action menu: how a wing adds a bulk action without the core importing it."""
    TaskAdmin.actions = [*TaskAdmin.actions, action]
    return action


class TaskScopedAdmin(SaneInputAdmin, admin.ModelAdmin):
    """Records hanging off a task: visible as far as the task is."""

    list_select_related = ["task"]
    autocomplete_fields = ["task"]

    def get_queryset(self, request):
        visible = selectors.task_list(user=request.user).values("pk")
        return super().get_queryset(request).filter(task__in=visible)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "task":
            kwargs["queryset"] = selectors.task_list(user=request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class RecordAdmin(SaneInputAdmin):
    """The record of a task (progress, transitions, files, chases, instructions, extension
    requests) is append-only for everyone, superusers included: a correction is a new entry.

    Nothing is changed or deleted here (so no delete action either): an edited 销号
    would show a task closed that is still 办理中, a deleted entry would leave its text
    on the task, and neither would leave a trace.
    """

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ServiceAddAdmin(RecordAdmin):
    """Records with rules (progress entries, chases, extension requests, instructions) are added through their service.

    The add form asks the service's check, so a refusal shows as a form error in
    Chinese and nothing is written; saving calls the service itself. Decisions on
    extension requests are taken on the task page.
    """

    add_fields = []

    def get_fields(self, request, obj=None):
        return self.add_fields if obj is None else super().get_fields(request, obj)

    def get_form(self, request, obj=None, **kwargs):
        form_class = super().get_form(request, obj, **kwargs)
        if obj is not None:
            return form_class
        check = partial(self.service_check, request)

        class CheckedForm(form_class):
            def clean(self):
                cleaned = super().clean()
                if not self.errors:
                    try:
                        check(cleaned)
                    except ValidationError as exc:
                        raise ValidationError(exc.messages) from None
                    except PermissionDenied as exc:
                        raise ValidationError(str(exc)) from None
                return cleaned

        return CheckedForm

    def save_model(self, request, obj, form, change):
        created = self.service_perform(request, form.cleaned_data)
        # The admin logs and redirects with ``obj``: let it be the record the service wrote.
        obj.__dict__.update(created.__dict__)

    def save_related(self, request, form, formsets, change):
        """The service has set the relations."""


@admin.register(ProgressUpdate)
class ProgressUpdateAdmin(ScopedHistoryMixin, ServiceAddAdmin, TaskScopedAdmin, SimpleHistoryAdmin):
    """Entries are facts reported at a date: added through progress_report, never edited afterwards."""

    list_display = ["task", "date", "percent", "reported_by", "created_at"]
    list_filter = ["date"]
    search_fields = ["task__serial", "task__title", "content"]
    list_select_related = ["task", "reported_by"]
    # Evidence files go through the task page, where their content is checked.
    add_fields = fields = ["task", "date", "percent", "content"]

    def service_check(self, request, cleaned):
        services.progress_check(task=cleaned["task"], reported_by=request.user, date=cleaned["date"])

    def service_perform(self, request, cleaned):
        return services.progress_report(task=cleaned["task"], reported_by=request.user, date=cleaned["date"],
                                        content=cleaned["content"], percent=cleaned["percent"])


@admin.register(TaskTransition)
class TaskTransitionAdmin(RecordAdmin, TaskScopedAdmin):
    """Read only: a status moves through the workflow on the task page, which writes its transition."""

    list_display = ["task", "action", "from_status", "to_status", "by", "at"]
    list_filter = ["action", "to_status"]
    search_fields = ["task__serial", "task__title", "reason"]

    def has_add_permission(self, request):
        return False


class AttachmentAdminForm(forms.ModelForm):
    class Meta:
        model = Attachment
        fields = ["task", "file"]

    def clean_file(self):
        file = self.cleaned_data["file"]
        services.attachment_check(file)
        return file


@admin.register(Attachment)
class AttachmentAdmin(RecordAdmin, TaskScopedAdmin):
    """Files are listed and downloaded here; a new one goes through the same content check as the task page."""

    list_display = ["name", "task", "size", "content_type", "uploaded_by", "uploaded_at", "download"]
    search_fields = ["name", "task__serial"]
    shown = ["task", "name", "size", "content_type", "uploaded_by", "uploaded_at", "download"]

    def get_form(self, request, obj=None, **kwargs):
        if obj is None:
            kwargs["form"] = AttachmentAdminForm
        return super().get_form(request, obj, **kwargs)

    def get_fields(self, request, obj=None):
        return ["task", "file"] if obj is None else self.shown

    def get_readonly_fields(self, request, obj=None):
        return [] if obj is None else self.shown

    def has_add_permission(self, request):
        return permissions.is_supervisor(request.user) and super().has_add_permission(request)

    def save_model(self, request, obj, form, change):
        created = services.attachment_add(task=obj.task, file=form.cleaned_data["file"], uploaded_by=request.user)
        obj.pk, obj.name, obj.file = created.pk, created.name, created.file

    @admin.display(description="下载")
    def download(self, obj):
        return format_html('<a href="{}">下载</a>', reverse("tracker:attachment_download", args=[obj.pk]))
