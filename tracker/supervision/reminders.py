"""Daily reminders: each department's officers get one digest a day of red, yellow, 逾期未报,
本期待报送 (a reporting cycle due within REPORT_DUE_SOON_DAYS days) and 待签收 tasks.

A run is logged as one ``Chase`` of kind reminder naming its recipients, so a second
run the same day skips them; the e-mails leave only after the log commits.
"""
import logging
from dataclasses import dataclass, field
from datetime import date
from functools import partial

from django.db import transaction
from django.db.models import Q

from tracker import lights, roles, selectors, services
from tracker.models import Chase, Department, Task, User
from tracker.supervision import mailing

logger = logging.getLogger(__name__)


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
        """The tasks in the digest, each counted once (a red task may also be 逾期未报)."""
        return len({task.pk for _, tasks in self.groups for task in tasks})


def department_tasks(department):
    """Return the tasks where ``department`` is lead or co-department, with their signal."""
    involved = Task.objects.filter(Q(lead_department=department) | Q(co_departments=department)).values("pk")
    return Task.objects.filter(pk__in=involved).select_related("lead_department")


def reminder_digest(*, department: Department, today: date) -> list[tuple[str, list[Task]]]:
    """Return [(heading, tasks)]: red, yellow, 逾期未报, 本期待报送, then 待签收 tasks not red or yellow."""
    tasks = list(
        lights.annotate_signal(department_tasks(department), today=today)
        .filter(lights.signal_q(lights.RED, today=today) | lights.signal_q(lights.YELLOW, today=today)
                | Q(status=Task.Status.PENDING) | lights.report_overdue_q(today) | lights.report_due_soon_q(today))
        .order_by("signal_rank", "deadline", "serial")
    )
    red = [task for task in tasks if task.signal == lights.RED]
    yellow = [task for task in tasks if task.signal == lights.YELLOW]
    overdue = [task for task in tasks if lights.report_overdue(task, today)]
    soon_q = lights.report_due_soon_q(today)
    soon_ids = set(Task.objects.filter(soon_q, pk__in=[t.pk for t in tasks]).values_list("pk", flat=True))
    soon = [task for task in tasks if task.pk in soon_ids]
    pending = [task for task in tasks if task.status == Task.Status.PENDING
               and task.signal not in (lights.RED, lights.YELLOW)]
    return [("红灯：已超过完成时限", red), ("黄灯：临近完成时限", yellow),
            (f"{lights.REPORT_OVERDUE_LABEL}：本期进展未按时报送", overdue),
            (f"{lights.REPORT_DUE_SOON_LABEL}：报送截止日临近", soon), ("待签收：尚未签收", pending)]


def reminded_today(*, today: date) -> set[int]:
    """Return the ids of users who already got a reminder on ``today`` (local date)."""
    return set(Chase.recipients.through.objects.filter(
        chase__kind=Chase.Kind.REMINDER, chase__sent_at__date=today).values_list("user_id", flat=True))


def reminder_send_department(*, department: Department, today: date, dry_run: bool = False) -> ReminderOutcome:
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
        for officer in selectors.department_officers([department.pk]):
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
            message=f"{department.name}到期提醒：" + "，".join(
                f"{heading.split('：')[0]} {len(group)} 项" for heading, group in outcome.groups) + "。",
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


def reminder_round(*, today: date, send=None, dry_run: bool = False) -> tuple[int, list[Department]]:
    """Move every reporting cycle on (unless ``dry_run``), then remind each department through ``send``.

    ``send`` is ``reminder_send_department`` or a caller's wrapper of it (the command prints
    each outcome). One department's mail failure is logged and does not stop the rest; return
    (officers reminded, departments that failed) so the command and the job decide about retries.
    """
    send = send or reminder_send_department
    if not dry_run:
        services.report_cycles_refresh(today=today)
    sent, failed = 0, []
    for department in reminder_departments():
        try:
            outcome = send(department=department, today=today, dry_run=dry_run)
        except Exception:  # noqa: BLE001 - one department's mail failure must not stop the rest
            logger.exception("%s：提醒邮件发送失败，未记录，将重试", department.name)
            failed.append(department)
            continue
        sent += len(outcome.sent_to)
    return sent, failed
