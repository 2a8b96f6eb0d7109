"""Admin screens for departments, people and tasks, scoped by tracker.permissions."""
from functools import partial

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.core.exceptions import PermissionDenied, ValidationError
from django.template.response import TemplateResponse
from django.utils.html import format_html
from simple_history.admin import SimpleHistoryAdmin

from tracker import chasing, extensions, instructions, lights, permissions, selectors, services
from tracker.supervision_forms import ChaseForm
from tracker.models import (
    Attachment,
    Chase,
    Department,
    ExtensionRequest,
    Instruction,
    ProgressUpdate,
    Task,
    TaskTransition,
    User,
)


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ["name", "short_name", "aliases_inline", "is_active", "order"]
    list_editable = ["order", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["name", "short_name", "aliases"]

    @admin.display(description="别名")
    def aliases_inline(self, obj):
        return "、".join(obj.alias_list)


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "full_name", "department", "roles", "is_active", "last_login"]
    list_filter = ["groups", "department", "is_active"]
    search_fields = ["username", "first_name", "last_name", "department__name"]
    autocomplete_fields = ["department"]
    fieldsets = BaseUserAdmin.fieldsets + (("所属单位", {"fields": ["department", "phone"]}),)
    add_fieldsets = BaseUserAdmin.add_fieldsets + (("所属单位", {"fields": ["department", "groups"]}),)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("department").prefetch_related("groups")

    @admin.display(description="姓名")
    def full_name(self, obj):
        return obj.get_full_name()

    @admin.display(description="角色")
    def roles(self, obj):
        return "、".join(group.name for group in obj.groups.all())


class ProgressUpdateInline(admin.TabularInline):
    model = ProgressUpdate
    extra = 0
    fields = ["date", "percent", "content", "attachment", "reported_by", "created_at"]
    readonly_fields = ["reported_by", "created_at"]

    def has_change_permission(self, request, obj=None):
        return False


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


@admin.action(description="催办所选任务（发送邮件给相关单位填报员）")
def chase_tasks(modeladmin, request, queryset):
    """Ask for the message on an intermediate page, then chase the selected tasks at once."""
    if not permissions.can_chase(request.user):
        modeladmin.message_user(request, "只有督查员可以催办。", messages.ERROR)
        return None
    tasks = list(queryset.order_by("serial"))
    form = ChaseForm(request.POST if "confirm" in request.POST else None)
    if form.is_bound and form.is_valid():
        try:
            chase = chasing.chase_send(sent_by=request.user, tasks=tasks, message=form.cleaned_data["message"])
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            count = chase.recipients.count()
            modeladmin.message_user(
                request, f"已催办 {len(tasks)} 项任务，邮件发送给 {count} 位填报员。", messages.SUCCESS)
            return None
    return TemplateResponse(request, "admin/tracker/task/chase_confirmation.html", {
        **modeladmin.admin_site.each_context(request),
        "title": "催办任务",
        "opts": modeladmin.model._meta,
        "tasks": tasks,
        "form": form,
        "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
    })


@admin.register(Task)
class TaskAdmin(SimpleHistoryAdmin):
    list_display = [
        "serial", "title", "signal_badge", "category", "lead_department", "deadline", "status", "progress",
        "updated_at",
    ]
    list_display_links = ["serial", "title"]
    list_filter = [SignalListFilter, "status", "category", "lead_department", "deadline"]
    actions = [chase_tasks]
    change_form_template = "admin/tracker/task/change_form.html"
    search_fields = ["serial", "title", "content", "owner_text", "responsible_person"]
    autocomplete_fields = ["lead_department", "co_departments", "speech", "source_item"]
    date_hierarchy = "deadline"
    list_select_related = ["lead_department"]
    list_per_page = 50
    show_full_result_count = False
    inlines = [ProgressUpdateInline]
    readonly_fields = ["serial", "original_deadline", "progress", "latest_progress", "completed_at",
                       "created_by", "created_at", "updated_at"]
    fieldsets = [
        (None, {"fields": ["serial", "title", "content", "category", "speech", "source_item"]}),
        ("责任分工", {"fields": ["lead_department", "co_departments", "owner_text", "responsible_person"]}),
        ("时限与状态", {"fields": ["deadline", "deadline_text", "original_deadline", "status",
                                   "progress", "latest_progress", "completed_at"]}),
        ("其他", {"fields": ["note", "created_by", "created_at", "updated_at"]}),
    ]

    def get_queryset(self, request):
        return lights.annotate_signal(selectors.task_list(user=request.user, queryset=super().get_queryset(request)))

    def get_actions(self, request):
        actions = super().get_actions(request)
        if not permissions.can_chase(request.user):
            actions.pop("chase_tasks", None)
        return actions

    @admin.display(description="红黄绿灯", ordering="signal_rank")
    def signal_badge(self, obj):
        signal = lights.task_signal(obj)
        return format_html('<span class="badge badge-{}">{}</span>', signal, lights.LABELS[signal])

    def has_change_permission(self, request, obj=None):
        return permissions.can_edit_task(request.user, obj) and super().has_change_permission(request, obj)

    def save_model(self, request, obj, form, change):
        if change:
            # The original deadline is the first one a task ever had: a task created
            # without a deadline takes the first one it is given.
            if obj.original_deadline is None and obj.deadline is not None:
                obj.original_deadline = obj.deadline
            super().save_model(request, obj, form, change)
        else:
            services.task_save_new(task=obj, created_by=request.user)

    def save_formset(self, request, form, formset, change):
        for instance in formset.save(commit=False):
            if isinstance(instance, ProgressUpdate):
                services.progress_report(
                    task=form.instance, reported_by=request.user, date=instance.date,
                    content=instance.content, percent=instance.percent, attachment=instance.attachment,
                )
        formset.save_m2m()


