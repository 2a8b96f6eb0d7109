"""Uploaded and generated files on an S3-compatible object store, through the product's own pages.

With S3_BUCKET set, config.settings makes django-storages' S3Storage the default storage
(config.storage.s3_storage_from_env). Here that same function builds the entry for a real
S3 server on the loopback (moto's ThreadedMotoServer, HTTP on 127.0.0.1) and a fresh bucket
per test, its objects under an S3_PREFIX; the settings fixture swaps it in as STORAGES["default"], and Django's own
setting_changed receiver (django.test.signals.storages_changed) drops the cached storage
objects and empties the lazy default_storage every FileField without a storage of its own
uses, so the models' files go to the bucket too (checked in the first test).

The flows: evidence files of a progress report and of a 申请销号 step stored and downloaded
through the permission-checked view; a speech uploaded as a .docx; a ledger import
previewed, parked in the bucket and confirmed by a second client after the storage
objects were dropped (as on another app server), and the sweep of parked previews; a
large export written by its job into the bucket, downloaded and swept; a sweep of parked
previews racing another server's. Every test also
checks that nothing was written to MEDIA_ROOT: no path may fall back to the local disk.

Skipped, with the reason, where django-storages or moto is not installed (both are in
requirements.txt, so CI runs it on SQLite and on PostgreSQL).
"""
import io
import uuid
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

try:
    import boto3
    from moto.server import ThreadedMotoServer
    from storages.backends.s3 import S3Storage
except ImportError as missing:  # pragma: no cover - a clone without the test requirements
    pytest.skip(f"未安装对象存储测试所需的 django-storages[s3] 或 moto[server]（见 requirements.txt）：{missing}",
                allow_module_level=True)

from config.storage import s3_storage_from_env
from tests.conftest import SPEECH
from tests.tracker.test_export import data_rows
from tests.tracker.test_ledger_import import as_upload, export_workbook, row_of, token_of
from tests.tracker.test_ledger_import import upload as ledger_upload
from tracker.models import Attachment, ExportJob, ProgressUpdate, Task

pytestmark = pytest.mark.django_db

ACCESS_KEY, SECRET_KEY, REGION = "testing-key", "testing-secret", "us-east-1"
PREFIX = "county-a"  # S3_PREFIX: several systems may share one bucket
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PDF = b"%PDF-1.4\n1 0 obj << >> endobj\n%%EOF\n"


@pytest.fixture(scope="module")
def s3_endpoint():
    """A real S3 HTTP endpoint on a free loopback port, for the whole module."""
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


class Bucket:
    """The test's bucket, read directly with boto3 (not through Django) to see what really landed."""

    def __init__(self, endpoint, name):
        self.name = name
        self.client = boto3.client("s3", endpoint_url=endpoint, region_name=REGION,
                                   aws_access_key_id=ACCESS_KEY, aws_secret_access_key=SECRET_KEY)
        self.client.create_bucket(Bucket=name)

    def keys(self):
        """The storage names of everything in the bucket, all of them under this system's S3_PREFIX."""
        keys = [item["Key"] for item in self.client.list_objects(Bucket=self.name).get("Contents", [])]
        assert all(key.startswith(f"{PREFIX}/") for key in keys), keys
        return sorted(key.removeprefix(f"{PREFIX}/") for key in keys)

    def read(self, name):
        return self.client.get_object(Bucket=self.name, Key=f"{PREFIX}/{name}")["Body"].read()

    def put(self, name, body):
        self.client.put_object(Bucket=self.name, Key=f"{PREFIX}/{name}", Body=body)

    def delete(self, name):
        self.client.delete_object(Bucket=self.name, Key=f"{PREFIX}/{name}")


@pytest.fixture
def bucket(s3_endpoint, settings, media_root):
    """A fresh bucket made the default storage, with the configuration a server builds from S3_* variables."""
    name = f"duban-{uuid.uuid4().hex[:12]}"
    store = Bucket(s3_endpoint, name)
    settings.STORAGES = {**settings.STORAGES, "default": s3_storage_from_env({
        "S3_BUCKET": name, "S3_ENDPOINT_URL": s3_endpoint, "S3_REGION": REGION,
        "S3_ACCESS_KEY_ID": ACCESS_KEY, "S3_SECRET_ACCESS_KEY": SECRET_KEY, "S3_PREFIX": PREFIX,
    })}
    yield store
    # Nothing may have gone to the local disk instead of the bucket.
    assert not media_root.exists() or not any(media_root.rglob("*")), list(media_root.rglob("*"))


def another_server():
    """Drop the storage objects built so far, as a second app server starts with none of them."""
    from django.core.files.storage import default_storage, storages
    from django.utils.functional import empty

    storages._storages = {}
    default_storage._wrapped = empty


@pytest.fixture
def task(make_task, departments):
    return make_task(lead_department=departments["a"])


def download(client, attachment):
    response = client.get(reverse("tracker:attachment_download", args=[attachment.pk]))
    assert response.status_code == 200, response
    return b"".join(response.streaming_content)


