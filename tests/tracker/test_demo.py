"""The demo loader gives a realistic county and can run twice without duplicates."""
from collections import Counter
from datetime import date, datetime, time, timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from speeches.models import Speech
from tracker import lights, selectors, workdays
from tracker.management.commands import load_demo
from tracker.models import Department, Notice, ProgressUpdate, Task, User

pytestmark = pytest.mark.django_db


def counts():
    return [m.objects.count() for m in (Department, User, Speech, Task, ProgressUpdate)]


def test_load_demo_is_idempotent():
    call_command("load_demo", stdout=open("/dev/null", "w"))
    first = counts()
    call_command("load_demo", stdout=open("/dev/null", "w"))
    assert counts() == first
    assert first[0] >= 12 and first[3] > 0


def test_demo_has_every_role_and_every_status():
    call_command("load_demo", stdout=open("/dev/null", "w"))
    roles = set(User.objects.values_list("groups__name", flat=True))
    assert {"督查员", "部门填报员", "领导"} <= roles
    assert set(Task.objects.values_list("status", flat=True)) == set(Task.Status.values)


def check_one_story():
    """Seasons stay seasons, nothing is dated after today, 签收 comes before progress and 申请办结 after it."""
    today, now = timezone.localdate(), timezone.now()
    for speech in Speech.objects.all():
        assert speech.date <= today
        if "秋季" in speech.meeting:
            assert 8 <= speech.date.month <= 11, speech
        if "春季" in speech.meeting:
            assert 2 <= speech.date.month <= 5, speech
    assert not ProgressUpdate.objects.filter(date__gt=today).exists()
    assert not ProgressUpdate.objects.filter(created_at__gt=now).exists()
    for task in Task.objects.prefetch_related("transitions", "progress_updates", "extension_requests"):
        steps = {step.action: step.at for step in task.transitions.all()}
        assert all(at <= now for at in steps.values()) and task.created_at <= now
        if task.speech_id:
            assert task.speech.date < timezone.localdate(task.created_at), task
        entries = list(task.progress_updates.all())
        if "accept" in steps:
            assert task.created_at <= steps["accept"], task
            assert all(timezone.localdate(steps["accept"]) <= entry.date for entry in entries), task
        if "request_close" in steps:
            assert all(entry.date <= timezone.localdate(steps["request_close"]) for entry in entries), task
        if "close" in steps:
            assert steps["request_close"] <= steps["close"] == task.completed_at
        for extension in task.extension_requests.all():
            # Asked in time (before the old deadline, after 签收), decided the next day, never after today.
            assert steps["accept"] <= extension.requested_at < extension.decided_at <= now, task
            assert timezone.localdate(extension.requested_at) <= extension.old_deadline < extension.new_deadline
            assert task.original_deadline == extension.old_deadline and task.deadline == extension.new_deadline
        # 修改记录 in the order written, each at its event: the deadline moves when the 延期 was approved.
        dates = list(task.history.order_by("history_id").values_list("history_date", flat=True))
        assert dates == sorted(dates) and dates[0] == task.created_at and dates[-1] <= now, task
        for change in selectors.deadline_changes(task_ids=[task.pk]).get(task.pk, []):
            assert change.at == task.extension_requests.get(new_deadline=change.new).decided_at, task
    for notice in Notice.objects.select_related("task"):
        assert notice.task.created_at <= notice.created_at <= now, notice
        assert notice.read_at is None or notice.created_at < notice.read_at <= now, notice


def test_demo_dates_tell_one_story():
    call_command("load_demo", stdout=open("/dev/null", "w"))
    check_one_story()


def freeze_today(monkeypatch, day):
    """Make ``day`` (10:00 in Beijing) the moment everything in the loader and the services reads."""
    moment = timezone.make_aware(datetime.combine(date.fromisoformat(day), time(10)))
    monkeypatch.setattr(timezone, "now", lambda: moment)
    assert timezone.localdate() == date.fromisoformat(day)


# Chinese New Year's Day 2026 (a holiday week), the story's anniversary just passed (May Day),
# New Year's Eve, and the day before the anniversary (the story a whole year behind).
DEMO_DAYS = ["2026-02-17", "2026-05-01", "2026-12-31", "2027-04-29"]


@pytest.mark.parametrize("day", DEMO_DAYS)
def test_demo_shows_every_light_whatever_the_day(monkeypatch, day):
    """Loaded on any day, the demo has red, yellow and green tasks, grey ones, closed and suspended ones,
    and tasks 逾期未报, with its dates still one story; 本期待报送 shows when its due day is a working day."""
    freeze_today(monkeypatch, day)
    call_command("load_demo", stdout=open("/dev/null", "w"))
    today = timezone.localdate()
    signals = Counter(lights.annotate_signal(Task.objects.all(), today=today).values_list("signal", flat=True))
    assert set(signals) == set(lights.LABELS), signals
    assert signals[lights.RED] < sum(signals.values()) / 2, signals
    assert Task.objects.filter(lights.report_overdue_q(today)).exists()
    assert Task.objects.exclude(report_rule=Task.ReportRule.NONE).count() == Task.objects.count()
    weekly_due = today + timedelta(days=load_demo.WEEKLY_DUE_IN_DAYS)
    if workdays.is_workday(weekly_due):
        assert Task.objects.filter(lights.report_due_soon_q(today), report_rule=Task.ReportRule.WEEKLY).exists()
    check_one_story()


@pytest.mark.parametrize("today,fixture,moved", [
    ("2026-12-01", "2024-08-16", "2025-08-16"),   # FIXTURE_TODAY 2025-04-30 → 2026-04-30
    ("2026-04-29", "2025-02-20", "2025-02-20"),   # the anniversary has not come yet this year
    ("2026-04-30", "2025-02-20", "2026-02-20"),
    ("2029-05-01", "2024-02-29", "2028-02-29"),
    ("2030-05-01", "2024-02-29", "2029-02-28"),
])
def test_demo_dates_move_by_whole_years(today, fixture, moved):
    assert load_demo.demo_date(fixture, today=date.fromisoformat(today)) == date.fromisoformat(moved)
