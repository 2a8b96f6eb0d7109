"""Every write to tasks goes through here: keyword-only, validated, atomic.

The admin's ``save_model``, the pages and the commands call these functions, so
no path can skip a rule.
"""
from __future__ import annotations

import os
import uuid
from collections.abc import Iterable, Sequence
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from common import filetypes
from tracker import choices, cycles, dates, notices, permissions, selectors, task_cache, workflow
from tracker.models import Attachment, Department, Notice, ProgressUpdate, SerialCounter, Task, TaskTransition, User

if TYPE_CHECKING:
    from django.core.files import File
    from django.db.models import QuerySet

    from speeches.models import Speech, SpeechItem

CONFLICT_MESSAGE = (
    "任务已被他人修改：在您打开之后，有人保存了这项任务（或填报了进展、办理了流转）。"
    "您这次的修改没有保存，以免覆盖对方的内容。请重新打开任务，在最新内容上再作修改。"
)


class TaskConflict(ValidationError):
    """The task was saved by someone else since the editor read it (optimistic locking)."""

    def __init__(self, message=CONFLICT_MESSAGE):
        super().__init__(message, code="conflict")


def required_text(value: str | None, *, missing: str, label: str, max_length: int) -> str:
    """Return ``value`` stripped; ValidationError with ``missing`` if empty, or if over ``max_length``."""
    text = (value or "").strip()
    if not text:
        raise ValidationError(missing)
    if len(text) > max_length:
        raise ValidationError(f"{label}不能超过 {max_length} 字。")
    return text


# A double click, or a form sent again while the first submission was still on its way,
# arrives within seconds; a slow upload of evidence files can take a minute.
REPEAT_WINDOW = timedelta(minutes=2)
REPEAT_MESSAGE = "已提交，请勿重复提交。"


def repeat_of(records: QuerySet, *, at: str = "created_at", matches=None):
    """Return the newest of ``records`` written within REPEAT_WINDOW, marked ``repeated``; else None.

    ``records`` are the caller's earlier identical submissions (same task, same person,
    same content), ``matches`` an optional further test in Python. Call this after
    locking the task row: two identical submissions then take turns and the second
    finds the first, on every app server and database.
    """
    recent = records.filter(**{f"{at}__gte": timezone.now() - REPEAT_WINDOW}).order_by(f"-{at}", "-pk")
    record = next((r for r in recent if matches is None or matches(r)), None)
    if record is not None:
        record.repeated = True
    return record


def serial_next(*, year: int) -> str:
    """Hand out the next 督办编号 of ``year`` (DB-2024-0012); safe under concurrency."""
    with transaction.atomic():
        SerialCounter.objects.get_or_create(year=year)
        counter = SerialCounter.objects.select_for_update().get(year=year)
        counter.last += 1
        counter.save(update_fields=["last"])
        return f"DB-{year}-{counter.last:04d}"


@transaction.atomic
def task_create(*, created_by: User, title: str, content: str = "", category: str = choices.DEPLOY,
                speech: Speech | None = None, source_item: SpeechItem | None = None,
                lead_department: Department | None = None, co_departments: Iterable[Department] = (),
                owner_text: str = "", responsible_person: str = "", deadline: date | None = None,
                deadline_text: str = "", note: str = "", report_rule: str = choices.NONE,
                report_day: int | None = None, status: str = choices.PENDING,
                completed_at: datetime | None = None) -> Task:
    """Create a task with its serial number (a status other than 待签收 only for imports and tests)."""
    task = Task(title=title, content=content, category=category, speech=speech, source_item=source_item,
                lead_department=lead_department, owner_text=owner_text, responsible_person=responsible_person,
                deadline=deadline, deadline_text=deadline_text, note=note, report_rule=report_rule,
                report_day=report_day, status=status, completed_at=completed_at)
    return task_save_new(task=task, created_by=created_by, co_departments=list(co_departments) or None)


