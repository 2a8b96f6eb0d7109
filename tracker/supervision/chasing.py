"""催办 and daily reminders: who gets told about which tasks, the log, and the e-mails.

A chase or a reminder is logged as one ``Chase`` row (who, when, which tasks,
channel, message, recipients) in a transaction; the e-mails leave only after it
commits, so a rolled-back chase never reaches anybody. Each officer's e-mail lists
only the tasks of their own department: an officer never learns of another
department's task through a chase.
"""
import logging
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from functools import partial

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q

from tracker import lights, permissions, roles
from tracker.models import Chase, Department, Task, User
from tracker.services import required_text
from tracker.supervision import mailing

logger = logging.getLogger(__name__)

CHASE_MESSAGE_MAX = 2000


def department_officers(department_ids):
    """Return the active officers (group 部门填报员) of the given departments."""
    return (User.objects.filter(groups__name=roles.OFFICER, is_active=True, department_id__in=list(department_ids))
            .select_related("department").order_by("department_id", "username").distinct())


def tasks_by_department(tasks):
    """Return {department id: [tasks]} for the lead and co-departments of ``tasks`` (two queries)."""
    by_dept = defaultdict(list)
    task_by_pk = {task.pk: task for task in tasks}
    for task in tasks:
        if task.lead_department_id:
            by_dept[task.lead_department_id].append(task)
    links = Task.co_departments.through.objects.filter(task_id__in=list(task_by_pk)).values_list(
        "task_id", "department_id")
    for task_id, dept_id in links:
        if task_by_pk[task_id] not in by_dept[dept_id]:
            by_dept[dept_id].append(task_by_pk[task_id])
    return by_dept


def chase_check(*, sent_by, tasks, message):
    """Raise PermissionDenied or ValidationError (in Chinese) unless this chase may be sent; return the clean message."""
    if not permissions.can_chase(sent_by):
        raise PermissionDenied("只有督查员可以催办。")
    if not tasks:
        raise ValidationError("请至少选择一项任务。")
    message = required_text(message, missing="请填写催办内容。", label="催办内容", max_length=CHASE_MESSAGE_MAX)
    closed = [task.serial for task in tasks if not task.is_open]
    if closed:
        raise ValidationError(f"已办结或已中止的任务无需催办：{'、'.join(closed)}。")
    return message


@transaction.atomic
def chase_send(*, sent_by, tasks, message, channel="email"):
    """Chase ``tasks`` with ``message``: log one Chase and e-mail each involved officer after commit.

    Raises PermissionDenied for anyone but a supervisor and ValidationError (in
    Chinese) for an empty message or no tasks; nothing is written then.
    """
    tasks = list(tasks)
    message = chase_check(sent_by=sent_by, tasks=tasks, message=message)
    tasks = list(Task.objects.filter(pk__in=[task.pk for task in tasks]).select_related("lead_department"))
    by_dept = tasks_by_department(tasks)
    officers = list(department_officers(by_dept))

    chase = Chase(kind=Chase.Kind.CHASE, channel=channel, message=message, sent_by=sent_by)
    chase.full_clean()
    chase.save()
    chase.tasks.set(tasks)
    chase.recipients.set([officer for officer in officers if officer.email])

    messages = []
    for officer in officers:
        if not officer.email:
            continue
        subject, body = mailing.chase_email(recipient=officer, tasks=by_dept[officer.department_id],
                                            message=message, sent_by=sent_by)
        messages.append(mailing.build_message(to_user=officer, subject=subject, body=body))
    transaction.on_commit(partial(_deliver_chase, chase.pk, messages))
    chase.officers_without_email = [officer for officer in officers if not officer.email]
    return chase


def chase_notice(chase, *, task_count=1):
    """Tell the supervisor whom ``chase`` reached, and which officers it could not (no e-mail address)."""
    count = chase.recipients.count()
    tasks = "" if task_count == 1 else f" {task_count} 项任务"
    if count:
        text = f"已催办{tasks}，邮件发送给 {count} 位填报员。"
    else:
        text = f"已记录催办{tasks}，但相关单位没有可接收邮件的填报员。"
    missing = getattr(chase, "officers_without_email", [])
    if missing:
        text += f"（{'、'.join(user.username for user in missing)} 未填写邮箱，未发送。）"
    return text


def _deliver_chase(chase_pk, messages):
    # The chase stays logged even if the mail server is down: it is also shown on
    # the task page, where the officers see it when they log in.
    try:
        mailing.deliver(messages)
    except Exception:  # noqa: BLE001 - any transport error; logged, never a 500
        logger.exception("催办 %s 的邮件发送失败", chase_pk)


