"""导出任务: a ledger of LEDGER_EXPORT_JOB_ROWS tasks or more is written by a background job and downloaded later.

The jobs run eagerly here (no broker), after commit: the tests let the commit callbacks run.
The threshold is lowered so a handful of tasks stands for 20,000.
"""
import io
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from tests.tracker.test_export import data_rows
from tracker.ledger import export, export_jobs
from tracker.models import ExportJob

pytestmark = pytest.mark.django_db


@pytest.fixture
def tasks(make_task, departments):
    deadline = timezone.localdate() + timedelta(days=30)
    own = [make_task(title=f"基础教育股任务{i}", lead_department=departments["a"], deadline=deadline) for i in range(4)]
    foreign = make_task(title="财政局独办的任务", lead_department=departments["b"], deadline=deadline)
    return own, foreign


@pytest.fixture
def job_rows(settings):
    settings.LEDGER_EXPORT_JOB_ROWS = 3
    return 3


def start(client, user, query="", capture=None):
    client.force_login(user)
    with capture(execute=True):
        response = client.get(reverse("tracker:export_tasks") + query)
    return response


def test_a_large_export_becomes_a_job_that_offers_the_file_when_ready(
        client, officer_a, tasks, job_rows, django_capture_on_commit_callbacks):
    own, foreign = tasks
    response = start(client, officer_a, capture=django_capture_on_commit_callbacks)
    job = ExportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("tracker:export_job", args=[job.pk])
    assert job.requested_by == officer_a and job.total == 4
    assert job.state == ExportJob.State.DONE and job.done_rows == 4 and job.percent == 100

    page = client.get(response["Location"]).content.decode()
    assert "已完成" in page and reverse("tracker:export_job_download", args=[job.pk]) in page
    assert 'http-equiv="refresh"' not in page  # a finished job's page stops reloading

    download = client.get(reverse("tracker:export_job_download", args=[job.pk]))
    assert download.status_code == 200
    assert download["Content-Type"] == export.XLSX_CONTENT_TYPE
    workbook = load_workbook(io.BytesIO(b"".join(download.streaming_content)))
    serials = sorted(row[1].value for row in data_rows(workbook["任务清单"]))
    # The tasks as the requester sees them: A's four, never B's own task.
    assert serials == sorted(task.serial for task in own)
    assert foreign.serial not in serials


def test_the_job_keeps_the_filters_and_layout_of_the_request(
        client, supervisor, tasks, job_rows, departments, django_capture_on_commit_callbacks):
    own, _ = tasks
    start(client, supervisor, f"?lead_department={departments['a'].pk}&group=department",
          capture=django_capture_on_commit_callbacks)
    job = ExportJob.objects.get()
    assert job.state == ExportJob.State.DONE, job.error
    with job.file.open("rb") as handle:
        ws = load_workbook(io.BytesIO(handle.read()))["任务清单"]
    assert sorted(row[1].value for row in data_rows(ws)) == sorted(task.serial for task in own)


def test_a_small_export_is_still_sent_at_once(client, officer_a, tasks, settings):
    settings.LEDGER_EXPORT_JOB_ROWS = 5  # A's officer sees 4 tasks
    client.force_login(officer_a)
    response = client.get(reverse("tracker:export_tasks"))
    assert response.status_code == 200 and response["Content-Type"] == export.XLSX_CONTENT_TYPE
    assert not ExportJob.objects.exists()


def test_a_queued_job_page_shows_progress_and_reloads_itself_without_scripts(client, officer_a, tasks, job_rows):
    client.force_login(officer_a)
    # No commit callbacks run: the job stays queued, as while a worker is busy.
    response = client.get(reverse("tracker:export_tasks"))
    job = ExportJob.objects.get()
    assert job.state == ExportJob.State.QUEUED
    ExportJob.objects.filter(pk=job.pk).update(state=ExportJob.State.RUNNING, done_rows=2)
    page = client.get(response["Location"]).content.decode()
    assert '<meta http-equiv="refresh" content="3">' in page
    assert 'value="50"' in page and "生成中" in page
    assert "<script>" not in page
    # The download waits for the file.
    assert client.get(reverse("tracker:export_job_download", args=[job.pk]))["Location"] == response["Location"]


def test_a_double_click_does_not_start_a_second_job(client, officer_a, tasks, job_rows):
    client.force_login(officer_a)
    first = client.get(reverse("tracker:export_tasks"))
    second = client.get(reverse("tracker:export_tasks"))
    assert first["Location"] == second["Location"]
    assert ExportJob.objects.count() == 1
    # Other filters are another export.
    client.get(reverse("tracker:export_tasks") + "?group=department")
    assert ExportJob.objects.count() == 2


def test_a_finished_job_is_not_run_again(client, officer_a, tasks, job_rows, django_capture_on_commit_callbacks):
    start(client, officer_a, capture=django_capture_on_commit_callbacks)
    job = ExportJob.objects.get()
    name = job.file.name
    export_jobs.export_job_run(pk=job.pk)  # the broker delivers it again
    job.refresh_from_db()
    assert job.state == ExportJob.State.DONE and job.file.name == name


def test_a_failing_job_tells_the_requester_in_chinese(client, officer_a, tasks, job_rows, monkeypatch,
                                                      django_capture_on_commit_callbacks):
    def broken(**kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(export, "ledger_write", broken)
    response = start(client, officer_a, capture=django_capture_on_commit_callbacks)
    job = ExportJob.objects.get()
    assert job.state == ExportJob.State.FAILED and not job.file
    page = client.get(response["Location"]).content.decode()
    assert "生成台账时出错" in page and 'http-equiv="refresh"' not in page


def test_old_jobs_and_their_files_are_swept(client, officer_a, tasks, job_rows, django_capture_on_commit_callbacks):
    start(client, officer_a, capture=django_capture_on_commit_callbacks)
    job = ExportJob.objects.get()
    storage, name = job.file.storage, job.file.name
    assert storage.exists(name)
    assert export_jobs.export_jobs_sweep() == 0
    assert export_jobs.export_jobs_sweep(now=timezone.now() + timedelta(days=export_jobs.EXPORT_KEEP_DAYS + 1)) == 1
    assert not ExportJob.objects.exists() and not storage.exists(name)


def test_progress_is_reported_every_thousand_rows():
    seen = []
    rows = list(export._counted(iter(range(2500)), seen.append))
    assert rows == list(range(2500)) and seen == [1000, 2000]
