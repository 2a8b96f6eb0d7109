"""Every write to tasks goes through here: keyword-only, validated, atomic.

The admin's ``save_model``, the pages and the commands call these functions, so
no path can skip a rule.
"""
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from tracker import ledger_validate, selectors
from tracker.models import ProgressUpdate, SerialCounter, Task


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
    task.save()
    return task


@transaction.atomic
def progress_report(*, task, reported_by, date, content, percent, attachment=None):
    """Record a progress entry and let the task follow its newest entry."""
    update = ProgressUpdate(
        task=task, reported_by=reported_by, date=date, content=content, percent=percent,
        attachment=attachment or "",
    )
    update.full_clean()
    update.save()
    task_sync_progress(task=task)
    return update


def task_sync_progress(*, task):
    """Copy the newest progress entry's percent and text onto the task."""
    newest = task.progress_updates.order_by("-date", "-created_at", "-id").first()
    task.progress = newest.percent if newest else 0
    task.latest_progress = newest.content if newest else ""
    task.save(update_fields=["progress", "latest_progress", "updated_at"])


@dataclass(frozen=True)
class ImportOutcome:
    """What a ledger import did: the entries written, or the errors that stopped it."""

    written: int
    errors: list


@transaction.atomic
def progress_import(*, user, changes, partial=False, date=None):
    """Write previewed ledger changes as progress entries, all or nothing.

    The tasks are locked and every change is checked again against them first
    (permission, still open, nobody reported since the preview). With any error
    nothing is written, unless ``partial``: then the valid changes are written and
    the rest reported.
    """
    facts = selectors.task_report_facts(user=user, ids=[c.task_id for c in changes], lock=True)
    valid, errors = ledger_validate.recheck(changes, facts)
    if errors and not partial:
        return ImportOutcome(written=0, errors=errors)
    day = date or timezone.localdate()
    tasks = Task.objects.in_bulk([c.task_id for c in valid])
    for change in valid:
        progress_report(
            task=tasks[change.task_id], reported_by=user, date=day,
            content=change.new_text, percent=change.new_percent,
        )
    return ImportOutcome(written=len(valid), errors=errors)