@transaction.atomic
def task_save_new(*, task: Task, created_by: User, co_departments: Iterable[Department] | None = None,
                  serial: str | None = None, reason: str = "创建任务") -> Task:
    """Give an unsaved task its serial (the year's next unless ``serial``), creator and original
    deadline, check it and save it.

    The officers of its lead and co-departments get a 交办 notice.
    """
    task.created_by = created_by
    task.serial = serial or serial_next(year=timezone.localdate().year)
    if task.original_deadline is None:
        task.original_deadline = task.deadline
    if task.status == Task.Status.CLOSED and task.completed_at is None:
        task.completed_at = timezone.now()
    task.full_clean(exclude=["co_departments"])
    task_report_refresh(task=task)
    task_save(task=task, by=created_by, reason=reason)
    if co_departments:
        task._history_user = created_by
        task.co_departments.set(co_departments)
    notify_assigned(task=task, before=set())
    return task


def notify_assigned(*, task, before):
    """Send a 交办 notice to the departments of ``task`` that were not among ``before`` (department ids)."""
    new = notices.task_departments(task) - set(before)
    for dept in sorted(new):
        role = "牵头" if dept == task.lead_department_id else "配合"
        deadline = f"，完成时限 {task.deadline:%Y-%m-%d}" if task.deadline else ""
        notices.notify(task=task, kind=Notice.Kind.ASSIGNED, departments=[dept],
                       text=f"贵单位被指定为该任务的{role}单位{deadline}，请及时办理。")


HISTORY_REASON_MAX = 100  # simple_history's history_change_reason column


def task_save(*, task: Task, by: User | None, reason: str, update_fields: list[str] | None = None) -> Task:
    """Save ``task`` as its next version, its history record naming ``by`` and ``reason``.

    Every write to a task row goes through here (but the ledger's bulk update, which
    does the same in SQL): the version is what optimistic locking compares, the
    history record is what 修改记录 shows. The caller holds the row for the rest of
    the transaction (``task_lock``, or ``task_update``'s version check).
    """
    if task.pk is not None:
        task.version += 1
    task._history_user = by
    task._change_reason = reason[:HISTORY_REASON_MAX]
    if update_fields is not None:
        update_fields = [*update_fields, "version", "updated_at"]
    task.save(update_fields=update_fields)
    return task


def task_lock(task: Task) -> Task:
    """Return a fresh copy of ``task`` with its row locked until the transaction ends."""
    return Task.objects.select_for_update().get(pk=task.pk)


def _check_version(*, task, expected_version):
    """Raise TaskConflict unless the stored task is still at ``expected_version`` (optimistic locking).

    The row is locked while it is compared, so of two editors who read the same
    version exactly one saves; the other is told and keeps their page.
    """
    current = Task.objects.select_for_update().filter(pk=task.pk).values_list("version", flat=True).first()
    if current != expected_version:
        raise TaskConflict()
    task.version = expected_version


@transaction.atomic
def task_update(*, task: Task, expected_version: int, changed_by: User,
                co_departments: Iterable[Department] | None = None, reason: str = "") -> Task:
    """Save the edits made to ``task`` unless someone saved it since ``expected_version`` was read."""
    # The original deadline is the first one a task ever had: a task created without
    # a deadline takes the first one it is given, and keeps it through later moves.
    if task.original_deadline is None and task.deadline is not None:
        task.original_deadline = task.deadline
    if task.status == Task.Status.CLOSED and task.completed_at is None:
        task.completed_at = timezone.now()
    task.full_clean(exclude=["co_departments"])
    task_tree_check(task=task)
    task_report_refresh(task=task)
    _check_version(task=task, expected_version=expected_version)
    before = notices.task_departments(Task.objects.only("pk", "lead_department_id").get(pk=task.pk))
    task_save(task=task, by=changed_by, reason=reason or "修改任务")
    if co_departments is not None:
        task.co_departments.set(co_departments)
    notify_assigned(task=task, before=before)
    return task


@transaction.atomic
def task_assign(*, task: Task, changed_by: User, lead_department: Department,
                co_departments: Iterable[Department] | None = None, expected_version: int | None = None,
                reason: str = "") -> Task:
    """Give ``task`` a lead department (and optionally co-departments), recorded in its history."""
    if not permissions.can_edit_task(changed_by, task):
        raise PermissionDenied("只有督查员可以指派任务。")
    task.lead_department = lead_department
    version = task.version if expected_version is None else expected_version
    return task_update(task=task, expected_version=version, changed_by=changed_by,
                       co_departments=co_departments, reason=reason or "指派牵头单位")


# --- sub-tasks (分解下达) ------------------------------------------------------------


