"""Load the pages under concurrency: gunicorn (2 workers) on PostgreSQL with 100,000 tasks, 20 clients.

Usage:
  python bench/bench_load.py [--tasks 100000] [--seconds 20] [--clients 20] [--workers 2]
  DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_load REDIS_URL=redis://127.0.0.1:6379/5 \
      python bench/bench_load.py

DATABASE_URL names a scratch PostgreSQL database (default: bench_load on 127.0.0.1, or
bench_load_<N> for another --tasks), created and filled by bench/generate.py once and then
reused; never point it at real data. REDIS_URL, when given, is the cache gunicorn uses (as
in production); it is flushed before each page so the first request builds what the others
reuse. The load generator is wrk (``apt-get install wrk``) when present, else a small
threaded Python client; both keep 20 connections busy on 127.0.0.1 with a logged-in
session cookie.

For each page it prints requests per second, the median and 95th percentile of the wall
time, and the CPU seconds spent per request by the gunicorn workers and by the PostgreSQL
backends serving them (read from /proc before and after). On a shared machine the wall
times move with the neighbours' load; CPU per request moves much less.
"""
from __future__ import annotations

import http.client
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import quote

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import harness  # noqa: E402

PAGES = [
    ("填报员 任务清单", "bench_officer", "/tasks/"),
    ("督查员 任务清单", "bench_sup", "/tasks/"),
    ("督查员 督办看板", "bench_sup", "/dashboard/"),
    ("领导 督办看板", "bench_leader", "/dashboard/"),
    ("督查员 关键词“校舍”", "bench_sup", "/tasks/?q=" + quote("校舍")),
    ("督查员 关键词“第12345项”", "bench_sup", "/tasks/?q=" + quote("第12345项")),
]
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")

WRK_SCRIPT = """
done = function(summary, latency, requests)
  io.write(string.format("RESULT %d %d %d %d %d %d\\n", summary.requests, summary.duration,
    latency:percentile(50), latency:percentile(95),
    summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.write
    + summary.errors.timeout, 0))
end
"""


def cpu_seconds(pids):
    """Return {pid: user + system CPU seconds used so far} of the processes ``pids`` still running."""
    found = {}
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except FileNotFoundError:
            continue
        found[pid] = (int(fields[11]) + int(fields[12])) / CLOCK_TICKS  # utime, stime (fields 14 and 15 of stat)
    return found


def cpu_used(before, after):
    """Return the CPU seconds used between two readings; a process that appeared in between counts whole."""
    return sum(seconds - before.get(pid, 0) for pid, seconds in after.items())