def test_the_default_storage_and_every_file_field_use_the_bucket(bucket):
    from django.core.files.storage import default_storage

    from speeches.models import Speech, SpeechUpload

    assert isinstance(default_storage, S3Storage) and default_storage.bucket_name == bucket.name
    for model, field in [(Attachment, "file"), (ProgressUpdate, "attachment"), (ExportJob, "file"),
                         (SpeechUpload, "file"), (Speech, "original_file")]:
        storage = model._meta.get_field(field).storage
        assert isinstance(storage, S3Storage) and storage.bucket_name == bucket.name, (model, field)
    assert (default_storage.default_acl, default_storage.querystring_auth, default_storage.file_overwrite,
            default_storage.location) == ("private", True, False, PREFIX)


def test_progress_evidence_goes_to_the_bucket_and_comes_back_through_the_download_view(
        client, task, officer_a, officer_b, bucket):
    client.force_login(officer_a)
    files = [SimpleUploadedFile("现场.png", PNG), SimpleUploadedFile("说明.txt", "整改说明".encode())]
    response = client.post(reverse("tracker:progress_add", args=[task.pk]), {
        "progress-date": "2024-09-10", "progress-percent": "40", "progress-content": "已完成四成",
        "progress-files": files})
    assert response.status_code == 302
    stored = {a.name: a for a in Attachment.objects.filter(progress_update__task=task)}
    assert set(stored) == {"现场.png", "说明.txt"}
    # The objects really are in the bucket, under the generated names, and private.
    assert bucket.keys() == sorted(a.file.name for a in stored.values())
    png = stored["现场.png"]
    assert bucket.read(png.file.name) == PNG
    grants = bucket.client.get_object_acl(Bucket=bucket.name, Key=f"{PREFIX}/{png.file.name}")["Grants"]
    assert not [g for g in grants if g["Grantee"].get("URI", "").endswith("/AllUsers")]

    another_server()
    assert download(client, png) == PNG
    assert download(client, stored["说明.txt"]) == "整改说明".encode()
    # Still only through the permission check: another department's officer gets nothing.
    client.force_login(officer_b)
    assert client.get(reverse("tracker:attachment_download", args=[png.pk])).status_code == 404

    # An object gone from the bucket is a 404 with a message, not a server error.
    bucket.delete(png.file.name)
    client.force_login(officer_a)
    assert client.get(reverse("tracker:attachment_download", args=[png.pk])).status_code == 404


def test_a_closing_step_keeps_its_evidence_in_the_bucket(client, task, officer_a, supervisor, bucket):
    client.force_login(officer_a)
    assert client.post(reverse("tracker:task_transition", args=[task.pk, "accept"]), {"accept-reason": ""}
                       ).status_code == 302
    response = client.post(reverse("tracker:task_transition", args=[task.pk, "request_close"]),
                           {"request_close-reason": "全部完成", "request_close-files": [SimpleUploadedFile("验收.pdf", PDF)]})
    assert response.status_code == 302
    attachment = Attachment.objects.get(transition__isnull=False)
    assert bucket.keys() == [attachment.file.name]
    client.force_login(supervisor)
    another_server()
    assert download(client, attachment) == PDF


def test_a_speech_uploaded_as_a_docx_is_kept_in_the_bucket(client, supervisor, county, bucket):
    import docx

    from speeches.models import Speech, SpeechUpload

    document = docx.Document()
    for line in SPEECH.splitlines():
        document.add_paragraph(line)
    buffer = io.BytesIO()
    document.save(buffer)
    data = buffer.getvalue()
    file = io.BytesIO(data)
    file.name = "讲话稿.docx"
    client.force_login(supervisor)
    response = client.post(reverse("speeches:upload"), {
        "text": "", "meeting": "全县秋季开学工作会议", "speaker": "李县长", "date": "2024-08-16", "file": file})
    assert response.status_code == 302
    speech = Speech.objects.get()
    batch = SpeechUpload.objects.get()
    assert speech.items.exists() and speech.original_file.name == batch.file.name
    assert batch.file.name.startswith("speeches/") and batch.file.name.endswith(".docx")
    assert bucket.keys() == [batch.file.name]
    another_server()
    with batch.file.open("rb") as handle:
        assert handle.read() == data