def subtask_deadline_refusal(*, deadline: date | None, parent_deadline: date | None) -> str:
    """Return why ``deadline`` does not fit under a parent due on ``parent_deadline``, or ''."""
    if deadline is not None and parent_deadline is not None and deadline > parent_deadline:
        return (f"子任务的完成时限（{deadline:%Y-%m-%d}）不能晚于上级任务的完成时限"
                f"（{parent_deadline:%Y-%m-%d}）。")
    return ""


def task_tree_check(*, task: Task) -> None:
    """Raise ValidationError unless ``task``'s deadline fits its parent's and its sub-tasks' deadlines.

    A supervisor's edit may not move a sub-task past its parent, nor a parent before a part of it.
    """
    if task.parent_id is not None:
        parent_deadline = Task.objects.filter(pk=task.parent_id).values_list("deadline", flat=True).first()
        message = subtask_deadline_refusal(deadline=task.deadline, parent_deadline=parent_deadline)
        if message:
            raise ValidationError({"deadline": message})
    if task.pk is not None and task.deadline is not None:
        latest = (Task.objects.filter(parent_id=task.pk, deadline__isnull=False)
                  .order_by("-deadline").values_list("deadline", flat=True).first())
        if latest is not None and latest > task.deadline:
            raise ValidationError({"deadline": f"本任务的完成时限不能早于其子任务的完成时限（最晚 {latest:%Y-%m-%d}）。"})


SUBTASK_SUFFIX_DIGITS = 2


@transaction.atomic
def subtask_create(*, parent: Task, created_by: User, lead_department: Department, title: str,
                   deadline: date | None, content: str = "", responsible_person: str = "") -> Task:
    """Break ``parent`` down (分解下达): a sub-task for one unit under its lead unit (or one of its co-departments).

    The sub-task has its own lead, deadline, status and progress, and the serial
    ``<parent's serial>-NN``. Refused, with a Chinese message and nothing saved, unless
    ``created_by`` is the parent's lead officer and the parent is open, the unit lies
    under the lead unit (or assists the task), and the deadline is not after the
    parent's. The same sub-task sent twice within REPEAT_WINDOW (a double click) is made once.
    """
    locked = task_lock(parent)  # two breakdowns of one task take turns for the next -NN
    if not permissions.is_lead_officer_of(created_by, locked):
        raise PermissionDenied("只有牵头单位的填报员可以分解下达本任务。")
    if not permissions.can_break_down(created_by, locked):
        raise ValidationError(f"任务当前状态为“{locked.get_status_display()}”，不能再分解下达。页面可能已过时，请刷新后再试。",
                              code="status")
    title = required_text(title, missing="请填写子任务名称。", label="子任务名称",
                          max_length=Task._meta.get_field("title").max_length)
    repeat = repeat_of(locked.children.filter(created_by=created_by, lead_department=lead_department, title=title))
    if repeat is not None:
        return repeat
    allowed = {d.pk for d in selectors.subtask_units(locked)}
    if lead_department is None or lead_department.pk not in allowed:
        name = lead_department.name if lead_department is not None else "（未选择）"
        raise ValidationError(f"承办单位“{name}”不是本任务牵头单位的下级单位，也不是本任务的配合单位，不能分解下达给它。")
    if deadline is None:
        raise ValidationError("请填写子任务的完成时限。")
    dates.check_sane(deadline, "子任务的完成时限")
    message = subtask_deadline_refusal(deadline=deadline, parent_deadline=locked.deadline)
    if message:
        raise ValidationError(message)
    number = locked.children.count() + 1
    task = Task(parent=locked, title=title, content=(content or "").strip(), category=locked.category,
                speech=locked.speech, lead_department=lead_department, deadline=deadline,
                responsible_person=(responsible_person or "").strip(), report_rule=locked.report_rule,
                report_day=locked.report_day)
    return task_save_new(task=task, created_by=created_by, serial=f"{locked.serial}-{number:0{SUBTASK_SUFFIX_DIGITS}d}",
                         reason=f"分解下达（{locked.serial}）")


