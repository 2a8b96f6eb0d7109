"""督办看板: numbers aggregated in the database, scoped per role, filtered by TaskFilter, constant queries."""
import re
from datetime import datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from speeches.models import Speech
from tracker.supervision import dashboard

pytestmark = pytest.mark.django_db


def aware(day):
    return timezone.make_aware(datetime(day.year, day.month, day.day, 15, 0))


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def tasks(make_task, departments, today):
    a, b, c = departments["a"], departments["b"], departments["c"]
    return {
        "a_on_time": make_task(lead_department=a, deadline=today - timedelta(days=3), status="closed",
                               completed_at=aware(today - timedelta(days=3))),       # closed on the deadline day
        "a_late": make_task(lead_department=a, deadline=today - timedelta(days=10), status="closed",
                            completed_at=aware(today - timedelta(days=9))),           # closed a day late
        "a_red": make_task(lead_department=a, deadline=today - timedelta(days=1), status="in_progress"),
        "a_yellow": make_task(lead_department=a, deadline=today + timedelta(days=2), status="pending"),
        "a_suspended": make_task(lead_department=a, deadline=today - timedelta(days=20), status="suspended"),
        "b_green": make_task(lead_department=b, co_departments=[a], deadline=today + timedelta(days=30),
                             status="in_progress"),
        "b_red": make_task(lead_department=b, deadline=today - timedelta(days=5), status="closing"),
        "c_closed": make_task(lead_department=c, deadline=None, status="closed", completed_at=aware(today)),
        "unassigned": make_task(lead_department=None, deadline=today + timedelta(days=1)),
    }


def by_name(board):
    return {d.name: d for d in board.departments}


def test_supervisor_sees_every_number(tasks, supervisor, departments, today):
    board = dashboard.dashboard_build(user=supervisor, params={}, today=today)
    assert board.total == 9
    assert board.by_status == {"pending": 2, "in_progress": 2, "closing": 1, "closed": 3, "suspended": 1}
    assert board.by_signal == {"red": 2, "yellow": 2, "unassigned": 0, "undated": 0, "green": 1,
                               "closed": 3, "suspended": 1}
    a = by_name(board)["县教育局基础教育股"]
    assert (a.tasks, a.closed, a.on_time, a.open, a.red, a.yellow, a.suspended) == (5, 2, 1, 2, 1, 1, 1)
    assert a.completion_rate == 0.5 and a.on_time_rate == 0.25
    c = by_name(board)["县教育局安全稳定股"]
    assert (c.closed, c.on_time) == (1, 1)  # closed with no deadline counts as on time
    assert by_name(board)[dashboard.UNASSIGNED].tasks == 1
    assert [d.name for _, d in board.ranking][0] == "县教育局安全稳定股"
    assert dashboard.UNASSIGNED not in [d.name for _, d in board.ranking]
    assert [t.pk for t in board.red_tasks] == [tasks["b_red"].pk, tasks["a_red"].pk]
    assert [t.pk for t in board.next_deadlines] == [tasks["unassigned"].pk, tasks["a_yellow"].pk,
                                                    tasks["b_green"].pk]
    assert board.months[-1] == (today.replace(day=1), sum(
        1 for t in ("a_on_time", "a_late", "c_closed")
        if timezone.localtime(tasks[t].completed_at).date().replace(day=1) == today.replace(day=1)))
    assert len(board.months) == 12 and sum(n for _, n in board.months) == 3


def test_officer_dashboard_counts_only_own_tasks(tasks, officer_a, officer_b, today):
    board = dashboard.dashboard_build(user=officer_a, params={}, today=today)
    assert board.total == 6  # five led by a, one where a helps (b_green)
    assert board.by_signal["red"] == 1 and board.by_signal["green"] == 1
    assert [d.name for d in board.departments] == ["县教育局基础教育股"]
    assert tasks["b_red"].pk not in [t.pk for t in board.red_tasks]
    board_b = dashboard.dashboard_build(user=officer_b, params={}, today=today)
    assert board_b.total == 2 and [t.pk for t in board_b.red_tasks] == [tasks["b_red"].pk]


def test_leader_sees_everything(tasks, leader, today):
    assert dashboard.dashboard_build(user=leader, params={}, today=today).total == 9


def test_filters_are_the_task_lists(tasks, make_task, supervisor, departments, today):
    speech = Speech.objects.create(title="开学工作会议讲话", meeting="秋季开学工作会议", speaker="县长",
                                   date=today, text="……", uploaded_by=supervisor)
    make_task(lead_department=departments["a"], speech=speech, category="rectify", deadline=today)
    assert dashboard.dashboard_build(user=supervisor, params={"speech": speech.pk}, today=today).total == 1
    assert dashboard.dashboard_build(user=supervisor, params={"meeting": "开学"}, today=today).total == 1
    assert dashboard.dashboard_build(user=supervisor, params={"category": "rectify"}, today=today).total == 1
    board = dashboard.dashboard_build(user=supervisor, params={
        "deadline_after": (today - timedelta(days=5)).isoformat(), "deadline_before": today.isoformat()}, today=today)
    assert board.total == 4  # a_on_time, a_red, b_red, the new one


