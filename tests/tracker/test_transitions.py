"""The closed loop through the service and the task page: each step by its role, recorded."""
from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tracker import services
from tracker.models import Attachment, Task, TaskTransition

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj << >> endobj\n%%EOF\n"


@pytest.fixture
def task(make_task, departments):
    return make_task(lead_department=departments["a"], co_departments=[departments["c"]])


@pytest.fixture
def officer_c(departments):
    from tests.conftest import make_user

    return make_user("officer_c", "部门填报员", departments["c"])


def test_the_whole_loop_with_who_when_why(task, officer_a, supervisor, media_root):
    services.task_transition(task=task, action="accept", by=officer_a)
    assert task.status == Task.Status.IN_PROGRESS
    services.task_transition(task=task, action="request_close", by=officer_a, reason="已全部完成",
                             files=[SimpleUploadedFile("报告.pdf", PDF)])
    assert task.status == Task.Status.CLOSING
    services.task_transition(task=task, action="send_back", by=supervisor, reason="缺少验收材料")
    assert task.status == Task.Status.IN_PROGRESS
    services.task_transition(task=task, action="request_close", by=officer_a, reason="补充了验收材料")
    services.task_transition(task=task, action="close", by=supervisor)
    task.refresh_from_db()
    assert task.status == Task.Status.CLOSED and task.completed_at is not None
    steps = list(TaskTransition.objects.filter(task=task).values_list("action", "from_status", "to_status", "by__username", "reason"))
    assert steps == [
        ("accept", "pending", "in_progress", "officer_a", ""),
        ("request_close", "in_progress", "closing", "officer_a", "已全部完成"),
        ("send_back", "closing", "in_progress", "sup", "缺少验收材料"),
        ("request_close", "in_progress", "closing", "officer_a", "补充了验收材料"),
        ("close", "closing", "closed", "sup", ""),
    ]
    evidence = Attachment.objects.get(task=task)
    assert evidence.transition.action == "request_close" and evidence.name == "报告.pdf"
    assert evidence.file.read() == PDF
    # Every step is in the task's history, with the reason.
    reasons = list(task.history.values_list("history_change_reason", flat=True))
    assert "退回：缺少验收材料" in reasons and "销号" in reasons


@pytest.mark.parametrize("action,status,actor", [
    ("accept", "pending", "supervisor"),
    ("accept", "pending", "officer_c"),  # a co-department does not sign for the lead
    ("accept", "pending", "leader"),
    ("request_close", "in_progress", "officer_c"),
    ("request_close", "in_progress", "supervisor"),
    ("close", "closing", "officer_a"),
    ("close", "closing", "leader"),
    ("send_back", "closing", "officer_a"),
    ("suspend", "in_progress", "officer_a"),
    ("suspend", "in_progress", "officer_b"),
])
def test_the_wrong_role_is_refused_and_nothing_changes(request, task, action, status, actor, officer_c):
    Task.objects.filter(pk=task.pk).update(status=status)
    task.refresh_from_db()
    user = officer_c if actor == "officer_c" else request.getfixturevalue(actor)
    with pytest.raises(PermissionDenied):
        services.task_transition(task=task, action=action, by=user, reason="理由")
    task.refresh_from_db()
    assert task.status == status and not TaskTransition.objects.exists()


@pytest.mark.parametrize("action,status,actor,message", [
    ("accept", "in_progress", "officer_a", "任务当前状态为“办理中”，不能“签收”"),
    ("close", "in_progress", "supervisor", "不能“销号”（仅“申请办结”状态可以）"),
    ("close", "closed", "supervisor", "任务当前状态为“已办结”"),
    ("suspend", "suspended", "supervisor", "任务当前状态为“已中止”"),
    ("send_back", "closing", "supervisor", "请填写退回理由。"),
    ("suspend", "pending", "supervisor", "请填写中止理由。"),
    ("request_close", "in_progress", "officer_a", "请填写办结报告。"),
])
def test_a_step_from_the_wrong_status_or_without_reason_gets_a_chinese_message(
        request, task, action, status, actor, message):
    Task.objects.filter(pk=task.pk).update(status=status, completed_at="2024-09-01T00:00:00Z")
    task.refresh_from_db()
    with pytest.raises(ValidationError) as error:
        services.task_transition(task=task, action=action, by=request.getfixturevalue(actor), reason="")
    assert message in error.value.messages[0]
    assert not TaskTransition.objects.exists()


