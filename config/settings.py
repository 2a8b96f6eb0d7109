"""Settings for 讲话任务督办系统, read from the environment.

Local defaults just work (SQLite file in the project, DEBUG on, a development key).
``DJANGO_ENV=production`` switches to the hardened profile: a real ``SECRET_KEY`` and
``ALLOWED_HOSTS`` must be given, and ``manage.py check --deploy`` passes.
"""
import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured

from config.storage import s3_storage_from_env

BASE_DIR = Path(__file__).resolve().parent.parent

PRODUCTION = os.environ.get("DJANGO_ENV", "development") == "production"


def env_bool(name, default):
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default):
    value = os.environ.get(name)
    if value is None:
        return default
    return [part.strip() for part in value.split(",") if part.strip()]


DEBUG = env_bool("DEBUG", not PRODUCTION)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if PRODUCTION:
        raise ImproperlyConfigured("生产环境必须通过环境变量 SECRET_KEY 提供密钥。")
    SECRET_KEY = "dev-only-insecure-key-do-not-use-in-production-8c1f2b"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", [] if PRODUCTION else ["127.0.0.1", "localhost", "testserver"])
if PRODUCTION and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("生产环境必须通过环境变量 ALLOWED_HOSTS 指定主机名。")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_filters",
    "simple_history",
    "axes",
    "tracker",
    "speeches",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Below WhiteNoise, so static files keep their own caching: pages get no-store and the CSP.
    "config.headers.PageHeadersMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Axes must come last: it inspects the outcome of authentication.
    "axes.middleware.AxesMiddleware",
]

# Sent with every page (config/headers.py), in every environment so a violation shows up in
# development and in the browser tests, not first in production. Scripts come only from our
# own static files (Chart.js is vendored; page data travels in json_script tags, which are not
# run). Styles also allow inline ones: Django admin's change list writes a <style> block,
# simple_history's history list a style= attribute, and the bare 400/500 pages carry their
# CSS inline so they render even when static files are broken. Inline CSS cannot run code.
CONTENT_SECURITY_POLICY = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "object-src 'none'",
    "base-uri 'self'",
    "frame-ancestors 'none'",
    "form-action 'self'",
])

ROOT_URLCONF = "config.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "tracker.supervision.home.header_context",
            ],
        },
    },
]

WSGI_APPLICATION = "config.wsgi.application"

# Database: DATABASE_URL, or a SQLite file in the project.
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "60")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # PostgreSQL's default random_page_cost (4) prices a disk seek as on spinning disks; on the
    # SSDs servers have now, 1.1 is the usual value. With 4, an officer's task list ("led by or
    # assisting my units, newest 50") was planned as a hash join over every task: 64 ms of
    # database CPU a page at 100k tasks, against 25 ms with 1.1 (bench/bench_load.py). Set per
    # connection, so the database server's own configuration need not change.
    cost = os.environ.get("PG_RANDOM_PAGE_COST", "1.1")
    if cost:
        DATABASES["default"].setdefault("OPTIONS", {})["options"] = f"-c random_page_cost={float(cost)}"
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Several officials save at once: WAL lets readers run beside a writer,
    # IMMEDIATE takes the write lock at BEGIN (no upgrade deadlock), and the
    # timeout makes a writer wait instead of answering "database is locked".
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=20000;",
    }

# Cache: the dashboard's numbers (tracker/supervision/dashboard.py), shared by every worker.
# Production needs Redis (REDIS_URL), or each gunicorn worker would build its own copy and a
# write seen by one would not clear the others'; the demo and the tests keep local memory.
REDIS_URL = os.environ.get("REDIS_URL", "")
if PRODUCTION and not REDIS_URL:
    raise ImproperlyConfigured("生产环境必须通过环境变量 REDIS_URL 指定 Redis 缓存地址，例如 redis://127.0.0.1:6379/0。")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL,
                          "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "duban")}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "duban"}}
# How long a built dashboard or a list's count is reused at most; any write to tasks clears it at once
# (tracker/task_cache.py).
TASK_CACHE_SECONDS = int(os.environ.get("TASK_CACHE_SECONDS", "60"))

