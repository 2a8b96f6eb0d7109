"""Time an officer's visibility filter with 100,000 tasks: the COUNT every list page runs.

Usage:
  DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_tracker python bench/bench_visibility.py [--repeat 21]

Compares the filter as it was (``lead = d OR pk IN (d's co-tasks)``, kept here only as
the baseline) with ``permissions.task_visibility_q`` (``pk IN (led UNION assisted)`` over
the unit's subtree), for the officer's unit alone and then with three units placed
under it (inside a transaction that is rolled back). Prints the median and fastest
COUNT in ms, the CPU seconds of the process, and the plan of each (EXPLAIN).
"""
from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import harness  # noqa: E402


def timed(query, repeat):
    query()  # warm up
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        result = query()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times), min(times), result


def main():
    parser = harness.scale_parser(__doc__, repeat=21)
    args = parser.parse_args()
    harness.prepare(tasks=args.tasks, departments=args.departments)

    from django.db import connection, transaction
    from django.db.models import Q

    from tracker import permissions
    from tracker.models import Department, Task, User

    def old_q(user):
        """The filter before the tree (issue 17's baseline): one OR over two lookups."""
        co = Task.co_departments.through.objects.filter(department_id=user.department_id).values("task_id")
        return Q(lead_department_id=user.department_id) | Q(pk__in=co)

    def fresh_officer():
        return User.objects.get(username="bench_officer")

    def report(label, q):
        qs = Task.objects.filter(q)
        median, fastest, count = timed(qs.count, args.repeat)
        print(f"{label:<34}{median:>10.1f}{fastest:>10.1f}{count:>9}", flush=True)
        return qs

    def count_plan(qs):
        """The plan of the COUNT exactly as Django sends it."""
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as queries:
            qs.count()
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN " + queries.captured_queries[-1]["sql"])
            return "\n".join(row[0] for row in cursor.fetchall())

    cpu = time.process_time()
    print(f"\n{'COUNT（填报员）':<34}{'中位数ms':>10}{'最快ms':>10}{'任务数':>9}")
    officer = fresh_officer()
    before = report("改前：lead = d OR pk IN (配合)", old_q(officer))
    after = report("改后：pk IN (牵头 UNION 配合)", permissions.task_visibility_q(fresh_officer()))
    with transaction.atomic():
        below = list(Department.objects.exclude(pk=officer.department_id).order_by("pk")[:3])
        Department.objects.filter(pk__in=[d.pk for d in below]).update(parent_id=officer.department_id)
        tree_after = report("改后，本单位下有 3 个下级单位", permissions.task_visibility_q(fresh_officer()))
        plan_tree = count_plan(tree_after) if connection.vendor == "postgresql" else ""
        transaction.set_rollback(True)
    print(f"CPU 用时 {time.process_time() - cpu:.2f} 秒")
    if connection.vendor == "postgresql":
        for label, qs in (("改前", before), ("改后", after)):
            print(f"\nEXPLAIN COUNT {label}:\n{count_plan(qs)}")
        print(f"\nEXPLAIN COUNT 改后（含下级单位）:\n{plan_tree}")


if __name__ == "__main__":
    main()
