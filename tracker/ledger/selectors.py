"""The ledger's reads: what an import may do to each task the file names, scoped by tracker.permissions."""
from collections.abc import Iterable

from django.db.models import OuterRef, Subquery

from tracker import permissions, selectors
from tracker.ledger.validate import ReportFacts
from tracker.models import ProgressUpdate, Task, User


def newest_progress():
    """Return the progress entries of the outer query's task, newest first: the one its task shows leads."""
    return ProgressUpdate.objects.filter(task=OuterRef("pk")).order_by(*ProgressUpdate.NEWEST_FIRST)


def newest_entry_id():
    """Return a subquery for the id of the outer task's newest progress entry (None: no entry)."""
    return Subquery(newest_progress().values("pk")[:1])


def task_report_facts(*, user: User, ids: Iterable[int], lock: bool = False) -> dict[int, ReportFacts]:
    """Return {task id: ReportFacts} for the tasks of ``ids`` the user may see: what a ledger import may do to each.

    A task the user may not see is left out exactly as one that does not exist, so the
    import cannot tell one department whether another's task id exists.
    ``lock`` takes row locks (inside a transaction) so the facts hold until it commits.
    """
    ids = sorted(set(ids))
    facts = {}
    for start in range(0, len(ids), FACTS_CHUNK):
        facts.update(_report_facts_chunk(user, ids[start:start + FACTS_CHUNK], lock))
    return facts


FACTS_CHUNK = 2000
_FACT_FIELDS = ("pk", "serial", "title", "status", "deadline", "progress", "latest_progress", "lead_department_id")


def _report_facts_chunk(user, ids, lock):
    # Only the columns the facts and the permission check read: no joins, no long texts but one.
    visible = selectors.task_list(user=user, queryset=Task.objects.filter(pk__in=ids))
    visible = visible.select_related(None).only(*_FACT_FIELDS).annotate(newest_entry=newest_entry_id())
    if lock:
        visible = visible.select_for_update(of=("self",))
    if not permissions.sees_everything(user):
        # can_view_task reads prefetched co-departments instead of asking per task.
        visible = visible.prefetch_related("co_departments")
    tasks = list(visible)
    # Who wrote each newest entry and when, for a conflict's display: one query for the chunk.
    entries = ProgressUpdate.objects.filter(pk__in=[t.newest_entry for t in tasks if t.newest_entry])
    entries = entries.select_related("reported_by").only(
        "created_at", "reported_by__username", "reported_by__first_name", "reported_by__last_name")
    newest = {entry.pk: entry for entry in entries}
    facts = {}
    for task in tasks:
        entry = newest.get(task.newest_entry)
        facts[task.pk] = ReportFacts(
            id=task.pk, serial=task.serial, title=task.title,
            may_report=permissions.can_report_progress(user, task), is_open=task.is_open,
            deadline=task.deadline, progress=task.progress, latest_progress=task.latest_progress,
            newest_entry=task.newest_entry, reported_by=entry.reported_by.display_name if entry else "",
            reported_at=entry.created_at if entry else None,
        )
    return facts