AUTH_USER_MODEL = "tracker.User"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Login protection: a whole office often shares one address, so lock the pair
# (user name, address), never the address alone.
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("AXES_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "axes_lockout.html"

LANGUAGE_CODE = "zh-hans"
# Plain-Chinese overrides of a few stock Django phrases (locale/zh_Hans/LC_MESSAGES/django.po).
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
# Where collectstatic writes (and WhiteNoise serves from); a deployment may keep it outside the checkout.
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
# Outside production WhiteNoise serves straight from the source folders, DEBUG or not: the demo
# runs with DEBUG off (Chinese error pages, not Django's debug page) and needs no collectstatic.
WHITENOISE_USE_FINDERS = not PRODUCTION
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
# Uploaded files are never served as public media: views check who may see them.
MEDIA_URL = "/files/"

# Uploaded and generated files (speeches, attachments, previewed ledger imports, large exports) live in
# Django's default storage, never in one server's temp folder, so any app server or worker can read them:
# MEDIA_ROOT on the local disk by default (one machine, or a folder all machines mount), or an
# S3-compatible object store when S3_BUCKET is set (django-storages[s3], in requirements.txt). The
# object-store entry is built by config.storage.s3_storage_from_env, which tests/test_s3_storage.py
# also calls to run uploads, downloads, import previews and export jobs against a real S3 server (moto);
# README「生产部署拓扑」lists the S3_* variables.
DEFAULT_STORAGE = s3_storage_from_env(os.environ) or {"BACKEND": "django.core.files.storage.FileSystemStorage"}

STORAGES = {
    "default": DEFAULT_STORAGE,
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

LOGIN_URL = "admin:login"
LOGIN_REDIRECT_URL = "tracker:home"

# Product settings.
SPEECH_UPLOAD_MAX_BYTES = int(os.environ.get("SPEECH_UPLOAD_MAX_BYTES", str(10 * 1024 * 1024)))
# The extractor's time grows with characters, not bytes (a 10 MB GBK file holds 5 million):
# 500,000 characters go through parse and save in 1–1.8 CPU seconds (2–5 s on a busy 2-core
# machine); a million took 2.5–3.3 CPU s and up to 10 s (bench/bench_speech_limits.py).
SPEECH_TEXT_MAX_CHARS = int(os.environ.get("SPEECH_TEXT_MAX_CHARS", "500000"))
# The upload form posts multipart, where pasted text counts at its UTF-8 size: at most 4 bytes
# a character, plus room for the other fields. A text over the character limit thus reaches the
# form and gets its message; only a post far beyond it meets the 400 page (which states the limits).
DATA_UPLOAD_MAX_MEMORY_SIZE = max(4 * SPEECH_TEXT_MAX_CHARS + 1024 * 1024, 2_621_440)  # Django's default
# A PDF is read in a child process (speeches/pdf_process.py) that stops at this many pages, at
# SPEECH_TEXT_MAX_CHARS characters or after SPEECH_PDF_TIMEOUT seconds, whichever comes first:
# 246 pages of 公文 (185,000 characters) read in 0.6 CPU s, and their upload takes 1.3 CPU s,
# 4 s on a busy 2-core machine (bench/bench_inputs.py); a file built to stall the reader costs
# the timeout at most. 300 pages of 公文 hold about 230,000 characters, under the character cap.
SPEECH_PDF_MAX_PAGES = int(os.environ.get("SPEECH_PDF_MAX_PAGES", "300"))
SPEECH_PDF_TIMEOUT = float(os.environ.get("SPEECH_PDF_TIMEOUT", "10"))
# .doc, .wps and RTF are converted to .docx by LibreOffice headless (speeches/office_convert.py):
# a cold start with a private profile, about 2 CPU s for a speech (6-8 s on a busy machine) and
# 5 CPU s for 250 pages; killed after this many seconds.
SPEECH_CONVERT_TIMEOUT = float(os.environ.get("SPEECH_CONVERT_TIMEOUT", "30"))
ATTACHMENT_MAX_BYTES = int(os.environ.get("ATTACHMENT_MAX_BYTES", str(20 * 1024 * 1024)))
SIGNAL_YELLOW_DAYS = int(os.environ.get("SIGNAL_YELLOW_DAYS", "7"))
# 本期待报送: a reporting cycle due within this many days is listed in the daily reminder.
REPORT_DUE_SOON_DAYS = int(os.environ.get("REPORT_DUE_SOON_DAYS", "3"))
DATA_UPLOAD_MAX_NUMBER_FIELDS = 20000

EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend" if PRODUCTION else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
if os.environ.get("EMAIL_FILE_PATH"):  # for the file-based backend (tests/test_two_servers.py)
    EMAIL_FILE_PATH = os.environ["EMAIL_FILE_PATH"]
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "督办系统 <duban@localhost>")
# The address officials open the system at, quoted in chase and reminder e-mails (optional).
SITE_URL = os.environ.get("SITE_URL", "")
# The office named as the issuer on Word papers (督办通知单, 督办通报), e.g. 县委督查室.
SUPERVISION_OFFICE = os.environ.get("SUPERVISION_OFFICE", "督查室")

if PRODUCTION:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", str(60 * 60 * 24 * 365)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
    SECURE_CONTENT_TYPE_NOSNIFF = True
    SECURE_REFERRER_POLICY = "same-origin"
    X_FRAME_OPTIONS = "DENY"

SESSION_COOKIE_AGE = 60 * 60 * 8  # a working day
SESSION_COOKIE_HTTPONLY = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}