def test_a_ledger_preview_parked_in_the_bucket_is_confirmed_on_another_server(
        client, officer_a, supervisor, make_task, departments, bucket, settings, monkeypatch):
    from tracker import services
    from tracker.ledger import imports

    today = timezone.localdate()
    first = make_task(title="排查校舍隐患", lead_department=departments["a"], deadline=today + timedelta(days=20),
                      status=Task.Status.IN_PROGRESS)
    services.progress_report(task=first, reported_by=supervisor, date=today, content="已排查一半学校", percent=50)
    wb = export_workbook(client, officer_a)
    ws = wb["任务清单"]
    row = row_of(ws, first)
    ws[f"K{row}"] = "已排查全部32所学校"
    ws[f"L{row}"] = 0.8

    preview = ledger_upload(client, as_upload(wb))
    assert preview.status_code == 200 and "确认导入 1 项" in preview.content.decode()
    token = token_of(preview)
    parked = f"{settings.LEDGER_IMPORT_DIR}/{officer_a.pk}-{token}.json"
    assert bucket.keys() == [parked] and imports.pending_names() == [parked]

    # The confirmation reaches another server: its own client (the same session cookie) and no storage objects.
    another_server()
    other = Client()
    other.cookies = client.cookies
    done = other.post(reverse("tracker:ledger_import"), {"action": "confirm", "token": token}, follow=True)
    assert "已导入 1 条进展" in done.content.decode()
    first.refresh_from_db()
    assert (first.progress, first.latest_progress) == (80, "已排查全部32所学校")
    assert bucket.keys() == []  # confirmed, so no longer parked

    # A preview nobody confirms is swept by its age, which the bucket reports.
    preview = ledger_upload(client, as_upload(wb))
    assert len(bucket.keys()) == 1
    imports.pending_sweep()
    assert len(bucket.keys()) == 1  # just parked: kept
    monkeypatch.setattr(imports, "PENDING_MAX_AGE", -60)  # every parked file now counts as old
    imports.pending_sweep()
    assert bucket.keys() == [] and imports.pending_names() == []


def test_a_large_export_is_written_to_the_bucket_downloaded_and_swept(
        client, officer_a, make_task, departments, bucket, settings, django_capture_on_commit_callbacks):
    from tracker.ledger import export, export_jobs

    settings.LEDGER_EXPORT_JOB_ROWS = 3
    deadline = timezone.localdate() + timedelta(days=30)
    own = [make_task(title=f"基础教育股任务{i}", lead_department=departments["a"], deadline=deadline) for i in range(4)]
    client.force_login(officer_a)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.get(reverse("tracker:export_tasks"))
    job = ExportJob.objects.get()
    assert response.status_code == 302 and job.state == ExportJob.State.DONE, job.error
    assert bucket.keys() == [job.file.name] and job.file.name.startswith("exports/")

    another_server()
    download = client.get(reverse("tracker:export_job_download", args=[job.pk]))
    assert download.status_code == 200 and download["Content-Type"] == export.XLSX_CONTENT_TYPE
    body = b"".join(download.streaming_content)
    assert body == bucket.read(job.file.name)
    serials = sorted(row[1].value for row in data_rows(load_workbook(io.BytesIO(body))["任务清单"]))
    assert serials == sorted(task.serial for task in own)

    # A file gone from the bucket (a lifecycle rule, a hand) is the page's Chinese 404, not a server error.
    bucket.delete(job.file.name)
    gone = client.get(reverse("tracker:export_job_download", args=[job.pk]))
    assert gone.status_code == 404
    bucket.put(job.file.name, body)

    assert export_jobs.export_jobs_sweep(now=timezone.now() + timedelta(days=export_jobs.EXPORT_KEEP_DAYS + 1)) == 1
    assert bucket.keys() == [] and not ExportJob.objects.exists()


def test_two_uploads_of_the_same_name_never_replace_each_other(bucket):
    """file_overwrite is off: the store gives the second file a name of its own."""
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    first = default_storage.save("progress/2024/09/same.txt", ContentFile(b"one"))
    second = default_storage.save("progress/2024/09/same.txt", ContentFile(b"two"))
    assert first != second and bucket.read(first) == b"one" and bucket.read(second) == b"two"


def test_a_report_through_the_service_stores_its_file_in_the_bucket(task, officer_a, bucket):
    """The service path (used by the admin and imports) stores through the same storage as the page."""
    from tracker import services

    services.progress_report(task=task, reported_by=officer_a, date=timezone.localdate(),
                             content="补充材料", percent=10, files=[SimpleUploadedFile("a.txt", b"hello")])
    attachment = Attachment.objects.get()
    assert bucket.read(attachment.file.name) == b"hello"


def test_a_preview_survives_another_server_sweeping_the_same_file(
        client, officer_a, make_task, departments, bucket, settings, monkeypatch):
    """Two servers sweep parked previews at once: a file one lists and the other deletes before its age
    is read is gone with a botocore error on S3 (not an OSError, as on a disk); the preview must go on."""
    make_task(title="排查校舍隐患", lead_department=departments["a"], status=Task.Status.IN_PROGRESS)
    wb = export_workbook(client, officer_a)
    someone_elses = f"{settings.LEDGER_IMPORT_DIR}/999-parked-elsewhere.json"
    bucket.put(someone_elses, b"{}")
    original = S3Storage.get_modified_time

    def swept_meanwhile(storage, name):
        bucket.delete(name)  # the other server's sweep got there first
        return original(storage, name)

    monkeypatch.setattr(S3Storage, "get_modified_time", swept_meanwhile)
    preview = ledger_upload(client, as_upload(wb))
    assert preview.status_code == 200 and token_of(preview)
    assert bucket.keys() == [f"{settings.LEDGER_IMPORT_DIR}/{officer_a.pk}-{token_of(preview)}.json"]
