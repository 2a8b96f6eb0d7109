"""Every admin page answers a supervisor; leaders read only; strangers log in first."""
from datetime import date, timedelta

import pytest
from django.contrib import admin
from django.urls import reverse

from tracker.models import ProgressUpdate

pytestmark = pytest.mark.django_db

REGISTERED = [
    (model._meta.app_label, model._meta.model_name)
    for model in admin.site._registry
    if model._meta.app_label in {"tracker", "speeches"}
]


# Transitions are written by the workflow on the task page, never added by hand; the robots'
# outbox (群机器人推送) is written by tracker.notices.notify.
NO_ADD_PAGE = {("tracker", "tasktransition"), ("tracker", "noticedelivery")}


@pytest.mark.parametrize("app_label,model_name", REGISTERED)
def test_supervisor_gets_every_list_and_add_page(client, supervisor, app_label, model_name):
    client.force_login(supervisor)
    assert client.get(reverse(f"admin:{app_label}_{model_name}_changelist")).status_code == 200
    # Speeches are added through the upload page, where the admin's add button leads.
    add = client.get(reverse(f"admin:{app_label}_{model_name}_add"), follow=True)
    assert add.status_code == (403 if (app_label, model_name) in NO_ADD_PAGE else 200)


@pytest.mark.parametrize("app_label,model_name", REGISTERED)
def test_anonymous_user_is_sent_to_login(client, app_label, model_name):
    response = client.get(reverse(f"admin:{app_label}_{model_name}_changelist"))
    assert response.status_code == 302
    assert reverse("admin:login") in response["Location"]


def test_leader_reads_tasks_but_cannot_add_or_change(client, leader, make_task):
    task = make_task()
    client.force_login(leader)
    assert client.get(reverse("admin:tracker_task_changelist")).status_code == 200
    assert client.get(reverse("admin:tracker_task_add")).status_code == 403
    page = client.get(reverse("admin:tracker_task_change", args=[task.pk]))
    assert page.status_code == 200
    assert b'name="_save"' not in page.content
    response = client.post(reverse("admin:tracker_task_change", args=[task.pk]), {"title": "改掉"})
    assert response.status_code == 403
    task.refresh_from_db()
    assert task.title != "改掉"


def test_supervisor_adds_a_task_and_it_gets_a_serial(client, supervisor, departments):
    from tracker.models import Task

    client.force_login(supervisor)
    response = client.post(reverse("admin:tracker_task_add"), {
        "title": "完成教材发放", "content": "", "category": "deploy", "lead_department": departments["a"].pk,
        "co_departments": [departments["b"].pk], "deadline": "2024-09-01", "status": "pending", "note": "",
        "progress_updates-TOTAL_FORMS": "0", "progress_updates-INITIAL_FORMS": "0",
    })
    assert response.status_code == 302, response.content.decode()[:2000]
    task = Task.objects.get(title="完成教材发放")
    assert task.serial.startswith("DB-")
    assert list(task.co_departments.all()) == [departments["b"]]


def test_admin_is_titled_as_the_product(client, supervisor):
    client.force_login(supervisor)
    assert "讲话任务督办系统" in client.get(reverse("admin:index")).content.decode()


# Bad input in an admin URL is a 404 or the admin's "not found" redirect, never a 500.

@pytest.mark.parametrize("page", ["change", "history", "delete"])
@pytest.mark.parametrize("app_label,model_name", REGISTERED)
def test_a_non_numeric_id_is_not_found_for_every_role(safe_client, supervisor, leader, officer_a, page, app_label,
                                                      model_name):
    url = reverse(f"admin:{app_label}_{model_name}_changelist") + f"abc/{page}/"
    for user in (supervisor, leader, officer_a):
        safe_client.force_login(user)
        assert safe_client.get(url).status_code in (302, 403, 404), f"{url} as {user}"


def test_task_change_page_with_a_non_numeric_id_redirects_with_a_chinese_message(safe_client, supervisor):
    safe_client.force_login(supervisor)
    response = safe_client.get("/admin/tracker/task/abc/change/", follow=True)
    assert response.status_code == 200
    assert "不存在" in response.content.decode()


def test_task_change_page_links_to_the_task_page(client, supervisor, make_task):
    task = make_task()
    client.force_login(supervisor)
    page = client.get(reverse("admin:tracker_task_change", args=[task.pk])).content.decode()
    assert f'<a href="{reverse("tracker:task_detail", args=[task.pk])}">任务页面（办理与进展）</a>' in page


def test_user_password_page_with_a_non_numeric_id_is_404(safe_client, supervisor):
    safe_client.force_login(supervisor)
    assert safe_client.get("/admin/tracker/user/abc/password/").status_code == 404


