"""Two app servers, one PostgreSQL, one Redis and a worker: a journey that alternates between the servers.

This is the production topology of the README (生产部署拓扑) run for real, on the loopback:
a fresh PostgreSQL database migrated and collectstatic'ed as the README says, two gunicorn
processes on two ports, and one ``celery -A config worker`` on the local Redis, all with
DJANGO_ENV=production and one shared MEDIA_ROOT (the local-disk form of the shared storage).
A supervisor uploads a speech on one server and confirms its tasks on the other; an officer
previews a ledger import on one and confirms it on the other; a 催办 sent on one server
is mailed by the worker (Django's file-based mail backend, readable across processes) and
its group-chat notice posted by the worker to a robot on the loopback.

It runs on PostgreSQL only (SQLite is one machine's file, not a shared database): with
DATABASE_URL naming SQLite it is skipped with that reason. On the PostgreSQL pass it needs
Redis on 127.0.0.1:6379 (the CI machine runs it; .ci/run starts it if stopped): in CI
a missing Redis fails the test instead of skipping it.
"""
import html.parser
import io
import json
import os
import re
import secrets
import signal
import subprocess
import sys
import threading
import time
import urllib.parse
import uuid
from contextlib import ExitStack, contextmanager
from http.client import HTTPConnection
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from tests import test_production_smoke as smoke
from tests.conftest import SPEECH

PASSWORD = "Liang#fu-wu-qi-2025"
WAIT = 60  # seconds for the worker to deliver mail and notices

pytestmark = pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")),
    reason="两台应用服务器共用一个数据库：只在 PostgreSQL 上运行（DATABASE_URL 指向 SQLite 时跳过）",
)


def redis_db_or_skip():
    """Return a Redis URL on a database number of its own; skip (fail in CI) where Redis is not running."""
    import redis

    url = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379")
    try:
        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
    except redis.RedisError as error:
        if os.environ.get("CI"):
            pytest.fail(f"CI 中 Redis 必须可用：{error}")
        pytest.skip(f"本机没有运行 Redis（{url}）：{error}")
    # Parallel runs use distinct db numbers and key prefixes, so their queues never mix.
    return f"{url}/{secrets.randbelow(14) + 1}"


class Robot:
    """A group-chat robot on the loopback that records what it is sent."""

    def __init__(self):
        self.received = []
        robot = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                robot.received.append(json.loads(body))
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(b'{"errcode":0,"errmsg":"ok"}')

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/cgi-bin/webhook/send?key=two-servers"

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@contextmanager
def process(args, env, log_path, *, port=None):
    """Start a long-running process (gunicorn, celery); stop it and its children whatever happens."""
    with open(log_path, "wb") as log:
        child = subprocess.Popen(args, cwd=smoke.REPO, env=env, stdout=log, stderr=subprocess.STDOUT,
                                 start_new_session=True)
    try:
        if port is not None:
            smoke.wait_until_listening(child, port, log_path)
        yield child
    finally:
        if child.poll() is None:
            os.killpg(child.pid, signal.SIGTERM)
            try:
                child.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(child.pid, signal.SIGKILL)
                child.wait(timeout=10)


SETUP = """
from django.contrib.auth.models import Group
from tracker.models import Department, User
dept = Department.objects.create(name="县教育局基础教育股", short_name="基础教育股", webhook_url={robot!r})
sup = User.objects.create_user("sup", password={password!r}, is_staff=True, email="sup@example.gov.cn")
sup.groups.add(Group.objects.get(name="督查员"))
off = User.objects.create_user("off", password={password!r}, is_staff=True, department=dept,
                               email="off@example.gov.cn")
off.groups.add(Group.objects.get(name="部门填报员"))
print(dept.pk)
"""


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    """Yield (server A port, server B port, mail folder, robot, department id, media root)."""
    tmp = tmp_path_factory.mktemp("two-servers")
    broker = redis_db_or_skip()
    robot = Robot()
    with ExitStack() as stack:
        stack.callback(robot.close)
        database_url = stack.enter_context(smoke.throwaway_database(tmp))
        media, mail_dir = tmp / "media", tmp / "mail"
        env = smoke.production_env(database_url, tmp / "static", media)
        env.update(
            CELERY_BROKER_URL=broker,
            CELERY_KEY_PREFIX=f"duban-test-{uuid.uuid4().hex[:8]}:",
            REDIS_URL=broker,
            EMAIL_BACKEND="django.core.mail.backends.filebased.EmailBackend",
            EMAIL_FILE_PATH=str(mail_dir),
            NOTICE_WEBHOOK_ALLOW_ANY_HOST="1",
            NOTICE_WEBHOOK_TIMEOUT="2",
            PYTHONUNBUFFERED="1",
        )
        smoke.manage(env, "migrate", "--noinput")
        smoke.manage(env, "collectstatic", "--noinput")
        department = int(smoke.manage(env, "shell", "-c", SETUP.format(robot=robot.url, password=PASSWORD))
                         .stdout.strip().splitlines()[-1])
        ports = []
        for name in ("a", "b"):
            port = smoke.free_port()
            # Each server has a temp folder of its own, as on two machines: nothing may be parked there.
            own_tmp = tmp / f"tmp-{name}"
            own_tmp.mkdir()
            stack.enter_context(process(
                [sys.executable, "-m", "gunicorn", "config.wsgi:application", "--bind", f"127.0.0.1:{port}",
                 "--workers", "1", "--timeout", "120"], {**env, "TMPDIR": str(own_tmp)}, tmp / f"gunicorn-{name}.log",
                port=port))
            ports.append(port)
        worker_log = tmp / "worker.log"
        worker = stack.enter_context(process(
            [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool", "solo", "--loglevel", "INFO",
             "--without-heartbeat", "--without-gossip", "--without-mingle"], env, worker_log))
        yield {"a": ports[0], "b": ports[1], "mail": mail_dir, "robot": robot, "department": department,
               "media": media, "worker": worker, "worker_log": worker_log}


