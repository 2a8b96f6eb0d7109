"""Background jobs (Celery): mail, group-chat notices, daily reminders, report cycles, large exports.

Each job is queued after the transaction that asked for it commits (``after_commit``), so
a worker never looks for rows that do not exist yet, and reads everything it needs from
the database by id: the broker carries only ids (JSON). With a broker the worker runs
them, retrying with backoff; celery beat runs the schedule in settings.CELERY_BEAT_SCHEDULE.
Without one (demo, tests) they run eagerly, in the process that asked, right after commit.
A job whose worker is lost mid-job runs again (acks_late): the outbox claims its rows
before posting, the reminders skip whoever got today's digest, an export runs only once
unless stale; only a chase's mail can then reach a recipient twice (the mail server gives
no way to ask what it already took).
"""
import logging

from celery import shared_task
from django.conf import settings
from django.db import transaction
from django.utils import timezone

logger = logging.getLogger(__name__)

# Mail and reminders: seconds before retry n (then given up and logged).
MAIL_BACKOFF = (60, 300, 1800)


def eager() -> bool:
    """True when jobs run in-process (no broker configured)."""
    return bool(getattr(settings, "CELERY_TASK_ALWAYS_EAGER", True))


def after_commit(job, *args, on_result=None, inline_if_down=False, **kwargs):
    """Queue ``job`` once the current transaction commits (at once outside one).

    Queueing never breaks the page: if the broker cannot be reached the error is logged
    (the outbox and the reminders are retried by beat anyway) and, with ``inline_if_down``
    (a chase's mail, which nothing else would send), the job runs here instead. In eager
    mode the job runs here and ``on_result`` gets its return value (None if it failed).
    """
    def send():
        try:
            result = job.apply_async(args=args, kwargs=kwargs)
        except Exception:  # noqa: BLE001 - the broker is down; logged, the page goes on
            logger.exception("无法提交后台任务 %s（消息队列不可用）%s", job.name, "，改为就地执行" if inline_if_down else "")
            if not inline_if_down:
                return
            result = job.apply(args=args, kwargs=kwargs)
            if on_result is not None:
                on_result(result.result if result.successful() else None)
            return
        if on_result is not None and eager():
            on_result(result.result if result.successful() else None)

    transaction.on_commit(send)


@shared_task(name="tracker.jobs.deliver_notices", ignore_result=True)
def deliver_notices(ids=None):
    """Post the robots' outbox rows ``ids`` (or all that are due); failures wait for their next attempt."""
    from tracker import notices

    sent, failed = notices.deliver_due(ids=ids)
    return {"sent": sent, "failed": failed}


@shared_task(bind=True, name="tracker.jobs.send_chase_mail", max_retries=len(MAIL_BACKOFF))
def send_chase_mail(self, chase_pk, only=None):
    """E-mail chase ``chase_pk`` to its recipients (or only the user ids ``only``); retry the refused ones.

    Returns {"sent": [user ids], "failed": [user ids]}. In a worker, the recipients the
    mail server refused are retried after MAIL_BACKOFF, the others are not mailed again.
    """
    from tracker.supervision import chasing

    sent, failed = chasing.chase_mail_send(chase_pk=chase_pk, only=only)
    if failed and not self.request.is_eager and self.request.retries < self.max_retries:
        raise self.retry(args=(chase_pk, failed), countdown=MAIL_BACKOFF[self.request.retries])
    if failed:
        logger.error("催办 %s：%d 位填报员的邮件多次发送失败，已放弃", chase_pk, len(failed))
    return {"sent": sent, "failed": failed}


@shared_task(bind=True, name="tracker.jobs.daily_reminders", max_retries=len(MAIL_BACKOFF))
def daily_reminders(self, force=False):
    """The daily digest (what ``send_reminders`` does), on Chinese working days only.

    A department whose mail failed is retried after MAIL_BACKOFF; whoever already got
    today's digest is skipped on the retry.
    """
    from tracker import workdays
    from tracker.supervision import reminders

    today = timezone.localdate()
    if not force and not workdays.is_workday(today):
        return {"workday": False}
    sent, failed_departments = reminders.reminder_round(today=today)
    failed = [department.pk for department in failed_departments]
    if failed and not self.request.is_eager and self.request.retries < self.max_retries:
        raise self.retry(kwargs={"force": force}, countdown=MAIL_BACKOFF[self.request.retries])
    return {"workday": True, "sent": sent, "failed": failed}


@shared_task(name="tracker.jobs.refresh_report_cycles", ignore_result=True)
def refresh_report_cycles():
    """Move every task's reporting cycle on (also done before the reminders)."""
    from tracker import services

    return services.report_cycles_refresh(today=timezone.localdate())


@shared_task(name="tracker.jobs.export_ledger", ignore_result=True)
def export_ledger(job_pk):
    """Write the large export ``job_pk`` to storage, recording progress (see tracker.ledger.export_jobs)."""
    from tracker.ledger import export_jobs

    export_jobs.export_job_run(pk=job_pk)


@shared_task(name="tracker.jobs.sweep_expired_files", ignore_result=True)
def sweep_expired_files():
    """Delete parked import previews and export files older than their keeping time."""
    from tracker.ledger import export_jobs, imports

    imports.pending_sweep()
    export_jobs.export_jobs_sweep()