def attachment_check(file: File) -> filetypes.FileKind:
    """Return the FileKind of an uploaded ``file``; raise ValidationError if it may not be stored."""
    name = os.path.basename(getattr(file, "name", "") or "附件")
    limit = settings.ATTACHMENT_MAX_BYTES
    size = getattr(file, "size", None)
    if size is not None and size > limit:
        raise ValidationError(f"文件“{name}”超过大小上限 {_megabytes(limit)}，未保存。")
    file.seek(0)
    data = file.read(limit + 1)
    file.seek(0)
    if len(data) > limit:
        raise ValidationError(f"文件“{name}”超过大小上限 {_megabytes(limit)}，未保存。")
    if not data:
        raise ValidationError(f"文件“{name}”是空文件，未保存。")
    kind = filetypes.sniff(data)
    if kind is None:
        raise ValidationError(
            f"文件“{name}”的内容不是允许的类型，未保存。只接受{filetypes.ACCEPTED_LABEL}（按文件内容判断，与扩展名无关）。"
        )
    return kind


def _megabytes(limit):
    return f"{limit / 1024 / 1024:g} MB"


def attachments_check(files: Sequence[File]) -> list[filetypes.FileKind]:
    """Check every file first, so a bad one refuses the whole submission before anything is written."""
    kinds = []
    errors = []
    for file in files:
        try:
            kinds.append(attachment_check(file))
        except ValidationError as error:
            errors.extend(error.messages)
    if errors:
        raise ValidationError(errors)
    return kinds


@transaction.atomic
def attachment_add(*, task: Task, file: File, uploaded_by: User, progress_update: ProgressUpdate | None = None,
                   transition: TaskTransition | None = None, kind: filetypes.FileKind | None = None) -> Attachment:
    """Store ``file`` for ``task`` under a generated name; the original name is kept for download."""
    kind = kind or attachment_check(file)
    original = os.path.basename(getattr(file, "name", "") or "附件")[:255] or "附件"
    attachment = Attachment(
        task=task, progress_update=progress_update, transition=transition, name=original,
        size=file.size, content_type=kind.content_type, uploaded_by=uploaded_by,
    )
    attachment.file.save(f"{uuid.uuid4().hex}.{kind.extension}", file, save=False)
    attachment.save()
    return attachment


@transaction.atomic
def task_transition(*, task: Task, action: str, by: User, reason: str = "", files: Sequence[File] = ()) -> TaskTransition:
    """Move ``task`` one step along the closed loop, as the workflow table allows.

    The task row is locked and re-read first, so of two supervisors accepting the
    same report at once, one transition happens and the other is told the status
    changed. Raise PermissionDenied for the wrong role, ValidationError otherwise.
    A step that names a new lead department (转办) goes through ``task_reassign``.
    退回（不属于本单位） also clears the lead department and tells the supervisors; the
    same refusal sent twice (a double click) is written once.
    """
    transition = workflow.get(action)
    reason = (reason or "").strip()
    if transition is not None and transition.needs_department:
        raise ValidationError(f"“{transition.label}”须在转办表单中选择新的牵头单位。", code="department")
    locked = task_lock(task)
    if transition is not None and transition.changes_lead:
        repeat = transition_repeat(task_pk=locked.pk, by=by, action=action, reason=reason)
        if repeat is not None:
            return repeat
    refusal = permissions.transition_refusal(by, locked, action, reason)
    if refusal is not None:
        if refusal.kind == "role":
            raise PermissionDenied(refusal.message)
        raise ValidationError(refusal.message, code=refusal.kind)
    if files and not transition.allows_files:
        raise ValidationError(f"“{transition.label}”不能附加文件。")
    kinds = attachments_check(files)
    from_status, from_department = locked.status, locked.lead_department
    locked.status = transition.target
    if transition.target == Task.Status.CLOSED:
        locked.completed_at = timezone.now()
    if action == "decline":
        locked.lead_department = None
    task_report_refresh(task=locked)
    task_save(task=locked, by=by, reason=f"{transition.label}：{reason}" if reason else transition.label)
    record = TaskTransition.objects.create(
        task=locked, action=action, from_status=from_status, to_status=transition.target, reason=reason, by=by,
        from_department=from_department if transition.changes_lead else None,
    )
    for file, kind in zip(files, kinds):
        attachment_add(task=locked, file=file, uploaded_by=by, transition=record, kind=kind)
    if action == "send_back":
        notices.notify(task=locked, kind=Notice.Kind.RETURNED, departments=[locked.lead_department_id],
                       text=f"办结申请被退回，理由：{reason}")
    elif action == "decline":
        notices.notify_supervisors(
            task=locked, kind=Notice.Kind.DECLINED, mail=True,
            text=f"{from_department.name}退回该任务，认为不属于本单位，理由：{sentence(reason)}任务已列入“待指派”，请转办。")
    elif action == "suspend":
        notices.notify(task=locked, kind=Notice.Kind.SUSPENDED, text=f"督查室中止了该任务，理由：{sentence(reason)}"
                                                                     "无需再办理和报送进展。")
        subtasks_suspend(parent=locked, by=by, reason=reason)
    _copy_state(locked, task)
    return record


