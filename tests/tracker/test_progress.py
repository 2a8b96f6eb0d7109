"""Progress from the task page: the task follows its newest entry; evidence files are
checked by content, stored under a generated name and handed out only through the
permission-checked download."""
from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from tracker import services
from tracker.models import Attachment, ProgressUpdate, Task

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture
def task(make_task, departments):
    return make_task(lead_department=departments["a"])


def post_progress(client, task, **extra):
    data = {"progress-date": "2024-09-10", "progress-percent": "40", "progress-content": "已完成四成"}
    data.update(extra)
    return client.post(reverse("tracker:progress_add", args=[task.pk]), data)


def test_an_officer_reports_progress_with_files_and_the_task_follows(client, task, officer_a, media_root):
    client.force_login(officer_a)
    files = [SimpleUploadedFile("现场.png", PNG), SimpleUploadedFile("说明.txt", "整改说明".encode())]
    response = post_progress(client, task, **{"progress-files": files})
    assert response.status_code == 302
    task.refresh_from_db()
    assert (task.progress, task.latest_progress) == (40, "已完成四成")
    update = ProgressUpdate.objects.get(task=task)
    stored = {a.name: a for a in Attachment.objects.filter(progress_update=update)}
    assert set(stored) == {"现场.png", "说明.txt"}
    assert stored["现场.png"].content_type == "image/png"
    # Stored under a generated name inside MEDIA_ROOT, read back byte for byte.
    assert "现场" not in stored["现场.png"].file.name and stored["现场.png"].file.name.endswith(".png")
    download = client.get(reverse("tracker:attachment_download", args=[stored["现场.png"].pk]))
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PNG
    assert "attachment" in download["Content-Disposition"]
    assert download["X-Content-Type-Options"] == "nosniff"


def test_an_older_entry_does_not_overwrite_the_newest(task, officer_a):
    services.progress_report(task=task, reported_by=officer_a, date=date(2024, 9, 10), content="新", percent=60)
    services.progress_report(task=task, reported_by=officer_a, date=date(2024, 9, 1), content="补报旧的", percent=20)
    task.refresh_from_db()
    assert (task.progress, task.latest_progress) == (60, "新")


@pytest.mark.parametrize("field,value,message", [
    ("progress-percent", "101", "100"),
    ("progress-percent", "-5", "0"),
    ("progress-content", "   ", "请填写进展情况。"),
    ("progress-date", (timezone.localdate() + timedelta(days=3)).isoformat(), "进展日期不能晚于今天。"),
    ("progress-date", "2024-13-40", "日期"),
])
def test_bad_progress_input_is_shown_again_and_changes_nothing(client, task, officer_a, field, value, message):
    client.force_login(officer_a)
    response = post_progress(client, task, **{field: value})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not ProgressUpdate.objects.exists()
    task.refresh_from_db()
    assert task.progress == 0 and task.version == 1


def test_the_service_refuses_an_entry_dated_ahead_and_writes_nothing(task, officer_a):
    """Whoever calls it (a command, a future import): the model's own rule, not only the form's."""
    from django.core.exceptions import ValidationError

    tomorrow = timezone.localdate() + timedelta(days=1)
    with pytest.raises(ValidationError, match="进展日期不能晚于今天"):
        services.progress_report(task=task, reported_by=officer_a, date=tomorrow, content="提前写", percent=50)
    task.refresh_from_db()
    assert not ProgressUpdate.objects.exists() and task.progress == 0 and task.latest_progress == ""


def test_a_renamed_executable_is_refused_with_a_message(client, task, officer_a, media_root):
    client.force_login(officer_a)
    response = post_progress(client, task, **{"progress-files": [SimpleUploadedFile("报告.pdf", b"MZ\x90\x00\x03")]})
    assert response.status_code == 400
    assert "文件“报告.pdf”的内容不是允许的类型" in response.content.decode()
    assert not ProgressUpdate.objects.exists() and not Attachment.objects.exists()


def test_progress_on_a_closed_task_is_refused(client, task, officer_a):
    Task.objects.filter(pk=task.pk).update(status="closed", completed_at=timezone.now())
    client.force_login(officer_a)
    response = post_progress(client, task)
    assert response.status_code == 302
    assert not ProgressUpdate.objects.exists()


def test_a_missing_file_on_disk_answers_404_not_500(client, task, officer_a, media_root):
    services.progress_report(task=task, reported_by=officer_a, date=date(2024, 9, 1), content="x", percent=5,
                             files=[SimpleUploadedFile("a.txt", b"hello")])
    attachment = Attachment.objects.get()
    attachment.file.delete(save=False)
    client.force_login(officer_a)
    assert client.get(reverse("tracker:attachment_download", args=[attachment.pk])).status_code == 404


def test_uploaded_files_are_not_served_as_public_media(client, task, officer_a, media_root):
    services.progress_report(task=task, reported_by=officer_a, date=date(2024, 9, 1), content="x", percent=5,
                             files=[SimpleUploadedFile("a.txt", b"hello")])
    attachment = Attachment.objects.get()
    assert client.get(attachment.file.url).status_code == 404
