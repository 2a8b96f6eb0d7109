"""Time the task list with 100,000 tasks in 50 departments, as a supervisor and an officer.

Usage:
  python bench/bench_tracker.py [--tasks 100000] [--repeat 7]
  DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_tracker python bench/bench_tracker.py

DATABASE_URL names a scratch database (default: a temporary SQLite file). A PostgreSQL
scratch database is created if missing; never point this at real data: it migrates the
database and adds 100,000 tasks. The data comes from bench/generate.py and is reused by
a second run when the task count already matches (--fresh drops the SQLite file first).
Each page is requested through Django's test client (full middleware, templates and
session), once to warm up and then --repeat times; the median counts.
"""
from __future__ import annotations

import argparse
import os
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

PAGES = [
    ("第一页（无筛选）", "/tasks/"),
    ("筛选：办理中 + 红灯", "/tasks/?status=in_progress&signal=red"),
    ("筛选：关键词", "/tasks/?q=%E6%A0%A1%E8%88%8D"),  # 校舍
    ("第 20 页", "/tasks/?page=20"),
]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tasks", type=int, default=100_000)
    parser.add_argument("--departments", type=int, default=50)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--fresh", action="store_true", help="start from an empty SQLite file")
    args = parser.parse_args()

    default_file = Path(tempfile.gettempdir()) / "bench_tracker.sqlite3"
    if "DATABASE_URL" not in os.environ:
        if args.fresh and default_file.exists():
            default_file.unlink()
        os.environ["DATABASE_URL"] = f"sqlite:///{default_file}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("DEBUG", "false")
    os.environ.setdefault("ALLOWED_HOSTS", "testserver")
    ensure_postgres_database(os.environ["DATABASE_URL"])

    import warnings

    import django

    warnings.filterwarnings("ignore", message="No directory at")

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

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
    from tracker.models import ProgressUpdate

    print(f"进展 {ProgressUpdate.objects.count()} 条；配合单位关系 {Task.co_departments.through.objects.count()} 条")
    with connection.cursor() as cursor:
        # Fresh planner statistics (and, on PostgreSQL, the visibility map that lets
        # COUNT use an index-only scan), as autovacuum would have done after a bulk load.
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")

    print(f"任务 {Task.objects.count()} 项；每页 50 项；每个页面请求 {args.repeat} 次取中位数\n")
    print(f"{'身份':<8}{'页面':<18}{'中位数(ms)':>12}{'最快(ms)':>10}{'查询数':>8}{'结果数':>9}")
    for persona in ("bench_sup", "bench_officer"):
        user = User.objects.get(username=persona)
        client = Client()
        client.force_login(user)
        label = "督查员" if persona == "bench_sup" else "填报员"
        for name, url in PAGES:
            response = client.get(url)  # warm up: session, caches, query plans
            assert response.status_code == 200, (url, response.status_code)
            times = []
            for _ in range(args.repeat):
                started = time.perf_counter()
                response = client.get(url)
                times.append((time.perf_counter() - started) * 1000)
            with CaptureQueriesContext(connection) as queries:
                response = client.get(url)
            total = re.search(r"共 (\d+) 项", response.content.decode()).group(1)
            print(f"{label:<8}{name:<18}{statistics.median(times):>12.1f}{min(times):>10.1f}"
                  f"{len(queries):>8}{total:>9}", flush=True)


def ensure_postgres_database(url):
    """Create the scratch PostgreSQL database if it does not exist yet."""
    if not url.startswith(("postgres://", "postgresql://")):
        return
    import dj_database_url
    import psycopg

    config = dj_database_url.parse(url)
    params = {"host": config["HOST"] or None, "port": config["PORT"] or None, "user": config["USER"] or None,
              "password": config["PASSWORD"] or None, "dbname": "postgres", "autocommit": True}
    with psycopg.connect(**{k: v for k, v in params.items() if v is not None}) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [config["NAME"]]).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{config["NAME"]}"')
            print(f"已创建基准数据库 {config['NAME']}")


if __name__ == "__main__":
    main()
