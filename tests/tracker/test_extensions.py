"""延期申请: who may ask, when, for what date; approval moves the deadline and the history keeps it."""
from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from tracker import selectors
from tracker.models import ExtensionRequest, Task
from tracker.supervision import extensions

pytestmark = pytest.mark.django_db


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def task(make_task, departments, today):
    return make_task(lead_department=departments["a"], co_departments=[departments["b"]],
                     deadline=today + timedelta(days=5), status="in_progress")


def ask(task, officer, new_deadline, reason="材料未到位，需延期两周。"):
    return extensions.extension_request_create(task=task, requested_by=officer, new_deadline=new_deadline,
                                               reason=reason)


def test_approval_moves_the_deadline_and_keeps_the_original(task, officer_a, supervisor, today):
    first = task.deadline
    request = ask(task, officer_a, today + timedelta(days=20))
    assert request.status == ExtensionRequest.Status.PENDING and request.old_deadline == first
    extensions.extension_decide(extension=request, decided_by=supervisor, approve=True, comment="同意。")
    task.refresh_from_db()
    request.refresh_from_db()
    assert task.deadline == today + timedelta(days=20)
    assert task.original_deadline == first
    assert request.status == ExtensionRequest.Status.APPROVED and request.decided_by == supervisor
    assert request.decided_at is not None and request.comment == "同意。"
    newest = task.history.first()
    assert newest.deadline == today + timedelta(days=20)
    assert newest.history_change_reason == f"同意延期申请：{first:%Y-%m-%d} → {task.deadline:%Y-%m-%d}"
    assert newest.history_user == supervisor


def test_a_second_extension_still_keeps_the_first_deadline(task, officer_a, supervisor, today):
    first = task.deadline
    for days in (20, 40):
        request = ask(task, officer_a, today + timedelta(days=days))
        extensions.extension_decide(extension=request, decided_by=supervisor, approve=True)
    task.refresh_from_db()
    assert task.original_deadline == first and task.deadline == today + timedelta(days=40)
    changes = selectors.deadline_changes(task_ids=[task.pk])[task.pk]
    assert [(c.old, c.new) for c in changes] == [
        (first, today + timedelta(days=20)), (today + timedelta(days=20), today + timedelta(days=40))]
    assert all(c.reason.startswith("同意延期申请") for c in changes)


def test_refusal_keeps_the_deadline_and_needs_a_comment(task, officer_a, supervisor, today):
    request = ask(task, officer_a, today + timedelta(days=20))
    with pytest.raises(ValidationError, match="请填写审批意见"):
        extensions.extension_decide(extension=request, decided_by=supervisor, approve=False, comment="")
    extensions.extension_decide(extension=request, decided_by=supervisor, approve=False, comment="理由不充分。")
    task.refresh_from_db()
    request.refresh_from_db()
    assert task.deadline == today + timedelta(days=5)
    assert request.status == ExtensionRequest.Status.REFUSED and request.comment == "理由不充分。"
    assert selectors.deadline_changes(task_ids=[task.pk]) == {}


def test_a_request_is_decided_once(task, officer_a, supervisor, today):
    request = ask(task, officer_a, today + timedelta(days=20))
    extensions.extension_decide(extension=request, decided_by=supervisor, approve=False, comment="否。")
    with pytest.raises(ValidationError, match="不能重复审批"):
        extensions.extension_decide(extension=request, decided_by=supervisor, approve=True)


@pytest.mark.parametrize("offset,message", [
    (5, "须晚于当前时限"),   # the same date as now
    (2, "须晚于当前时限"),   # earlier
])
def test_new_date_must_be_later(task, officer_a, today, offset, message):
    with pytest.raises(ValidationError, match=message):
        ask(task, officer_a, today + timedelta(days=offset))
    assert not ExtensionRequest.objects.exists()


def test_refused_after_the_deadline_has_passed(make_task, departments, officer_a, today):
    late = make_task(lead_department=departments["a"], deadline=today - timedelta(days=1), status="in_progress")
    with pytest.raises(ValidationError, match="已过，不能再申请延期"):
        ask(late, officer_a, today + timedelta(days=30))
    assert not ExtensionRequest.objects.exists()


def test_on_the_deadline_day_a_request_is_still_accepted(make_task, departments, officer_a, today):
    due = make_task(lead_department=departments["a"], deadline=today, status="in_progress")
    assert ask(due, officer_a, today + timedelta(days=3)).pk


def test_one_pending_request_at_a_time(task, officer_a, today):
    ask(task, officer_a, today + timedelta(days=20))
    with pytest.raises(ValidationError, match="已有一份待审批"):
        ask(task, officer_a, today + timedelta(days=30))
    assert ExtensionRequest.objects.count() == 1


def test_empty_reason_is_refused(task, officer_a, today):
    with pytest.raises(ValidationError, match="请填写延期理由"):
        ask(task, officer_a, today + timedelta(days=20), reason="  ")


@pytest.mark.parametrize("persona", ["officer_b", "leader", "supervisor"])
def test_only_the_lead_departments_officer_asks(request, task, today, persona):
    """officer_b's department only helps on this task; leaders and supervisors do not ask."""
    with pytest.raises(PermissionDenied):
        ask(task, request.getfixturevalue(persona), today + timedelta(days=20))


