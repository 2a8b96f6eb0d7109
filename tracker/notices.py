"""System notices (系统通知): one ``notify`` for every event that concerns a person, and the robots' outbox.

The core and the wings call ``notify`` where the event happens (交办, 催办, 退回, 延期审批,
领导批示), inside the service's transaction. It writes one ``Notice`` per officer of the
departments involved, and, for a department with a group-chat robot (企业微信 or 钉钉),
one ``NoticeDelivery`` row: the outbox.

Delivery of the outbox never blocks or breaks a page. After the transaction commits, the
new rows are tried once (timeout ``NOTICE_WEBHOOK_TIMEOUT``, at most 3 s): by a worker
(the job tracker.jobs.deliver_notices) when a broker is configured, else by a daemon
thread; whatever fails stays in the table with its error and a later ``next_attempt_at``
(backoff), and celery beat (or ``python manage.py deliver_notices``) retries what is due
every minute. A row is claimed by moving its ``next_attempt_at`` forward in one UPDATE,
so two senders never post the same message twice at once.
"""
import json
import logging
import threading
import urllib.error
import urllib.request
from datetime import timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.core import mail
from django.db import connection, transaction
from django.utils import timezone

from tracker import jobs, selectors
from tracker.models import Department, Notice, NoticeDelivery, Task

logger = logging.getLogger(__name__)

WEBHOOK_HOSTS = ("qyapi.weixin.qq.com", "oapi.dingtalk.com")
# Seconds to wait before attempt n+1 after n failures; after the last, the row is given up (已放弃).
BACKOFF = (60, 300, 1800, 7200, 21600)
MAX_ATTEMPTS = len(BACKOFF) + 1
# While one sender holds a row, nobody else takes it; longer than any timeout.
CLAIM_SECONDS = 60


def webhook_refusal(url):
    """Return why ``url`` may not be a department's robot address (in Chinese), or None."""
    parts = urlsplit(url or "")
    host = (parts.hostname or "").lower()
    any_host = getattr(settings, "NOTICE_WEBHOOK_ALLOW_ANY_HOST", False)
    # With any host allowed (tests, a test installation), a receiver on the loopback may be plain http.
    local = any_host and parts.scheme == "http" and host in ("127.0.0.1", "localhost", "::1")
    if parts.scheme != "https" and not local:
        return "机器人地址必须以 https:// 开头。"
    if not host:
        return "机器人地址缺少主机名。"
    if any_host:
        return None
    if not any(host == allowed or host.endswith("." + allowed) for allowed in WEBHOOK_HOSTS):
        return "机器人地址只能是企业微信（qyapi.weixin.qq.com）或钉钉（oapi.dingtalk.com）的地址。"
    return None


def task_departments(task):
    """Return the ids of ``task``'s lead and co-departments: the departments whose officers see it."""
    ids = set(Task.co_departments.through.objects.filter(task_id=task.pk).values_list("department_id", flat=True))
    if task.lead_department_id:
        ids.add(task.lead_department_id)
    return ids


def task_link(task):
    base = (getattr(settings, "SITE_URL", "") or "").rstrip("/")
    return f"{base}{task.get_absolute_url()}" if base else ""


def robot_payload(*, kind_label, task, text):
    """The text message both robots take: {"msgtype": "text", "text": {"content": …}}."""
    lines = [f"【督办通知·{kind_label}】{task.serial} {task.title}", text]
    link = task_link(task)
    if link:
        lines.append(link)
    return {"msgtype": "text", "text": {"content": "\n".join(lines)}}


