"""催办: who gets told about which tasks, the log, and the e-mails.

A chase is logged as one ``Chase`` row (who, when, which tasks,
channel, message, recipients) in a transaction; the e-mails leave only after it
commits, by a background job (tracker.jobs.send_chase_mail), so a rolled-back chase
never reaches anybody, and each is sent on its own. Without a broker the job runs in
the request and the supervisor is told which went out and which the mail server refused
(logged); with one, the worker sends them and retries the refused ones.
Each officer's e-mail lists only the tasks of their own department: an officer
never learns of another department's task through a chase.
"""
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import partial

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from tracker import jobs, notices, permissions, selectors
from tracker.models import SUPERVISION_TEXT_MAX, Chase, Notice, Task, User
from tracker.services import REPEAT_MESSAGE, repeat_of, required_text
from tracker.supervision import mailing


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


def chase_check(*, sent_by: User, tasks: Sequence[Task], message: str) -> str:
    """Raise PermissionDenied or ValidationError (in Chinese) unless this chase may be sent; return the clean message."""
    if not permissions.can_chase(sent_by):
        raise PermissionDenied("只有督查员可以催办。")
    if not tasks:
        raise ValidationError("请至少选择一项任务。")
    message = required_text(message, missing="请填写催办内容。", label="催办内容", max_length=SUPERVISION_TEXT_MAX)
    closed = [task.serial for task in tasks if not task.is_open]
    if closed:
        raise ValidationError(f"已办结或已中止的任务无需催办：{'、'.join(closed)}。")
    return message


@dataclass
class ChaseDelivery:
    """What became of a chase's e-mails; ``sent`` stays None until they were handed to the mail server."""

    addressed: list  # officers with an e-mail address
    without_email: list
    sent: list | None = None
    failed: list = field(default_factory=list)


@transaction.atomic
def chase_send(*, sent_by: User, tasks: Sequence[Task], message: str, channel: str = "email") -> Chase:
    """Chase ``tasks`` with ``message``: log one Chase and e-mail each involved officer after commit.

    Raises PermissionDenied for anyone but a supervisor and ValidationError (in
    Chinese) for an empty message or no tasks; nothing is written then. The
    returned chase carries ``delivery``, filled in once the e-mails were tried:
    right after this call returns, unless it ran inside a caller's transaction.
    The same chase sent again within REPEAT_WINDOW (same sender, message and tasks: a
    double click) sends nothing and returns the first, marked ``repeated``.
    """
    tasks = list(tasks)
    message = chase_check(sent_by=sent_by, tasks=tasks, message=message)
    # Locked in one order, so two chases sharing tasks take turns without deadlocking.
    tasks = list(Task.objects.select_for_update(of=("self",)).filter(pk__in=[task.pk for task in tasks])
                 .select_related("lead_department").order_by("pk"))
    repeat = chase_repeat_of(sent_by=sent_by, tasks=tasks, message=message)
    if repeat is not None:
        return repeat
    by_dept = tasks_by_department(tasks)
    officers = list(selectors.department_officers(by_dept))
    addressed = [officer for officer in officers if officer.email]

    chase = Chase(kind=Chase.Kind.CHASE, channel=channel, message=message, sent_by=sent_by)
    chase.full_clean()
    chase.save()
    chase.tasks.set(tasks)
    chase.recipients.set(addressed)
    for task in tasks:
        notices.notify(task=task, kind=Notice.Kind.CHASED, text=f"督查室催办：{message}")

    chase.delivery = ChaseDelivery(addressed=addressed, without_email=[o for o in officers if not o.email])
    if addressed:
        # A background job (tracker.jobs) mails them after commit; run in-process without a broker,
        # in which case the page can tell at once whom the mail reached.
        jobs.after_commit(jobs.send_chase_mail, chase.pk, on_result=partial(_chase_delivered, chase.delivery),
                          inline_if_down=True)
    return chase


