"""Every read a user makes of tasks: querysets scoped to what the user may see."""
from tracker import lights, permissions
from tracker.filters import TaskFilter
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