def subtasks_suspend(*, parent: Task, by: User, reason: str) -> list[Task]:
    """Suspend every open sub-task under ``parent`` (at any depth) with it; return them.

    A unit's share of a task no longer to be done is not to be done either: left open,
    the schools would still be chased, lit red and counted as owing reports for work
    the 督查室 has called off. Each sub-task gets its own 中止 step (by the same
    supervisor, naming the parent) and its lead unit a notice. Closed and already
    suspended sub-tasks keep their state. Runs inside the parent's transaction.
    """
    transition = workflow.get("suspend")
    why = f"上级任务{parent.serial}已中止：{reason}"
    suspended = selectors.open_subtasks_below(task=parent, for_update=True)
    for child in suspended:
        from_status, child.status = child.status, transition.target
        task_report_refresh(task=child)
        task_save(task=child, by=by, reason=f"{transition.label}：{why}")
        TaskTransition.objects.create(task=child, action="suspend", from_status=from_status,
                                      to_status=transition.target, reason=why, by=by)
        notices.notify(task=child, kind=Notice.Kind.SUSPENDED,
                       text=f"上级任务{parent.serial}已由督查室中止，本子任务随之中止，理由：{sentence(reason)}"
                            "无需再办理和报送进展。")
    return suspended


def sentence(text: str) -> str:
    """``text`` ended with one full stop, to be followed by another sentence in a notice."""
    text = text.strip().rstrip("。.；;，,")
    return f"{text}。" if text and text[-1] not in "！？!?" else text


def transition_repeat(*, task_pk: int, by: User, action: str, reason: str = "") -> TaskTransition | None:
    """Return ``by``'s identical ``action`` on task ``task_pk`` made within REPEAT_WINDOW (a double click), or None.

    Only the person's own step is looked up, so the answer reveals nothing about a task
    they may no longer see (a department that refused a task loses sight of it).
    """
    records = TaskTransition.objects.filter(task_id=task_pk, by=by, action=action)
    return repeat_of(records, at="at", matches=lambda record: record.reason == (reason or "").strip())


