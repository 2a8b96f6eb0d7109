"""导出任务: a ledger export too large to write during a page request, written by a background job.

``export_job_start`` records the request (the task list's querystring, as the requester
sent it) and queues ``tracker.jobs.export_ledger`` after commit; the worker reads the
tasks as the requester may see them when it runs (the same selector the page uses),
writes the .xlsx to a temp file with its progress recorded every thousand rows, then
stores it in the default storage, shared by every app server, for the requester to
download. Finished jobs and their files are swept after EXPORT_KEEP_DAYS.
"""
import logging
import tempfile
from datetime import timedelta

from django.core.files import File
from django.db import transaction
from django.http import QueryDict
from django.utils import timezone

from tracker import jobs, selectors
from tracker.ledger import export
from tracker.models import ExportJob, User

logger = logging.getLogger(__name__)

EXPORT_KEEP_DAYS = 7
# A queued or running job older than this is taken as lost (its worker died): it may be run again.
STALE_MINUTES = 30


@transaction.atomic
def export_job_start(*, user: User, params: str, subject: str, total: int) -> ExportJob:
    """Record a large export of the tasks ``params`` selects for ``user`` and queue it; return the job.

    The same request again while the first is still unfinished (a double click, a reload)
    returns the first job instead of writing the file twice.
    """
    recent = timezone.now() - timedelta(minutes=STALE_MINUTES)
    same = (ExportJob.objects.select_for_update()
            .filter(requested_by=user, params=params, created_at__gte=recent,
                    state__in=[ExportJob.State.QUEUED, ExportJob.State.RUNNING])
            .order_by("-created_at").first())
    if same is not None:
        return same
    job = ExportJob(requested_by=user, params=params, subject=subject[:500], total=total)
    job.full_clean()
    job.save()
    jobs.after_commit(jobs.export_ledger, job.pk)
    return job


def export_job_run(*, pk: int) -> None:
    """Write export ``pk`` (a worker's job); a job already finished, or running elsewhere, is left alone."""
    stale = timezone.now() - timedelta(minutes=STALE_MINUTES)
    claimed = (ExportJob.objects.filter(pk=pk, state=ExportJob.State.QUEUED)
               .update(state=ExportJob.State.RUNNING, done_rows=0))
    if not claimed:  # redelivered after a lost worker: take it over only once it is stale
        claimed = (ExportJob.objects.filter(pk=pk, state=ExportJob.State.RUNNING, created_at__lt=stale)
                   .update(done_rows=0))
    if not claimed:
        return
    job = ExportJob.objects.select_related("requested_by").get(pk=pk)
    try:
        _write(job)
    except Exception as error:  # noqa: BLE001 - recorded for the requester and logged
        logger.exception("导出任务 %s 失败", pk)
        ExportJob.objects.filter(pk=pk).update(
            state=ExportJob.State.FAILED, finished_at=timezone.now(),
            error=f"生成台账时出错（{type(error).__name__}），请稍后重试或缩小筛选范围。")


def _write(job):
    params = QueryDict(job.params)
    options = export.ledger_options(params)
    filterset, tasks = selectors.task_list_filtered(user=job.requested_by, params=params)
    if filterset.is_bound and not filterset.is_valid():
        raise ValueError("筛选条件有误")

    def progress(rows):
        ExportJob.objects.filter(pk=job.pk).update(done_rows=rows)

    with tempfile.TemporaryFile(suffix=".xlsx") as handle:
        result = export.ledger_write(tasks=tasks, target=handle, subject=job.subject, options=options,
                                     progress=progress)
        handle.seek(0)
        job.file.save(f"ledger-{job.pk}.xlsx", File(handle), save=False)
    ExportJob.objects.filter(pk=job.pk).update(
        state=ExportJob.State.DONE, file=job.file.name, filename=result.filename,
        done_rows=result.count, finished_at=timezone.now(), error="")


def export_job_for(*, user: User, pk: int) -> ExportJob:
    """Return export ``pk`` if ``user`` may see it; raise ExportJob.DoesNotExist otherwise (a 404)."""
    from tracker import permissions

    job = ExportJob.objects.get(pk=pk)
    if not permissions.can_download_export(user, job):
        raise ExportJob.DoesNotExist
    return job


def export_jobs_sweep(*, now=None) -> int:
    """Delete finished exports older than EXPORT_KEEP_DAYS, with their files; return how many."""
    cutoff = (now or timezone.now()) - timedelta(days=EXPORT_KEEP_DAYS)
    old = list(ExportJob.objects.filter(created_at__lt=cutoff))
    for job in old:
        if job.file:
            job.file.delete(save=False)
    ExportJob.objects.filter(pk__in=[job.pk for job in old]).delete()
    return len(old)