@admin.register(ProgressUpdate)
class ProgressUpdateAdmin(SimpleHistoryAdmin):
    list_display = ["task", "date", "percent", "reported_by", "created_at"]
    list_filter = ["date"]
    search_fields = ["task__serial", "task__title", "content"]
    autocomplete_fields = ["task"]
    list_select_related = ["task", "reported_by"]

    def get_queryset(self, request):
        visible = selectors.task_list(user=request.user).values("pk")
        return super().get_queryset(request).filter(task__in=visible)


class TaskScopedAdmin(admin.ModelAdmin):
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


class ServiceAddAdmin:
    """Records with rules (chases, extension requests, instructions) are added through their service.

    The add form asks the service's check, so a refusal shows as a form error in
    Chinese and nothing is written; saving calls the service itself. Once written,
    such a record is a log: it is never edited in the admin (decisions on extension
    requests are taken on the task page).
    """

    add_fields = []

    def has_change_permission(self, request, obj=None):
        return False

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


@admin.register(TaskTransition)
class TaskTransitionAdmin(TaskScopedAdmin):
    list_display = ["task", "action", "from_status", "to_status", "by", "at"]
    list_filter = ["action", "to_status"]
    search_fields = ["task__serial", "task__title", "reason"]


@admin.register(Attachment)
class AttachmentAdmin(TaskScopedAdmin):
    list_display = ["name", "task", "size", "uploaded_by", "uploaded_at"]
    search_fields = ["name", "task__serial"]


@admin.register(ExtensionRequest)
class ExtensionRequestAdmin(ServiceAddAdmin, TaskScopedAdmin):
    list_display = ["task", "old_deadline", "new_deadline", "status", "requested_by", "requested_at"]
    list_filter = ["status"]
    search_fields = ["task__serial", "task__title", "reason"]
    add_fields = ["task", "new_deadline", "reason"]

    def service_check(self, request, cleaned):
        extensions.extension_request_check(task=cleaned["task"], requested_by=request.user,
                                           new_deadline=cleaned["new_deadline"], reason=cleaned["reason"])

    def service_perform(self, request, cleaned):
        return extensions.extension_request_create(task=cleaned["task"], requested_by=request.user,
                                                   new_deadline=cleaned["new_deadline"], reason=cleaned["reason"])


@admin.register(Instruction)
class InstructionAdmin(ServiceAddAdmin, TaskScopedAdmin):
    list_display = ["task", "kind", "author", "created_at"]
    list_filter = ["kind"]
    search_fields = ["task__serial", "content"]
    add_fields = ["task", "kind", "content"]

    def service_check(self, request, cleaned):
        instructions.instruction_check(task=cleaned["task"], author=request.user, kind=cleaned["kind"],
                                       content=cleaned["content"])

    def service_perform(self, request, cleaned):
        return instructions.instruction_add(task=cleaned["task"], author=request.user, kind=cleaned["kind"],
                                            content=cleaned["content"])


@admin.register(Chase)
class ChaseAdmin(ServiceAddAdmin, admin.ModelAdmin):
    list_display = ["kind", "sent_at", "sent_by", "channel", "message"]
    list_filter = ["kind", "channel"]
    search_fields = ["message"]
    autocomplete_fields = ["tasks"]
    add_fields = ["tasks", "message"]

    def get_queryset(self, request):
        qs = super().get_queryset(request).select_related("sent_by")
        if permissions.sees_everything(request.user):
            return qs
        # An officer reads the chases that name at least one task they may see.
        visible = selectors.task_list(user=request.user).values("pk")
        return qs.filter(pk__in=Chase.tasks.through.objects.filter(task_id__in=visible).values("chase_id"))

    def service_check(self, request, cleaned):
        chasing.chase_check(sent_by=request.user, tasks=list(cleaned["tasks"]), message=cleaned["message"])

    def service_perform(self, request, cleaned):
        return chasing.chase_send(sent_by=request.user, tasks=cleaned["tasks"], message=cleaned["message"])
