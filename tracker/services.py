"""Every write to tasks goes through here: keyword-only, validated, atomic.

The admin's ``save_model``, the pages and the commands call these functions, so
no path can skip a rule.
"""
import os
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.apps import apps
from django.db import transaction
from django.db.models import F, OuterRef, Subquery
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from tracker import filetypes, ledger_validate, permissions, selectors, workflow
from tracker.models import Attachment, ProgressUpdate, SerialCounter, Task, TaskTransition

CONFLICT_MESSAGE = (
    "任务已被他人修改：在您打开之后，有人保存了这项任务（或填报了进展、办理了流转）。"
    "您这次的修改没有保存，以免覆盖对方的内容。请重新打开任务，在最新内容上再作修改。"
)


class TaskConflict(ValidationError):
    """The task was saved by someone else since the editor read it (optimistic locking)."""

    def __init__(self, message=CONFLICT_MESSAGE):
        super().__init__(message, code="conflict")


def required_text(value, *, missing, label, max_length):
    """Return ``value`` stripped; ValidationError with ``missing`` if empty, or if over ``max_length``."""
    text = (value or "").strip()
    if not text:
        raise ValidationError(missing)
    if len(text) > max_length:
        raise ValidationError(f"{label}不能超过 {max_length} 字。")
    return text


def serial_next(*, year):
    """Hand out the next 督办编号 of ``year`` (DB-2024-0012); safe under concurrency."""
    with transaction.atomic():
        SerialCounter.objects.get_or_create(year=year)
        counter = SerialCounter.objects.select_for_update().get(year=year)
        counter.last += 1
        counter.save(update_fields=["last"])
        return f"DB-{year}-{counter.last:04d}"


@transaction.atomic
def task_create(*, created_by, title, co_departments=(), **fields):
    """Create a task with its serial number; ``fields`` are Task model fields."""
    task = Task(title=title, **fields)
    task_save_new(task=task, created_by=created_by)
    if co_departments:
        task._history_user = created_by
        task.co_departments.set(co_departments)
    return task


@transaction.atomic
def task_save_new(*, task, created_by):
    """Give an unsaved task its serial, creator and original deadline, check it and save it."""
    task.created_by = created_by
    task.serial = serial_next(year=timezone.localdate().year)
    if task.original_deadline is None:
        task.original_deadline = task.deadline
    if task.status == Task.Status.CLOSED and task.completed_at is None:
        task.completed_at = timezone.now()
    task.full_clean(exclude=["co_departments"])
    task._history_user = created_by
    task.save()
    return task


def _claim(*, task, expected_version):
    """Bump the task's version if it is still ``expected_version``, else raise TaskConflict.

    The conditional UPDATE is the compare-and-set of optimistic locking: of two
    editors who read the same version, exactly one matches a row; on PostgreSQL the
    UPDATE also holds the row lock until commit, so the save that follows is safe.
    """
    claimed = Task.objects.filter(pk=task.pk, version=expected_version).update(version=F("version") + 1)
    if not claimed:
        raise TaskConflict()
    task.version = expected_version + 1


def task_lock(task):
    """Return a fresh copy of ``task`` with its row locked until the transaction ends."""
    return Task.objects.select_for_update().get(pk=task.pk)


def _mark_history(task, *, user, reason=""):
    task._history_user = user
    if reason:
        task._change_reason = reason[:100]


@transaction.atomic
def task_update(*, task, expected_version, changed_by, co_departments=None, reason=""):
    """Save the edits made to ``task`` unless someone saved it since ``expected_version`` was read."""
    # The original deadline is the first one a task ever had: a task created without
    # a deadline takes the first one it is given, and keeps it through later moves.
    if task.original_deadline is None and task.deadline is not None:
        task.original_deadline = task.deadline
    if task.status == Task.Status.CLOSED and task.completed_at is None:
        task.completed_at = timezone.now()
    task.full_clean(exclude=["co_departments"])
    _claim(task=task, expected_version=expected_version)
    _mark_history(task, user=changed_by, reason=reason)
    task.save()
    if co_departments is not None:
        task.co_departments.set(co_departments)
    return task