def notify(*, task: Task, kind: str, text: str, departments=None, mail: bool = False) -> list[Notice]:
    """Tell the officers of ``departments`` (default: all of ``task``'s) about ``task``; return the notices.

    Only departments that are the task's lead or co-departments are told: an officer
    sees exactly those tasks (``permissions.task_visibility_q``), so nobody gets a notice
    about a task they may not see. Call inside the service's transaction: the notices
    commit or roll back with the event, and the robots are tried only after commit.
    With ``mail`` each officer who has an e-mail address also gets the notice by mail,
    sent after commit (``mail_after_commit``).
    """
    involved = task_departments(task)
    wanted = involved if departments is None else {d if isinstance(d, int) else d.pk for d in departments if d}
    targets = wanted & involved
    if not targets:
        return []
    officers = list(selectors.department_officers(targets))
    notices = Notice.objects.bulk_create(
        [Notice(recipient_id=officer.pk, kind=kind, task=task, text=text) for officer in officers])
    if mail:
        mail_after_commit(recipients=officers, kind=kind, task=task, text=text)
    label = Notice.Kind(kind).label
    now = timezone.now()
    outbox = NoticeDelivery.objects.bulk_create([
        NoticeDelivery(department=dept, url=dept.webhook_url, next_attempt_at=now,
                       payload=robot_payload(kind_label=label, task=task, text=text))
        for dept in Department.objects.filter(pk__in=targets, is_active=True).exclude(webhook_url="")
    ])
    if outbox:
        ids = [row.pk for row in outbox]
        if jobs.eager():
            transaction.on_commit(lambda: deliver_soon(ids))
        else:
            jobs.after_commit(jobs.deliver_notices, ids)
    return notices


def notify_supervisors(*, task: Task, kind: str, text: str, mail: bool = False) -> list[Notice]:
    """Tell every active supervisor (group 督查员) about ``task``: what waits for the 督查室, not a department.

    Supervisors see every task, so nothing is revealed; there is no group robot for them.
    """
    supervisors = list(selectors.supervisors())
    notices = Notice.objects.bulk_create(
        [Notice(recipient_id=user.pk, kind=kind, task=task, text=text) for user in supervisors])
    if mail:
        mail_after_commit(recipients=supervisors, kind=kind, task=task, text=text)
    return notices


def notice_email(*, recipient, kind_label, task, text):
    """Return (subject, body) of a notice sent by e-mail: the same words as in the system."""
    subject = " ".join(f"【督办通知·{kind_label}】{task.serial} {task.title}".split())
    link = task_link(task)
    lines = [f"{recipient.display_name}同志：", "", text, "", f"任务：{task.serial} {task.title}",
             f"请登录督办系统查看并办理{f'：{link}' if link else '。'}"]
    return subject, "\n".join(lines)


def mail_after_commit(*, recipients, kind, task, text):
    """Mail ``text`` to each of ``recipients`` who has an address, once the transaction commits.

    A mail server that is down or refuses a message is logged; it never undoes the
    event nor breaks the page (the in-system notice is the record).
    """
    label = Notice.Kind(kind).label
    messages = []
    for user in recipients:
        if user.email:
            subject, body = notice_email(recipient=user, kind_label=label, task=task, text=text)
            messages.append(mail.EmailMessage(subject=subject, body=body, from_email=settings.DEFAULT_FROM_EMAIL,
                                              to=[user.email]))
    if messages:
        transaction.on_commit(lambda: _send_each(messages, what=f"{label} {task.serial}"))


def _send_each(messages, *, what):
    try:
        with mail.get_connection() as connection:
            for message in messages:
                try:
                    connection.send_messages([message])
                except Exception:  # logged; the others still go
                    logger.exception("%s：发给 %s 的通知邮件发送失败", what, "、".join(message.to))
    except Exception:  # no connection at all
        logger.exception("%s：无法连接邮件服务器，%d 封通知邮件未发送", what, len(messages))


# Delivery.

def deliver_soon(ids):
    """Without a broker: try the outbox rows ``ids`` once, off the request, in a daemon thread (or inline).

    The thread, not an eager job, keeps a robot that hangs (up to the timeout) from
    holding up the page that caused the notice.
    """
    if getattr(settings, "NOTICE_DELIVERY_THREAD", True):
        threading.Thread(target=_deliver_in_thread, args=(list(ids),), name="notice-delivery", daemon=True).start()
    else:
        deliver_due(ids=ids)


