"""Every admin page answers a supervisor; leaders read only; strangers log in first."""
import pytest
from django.contrib import admin
from django.urls import reverse

pytestmark = pytest.mark.django_db

REGISTERED = [
    (model._meta.app_label, model._meta.model_name)
    for model in admin.site._registry
    if model._meta.app_label in {"tracker", "speeches"}
]


@pytest.mark.parametrize("app_label,model_name", REGISTERED)
def test_supervisor_gets_every_list_and_add_page(client, supervisor, app_label, model_name):
    client.force_login(supervisor)
    assert client.get(reverse(f"admin:{app_label}_{model_name}_changelist")).status_code == 200
    # Speeches are added through the upload page, where the admin's add button leads.
    assert client.get(reverse(f"admin:{app_label}_{model_name}_add"), follow=True).status_code == 200


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