# Daily reminders -------------------------------------------------------------------

@dataclass
class ReminderOutcome:
    """What one department's reminder run did (or, in a dry run, would do)."""

    department: Department
    groups: list = field(default_factory=list)  # [(heading, [tasks])]
    sent_to: list = field(default_factory=list)  # officers e-mailed (or who would be)
    skipped_today: list = field(default_factory=list)  # officers already reminded today
    no_email: list = field(default_factory=list)
    emails: list = field(default_factory=list)  # [(officer, subject, body)]
    chase: Chase | None = None

    @property
    def task_count(self):
        return sum(len(tasks) for _, tasks in self.groups)


def department_tasks(department):
    """Return the tasks where ``department`` is lead or co-department, with their signal."""
    involved = Task.objects.filter(Q(lead_department=department) | Q(co_departments=department)).values("pk")
    return Task.objects.filter(pk__in=involved).select_related("lead_department")


def reminder_digest(*, department, today):
    """Return [(heading, tasks)]: red, yellow, then not yet acknowledged (待签收) and not red or yellow."""
    tasks = list(
        lights.annotate_signal(department_tasks(department), today=today)
        .filter(lights.signal_q(lights.RED, today=today) | lights.signal_q(lights.YELLOW, today=today)
                | Q(status=Task.Status.PENDING))
        .order_by("signal_rank", "deadline", "serial")
    )
    red = [task for task in tasks if task.signal == lights.RED]
    yellow = [task for task in tasks if task.signal == lights.YELLOW]
    pending = [task for task in tasks if task.signal not in (lights.RED, lights.YELLOW)]
    return [("红灯：已超过完成时限", red), ("黄灯：临近完成时限", yellow), ("待签收：尚未签收", pending)]


def reminded_today(*, today):
    """Return the ids of users who already got a reminder on ``today`` (local date)."""
    return set(Chase.recipients.through.objects.filter(
        chase__kind=Chase.Kind.REMINDER, chase__sent_at__date=today).values_list("user_id", flat=True))


def reminder_send_department(*, department, today: date, dry_run=False):
    """Send ``department``'s officers their digest, at most once per person per day.

    A dry run reads the same data and returns the same outcome but writes and
    sends nothing. A real run logs one Chase (kind=reminder) naming the officers
    it e-mails; if the mail server refuses, that log is removed again so the next
    run retries, and the error propagates to the caller.
    """
    outcome = ReminderOutcome(department=department, groups=reminder_digest(department=department, today=today))
    if outcome.task_count == 0:
        return outcome
    with transaction.atomic():
        if not dry_run:
            # Two runs at once for one department: the second waits here, then sees the first's log.
            Department.objects.select_for_update().filter(pk=department.pk).first()
        already = reminded_today(today=today)
        for officer in department_officers([department.pk]):
            if officer.pk in already:
                outcome.skipped_today.append(officer)
            elif not officer.email:
                outcome.no_email.append(officer)
            else:
                outcome.sent_to.append(officer)
                subject, body = mailing.reminder_email(recipient=officer, department=department,
                                                       groups=outcome.groups, today=today)
                outcome.emails.append((officer, subject, body))
        if dry_run or not outcome.sent_to:
            return outcome
        tasks = [task for _, group in outcome.groups for task in group]
        chase = Chase.objects.create(
            kind=Chase.Kind.REMINDER, channel="email",
            message=f"{department.name}到期提醒：红灯 {len(outcome.groups[0][1])} 项，"
                    f"黄灯 {len(outcome.groups[1][1])} 项，待签收 {len(outcome.groups[2][1])} 项。",
        )
        chase.tasks.set(tasks)
        chase.recipients.set(outcome.sent_to)
        outcome.chase = chase
        messages = [mailing.build_message(to_user=officer, subject=subject, body=body)
                    for officer, subject, body in outcome.emails]
        transaction.on_commit(partial(_deliver_reminder, chase.pk, messages))
    return outcome


def _deliver_reminder(chase_pk, messages):
    try:
        mailing.deliver(messages)
    except Exception:
        Chase.objects.filter(pk=chase_pk).delete()
        raise


def reminder_departments():
    """Return the active departments that have at least one active officer."""
    with_officers = User.objects.filter(groups__name=roles.OFFICER, is_active=True).values("department_id")
    return Department.objects.filter(is_active=True, pk__in=with_officers)
