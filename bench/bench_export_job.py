"""Bench the large export as a job (导出任务): what the page pays, and what the worker pays.

    python bench/bench_export_job.py                  # 20,000 tasks, SQLite file under /tmp
    python bench/bench_export_job.py --size 50000
    DATABASE_URL=postgres://... python bench/bench_export_job.py

The data are bench_excel's (50 departments, 20 speeches). The page's share is the request
of /export/tasks.xlsx through the test client with a broker configured (the job is queued,
not run: apply_async is recorded); the worker's share is ``export_job_run``, which writes
the .xlsx to the default storage (a temp MEDIA_ROOT) and records its progress. Wall and CPU
seconds are printed for both (CPU excludes a PostgreSQL server's share).
"""
import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.bench_excel import django_setup, prepare  # noqa: E402


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=20000)
    parser.add_argument("--db-dir", default=tempfile.gettempdir())
    args = parser.parse_args()
    db = os.environ.get("DATABASE_URL") or f"sqlite:///{args.db_dir}/bench_excel_{args.size}.sqlite3"
    os.environ["MEDIA_ROOT"] = tempfile.mkdtemp(prefix="duban-bench-media-")
    django_setup(db)
    prepare(args.size)

    from django.conf import settings
    from django.test import Client
    from django.urls import reverse

    from tracker import jobs
    from tracker.ledger import export_jobs
    from tracker.models import ExportJob, User

    settings.ALLOWED_HOSTS = ["testserver"]
    settings.CELERY_TASK_ALWAYS_EAGER = False
    queued = []
    jobs.export_ledger.apply_async = lambda args=(), kwargs=None, **options: queued.append(args)
    ExportJob.objects.all().delete()
    client = Client()
    client.force_login(User.objects.get(username="bench_sup"))

    start, cpu = time.perf_counter(), time.process_time()
    response = client.get(reverse("tracker:export_tasks"))
    page_seconds, page_cpu = time.perf_counter() - start, time.process_time() - cpu
    assert response.status_code == 302 and queued, "the export should have become a job"
    [(pk,)] = queued


    start, cpu = time.perf_counter(), time.process_time()
    export_jobs.export_job_run(pk=pk)
    job_seconds, job_cpu = time.perf_counter() - start, time.process_time() - cpu
    job = ExportJob.objects.get(pk=pk)
    assert job.state == ExportJob.State.DONE, job.error
    size_mb = job.file.size / 1024 / 1024
    print(f"export page ({args.size} tasks, job queued): {page_seconds:.2f} s, {page_cpu:.2f} CPU s")
    print(f"export job (worker, {job.done_rows} rows to storage, {size_mb:.1f} MB): "
          f"{job_seconds:.2f} s, {job_cpu:.2f} CPU s")


if __name__ == "__main__":
    main()
