"""Generate a large, realistic-looking task base for benchmarks: departments, one user
per role, tasks in every status with deadlines around today, co-departments and
progress entries. Written with bulk_create (no history rows: generation is not an
edit anybody made), so 100,000 tasks take seconds, not hours.

Reusable: ``generate(tasks=..., departments=...)`` runs inside a configured Django
(the dashboard and Excel benches call it too) and returns the users it made.
"""
from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import timedelta

from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone

from tracker import roles
from tracker.models import Department, ProgressUpdate, SerialCounter, Task, User

PASSWORD = "Bench#2024"
VERBS = ("完成", "推进", "落实", "开展", "组织", "排查", "建立", "完善")
OBJECTS = ("校舍安全隐患整改", "教师培训计划", "课后服务工作", "学前教育普惠", "食堂食品安全检查",
           "控辍保学专项行动", "义务教育均衡发展", "教育经费预算执行", "校园欺凌防治", "智慧校园建设")
STATUS_WEIGHTS = (("pending", 10), ("in_progress", 55), ("closing", 10), ("closed", 20), ("suspended", 5))


@dataclass
class BenchUsers:
    supervisor: User
    leader: User
    officer: User


def generate(*, tasks=100_000, departments=50, progress_per_task=2, seed=2024, batch=5000, log=print):
    """Create ``tasks`` tasks in ``departments`` departments; return the persona users."""
    rng = random.Random(seed)
    depts = _departments(departments)
    users = _users(depts[0])
    year = timezone.localdate().year
    start = SerialCounter.objects.filter(year=year).values_list("last", flat=True).first() or 0
    statuses = [s for s, w in STATUS_WEIGHTS for _ in range(w)]
    today = timezone.localdate()
    now = timezone.now()
    made = 0
    while made < tasks:
        size = min(batch, tasks - made)
        with transaction.atomic():
            rows = []
            for i in range(size):
                number = start + made + i + 1
                status = rng.choice(statuses)
                deadline = today + timedelta(days=rng.randint(-60, 120)) if rng.random() > 0.05 else None
                rows.append(Task(
                    serial=f"DB-{year}-{number:04d}",
                    title=f"{rng.choice(VERBS)}{rng.choice(OBJECTS)}（第{number}项）",
                    content="按照会议部署，" + rng.choice(OBJECTS) + "，确保按期完成。",
                    lead_department=rng.choice(depts),
                    deadline=deadline, original_deadline=deadline,
                    status=status,
                    progress=100 if status == "closed" else rng.randint(0, 95),
                    completed_at=now if status == "closed" else None,
                    created_by=users.supervisor,
                ))
            created = Task.objects.bulk_create(rows, batch_size=1000)
            _co_departments(created, depts, rng)
            _progress(created, users.officer, progress_per_task, rng, today)
            SerialCounter.objects.update_or_create(year=year, defaults={"last": start + made + size})
        made += size
        log(f"  已生成 {made}/{tasks} 项任务")
    return users


def _departments(count):
    existing = {d.name: d for d in Department.objects.filter(name__startswith="基准单位")}
    wanted = [f"基准单位{i:02d}" for i in range(1, count + 1)]
    Department.objects.bulk_create(
        [Department(name=name, short_name=name[-4:], order=i) for i, name in enumerate(wanted) if name not in existing]
    )
    by_name = {d.name: d for d in Department.objects.filter(name__in=wanted)}
    return [by_name[name] for name in wanted]


def _users(first_department):
    def persona(username, role, department=None):
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User(username=username, is_staff=True, department=department)
            user.set_password(PASSWORD)
            user.save()
            user.groups.add(Group.objects.get(name=role))
        return user

    return BenchUsers(
        supervisor=persona("bench_sup", roles.SUPERVISOR),
        leader=persona("bench_leader", roles.LEADER),
        officer=persona("bench_officer", roles.OFFICER, first_department),
    )


def _co_departments(tasks, depts, rng):
    through = Task.co_departments.through
    rows = []
    for task in tasks:
        if rng.random() < 0.3:
            others = [d for d in rng.sample(depts, 3) if d.pk != task.lead_department_id][: rng.randint(1, 2)]
            rows.extend(through(task_id=task.pk, department_id=d.pk) for d in others)
    through.objects.bulk_create(rows, batch_size=2000)


def _progress(tasks, reporter, per_task, rng, today):
    rows = []
    for task in tasks:
        for n in range(rng.randint(0, per_task * 2 - 1) if per_task else 0):
            rows.append(ProgressUpdate(
                task_id=task.pk, date=today - timedelta(days=rng.randint(0, 90)),
                content=f"第{n + 1}次进展：已完成阶段性工作。", percent=min(100, task.progress),
                reported_by=reporter,
            ))
    ProgressUpdate.objects.bulk_create(rows, batch_size=2000)
