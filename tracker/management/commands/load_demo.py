"""Load the demo county education system: departments, one user per role, sample
speeches and tasks in every status. Running it again changes nothing.

The sample speeches come in through the same path as an upload (``speech_import``) and
are confirmed with the review page's defaults (``speech_confirm_defaults``), so a new
user sees tasks the extractor really found; ``tasks.json`` then moves some of them
through the statuses, keyed by a word of their title.
"""
import json
from datetime import date
from pathlib import Path

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from speeches import services as speech_services
from speeches.models import Speech
from tracker import services
from tracker.models import Department, Task, TaskTransition, User

FIXTURES = Path(settings.BASE_DIR) / "fixtures"


def read_json(name):
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


class Command(BaseCommand):
    help = "载入演示数据（县教育系统的单位、用户、讲话与任务）；重复运行不会产生重复数据。"

    @transaction.atomic
    def handle(self, *args, **options):
        departments = self.load_departments()
        users = self.load_users(departments)
        created = self.load_tasks(self.load_speeches(users["duban"]), users)
        self.stdout.write(self.style.SUCCESS(
            f"演示数据已就绪：单位 {Department.objects.count()} 个，用户 {User.objects.count()} 个，"
            f"讲话 {Speech.objects.count()} 篇，任务 {Task.objects.count()} 项（本次新建 {created} 项）。"
        ))
        self.stdout.write("演示账号（用户名 / 密码 / 角色）：")
        for row in read_json("users.json"):
            self.stdout.write(f"  {row['username']} / {row['password']} / {row['role']}"
                              + (f"（{row['department']}）" if row["department"] else ""))

    def load_departments(self):
        departments = {}
        for order, row in enumerate(read_json("departments.json"), start=1):
            dept, _ = Department.objects.get_or_create(
                name=row["name"],
                defaults={"short_name": row["short_name"], "aliases": "\n".join(row["aliases"]), "order": order},
            )
            departments[dept.name] = dept
        return departments

    def load_users(self, departments):
        users = {}
        for row in read_json("users.json"):
            user = User.objects.filter(username=row["username"]).first()
            if user is None:
                user = User(
                    username=row["username"], last_name=row["last_name"], first_name=row["first_name"],
                    is_staff=row["is_staff"], department=departments.get(row["department"]),
                    email=f"{row['username']}@example.gov.cn",
                )
                user.set_password(row["password"])
                user.save()
                user.groups.add(Group.objects.get(name=row["role"]))
            users[user.username] = user
        return users

    def load_speeches(self, uploader):
        """Import each sample speech through the upload path and confirm it with the review defaults.

        Return the tasks created in this run per speech file; a speech already in the
        database (same meeting) is left alone, so a second run creates nothing.
        """
        created = {}
        for row in read_json("speeches.json"):
            if Speech.objects.filter(meeting=row["meeting"]).exists():
                continue
            upload = speech_services.speech_import(
                data=(FIXTURES / "speeches" / row["file"]).read_bytes(), filename=row["file"],
                meeting=row["meeting"], speaker=row["speaker"], date=date.fromisoformat(row["date"]),
                uploaded_by=uploader,
            )
            created[row["file"]] = [
                task
                for speech in upload.speeches.order_by("position")
                for task in speech_services.speech_confirm_defaults(speech=speech, confirmed_by=uploader)
            ]
        return created

    def load_tasks(self, created, users):
        """Move the new demo tasks through the statuses of tasks.json, with progress entries."""
        supervisor = users["duban"]
        used = set()
        for row in read_json("tasks.json"):
            tasks = created.get(row["speech"])
            if not tasks:
                continue
            task = next((t for t in tasks if row["keyword"] in t.title and t.pk not in used), None)
            if task is None:
                # The extractor may word a title differently one day: take the next free task
                # so the demo still shows every status, and say so.
                task = next((t for t in tasks if t.pk not in used), None)
                self.stderr.write(f"演示数据：未找到含“{row['keyword']}”的任务，改用下一项任务。")
                if task is None:
                    continue
            used.add(task.pk)
            reporter = User.objects.filter(department=task.lead_department_id).first() if task.lead_department_id else None
            reporter = reporter or supervisor
            for entry in row["progress"]:
                services.progress_report(
                    task=task, reported_by=reporter, date=date.fromisoformat(entry["date"]),
                    content=entry["content"], percent=entry["percent"],
                )
            demo_move(task=task, status=row["status"], reporter=reporter, supervisor=supervisor)
        return sum(len(tasks) for tasks in created.values())


# How a task gets to each status: (action, new status, who acts, reason).
# Interim: these steps stand in for the workflow service of tracker.workflow; once it
# lands, demo_move should call it so the same rules apply to the demo.
DEMO_PATHS = {
    Task.Status.PENDING: [],
    Task.Status.IN_PROGRESS: [("accept", Task.Status.IN_PROGRESS, "reporter", "已签收，按要求推进。")],
    Task.Status.CLOSING: [
        ("accept", Task.Status.IN_PROGRESS, "reporter", "已签收，按要求推进。"),
        ("request_close", Task.Status.CLOSING, "reporter", "工作已完成，申请办结。"),
    ],
    Task.Status.CLOSED: [
        ("accept", Task.Status.IN_PROGRESS, "reporter", "已签收，按要求推进。"),
        ("request_close", Task.Status.CLOSING, "reporter", "工作已完成，申请办结。"),
        ("close", Task.Status.CLOSED, "supervisor", "经核查，同意办结。"),
    ],
    Task.Status.SUSPENDED: [("suspend", Task.Status.SUSPENDED, "supervisor", "因上级统一部署调整，本项暂停实施。")],
}


def demo_move(*, task, status, reporter, supervisor):
    """Walk ``task`` to ``status`` step by step, recording each step as a TaskTransition."""
    for action, to_status, actor, reason in DEMO_PATHS[status]:
        TaskTransition.objects.create(
            task=task, action=action, from_status=task.status, to_status=to_status, reason=reason,
            by=reporter if actor == "reporter" else supervisor,
        )
        task.status = to_status
        if to_status == Task.Status.CLOSED:
            task.completed_at = timezone.now()
        task.version += 1
        task.full_clean(exclude=["co_departments"])
        task.save(update_fields=["status", "completed_at", "version", "updated_at"])
