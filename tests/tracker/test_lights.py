"""Signal boundaries, in the database and as a filter."""
from datetime import date, timedelta

import pytest

from tracker import lights
from tracker.models import Task

pytestmark = pytest.mark.django_db

TODAY = date(2024, 9, 10)


@pytest.mark.parametrize("deadline,status,expected", [
    (TODAY - timedelta(days=1), "in_progress", "red"),
    (TODAY, "in_progress", "yellow"),
    (TODAY + timedelta(days=7), "pending", "yellow"),
    (TODAY + timedelta(days=8), "in_progress", "green"),
    (None, "in_progress", "green"),
    (TODAY - timedelta(days=30), "closed", "closed"),
    (TODAY - timedelta(days=30), "suspended", "suspended"),
    (TODAY - timedelta(days=1), "closing", "red"),
])
def test_signal_boundaries(make_task, deadline, status, expected):
    task = make_task(deadline=deadline, status=status)
    annotated = lights.annotate_signal(Task.objects.filter(pk=task.pk), today=TODAY, yellow_days=7).get()
    assert annotated.signal == expected
    assert list(Task.objects.filter(lights.signal_q(expected, today=TODAY, yellow_days=7))) == [task]
