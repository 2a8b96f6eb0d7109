"""What the page benches share: a scratch database filled with the generated tasks,
and timing a page through Django's test client.

Call ``prepare(...)`` before importing any model: it sets up Django on the scratch
database named by DATABASE_URL (default: a temporary SQLite file shared by the
benches, so the 100,000 tasks are generated once).
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
DEFAULT_SQLITE = Path(tempfile.gettempdir()) / "bench_tracker.sqlite3"


def scale_parser(doc, *, repeat=None):
    """Return the argument parser every page bench starts from: --tasks, --departments (and --repeat).

    ``doc`` is the bench's module docstring (its first line describes the bench).
    """
    parser = argparse.ArgumentParser(description=doc.splitlines()[0])
    parser.add_argument("--tasks", type=int, default=100_000)
    parser.add_argument("--departments", type=int, default=50)
    if repeat is not None:
        parser.add_argument("--repeat", type=int, default=repeat)
    return parser


def prepare(*, tasks, departments, fresh=False):
    """Set up Django on the scratch database and make sure it holds ``tasks`` generated tasks."""
    if str(REPO) not in sys.path:
        sys.path.insert(0, str(REPO))
    if "DATABASE_URL" not in os.environ:
        if fresh and DEFAULT_SQLITE.exists():
            DEFAULT_SQLITE.unlink()
        os.environ["DATABASE_URL"] = f"sqlite:///{DEFAULT_SQLITE}"
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

    from bench.generate import generate
    from tracker.models import Task

    call_command("migrate", verbosity=0)
    print(f"数据库：{connection.vendor} {connection.settings_dict['NAME']}")
    if Task.objects.count() != tasks:
        if Task.objects.exists():
            sys.exit(f"数据库中已有 {Task.objects.count()} 项任务，与 --tasks 不符：请换一个空的基准数据库。")
        started = time.perf_counter()
        generate(tasks=tasks, departments=departments, log=lambda line: print(line, flush=True))
        print(f"生成数据用时 {time.perf_counter() - started:.1f} 秒")
    with connection.cursor() as cursor:
        # Fresh planner statistics (and, on PostgreSQL, the visibility map that lets
        # COUNT use an index-only scan), as autovacuum would have done after a bulk load.
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")


def time_page(client, url, repeat):
    """Request ``url`` once to warm up, then ``repeat`` times; return (median ms, fastest ms, queries, response)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    response = client.get(url)  # warm up: session, caches, query plans
    assert response.status_code == 200, (url, response.status_code)
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        client.get(url)
        times.append((time.perf_counter() - started) * 1000)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    return statistics.median(times), min(times), len(queries), response


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


def supervisor(username):
    """Return a supervisor account named ``username`` for a bench to log in as (created once)."""
    from django.contrib.auth.models import Group

    from tracker import roles
    from tracker.models import User

    user, created = User.objects.get_or_create(username=username, defaults={"is_staff": True})
    if created:
        user.groups.add(Group.objects.get(name=roles.SUPERVISOR))
    return user
