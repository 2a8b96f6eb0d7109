"""Django glue of the ledger import: read the upload, judge it, keep it until confirmed.

The reading (ledger_read) and the judging (ledger_validate) are pure; this module
fetches the facts they need, and parks a previewed import in a private file of Django's
default storage keyed to the user and a random token (the session, in the database, holds
the token), so any app server can confirm it. Confirmation writes exactly what was previewed, checked again, and never trusts anything the browser sends
back beyond the token.
"""
import json
import logging
import posixpath
import secrets
from datetime import timedelta

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

from tracker.ledger import export, read, selectors, validate
from tracker.models import User

logger = logging.getLogger(__name__)

SESSION_KEY = "ledger_import_token"
PENDING_MAX_AGE = 60 * 60 * 8  # a working day

LAYOUT = read.LedgerLayout(headers=tuple(export.HEADERS), legacy=tuple(export.LEGACY_HEADERS))
LETTERS = {
    field: LAYOUT.letter(getattr(LAYOUT, field))
    for field in ("task_id", "serial", "deadline", "progress_text", "percent", "baseline")
}


def ledger_preview(*, user: User, data: bytes) -> validate.Verdict:
    """Return the Verdict for an uploaded file's bytes; raise LedgerFileError for a bad file."""
    if len(data) > settings.LEDGER_IMPORT_MAX_BYTES:
        raise read.LedgerFileError(
            f"文件超过 {settings.LEDGER_IMPORT_MAX_BYTES // (1024 * 1024)} MB，请分批导入。"
        )
    rows = read.read_ledger(
        data, layout=LAYOUT, max_uncompressed=settings.LEDGER_IMPORT_MAX_UNCOMPRESSED,
        max_rows=settings.LEDGER_IMPORT_MAX_ROWS,
    )
    if not rows:
        raise read.LedgerFileError("文件中没有任务数据行。")
    ids = [i for i in (validate.parse_task_id(row.task_id) for row in rows) if i is not None]
    facts = selectors.task_report_facts(user=user, ids=ids)
    return validate.validate(rows, facts, letters=LETTERS)


def _pending_name(user, token):
    """The storage name of ``user``'s parked import ``token``, or None for a token that is not ours."""
    if not token or not token.replace("-", "").replace("_", "").isalnum():
        return None
    return posixpath.join(settings.LEDGER_IMPORT_DIR, f"{user.pk}-{token}.json")


def pending_save(*, request, verdict):
    """Park the previewed changes and errors (conflicts among them); return the token (also kept in the session).

    The file goes to Django's default storage (a shared disk or an object store), and the
    token to the session (in the database): the confirmation may reach another app server.
    """
    pending_discard(request=request)
    pending_sweep()
    token = secrets.token_urlsafe(24)
    payload = {
        "changes": [change.to_dict() for change in verdict.changes],
        "errors": [error.to_dict() for error in verdict.errors + [c.as_error() for c in verdict.conflicts]],
    }
    body = json.dumps(payload, ensure_ascii=False).encode("utf-8")
    # The token is fresh and random (192 bits), so the name is free and storage keeps it as given.
    default_storage.save(_pending_name(request.user, token), ContentFile(body))
    request.session[SESSION_KEY] = token
    return token


def pending_load(*, request, token):
    """Return (changes, errors) parked under ``token`` for this user and session, or None."""
    if not token or request.session.get(SESSION_KEY) != token:
        return None
    name = _pending_name(request.user, token)
    try:
        with default_storage.open(name, "rb") as handle:
            payload = json.loads(handle.read().decode("utf-8"))
        changes = [validate.Change(**item) for item in payload["changes"]]
        errors = [validate.RowError(**item) for item in payload["errors"]]
    except (OSError, ValueError, AttributeError, TypeError, KeyError):
        return None  # gone, or parked by an older version: the user previews again
    return changes, errors


def pending_discard(*, request):
    token = request.session.pop(SESSION_KEY, None)
    name = _pending_name(request.user, token) if token else None
    if name is not None:
        default_storage.delete(name)


def pending_names():
    """The storage names of all parked imports (for the sweep and the tests)."""
    try:
        _, files = default_storage.listdir(settings.LEDGER_IMPORT_DIR)
    except (FileNotFoundError, NotADirectoryError):
        return []
    return [posixpath.join(settings.LEDGER_IMPORT_DIR, f) for f in files if f.endswith(".json")]


def pending_sweep():
    """Delete parked imports nobody confirmed within a working day.

    Housekeeping only, run before each preview and by the daily job: a file it cannot read
    is left for the next sweep and never fails the user's preview. Another server sweeping at
    the same moment may delete a listed file first: on a disk that is an OSError, on an object
    store (django-storages' S3Storage) a botocore ClientError, hence the broad except.
    """
    cutoff = timezone.now() - timedelta(seconds=PENDING_MAX_AGE)
    for name in pending_names():
        try:
            if default_storage.get_modified_time(name) < cutoff:
                default_storage.delete(name)
        except Exception:  # noqa: BLE001 - see above
            logger.info("台账导入预览文件 %s 未能清理（可能已被另一台服务器清理）", name, exc_info=True)