@pytest.mark.parametrize("url,field", [
    ("admin:tracker_task_changelist", "deadline"),
    ("admin:speeches_speech_changelist", "date"),
])
@pytest.mark.parametrize("params", [
    {"year": "9999"},
    {"year": "9999", "month": "12", "day": "31"},
    {"year": "99999999999999999999"},
    {"year": "0"},
    {"year": "abc"},
    {"year": "2024", "month": "13"},
    {"year": "2024", "month": "2", "day": "30"},
    {"year__gte": "99999999999999999999"},
])
def test_a_date_filter_naming_no_date_shows_the_whole_list_with_a_chinese_message(safe_client, supervisor, url,
                                                                                  field, params):
    safe_client.force_login(supervisor)
    query = {f"{field}__{part}": value for part, value in params.items()}
    response = safe_client.get(reverse(url), {**query, "q": "排查"})
    assert response.status_code == 302
    assert response["Location"] == reverse(url)
    page = safe_client.get(response["Location"])
    assert page.status_code == 200
    assert "筛选条件无效，已显示全部记录。" in page.content.decode()


@pytest.mark.parametrize("url,field", [
    ("admin:tracker_task_changelist", "deadline"),
    ("admin:speeches_speech_changelist", "date"),
])
def test_a_date_drill_down_naming_a_date_works(safe_client, supervisor, url, field):
    safe_client.force_login(supervisor)
    for query in ({f"{field}__year": "2100", f"{field}__month": "12", f"{field}__day": "31"},
                  {f"{field}__year": "1999"}, {f"{field}__year": "2024", f"{field}__month": "2"}):
        assert safe_client.get(reverse(url), query).status_code == 200


DATE_FIELDS = [
    (app_label, model_name, field.name)
    for model in admin.site._registry if model._meta.app_label in {"tracker", "speeches"}
    for app_label, model_name in [(model._meta.app_label, model._meta.model_name)]
    for field in model._meta.concrete_fields if field.get_internal_type() in {"DateField", "DateTimeField"}
]


@pytest.mark.parametrize("app_label,model_name,field", DATE_FIELDS)
def test_no_admin_list_breaks_on_an_overflowing_date_lookup(safe_client, supervisor, app_label, model_name, field):
    safe_client.force_login(supervisor)
    url = reverse(f"admin:{app_label}_{model_name}_changelist")
    for query in ({f"{field}__year__gte": "9" * 20}, {f"{field}__year": "9999"}, {f"{field}__gte": "9999-99-99"}):
        response = safe_client.get(url, query)
        assert response.status_code in (200, 302, 400), f"{url} {query}"
        assert "数据库" not in safe_client.get(url, query, follow=True).content.decode()


@pytest.fixture
def closed_task(make_task, departments):
    return make_task(lead_department=departments["a"], status="closed")


def test_progress_added_in_the_admin_to_a_closed_task_is_a_form_error(safe_client, officer_a, closed_task):
    safe_client.force_login(officer_a)
    response = safe_client.post(reverse("admin:tracker_progressupdate_add"), {
        "task": closed_task.pk, "date": "2024-09-01", "percent": "10", "content": "补报"})
    assert response.status_code == 200
    assert "任务状态为“已办结”，不能再填报进展。" in response.content.decode()
    assert not ProgressUpdate.objects.exists()


def test_a_closed_tasks_admin_page_takes_no_new_progress_rows(safe_client, supervisor, closed_task):
    safe_client.force_login(supervisor)
    response = safe_client.post(reverse("admin:tracker_task_change", args=[closed_task.pk]), {
        "title": closed_task.title, "content": "", "category": "deploy",
        "lead_department": closed_task.lead_department_id, "deadline": "", "note": "", "owner_text": "",
        "responsible_person": "", "deadline_text": "", "expected_version": closed_task.version,
        "progress_updates-TOTAL_FORMS": "1", "progress_updates-INITIAL_FORMS": "0",
        "progress_updates-0-date": "2024-09-01", "progress_updates-0-percent": "10",
        "progress_updates-0-content": "补报"})
    assert response.status_code == 302
    assert not ProgressUpdate.objects.exists()


def test_progress_added_in_the_admin_goes_through_the_service(client, officer_a, make_task, departments):
    task = make_task(lead_department=departments["a"], status="in_progress")
    client.force_login(officer_a)
    response = client.post(reverse("admin:tracker_progressupdate_add"), {
        "task": task.pk, "date": "2024-09-01", "percent": "30", "content": "已完成三成"})
    assert response.status_code == 302
    task.refresh_from_db()
    assert (task.progress, task.latest_progress) == (30, "已完成三成")
    assert task.progress_updates.get().reported_by == officer_a


# The record is append-only in the admin, for everyone (superusers included): corrections are new entries.

RECORD = ["progressupdate", "tasktransition", "attachment", "chase", "instruction", "extensionrequest"]


