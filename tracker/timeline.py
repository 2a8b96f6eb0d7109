"""One task's story in time order: progress, instructions and comments, chases, extension
requests and status transitions, merged into one list for the task page.

A fixed number of queries (one per kind of record), whatever the task's length; the
task page's prefetched progress entries and transitions (with their files) are reused.
Progress entries and transitions carry their evidence files, so the page needs no
separate list of them.
"""
from dataclasses import dataclass
from datetime import datetime, time

from django.utils import timezone

from tracker.models import Chase, ExtensionRequest, Instruction, ProgressUpdate, TaskTransition


@dataclass(frozen=True, slots=True)
class Entry:
    at: datetime
    kind: str  # progress / instruction / comment / chase / reminder / extension / decision / transition
    label: str
    actor: str
    text: str
    detail: str = ""
    attachments: tuple = ()


def person(user):
    if user is None:
        return "系统"
    return user.display_name


def _records(task, name, queryset):
    """Return the task's ``name`` records: prefetched ones if the caller has them, else ``queryset``."""
    if name in getattr(task, "_prefetched_objects_cache", {}):
        return getattr(task, name).all()
    return queryset


def progress_entries(task):
    updates = _records(task, "progress_updates",
                       ProgressUpdate.objects.filter(task=task).select_related("reported_by")
                       .prefetch_related("attachments"))
    for update in updates:
        # A progress entry is dated by the officer; order it at that day, after what
        # happened earlier that day, by using its recording time when it is the same day.
        at = update.created_at
        if timezone.localtime(at).date() != update.date:
            at = timezone.make_aware(datetime.combine(update.date, time(23, 59)))
        yield Entry(at=at, kind="progress", label="工作进展", actor=person(update.reported_by),
                    text=update.content, detail=f"{update.date:%Y-%m-%d}，完成率 {update.percent}%",
                    attachments=tuple(update.attachments.all()))


def instruction_entries(task):
    for item in Instruction.objects.filter(task=task).select_related("author"):
        yield Entry(at=item.created_at, kind=item.kind, label=item.get_kind_display(),
                    actor=person(item.author), text=item.content)


REMINDER_TEXT = "本任务列入当天的到期提醒邮件。"


def chase_entries(task):
    """The chases and reminders naming ``task``, told as this task's part of them.

    Whoever may see the task reads these entries: a chase of several tasks names only
    the recipients of this task's departments, and a reminder (a department's digest)
    does not quote the digest's counts of that department's other tasks.
    """
    involved = {task.lead_department_id, *(department.pk for department in task.co_departments.all())}
    for chase in Chase.objects.filter(tasks=task).select_related("sent_by").prefetch_related("recipients"):
        names = "、".join(person(user) for user in chase.recipients.all() if user.department_id in involved)
        text = REMINDER_TEXT if chase.kind == Chase.Kind.REMINDER else chase.message
        yield Entry(at=chase.sent_at, kind=chase.kind, label=chase.get_kind_display(),
                    actor=person(chase.sent_by), text=text, detail=f"接收人：{names or '无（相关单位无填报员邮箱）'}")


def extension_entries(task):
    requests = _records(task, "extension_requests",
                        ExtensionRequest.objects.filter(task=task).select_related("requested_by", "decided_by"))
    for ext in requests:
        change = f"{ext.old_deadline:%Y-%m-%d} → {ext.new_deadline:%Y-%m-%d}" if ext.old_deadline else \
            f"→ {ext.new_deadline:%Y-%m-%d}"
        yield Entry(at=ext.requested_at, kind="extension", label="延期申请", actor=person(ext.requested_by),
                    text=ext.reason, detail=change)
        if ext.decided_at:
            yield Entry(at=ext.decided_at, kind="decision", label=f"延期审批：{ext.get_status_display()}",
                        actor=person(ext.decided_by), text=ext.comment, detail=change)


def transition_entries(task):
    steps = _records(task, "transitions", TaskTransition.objects.filter(task=task)
                     .select_related("by", "from_department", "to_department").prefetch_related("attachments"))
    for step in steps:
        yield Entry(at=step.at, kind="transition", label=step.action_label, actor=person(step.by),
                    text=step.reason, detail=transition_detail(step), attachments=tuple(step.attachments.all()))


def transition_detail(step):
    """The status change, and for 退回（不属于本单位） and 转办 the lead departments before and after."""
    statuses = f"{step.get_from_status_display()} → {step.get_to_status_display()}"
    if step.to_department_id:
        former = step.from_department.name if step.from_department_id else "待指派"
        return f"牵头单位：{former} → {step.to_department.name}；{statuses}"
    if step.from_department_id:
        return f"{step.from_department.name}退回，牵头单位改为待指派；{statuses}"
    return statuses


def task_timeline(*, task):
    """Return every event of ``task`` as Entries, oldest first."""
    entries = [*progress_entries(task), *instruction_entries(task), *chase_entries(task),
               *extension_entries(task), *transition_entries(task)]
    return sorted(entries, key=lambda entry: entry.at)