@transaction.atomic
def task_reassign(*, task: Task, by: User, lead_department: Department | None, reason: str,
                  expected_version: int | None = None,
                  co_departments: Sequence[Department] | None = None) -> TaskTransition:
    """转办: give ``task`` to ``lead_department`` as its new lead, to be signed for anew (待签收).

    The supervisor's step after a refusal (the task waits in 待指派), or to move an open
    task. Checked first, nothing written on refusal: the role, the status (not a closed
    or suspended task), the reason, a department other than the current lead and still
    in service, and the version the form was read at (a stale form is refused). The
    same transfer sent twice (a double click) is written once. The former lead leaves
    the task (a co-department that becomes the lead stops being a co-department); the
    new lead and the co-departments are told in the system, by mail and by their robot.
    ``co_departments``, when given, replaces the co-departments as well (the new lead is
    never its own co-department); a co-department it leaves out loses sight of the task
    unless it has another part in it, one it adds is told as the others are.
    """
    transition = workflow.get("reassign")
    reason = (reason or "").strip()
    locked = task_lock(task)
    if lead_department is not None:
        repeat = repeat_of(TaskTransition.objects.filter(task=locked, by=by, action="reassign",
                                                         to_department=lead_department),
                           at="at", matches=lambda record: record.reason == reason)
        if repeat is not None:
            return repeat
    refusal = permissions.transition_refusal(by, locked, "reassign", reason,
                                             department_id=lead_department.pk if lead_department else None)
    if refusal is not None:
        if refusal.kind == "role":
            raise PermissionDenied(refusal.message)
        raise ValidationError(refusal.message, code=refusal.kind)
    if not lead_department.is_active:
        raise ValidationError(f"“{lead_department.name}”已停用，不能转办给该单位。", code="department")
    if expected_version is not None and locked.version != expected_version:
        raise TaskConflict()
    before = set(locked.co_departments.values_list("pk", flat=True))
    if co_departments is not None:
        stopped = [d.name for d in co_departments if not d.is_active and d.pk not in before]
        if stopped:
            raise ValidationError(f"“{'、'.join(stopped)}”已停用，不能作为配合单位。", code="co_departments")
    from_status, from_department = locked.status, locked.lead_department
    wanted = locked.co_departments.all() if co_departments is None else co_departments
    co_departments = sorted({d.pk: d for d in wanted if d.pk != lead_department.pk}.values(), key=lambda d: d.pk)
    locked.lead_department = lead_department
    locked.status = transition.target
    task_report_refresh(task=locked)
    task_save(task=locked, by=by, reason=f"{transition.label}：{reason}")
    if {d.pk for d in co_departments} != before:
        locked._history_user = by
        locked.co_departments.set(co_departments)
    record = TaskTransition.objects.create(
        task=locked, action="reassign", from_status=from_status, to_status=transition.target, reason=reason, by=by,
        from_department=from_department, to_department=lead_department,
    )
    former = f"（原牵头单位：{from_department.name}）" if from_department else ""
    deadline = f"完成时限 {locked.deadline:%Y-%m-%d}，" if locked.deadline else ""
    notices.notify(task=locked, kind=Notice.Kind.REASSIGNED, departments=[lead_department], mail=True,
                   text=f"督查室将该任务转办给贵单位牵头办理{former}，转办理由：{sentence(reason)}{deadline}请及时签收。")
    kept = [d for d in co_departments if d.pk in before]
    added = [d for d in co_departments if d.pk not in before]
    if kept:
        notices.notify(task=locked, kind=Notice.Kind.REASSIGNED, departments=kept, mail=True,
                       text=f"该任务已转办，牵头单位改为{lead_department.name}，转办理由：{sentence(reason)}贵单位仍为配合单位。")
    if added:
        notices.notify(task=locked, kind=Notice.Kind.REASSIGNED, departments=added, mail=True,
                       text=f"督查室将该任务转办给{lead_department.name}牵头办理，贵单位为配合单位，"
                            f"转办理由：{sentence(reason)}{deadline}请配合做好相关工作。")
    _copy_state(locked, task)
    task.lead_department = lead_department
    return record


def _copy_state(source, target):
    """Let the caller's task object show what was saved."""
    if source is not target:
        for field in ("status", "version", "completed_at", "progress", "latest_progress", "updated_at", "report_due",
                      "lead_department_id"):
            setattr(target, field, getattr(source, field))


def progress_check(*, task: Task, reported_by: User, date: date) -> None:
    """Raise PermissionDenied or ValidationError (in Chinese) unless ``reported_by`` may report on ``task`` at ``date``."""
    if not permissions.may_report_progress(reported_by, task):
        raise PermissionDenied("您无权填报此任务的进展。")
    if not task.is_open:
        raise ValidationError(f"任务状态为“{task.get_status_display()}”，不能再填报进展。", code="status")
    dates.check_sane(date, "进展日期")


@transaction.atomic
def progress_report(*, task: Task, reported_by: User, date: date, content: str, percent: int,
                    files: Sequence[File] = ()) -> ProgressUpdate:
    """Record a progress entry (with evidence files) and let the task follow its newest entry.

    The same entry sent again by the same person within REPEAT_WINDOW (a double click)
    writes nothing: the first entry comes back, marked ``repeated``.
    """
    files = list(files)
    locked = task_lock(task)
    progress_check(task=locked, reported_by=reported_by, date=date)
    repeat = repeat_of(locked.progress_updates.filter(reported_by=reported_by, date=date, content=content,
                                                      percent=percent))
    if repeat is not None:
        return repeat
    kinds = attachments_check(files)
    update = ProgressUpdate(task=locked, reported_by=reported_by, date=date, content=content, percent=percent)
    update.full_clean()
    update._history_user = reported_by
    update.save()
    for file, kind in zip(files, kinds):
        attachment_add(task=locked, file=file, uploaded_by=reported_by, progress_update=update, kind=kind)
    # The task shows its newest entry, which need not be this one (an entry may be dated back).
    newest = locked.progress_updates.order_by(*ProgressUpdate.NEWEST_FIRST).first()
    locked.progress, locked.latest_progress = newest.percent, newest.content
    task_report_refresh(task=locked)
    task_save(task=locked, by=reported_by, reason="填报进展")
    _copy_state(locked, task)
    return update




