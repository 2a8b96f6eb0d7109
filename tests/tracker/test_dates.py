"""Every date a person enters lies in tracker.dates' window (2000-01-01 … 2100-12-31).

Outside it the input is refused with a Chinese message and nothing is written, on the
pages, in the admin, in the services and in the import command; never a 500.
"""
import io
from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from speeches.models import Speech
from tracker import dates, services
from tracker.models import ExtensionRequest, ProgressUpdate, Task
from tracker.supervision import extensions

pytestmark = pytest.mark.django_db

OUT_OF_WINDOW = ["9999-12-31", "2101-01-01", "1999-12-31", "0001-01-01"]
WINDOW_MESSAGE = "须在 2000-01-01 至 2100-12-31 之间"


@pytest.fixture
def task(make_task, departments):
    return make_task(lead_department=departments["a"], deadline=timezone.localdate() + timedelta(days=5),
                     status="in_progress")


@pytest.mark.parametrize("value,ok", [
    (date(2000, 1, 1), True), (date(2100, 12, 31), True), (None, True),
    (date(1999, 12, 31), False), (date(2101, 1, 1), False), (date(9999, 12, 31), False),
])
def test_check_sane_accepts_the_window_only(value, ok):
    if ok:
        dates.check_sane(value)
    else:
        with pytest.raises(ValidationError, match="完成时限须在 2000-01-01 至 2100-12-31 之间"):
            dates.check_sane(value, "完成时限")


# --- the services ---------------------------------------------------------------------------


@pytest.mark.parametrize("value", [date(9999, 12, 31), date(2101, 1, 1)])
def test_extension_service_refuses_a_date_outside_the_window(task, officer_a, value):
    with pytest.raises(ValidationError, match="申请的新时限" + WINDOW_MESSAGE):
        extensions.extension_request_create(task=task, requested_by=officer_a, new_deadline=value, reason="需协调")
    assert not ExtensionRequest.objects.exists()


@pytest.mark.parametrize("value", [date(1, 1, 1), date(1999, 12, 31)])
def test_progress_service_refuses_a_date_outside_the_window(task, officer_a, value):
    with pytest.raises(ValidationError, match="进展日期" + WINDOW_MESSAGE):
        services.progress_report(task=task, reported_by=officer_a, date=value, content="已启动", percent=10)
    assert not ProgressUpdate.objects.exists()


# --- the pages -------------------------------------------------------------------------------


@pytest.mark.parametrize("value", OUT_OF_WINDOW)
def test_extension_page_refuses_a_date_outside_the_window(safe_client, task, officer_a, value):
    safe_client.force_login(officer_a)
    response = safe_client.post(reverse("tracker:extension_request", args=[task.pk]),
                                {"new_deadline": value, "reason": "等待拨款"}, follow=True)
    assert response.status_code in (200, 400)
    assert WINDOW_MESSAGE in response.content.decode()
    assert not ExtensionRequest.objects.exists()


@pytest.mark.parametrize("value", ["1999-12-31", "0001-01-01"])
def test_progress_page_refuses_a_date_outside_the_window(safe_client, task, officer_a, value):
    safe_client.force_login(officer_a)
    response = safe_client.post(reverse("tracker:progress_add", args=[task.pk]), {
        "progress-date": value, "progress-percent": "40", "progress-content": "已完成四成"})
    assert response.status_code == 400
    assert WINDOW_MESSAGE in response.content.decode()
    assert not ProgressUpdate.objects.exists()


@pytest.mark.parametrize("value", OUT_OF_WINDOW)
def test_speech_upload_refuses_a_date_outside_the_window(safe_client, supervisor, speech_text, value):
    safe_client.force_login(supervisor)
    response = safe_client.post(reverse("speeches:upload"), {
        "text": speech_text, "meeting": "全县秋季开学工作会议", "speaker": "李县长", "date": value})
    assert response.status_code == 200
    assert WINDOW_MESSAGE in response.content.decode()
    assert not Speech.objects.exists()


def test_speech_review_refuses_a_deadline_outside_the_window(safe_client, supervisor, county, speech_text):
    from tests.speeches.conftest import review_post_data

    safe_client.force_login(supervisor)
    safe_client.post(reverse("speeches:upload"), {
        "text": speech_text, "meeting": "全县秋季开学工作会议", "speaker": "李县长", "date": "2024-08-16"})
    speech = Speech.objects.get()
    data = review_post_data(safe_client.get(reverse("speeches:review", args=[speech.pk])))
    first = speech.items.get(marker="（一）")
    data[f"item-{first.pk}-deadline"] = "9999-12-31"
    response = safe_client.post(reverse("speeches:confirm", args=[speech.pk]), data)
    assert response.status_code == 200
    assert WINDOW_MESSAGE in response.content.decode()
    assert not Task.objects.exists()


