"""What the papers read: the speech's sections above each task, and the bulletin's figures (the dashboard's)."""
import datetime
from datetime import timedelta

import pytest
from django.utils import timezone

from speeches.models import Speech, SpeechItem
from tracker.papers import selectors as papers
from tracker.supervision import dashboard

pytestmark = pytest.mark.django_db


def aware(day):
    return timezone.make_aware(datetime.datetime(day.year, day.month, day.day, 15, 0))


def test_each_task_sits_under_the_top_level_heading_above_its_item(make_task, departments):
    speech = Speech.objects.create(title="讲话", text="x" * 100)
    top = SpeechItem.objects.create(speech=speech, order=1, level=0, marker="三、", title="做好开学工作", text="", start=0, end=9)
    middle = SpeechItem.objects.create(speech=speech, parent=top, order=2, level=1, marker="（一）", title="保障开学",
                                       text="", start=1, end=5)
    leaf = SpeechItem.objects.create(speech=speech, parent=middle, order=3, level=2, marker="一是", title="排查校舍",
                                     text="", start=2, end=4)
    deep = make_task(title="排查校舍", speech=speech, source_item=leaf, lead_department=departments["a"])
    itself = make_task(title="做好开学工作", speech=speech, source_item=top)
    loose = make_task(title="手工任务", speech=speech)
    rows = {row.serial: row for row in papers.breakdown_rows(papers.visible_tasks(user=None).filter(speech=speech))}
    assert rows[deep.serial].section.heading == "三、做好开学工作" and rows[deep.serial].marker == "一是"
    assert rows[deep.serial].item_order == 3 and rows[deep.serial].lead == departments["a"].name
    assert rows[itself.serial].section.heading == "三、做好开学工作"
    assert rows[loose.serial].section is None


def test_bulletin_figures_are_the_dashboards(make_task, departments, supervisor):
    today = timezone.localdate()
    start, end = today - timedelta(days=10), today - timedelta(days=2)
    a, b = departments["a"], departments["b"]
    make_task(lead_department=a, deadline=today - timedelta(days=5), status="closed",
              completed_at=aware(today - timedelta(days=6)))               # closed in the period, on time
    make_task(lead_department=a, deadline=today - timedelta(days=9), status="closed",
              completed_at=aware(today - timedelta(days=3)))               # in the period, late
    make_task(lead_department=b, deadline=today - timedelta(days=20), status="closed",
              completed_at=aware(today - timedelta(days=15)))              # before the period
    red = make_task(lead_department=b, deadline=today - timedelta(days=4), status="in_progress")
    make_task(lead_department=a, deadline=today + timedelta(days=2))        # yellow
    make_task(lead_department=None, deadline=today + timedelta(days=60))
    figures = papers.bulletin_build(user=supervisor, start=start, end=end, today=today)
    board = dashboard.dashboard_build(user=supervisor, params={}, today=today)
    assert (figures.total, figures.closed, figures.red, figures.yellow) == (
        board.total, board.by_status["closed"], board.by_signal["red"], board.by_signal["yellow"])
    assert (figures.closed_in_period, figures.on_time_in_period) == (2, 1)
    assert [(r.place, r.name, r.score) for r in figures.ranking] == [(p, d.name, d.score) for p, d in board.ranking]
    by_name = {d.name: d for d in figures.departments}
    assert (by_name[a.name].closed_in_period, by_name[a.name].on_time_in_period) == (2, 1)
    assert by_name[b.name].closed_in_period == 0 and by_name[b.name].closed == 1
    assert [d.name for d in figures.departments][-1] == dashboard.UNASSIGNED
    assert [(t.serial, t.days_late) for t in figures.red_tasks] == [(red.serial, 4)]


def test_department_found_by_any_of_its_names(departments):
    assert papers.department_find("基教股") == departments["a"]
    assert papers.department_find(" 县财政局 ") == departments["b"]
    assert papers.department_find("不存在的局") is None
