"""Load the demo county education system: departments, one user per role, sample
speeches and tasks in every status. Running it again changes nothing."""
import json
from datetime import date
from pathlib import Path

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from speeches.models import Speech
from tracker import services
from tracker.models import Department, ProgressUpdate, Task, User

FIXTURES = Path(settings.BASE_DIR) / "fixtures"


def read_json(name):
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


class Command(BaseCommand):
    help = "载入演示数据（县教育系统的单位、用户、讲话与任务）；重复运行不会产生重复数据。"

    @transaction.atomic
    def handle(self, *args, **options):
        departments = self.load_departments()
        users = self.load_users(departments)
        speeches = self.load_speeches(users["duban"])
        created = self.load_tasks(departments, speeches, users)
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
        speeches = {}
        for row in read_json("speeches.json"):
            text = (FIXTURES / "speeches" / row["file"]).read_text(encoding="utf-8")
            title = text.strip().splitlines()[0].strip()
            speech, _ = Speech.objects.get_or_create(
                title=title, meeting=row["meeting"],
                defaults={"speaker": row["speaker"], "date": date.fromisoformat(row["date"]),
                          "text": text, "uploaded_by": uploader},
            )
            speeches[row["file"]] = speech
        return speeches

    def load_tasks(self, departments, speeches, users):
        created = 0
        supervisor = users["duban"]
        for row in read_json("tasks.json"):
            speech = speeches[row["speech"]]
            if Task.objects.filter(speech=speech, title=row["title"]).exists():
                continue
            lead = departments[row["lead"]]
            # Progress is reported while a task is open; the final status comes after it.
            opening = row["status"] if row["status"] in (Task.Status.PENDING, Task.Status.IN_PROGRESS) \
                else Task.Status.IN_PROGRESS
            task = services.task_create(
                created_by=supervisor, title=row["title"], speech=speech, category=row["category"],
                lead_department=lead, co_departments=[departments[name] for name in row["co"]],
                deadline=date.fromisoformat(row["deadline"]), deadline_text=row["deadline_text"],
                status=opening,
            )
            reporter = User.objects.filter(department=lead).first() or supervisor
            for entry in row["progress"]:
                services.progress_report(
                    task=task, reported_by=reporter, date=date.fromisoformat(entry["date"]),
                    content=entry["content"], percent=entry["percent"],
                )
            if row["status"] != opening:
                task.status = row["status"]
                services.task_update(task=task, expected_version=task.version, changed_by=supervisor,
                                     reason="演示数据：载入时的状态")
            created += 1
        return created
