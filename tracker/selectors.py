"""Every read a user makes of tasks: querysets scoped to what the user may see."""
from tracker import lights, permissions
from tracker.filters import TaskFilter
from tracker.ledger_validate import TaskFacts
from tracker.models import Task


def task_list(*, user, queryset=None):
    """Return the tasks ``user`` may see, with what a list needs joined up front."""
    qs = Task.objects.all() if queryset is None else queryset
    if not permissions.sees_everything(user):
        # The visibility Q joins nothing, so no task comes back twice.
        qs = qs.filter(permissions.task_visibility_q(user))
    return qs.select_related("lead_department", "speech")


def task_get(*, user, pk):
    """Return task ``pk`` if ``user`` may see it, else raise Task.DoesNotExist."""
    return task_list(user=user).get(pk=pk)


def task_list_filtered(*, user, params):
    """Return (filterset, tasks): the visible tasks with their signal, filtered by ``params``."""
    tasks = lights.annotate_signal(task_list(user=user))
    filterset = TaskFilter(params, queryset=tasks)
    return filterset, filterset.qs


def task_detail_get(*, user, pk):
    """Return task ``pk`` with its signal and everything its page shows, or raise Task.DoesNotExist."""
    from django.db.models import Prefetch

    from tracker.models import Attachment, ProgressUpdate, TaskTransition

    attachments = Attachment.objects.select_related("uploaded_by")
    return (
        lights.annotate_signal(task_list(user=user))
        .select_related("created_by", "source_item")
        .prefetch_related(
            "co_departments",
            Prefetch("progress_updates",
                     queryset=ProgressUpdate.objects.select_related("reported_by")
                     .prefetch_related(Prefetch("attachments", queryset=attachments))),
            Prefetch("transitions",
                     queryset=TaskTransition.objects.select_related("by")
                     .prefetch_related(Prefetch("attachments", queryset=attachments))),
            Prefetch("attachments", queryset=attachments),
        )
        .get(pk=pk)
    )


def attachment_get(*, user, pk):
    """Return attachment ``pk`` if ``user`` may see its task, else raise Attachment.DoesNotExist."""
    from tracker.models import Attachment

    visible = task_list(user=user).values("pk")
    return Attachment.objects.select_related("task").filter(task__in=visible).get(pk=pk)


def task_report_facts(*, user, ids, lock=False):
    """Return {task id: TaskFacts} for the tasks ``ids`` names: what a ledger import may do to each.

    Tasks the user may not see are reported as invisible (and carry no details), so the
    import can refuse them without telling one department about another's tasks.
    ``lock`` takes row locks (inside a transaction) so the facts hold until it commits.
    """
    ids = sorted(set(ids))
    facts = {}
    for start in range(0, len(ids), FACTS_CHUNK):
        facts.update(_report_facts_chunk(user, ids[start:start + FACTS_CHUNK], lock))
    return facts


FACTS_CHUNK = 2000


def _report_facts_chunk(user, ids, lock):
    existing = Task.objects.filter(pk__in=ids)
    visible = task_list(user=user, queryset=existing)
    if lock:
        visible = visible.select_for_update(of=("self",))
    facts = {
        pk: TaskFacts(id=pk, serial="", title="", visible=False, may_report=False, is_open=False,
                      deadline=None, progress=0, latest_progress="")
        for pk in existing.values_list("pk", flat=True)
    }
    for task in visible:
        facts[task.pk] = TaskFacts(
            id=task.pk, serial=task.serial, title=task.title, visible=True,
            may_report=permissions.can_report_progress(user, task), is_open=task.is_open,
            deadline=task.deadline, progress=task.progress, latest_progress=task.latest_progress,
        )
    return facts
