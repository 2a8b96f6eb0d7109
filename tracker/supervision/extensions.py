"""延期申请: an officer asks for a later deadline, a supervisor decides, the history keeps every date.

``Task.original_deadline`` is the first deadline a task ever had and never moves;
``Task.deadline`` moves only through ``extension_decide`` (or a supervisor's edit),
which saves the task so django-simple-history records the change with a reason.
``tracker.selectors.deadline_changes`` reads those records back for the task page and the export.
"""
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from tracker import dates, notices, permissions
from tracker.models import SUPERVISION_TEXT_MAX, ExtensionRequest, Notice, Task, User
from tracker.services import repeat_of, required_text, task_lock, task_save


def extension_request_check(*, task: Task, requested_by: User, new_deadline: date, reason: str,
                            today: date | None = None) -> str:
    """Raise PermissionDenied or ValidationError (in Chinese) unless the request may be filed; return the clean reason."""
    today = today or timezone.localdate()
    if not permissions.can_request_extension(requested_by, task):
        raise PermissionDenied("只有牵头单位的填报员可以对未办结的任务申请延期。")
    if task.status == task.Status.CLOSING:
        raise ValidationError("任务已申请办结，正等待督查室销号，不能再申请延期；如被退回，可再申请。", code="closing")
    reason = required_text(reason, missing="请填写延期理由。", label="延期理由", max_length=SUPERVISION_TEXT_MAX)
    if task.deadline is None:
        raise ValidationError("该任务没有完成时限，无需申请延期。")
    if not isinstance(new_deadline, date):
        raise ValidationError("请填写申请的新时限。")
    dates.check_sane(new_deadline, "申请的新时限")
    if task.deadline < today:
        raise ValidationError(
            f"完成时限（{task.deadline:%Y-%m-%d}）已过，不能再申请延期，请联系督查室说明情况。")
    if new_deadline <= task.deadline:
        raise ValidationError(f"申请的新时限须晚于当前时限（{task.deadline:%Y-%m-%d}）。")
    if task.parent_id is not None:
        parent_deadline = Task.objects.filter(pk=task.parent_id).values_list("deadline", flat=True).first()
        if parent_deadline is not None and new_deadline > parent_deadline:
            raise ValidationError(f"子任务的新时限不能晚于上级任务的完成时限（{parent_deadline:%Y-%m-%d}）；"
                                  "如需更晚，请先由上级任务的牵头单位申请延期。")
    if task.extension_requests.filter(status=ExtensionRequest.Status.PENDING).exists():
        raise ValidationError("该任务已有一份待审批的延期申请，请等待督查室审批。")
    return reason


@transaction.atomic
def extension_request_create(*, task: Task, requested_by: User, new_deadline: date, reason: str,
                             today: date | None = None) -> ExtensionRequest:
    """File a request to move ``task``'s deadline to ``new_deadline``; return it.

    Refused (ValidationError, in Chinese; nothing written) while 申请办结 awaits a
    decision, when the deadline has passed, the new date is not later than the current deadline, the reason is
    empty, or a request is already waiting for a decision.
    """
    today = today or timezone.localdate()
    task = task_lock(task)  # two requests or decisions for one task take turns
    # The same request sent again within REPEAT_WINDOW (a double click) is the pending one.
    repeat = repeat_of(task.extension_requests.filter(
        requested_by=requested_by, new_deadline=new_deadline, reason=(reason or "").strip(),
        status=ExtensionRequest.Status.PENDING), at="requested_at")
    if repeat is not None:
        return repeat
    reason = extension_request_check(task=task, requested_by=requested_by, new_deadline=new_deadline,
                                     reason=reason, today=today)
    request = ExtensionRequest(task=task, old_deadline=task.deadline, new_deadline=new_deadline,
                               reason=reason, requested_by=requested_by)
    request.full_clean()
    request.save()
    return request


@transaction.atomic
def extension_decide(*, extension: ExtensionRequest, decided_by: User, approve: bool,
                     comment: str = "") -> ExtensionRequest:
    """Approve or refuse a pending request; on approval move the task's deadline.

    A refusal needs a comment. An approval saves the task through the model, so
    the history records the new deadline, who approved it and why.
    """
    if not permissions.can_decide_extension(decided_by):
        raise PermissionDenied("只有督查员可以审批延期申请。")
    extension = ExtensionRequest.objects.select_for_update().get(pk=extension.pk)
    if extension.status != ExtensionRequest.Status.PENDING:
        # The same decision by the same person just now is a double click, not a second decision.
        repeat = repeat_of(ExtensionRequest.objects.filter(
            pk=extension.pk, decided_by=decided_by,
            status=ExtensionRequest.Status.APPROVED if approve else ExtensionRequest.Status.REFUSED),
            at="decided_at")
        if repeat is not None:
            return repeat
        raise ValidationError(f"该申请{extension.get_status_display()}，不能重复审批。")
    comment = (comment or "").strip()
    if not approve and not comment:
        raise ValidationError("不同意延期时请填写审批意见。")
    task = task_lock(extension.task)
    if approve:
        if not task.is_open:
            raise ValidationError("任务已办结或已中止，不能再延期。")
        if task.deadline is not None and extension.new_deadline <= task.deadline:
            raise ValidationError(
                f"任务时限已调整为 {task.deadline:%Y-%m-%d}，申请的时限不再晚于当前时限，请选择不同意。")
        old = task.deadline
        if task.original_deadline is None:
            task.original_deadline = old
        task.deadline = extension.new_deadline
        task_save(task=task, by=decided_by, reason=f"同意延期申请：{old:%Y-%m-%d} → {task.deadline:%Y-%m-%d}",
                  update_fields=["deadline", "original_deadline"])
    extension.status = ExtensionRequest.Status.APPROVED if approve else ExtensionRequest.Status.REFUSED
    extension.decided_by = decided_by
    extension.decided_at = timezone.now()
    extension.comment = comment
    extension.full_clean()
    extension.save()
    if approve:
        text = f"延期申请已同意，完成时限调整为 {extension.new_deadline:%Y-%m-%d}。"
    else:
        text = f"延期申请未获同意，意见：{comment}"
    notices.notify(task=task, kind=Notice.Kind.EXTENSION, departments=[task.lead_department_id], text=text)
    return extension