@transaction.atomic
def task_assign(*, task, changed_by, lead_department, co_departments=None, expected_version=None, reason=""):
    """Give ``task`` a lead department (and optionally co-departments), recorded in its history."""
    if not permissions.can_edit_task(changed_by, task):
        raise PermissionDenied("只有督查员可以指派任务。")
    task.lead_department = lead_department
    version = task.version if expected_version is None else expected_version
    return task_update(task=task, expected_version=version, changed_by=changed_by,
                       co_departments=co_departments, reason=reason or "指派牵头单位")


def attachment_check(file):
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


def attachments_check(files):
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
def attachment_add(*, task, file, uploaded_by, progress_update=None, transition=None, kind=None):
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
def task_transition(*, task, action, by, reason="", files=()):
    """Move ``task`` one step along the closed loop, as the workflow table allows.

    The task row is locked and re-read first, so of two supervisors accepting the
    same report at once, one transition happens and the other is told the status
    changed. Raise PermissionDenied for the wrong role, ValidationError otherwise.
    """
    transition = workflow.get(action)
    reason = (reason or "").strip()
    kinds = attachments_check(files)
    locked = task_lock(task)
    refusal = permissions.transition_refusal(by, locked, action, reason)
    if refusal is not None:
        if refusal.kind == "role":
            raise PermissionDenied(refusal.message)
        raise ValidationError(refusal.message, code=refusal.kind)
    if files and not transition.allows_files:
        raise ValidationError(f"“{transition.label}”不能附加文件。")
    from_status = locked.status
    locked.status = transition.target
    if transition.target == Task.Status.CLOSED:
        locked.completed_at = timezone.now()
    locked.version += 1
    _mark_history(locked, user=by, reason=f"{transition.label}：{reason}" if reason else transition.label)
    locked.save()
    record = TaskTransition.objects.create(
        task=locked, action=action, from_status=from_status, to_status=transition.target, reason=reason, by=by,
    )
    for file, kind in zip(files, kinds):
        attachment_add(task=locked, file=file, uploaded_by=by, transition=record, kind=kind)
    _copy_state(locked, task)
    return record


def _copy_state(source, target):
    """Let the caller's task object show what was saved."""
    if source is not target:
        for field in ("status", "version", "completed_at", "progress", "latest_progress", "updated_at"):
            setattr(target, field, getattr(source, field))


@transaction.atomic
def progress_report(*, task, reported_by, date, content, percent, files=(), attachment=None):
    """Record a progress entry (with evidence files) and let the task follow its newest entry."""
    files = list(files) + ([attachment] if attachment else [])
    kinds = attachments_check(files)
    locked = task_lock(task)
    if not locked.is_open:
        raise ValidationError(f"任务状态为“{locked.get_status_display()}”，不能再填报进展。")
    if not permissions.may_report_progress(reported_by, locked):
        raise PermissionDenied("您无权填报此任务的进展。")
    update = ProgressUpdate(task=locked, reported_by=reported_by, date=date, content=content, percent=percent)
    update.full_clean()
    update._history_user = reported_by
    update.save()
    for file, kind in zip(files, kinds):
        attachment_add(task=locked, file=file, uploaded_by=reported_by, progress_update=update, kind=kind)
    _sync_locked(locked, user=reported_by, reason="填报进展")
    _copy_state(locked, task)
    return update


def _sync_locked(task, *, user=None, reason=""):
    newest = task.progress_updates.order_by("-date", "-created_at", "-id").first()
    task.progress = newest.percent if newest else 0
    task.latest_progress = newest.content if newest else ""
    task.version += 1
    _mark_history(task, user=user, reason=reason)
    task.save()


@transaction.atomic
def task_sync_progress(*, task):
    """Copy the newest progress entry's percent and text onto the task (and bump its version)."""
    locked = task_lock(task)
    _sync_locked(locked)
    _copy_state(locked, task)


@dataclass(frozen=True)
class ImportOutcome:
    """What a ledger import did: the entries written, or the errors that stopped it."""

    written: int
    errors: list


IMPORT_REASON = "导入台账填报进展"
IMPORT_BATCH = 500  # rows per INSERT / UPDATE statement; keeps the query count flat per batch, not per row