def children(pid):
    """Return the pids of the direct children of ``pid`` (the gunicorn workers of the master)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1]) == pid:
                    found.append(int(entry.name))
            except (FileNotFoundError, ProcessLookupError):
                continue
    return found


def backend_pids(database):
    """Return the pids of the PostgreSQL backends connected to ``database`` (the workers' connections)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pid FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()", [database])
        return [row[0] for row in cursor.fetchall()]


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def session_cookie(username):
    """Log ``username`` in the way Django's test client does and return the session cookie's value."""
    from django.test import Client

    from tracker.models import User

    client = Client()
    client.force_login(User.objects.get(username=username))
    return client.cookies["sessionid"].value


def fetch(port, path, cookie):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    conn.request("GET", path, headers={"Cookie": f"sessionid={cookie}", "Host": "127.0.0.1"})
    response = conn.getresponse()
    body = response.read()
    conn.close()
    return response.status, body


def run_wrk(port, path, cookie, clients, seconds):
    """Return (requests, seconds, [p50 ms, p95 ms], errors) measured by wrk."""
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(WRK_SCRIPT)
    try:
        out = subprocess.run(
            ["wrk", "-t2", f"-c{clients}", f"-d{seconds}s", "--timeout", "30s", "-s", script.name,
             "-H", f"Cookie: sessionid={cookie}", f"http://127.0.0.1:{port}{path}"],
            capture_output=True, text=True, check=True).stdout
    finally:
        os.unlink(script.name)
    line = next(line for line in out.splitlines() if line.startswith("RESULT"))
    requests, duration_us, p50, p95, errors, _ = (int(x) for x in line.split()[1:])
    return requests, duration_us / 1e6, [p50 / 1000, p95 / 1000], errors


def run_python(port, path, cookie, clients, seconds):
    """The same as run_wrk with threads and keep-alive connections, for a machine without wrk."""
    times, errors, stop = [], [0], time.monotonic() + seconds
    lock = threading.Lock()

    def client():
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        while time.monotonic() < stop:
            started = time.perf_counter()
            conn.request("GET", path, headers={"Cookie": f"sessionid={cookie}"})
            response = conn.getresponse()
            response.read()
            elapsed = (time.perf_counter() - started) * 1000
            with lock:
                times.append(elapsed)
                errors[0] += response.status != 200
    started = time.monotonic()
    threads = [threading.Thread(target=client) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    cuts = statistics.quantiles(times, n=100)
    return len(times), time.monotonic() - started, [cuts[49], cuts[94]], errors[0]


def start_gunicorn(port, workers, env):
    process = subprocess.Popen(
        [str(Path(sys.executable).parent / "gunicorn"), "config.wsgi", "-w", str(workers), "-b", f"127.0.0.1:{port}",
         "--timeout", "120", "--log-level", "warning"],
        cwd=harness.REPO, env=env, start_new_session=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            time.sleep(0.3)
    else:
        process.kill()
        sys.exit("gunicorn 未能启动")
    while len(children(process.pid)) < workers:
        time.sleep(0.2)
    return process


def flush_cache(redis_url):
    if redis_url:
        import redis

        redis.Redis.from_url(redis_url).flushdb()


def main():
    parser = harness.scale_parser(__doc__)
    parser.add_argument("--seconds", type=int, default=20)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--only", default="", help="run only the pages whose label contains this text")
    args = parser.parse_args()
    suffix = "" if args.tasks == 100_000 else f"_{args.tasks}"
    os.environ.setdefault("DATABASE_URL", f"postgres://postgres@127.0.0.1:5432/bench_load{suffix}")
    harness.prepare(tasks=args.tasks, departments=args.departments)

    from django.db import connection

    from bench.generate import generate

    generate(tasks=0, departments=args.departments)  # the persona users, should the data predate one
    database = connection.settings_dict["NAME"]
    redis_url = os.environ.get("REDIS_URL", "")
    port = free_port()
    env = {**os.environ, "DEBUG": "false", "ALLOWED_HOSTS": "127.0.0.1", "DB_CONN_MAX_AGE": "600"}
    load = run_wrk if shutil.which("wrk") else run_python
    print(f"gunicorn {args.workers} 个进程；{args.clients} 个并发客户端；每个页面 {args.seconds} 秒；"
          f"负载工具 {'wrk' if load is run_wrk else 'Python 线程'}；缓存 {redis_url or '各进程本地内存'}\n")
    print(f"{'页面':<22}{'请求/秒':>8}{'p50(ms)':>9}{'p95(ms)':>9}{'应用CPU(ms/次)':>15}{'数据库CPU(ms/次)':>16}"
          f"{'请求数':>8}{'错误':>6}")
    gunicorn = start_gunicorn(port, args.workers, env)
    try:
        workers = children(gunicorn.pid)
        for label, username, path in PAGES:
            if args.only not in label:
                continue
            cookie = session_cookie(username)
            flush_cache(redis_url)
            for _ in range(2 * args.workers):  # each worker connects and warms up
                status, body = fetch(port, path, cookie)
                if status != 200:
                    sys.exit(f"{label} {path} 返回 {status}")
            backends = backend_pids(database)
            app_before, db_before = cpu_seconds(workers), cpu_seconds(backends)
            requests, elapsed, (p50, p95), errors = load(port, path, cookie, args.clients, args.seconds)
            app_cpu = cpu_used(app_before, cpu_seconds(workers))
            db_cpu = cpu_used(db_before, cpu_seconds(set(backend_pids(database)) | set(backends)))
            print(f"{label:<22}{requests / elapsed:>8.1f}{p50:>9.0f}{p95:>9.0f}"
                  f"{1000 * app_cpu / requests:>15.1f}{1000 * db_cpu / requests:>16.1f}{requests:>8}{errors:>6}",
                  flush=True)
    finally:
        os.killpg(gunicorn.pid, signal.SIGTERM)
        gunicorn.wait(timeout=30)


if __name__ == "__main__":
    main()