class FormFields(html.parser.HTMLParser):
    """The fields a browser would send from the form whose action ends with ``action`` (or the first form)."""

    def __init__(self, action=None):
        super().__init__()
        self.action, self.inside, self.done = action, False, False
        self.fields, self.select, self.textarea = [], None, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and not self.done and not self.inside:
            self.inside = self.action is None or (attrs.get("action") or "").endswith(self.action)
            return
        if not self.inside:
            return
        name = attrs.get("name")
        if tag == "input" and name:
            kind = (attrs.get("type") or "text").lower()
            if kind in ("checkbox", "radio"):
                if "checked" in attrs:
                    self.fields.append((name, attrs.get("value") or "on"))
            elif kind not in ("submit", "button", "file"):
                self.fields.append((name, attrs.get("value") or ""))
        elif tag == "select" and name:
            self.select = name
        elif tag == "option" and self.select and "selected" in attrs:
            self.fields.append((self.select, attrs.get("value") or ""))
        elif tag == "textarea" and name:
            self.textarea = [name, ""]

    def handle_data(self, data):
        if self.textarea is not None:
            self.textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "select":
            self.select = None
        elif tag == "textarea" and self.textarea is not None:
            self.fields.append(tuple(self.textarea))
            self.textarea = None
        elif tag == "form" and self.inside:
            self.inside, self.done = False, True


def form_fields(page, action=None):
    parser = FormFields(action)
    parser.feed(page)
    return parser.fields


class Browser:
    """One person's browser: cookies kept across both servers, as behind one load balancer."""

    def __init__(self, cluster):
        self.cluster, self.cookies = cluster, {}

    def request(self, server, method, path, body=None, content_type=None):
        conn = HTTPConnection("127.0.0.1", self.cluster[server], timeout=120)
        # The HTTPS proxy in front passes the scheme on; the CSRF check wants a same-origin Origin.
        headers = {"Host": "127.0.0.1", "X-Forwarded-Proto": "https", "Origin": "https://127.0.0.1",
                   "Referer": f"https://127.0.0.1{path}"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if content_type:
            headers["Content-Type"] = content_type
        try:
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            data = response.read()
        finally:
            conn.close()
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name.strip()] = rest.split(";", 1)[0]
        return response.status, response, data

    def get(self, server, path):
        status, response, data = self.request(server, "GET", path)
        assert status in (200, 302), f"GET {path} on {server}: {status}\n{data.decode(errors='replace')[:2000]}"
        return status, response, data

    def page(self, server, path):
        status, _, data = self.get(server, path)
        assert status == 200, f"GET {path} on {server}: {status}"
        return data.decode()

    def post(self, server, path, fields):
        fields = [(k, v) for k, v in fields if k != "csrfmiddlewaretoken"]
        fields.append(("csrfmiddlewaretoken", self.cookies["csrftoken"]))
        body = urllib.parse.urlencode(fields).encode()
        status, response, data = self.request(server, "POST", path, body, "application/x-www-form-urlencoded")
        assert status in (200, 302), f"POST {path} on {server}: {status}\n{data.decode(errors='replace')[:3000]}"
        return status, response, data

    def post_multipart(self, server, path, fields, files):
        boundary = uuid.uuid4().hex
        parts = []
        for name, value in [*fields, ("csrfmiddlewaretoken", self.cookies["csrftoken"])]:
            parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode())
        for name, filename, content in files:
            parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
                         f'filename="{urllib.parse.quote(filename)}"\r\n'
                         f"Content-Type: application/octet-stream\r\n\r\n".encode() + content + b"\r\n")
        parts.append(f"--{boundary}--\r\n".encode())
        status, response, data = self.request(server, "POST", path, b"".join(parts),
                                              f"multipart/form-data; boundary={boundary}")
        assert status in (200, 302), f"POST {path} on {server}: {status}\n{data.decode(errors='replace')[:3000]}"
        return status, response, data

    def login(self, server, username):
        self.get(server, "/admin/login/")
        status, response, _ = self.post(server, "/admin/login/", [("username", username), ("password", PASSWORD)])
        assert status == 302, f"{username} 登录失败"


def location(response):
    return urllib.parse.urlsplit(response.getheader("Location")).path


