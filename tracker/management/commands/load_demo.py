"""Load the demo county education system: departments, one user per role, sample
speeches and tasks in every status. Running it again changes nothing.

The sample speeches come in through the same path as an upload (``speech_import``) and
are confirmed with the review page's defaults (``speech_confirm_defaults``), so a new
user sees tasks the extractor really found; ``tasks.json`` then moves some of them
through the statuses, keyed by a word of their title.

The fixtures are dated as if today were ``FIXTURE_TODAY``, after every dated event in them;
every date is moved by the same whole number of years, to the latest year in which
FIXTURE_TODAY is not after today. Whole years keep the 秋季 speech in autumn and the 春季
one in spring and put nothing in the future; the demo is at most a year behind today.
The workflow steps and progress entries are then dated into that story (``demo_backdate``):
签收 before the first progress entry, 申请办结 after the last, 销号 a few days later.

The 春季 speech repeats a directive of the 秋季 one (再次强调从严抓好校园安全): confirmed with
the defaults, it is linked to the open 秋季 task as a repeated instruction instead of becoming
a second task. One pending task is refused by its department (退回（不属于本单位）) and waits
in the supervisor's 待指派.
"""
import json
from datetime import date, datetime, time, timedelta
from pathlib import Path

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from speeches import services as speech_services
from speeches.models import Speech
from tracker import roles, services, workflow
from tracker.models import Department, ProgressUpdate, Task, TaskTransition, User

FIXTURES = Path(settings.BASE_DIR) / "fixtures"
FIXTURE_TODAY = date(2025, 4, 30)


def demo_years(today=None):
    """Return the whole years that move FIXTURE_TODAY to its latest anniversary not after ``today``."""
    today = today or timezone.localdate()
    years = today.year - FIXTURE_TODAY.year
    return years - 1 if (today.month, today.day) < (FIXTURE_TODAY.month, FIXTURE_TODAY.day) else years


def demo_date(text, today=None):
    """Return the fixture date ``text`` moved by ``demo_years`` (29 February becomes the 28th)."""
    day = date.fromisoformat(text)
    year = day.year + demo_years(today)
    try:
        return day.replace(year=year)
    except ValueError:
        return day.replace(year=year, day=28)


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
            dept = Department.objects.filter(name=row["name"]).first()
            if dept is None:
                dept = Department(name=row["name"], short_name=row["short_name"],
                                  aliases="\n".join(row["aliases"]), order=order)
                try:
                    dept.full_clean()
                except ValidationError as error:
                    # Inside the command's transaction: nothing loaded so far is kept.
                    raise CommandError(f"departments.json 第 {order} 个单位有误：{'；'.join(error.messages)}") from None
                dept.save()
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
                meeting=row["meeting"], speaker=row["speaker"], date=demo_date(row["date"]),
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
        for speech_id, day in {(t.speech_id, t.speech.date) for tasks in created.values() for t in tasks if t.speech_id}:
            # 督查室 confirms the tasks the day after the meeting, not when the demo is loaded.
            Task.objects.filter(speech_id=speech_id).update(created_at=demo_moment(day + timedelta(days=1), 8))
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
            demo_move(task=task, status=row["status"], progress=row["progress"],
                      officer=lead_officer(task), supervisor=supervisor)
            demo_backdate(task)
        demo_refusal([t for tasks in created.values() for t in tasks if t.pk not in used])
        return sum(len(tasks) for tasks in created.values())


# The closed-loop steps (tracker.workflow actions) that bring a new task to each status,
# with the reason each step records.
DEMO_PATHS = {
    Task.Status.PENDING: [],
    Task.Status.IN_PROGRESS: [("accept", "已签收，按要求推进。")],
    Task.Status.CLOSING: [("accept", "已签收，按要求推进。"), ("request_close", "工作已完成，申请办结。")],
    Task.Status.CLOSED: [
        ("accept", "已签收，按要求推进。"), ("request_close", "工作已完成，申请办结。"), ("close", "经核查，同意销号。"),
    ],
    Task.Status.SUSPENDED: [("suspend", "因上级统一部署调整，本项暂停实施。")],
}