def test_bad_filter_input_is_shown_not_crashed(client, supervisor, tasks):
    client.force_login(supervisor)
    response = client.get(reverse("tracker:dashboard"), {"deadline_after": "去年", "category": "nope"})
    assert response.status_code == 200
    assert "errornote" in response.content.decode()


@pytest.mark.parametrize("persona,status", [("supervisor", 200), ("leader", 200), ("officer_a", 200)])
def test_every_role_has_a_dashboard(client, request, persona, status):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(reverse("tracker:dashboard")).status_code == status


def test_anonymous_is_sent_to_login(client):
    response = client.get(reverse("tracker:dashboard"))
    assert response.status_code == 302 and reverse("admin:login") in response["Location"]


def test_user_without_role_is_refused(client, departments):
    from tests.conftest import make_user

    client.force_login(make_user("nobody", None))
    assert client.get(reverse("tracker:dashboard")).status_code == 403


def test_page_shows_formula_chart_library_and_chinese(client, supervisor, tasks):
    client.force_login(supervisor)
    page = client.get(reverse("tracker:dashboard")).content.decode()
    assert "得分 = 按时办结率 × 70 + 办结率 × 30 − 红灯占比 × 20 − 逾期未报占比 × 10" in page
    # served from here, nothing from a CDN (a bare "cdn" test also matched random CSRF tokens now and then)
    assert "vendor/chartjs/chart.umd.js" in page and not re.search(r'(?:src|href)="(?:https?:)?//', page)
    assert 'id="data-departments"' in page and "部门考评排名" in page


def test_admin_index_links_the_dashboard(client, supervisor):
    client.force_login(supervisor)
    assert reverse("tracker:dashboard") in client.get(reverse("admin:index")).content.decode()


def page_queries(client, n, make_task, departments, today):
    for i in range(n):
        dept = departments["abc"[i % 3]]
        make_task(lead_department=dept, co_departments=[departments["a"]], deadline=today + timedelta(days=i - n // 2),
                  status=["pending", "in_progress", "closed"][i % 3],
                  completed_at=aware(today - timedelta(days=i)) if i % 3 == 2 else None)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("tracker:dashboard")).status_code == 200
    return len(queries)


@pytest.mark.parametrize("persona", ["supervisor", "officer_a"])
def test_query_count_does_not_grow_with_tasks(client, request, persona, make_task, departments, today):
    client.force_login(request.getfixturevalue(persona))
    few = page_queries(client, 5, make_task, departments, today)
    many = page_queries(client, 45, make_task, departments, today)  # 50 tasks in all
    assert few == many
    assert many <= 15


@pytest.mark.parametrize("hour,minute,days_after,on_time", [
    (23, 59, 0, True),    # late evening of the deadline day, local time (15:59 UTC)
    (0, 1, 0, True),      # just after local midnight: still the deadline day (the day before in UTC)
    (0, 1, 1, False),     # just after midnight of the next day
    (7, 59, 1, False),    # the next morning local, still the deadline day in UTC: late
])
def test_on_time_uses_the_local_date_of_closing(make_task, supervisor, departments, hour, minute, days_after,
                                                 on_time):
    deadline = timezone.localdate() - timedelta(days=10)
    day = deadline + timedelta(days=days_after)
    closed_at = timezone.make_aware(datetime(day.year, day.month, day.day, hour, minute))
    make_task(lead_department=departments["a"], deadline=deadline, status="closed", completed_at=closed_at)
    board = dashboard.dashboard_build(user=supervisor, params={})
    assert board.departments[0].on_time == (1 if on_time else 0)
    assert sum(n for _, n in board.months) == (1 if closed_at >= timezone.make_aware(
        datetime(*dashboard.month_start(timezone.localdate(), back=11).timetuple()[:3])) else 0)


def test_unassigned_and_undated_tasks_are_counted_apart_from_green(make_task, departments, supervisor, today):
    make_task(lead_department=None, deadline=today + timedelta(days=30))
    make_task(lead_department=departments["a"], deadline=None)
    make_task(lead_department=departments["a"], deadline=today + timedelta(days=30))
    board = dashboard.dashboard_build(user=supervisor, params={}, today=today)
    assert (board.by_signal["unassigned"], board.by_signal["undated"], board.by_signal["green"]) == (1, 1, 1)
    assert [label for label, _, _ in board.signal_rows][:5] == ["红灯", "黄灯", "待指派", "待定时限", "绿灯"]


def test_report_overdue_is_counted_per_department_and_listed(tasks, supervisor, today, client):
    from tracker.models import Task

    Task.objects.filter(pk__in=[tasks["a_red"].pk, tasks["b_green"].pk]).update(
        report_rule="monthly", report_day=25, report_due=today - timedelta(days=1))
    Task.objects.filter(pk=tasks["a_on_time"].pk).update(report_due=today - timedelta(days=1))  # closed: not counted
    board = dashboard.dashboard_build(user=supervisor, params={}, today=today)
    assert board.report_overdue == 2
    assert by_name(board)["县教育局基础教育股"].report_overdue == 1 and by_name(board)["县财政局"].report_overdue == 1
    assert {t.pk for t in board.report_overdue_tasks} == {tasks["a_red"].pk, tasks["b_green"].pk}
    client.force_login(supervisor)
    page = client.get(reverse("tracker:dashboard")).content.decode()
    assert "逾期未报任务" in page and "badge-report-overdue" in page