def wait_for(condition, what, log=None):
    deadline = time.monotonic() + WAIT
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.3)
    pytest.fail(f"{WAIT} 秒内没有等到：{what}\n" + (log.read_text()[-4000:] if log else ""))


def test_journey_alternating_between_two_app_servers(cluster):
    from openpyxl import load_workbook

    # 1. The supervisor uploads a speech on A (the original goes to the shared storage)…
    sup = Browser(cluster)
    sup.login("a", "sup")
    _, response, _ = sup.post_multipart("a", "/speeches/upload/", [
        ("text", ""), ("meeting", "全县秋季开学工作会议"), ("speaker", "李县长"), ("date", "2024-08-16"),
    ], [("file", "开学工作会议讲话.txt", SPEECH.encode("utf-8"))])
    review = location(response)
    assert review.startswith("/speeches/") and review.endswith("/review/")
    assert list((cluster["media"] / "speeches").rglob("*.txt")), "讲话原文应存入共享存储"
    # …and reviews and confirms it on B: every proposed item, led by the officer's department.
    page = sup.page("b", review)
    confirm = review.replace("/review/", "/confirm/")
    fields = form_fields(page, confirm)
    included = {name[:-len("-include")] for name, _ in fields if name.endswith("-include")}
    assert included, "讲话中应有建议生成任务的条目"
    fields = [(k, v) for k, v in fields if not (k.endswith("-lead_department") and k.rsplit("-", 1)[0] in included)]
    fields += [(f"{prefix}-lead_department", str(cluster["department"])) for prefix in included]
    _, response, _ = sup.post("b", confirm, fields)
    assert location(response) == review
    assert f"已生成 {len(included)} 项督办任务" in sup.page("a", review)

    # 2. The officer exports the ledger on B, fills in progress, previews the import on A, confirms on B.
    off = Browser(cluster)
    off.login("b", "off")
    _, response, body = off.get("b", "/export/tasks.xlsx")
    workbook = load_workbook(io.BytesIO(body))
    sheet = workbook["任务清单"]
    header = [cell.value for cell in sheet[3]]
    column = {name: header.index(name) + 1 for name in ("督办编号", "最新进展", "完成率", "任务ID")}
    rows = [row for row in range(4, sheet.max_row + 1) if sheet.cell(row, column["任务ID"]).value]
    assert len(rows) == len(included)
    filled = {}
    for row in rows:
        serial = sheet.cell(row, column["督办编号"]).value
        filled[serial] = f"{serial} 已完成校舍排查方案"
        sheet.cell(row, column["最新进展"]).value = filled[serial]
        sheet.cell(row, column["完成率"]).value = 0.3
    upload = io.BytesIO()
    workbook.save(upload)
    off.get("a", "/ledger/import/")
    _, _, body = off.post_multipart("a", "/ledger/import/", [("action", "preview")],
                                    [("file", "督办台账.xlsx", upload.getvalue())])
    preview = body.decode()
    token = re.search(r'name="token" value="([^"]+)"', preview).group(1)
    assert f"确认导入 {len(rows)} 项" in preview
    _, response, _ = off.post("b", "/ledger/import/", [("token", token), ("action", "confirm")])
    assert location(response) == "/ledger/import/"
    assert f"已导入 {len(rows)} 条进展" in off.page("a", "/ledger/import/")
    first_serial, first_text = next(iter(filled.items()))
    task_id = sheet.cell(rows[0], column["任务ID"]).value
    assert first_text in off.page("a", f"/tasks/{task_id}/")

    # 3. A 催办 sent on A: the worker mails the officer and posts the robot message.
    _, response, _ = sup.post("a", f"/tasks/{task_id}/chase/", [("message", "请本周五前报送排查台账")])
    # The page answers at once: the mail is the worker's job.
    assert "已交由后台发送给 1 位填报员" in sup.page("b", location(response))

    def chase_mail():
        for path in cluster["mail"].glob("*.log") if cluster["mail"].exists() else []:
            text = path.read_text(encoding="utf-8", errors="replace")
            if "off@example.gov.cn" in text and "【督办催办】" in _decoded_subjects(text):
                return text
        return None

    letter = wait_for(chase_mail, "催办邮件（由 worker 发送）", cluster["worker_log"])
    assert "请本周五前报送排查台账" in _decoded_body(letter) and first_serial in _decoded_body(letter)

    def chase_robot():
        return [m for m in cluster["robot"].received if "催办" in m["text"]["content"]]

    [posted] = wait_for(chase_robot, "催办的群机器人消息（由 worker 推送）", cluster["worker_log"])
    assert first_serial in posted["text"]["content"]
    assert "tracker.jobs.send_chase_mail" in cluster["worker_log"].read_text()


def _message(text):
    from email import message_from_bytes, policy

    # The file backend writes each message (8-bit UTF-8) followed by a line of dashes.
    return message_from_bytes(text.split("\n" + "-" * 79)[0].encode("utf-8"), policy=policy.default)


def _decoded_subjects(text):
    return str(_message(text)["Subject"])


def _decoded_body(text):
    return _message(text).get_content()
