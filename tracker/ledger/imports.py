"""Django glue of the ledger import: read the upload, judge it, keep it until confirmed.

The reading (ledger_read) and the judging (ledger_validate) are pure; this module
fetches the facts they need, and parks a previewed import in a private file keyed to
the user and a random token (the session holds the token), so confirmation writes
exactly what was previewed, checked again, and never trusts anything the browser sends
back beyond the token.
"""
import json
import os
import secrets
import tempfile
import time
from pathlib import Path

from django.conf import settings

from tracker.ledger import export, read, selectors, validate
from tracker.models import User

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


def _pending_dir():
    path = Path(settings.LEDGER_IMPORT_DIR)
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    return path


def _pending_path(user, token):
    if not token or not token.replace("-", "").replace("_", "").isalnum():
        return None
    return _pending_dir() / f"{user.pk}-{token}.json"


def pending_save(*, request, verdict):
    """Park the previewed changes and errors (conflicts among them); return the token (also kept in the session)."""
    pending_discard(request=request)
    _sweep()
    token = secrets.token_urlsafe(24)
    payload = {
        "changes": [change.to_dict() for change in verdict.changes],
        "errors": [error.to_dict() for error in verdict.errors + [c.as_error() for c in verdict.conflicts]],
    }
    path = _pending_path(request.user, token)
    with tempfile.NamedTemporaryFile("w", dir=path.parent, delete=False, encoding="utf-8") as handle:
        json.dump(payload, handle, ensure_ascii=False)
    os.replace(handle.name, path)
    request.session[SESSION_KEY] = token
    return token


def pending_load(*, request, token):
    """Return (changes, errors) parked under ``token`` for this user and session, or None."""
    if not token or request.session.get(SESSION_KEY) != token:
        return None
    path = _pending_path(request.user, token)
    try:
        payload = json.loads(path.read_text(encoding="utf-8"))
        changes = [validate.Change(**item) for item in payload["changes"]]
        errors = [validate.RowError(**item) for item in payload["errors"]]
    except (OSError, ValueError, AttributeError, TypeError, KeyError):
        return None  # gone, or parked by an older version: the user previews again
    return changes, errors


def pending_discard(*, request):
    token = request.session.pop(SESSION_KEY, None)
    path = _pending_path(request.user, token) if token else None
    if path is not None:
        path.unlink(missing_ok=True)


def _sweep():
    """Delete parked imports nobody confirmed within a working day."""
    cutoff = time.time() - PENDING_MAX_AGE
    for path in _pending_dir().glob("*.json"):
        try:
            if path.stat().st_mtime < cutoff:
                path.unlink(missing_ok=True)
        except OSError:
            pass
