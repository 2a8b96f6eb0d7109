"""The dashboard's cache: reused while nothing changed, stale on any write, never shared across scopes."""
import uuid
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tracker import services, task_cache
from tracker.ledger import selectors as ledger_selectors
from tracker.ledger import services as ledger_services
from tracker.ledger.validate import Change
from tracker.models import Task
from tracker.supervision import dashboard

pytestmark = pytest.mark.django_db


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def tasks(make_task, departments, today):
    a, b = departments["a"], departments["b"]
    return {
        "a_open": make_task(lead_department=a, deadline=today + timedelta(days=30), status="in_progress"),
        "a_red": make_task(lead_department=a, deadline=today - timedelta(days=2), status="in_progress"),
        "b_open": make_task(lead_department=b, deadline=today + timedelta(days=30), status="in_progress"),
        "b_helped_by_a": make_task(lead_department=b, co_departments=[a], deadline=today + timedelta(days=5)),
    }


def build(user, params=None):
    """Build the dashboard and return (board, queries it ran)."""
    with CaptureQueriesContext(connection) as queries:
        board = dashboard.dashboard_build(user=user, params=params or {})
    return board, len(queries)


def page_total(client, user):
    client.force_login(user)
    response = client.get(reverse("tracker:dashboard"))
    assert response.status_code == 200
    total = response.context["board"].total
    # The drawn numbers are cached too (under the board's key): the page shows the same total.
    assert f'<div class="value">{total}</div><div class="label">任务总数</div>' in response.content.decode()
    return total


def test_second_view_reuses_the_numbers_and_runs_fewer_queries(tasks, supervisor):
    first, cold = build(supervisor)
    second, warm = build(supervisor)
    assert (second.total, second.by_status, second.by_signal) == (first.total, first.by_status, first.by_signal)
    assert [t.pk for t in second.red_tasks] == [t.pk for t in first.red_tasks] == [tasks["a_red"].pk]
    assert second.red_tasks[0].lead_department.name == "县教育局基础教育股"  # no query left for the template
    assert warm < cold - 3  # the GROUP BYs and lists are not run again
    assert second.filterset is not None and second.filterset is not first.filterset  # the form is the reader's own


def test_supervisors_and_leaders_share_one_entry(tasks, supervisor, leader):
    build(supervisor)
    board, queries = build(leader)
    assert board.total == 4
    _, cold = build(leader, {"category": "rectify"})  # another filter is another entry
    assert queries < cold


@pytest.mark.parametrize("first", ["supervisor", "officer_b"])
def test_an_officer_never_gets_a_dashboard_built_for_another_scope(request, client, tasks, first, officer_a):
    """Whoever asked first (everything, or another department), officer a gets exactly what a may see."""
    build(request.getfixturevalue(first))
    board, _ = build(officer_a)
    assert board.total == 3  # a's two tasks, and b's task where a helps
    assert {t.pk for t in board.red_tasks} == {tasks["a_red"].pk}
    assert [d.name for d in board.departments] == ["县教育局基础教育股"]
    assert page_total(client, officer_a) == 3


def test_an_officer_moved_to_another_department_sees_its_numbers_at_once(tasks, officer_a, departments):
    assert build(officer_a)[0].total == 3
    officer_a.department = departments["b"]
    officer_a.save()
    assert build(officer_a)[0].total == 2


def test_writes_through_the_services_show_on_the_next_view(client, tasks, supervisor, officer_a, make_task,
                                                           departments, today):
    assert page_total(client, supervisor) == 4
    make_task(lead_department=departments["a"], deadline=today)
    assert page_total(client, supervisor) == 5

    task = tasks["a_open"]
    services.task_transition(task=task, action="suspend", by=supervisor, reason="上级调整部署")
    client.force_login(supervisor)
    assert client.get(reverse("tracker:dashboard")).context["board"].by_status["suspended"] == 1

    assert page_total(client, officer_a) == 4
    services.task_assign(task=tasks["b_open"], changed_by=supervisor, lead_department=departments["b"],
                         co_departments=[departments["a"]])
    assert page_total(client, officer_a) == 5  # a now helps with b_open too


def test_a_progress_entry_clears_the_report_overdue_count(client, tasks, supervisor, officer_a, today):
    Task.objects.filter(pk=tasks["a_open"].pk).update(report_rule="monthly", report_day=1,
                                                      report_due=today - timedelta(days=1))
    task_cache.tasks_changed()  # the UPDATE above is the test's own; the product's are covered below
    assert build(supervisor)[0].report_overdue == 1
    services.progress_report(task=Task.objects.get(pk=tasks["a_open"].pk), reported_by=officer_a, date=today,
                             content="已完成排查。", percent=40)
    assert build(supervisor)[0].report_overdue == 0


