"""The settings that make app servers stateless, read from the environment as a deployment sets them.

Each case imports config.settings in a fresh interpreter with the given variables, so the
module-level choices (storage backend, eager jobs, key prefix) are the ones a server makes.
Only the choice of backend is checked here; tests/test_s3_storage.py runs the flows on an S3 server.
"""
import json
import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent

PROBE = """
import json
from config import settings as s
print(json.dumps({"storage": s.STORAGES["default"], "eager": s.CELERY_TASK_ALWAYS_EAGER,
                  "broker": s.CELERY_BROKER_URL, "transport": s.CELERY_BROKER_TRANSPORT_OPTIONS,
                  "session": getattr(s, "SESSION_ENGINE", "django.contrib.sessions.backends.db")}))
"""


def settings_with(**env):
    clean = {k: v for k, v in os.environ.items()
             if not k.startswith(("S3_", "CELERY_", "DJANGO_ENV", "DATABASE_URL"))}
    result = subprocess.run([sys.executable, "-c", PROBE], cwd=REPO, env={**clean, **env},
                            capture_output=True, text=True, timeout=60, check=True)
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_without_a_broker_or_bucket_jobs_run_in_process_and_files_go_to_media_root():
    chosen = settings_with()
    assert chosen["eager"] is True and chosen["broker"] == ""
    assert chosen["storage"]["BACKEND"] == "django.core.files.storage.FileSystemStorage"
    # Sessions are kept in the database (or a shared cache), never in one server's memory or files.
    assert chosen["session"] in ("django.contrib.sessions.backends.db", "django.contrib.sessions.backends.cache",
                                 "django.contrib.sessions.backends.cached_db")


def test_a_broker_turns_jobs_over_to_the_workers_with_the_key_prefix():
    chosen = settings_with(CELERY_BROKER_URL="redis://127.0.0.1:6379/3", CELERY_KEY_PREFIX="county-a:")
    assert chosen["eager"] is False and chosen["broker"] == "redis://127.0.0.1:6379/3"
    assert chosen["transport"] == {"global_keyprefix": "county-a:"}
    rabbit = settings_with(CELERY_BROKER_URL="amqp://guest:guest@127.0.0.1:5672//", CELERY_KEY_PREFIX="x:")
    assert rabbit["eager"] is False and rabbit["transport"] == {}


def test_a_bucket_puts_files_in_a_private_object_store():
    chosen = settings_with(S3_BUCKET="duban-files", S3_ENDPOINT_URL="https://oss.example.gov.cn", S3_PREFIX="county")
    assert chosen["storage"]["BACKEND"] == "storages.backends.s3.S3Storage"
    options = chosen["storage"]["OPTIONS"]
    assert options["bucket_name"] == "duban-files" and options["endpoint_url"] == "https://oss.example.gov.cn"
    assert options["location"] == "county" and options["default_acl"] == "private"
    assert options["querystring_auth"] is True and options["file_overwrite"] is False
    assert options["addressing_style"] is None  # boto3 chooses unless told
    assert settings_with(S3_BUCKET="b", S3_ADDRESSING_STYLE="path")["storage"]["OPTIONS"]["addressing_style"] == "path"
