"""The README's production steps, run for real, give a site that answers.

Settings-level tests cannot see what breaks a deployment: ``collectstatic`` failing in
post-processing writes no manifest, and then every page that names a static file answers
500. So these tests run the README's commands in subprocesses with ``DJANGO_ENV=production``
(``check --deploy``, ``migrate``, ``collectstatic``, gunicorn) and fetch pages over HTTP.
The database is the one ``DATABASE_URL`` names the kind of: a throwaway PostgreSQL database
beside the test database, else a temporary SQLite file. Nothing is written into the checkout.
"""
import http.client
import json
import os
import secrets
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
STEP_TIMEOUT = 300  # seconds per manage.py step; the CI machine is small and shared
START_TIMEOUT = 60  # seconds for gunicorn to accept connections


@contextmanager
def throwaway_database(tmp_dir):
    """Yield a DATABASE_URL for an empty database of the kind the suite runs on, then drop it."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        yield f"sqlite:///{tmp_dir / 'smoke.sqlite3'}"
        return

    import dj_database_url
    import psycopg
    from psycopg import sql

    config = dj_database_url.parse(url)
    name = f"duban_smoke_{secrets.token_hex(4)}"
    connect = dict(
        dbname="postgres",
        user=config["USER"] or None,
        password=config["PASSWORD"] or None,
        host=config["HOST"] or None,
        port=config["PORT"] or None,
        autocommit=True,
    )
    with psycopg.connect(**connect) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield url.rsplit("/", 1)[0] + "/" + name
    finally:
        with psycopg.connect(**connect) as conn:
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


def production_env(database_url, static_root, media_root):
    """Return the environment an administrator exports before the README's commands."""
    env = dict(os.environ)
    # DJANGO_ALLOW_ASYNC_UNSAFE is set by the browser tests' conftest for this test process;
    # check --deploy rightly refuses it, and no deployment has it.
    for name in ("DEBUG", "SECURE_SSL_REDIRECT", "STATIC_ROOT", "MEDIA_ROOT", "DJANGO_ALLOW_ASYNC_UNSAFE"):
        env.pop(name, None)
    env.update(
        DJANGO_ENV="production",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="127.0.0.1,localhost",
        DATABASE_URL=database_url,
        STATIC_ROOT=str(static_root),
        MEDIA_ROOT=str(media_root),
        # Production requires a shared cache; Redis runs on the development and CI machines.
        # A key prefix of its own keeps this site's entries apart from any other on that server.
        REDIS_URL=os.environ.get("SMOKE_REDIS_URL", "redis://127.0.0.1:6379/0"),
        CACHE_KEY_PREFIX=f"smoke-{secrets.token_hex(4)}",
    )
    return env


def manage(env, *args):
    """Run one manage.py step as the README does; fail with its output if it exits non-zero."""
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=STEP_TIMEOUT,
    )
    if result.returncode != 0:
        pytest.fail(
            f"manage.py {' '.join(args)} 退出码 {result.returncode}\n"
            f"{result.stdout[-2000:]}\n{result.stderr[-4000:]}"
        )
    return result


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_listening(process, port, log_path):
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"gunicorn 启动失败（退出码 {process.returncode}）：\n{log_path.read_text()[-4000:]}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.2)
    pytest.fail(f"gunicorn 在 {START_TIMEOUT} 秒内没有开始监听：\n{log_path.read_text()[-4000:]}")


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """Deploy by the README into a temporary directory; yield (port, STATIC_ROOT)."""
    tmp_dir = tmp_path_factory.mktemp("production")
    static_root = tmp_dir / "static"
    with throwaway_database(tmp_dir) as database_url:
        env = production_env(database_url, static_root, tmp_dir / "media")
        manage(env, "check", "--deploy", "--fail-level", "WARNING")
        manage(env, "migrate", "--noinput")
        manage(env, "collectstatic", "--noinput")

        port = free_port()
        log_path = tmp_dir / "gunicorn.log"
        with open(log_path, "wb") as log:
            process = subprocess.Popen(
                [sys.executable, "-m", "gunicorn", "config.wsgi:application",
                 "--bind", f"127.0.0.1:{port}", "--workers", "1", "--timeout", "60"],
                cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT,
            )
        try:
            wait_until_listening(process, port, log_path)
            yield port, static_root
        finally:
            process.terminate()
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=10)


def get(port, path):
    """GET path as the HTTPS proxy in front of gunicorn would pass it on; no redirects followed."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        # Production redirects plain HTTP to HTTPS and trusts X-Forwarded-Proto from the proxy.
        conn.request("GET", path, headers={"Host": "127.0.0.1", "X-Forwarded-Proto": "https"})
        response = conn.getresponse()
        return response.status, response.headers, response.read()
    finally:
        conn.close()


def hashed_name(static_root, name):
    """Return the name collectstatic gave ``name`` (what ``{% static %}`` puts in pages)."""
    manifest = json.loads((static_root / "staticfiles.json").read_text())
    return manifest["paths"][name]


def test_login_page_answers(site):
    port, _ = site
    status, headers, body = get(port, "/admin/login/")
    assert status == 200, body.decode(errors="replace")[:2000]
    assert "讲话任务督办系统" in body.decode()
    assert "no-store" in headers["Cache-Control"]
    assert "script-src 'self'" in headers["Content-Security-Policy"]
    assert headers["Strict-Transport-Security"].startswith("max-age=")


@pytest.mark.parametrize("name", ["vendor/chartjs/chart.umd.js", "duban/duban.css", "admin/css/base.css"])
def test_static_files_are_served_under_hashed_names(site, name):
    port, static_root = site
    hashed = hashed_name(static_root, name)
    status, headers, body = get(port, "/static/" + hashed)
    assert status == 200
    assert body == (static_root / hashed).read_bytes()
    # Hashed names never change content, so browsers may keep them for good.
    assert "immutable" in headers["Cache-Control"] and "no-store" not in headers["Cache-Control"]


def test_production_refuses_to_start_without_a_shared_cache(tmp_path):
    """Without Redis each worker would keep its own dashboards, and a write would not clear the others'."""
    env = production_env("sqlite:///" + str(tmp_path / "none.sqlite3"), tmp_path / "static", tmp_path / "media")
    env.pop("REDIS_URL")
    result = subprocess.run([sys.executable, "manage.py", "check"], cwd=REPO, env=env, capture_output=True,
                            text=True, timeout=STEP_TIMEOUT)
    assert result.returncode != 0
    assert "REDIS_URL" in result.stderr and "生产环境必须" in result.stderr
