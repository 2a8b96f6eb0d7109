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

import sys
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import harness  # noqa: E402

PAGES = [
    ("看板（无筛选）", "/dashboard/"),
    ("筛选：整改任务", "/dashboard/?category=rectify"),
    ("筛选：时限区间", "/dashboard/?deadline_after={start}&deadline_before={end}"),
]
PERSONAS = [("督查员", "bench_sup"), ("领导", "bench_leader"), ("填报员", "bench_officer")]


def main():
    parser = harness.scale_parser(__doc__, repeat=7)
    args = parser.parse_args()
    harness.prepare(tasks=args.tasks, departments=args.departments)

    from django.test import Client
    from django.utils import timezone

    from tracker.models import Task, User

    today = timezone.localdate()
    window = {"start": (today - timedelta(days=30)).isoformat(), "end": (today + timedelta(days=30)).isoformat()}
    print(f"任务 {Task.objects.count()} 项；每个页面请求 {args.repeat} 次取中位数\n")
    print(f"{'身份':<8}{'页面':<16}{'中位数(ms)':>12}{'最快(ms)':>10}{'查询数':>8}")
    for label, username in PERSONAS:
        client = Client()
        client.force_login(User.objects.get(username=username))
        for name, url in PAGES:
            median, fastest, queries, _ = harness.time_page(client, url.format(**window), args.repeat)
            print(f"{label:<8}{name:<16}{median:>12.1f}{fastest:>10.1f}{queries:>8}", flush=True)


if __name__ == "__main__":
    main()