@transaction.atomic
def progress_import(*, user, changes, partial=False, date=None):
    """Write previewed ledger changes as progress entries, all or nothing; a few queries per 500 rows.

    The same rules as ``progress_report``, checked for all rows before anything is
    written: the tasks are locked (one SELECT ... FOR UPDATE per chunk of ids) and
    every change is checked again against them (still visible, permission, still
    open, nobody reported since the preview), then each entry is validated like
    ``full_clean``. With any error nothing is written, unless ``partial``: then the
    valid changes are written and the rest reported.

    The entries are inserted in bulk with their history records, and each task then
    follows its newest entry, exactly as ``task_sync_progress`` would (an entry dated
    before an existing newer one does not override the task), its version bumped and
    a history record written for it (with the co-departments it has at that moment,
    as a single save records them).
    """
    facts = selectors.task_report_facts(user=user, ids=[c.task_id for c in changes], lock=True)
    valid, errors = ledger_validate.recheck(changes, facts)
    day = date or timezone.localdate()
    entries, kept = [], []
    for change in valid:
        entry = ProgressUpdate(task_id=change.task_id, reported_by=user, date=day,
                               content=change.new_text, percent=change.new_percent)
        try:
            # task and reported_by are known rows (locked, the caller); the percent
            # constraint is the same rule as the field validators and the DB enforces it.
            entry.full_clean(exclude=["task", "reported_by"], validate_constraints=False)
        except ValidationError as exc:
            errors.append(ledger_validate.RowError(change.row, "", _field_messages(ProgressUpdate, exc)))
        else:
            entries.append(entry)
            kept.append(change)
    if (errors and not partial) or not entries:
        return ImportOutcome(written=0, errors=errors)

    now = timezone.now()
    bulk_create_with_history(entries, ProgressUpdate, batch_size=IMPORT_BATCH, default_user=user,
                             default_change_reason=IMPORT_REASON, default_date=now)
    _tasks_follow_newest(sorted({c.task_id for c in kept}), user=user, now=now)
    return ImportOutcome(written=len(entries), errors=errors)


def _field_messages(model, error):
    """Join a ValidationError's messages, each led by its field's label (进展情况：此字段不能为空。)."""
    parts = []
    for name, messages in error.message_dict.items():
        try:
            label = f"{model._meta.get_field(name).verbose_name}："
        except Exception:  # NON_FIELD_ERRORS
            label = ""
        parts.extend(label + message for message in messages)
    return "；".join(parts)


def _tasks_follow_newest(ids, *, user, now):
    """Let each (locked) task follow its newest entry, bump its version and record its history, in bulk.

    The newest entry is picked by the database in the UPDATE itself, with the same
    order as ``task_sync_progress`` (date, then entry time, then id); the tasks are
    then read back once to write their history records as they now stand.
    """
    newest = ProgressUpdate.objects.filter(task=OuterRef("pk")).order_by("-date", "-created_at", "-id")
    tasks = []
    for start in range(0, len(ids), selectors.FACTS_CHUNK):
        chunk = Task.objects.filter(pk__in=ids[start:start + selectors.FACTS_CHUNK])
        chunk.update(
            progress=Subquery(newest.values("percent")[:1]),
            latest_progress=Subquery(newest.values("content")[:1]),
            version=F("version") + 1,
            updated_at=now,
        )
        tasks.extend(chunk.order_by("pk"))
    # What bulk_update_with_history records after its UPDATE; called directly because
    # the co-department snapshot below needs the historical records it returns.
    records = Task.history.bulk_history_create(tasks, batch_size=IMPORT_BATCH, update=True, default_user=user,
                                                default_change_reason=IMPORT_REASON, default_date=now)
    _history_co_departments(records)


def _history_co_departments(records):
    """Attach to each historical task record the co-departments its task has now.

    django-simple-history does this per record on a single save, and the history page
    diffs it; bulk_history_create skips it, so it is done here, in bulk.
    """
    snapshot_model = apps.get_model("tracker", "HistoricalTask_co_departments")
    through = Task.co_departments.through
    by_task = {record.id: record for record in records}
    ids = sorted(by_task)
    rows = []
    for start in range(0, len(ids), selectors.FACTS_CHUNK):
        links = through.objects.filter(task_id__in=ids[start:start + selectors.FACTS_CHUNK]).order_by("pk")
        for link_id, task_id, department_id in links.values_list("pk", "task_id", "department_id"):
            rows.append(snapshot_model(id=link_id, task_id=task_id, department_id=department_id,
                                       history=by_task[task_id]))
    snapshot_model.objects.bulk_create(rows, batch_size=IMPORT_BATCH)