def test_a_bad_evidence_file_refuses_the_whole_step(task, officer_a, media_root):
    services.task_transition(task=task, action="accept", by=officer_a)
    with pytest.raises(ValidationError) as error:
        services.task_transition(task=task, action="request_close", by=officer_a, reason="完成",
                                 files=[SimpleUploadedFile("报告.pdf", PDF), SimpleUploadedFile("报告2.pdf", b"MZ\x90\x00")])
    assert "报告2.pdf" in error.value.messages[0] and "内容不是允许的类型" in error.value.messages[0]
    task.refresh_from_db()
    assert task.status == Task.Status.IN_PROGRESS
    assert not Attachment.objects.exists()
    assert not list(media_root.rglob("*.pdf")) if media_root.exists() else True


def test_files_over_the_size_limit_are_refused(task, officer_a, settings, media_root):
    settings.ATTACHMENT_MAX_BYTES = 100
    with pytest.raises(ValidationError) as error:
        services.progress_report(task=task, reported_by=officer_a, date=date(2024, 9, 1), content="x", percent=5,
                                 files=[SimpleUploadedFile("大.pdf", PDF + b"0" * 200)])
    assert "超过大小上限" in error.value.messages[0]
    assert not task.progress_updates.exists()


# ---- through the task page -------------------------------------------------------------


def post_step(client, task, action, reason="", files=None):
    data = {f"{action}-reason": reason}
    if files:
        data[f"{action}-files"] = files
    return client.post(reverse("tracker:task_transition", args=[task.pk, action]), data)


def test_the_task_page_offers_each_user_only_their_steps(client, task, officer_a, supervisor, officer_c):
    client.force_login(officer_a)
    page = client.get(reverse("tracker:task_detail", args=[task.pk])).content.decode()
    assert 'value="签收"' in page and 'value="中止"' not in page
    client.force_login(officer_c)
    page = client.get(reverse("tracker:task_detail", args=[task.pk])).content.decode()
    assert 'value="签收"' not in page and 'id="progress-form"' in page  # a co-department reports progress
    client.force_login(supervisor)
    page = client.get(reverse("tracker:task_detail", args=[task.pk])).content.decode()
    assert 'value="中止"' in page and 'value="签收"' not in page


def test_the_loop_through_the_page(client, task, officer_a, supervisor, media_root):
    client.force_login(officer_a)
    assert post_step(client, task, "accept").status_code == 302
    response = post_step(client, task, "request_close", "全部完成", [SimpleUploadedFile("验收.pdf", PDF)])
    assert response.status_code == 302
    client.force_login(supervisor)
    response = client.post(reverse("tracker:task_transition", args=[task.pk, "close"]), {"close-reason": ""}, follow=True)
    assert "已销号" in response.content.decode()
    task.refresh_from_db()
    assert task.status == Task.Status.CLOSED
    page = client.get(reverse("tracker:task_detail", args=[task.pk])).content.decode()
    assert "验收.pdf" in page and "全部完成" in page and "销号" in page


def test_a_missing_reason_on_the_page_shows_the_form_again_with_the_message(client, task, supervisor):
    client.force_login(supervisor)
    response = post_step(client, task, "suspend", "")
    assert response.status_code == 400
    assert "请填写中止理由。" in response.content.decode()
    task.refresh_from_db()
    assert task.status == Task.Status.PENDING


def test_a_stale_button_gets_a_message_not_an_error(client, task, supervisor):
    Task.objects.filter(pk=task.pk).update(status="closed", completed_at="2024-09-01T00:00:00Z")
    client.force_login(supervisor)
    response = client.post(reverse("tracker:task_transition", args=[task.pk, "close"]), {}, follow=True)
    assert response.status_code == 200
    assert "任务当前状态为“已办结”，不能“销号”" in response.content.decode()


def test_an_unknown_action_is_not_found(client, task, supervisor):
    client.force_login(supervisor)
    assert post_step(client, task, "reopen", "x").status_code == 404


def test_get_on_a_step_is_refused(client, task, supervisor):
    client.force_login(supervisor)
    assert client.get(reverse("tracker:task_transition", args=[task.pk, "suspend"])).status_code == 405
