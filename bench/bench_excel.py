"""Bench the 督办台账 export (10,000 and 100,000 tasks) and import (10,000 rows).

    python bench/bench_excel.py                 # SQLite files under /tmp
    DATABASE_URL=postgres://... python bench/bench_excel.py --sizes 10000

Each measurement runs in a fresh subprocess, so its peak memory (VmHWM from
/proc/self/status) is its own: the data is generated in one process (bulk_create, 50
departments), the export runs in another, whose peak is compared with its resident
size just before exporting. Aim: 100,000 rows in under 20 s, peak under 150 MB, and
memory that does not grow with the number of rows.

Wall time alone misleads on a shared machine, so each step also reports the CPU
seconds its process spent (time.process_time). With SQLite that includes the
database's work; with PostgreSQL the server's share is not in it. ``--db-dir`` keeps
the SQLite files apart from anyone else benching on the same machine.
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DEPARTMENTS = 50


def proc_status_kb(field):
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return 0


def django_setup(db_url):
    sys.path.insert(0, str(REPO))
    os.environ["DATABASE_URL"] = db_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()


def prepare(size):
    """Fill the database with ``size`` tasks over 50 departments (unless it already has them)."""
    import random
    from datetime import timedelta

    from django.core.management import call_command
    from django.utils import timezone

    call_command("migrate", verbosity=0)
    from speeches.models import Speech
    from tracker.models import Department, ProgressUpdate, Task, User

    if Task.objects.count() == size and not ProgressUpdate.objects.exists():
        return  # already prepared, and no import bench has rewritten it
    ProgressUpdate.objects.all().delete()
    Task.co_departments.through.objects.all().delete()
    Task.objects.all().delete()
    random.seed(size)
    departments = [Department.objects.get_or_create(name=f"县直单位{i:02d}局", defaults={"order": i})[0]
                   for i in range(1, DEPARTMENTS + 1)]
    speeches = [Speech.objects.get_or_create(title=f"在全县第{i}次工作会议上的讲话",
                                             defaults={"meeting": f"全县第{i}次工作会议", "text": "讲话全文"})[0]
                for i in range(1, 21)]
    User.objects.get_or_create(username="bench_sup", defaults={"is_superuser": True, "is_staff": True})
    today = timezone.localdate()
    statuses = ["pending", "in_progress", "in_progress", "closing", "closed", "suspended"]
    batch = []
    for i in range(size):
        status = random.choice(statuses)
        deadline = today + timedelta(days=random.randint(-60, 180))
        batch.append(Task(
            serial=f"DB-2024-{i + 1:06d}",
            title=f"第{i + 1}项：抓好校园安全隐患排查整治，建立问题清单和整改台账，确保按期销号",
            content="各学校要对校舍、消防、食堂、交通等开展拉网式排查，发现问题立行立改。" * random.randint(0, 2),
            category=random.choice(["deploy", "rectify"]),
            speech=random.choice(speeches),
            lead_department=random.choice(departments),
            responsible_person=random.choice(["张三", "李四", "王五", ""]),
            deadline=deadline,
            original_deadline=deadline if random.random() > 0.1 else deadline - timedelta(days=30),
            status=status,
            completed_at=timezone.now() if status == "closed" else None,
            progress=random.randint(0, 100),
            latest_progress=random.choice(["", "已召开专题会议部署，正在逐校排查。", "=已完成80%，剩余问题正在整改"]),
            note=random.choice(["", "", "县领导已批示"]),
        ))
        if len(batch) == 5000:
            Task.objects.bulk_create(batch)
            batch = []
    Task.objects.bulk_create(batch)
    through = Task.co_departments.through
    links = []
    for task_id in Task.objects.values_list("pk", flat=True).iterator(chunk_size=5000):
        if random.random() < 0.4:
            for dept in random.sample(departments, 2):
                links.append(through(task_id=task_id, department_id=dept.pk))
        if len(links) >= 5000:
            through.objects.bulk_create(links, ignore_conflicts=True)
            links = []
    through.objects.bulk_create(links, ignore_conflicts=True)


def bench_export(size):
    from tracker import lights, selectors
    from tracker.ledger import export
    from tracker.models import User

    user = User.objects.get(username="bench_sup")
    tasks = lights.annotate_signal(selectors.task_list(user=user))
    baseline = proc_status_kb("VmRSS")
    with tempfile.TemporaryFile() as target:
        start, cpu_start = time.perf_counter(), time.process_time()
        result = export.ledger_write(tasks=tasks, target=target)
        seconds, cpu = time.perf_counter() - start, time.process_time() - cpu_start
        target.seek(0, os.SEEK_END)
        file_bytes = target.tell()
    return {"rows": result.count, "seconds": seconds, "cpu": cpu, "baseline_mb": baseline / 1024,
            "peak_mb": proc_status_kb("VmHWM") / 1024, "file_mb": file_bytes / 1024 / 1024}


def bench_import(size):
    """Export everything, fill 最新进展/完成率 in every row, preview and confirm: time each step."""
    import io

    from django.conf import settings
    from openpyxl import load_workbook

    from tracker import lights, selectors
    from tracker.ledger import export, imports, services
    from tracker.models import ProgressUpdate, Task, User

    # Any size can be measured: the product's caps would refuse a ledger past 10,000 rows.
    settings.LEDGER_IMPORT_MAX_ROWS = max(settings.LEDGER_IMPORT_MAX_ROWS, size)
    settings.LEDGER_IMPORT_MAX_BYTES = max(settings.LEDGER_IMPORT_MAX_BYTES, size * 2048)
    settings.LEDGER_IMPORT_MAX_UNCOMPRESSED = max(settings.LEDGER_IMPORT_MAX_UNCOMPRESSED, size * 8192)

    user = User.objects.get(username="bench_sup")
    Task.objects.filter(status__in=["closed", "suspended"]).update(status="in_progress", completed_at=None)
    tasks = lights.annotate_signal(selectors.task_list(user=user))
    buffer = io.BytesIO()
    export.ledger_write(tasks=tasks, target=buffer)
    wb = load_workbook(io.BytesIO(buffer.getvalue()))
    ws = wb["任务清单"]
    for row in ws.iter_rows(min_row=4):
        if row[15].value is None:
            continue  # a group heading, not a task
        row[10].value = "批量导入：已完成阶段性工作"
        row[11].value = 0.66
    out = io.BytesIO()
    wb.save(out)
    data = out.getvalue()
    del wb, ws

    start, cpu_start = time.perf_counter(), time.process_time()
    verdict = imports.ledger_preview(user=user, data=data)
    preview_seconds, preview_cpu = time.perf_counter() - start, time.process_time() - cpu_start
    start, cpu_start = time.perf_counter(), time.process_time()
    outcome = services.progress_import(user=user, changes=verdict.changes)
    confirm_seconds, confirm_cpu = time.perf_counter() - start, time.process_time() - cpu_start
    assert not outcome.errors, outcome.errors[:3]
    written = ProgressUpdate.objects.count()
    return {"rows": len(verdict.changes), "errors": len(verdict.errors), "written": written,
            "file_mb": len(data) / 1024 / 1024, "preview_seconds": preview_seconds,
            "confirm_seconds": confirm_seconds, "preview_cpu": preview_cpu, "confirm_cpu": confirm_cpu,
            "peak_mb": proc_status_kb("VmHWM") / 1024}


def child(args):
    django_setup(args.db)
    if args.child == "prepare":
        prepare(args.size)
        result = {}
    elif args.child == "export":
        result = bench_export(args.size)
    else:
        result = bench_import(args.size)
    print(json.dumps(result))


def run_child(kind, size, db):
    output = subprocess.run(
        [sys.executable, __file__, "--child", kind, "--size", str(size), "--db", db],
        check=True, capture_output=True, text=True,
    ).stdout
    return json.loads(output.strip().splitlines()[-1])


def db_for(size, db_dir):
    url = os.environ.get("DATABASE_URL")
    if url:
        return url
    return f"sqlite:///{db_dir}/bench_excel_{size}.sqlite3"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--import-size", type=int, default=10000)
    parser.add_argument("--child")
    parser.add_argument("--size", type=int)
    parser.add_argument("--db")
    parser.add_argument("--db-dir", default=tempfile.gettempdir(), help="where the SQLite bench files live")
    args = parser.parse_args()
    if args.child:
        return child(args)

    print(f"{'tasks':>8} {'export s':>9} {'CPU s':>7} {'rows/s':>8} {'RSS before MB':>14} {'peak MB':>8} {'growth MB':>9} {'file MB':>8}")
    for size in [int(s) for s in args.sizes.split(",")]:
        db = db_for(size, args.db_dir)
        run_child("prepare", size, db)
        r = run_child("export", size, db)
        print(f"{r['rows']:>8} {r['seconds']:>9.1f} {r['cpu']:>7.1f} {r['rows'] / r['seconds']:>8.0f} {r['baseline_mb']:>14.1f}"
              f" {r['peak_mb']:>8.1f} {r['peak_mb'] - r['baseline_mb']:>9.1f} {r['file_mb']:>8.1f}")

    size = args.import_size
    db = db_for(size, args.db_dir)
    run_child("prepare", size, db)
    r = run_child("import", size, db)
    print(f"\nimport {r['rows']} rows ({r['file_mb']:.1f} MB file): preview (read + check) {r['preview_seconds']:.1f} s"
          f" (CPU {r['preview_cpu']:.1f} s), confirm (write {r['written']} progress entries)"
          f" {r['confirm_seconds']:.1f} s (CPU {r['confirm_cpu']:.1f} s), peak {r['peak_mb']:.0f} MB")


if __name__ == "__main__":
    main()