def test_import_command_refuses_a_date_outside_the_window(tmp_path, speech_text):
    path = tmp_path / "讲话.txt"
    path.write_text(speech_text, encoding="utf-8")
    err = io.StringIO()
    with pytest.raises(SystemExit) as stopped:
        call_command("import_speech", str(path), "--date", "9999-12-20", stdout=io.StringIO(), stderr=err)
    assert stopped.value.code == 2
    assert "讲话日期" + WINDOW_MESSAGE in err.getvalue()
    assert not Speech.objects.exists()


# --- the admin -------------------------------------------------------------------------------


def task_form(task, **changes):
    return {
        "title": task.title, "content": "", "category": "deploy", "lead_department": task.lead_department_id,
        "deadline": task.deadline.isoformat(), "note": "", "owner_text": "", "responsible_person": "",
        "deadline_text": "", "expected_version": task.version,
        "progress_updates-TOTAL_FORMS": "0", "progress_updates-INITIAL_FORMS": "0", **changes,
    }


@pytest.mark.parametrize("value", OUT_OF_WINDOW)
def test_admin_task_deadline_outside_the_window_is_a_form_error(safe_client, supervisor, task, value):
    safe_client.force_login(supervisor)
    response = safe_client.post(reverse("admin:tracker_task_change", args=[task.pk]), task_form(task, deadline=value))
    assert response.status_code == 200
    assert WINDOW_MESSAGE in response.content.decode()
    before = task.deadline
    task.refresh_from_db()
    assert task.deadline == before


def test_admin_task_add_with_a_deadline_outside_the_window_is_a_form_error(safe_client, supervisor, departments):
    safe_client.force_login(supervisor)
    response = safe_client.post(reverse("admin:tracker_task_add"), {
        "title": "完成教材发放", "content": "", "category": "deploy", "lead_department": departments["a"].pk,
        "deadline": "9999-12-31", "note": "",
        "progress_updates-TOTAL_FORMS": "0", "progress_updates-INITIAL_FORMS": "0"})
    assert response.status_code == 200
    assert WINDOW_MESSAGE in response.content.decode()
    assert not Task.objects.exists()


def test_admin_inline_progress_date_outside_the_window_is_a_form_error(safe_client, supervisor, task):
    safe_client.force_login(supervisor)
    response = safe_client.post(reverse("admin:tracker_task_change", args=[task.pk]), task_form(task, **{
        "progress_updates-TOTAL_FORMS": "1", "progress_updates-0-date": "0001-01-01",
        "progress_updates-0-percent": "10", "progress_updates-0-content": "已启动"}))
    assert response.status_code == 200
    assert WINDOW_MESSAGE in response.content.decode()
    assert not ProgressUpdate.objects.exists()


def test_admin_progress_date_outside_the_window_is_a_form_error(safe_client, officer_a, task):
    safe_client.force_login(officer_a)
    response = safe_client.post(reverse("admin:tracker_progressupdate_add"), {
        "task": task.pk, "date": "1999-12-31", "percent": "10", "content": "已启动"})
    assert response.status_code == 200
    assert WINDOW_MESSAGE in response.content.decode()
    assert not ProgressUpdate.objects.exists()


def test_admin_progress_date_in_the_future_is_a_form_error(safe_client, officer_a, task):
    safe_client.force_login(officer_a)
    tomorrow = timezone.localdate() + timedelta(days=1)
    response = safe_client.post(reverse("admin:tracker_progressupdate_add"), {
        "task": task.pk, "date": tomorrow.isoformat(), "percent": "10", "content": "已启动"})
    assert response.status_code == 200
    assert "进展日期不能晚于今天" in response.content.decode()
    assert not ProgressUpdate.objects.exists()


def test_admin_extension_request_outside_the_window_is_a_form_error(safe_client, officer_a, task):
    safe_client.force_login(officer_a)
    response = safe_client.post(reverse("admin:tracker_extensionrequest_add"), {
        "task": task.pk, "new_deadline": "9999-12-31", "reason": "需协调"})
    assert response.status_code == 200
    assert WINDOW_MESSAGE in response.content.decode()
    assert not ExtensionRequest.objects.exists()


def test_admin_speech_date_outside_the_window_is_a_form_error(safe_client, supervisor, speech_text):
    from speeches import services as speech_services

    upload = speech_services.speech_import(text=speech_text, date=date(2024, 8, 16), uploaded_by=supervisor)
    speech = upload.speeches.get()
    safe_client.force_login(supervisor)
    response = safe_client.post(reverse("admin:speeches_speech_change", args=[speech.pk]), {
        "title": speech.title, "meeting": "会", "speaker": "", "date": "9999-12-31", "text": speech.text,
        "items-TOTAL_FORMS": "0", "items-INITIAL_FORMS": "0"})
    assert response.status_code == 200
    assert WINDOW_MESSAGE in response.content.decode()
    speech.refresh_from_db()
    assert speech.date == date(2024, 8, 16)
