"""send_reminders: a digest per officer of red, yellow and unacknowledged tasks, at most once a day."""
from datetime import timedelta
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from tests.conftest import make_user
from tracker.management.commands.send_reminders import Command
from tracker.models import Chase
from tracker.supervision import reminders

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup(officer_a, officer_b, departments, make_task):
    today = timezone.localdate()
    for officer, address in ((officer_a, "a@example.gov.cn"), (officer_b, "b@example.gov.cn")):
        officer.email = address
        officer.save()
    tasks = {
        "red": make_task(title="逾期任务", lead_department=departments["a"], deadline=today - timedelta(days=1),
                         status="in_progress"),
        "yellow": make_task(title="临期任务", lead_department=departments["b"], co_departments=[departments["a"]],
                            deadline=today + timedelta(days=2), status="in_progress"),
        "pending": make_task(title="未签收任务", lead_department=departments["a"],
                             deadline=today + timedelta(days=60)),
        "green": make_task(title="正常任务", lead_department=departments["a"], deadline=today + timedelta(days=60),
                           status="in_progress"),
        "other": make_task(title="别单位任务", lead_department=departments["c"], deadline=today - timedelta(days=5)),
    }
    return tasks


def run(*args):
    """Run the command; --force so these tests do not depend on today being a working day."""
    out = StringIO()
    call_command("send_reminders", "--force", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def test_each_officer_gets_a_digest_of_their_departments_tasks(setup, officer_a, officer_b,
                                                              django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        output = run()
    by_to = {message.to[0]: message for message in mail.outbox}
    assert set(by_to) == {"a@example.gov.cn", "b@example.gov.cn"}
    body_a = by_to["a@example.gov.cn"].body
    assert "逾期任务" in body_a and "临期任务" in body_a and "未签收任务" in body_a
    assert "正常任务" not in body_a and "别单位任务" not in body_a
    assert body_a.index("逾期任务") < body_a.index("临期任务") < body_a.index("未签收任务")
    assert "临期任务" in by_to["b@example.gov.cn"].body and "逾期任务" not in by_to["b@example.gov.cn"].body
    reminders = Chase.objects.filter(kind=Chase.Kind.REMINDER)
    assert reminders.count() == 2
    assert {user for chase in reminders for user in chase.recipients.all()} == {officer_a, officer_b}
    assert "已发送提醒邮件 2 封" in output


def test_second_run_the_same_day_sends_nothing(setup, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        run()
    sent = len(mail.outbox)
    with django_capture_on_commit_callbacks(execute=True):
        output = run()
    assert len(mail.outbox) == sent == 2
    assert Chase.objects.filter(kind=Chase.Kind.REMINDER).count() == 2
    assert "今天已收到提醒，跳过" in output


def test_a_new_officer_is_reminded_even_if_colleagues_were(setup, departments, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        run()
    newcomer = make_user("officer_a2", "部门填报员", departments["a"])
    newcomer.email = "a2@example.gov.cn"
    newcomer.save()
    with django_capture_on_commit_callbacks(execute=True):
        run()
    assert [m.to for m in mail.outbox[2:]] == [["a2@example.gov.cn"]]


def test_yesterdays_reminder_does_not_block_today(setup, officer_a, departments, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        run()
    Chase.objects.filter(kind=Chase.Kind.REMINDER).update(sent_at=timezone.now() - timedelta(days=1))
    with django_capture_on_commit_callbacks(execute=True):
        run()
    assert len(mail.outbox) == 4


def test_dry_run_prints_but_sends_and_logs_nothing(setup, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        output = run("--dry-run")
    assert mail.outbox == [] and callbacks == []
    assert not Chase.objects.exists()
    assert "将发送给 officer_a <a@example.gov.cn>" in output and "逾期任务" in output
    assert "将发送提醒邮件 2 封" in output


def test_handle_one_reports_the_outcome_for_one_department(setup, departments, officer_a,
                                                           django_capture_on_commit_callbacks):
    command = Command(stdout=StringIO(), stderr=StringIO())
    with django_capture_on_commit_callbacks(execute=True):
        outcome = command.handle_one(department=departments["a"], today=timezone.localdate())
    assert outcome.sent_to == [officer_a]
    assert [len(tasks) for _, tasks in outcome.groups] == [1, 1, 0, 0, 1]
    assert set(outcome.chase.tasks.values_list("title", flat=True)) == {"逾期任务", "临期任务", "未签收任务"}


def test_officers_without_email_are_skipped_and_not_logged(setup, officer_a, departments):
    officer_a.email = ""
    officer_a.save()
    outcome = reminders.reminder_send_department(department=departments["a"], today=timezone.localdate())
    assert outcome.no_email == [officer_a] and outcome.sent_to == []
    assert not Chase.objects.exists()


def test_a_mail_server_failure_removes_the_log_so_the_next_run_retries(
        setup, departments, monkeypatch, django_capture_on_commit_callbacks):
    def refuse(messages):
        raise OSError("连接被拒绝")

    monkeypatch.setattr(reminders.mailing, "deliver", refuse)
    with pytest.raises(OSError), django_capture_on_commit_callbacks(execute=True):
        reminders.reminder_send_department(department=departments["a"], today=timezone.localdate())
    assert not Chase.objects.exists()


def test_nothing_to_remind_sends_nothing(officer_a, departments, make_task, django_capture_on_commit_callbacks):
    officer_a.email = "a@example.gov.cn"
    officer_a.save()
    make_task(lead_department=departments["a"], deadline=timezone.localdate() + timedelta(days=90), status="in_progress")
    with django_capture_on_commit_callbacks(execute=True):
        output = run()
    assert mail.outbox == [] and not Chase.objects.exists()
    assert "不发送" in output


def test_every_digest_names_only_tasks_its_reader_may_see(setup, officer_a, officer_b, departments,
                                                          django_capture_on_commit_callbacks):
    """B leads a task A helps on, and A leads tasks B does not see: each digest stays within its reader's view."""
    from tracker import selectors

    officer_c = make_user("officer_c", "部门填报员", departments["c"])
    officer_c.email = "c@example.gov.cn"
    officer_c.save()
    with django_capture_on_commit_callbacks(execute=True):
        run()
    readers = {officer.email: officer for officer in (officer_a, officer_b, officer_c)}
    assert len(mail.outbox) == 3
    for message in mail.outbox:
        visible = set(selectors.task_list(user=readers[message.to[0]]).values_list("title", flat=True))
        named = {task.title for task in setup.values() if task.title in message.body}
        assert named and named <= visible, message.to
    assert "临期任务" in next(m.body for m in mail.outbox if m.to == ["b@example.gov.cn"])


def test_the_task_timeline_shows_a_digest_without_the_other_tasks_counts(setup, django_capture_on_commit_callbacks):
    """临期任务 is in A's and B's digests; its page says so, but not how many red tasks each department has."""
    from tracker import timeline

    with django_capture_on_commit_callbacks(execute=True):
        run()
    entries = [e for e in timeline.task_timeline(task=setup["yellow"]) if e.kind == "reminder"]
    assert len(entries) == 2
    assert all("红灯" not in entry.text and "项" not in entry.text for entry in entries)
    assert {entry.detail for entry in entries} == {"接收人：officer_a", "接收人：officer_b"}


def test_report_groups_list_overdue_and_due_soon_reports(setup, departments, settings):
    from tracker.models import Task

    today = timezone.localdate()
    settings.REPORT_DUE_SOON_DAYS = 3
    Task.objects.filter(pk=setup["green"].pk).update(report_rule="monthly", report_day=25,
                                                    report_due=today - timedelta(days=1))
    Task.objects.filter(pk=setup["pending"].pk).update(report_rule="monthly", report_day=25,
                                                      report_due=today + timedelta(days=3))
    groups = dict(reminders.reminder_digest(department=departments["a"], today=today))
    assert [t.title for t in groups["逾期未报：本期进展未按时报送"]] == ["正常任务"]
    assert [t.title for t in groups["本期待报送：报送截止日临近"]] == ["未签收任务"]
    subject, body = reminders.mailing.reminder_email(recipient=setup["green"].created_by, department=departments["a"],
                                                     groups=list(groups.items()), today=today)
    assert "逾期未报：本期进展未按时报送（1 项）" in body and "本期待报送：报送截止日临近（1 项）" in body
    assert f"绿灯；逾期未报（截止 {today - timedelta(days=1):%Y-%m-%d}）" in body


@pytest.mark.parametrize("day, sends", [
    ("2025-10-03", False),  # 国庆 holiday, a Friday
    ("2025-10-11", True),   # 调休 Saturday: a working day
    ("2025-10-12", False),  # Sunday
    ("2025-10-13", True),
])
def test_the_command_runs_only_on_chinese_working_days(setup, day, sends, monkeypatch):
    from datetime import date

    monkeypatch.setattr("tracker.management.commands.send_reminders.timezone.localdate",
                        lambda *a: date.fromisoformat(day))
    out = StringIO()
    call_command("send_reminders", "--dry-run", stdout=out, stderr=StringIO())
    assert ("不是工作日" not in out.getvalue()) == sends
    assert ("将发送提醒邮件" in out.getvalue()) == sends
    forced = StringIO()
    call_command("send_reminders", "--dry-run", "--force", stdout=forced, stderr=StringIO())
    assert "将发送提醒邮件" in forced.getvalue()