# --- reporting cycles (报送周期) ------------------------------------------------------


def report_start(task) -> "date":
    """The day a task's cycles count from: the day it was created."""
    return timezone.localdate(task.created_at) if task.created_at else timezone.localdate()


def report_dates(task):
    """The local dates on which progress entries of ``task`` were made (created, not dated)."""
    if task.pk is None:
        return []
    return [timezone.localdate(at) for at in task.progress_updates.values_list("created_at", flat=True)]


def report_due_of(*, task, dates_reported, today=None):
    """Return the report_due ``task`` should store (tracker.cycles explains it); None when not reporting.

    A task with no lead department owes no report: nobody could have sent it, and it
    already shows grey as 待指派 until the supervisor names a lead.
    """
    if task.status not in choices.REPORTING_STATUSES:
        return None
    if task.lead_department_id is None:
        return None
    rule = task.report_rule_value
    if rule.kind == cycles.NONE or rule.check() is not None:
        return None
    today = today or timezone.localdate()
    return cycles.report_state(rule, report_start(task), dates_reported, today).due


def task_report_refresh(*, task, today=None):
    """Set ``task.report_due`` from its rule, status and entries (the caller saves it)."""
    task.report_due = report_due_of(task=task, dates_reported=report_dates(task), today=today)
    return task.report_due


def report_cycles_refresh(*, today=None, queryset=None) -> int:
    """Recompute report_due of every task with a rule; return how many changed.

    Derived data, not an edit: written with a plain UPDATE, so neither the task's
    version (optimistic locking) nor its history changes. Run daily by the
    refresh_report_cycles command; the ledger import calls it for the tasks it wrote.
    """
    today = today or timezone.localdate()
    tasks = (queryset if queryset is not None else Task.objects.all()).exclude(
        report_rule=Task.ReportRule.NONE, report_due__isnull=True)
    fields = ("pk", "status", "lead_department_id", "report_rule", "report_day", "deadline", "created_at", "report_due")
    ids = list(tasks.order_by("pk").values_list("pk", flat=True))
    changed = 0
    for start in range(0, len(ids), REFRESH_CHUNK):
        chunk = ids[start:start + REFRESH_CHUNK]
        reported = {}
        for task_id, at in ProgressUpdate.objects.filter(task_id__in=chunk).values_list("task_id", "created_at"):
            reported.setdefault(task_id, []).append(timezone.localdate(at))
        for task in Task.objects.filter(pk__in=chunk).only(*fields):
            due = report_due_of(task=task, dates_reported=reported.get(task.pk, []), today=today)
            if due != task.report_due:
                Task.objects.filter(pk=task.pk).update(report_due=due)
                changed += 1
    if changed:
        task_cache.tasks_changed()  # an UPDATE sends no save signal
    return changed


REFRESH_CHUNK = 500


@transaction.atomic
def task_set_report_rule(*, tasks, rule: str, day: int | None, changed_by) -> int:
    """Give each of ``tasks`` the reporting rule (rule, day); return how many changed.

    The rule is checked first (ValidationError in Chinese, nothing written); each task
    is saved as a new version with its history, naming ``changed_by``.
    """
    if rule not in Task.ReportRule.values:
        raise ValidationError("报送周期不正确。")
    if rule not in (Task.ReportRule.MONTHLY, Task.ReportRule.WEEKLY):
        day = None
    message = cycles.ReportRule(rule, day).check()
    if message:
        raise ValidationError(message)
    changed = 0
    label = Task.ReportRule(rule).label
    for task in Task.objects.select_for_update().filter(pk__in=[t.pk for t in tasks]):
        if (task.report_rule, task.report_day) == (rule, day):
            continue
        task.report_rule, task.report_day = rule, day
        task_report_refresh(task=task)
        task_save(task=task, by=changed_by, reason=f"设置报送周期：{cycles.describe(task.report_rule_value) or label}")
        changed += 1
    return changed