def chase_repeat_of(*, sent_by: User, tasks: Sequence[Task], message: str) -> Chase | None:
    """Return the same chase (sender, message, tasks) sent within REPEAT_WINDOW, marked ``repeated``; else None."""
    wanted = {task.pk for task in tasks}
    earlier = Chase.objects.filter(kind=Chase.Kind.CHASE, sent_by=sent_by, message=message).prefetch_related("tasks")
    return repeat_of(earlier, at="sent_at", matches=lambda chase: {t.pk for t in chase.tasks.all()} == wanted)


def chase_mail_send(*, chase_pk: int, only=None) -> tuple[list[int], list[int]]:
    """E-mail the logged chase ``chase_pk`` to its recipients (or the user ids ``only``); return (sent, failed) ids.

    Built from the committed rows, so any worker can send it: each officer's e-mail
    lists only the chase's tasks of their own department. The chase stays logged even
    if the mail server is down: it is also shown on the task page, where the officers
    see it when they log in.
    """
    chase = Chase.objects.select_related("sent_by").filter(pk=chase_pk).first()
    if chase is None:
        return [], []
    tasks = list(chase.tasks.select_related("lead_department").order_by("serial"))
    by_dept = tasks_by_department(tasks)
    recipients = chase.recipients.exclude(email="").order_by("pk")
    if only is not None:
        recipients = recipients.filter(pk__in=list(only))
    letters = []
    for officer in recipients:
        subject, body = mailing.chase_email(recipient=officer, tasks=by_dept.get(officer.department_id, []),
                                            message=chase.message, sent_by=chase.sent_by)
        letters.append((officer.pk, mailing.build_message(to_user=officer, subject=subject, body=body)))
    failed = mailing.deliver_each([message for _, message in letters], what=f"催办 {chase_pk}")
    return ([pk for pk, message in letters if message not in failed],
            [pk for pk, message in letters if message in failed])


def _chase_delivered(delivery, result):
    """Fill in ``delivery`` from the mail job's result (eager mode only: a worker answers nobody)."""
    if result is None:
        delivery.sent, delivery.failed = [], list(delivery.addressed)
        return
    sent, failed = set(result["sent"]), set(result["failed"])
    delivery.sent = [officer for officer in delivery.addressed if officer.pk in sent]
    delivery.failed = [officer for officer in delivery.addressed if officer.pk in failed]


def chase_list(*, user: User, queryset=None):
    """Return the chase records ``user`` may read (催办 naming their tasks, their own department's reminders)."""
    qs = Chase.objects.all() if queryset is None else queryset
    return qs.filter(permissions.chase_visibility_q(user))


def chase_shown(*, user: User, chase: Chase):
    """Return (tasks, recipients) of ``chase`` as ``user`` may read them: their tasks, their colleagues."""
    tasks = selectors.task_list(user=user).filter(chases=chase).order_by("serial")
    recipients = chase.recipients.filter(permissions.recipient_visibility_q(user)).order_by("username")
    return list(tasks), list(recipients)


def chase_notice(chase, *, task_count=1):
    """Return (message level, text): whom ``chase``'s e-mails reached, which failed, who has no address."""
    if getattr(chase, "repeated", False):
        return messages.WARNING, REPEAT_MESSAGE
    delivery = chase.delivery
    tasks = "" if task_count == 1 else f" {task_count} 项任务"
    level = messages.SUCCESS
    if not delivery.addressed:
        text = f"已记录催办{tasks}，但相关单位没有可接收邮件的填报员。"
    elif delivery.sent is None:
        text = f"已记录催办{tasks}，邮件已交由后台发送给 {len(delivery.addressed)} 位填报员。"
    elif not delivery.sent:
        level, text = messages.WARNING, f"已记录催办{tasks}，但邮件发送失败，请稍后重试或电话通知。"
    elif delivery.failed:
        names = "、".join(user.username for user in delivery.failed)
        level, text = messages.WARNING, (f"已催办{tasks}，邮件发送给 {len(delivery.sent)} 位填报员；"
                                         f"发给 {names} 的邮件发送失败，请稍后重试或电话通知。")
    else:
        text = f"已催办{tasks}，邮件发送给 {len(delivery.sent)} 位填报员。"
    if delivery.without_email:
        text += f"（{'、'.join(user.username for user in delivery.without_email)} 未填写邮箱，未发送。）"
    return level, text
