"""System notices: who is told of what, the robots' address check, and the outbox against a local receiver."""
import json
import threading
import time
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from tests.conftest import make_user
from tracker import notices, services
from tracker.models import Department, Notice, NoticeDelivery
from tracker.supervision import chasing, extensions, instructions

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def robots_settings(settings):
    settings.NOTICE_WEBHOOK_ALLOW_ANY_HOST = True
    settings.NOTICE_WEBHOOK_TIMEOUT = 0.5
    settings.SITE_URL = "https://duban.example.gov.cn"
    return settings


@pytest.fixture
def officer_c(departments):
    return make_user("officer_c", "部门填报员", departments["c"])


def kinds_of(user):
    return sorted(Notice.objects.filter(recipient=user).values_list("kind", flat=True))


class Receiver:
    """An HTTP receiver on 127.0.0.1 in a thread: answers ``status``, or sleeps ``delay`` seconds first."""

    def __init__(self, status=200, delay=0.0, body=b'{"errcode":0,"errmsg":"ok"}'):
        self.received = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers.get("Content-Length", 0))
                receiver.received.append(json.loads(self.rfile.read(length)))
                if delay:
                    time.sleep(delay)
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/cgi-bin/webhook/send?key=test"

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver():
    made = []

    def make(**kwargs):
        made.append(Receiver(**kwargs))
        return made[-1]

    yield make
    for server in made:
        server.close()


def with_robot(department, url):
    department.webhook_url = url
    department.full_clean()
    department.save()


# Who is told.

def test_assignment_tells_lead_and_co_departments_only(make_task, departments, officer_a, officer_b, officer_c):
    task = make_task(lead_department=departments["a"], co_departments=[departments["c"]])
    assert kinds_of(officer_a) == ["assigned"] and kinds_of(officer_c) == ["assigned"]
    assert kinds_of(officer_b) == []
    assert "牵头单位" in Notice.objects.get(recipient=officer_a).text
    assert "配合单位" in Notice.objects.get(recipient=officer_c).text
    assert Notice.objects.get(recipient=officer_a).task == task


def test_reassignment_tells_only_the_new_department(make_task, departments, supervisor, officer_a, officer_b):
    task = make_task(lead_department=departments["a"])
    services.task_assign(task=task, changed_by=supervisor, lead_department=departments["b"])
    assert kinds_of(officer_b) == ["assigned"]
    assert kinds_of(officer_a) == ["assigned"]  # only the first assignment


def test_unassigned_task_tells_nobody(make_task, officer_a):
    make_task()
    assert Notice.objects.count() == 0


def test_return_chase_extension_and_instruction_each_make_a_notice(
        make_task, departments, supervisor, leader, officer_a, officer_b, officer_c):
    deadline = timezone.localdate() + timedelta(days=10)
    task = make_task(lead_department=departments["a"], co_departments=[departments["c"]], deadline=deadline)
    services.task_transition(task=task, action="accept", by=officer_a)
    services.task_transition(task=task, action="request_close", by=officer_a, reason="已完成")
    services.task_transition(task=task, action="send_back", by=supervisor, reason="佐证不足")
    chasing.chase_send(sent_by=supervisor, tasks=[task], message="请抓紧")
    request = extensions.extension_request_create(task=task, requested_by=officer_a, reason="需协调",
                                                  new_deadline=deadline + timedelta(days=5))
    extensions.extension_decide(extension=request, decided_by=supervisor, approve=False, comment="不宜延期")
    instructions.instruction_add(task=task, author=leader, kind="instruction", content="务必按期完成")
    instructions.instruction_add(task=task, author=officer_a, kind="comment", content="收到")

    assert kinds_of(officer_a) == ["assigned", "chased", "extension", "instruction", "returned"]
    assert kinds_of(officer_c) == ["assigned", "chased", "instruction"]  # 退回 and 延期 concern the lead
    assert kinds_of(officer_b) == []
    assert "佐证不足" in Notice.objects.get(recipient=officer_a, kind="returned").text
    assert "不宜延期" in Notice.objects.get(recipient=officer_a, kind="extension").text


def test_notify_never_tells_a_department_not_on_the_task(make_task, departments, officer_a, officer_b):
    task = make_task(lead_department=departments["a"])
    assert notices.notify(task=task, kind="chased", text="x", departments=[departments["b"]]) == []
    assert kinds_of(officer_b) == []