def _deliver_in_thread(ids):
    try:
        deliver_due(ids=ids)
    except Exception:  # the command retries whatever this attempt left behind
        logger.exception("群机器人推送失败（将由 deliver_notices 重试）：%s", ids)
    finally:
        connection.close()


def send_webhook(url, payload, *, timeout):
    """POST ``payload`` as JSON to ``url``; raise on a network error, a non-200 answer or errcode ≠ 0."""
    body = json.dumps(payload, ensure_ascii=False).encode("utf-8")
    request = urllib.request.Request(url, data=body, method="POST",
                                     headers={"Content-Type": "application/json; charset=utf-8"})
    with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 (https, checked hosts)
        answer = response.read(65536)
    try:
        data = json.loads(answer or b"{}")
    except ValueError:
        data = {}
    if isinstance(data, dict) and data.get("errcode") not in (None, 0):
        raise RuntimeError(f"机器人拒收：errcode={data.get('errcode')} {data.get('errmsg', '')}")


def deliver_due(*, ids=None, now=None, limit=200):
    """Send the outbox rows that are due (or only ``ids``); return (sent, failed) counts.

    Each row is claimed first (its next attempt moved CLAIM_SECONDS ahead in one UPDATE),
    then posted with the timeout, then marked sent, or failed with its error and the next
    attempt after BACKOFF; after MAX_ATTEMPTS it is given up. Failures are logged.
    """
    now = now or timezone.now()
    timeout = min(float(getattr(settings, "NOTICE_WEBHOOK_TIMEOUT", 3)), 3.0)
    due = NoticeDelivery.objects.filter(status=NoticeDelivery.Status.PENDING, next_attempt_at__lte=now)
    if ids is not None:
        due = due.filter(pk__in=list(ids))
    sent = failed = 0
    for row in list(due.order_by("next_attempt_at", "pk")[:limit]):
        claimed = NoticeDelivery.objects.filter(
            pk=row.pk, status=NoticeDelivery.Status.PENDING, next_attempt_at=row.next_attempt_at,
        ).update(next_attempt_at=now + timedelta(seconds=CLAIM_SECONDS))
        if not claimed:
            continue  # another sender has it
        try:
            send_webhook(row.url, row.payload, timeout=timeout)
        except Exception as error:  # noqa: BLE001 (any failure is recorded and retried)
            failed += 1
            attempts = row.attempts + 1
            given_up = attempts >= MAX_ATTEMPTS
            delay = BACKOFF[min(attempts - 1, len(BACKOFF) - 1)]
            NoticeDelivery.objects.filter(pk=row.pk).update(
                attempts=attempts, last_error=f"{type(error).__name__}: {error}"[:1000],
                status=NoticeDelivery.Status.FAILED if given_up else NoticeDelivery.Status.PENDING,
                next_attempt_at=now + timedelta(seconds=delay))
            logger.warning("群机器人推送失败（%s，第 %s 次%s）：%s", row.department_id, attempts,
                           "，已放弃" if given_up else "", error)
        else:
            sent += 1
            NoticeDelivery.objects.filter(pk=row.pk).update(
                attempts=row.attempts + 1, status=NoticeDelivery.Status.SENT, sent_at=timezone.now(), last_error="")
    return sent, failed


# Reads and the one write a reader makes.

def notice_list(*, user, unread_only=False):
    """Return ``user``'s own notices, newest first, with their tasks."""
    qs = Notice.objects.filter(recipient_id=user.pk).select_related("task")
    return qs.filter(read_at__isnull=True) if unread_only else qs


def unread_count(*, user) -> int:
    return Notice.objects.filter(recipient_id=user.pk, read_at__isnull=True).count()


@transaction.atomic
def notice_mark_read(*, user, pk: int) -> Notice:
    """Mark ``user``'s notice ``pk`` read (again is harmless); raise Notice.DoesNotExist for anyone else's."""
    notice = Notice.objects.select_for_update().get(pk=pk, recipient_id=user.pk)
    if notice.read_at is None:
        notice.read_at = timezone.now()
        notice.save(update_fields=["read_at"])
    return notice
