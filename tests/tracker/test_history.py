"""Every change of a task and of its progress is recorded (who, when, before/after),
bulk admin actions included, and shown on the task's history page."""
from datetime import date

import pytest
from django.contrib.admin import helpers
from django.urls import reverse

from tracker import history, services
from tracker.models import Task

pytestmark = pytest.mark.django_db


def edit_in_admin(client, task, **changes):
    data = {
        "title": task.title, "content": task.content, "category": task.category,
        "lead_department": task.lead_department_id or "", "co_departments": [d.pk for d in task.co_departments.all()],
        "deadline": task.deadline.isoformat() if task.deadline else "", "deadline_text": task.deadline_text,
        "owner_text": task.owner_text, "responsible_person": task.responsible_person, "note": task.note,
        "expected_version": task.version,
        "progress_updates-TOTAL_FORMS": "0", "progress_updates-INITIAL_FORMS": "0",
    }
    data.update(changes)
    return client.post(reverse("admin:tracker_task_change", args=[task.pk]), data)


def test_an_admin_edit_is_recorded_with_user_and_before_after(client, supervisor, make_task, departments):
    task = make_task(title="旧标题", lead_department=departments["a"], deadline=date(2024, 9, 30))
    client.force_login(supervisor)
    response = edit_in_admin(client, task, title="新标题", deadline="2024-10-31", lead_department=departments["b"].pk)
    assert response.status_code == 302
    newest = task.history.first()
    assert newest.history_user == supervisor
    delta = newest.diff_against(newest.prev_record)
    changed = {c.field: (c.old, c.new) for c in delta.changes}
    assert changed["title"] == ("旧标题", "新标题")
    assert changed["deadline"] == (date(2024, 9, 30), date(2024, 10, 31))
    assert changed["lead_department"] == (departments["a"].pk, departments["b"].pk)

    page = client.get(reverse("tracker:task_history", args=[task.pk])).content.decode()
    assert "旧标题" in page and "新标题" in page
    assert "县教育局基础教育股" in page and "县财政局" in page  # departments by name, not id
    assert "2024-09-30" in page and "2024-10-31" in page


def test_co_department_changes_are_recorded(client, supervisor, make_task, departments):
    task = make_task(lead_department=departments["a"])
    client.force_login(supervisor)
    assert edit_in_admin(client, task, co_departments=[departments["b"].pk, departments["c"].pk]).status_code == 302
    entries = history.task_history(task)
    assert any(c.label == "配合单位" and "县财政局" in c.new for e in entries for c in e.changes)


def test_progress_and_transitions_appear_in_the_history(client, officer_a, make_task, departments):
    task = make_task(lead_department=departments["a"])
    services.progress_report(task=task, reported_by=officer_a, date=date(2024, 9, 1), content="启动排查", percent=15)
    services.task_transition(task=task, action="accept", by=officer_a, reason="收到")
    client.force_login(officer_a)
    page = client.get(reverse("tracker:task_history", args=[task.pk])).content.decode()
    assert "工作进展（2024-09-01）" in page and "启动排查" in page
    assert "签收：收到" in page and "待签收" in page and "办理中" in page
    assert "officer_a" in page


@pytest.fixture
def three_tasks(make_task, departments):
    return [make_task(title=f"任务{i}", lead_department=departments["a"]) for i in range(3)]


def run_action(client, action, tasks, **fields):
    data = {"action": action, helpers.ACTION_CHECKBOX_NAME: [t.pk for t in tasks], "apply": "1", **fields}
    return client.post(reverse("admin:tracker_task_changelist"), data, follow=True)


def test_bulk_suspend_writes_a_history_row_and_a_transition_per_task(client, supervisor, three_tasks):
    Task.objects.filter(pk=three_tasks[2].pk).update(status="closed", completed_at="2024-09-01T00:00:00Z")
    before = {t.pk: t.history.count() for t in three_tasks}
    client.force_login(supervisor)
    response = run_action(client, "suspend_selected", three_tasks, reason="上级通知暂停")
    text = response.content.decode()
    assert "批量中止：完成 2 项" in text
    assert f"未处理 {three_tasks[2].serial}" in text  # closed tasks are not suspended, and we say so
    for task in three_tasks[:2]:
        task.refresh_from_db()
        assert task.status == "suspended"
        assert task.history.count() == before[task.pk] + 1
        newest = task.history.first()
        assert newest.history_user == supervisor and newest.history_change_reason == "中止：上级通知暂停"
        assert task.transitions.get().reason == "上级通知暂停"
    assert three_tasks[2].history.count() == before[three_tasks[2].pk]


def test_bulk_suspend_asks_for_a_reason_first(client, supervisor, three_tasks):
    client.force_login(supervisor)
    page = client.post(reverse("admin:tracker_task_changelist"), {
        "action": "suspend_selected", helpers.ACTION_CHECKBOX_NAME: [t.pk for t in three_tasks]})
    assert page.status_code == 200 and "理由" in page.content.decode()
    response = run_action(client, "suspend_selected", three_tasks, reason="  ")
    assert "请填写理由。" in response.content.decode()
    assert not Task.objects.filter(status="suspended").exists()


def test_bulk_assign_writes_history_per_task(client, supervisor, three_tasks, departments):
    client.force_login(supervisor)
    response = run_action(client, "assign_selected", three_tasks, department=departments["b"].pk)
    assert "批量指派牵头单位：完成 3 项" in response.content.decode()
    for task in three_tasks:
        newest = task.history.first()
        assert newest.lead_department_id == departments["b"].pk
        assert newest.prev_record.lead_department_id == departments["a"].pk
        assert newest.history_user == supervisor


def test_bulk_actions_are_for_supervisors_only(client, leader, officer_a, three_tasks):
    for user in (leader, officer_a):
        client.force_login(user)
        run_action(client, "suspend_selected", three_tasks, reason="x")
    assert not Task.objects.filter(status="suspended").exists()


def test_history_versions_cannot_be_reverted(client, supervisor, make_task):
    task = make_task()
    client.force_login(supervisor)
    record = task.history.first()
    url = reverse("admin:tracker_task_simple_history", args=[task.pk, record.history_id])
    assert client.get(url).status_code == 200
    assert client.post(url, {"title": "回滚"}).status_code == 403


@pytest.mark.parametrize("object_id", ["abc", "1x"])
def test_admin_history_of_a_malformed_id_is_not_found(client, supervisor, object_id):
    """A hand-typed /admin/tracker/task/abc/history/ answers 404, not a server error."""
    client.force_login(supervisor)
    assert client.get(f"/admin/tracker/task/{object_id}/history/").status_code == 404
    assert client.get(f"/admin/tracker/task/{object_id}/history/1/").status_code == 404


def test_the_reporting_rule_is_edited_on_the_admin_form_with_a_chinese_refusal(client, supervisor, make_task,
                                                                                departments):
    task = make_task(lead_department=departments["a"], deadline=date(2030, 9, 30))
    client.force_login(supervisor)
    refused = edit_in_admin(client, task, report_rule="monthly", report_day="")
    assert refused.status_code == 200 and "每月报送日" in refused.content.decode()
    task.refresh_from_db()
    assert task.report_rule == "none"
    assert edit_in_admin(client, task, report_rule="monthly", report_day="31").status_code == 302
    task.refresh_from_db()
    assert (task.report_rule, task.report_day) == ("monthly", 31) and task.report_due is not None