def test_a_refused_event_leaves_no_notice(make_task, departments, supervisor, officer_a):
    task = make_task(lead_department=departments["a"])
    before = Notice.objects.count()
    with pytest.raises(ValidationError):
        chasing.chase_send(sent_by=supervisor, tasks=[task], message="  ")
    assert Notice.objects.count() == before


# The robots' addresses.

@pytest.mark.parametrize("url, allow_any, refused", [
    ("https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=abc", False, None),
    ("https://oapi.dingtalk.com/robot/send?access_token=abc", False, None),
    ("http://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=abc", False, "https"),
    ("https://qyapi.weixin.qq.com.evil.example/send", False, "企业微信"),
    ("https://evil.example/qyapi.weixin.qq.com", False, "企业微信"),
    ("https://hooks.example.org/x", True, None),
    ("http://127.0.0.1:8080/x", True, None),
    ("http://127.0.0.1:8080/x", False, "https"),
    ("http://10.0.0.1/x", True, "https"),
])
def test_webhook_address_is_checked(settings, url, allow_any, refused):
    settings.NOTICE_WEBHOOK_ALLOW_ANY_HOST = allow_any
    result = notices.webhook_refusal(url)
    assert (result is None) if refused is None else (refused in result)


def test_department_refuses_a_foreign_robot_address(settings, departments):
    settings.NOTICE_WEBHOOK_ALLOW_ANY_HOST = False
    departments["a"].webhook_url = "https://example.com/hook"
    with pytest.raises(ValidationError) as caught:
        departments["a"].full_clean()
    assert "企业微信" in caught.value.message_dict["webhook_url"][0]


# The outbox.

def test_notice_for_a_department_with_a_robot_is_posted(make_task, departments, officer_a, receiver):
    ok = receiver()
    with_robot(departments["a"], ok.url)
    task = make_task(lead_department=departments["a"])
    row = NoticeDelivery.objects.get()
    assert row.status == "pending"
    assert notices.deliver_due() == (1, 0)
    row.refresh_from_db()
    assert row.status == "sent" and row.attempts == 1 and row.sent_at is not None
    payload = ok.received[0]
    assert payload["msgtype"] == "text"
    content = payload["text"]["content"]
    assert task.serial in content and task.title in content
    assert f"https://duban.example.gov.cn/tasks/{task.pk}/" in content
    assert notices.deliver_due() == (0, 0)  # sent once only


def test_failing_robot_is_recorded_and_retried_with_backoff(make_task, departments, receiver):
    failing = receiver(status=500)
    with_robot(departments["a"], failing.url)
    make_task(lead_department=departments["a"])
    now = timezone.now()
    assert notices.deliver_due(now=now) == (0, 1)
    row = NoticeDelivery.objects.get()
    assert (row.status, row.attempts) == ("pending", 1)
    assert "500" in row.last_error
    assert row.next_attempt_at == now + timedelta(seconds=notices.BACKOFF[0])
    assert notices.deliver_due(now=now + timedelta(seconds=10)) == (0, 0)  # not due yet
    # The receiver recovers: the next due attempt goes through.
    NoticeDelivery.objects.update(url=receiver().url)
    assert notices.deliver_due(now=now + timedelta(seconds=notices.BACKOFF[0] + 1)) == (1, 0)
    row.refresh_from_db()
    assert (row.status, row.attempts, row.last_error) == ("sent", 2, "")


def test_robot_is_given_up_after_the_last_attempt(make_task, departments, receiver):
    with_robot(departments["a"], receiver(status=500).url)
    make_task(lead_department=departments["a"])
    at = timezone.now()
    for _ in range(notices.MAX_ATTEMPTS):
        notices.deliver_due(now=at)
        at += timedelta(days=1)
    row = NoticeDelivery.objects.get()
    assert (row.status, row.attempts) == ("failed", notices.MAX_ATTEMPTS)
    assert notices.deliver_due(now=at) == (0, 0)


def test_robot_errcode_counts_as_failure(make_task, departments, receiver):
    with_robot(departments["a"], receiver(body=b'{"errcode":310000,"errmsg":"keywords not in content"}').url)
    make_task(lead_department=departments["a"])
    assert notices.deliver_due() == (0, 1)
    assert "310000" in NoticeDelivery.objects.get().last_error


def test_hanging_robot_times_out_and_is_retried_later(make_task, departments, receiver):
    with_robot(departments["a"], receiver(delay=3).url)
    make_task(lead_department=departments["a"])
    started = time.monotonic()
    assert notices.deliver_due() == (0, 1)
    assert time.monotonic() - started < 2
    row = NoticeDelivery.objects.get()
    assert row.status == "pending" and "timed out" in row.last_error.lower()


