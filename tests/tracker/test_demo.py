"""The demo loader gives a realistic county and can run twice without duplicates."""
import pytest
from django.core.management import call_command

from speeches.models import Speech
from tracker.models import Department, ProgressUpdate, Task, User

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


def test_demo_dates_tell_one_story():
    """Seasons stay seasons, nothing is dated after today, 签收 comes before progress and 申请办结 after it."""
    from django.utils import timezone

    call_command("load_demo", stdout=open("/dev/null", "w"))
    today, now = timezone.localdate(), timezone.now()
    for speech in Speech.objects.all():
        assert speech.date <= today
        if "秋季" in speech.meeting:
            assert 8 <= speech.date.month <= 11, speech
        if "春季" in speech.meeting:
            assert 2 <= speech.date.month <= 5, speech
    assert not ProgressUpdate.objects.filter(date__gt=today).exists()
    for task in Task.objects.prefetch_related("transitions", "progress_updates"):
        steps = {step.action: step.at for step in task.transitions.all()}
        assert all(at <= now for at in steps.values()) and task.created_at <= now
        entries = list(task.progress_updates.all())
        if "accept" in steps:
            assert task.created_at <= steps["accept"], task
            assert all(timezone.localdate(steps["accept"]) <= entry.date for entry in entries), task
        if "request_close" in steps:
            assert all(entry.date <= timezone.localdate(steps["request_close"]) for entry in entries), task
        if "close" in steps:
            assert steps["request_close"] <= steps["close"] == task.completed_at


@pytest.mark.parametrize("today,fixture,moved", [
    ("2026-12-01", "2024-08-16", "2025-08-16"),   # FIXTURE_TODAY 2025-04-30 → 2026-04-30
    ("2026-04-29", "2025-02-20", "2025-02-20"),   # the anniversary has not come yet this year
    ("2026-04-30", "2025-02-20", "2026-02-20"),
    ("2029-05-01", "2024-02-29", "2028-02-29"),
    ("2030-05-01", "2024-02-29", "2029-02-28"),
])
def test_demo_dates_move_by_whole_years(today, fixture, moved):
    from datetime import date

    from tracker.management.commands.load_demo import demo_date

    assert demo_date(fixture, today=date.fromisoformat(today)) == date.fromisoformat(moved)
