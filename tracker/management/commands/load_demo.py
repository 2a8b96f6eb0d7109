"""Load the demo county education system: departments, one user per role, sample
speeches and tasks in every status. Running it again changes nothing.

The sample speeches come in through the same path as an upload (``speech_import``) and
are confirmed with the review page's defaults (``speech_default_decisions`` and its
default cycle, 每月25日前), so a new user sees tasks the extractor really found;
``tasks.json`` then moves some of them through the statuses, keyed by a word of their title.

Dates: two clocks, each where it keeps the story true.

1. The story's past moves by whole years. The fixtures are dated as if today were
   ``FIXTURE_TODAY``, after every dated event in them; every fixture date is moved by the
   same whole number of years, to the latest year in which FIXTURE_TODAY is not after
   today. Whole years keep the 秋季 speech in autumn and the 春季 one in spring (their
   texts speak of 开学 and 学期, and the extractor reads 9月底前 from the speech's date),
   keep each deadline agreeing with the words it was read from, and put nothing in the
   future. Moving by days instead would put the 秋季开学 meeting in March.
2. What happened lately is dated from today. Whole years leave today anywhere up to a
   year after the story's end, when every open task would be red and silent. So a few
   rows of tasks.json also say what the departments did in the last weeks, in days
   before today: a progress entry (``recent``), an approved 延期申请 to a date a given
   number of days after today (``extend``: the request dated a few days before the old
   deadline, the approval the next day; 原定时限 keeps the speech's date), a lead
   department named by 督查室 with the date still open (``lead``), a weekly cycle
   (``report``). That keeps, on any day the demo is loaded, a yellow task (extended to
   within SIGNAL_YELLOW_DAYS), a green one (extended by two months), red ones (the
   speech's deadlines long past), grey 待指派 and 待定时限 ones, closed and suspended
   ones, and 逾期未报 beside tasks that have not reported since the story's end.
   The weekly task reports on the weekday two days ahead of loading, and its last entry
   is eight days old, so its current cycle is open and due soon: 本期待报送.

The workflow steps and progress entries are then dated into that story (``demo_backdate``):
签收 before the first progress entry, 申请办结 after the last, 销号 a few days later; the
reporting cycles are computed last, from those dates.

No department gets a group-chat robot address: an address must be https on the
企业微信/钉钉 hosts (``notices.webhook_refusal``), and a placeholder that can never
answer would fill the outbox with failures and the log with warnings on every 交办 the
demo user makes. A site that wants to try the robots enters a real group's address.

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
from tracker import cycles, roles, services, workflow
from tracker.models import Department, ExtensionRequest, Notice, ProgressUpdate, Task, TaskTransition, User
from tracker.supervision import extensions

FIXTURES = Path(settings.BASE_DIR) / "fixtures"
FIXTURE_TODAY = date(2025, 4, 30)
# A weekly task reports this many days after the day the demo is loaded (本期待报送).
WEEKLY_DUE_IN_DAYS = 2


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
        self.loading = timezone.now()  # every row the loader writes is dated after this, until dated into the story
        departments = self.load_departments()
        users = self.load_users(departments)
        created = self.load_tasks(self.load_speeches(users["duban"]), users)
        self.load_subtasks(users)
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
        # The tree, once every unit exists: 股室 under 县教育局, schools under 各乡镇中心学校.
        for order, row in enumerate(read_json("departments.json"), start=1):
            parent = row.get("parent")
            dept = departments[row["name"]]
            if not parent or dept.parent_id is not None:
                continue
            if parent not in departments:
                raise CommandError(f"departments.json 第 {order} 个单位的上级单位“{parent}”不在单位列表中。")
            dept.parent = departments[parent]
            try:
                dept.full_clean()
            except ValidationError as error:
                raise CommandError(f"departments.json 第 {order} 个单位有误：{'；'.join(error.messages)}") from None
            dept.save(update_fields=["parent"])
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
                for task in speech_services.speech_confirm(
                    speech=speech, decisions=speech_services.speech_default_decisions(speech=speech),
                    confirmed_by=uploader, report_rule=cycles.DEFAULT_RULE)  # the review page's default
            ]
        return created

    def load_tasks(self, created, users):
        """Move the new demo tasks through the statuses of tasks.json, with progress entries."""
        supervisor = users["duban"]
        used = set()
        assigned = {}
        for task in (t for tasks in created.values() for t in tasks if t.speech_id):
            # 督查室 confirms the tasks the day after the meeting, not when the demo is loaded; set on the
            # objects too, or the services' saves below would write the moment of loading back.
            task.created_at = demo_moment(task.speech.date + timedelta(days=1), 8)
            Task.objects.filter(pk=task.pk).update(created_at=task.created_at)
            Notice.objects.filter(task_id=task.pk).update(created_at=task.created_at)  # 交办
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
            # The calls follow the story's order (the history is dated by it, demo_history).
            if row.get("report"):
                demo_report_rule(task=task, rule=row["report"], supervisor=supervisor)
            if row.get("lead"):
                assigned[task.pk] = demo_assign(task=task, supervisor=supervisor, **row["lead"])
            demo_move(task=task, status=row["status"], progress=row["progress"],
                      officer=lead_officer(task), supervisor=supervisor)
            if row.get("extend"):
                demo_extend(task=task, officer=lead_officer(task), supervisor=supervisor, **row["extend"])
            if row.get("recent"):
                _report(task, row["recent"], lead_officer(task) or supervisor)
            demo_backdate(task)
        # Not a task subtasks.json breaks down: its unit signs for it and splits it instead.
        broken_down = tuple(row["keyword"] for row in read_json("subtasks.json"))
        demo_refusal([t for tasks in created.values() for t in tasks
                      if t.pk not in used and not any(word in t.title for word in broken_down)])
        new = [task.pk for tasks in created.values() for task in tasks]
        for task in Task.objects.filter(pk__in=new):
            demo_history(task, since=self.loading, assigned_at=assigned.get(task.pk))
        # The cycles count from the backdated creation and entries, as of today.
        services.report_cycles_refresh(queryset=Task.objects.filter(pk__in=new))
        # What came more than two weeks ago has been read; the newer notices wait on the 待办 page.
        read_before = timezone.now() - timedelta(days=getattr(settings, "HOME_RECENT_DAYS", 14))
        for notice in Notice.objects.filter(task_id__in=new, read_at__isnull=True, created_at__lt=read_before):
            Notice.objects.filter(pk=notice.pk).update(read_at=notice.created_at + timedelta(days=1))
        return len(new)


    def load_subtasks(self, users):
        """Break the demo's tasks down to schools as subtasks.json says (分解下达), through the service.

        A parent that already has sub-tasks is left alone, so a second run creates nothing.
        """
        for row in read_json("subtasks.json"):
            parent = (Task.objects.filter(parent__isnull=True, lead_department__name=row["lead"],
                                          title__contains=row["keyword"]).order_by("pk").first())
            if parent is None:
                self.stderr.write(f"演示数据：未找到{row['lead']}牵头、含“{row['keyword']}”的任务，未分解下达。")
                continue
            if parent.children.exists():
                continue
            officer = lead_officer(parent)
            if parent.status == Task.Status.PENDING:
                services.task_transition(task=parent, action="accept", by=officer, reason="已签收，分解到各校落实。")
            for part in row["parts"]:
                unit = Department.objects.get(name=part["unit"])
                deadline = parent.deadline - timedelta(days=part["days_before_parent"]) if parent.deadline else None
                child = services.subtask_create(parent=parent, created_by=officer, lead_department=unit,
                                                title=part["title"], deadline=deadline or demo_date("12-31"),
                                                content=part.get("content", ""))
                school = lead_officer(child)
                demo_move(task=child, status=part["status"], progress=part["progress"],
                          officer=school, supervisor=users["duban"])
                # Broken down the morning its school's story starts (see demo_backdate), not at loading.
                first = child.progress_updates.order_by("date").values_list("date", flat=True).first()
                start = child.speech.date + timedelta(days=2) if child.speech_id else timezone.localdate()
                Task.objects.filter(pk=child.pk).update(created_at=demo_moment(min(start, first or start), 8))
                demo_backdate(child)
                child.refresh_from_db()
                demo_history(child, since=self.loading)
            demo_backdate(parent)
            demo_history(parent, since=self.loading)


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
            task=task, reported_by=reporter, date=entry_date(entry),
            content=entry["content"], percent=entry["percent"],
        )


def entry_date(entry, today=None):
    """The date of a progress entry: a fixture ``date`` moved by whole years, or ``days_ago`` before today."""
    if "days_ago" in entry:
        return (today or timezone.localdate()) - timedelta(days=entry["days_ago"])
    return demo_date(entry["date"], today)


def demo_report_rule(*, task, rule, supervisor):
    """Give ``task`` the cycle named in tasks.json: "weekly" (due WEEKLY_DUE_IN_DAYS from today) or "none"."""
    day = None
    if rule == Task.ReportRule.WEEKLY:
        day = (timezone.localdate() + timedelta(days=WEEKLY_DUE_IN_DAYS)).isoweekday()
    services.task_set_report_rule(tasks=[task], rule=rule, day=day, changed_by=supervisor)


def demo_assign(*, task, supervisor, department, days_ago):
    """督查室 names the lead department of a task the extractor left unassigned, ``days_ago`` days ago."""
    services.task_assign(task=task, changed_by=supervisor, reason="督查室指定牵头单位",
                         lead_department=Department.objects.get(name=department))
    at = demo_moment(timezone.localdate() - timedelta(days=days_ago), 16)
    Notice.objects.filter(task_id=task.pk, kind=Notice.Kind.ASSIGNED, created_at__gt=at).update(created_at=at)
    return at


def accept_day(task):
    """The day the lead department signs for ``task``: two days after the speech, or on its first entry if earlier."""
    start = task.speech.date + timedelta(days=2) if task.speech_id else timezone.localdate()
    first = task.progress_updates.order_by("date").values_list("date", flat=True).first()
    return min(start, first) if first else start


def demo_extend(*, task, officer, supervisor, days, reason, comment):
    """File and approve a 延期申请 moving ``task``'s deadline to ``days`` after today, dated into the story.

    The request is dated five days before the old deadline (or three days ago, when that
    is later: a department asks in time), the approval the day after. Left out when the
    task has no deadline, no officer to ask, or a deadline already later than the new one.
    """
    today = timezone.localdate()
    new_deadline = today + timedelta(days=days)
    if officer is None or task.deadline is None or new_deadline <= task.deadline or not task.is_open:
        return
    asked = max(min(task.deadline - timedelta(days=5), today - timedelta(days=3)), accept_day(task))
    request = extensions.extension_request_create(task=task, requested_by=officer, new_deadline=new_deadline,
                                                  reason=reason, today=asked)
    extensions.extension_decide(extension=request, decided_by=supervisor, approve=True, comment=comment)
    decided = demo_moment(asked + timedelta(days=1), 15)
    ExtensionRequest.objects.filter(pk=request.pk).update(requested_at=demo_moment(asked, 10), decided_at=decided)
    Notice.objects.filter(task_id=task.pk, kind=Notice.Kind.EXTENSION).update(created_at=decided)


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
    start = accept_day(task)
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


def demo_history(task, *, since, assigned_at=None):
    """Date the history rows the loader wrote for ``task`` (those after ``since``) at the events they record.

    修改记录 and 时限调整记录 read the history by its dates. Each row is matched, in the
    order written, to its event by the reason the service gave it: 创建任务 and 设置报送周期
    at confirmation, 填报进展 at the next entry, a workflow step at its transition, 同意延期申请
    at the approval, 指派 when 督查室 named the lead; any other row takes the date of the row
    before it. The loader calls the services in the story's order, so the dates only go forward.
    """
    entries = iter(task.progress_updates.order_by("pk").values_list("created_at", flat=True))
    steps = iter(task.transitions.order_by("pk").values_list("at", flat=True))
    approvals = iter(task.extension_requests.order_by("pk").values_list("decided_at", flat=True))
    labels = tuple(step.label for step in workflow.TRANSITIONS)
    previous = task.created_at
    for row in task.history.filter(history_date__gte=since).order_by("history_id"):
        reason = row.history_change_reason or ""
        if reason.startswith(("创建任务", "设置报送周期")):
            at = task.created_at
        elif reason.startswith("填报进展"):
            at = next(entries, previous)
        elif reason.startswith("同意延期申请"):
            at = next(approvals, previous)
        elif reason.startswith("督查室指定牵头单位"):
            at = assigned_at or previous
        elif reason.startswith(labels):
            at = next(steps, previous)
        else:
            at = previous
        previous = max(at, previous)
        type(row).objects.filter(pk=row.pk).update(history_date=previous)
    Task.objects.filter(pk=task.pk).update(updated_at=previous)  # 更新时间: the last event, not the loading
