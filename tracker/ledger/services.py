"""The ledger import's one write: previewed rows become progress entries, in bulk, all or nothing."""
import datetime
from collections.abc import Sequence
from dataclasses import dataclass

from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Subquery
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from tracker import services, task_cache
from tracker.ledger import selectors, validate
from tracker.models import ProgressUpdate, Task, User


@dataclass(frozen=True)
class ImportOutcome:
    """What a ledger import did: the entries written, or the errors that stopped it."""

    written: int
    errors: list


IMPORT_REASON = "导入台账填报进展"
IMPORT_BATCH = 500  # rows per INSERT / UPDATE statement; keeps the query count flat per batch, not per row


@transaction.atomic
def progress_import(*, user: User, changes: Sequence[validate.Change], partial: bool = False,
                    date: datetime.date | None = None) -> ImportOutcome:
    """Write previewed ledger changes as progress entries, all or nothing; a few queries per 500 rows.

    The same rules as ``progress_report``, checked for all rows before anything is
    written: the tasks are locked (one SELECT ... FOR UPDATE per chunk of ids) and
    every change is checked again against them (still visible, permission, still
    open, the task's progress still what the file was exported with: nobody reported,
    edited or deleted an entry since), then each entry is validated like
    ``full_clean``. With any error nothing is written, unless ``partial``: then the
    valid changes are written and the rest reported.

    The entries are inserted in bulk with their history records, and each task then
    follows its newest entry, exactly as ``progress_report`` does (an entry dated
    before an existing newer one does not override the task), its version bumped and
    a history record written for it (with the co-departments it has at that moment,
    as a single save records them).
    """
    facts = selectors.task_report_facts(user=user, ids=[c.task_id for c in changes], lock=True)
    valid, errors = validate.recheck(changes, facts)
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
            errors.append(validate.RowError(change.row, "", _field_messages(ProgressUpdate, exc)))
        else:
            entries.append(entry)
            kept.append(change)
    if (errors and not partial) or not entries:
        return ImportOutcome(written=0, errors=errors)

    now = timezone.now()
    bulk_create_with_history(entries, ProgressUpdate, batch_size=IMPORT_BATCH, default_user=user,
                             default_change_reason=IMPORT_REASON, default_date=now)
    _tasks_follow_newest(sorted({c.task_id for c in kept}), user=user, now=now)
    task_cache.tasks_changed()  # bulk INSERT and UPDATE send no save signals
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
    order as ``progress_report`` (date, then entry time, then id); the tasks are
    then read back once to write their history records as they now stand.
    """
    newest = selectors.newest_progress()
    tasks = []
    for start in range(0, len(ids), selectors.FACTS_CHUNK):
        chunk = Task.objects.filter(pk__in=ids[start:start + selectors.FACTS_CHUNK])
        chunk.update(
            progress=Subquery(newest.values("percent")[:1]),
            latest_progress=Subquery(newest.values("content")[:1]),
            version=F("version") + 1,
            updated_at=now,
        )
        # A new entry may complete the task's reporting cycle (tracker.cycles).
        services.report_cycles_refresh(queryset=chunk)
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
