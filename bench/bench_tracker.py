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

import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import harness  # noqa: E402

PAGES = [
    ("第一页（无筛选）", "/tasks/"),
    ("筛选：办理中 + 红灯", "/tasks/?status=in_progress&signal=red"),
    ("筛选：关键词", "/tasks/?q=%E6%A0%A1%E8%88%8D"),  # 校舍
    ("第 20 页", "/tasks/?page=20"),
]


def main():
    parser = harness.scale_parser(__doc__, repeat=7)
    parser.add_argument("--fresh", action="store_true", help="start from an empty SQLite file")
    args = parser.parse_args()
    harness.prepare(tasks=args.tasks, departments=args.departments, fresh=args.fresh)

    from django.test import Client

    from tracker.models import ProgressUpdate, Task, User

    print(f"进展 {ProgressUpdate.objects.count()} 条；配合单位关系 {Task.co_departments.through.objects.count()} 条")
    print(f"任务 {Task.objects.count()} 项；每页 50 项；每个页面请求 {args.repeat} 次取中位数\n")
    print(f"{'身份':<8}{'页面':<18}{'中位数(ms)':>12}{'最快(ms)':>10}{'查询数':>8}{'结果数':>9}")
    for persona, label in (("bench_sup", "督查员"), ("bench_officer", "填报员")):
        client = Client()
        client.force_login(User.objects.get(username=persona))
        for name, url in PAGES:
            median, fastest, queries, response = harness.time_page(client, url, args.repeat)
            total = re.search(r"共 (\d+) 项", response.content.decode()).group(1)
            print(f"{label:<8}{name:<18}{median:>12.1f}{fastest:>10.1f}{queries:>8}{total:>9}", flush=True)


if __name__ == "__main__":
    main()
