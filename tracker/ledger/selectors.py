"""The ledger's reads: what an import may do to each task the file names, scoped by tracker.permissions."""
from tracker import permissions, selectors
from tracker.ledger.validate import ReportFacts
from tracker.models import Task


def task_report_facts(*, user, ids, lock=False):
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
    visible = visible.select_related(None).only(*_FACT_FIELDS)
    if lock:
        visible = visible.select_for_update(of=("self",))
    if not permissions.sees_everything(user):
        # can_view_task reads prefetched co-departments instead of asking per task.
        visible = visible.prefetch_related("co_departments")
    facts = {}
    for task in visible:
        facts[task.pk] = ReportFacts(
            id=task.pk, serial=task.serial, title=task.title,
            may_report=permissions.can_report_progress(user, task), is_open=task.is_open,
            deadline=task.deadline, progress=task.progress, latest_progress=task.latest_progress,
        )
    return facts
