"""E-mail texts for chases and reminders, and their delivery after the transaction commits.

The texts are built from plain values so they read the same in a chase, a
reminder and a dry run; delivery goes through Django's e-mail settings (the
console backend in the demo, SMTP in production).
"""
import logging

from django.conf import settings
from django.core import mail

from tracker import lights

logger = logging.getLogger(__name__)


def task_line(task, today=None):
    """Return one line describing ``task`` for an e-mail: serial, title, owner, deadline, signal."""
    signal = lights.task_signal(task, today=today)
    lead = task.lead_department.name if task.lead_department_id else "待指定"
    deadline = task.deadline.strftime("%Y-%m-%d") if task.deadline else "未定"
    report = f"；{lights.REPORT_OVERDUE_LABEL}（截止 {task.report_due:%Y-%m-%d}）" if lights.report_overdue(task, today) else ""
    return (f"· {task.serial} {task.title}（牵头单位：{lead}；完成时限：{deadline}；"
            f"状态：{task.get_status_display()}；{lights.LABELS[signal]}{report}）")


def greeting(user):
    return f"{user.display_name}同志："


def site_hint():
    url = getattr(settings, "SITE_URL", "")
    return f"请登录督办系统（{url}）及时办理并报送进展。" if url else "请登录督办系统及时办理并报送进展。"


def chase_email(*, recipient, tasks, message, sent_by):
    """Return (subject, body) of a 催办 e-mail to one officer about the tasks of their department."""
    sender = sent_by.display_name if sent_by else "督查室"
    subject = f"【督办催办】{len(tasks)} 项任务请抓紧办理"
    lines = [greeting(recipient), "", f"{sender}（督查室）对以下任务进行催办：", "", message.strip(), "",
             "涉及任务：", *[task_line(task) for task in tasks], "", site_hint()]
    return subject, "\n".join(lines)


def reminder_email(*, recipient, department, groups, today):
    """Return (subject, body) of the daily digest: ``groups`` is [(heading, tasks)], non-empty ones shown."""
    total = sum(len(tasks) for _, tasks in groups)
    subject = f"【督办提醒】{department.name} {today:%m月%d日} 有 {total} 项任务需关注"
    lines = [greeting(recipient), "", f"截至 {today:%Y年%m月%d日}，{department.name}有以下任务需要关注：", ""]
    for heading, tasks in groups:
        if tasks:
            lines += [f"{heading}（{len(tasks)} 项）：", *[task_line(task, today=today) for task in tasks], ""]
    lines.append(site_hint())
    return subject, "\n".join(lines)


def build_message(*, to_user, subject, body):
    # A subject is one header line: a line break in it (a department name saved before
    # names were checked) would make every sending fail with BadHeaderError.
    subject = " ".join(subject.split())
    return mail.EmailMessage(subject=subject, body=body, from_email=settings.DEFAULT_FROM_EMAIL, to=[to_user.email])


def deliver_each(messages, *, what):
    """Send ``messages`` one by one over one connection; return those the mail server did not take.

    Nothing is raised: each failure is logged with its traceback (``what`` names the
    occasion, e.g. "催办 12"), so the caller can say exactly what was sent.
    """
    if not messages:
        return []
    try:
        connection = mail.get_connection()
        connection.open()
    except Exception:  # any transport error: logged, reported by the caller
        logger.exception("%s：无法连接邮件服务器，%d 封邮件未发送", what, len(messages))
        return list(messages)
    failed = []
    try:
        for message in messages:
            try:
                sent = connection.send_messages([message])
            except Exception:  # logged, counted as failed
                logger.exception("%s：发给 %s 的邮件发送失败", what, "、".join(message.to))
                failed.append(message)
            else:
                if not sent:
                    logger.error("%s：邮件服务器未接收发给 %s 的邮件", what, "、".join(message.to))
                    failed.append(message)
    finally:
        try:
            connection.close()
        except Exception:  # the messages are already sent or counted as failed
            logger.warning("%s：关闭邮件连接时出错", what, exc_info=True)
    return failed


def deliver(messages):
    """Send ``messages`` over one connection; return how many went out. Errors propagate."""
    if not messages:
        return 0
    with mail.get_connection() as connection:
        return connection.send_messages(messages) or 0