@pytest.mark.parametrize("persona", ["officer_a", "leader"])
def test_only_supervisors_decide(request, task, officer_a, today, persona):
    pending = ask(task, officer_a, today + timedelta(days=20))
    with pytest.raises(PermissionDenied):
        extensions.extension_decide(extension=pending, decided_by=request.getfixturevalue(persona), approve=True)


def test_approval_refused_when_the_deadline_moved_meanwhile(task, officer_a, supervisor, today):
    pending = ask(task, officer_a, today + timedelta(days=20))
    Task.objects.filter(pk=task.pk).update(deadline=today + timedelta(days=30))
    with pytest.raises(ValidationError, match="不再晚于当前时限"):
        extensions.extension_decide(extension=pending, decided_by=supervisor, approve=True)


def test_deadline_changes_from_rows_is_a_plain_diff():
    rows = [
        {"id": 1, "deadline": date(2024, 9, 1), "history_date": 1, "by": "王", "history_change_reason": None},
        {"id": 1, "deadline": date(2024, 9, 1), "history_date": 2, "by": "王", "history_change_reason": None},
        {"id": 1, "deadline": date(2024, 9, 30), "history_date": 3, "by": "王", "history_change_reason": "同意"},
        {"id": 2, "deadline": None, "history_date": 1, "by": "", "history_change_reason": None},
        {"id": 2, "deadline": date(2024, 10, 1), "history_date": 2, "by": "李", "history_change_reason": None},
    ]
    changes = selectors.deadline_changes_from_rows(rows)
    assert [(c.old, c.new, c.reason) for c in changes[1]] == [(date(2024, 9, 1), date(2024, 9, 30), "同意")]
    assert [(c.old, c.new, c.by) for c in changes[2]] == [(None, date(2024, 10, 1), "李")]


def test_pages_request_and_decide(client, task, officer_a, supervisor, today):
    client.force_login(officer_a)
    new = today + timedelta(days=20)
    response = client.post(reverse("tracker:extension_request", args=[task.pk]),
                           {"new_deadline": new.isoformat(), "reason": "等待财政拨款。"}, follow=True)
    assert "延期申请已提交" in response.content.decode()
    pending = ExtensionRequest.objects.get()
    # An officer cannot decide.
    assert client.post(reverse("tracker:extension_decide", args=[pending.pk]),
                       {"decision": "approve"}).status_code == 403
    client.force_login(supervisor)
    page = client.get(reverse("tracker:task_detail", args=[task.pk])).content.decode()
    assert "审批延期申请" in page and "等待财政拨款。" in page
    response = client.post(reverse("tracker:extension_decide", args=[pending.pk]),
                           {"decision": "approve", "comment": ""}, follow=True)
    assert f"已同意延期至 {new:%Y-%m-%d}" in response.content.decode()
    task.refresh_from_db()
    assert task.deadline == new
    page = client.get(reverse("tracker:task_detail", args=[task.pk])).content.decode()
    assert "时限调整记录" in page and f"原定时限 {task.original_deadline:%Y-%m-%d}" in page


def test_page_shows_a_bad_date_in_chinese_and_writes_nothing(client, task, officer_a):
    client.force_login(officer_a)
    response = client.post(reverse("tracker:extension_request", args=[task.pk]),
                           {"new_deadline": "下个月", "reason": "x"}, follow=True)
    assert "日期格式应为 YYYY-MM-DD。" in response.content.decode()
    assert not ExtensionRequest.objects.exists()


def test_officer_of_another_department_gets_404(client, make_task, departments, officer_b, today):
    hidden = make_task(lead_department=departments["a"], deadline=today + timedelta(days=5))
    client.force_login(officer_b)
    response = client.post(reverse("tracker:extension_request", args=[hidden.pk]),
                           {"new_deadline": (today + timedelta(days=9)).isoformat(), "reason": "x"})
    assert response.status_code == 404


def test_admin_edit_gives_a_task_without_deadline_its_first_one(client, supervisor, make_task, departments):
    task = make_task(lead_department=departments["a"], deadline=None)
    assert task.original_deadline is None
    client.force_login(supervisor)
    response = client.post(reverse("admin:tracker_task_change", args=[task.pk]), {
        "title": task.title, "content": "", "category": "deploy", "lead_department": departments["a"].pk,
        "deadline": "2030-01-31", "status": "pending", "note": "", "owner_text": "", "responsible_person": "",
        "deadline_text": "", "expected_version": task.version,
        "progress_updates-TOTAL_FORMS": "0", "progress_updates-INITIAL_FORMS": "0",
    })
    assert response.status_code == 302, response.content.decode()[:3000]
    task.refresh_from_db()
    assert task.original_deadline == date(2030, 1, 31)


def test_refused_while_closing_awaits_the_supervisor(task, officer_a, today):
    """Once 申请办结 is filed the officer has finished; a later deadline makes no sense until 退回."""
    task.status = Task.Status.CLOSING
    task.save(update_fields=["status"])
    with pytest.raises(ValidationError, match="任务已申请办结，正等待督查室销号，不能再申请延期") as refused:
        ask(task, officer_a, today + timedelta(days=20))
    assert refused.value.code == "closing"
    assert not ExtensionRequest.objects.exists()
