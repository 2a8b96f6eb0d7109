"""Reporting cycles in the product: stored due date, 逾期未报 filter and badge, admin, command."""
from datetime import date, datetime, timedelta
from io import StringIO

import pytest
from django.contrib.admin import helpers
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from tracker import lights, services
from tracker.filters import TaskFilter
from tracker.models import Task

pytestmark = pytest.mark.django_db


def created_on(task, day):
    """Move a task's creation back to ``day`` (cycles count from it) and refresh its due date."""
    Task.objects.filter(pk=task.pk).update(created_at=timezone.make_aware(datetime(day.year, day.month, day.day, 9)))
    task.refresh_from_db()
    return task


@pytest.fixture
def monthly(make_task, departments):
    """A task reporting monthly by the 25th, created 2026-01-10, due 2026-12-31."""
    task = make_task(lead_department=departments["a"], deadline=date(2026, 12, 31), report_rule="monthly", report_day=25)
    return created_on(task, date(2026, 1, 10))


def test_monthly_rule_sets_the_due_date_and_a_missed_one_is_overdue(monthly):
    services.report_cycles_refresh(today=date(2026, 1, 20))
    monthly.refresh_from_db()
    assert monthly.report_due == date(2026, 1, 26)  # the 25th is a Sunday: next working day
    assert not lights.report_overdue(monthly, today=date(2026, 1, 26))
    assert lights.report_overdue(monthly, today=date(2026, 1, 27))
    assert list(Task.objects.filter(lights.report_overdue_q(date(2026, 1, 27)))) == [monthly]
    assert "逾期未报" in lights.report_badge_html(monthly, today=date(2026, 1, 27))
    assert lights.report_badge_html(monthly, today=date(2026, 1, 26)) == ""


def test_a_progress_entry_completes_the_cycle(monthly, officer_a):
    today = timezone.localdate()
    Task.objects.filter(pk=monthly.pk).update(created_at=timezone.now() - timedelta(days=40))
    monthly.refresh_from_db()
    services.report_cycles_refresh(today=today)
    monthly.refresh_from_db()
    assert monthly.report_due is not None
    services.progress_report(task=monthly, reported_by=officer_a, date=today, content="已完成排查", percent=30)
    monthly.refresh_from_db()
    assert monthly.report_due > today and not lights.report_overdue(monthly)


def test_a_task_without_a_lead_owes_no_report_until_one_is_named(make_task, departments, supervisor):
    task = make_task(lead_department=None, deadline=date(2026, 12, 31), report_rule="monthly", report_day=25)
    created_on(task, date(2026, 1, 10))
    services.report_cycles_refresh(today=date(2026, 2, 10))
    task.refresh_from_db()
    assert task.report_due is None and not lights.report_overdue(task, today=date(2026, 2, 10))
    task.lead_department = departments["a"]
    services.task_save(task=task, by=supervisor, reason="指定牵头单位")
    services.report_cycles_refresh(today=date(2026, 2, 10))
    task.refresh_from_db()
    assert task.report_due is not None


def test_closing_a_task_clears_its_cycle(monthly, supervisor):
    services.task_transition(task=monthly, action="suspend", by=supervisor, reason="上级通知暂停")
    monthly.refresh_from_db()
    assert monthly.report_due is None


def test_a_closing_report_stands_in_for_the_cycle_until_sent_back(monthly, officer_a, supervisor):
    services.task_transition(task=monthly, action="accept", by=officer_a)
    services.task_transition(task=monthly, action="request_close", by=officer_a, reason="已全部完成")
    monthly.refresh_from_db()
    assert monthly.report_due is None
    services.task_transition(task=monthly, action="send_back", by=supervisor, reason="佐证材料不全")
    monthly.refresh_from_db()
    assert monthly.report_due is not None


def test_incomplete_rule_gets_a_chinese_message_and_changes_nothing(make_task, departments):
    with pytest.raises(ValidationError) as error:
        make_task(lead_department=departments["a"], report_rule="monthly", report_day=None)
    assert "每月报送日" in str(error.value)
    assert not Task.objects.exists()


def test_the_database_refuses_a_day_that_does_not_fit_the_rule(monthly):
    with pytest.raises(IntegrityError), transaction.atomic():
        Task.objects.filter(pk=monthly.pk).update(report_rule="weekly", report_day=25)


def test_set_report_rule_service_refuses_bad_rules(monthly, supervisor):
    with pytest.raises(ValidationError):
        services.task_set_report_rule(tasks=[monthly], rule="weekly", day=9, changed_by=supervisor)
    monthly.refresh_from_db()
    assert (monthly.report_rule, monthly.report_day) == ("monthly", 25)


def test_filter_report_overdue(monthly, make_task, departments, supervisor):
    today = timezone.localdate()
    soon = make_task(lead_department=departments["a"], deadline=date(2030, 1, 1))
    later = make_task(lead_department=departments["a"], deadline=date(2030, 1, 1))
    Task.objects.filter(pk=monthly.pk).update(report_due=today - timedelta(days=1))
    Task.objects.filter(pk=soon.pk).update(report_due=today + timedelta(days=2))
    Task.objects.filter(pk=later.pk).update(report_due=today + timedelta(days=20))
    assert list(TaskFilter({"report_overdue": "overdue"}, Task.objects.all(), user=supervisor).qs) == [monthly]
    assert list(TaskFilter({"report_overdue": "soon"}, Task.objects.all(), user=supervisor).qs) == [soon]


def test_admin_bulk_action_sets_the_rule_with_history(client, supervisor, make_task, departments):
    tasks = [make_task(lead_department=departments["a"], deadline=date(2030, 1, 1)) for _ in range(2)]
    client.force_login(supervisor)
    url = reverse("admin:tracker_task_changelist")
    page = client.post(url, {"action": "set_report_rule_selected", helpers.ACTION_CHECKBOX_NAME: [t.pk for t in tasks]})
    assert page.status_code == 200 and "每月25日前" in page.content.decode()
    response = client.post(url, {"action": "set_report_rule_selected", helpers.ACTION_CHECKBOX_NAME: [t.pk for t in tasks],
                                 "apply": "1", "report_rule": "weekly:5"}, follow=True)
    assert "批量设置报送周期：完成 2 项" in response.content.decode()
    for task in tasks:
        task.refresh_from_db()
        assert (task.report_rule, task.report_day) == ("weekly", 5)
        assert task.report_due is not None
        assert task.history.first().history_change_reason.startswith("设置报送周期")
    bad = client.post(url, {"action": "set_report_rule_selected", helpers.ACTION_CHECKBOX_NAME: [tasks[0].pk],
                            "apply": "1", "report_rule": "weekly:9"}, follow=True)
    assert "weekly:9" not in Task.objects.values_list("report_rule", flat=True)
    assert bad.status_code == 200


def test_badge_shows_in_the_task_list_task_page_and_admin(client, supervisor, monthly):
    Task.objects.filter(pk=monthly.pk).update(report_due=timezone.localdate() - timedelta(days=1))
    client.force_login(supervisor)
    for url in (reverse("tracker:task_list"), monthly.get_absolute_url(), reverse("admin:tracker_task_changelist"),
                reverse("tracker:task_list") + "?report_overdue=overdue"):
        html = client.get(url).content.decode()
        assert "badge-report-overdue" in html and "逾期未报" in html, url


def test_refresh_command(monthly):
    Task.objects.filter(pk=monthly.pk).update(report_due=None)
    out = StringIO()
    call_command("refresh_report_cycles", stdout=out)
    monthly.refresh_from_db()
    assert monthly.report_due is not None and "已更新 1 项" in out.getvalue()
