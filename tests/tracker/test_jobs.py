"""Background jobs (tracker/jobs.py): queued only after commit, run by a worker against committed rows.

"Broker mode" here means CELERY_TASK_ALWAYS_EAGER off with apply_async captured instead of
published; the captured job is then run the way a worker runs it: in another thread, on
its own database connection, so it sees only what was committed. Those tests use real
transactions (transaction=True), not the test's rolled-back one.
"""
import threading

import pytest
from celery.exceptions import Retry
from django.core import mail
from django.db import connection, transaction
from django.utils import timezone

from config.celery import app
from tests.tracker.mail_backends import REFUSED
from tests.tracker.test_notices import Receiver
from tracker import jobs
from tracker.models import Chase, NoticeDelivery, Task
from tracker.supervision import chasing


@pytest.fixture
def queued(settings, monkeypatch):
    """Broker mode: apply_async records (job name, args, kwargs) instead of publishing."""
    settings.CELERY_TASK_ALWAYS_EAGER = False
    calls = []

    def capture(job):
        def apply_async(args=(), kwargs=None, **options):
            calls.append((job.name, tuple(args), dict(kwargs or {})))
        return apply_async

    for job in (jobs.deliver_notices, jobs.send_chase_mail, jobs.daily_reminders, jobs.export_ledger):
        monkeypatch.setattr(job, "apply_async", capture(job))
    return calls


def run_as_worker(job, *args, **kwargs):
    """Run ``job`` in another thread with its own database connection, as a worker process would."""
    outcome = {}

    def work():
        try:
            outcome["result"] = job.apply(args=args, kwargs=kwargs).get()
        finally:
            connection.close()

    thread = threading.Thread(target=work)
    thread.start()
    thread.join(30)
    return outcome["result"]


@pytest.mark.django_db(transaction=True)
def test_a_chase_queues_its_mail_and_notice_after_commit_and_the_worker_sends_them(
        queued, settings, make_task, departments, supervisor, officer_a):
    settings.NOTICE_WEBHOOK_ALLOW_ANY_HOST = True
    settings.NOTICE_WEBHOOK_TIMEOUT = 1
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    officer_a.email = "a@example.gov.cn"
    officer_a.save()
    receiver = Receiver()
    try:
        departments["a"].webhook_url = receiver.url
        departments["a"].save()
        task = make_task(title="完成校舍安全排查", lead_department=departments["a"], status=Task.Status.IN_PROGRESS)
        queued.clear()
        with transaction.atomic():
            chase = chasing.chase_send(sent_by=supervisor, tasks=[task], message="请本周内报送进展")
            assert queued == []  # nothing leaves before the chase is committed
        names = sorted(name for name, _, _ in queued)
        assert names == ["tracker.jobs.deliver_notices", "tracker.jobs.send_chase_mail"]
        assert chase.delivery.sent is None  # the page says the mail was handed to the background
        assert "已交由后台发送" in chasing.chase_notice(chase)[1]

        [(_, mail_args, _)] = [call for call in queued if call[0] == "tracker.jobs.send_chase_mail"]
        [(_, notice_args, _)] = [call for call in queued if call[0] == "tracker.jobs.deliver_notices"]
        assert mail_args == (chase.pk,)
        result = run_as_worker(jobs.send_chase_mail, *mail_args)
        assert result == {"sent": [officer_a.pk], "failed": []}
        [letter] = mail.outbox
        assert letter.to == ["a@example.gov.cn"] and task.serial in letter.body and "请本周内报送进展" in letter.body

        assert run_as_worker(jobs.deliver_notices, *notice_args) == {"sent": 1, "failed": 0}
        [ids] = notice_args
        row = NoticeDelivery.objects.get(pk__in=ids)  # the chase's row (the assignment made one too)
        assert row.status == NoticeDelivery.Status.SENT and row.attempts == 1
        [posted] = receiver.received
        assert "催办" in posted["text"]["content"] and task.serial in posted["text"]["content"]
    finally:
        receiver.close()


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_chase_queues_nothing(queued, make_task, departments, supervisor, officer_a):
    officer_a.email = "a@example.gov.cn"
    officer_a.save()
    task = make_task(title="完成校舍安全排查", lead_department=departments["a"], status=Task.Status.IN_PROGRESS)
    queued.clear()
    with pytest.raises(RuntimeError), transaction.atomic():
        chasing.chase_send(sent_by=supervisor, tasks=[task], message="请抓紧")
        raise RuntimeError("the caller's transaction fails")
    assert queued == [] and not Chase.objects.exists()


