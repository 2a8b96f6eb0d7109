"""Time the 关键词 search at 100,000 or 300,000 tasks: the bigram index against reading the table.

Usage:
  python bench/bench_search.py [--tasks 100000] [--repeat 7]

DATABASE_URL names a scratch PostgreSQL database (default: bench_load, or bench_load_<N>
for another --tasks: the same databases as bench_load.py), filled by bench/generate.py
once; never point it at real data. For each keyword the supervisor's task list query
is run as the list page runs it (the COUNT of 共 N 项, then the first 50 rows), once
through ``search.keyword_filter`` (the index) and once with the plain ``icontains``
condition (what the search did before), without any cache; the median of --repeat
runs counts. The database's time is most of it, so wall times are printed.
"""
from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import harness  # noqa: E402

KEYWORDS = ["第12345项", "DB-2026-0999", "校舍", "食堂食品安全", "排查", "校"]


def main():
    parser = harness.scale_parser(__doc__, repeat=7)
    args = parser.parse_args()
    suffix = "" if args.tasks == 100_000 else f"_{args.tasks}"
    os.environ.setdefault("DATABASE_URL", f"postgres://postgres@127.0.0.1:5432/bench_load{suffix}")
    harness.prepare(tasks=args.tasks, departments=args.departments)

    from tracker import lights, search, selectors
    from tracker.models import User

    user = User.objects.get(username="bench_sup")
    visible = lights.annotate_signal(selectors.task_list(user=user))

    def run(filtered):
        started = time.perf_counter()
        total = filtered.count()
        list(filtered[:50])
        return (time.perf_counter() - started) * 1000, total

    def timed(filtered):
        run(filtered)
        times = [run(filtered)[0] for _ in range(args.repeat)]
        return statistics.median(times), run(filtered)[1]

    print(f"任务 {args.tasks} 项；COUNT + 第一页 50 项，{args.repeat} 次取中位数（毫秒）\n")
    print(f"{'关键词':<16}{'结果数':>8}{'逐行扫描':>10}{'二元索引':>10}")
    for keyword in KEYWORDS:
        indexed, total = timed(search.keyword_filter(visible, keyword))
        plain, plain_total = timed(visible.filter(search.contains_q(keyword)))
        assert total == plain_total, (keyword, total, plain_total)
        print(f"{keyword:<16}{total:>8}{plain:>10.1f}{indexed:>10.1f}", flush=True)


if __name__ == "__main__":
    main()
