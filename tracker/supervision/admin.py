"""Admin screens of supervision: 催办记录, 延期申请, 批示, and the task list's 催办 action.

Imported by tracker.apps once the admin is set up; the records are added through their
services (tracker.admin.ServiceAddAdmin) and never edited afterwards.
"""
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe

from tracker import permissions
from tracker.admin import ServiceAddAdmin, TaskScopedAdmin, task_action
from tracker.models import Chase, ExtensionRequest, Instruction
from tracker.supervision import chasing, extensions, instructions
from tracker.supervision.forms import ChaseForm


@task_action
@admin.action(description="催办所选任务（发送邮件给相关单位填报员）", permissions=["chase"])
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
            level, text = chasing.chase_notice(chase, task_count=len(tasks))
            modeladmin.message_user(request, text, level)
            return None
    return TemplateResponse(request, "admin/tracker/task/chase_confirmation.html", {
        **modeladmin.admin_site.each_context(request),
        "title": "催办任务",
        "opts": modeladmin.model._meta,
        "tasks": tasks,
        "form": form,
        "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
    })


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
    # A record is read through these: its tasks and recipients as the reader may see them.
    shown_fields = ["kind", "sent_at", "sent_by", "channel", "message", "shown_tasks", "shown_recipients"]

    def get_queryset(self, request):
        return chasing.chase_list(user=request.user, queryset=super().get_queryset(request).select_related("sent_by"))

    def get_object(self, request, object_id, from_field=None):
        chase = super().get_object(request, object_id, from_field)
        if chase is not None:
            chase.visible_tasks, chase.visible_recipients = chasing.chase_shown(user=request.user, chase=chase)
        return chase

    def get_fields(self, request, obj=None):
        return self.add_fields if obj is None else self.shown_fields

    def get_readonly_fields(self, request, obj=None):
        return [] if obj is None else self.shown_fields

    @admin.display(description="任务")
    def shown_tasks(self, chase):
        links = format_html_join(mark_safe("<br>"), '<a href="{}">{} {}</a>', (
            (reverse("tracker:task_detail", args=[task.pk]), task.serial, task.title)
            for task in chase.visible_tasks))
        return links or "—"

    @admin.display(description="接收人")
    def shown_recipients(self, chase):
        return "、".join(str(user) for user in chase.visible_recipients) or "—"

    def service_check(self, request, cleaned):
        chasing.chase_check(sent_by=request.user, tasks=list(cleaned["tasks"]), message=cleaned["message"])

    def service_perform(self, request, cleaned):
        return chasing.chase_send(sent_by=request.user, tasks=cleaned["tasks"], message=cleaned["message"])

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        # The admin saves inside its own transaction: the e-mails leave when it commits,
        # and only then can the notice say what the mail server did.
        def tell():
            level, text = chasing.chase_notice(obj, task_count=len(form.cleaned_data["tasks"]))
            self.message_user(request, text, level)

        transaction.on_commit(tell)