@pytest.mark.django_db
def test_the_worker_retries_only_the_refused_recipients(settings, monkeypatch, make_task, departments, supervisor,
                                                        officer_a, django_capture_on_commit_callbacks):
    from tests.conftest import make_user

    settings.EMAIL_BACKEND = "tests.tracker.mail_backends.RefusesOneBackend"
    officer_a.email = "a@example.gov.cn"
    officer_a.save()
    refused = make_user("officer_a2", "部门填报员", departments["a"])
    refused.email = REFUSED
    refused.save()
    task = make_task(title="完成校舍安全排查", lead_department=departments["a"], status=Task.Status.IN_PROGRESS)
    chase = Chase.objects.create(message="请抓紧", sent_by=supervisor)
    chase.tasks.set([task])
    chase.recipients.set([officer_a, refused])
    retried = []

    def retry(args=None, countdown=None, **kwargs):
        retried.append((args, countdown))
        return Retry("retry", when=countdown)

    monkeypatch.setattr(jobs.send_chase_mail, "retry", retry)
    jobs.send_chase_mail.push_request(retries=0, is_eager=False)
    try:
        with pytest.raises(Retry):
            jobs.send_chase_mail.run(chase.pk)
    finally:
        jobs.send_chase_mail.pop_request()
    assert retried == [((chase.pk, [refused.pk]), jobs.MAIL_BACKOFF[0])]
    assert [m.to for m in mail.outbox] == [["a@example.gov.cn"]]
    # The retry mails the refused one alone; after the last retry it is given up, not raised.
    jobs.send_chase_mail.push_request(retries=len(jobs.MAIL_BACKOFF), is_eager=False)
    try:
        assert jobs.send_chase_mail.run(chase.pk, [refused.pk]) == {"sent": [], "failed": [refused.pk]}
    finally:
        jobs.send_chase_mail.pop_request()
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_without_a_broker_the_chase_mail_runs_in_the_request_and_the_page_says_who_got_it(
        make_task, departments, supervisor, officer_a, django_capture_on_commit_callbacks):
    officer_a.email = "a@example.gov.cn"
    officer_a.save()
    task = make_task(title="完成校舍安全排查", lead_department=departments["a"], status=Task.Status.IN_PROGRESS)
    with django_capture_on_commit_callbacks(execute=True):
        chase = chasing.chase_send(sent_by=supervisor, tasks=[task], message="请抓紧")
    assert chase.delivery.sent == [officer_a] and len(mail.outbox) == 1
    assert "邮件发送给 1 位填报员" in chasing.chase_notice(chase)[1]


@pytest.mark.django_db
def test_a_broker_that_cannot_be_reached_does_not_break_the_page(settings, monkeypatch, make_task, departments,
                                                                 supervisor, officer_a, caplog,
                                                                 django_capture_on_commit_callbacks):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    officer_a.email = "a@example.gov.cn"
    officer_a.save()

    def down(*args, **kwargs):
        raise ConnectionRefusedError(111, "Connection refused")

    monkeypatch.setattr(jobs.send_chase_mail, "apply_async", down)
    task = make_task(title="完成校舍安全排查", lead_department=departments["a"], status=Task.Status.IN_PROGRESS)
    with django_capture_on_commit_callbacks(execute=True):
        chase = chasing.chase_send(sent_by=supervisor, tasks=[task], message="请抓紧")
    assert Chase.objects.filter(pk=chase.pk).exists()
    assert "无法提交后台任务" in caplog.text
    # Nothing else would send a chase's mail: it is sent in the request instead, and the page says so.
    assert [m.to for m in mail.outbox] == [["a@example.gov.cn"]] and chase.delivery.sent == [officer_a]


@pytest.mark.django_db
def test_daily_reminders_skip_a_day_off_and_send_on_a_working_day(settings, monkeypatch, make_task, departments,
                                                                   officer_a, django_capture_on_commit_callbacks):
    from tracker import workdays

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    officer_a.email = "a@example.gov.cn"
    officer_a.save()
    make_task(title="已超期的任务", lead_department=departments["a"], status=Task.Status.IN_PROGRESS,
              deadline=timezone.localdate() - timezone.timedelta(days=3))
    monkeypatch.setattr(workdays, "is_workday", lambda day: False)
    assert jobs.daily_reminders.apply().get() == {"workday": False}
    assert mail.outbox == []
    monkeypatch.setattr(workdays, "is_workday", lambda day: True)
    with django_capture_on_commit_callbacks(execute=True):
        assert jobs.daily_reminders.apply().get() == {"workday": True, "sent": 1, "failed": []}
    assert len(mail.outbox) == 1 and "已超期的任务" in mail.outbox[0].body
    # Run again the same day (a retry, a second beat): nobody gets it twice.
    with django_capture_on_commit_callbacks(execute=True):
        assert jobs.daily_reminders.apply().get()["sent"] == 0
    assert len(mail.outbox) == 1


def test_the_beat_schedule_names_real_jobs(settings):
    app.loader.import_default_modules()
    for entry in settings.CELERY_BEAT_SCHEDULE.values():
        assert entry["task"] in app.tasks, entry


def test_without_a_broker_jobs_run_in_process(settings):
    # The demo and the README's commands: no CELERY_BROKER_URL, no broker installed.
    assert settings.CELERY_BROKER_URL == "" and settings.CELERY_TASK_ALWAYS_EAGER
    assert app.conf.task_always_eager
