"""Time the dashboard (/dashboard/) with 100,000 tasks in 50 departments, per role, with its query count.

Usage:
  python bench/bench_dashboard.py [--tasks 100000] [--repeat 7]
  DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_dashboard python bench/bench_dashboard.py

DATABASE_URL names a scratch database (default: a temporary SQLite file, shared with
bench_tracker.py so the 100,000 tasks are generated once). It is migrated and filled by
bench/generate.py; never point it at real data. Each page goes through Django's test
client (middleware, templates, session): once to warm up, then --repeat times; the
median counts. The aim is under 300 ms on PostgreSQL, whatever the number of tasks.
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

PAGES = [
    ("看板（无筛选）", "/dashboard/"),
    ("筛选：整改任务", "/dashboard/?category=rectify"),
    ("筛选：时限区间", "/dashboard/?deadline_after={start}&deadline_before={end}"),
]
PERSONAS = [("督查员", "bench_sup"), ("领导", "bench_leader"), ("填报员", "bench_officer")]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tasks", type=int, default=100_000)
    parser.add_argument("--departments", type=int, default=50)
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()

    if "DATABASE_URL" not in os.environ:
        os.environ["DATABASE_URL"] = f"sqlite:///{Path(tempfile.gettempdir()) / 'bench_tracker.sqlite3'}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("DEBUG", "false")
    os.environ.setdefault("ALLOWED_HOSTS", "testserver")

    from bench.bench_tracker import ensure_postgres_database

    ensure_postgres_database(os.environ["DATABASE_URL"])

    import warnings

    import django

    warnings.filterwarnings("ignore", message="No directory at")
    django.setup()
    from datetime import timedelta

    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from bench.generate import generate
    from tracker.models import Task, User

    call_command("migrate", verbosity=0)
    print(f"数据库：{connection.vendor} {connection.settings_dict['NAME']}")
    if Task.objects.count() != args.tasks:
        if Task.objects.exists():
            sys.exit(f"数据库中已有 {Task.objects.count()} 项任务，与 --tasks 不符：请换一个空的基准数据库。")
        started = time.perf_counter()
        generate(tasks=args.tasks, departments=args.departments, log=lambda line: print(line, flush=True))
        print(f"生成数据用时 {time.perf_counter() - started:.1f} 秒")
    with connection.cursor() as cursor:
        # Fresh planner statistics and, on PostgreSQL, the visibility map for index-only
        # scans, as autovacuum would have left them after a bulk load.
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")

    today = timezone.localdate()
    window = {"start": (today - timedelta(days=30)).isoformat(), "end": (today + timedelta(days=30)).isoformat()}
    print(f"任务 {Task.objects.count()} 项；每个页面请求 {args.repeat} 次取中位数\n")
    print(f"{'身份':<8}{'页面':<16}{'中位数(ms)':>12}{'最快(ms)':>10}{'查询数':>8}")
    for label, username in PERSONAS:
        client = Client()
        client.force_login(User.objects.get(username=username))
        for name, url in PAGES:
            url = url.format(**window)
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)
            times = []
            for _ in range(args.repeat):
                started = time.perf_counter()
                client.get(url)
                times.append((time.perf_counter() - started) * 1000)
            with CaptureQueriesContext(connection) as queries:
                client.get(url)
            print(f"{label:<8}{name:<16}{statistics.median(times):>12.1f}{min(times):>10.1f}{len(queries):>8}",
                  flush=True)


if __name__ == "__main__":
    main()