def test_the_ledger_imports_bulk_writes_show_on_the_next_view(tasks, officer_a, supervisor, today):
    """The import writes with bulk INSERT and UPDATE, which send no save signal: it marks the change itself."""
    task = tasks["a_open"]
    Task.objects.filter(pk=task.pk).update(report_rule="monthly", report_day=1, report_due=today - timedelta(days=1))
    task_cache.tasks_changed()
    board, _ = build(supervisor)
    _, warm = build(supervisor)
    assert board.report_overdue == 1
    facts = ledger_selectors.task_report_facts(user=officer_a, ids=[task.pk])
    change = Change(row=2, task_id=task.pk, serial=task.serial, title=task.title, old_text="", new_text="已全部完成",
                    old_percent=0, new_percent=90, baseline=facts[task.pk].state)
    outcome = ledger_services.progress_import(user=officer_a, changes=[change])
    assert outcome.written == 1 and not outcome.errors
    board, queries = build(supervisor)
    assert queries > warm + 3 and board.report_overdue == 0  # built afresh


def test_the_reporting_cycle_refresh_shows_on_the_next_view(tasks, supervisor, today):
    Task.objects.filter(pk=tasks["a_open"].pk).update(report_rule="weekly", report_day=1)
    task_cache.tasks_changed()
    assert build(supervisor)[0].report_overdue == 0
    changed = services.report_cycles_refresh(today=today + timedelta(days=30))
    assert changed >= 1
    assert build(supervisor)[0].report_overdue == 0  # not yet overdue today...
    board = dashboard.dashboard_build(user=supervisor, params={}, today=today + timedelta(days=30))
    assert board.report_overdue == 1  # ...but on the day the refresh was run for


def test_the_version_changes_again_after_the_commit(tasks, supervisor, django_capture_on_commit_callbacks):
    """A dashboard built by another request between a write and its commit is not kept."""
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        services.task_transition(task=tasks["a_open"], action="suspend", by=supervisor, reason="调整")
        during = task_cache.tasks_version()
    assert callbacks and task_cache.tasks_version() != during


def test_an_unreachable_cache_costs_speed_not_pages(settings, client, tasks, supervisor, make_task, departments):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                                   "LOCATION": "redis://127.0.0.1:1/0"}}  # nothing listens there
    assert page_total(client, supervisor) == 4
    make_task(lead_department=departments["a"])  # the write goes through
    assert page_total(client, supervisor) == 5


def test_the_numbers_travel_through_redis(settings, client, tasks, supervisor):
    """Production keeps the cache in Redis (runs on the development and CI machines)."""
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                                   "LOCATION": "redis://127.0.0.1:6379/0", "KEY_PREFIX": f"test-{uuid.uuid4().hex}"}}
    first, cold = build(supervisor)
    second, warm = build(supervisor)
    assert warm < cold and second.total == first.total == 4
    assert page_total(client, supervisor) == 4


def list_total(client, user, params=None):
    client.force_login(user)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("tracker:task_list"), params or {})
    assert response.status_code == 200
    counts = [q["sql"] for q in queries.captured_queries if q["sql"].startswith('SELECT COUNT(*) AS "__count" FROM "tracker_task"')]
    return response.context["page"].paginator.count, len(counts)


def test_the_task_lists_count_is_reused_until_a_task_changes(client, tasks, supervisor, make_task, departments):
    (first, cold), (second, warm) = list_total(client, supervisor), list_total(client, supervisor)
    assert first == second == 4 and cold == 2 and warm == 0  # the list's COUNT and the header's are not run again
    make_task(lead_department=departments["a"])
    assert list_total(client, supervisor)[0] == 5
    assert list_total(client, supervisor, {"status": "in_progress"})[0] == 3  # another filter, another count


@pytest.mark.parametrize("first", ["supervisor", "officer_b"])
def test_an_officer_never_gets_a_count_made_for_another_scope(request, client, tasks, first, officer_a):
    list_total(client, request.getfixturevalue(first))
    assert list_total(client, officer_a)[0] == 3


def test_the_headers_count_follows_a_step_at_once(tasks, supervisor, officer_a):
    from tracker.supervision import home

    assert home.todo_count(user=supervisor) == 0
    services.task_transition(task=tasks["a_open"], action="request_close", by=officer_a, reason="已完成")
    assert home.todo_count(user=supervisor) == 1  # 申请办结 awaits the supervisor
