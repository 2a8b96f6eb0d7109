"""Signal boundaries, in the database, as a filter and in Python: all three agree."""
from datetime import date, datetime, timedelta

import pytest
from django.utils import timezone

from tracker import lights
from tracker.models import Task

pytestmark = pytest.mark.django_db

TODAY = date(2024, 9, 10)

# (deadline, status, yellow days, expected)
CASES = [
    (TODAY - timedelta(days=1), "in_progress", 7, "red"),          # overdue by one day
    (TODAY, "in_progress", 7, "yellow"),                           # due today
    (TODAY + timedelta(days=7), "pending", 7, "yellow"),           # due in exactly N days
    (TODAY + timedelta(days=8), "in_progress", 7, "green"),        # due in N+1 days
    (TODAY + timedelta(days=3), "in_progress", 3, "yellow"),       # N comes from the setting
    (TODAY + timedelta(days=4), "in_progress", 3, "green"),
    (TODAY + timedelta(days=1), "in_progress", 0, "green"),        # N = 0: only today is yellow
    (TODAY, "pending", 0, "yellow"),
    (None, "in_progress", 7, "undated"),                           # no deadline: 待定时限, not green
    (TODAY - timedelta(days=30), "closed", 7, "closed"),           # closed late: shown apart, not red
    (TODAY + timedelta(days=30), "closed", 7, "closed"),
    (TODAY - timedelta(days=30), "suspended", 7, "suspended"),
    (TODAY - timedelta(days=1), "closing", 7, "red"),              # asking to close is not closed
    (TODAY - timedelta(days=400), "pending", 7, "red"),
]


@pytest.fixture
def dept_task(make_task, departments):
    """A task with a lead department: these cases are about deadlines."""
    def make(**fields):
        fields.setdefault("lead_department", departments["a"])
        return make_task(**fields)
    return make


@pytest.mark.parametrize("deadline,status,days,expected", CASES)
def test_signal_boundaries(dept_task, deadline, status, days, expected):
    task = dept_task(deadline=deadline, status=status)
    annotated = lights.annotate_signal(Task.objects.filter(pk=task.pk), today=TODAY, yellow_days=days).get()
    assert annotated.signal == expected
    assert annotated.signal_rank == lights.RANK[expected]
    assert list(Task.objects.filter(lights.signal_q(expected, today=TODAY, yellow_days=days))) == [task]
    others = [name for name in lights.LABELS if name != expected]
    for name in others:
        assert not Task.objects.filter(lights.signal_q(name, today=TODAY, yellow_days=days)).exists()


@pytest.mark.parametrize("deadline,status,days,expected", CASES)
def test_signal_of_agrees_with_the_database(deadline, status, days, expected):
    assert lights.signal_of(status=status, deadline=deadline, today=TODAY, yellow_days=days,
                            lead_department_id=1) == expected


# Without a lead department: (deadline, status, expected)
UNASSIGNED_CASES = [
    (TODAY + timedelta(days=30), "pending", "unassigned"),      # not green: no one to do it
    (None, "pending", "unassigned"),                            # neither: 待指派 comes first
    (TODAY - timedelta(days=1), "pending", "red"),              # overdue stays red
    (TODAY + timedelta(days=1), "pending", "yellow"),
    (TODAY - timedelta(days=1), "closed", "closed"),
]


@pytest.mark.parametrize("deadline,status,expected", UNASSIGNED_CASES)
def test_unassigned_tasks_are_not_green(make_task, deadline, status, expected):
    extra = {"completed_at": timezone.now()} if status == "closed" else {}
    task = make_task(deadline=deadline, status=status, **extra)
    annotated = lights.annotate_signal(Task.objects.filter(pk=task.pk), today=TODAY).get()
    assert annotated.signal == expected
    assert list(Task.objects.filter(lights.signal_q(expected, today=TODAY))) == [task]
    assert lights.signal_of(status=status, deadline=deadline, today=TODAY, yellow_days=7,
                            lead_department_id=None) == expected


def test_grey_signals_rank_after_yellow_and_before_green(dept_task, make_task):
    green = dept_task(deadline=TODAY + timedelta(days=30))
    undated = dept_task(deadline=None)
    unassigned = make_task(deadline=TODAY + timedelta(days=30))
    yellow = dept_task(deadline=TODAY + timedelta(days=2))
    ordered = lights.annotate_signal(Task.objects.all(), today=TODAY).order_by("signal_rank")
    assert list(ordered) == [yellow, unassigned, undated, green]
    assert "badge-unassigned" in lights.badge_html("unassigned") and "待指派" in lights.badge_html("unassigned")
    assert [name for name, _ in lights.CHOICES][:5] == ["red", "yellow", "unassigned", "undated", "green"]


def test_task_signal_uses_the_setting_and_today(dept_task, settings):
    make_task = dept_task
    settings.SIGNAL_YELLOW_DAYS = 2
    today = timezone.localdate()
    assert lights.task_signal(make_task(deadline=today + timedelta(days=2))) == "yellow"
    assert lights.task_signal(make_task(deadline=today + timedelta(days=3))) == "green"
    assert lights.task_signal(make_task(deadline=today - timedelta(days=1))) == "red"


def test_lists_sort_by_signal_in_the_database(dept_task):
    make_task = dept_task
    green = make_task(deadline=TODAY + timedelta(days=30))
    red = make_task(deadline=TODAY - timedelta(days=3))
    closed = make_task(deadline=TODAY, status="closed", completed_at=timezone.make_aware(datetime(2024, 9, 1)))
    yellow = make_task(deadline=TODAY + timedelta(days=2))
    ordered = lights.annotate_signal(Task.objects.all(), today=TODAY).order_by("signal_rank")
    assert list(ordered) == [red, yellow, green, closed]