@pytest.fixture
def record(supervisor, officer_a, make_task, departments):
    """A task with one record of each kind: progress with a file, transition, chase, instruction, extension."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tracker import services
    from tracker.models import Attachment, Chase, Instruction
    from tracker.supervision import extensions

    task = make_task(lead_department=departments["a"], deadline=date.today() + timedelta(days=30))
    services.task_transition(task=task, action="accept", by=officer_a)
    task.refresh_from_db()
    update = services.progress_report(task=task, reported_by=officer_a, date=date.today(), content="已排查十所学校",
                                      percent=10, files=[SimpleUploadedFile("说明.txt", "排查方案".encode())])
    chase = Chase.objects.create(message="请抓紧", sent_by=supervisor)
    chase.tasks.add(task)
    instruction = Instruction.objects.create(task=task, kind="instruction", content="按期完成", author=supervisor)
    extension = extensions.extension_request_create(task=task, requested_by=officer_a, reason="需协调",
                                                    new_deadline=task.deadline + timedelta(days=5))
    task.refresh_from_db()
    return {"task": task, "progressupdate": update, "tasktransition": task.transitions.get(),
            "attachment": Attachment.objects.get(progress_update=update), "chase": chase,
            "instruction": instruction, "extensionrequest": extension}


def snapshot(task):
    from tracker.models import Attachment, Chase, ExtensionRequest, Instruction, ProgressUpdate, TaskTransition

    return (
        list(ProgressUpdate.objects.values_list("pk", "date", "content", "percent")),
        list(TaskTransition.objects.values_list("pk", "action", "from_status", "to_status", "reason")),
        list(Attachment.objects.values_list("pk", "name")), list(Chase.objects.values_list("pk", "message")),
        list(Instruction.objects.values_list("pk", "content")),
        list(ExtensionRequest.objects.values_list("pk", "status", "new_deadline")),
        list(type(task).objects.filter(pk=task.pk).values_list("status", "latest_progress", "progress")),
    )


@pytest.mark.parametrize("model_name", RECORD)
@pytest.mark.parametrize("persona", ["superuser", "supervisor"])
def test_no_one_changes_or_deletes_the_record_in_the_admin(request, safe_client, record, persona, model_name):
    safe_client.force_login(request.getfixturevalue(persona))
    obj = record[model_name]
    before = snapshot(record["task"])
    change = reverse(f"admin:tracker_{model_name}_change", args=[obj.pk])
    page = safe_client.get(change)
    assert page.status_code == 200 and b'name="_save"' not in page.content
    assert safe_client.post(change, {"to_status": "closed", "action": "close", "content": "改写",
                                     "message": "改写", "status": "approved"}).status_code == 403
    delete = reverse(f"admin:tracker_{model_name}_delete", args=[obj.pk])
    assert safe_client.get(delete).status_code == 403
    assert safe_client.post(delete, {"post": "yes"}).status_code == 403
    changelist = reverse(f"admin:tracker_{model_name}_changelist")
    assert "delete_selected" not in safe_client.get(changelist).content.decode()
    safe_client.post(changelist, {"action": "delete_selected", "_selected_action": [obj.pk], "post": "yes"})
    assert snapshot(record["task"]) == before


@pytest.mark.parametrize("persona", ["superuser", "supervisor"])
def test_transitions_are_not_added_in_the_admin(request, safe_client, record, persona):
    """A status moves through the workflow on the task page; a hand-made 销号 would show a task closed that is not."""
    from tracker.models import TaskTransition

    safe_client.force_login(request.getfixturevalue(persona))
    url = reverse("admin:tracker_tasktransition_add")
    assert safe_client.get(url).status_code == 403
    response = safe_client.post(url, {"task": record["task"].pk, "action": "close", "from_status": "closing",
                                      "to_status": "closed", "reason": "", "by": request.getfixturevalue(persona).pk})
    assert response.status_code == 403
    assert TaskTransition.objects.count() == 1


@pytest.mark.parametrize("persona", ["superuser", "supervisor"])
def test_tasks_are_suspended_never_deleted_in_the_admin(request, safe_client, record, persona):
    """Deleting a task would erase its whole record with it; 中止 (with a reason) keeps it."""
    task = record["task"]
    before = snapshot(task)
    safe_client.force_login(request.getfixturevalue(persona))
    url = reverse("admin:tracker_task_delete", args=[task.pk])
    assert safe_client.get(url).status_code == 403
    assert safe_client.post(url, {"post": "yes"}).status_code == 403
    changelist = reverse("admin:tracker_task_changelist")
    assert "delete_selected" not in safe_client.get(changelist).content.decode()
    safe_client.post(changelist, {"action": "delete_selected", "_selected_action": [task.pk], "post": "yes"})
    assert snapshot(task) == before


@pytest.mark.parametrize("persona", ["superuser", "supervisor"])
def test_departments_are_retired_never_deleted_in_the_admin(request, safe_client, record, departments, persona):
    """Deleting a department would silently drop it from every task it assists; 停用 keeps the record."""
    from tracker.models import Department

    record["task"].co_departments.add(departments["c"])
    safe_client.force_login(request.getfixturevalue(persona))
    url = reverse("admin:tracker_department_delete", args=[departments["c"].pk])
    assert safe_client.post(url, {"post": "yes"}).status_code == 403
    changelist = reverse("admin:tracker_department_changelist")
    safe_client.post(changelist, {"action": "delete_selected", "_selected_action": [departments["c"].pk],
                                  "post": "yes"})
    assert Department.objects.filter(pk=departments["c"].pk).exists()
    assert departments["c"] in record["task"].co_departments.all()