# Ledger (督办台账) import: size caps, and where previewed imports wait for confirmation.
# The caps keep an upload's preview and its confirmation each under about 10 s (bench/bench_excel.py,
# bench/bench_ledger_hostile.py): 10,000 exported rows are about 20 MB of XML.
LEDGER_IMPORT_MAX_BYTES = int(os.environ.get("LEDGER_IMPORT_MAX_BYTES", str(10 * 1024 * 1024)))
LEDGER_IMPORT_MAX_UNCOMPRESSED = int(os.environ.get("LEDGER_IMPORT_MAX_UNCOMPRESSED", str(64 * 1024 * 1024)))
LEDGER_IMPORT_MAX_ROWS = int(os.environ.get("LEDGER_IMPORT_MAX_ROWS", "10000"))
# A previewed import waits in the default storage under this folder, so it can be confirmed on any app server.
LEDGER_IMPORT_DIR = os.environ.get("LEDGER_IMPORT_DIR", "ledger-imports")
# An export of at least this many tasks is written by a background job (导出任务) and offered for
# download when ready; smaller ones are sent at once. 20,000 rows: the page answers in under a second
# and the worker writes the file in 2.3 CPU s, 7 s on a busy 2-core machine (bench/bench_export_job.py).
LEDGER_EXPORT_JOB_ROWS = int(os.environ.get("LEDGER_EXPORT_JOB_ROWS", "20000"))

# System notices: group-chat robots (企业微信 / 钉钉) of the departments, see tracker/notices.py.
# Only their hosts are accepted as robot addresses unless this is set (tests post to a local receiver).
NOTICE_WEBHOOK_ALLOW_ANY_HOST = env_bool("NOTICE_WEBHOOK_ALLOW_ANY_HOST", False)
NOTICE_WEBHOOK_TIMEOUT = min(float(os.environ.get("NOTICE_WEBHOOK_TIMEOUT", "3")), 3.0)
# Without a broker (eager jobs): after a commit, a daemon thread tries the new outbox rows once, so a
# robot that hangs never holds up the page; deliver_notices retries the rest. With a broker the worker
# sends them and celery beat retries what is due every minute.
NOTICE_DELIVERY_THREAD = env_bool("NOTICE_DELIVERY_THREAD", True)

# Background jobs (config/celery.py, tracker/jobs.py). CELERY_BROKER_URL names the broker, e.g.
# redis://127.0.0.1:6379/1 or amqp://guest:guest@127.0.0.1:5672//. Unset (demo, tests): every job runs
# eagerly, in the process that asked for it, right after its transaction commits; no broker needed.
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
# Errors of an eager job are logged and kept in its result, never raised into the page that queued it.
CELERY_TASK_EAGER_PROPAGATES = False
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
# A job is acknowledged after it ran, so a worker killed mid-job leaves it for another worker;
# the jobs are written to be run again (claims, per-day logs, job states; see tracker/jobs.py).
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Keys of several installations (or test runs) on one Redis stay apart.
CELERY_BROKER_TRANSPORT_OPTIONS = {"global_keyprefix": os.environ.get("CELERY_KEY_PREFIX", "")} \
    if CELERY_BROKER_URL.startswith(("redis://", "rediss://")) and os.environ.get("CELERY_KEY_PREFIX") else {}
# The schedule celery beat keeps (replaces the cron lines): times are Beijing time.
CELERY_BEAT_SCHEDULE = {
    "deliver-notices": {"task": "tracker.jobs.deliver_notices", "schedule": 60.0},
    "refresh-report-cycles": {"task": "tracker.jobs.refresh_report_cycles",
                              "schedule": crontab(hour=0, minute=10)},
    # Skips non-working days itself (tracker.workdays), as send_reminders does.
    "daily-reminders": {"task": "tracker.jobs.daily_reminders",
                        "schedule": crontab(hour=int(os.environ.get("REMINDER_HOUR", "8")), minute=0)},
    "sweep-expired-files": {"task": "tracker.jobs.sweep_expired_files", "schedule": crontab(hour=2, minute=30)},
}
# The 待办 page: how many tasks a block lists, how far back chases and decisions count,
# and after how many days without a 批示 a red or closing task awaits the leader's instruction.
HOME_BLOCK_LIMIT = 8
HOME_RECENT_DAYS = 14
HOME_INSTRUCTION_DAYS = 14