def test_page_answers_fast_while_the_robot_hangs(client, settings, make_task, departments, supervisor, receiver,
                                                 monkeypatch, django_capture_on_commit_callbacks):
    """The chase page returns at once; the robot is tried after commit in a background thread."""
    settings.NOTICE_DELIVERY_THREAD = True
    hanging = receiver(delay=2)
    with_robot(departments["a"], hanging.url)
    task = make_task(lead_department=departments["a"])
    tried = []
    # The thread's own database connection cannot see this test's uncommitted rows, so here it
    # posts the payloads it was handed; deliver_due's recording is tested above.
    payloads = {row.pk: row.payload for row in NoticeDelivery.objects.all()}

    def post_in_thread(*, ids):
        for pk in ids:
            try:
                notices.send_webhook(hanging.url, payloads.get(pk, {}), timeout=0.5)
            except Exception as error:  # noqa: BLE001
                tried.append(error)

    monkeypatch.setattr(notices, "deliver_due", post_in_thread)
    client.force_login(supervisor)
    started = time.monotonic()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("tracker:task_chase", args=[task.pk]), {"message": "请抓紧"})
    assert response.status_code == 302
    assert time.monotonic() - started < 0.5
    for thread in threading.enumerate():
        if thread.name == "notice-delivery":
            thread.join(timeout=5)
    assert len(tried) == 1 and "timed out" in str(tried[0]).lower()


def test_deliver_notices_command_reports_counts(make_task, departments, receiver, capsys):
    with_robot(departments["a"], receiver().url)
    make_task(lead_department=departments["a"])
    call_command("deliver_notices")
    assert "已发送 1 条，失败 0 条" in capsys.readouterr().out


def test_claimed_row_is_not_sent_twice(make_task, departments, receiver):
    ok = receiver()
    with_robot(departments["a"], ok.url)
    make_task(lead_department=departments["a"])
    # Another sender claimed it a moment ago: it is not due for this one.
    NoticeDelivery.objects.update(next_attempt_at=timezone.now() + timedelta(seconds=notices.CLAIM_SECONDS))
    assert notices.deliver_due() == (0, 0)
    assert ok.received == []


def test_inactive_department_gets_no_robot_message(make_task, departments, receiver):
    with_robot(departments["a"], receiver().url)
    Department.objects.filter(pk=departments["a"].pk).update(is_active=False)
    make_task(lead_department=departments["a"])
    assert NoticeDelivery.objects.count() == 0


def test_robot_address_and_outbox_are_the_supervisors_alone(client, departments, supervisor, leader, officer_a):
    with_robot(departments["a"], "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=secret")
    for user, shown in ((supervisor, True), (leader, False), (officer_a, False)):
        client.force_login(user)
        page = client.get(reverse("admin:tracker_department_change", args=[departments["a"].pk])).content.decode()
        assert ("key=secret" in page) == shown, user
        expected = 200 if shown else 403
        assert client.get(reverse("admin:tracker_noticedelivery_changelist")).status_code == expected


def test_retry_action_sends_a_failed_row_now(client, make_task, departments, supervisor, receiver):
    with_robot(departments["a"], receiver(status=500).url)
    make_task(lead_department=departments["a"])
    notices.deliver_due()
    NoticeDelivery.objects.update(url=receiver().url)
    client.force_login(supervisor)
    row = NoticeDelivery.objects.get()
    client.post(reverse("admin:tracker_noticedelivery_changelist"),
                {"action": "retry_now", "_selected_action": [row.pk]})
    row.refresh_from_db()
    assert row.status == "sent"


def test_admin_edit_adding_a_co_department_tells_it(client, make_task, departments, supervisor, officer_a, officer_c):
    task = make_task(lead_department=departments["a"], deadline=timezone.localdate() + timedelta(days=30))
    client.force_login(supervisor)
    response = client.post(reverse("admin:tracker_task_change", args=[task.pk]), {
        "title": task.title, "content": "", "category": "deploy", "lead_department": departments["a"].pk,
        "co_departments": [departments["c"].pk], "deadline": task.deadline.isoformat(), "note": "",
        "expected_version": task.version,
        "progress_updates-TOTAL_FORMS": "0", "progress_updates-INITIAL_FORMS": "0",
    })
    assert response.status_code == 302
    assert kinds_of(officer_c) == ["assigned"] and kinds_of(officer_a) == ["assigned"]
    assert list(task.co_departments.all()) == [departments["c"]]