def lead_officer(task):
    """A department officer of the task's lead department, who may accept it and report it done."""
    if task.lead_department_id is None:
        return None
    return User.objects.filter(department_id=task.lead_department_id, groups__name=roles.OFFICER).first()


def demo_move(*, task, status, progress, officer, supervisor):
    """Bring ``task`` to ``status`` through the workflow service, reporting ``progress`` on the way.

    Accepting and asking to close are the lead department officer's steps; the demo has
    officers for three departments only. A task led by another department gets its
    status set through ``task_update`` instead (recorded in its history, without
    TaskTransition rows), so the demo still shows tasks of every department moving.
    """
    steps = DEMO_PATHS[status]
    needs_officer = any(workflow.get(action).performer == workflow.BY_LEAD_OFFICER for action, _ in steps)
    if needs_officer and officer is None:
        _report(task, progress, supervisor)
        task.status = status
        services.task_update(task=task, expected_version=task.version, changed_by=supervisor,
                             reason="演示数据：载入时的状态")
        return
    if steps and steps[0][0] == "accept":
        services.task_transition(task=task, action="accept", by=officer, reason=steps[0][1])
        steps = steps[1:]
    _report(task, progress, officer or supervisor)
    for action, reason in steps:
        actor = officer if workflow.get(action).performer == workflow.BY_LEAD_OFFICER else supervisor
        services.task_transition(task=task, action=action, by=actor, reason=reason)


def _report(task, progress, reporter):
    for entry in progress:
        services.progress_report(
            task=task, reported_by=reporter, date=demo_date(entry["date"]),
            content=entry["content"], percent=entry["percent"],
        )


DEMO_REFUSAL = "经核实，该项工作不在本单位职责范围内，请督查室另行指派。"


def demo_refusal(tasks):
    """Let the first pending task of ``tasks`` whose department has an officer be refused by it (it waits in 待指派)."""
    for task in tasks:
        task.refresh_from_db()
        officer = lead_officer(task)
        if task.status == Task.Status.PENDING and officer is not None:
            services.task_transition(task=task, action="decline", by=officer, reason=DEMO_REFUSAL)
            day = task.speech.date + timedelta(days=3) if task.speech_id else timezone.localdate()
            task.transitions.filter(action="decline").update(at=demo_moment(day, 15))
            return task
    return None


def demo_moment(day, hour):
    """Return ``day`` at ``hour`` o'clock, local time, and never after today."""
    return timezone.make_aware(datetime.combine(min(day, timezone.localdate()), time(hour)))


def demo_backdate(task):
    """Date the steps just recorded into the fixture's story instead of the moment of loading.

    签收 two days after the speech (and no later than the first progress entry), each
    progress entry on its own date, 申请办结 or 中止 on the last entry's date, 销号 three days
    later, never after today. The record is append-only for users; the loader writes it once.
    """
    at = demo_moment
    entries = list(task.progress_updates.order_by("date", "pk"))
    start = task.speech.date + timedelta(days=2) if task.speech_id else timezone.localdate()
    if entries:
        start = min(start, entries[0].date)
    for entry in entries:
        ProgressUpdate.objects.filter(pk=entry.pk).update(created_at=at(entry.date, 10))
    last = entries[-1].date if entries else start
    when = {"accept": at(start, 9), "request_close": at(last, 17), "suspend": at(last, 17),
            "close": at(last + timedelta(days=3), 11)}
    for step in task.transitions.all():
        if step.action in when:
            TaskTransition.objects.filter(pk=step.pk).update(at=when[step.action])
    if task.status == Task.Status.CLOSED:
        Task.objects.filter(pk=task.pk).update(completed_at=when["close"])
