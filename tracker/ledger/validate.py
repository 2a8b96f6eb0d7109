"""Judge the rows of an uploaded ledger against what the database says about each task.

Pure: no Django. The caller hands in the sheet's rows (ledger_read.SheetRow) and one
ReportFacts per task id the file names and the user may see; out come the changes to
write, the conflicts and the errors to show, each error with its row and column as an
official reads them (第12行 L列). ``recheck`` runs again on confirmation, against fresh
facts, so nothing that changed between preview and confirmation slips through.

Every exported row carries, in a hidden column, the baseline it was exported with
(``baseline_token``): the task's newest progress entry, its deadline, and a digest of
the progress the row showed. The import compares the row with it, not with the
database: a row the officer left as exported is unchanged whatever happened to the task
since (a stale file never reverts newer progress), and a row changed both in the file
and in the system since export is a Conflict, never written. The baseline is only a
point of comparison: forging it gains nothing a fresh export would not give, and every
permission is checked against the database.
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import asdict, dataclass, field
from datetime import date, datetime

from tracker.ledger.xlsx_rows import safe_text

MAX_TEXT = 5000
BASELINE_VERSION = "v1"
_BASELINE = re.compile(r"v1:(\d{1,18}):(\d{8}|0):([0-9a-f]{16})")
NOT_VISIBLE = "任务不存在或不属于本单位（隐藏的任务ID可能被改动），不能导入"
CONFLICT = "导出之后系统中该任务的进展已被他人更新，文件中的填写与之冲突，未导入（请重新导出后填写）"


def comparable_text(text):
    """Return a progress text as a ledger cell shows it: what Excel can drop or rewrite is left out."""
    text, _ = safe_text(text or "")
    return text.replace("\r\n", "\n").replace("\r", "\n").strip()


def progress_digest(task_id, entry_id, text, percent):
    """Return a short digest of one task's progress as a ledger row shows it."""
    payload = f"{task_id}\x1f{entry_id or 0}\x1f{percent}\x1f{comparable_text(text)}"
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()[:16]


def baseline_token(*, task_id, entry_id, deadline, text, percent):
    """Return what the hidden 导出基准 cell of an exported row holds: v1:<entry>:<deadline>:<digest>."""
    day = f"{deadline:%Y%m%d}" if deadline else "0"
    return f"{BASELINE_VERSION}:{entry_id or 0}:{day}:{progress_digest(task_id, entry_id, text, percent)}"


@dataclass(frozen=True, slots=True)
class Baseline:
    """What a row showed when it was exported: the newest entry's id (0: none), the deadline, the digest."""

    entry_id: int
    deadline: date | None
    digest: str


def parse_baseline(value):
    """Return the Baseline in a hidden 导出基准 cell, or None when the cell holds anything else."""
    match = _BASELINE.fullmatch(value.strip()) if isinstance(value, str) else None
    if match is None:
        return None
    entry, day, digest = match.groups()
    try:
        deadline = None if day == "0" else date(int(day[:4]), int(day[4:6]), int(day[6:]))
    except ValueError:
        return None
    return Baseline(entry_id=int(entry), deadline=deadline, digest=digest)


@dataclass(frozen=True, slots=True)
class ReportFacts:
    """What the import needs to know about one task the user may see.

    ``newest_entry`` is the id of the task's newest progress entry (None: none yet),
    ``reported_by`` and ``reported_at`` who wrote it and when, for a conflict's display.
    """

    id: int
    serial: str
    title: str
    may_report: bool
    is_open: bool
    deadline: date | None
    progress: int
    latest_progress: str
    newest_entry: int | None = None
    reported_by: str = ""
    reported_at: datetime | None = None

    @property
    def state(self):
        """The digest of the task's progress now, comparable with a row's baseline."""
        return progress_digest(self.id, self.newest_entry, self.latest_progress, self.progress)


@dataclass(frozen=True, slots=True)
class Change:
    """One task's progress as it is now and as the file wants it."""

    row: int
    task_id: int
    serial: str
    title: str
    old_text: str
    new_text: str
    old_percent: int
    new_percent: int
    baseline: str  # the task's progress digest at export, which the preview found unchanged

    def to_dict(self):
        return asdict(self)


@dataclass(frozen=True, slots=True)
class Conflict:
    """A row changed in the file while the task's progress changed in the system since export."""

    row: int
    task_id: int
    serial: str
    title: str
    system_text: str
    system_percent: int
    reported_by: str
    reported_at: datetime | None
    file_text: str
    file_percent: int

    def as_error(self):
        """The row as a RowError, for what the confirmation reports as not imported."""
        return RowError(self.row, "", CONFLICT)


@dataclass(frozen=True, slots=True)
class RowError:
    row: int
    column: str
    message: str

    def __str__(self):
        where = f"第{self.row}行 {self.column}列" if self.column else f"第{self.row}行"
        return f"{where}：{self.message}"

    def to_dict(self):
        return asdict(self)


@dataclass(slots=True)
class Verdict:
    changes: list = field(default_factory=list)
    errors: list = field(default_factory=list)
    conflicts: list = field(default_factory=list)
    unchanged: int = 0


def parse_task_id(value):
    """Return the integer task id in a cell, or None when the cell holds anything else."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if value > 0 else None
    if isinstance(value, float) and value.is_integer() and value > 0:
        return int(value)
    if isinstance(value, str) and value.strip().isdigit() and value.strip().isascii():
        return int(value.strip()) or None
    return None


def parse_percent(value, *, percent_format):
    """Return (percent as int, error message or "")."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None, "完成率不能为空"
    if isinstance(value, bool) or isinstance(value, (date, datetime)):
        return None, "完成率必须是0到100之间的数字"
    if isinstance(value, (int, float)):
        number = value * 100 if percent_format else value
    elif isinstance(value, str):
        text = value.strip().replace("％", "%").removesuffix("%").strip()
        try:
            number = float(text)
        except ValueError:
            return None, "完成率必须是0到100之间的数字"
    else:
        return None, "完成率必须是0到100之间的数字"
    if number != number or number in (float("inf"), float("-inf")):
        return None, "完成率必须是0到100之间的数字"
    rounded = round(number)
    if abs(number - rounded) > 1e-6:
        return None, "完成率必须是整数（如 60%）"
    if not 0 <= rounded <= 100:
        return None, "完成率必须在0到100之间"
    return int(rounded), ""


def parse_text(value):
    """Return the progress text of a cell, as the official typed it (numbers become text)."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime):
        value = value.date() if value.time() == datetime.min.time() else value
    if isinstance(value, date):
        return f"{value:%Y-%m-%d}"
    return str(value).strip()


def parse_date(value):
    """Return (date or None, ok). Accept a real date cell, or 2024-06-30 / 2024/6/30 typed as text."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None, True
    if isinstance(value, datetime):
        return value.date(), True
    if isinstance(value, date):
        return value, True
    if isinstance(value, str):
        text = value.strip().replace("/", "-").replace(".", "-")
        try:
            return date.fromisoformat("-".join(part.zfill(2) for part in text.split("-"))), True
        except ValueError:
            return None, False
    return None, False


def validate(rows, facts, *, letters):
    """Return the Verdict for ``rows`` given ``facts`` (task id -> ReportFacts of the tasks the user may see).

    ``letters`` maps the read fields (task_id, serial, deadline, progress_text,
    percent, baseline) to their column letters, for the messages.
    """
    verdict = Verdict()
    seen = {}
    for row in rows:
        def error(column, message):
            verdict.errors.append(RowError(row.number, letters.get(column, ""), message))

        task_id = parse_task_id(row.task_id)
        if task_id is None:
            error("task_id", "隐藏的任务ID缺失或被改动，请使用导出的原始文件填写")
            continue
        if task_id in seen:
            error("task_id", f"任务ID与第{seen[task_id]}行重复（同一任务只能出现一次）")
            continue
        seen[task_id] = row.number
        task = facts.get(task_id)
        if task is None:  # one message for "no such task" and "not yours": the file learns nothing
            error("task_id", NOT_VISIBLE)
            continue
        if parse_text(row.serial) != task.serial:
            error("serial", "督办编号与隐藏的任务ID不符（文件被改动），请重新导出后填写")
            continue

        baseline = parse_baseline(row.baseline)
        problems = 0
        deadline, ok = parse_date(row.deadline)
        if not ok:
            error("deadline", "完成时限不是有效日期")
            problems += 1
        elif deadline != task.deadline and (baseline is None or deadline != baseline.deadline):
            # A deadline moved in the system since export is not the officer's edit.
            error("deadline", "完成时限不能通过导入修改（如需调整请提出延期申请）")
            problems += 1
        text = parse_text(row.progress_text)
        percent, message = parse_percent(row.percent, percent_format=row.percent_is_percent_format)
        if message:
            error("percent", message)
            problems += 1
        if problems:
            continue
        if percent == task.progress and comparable_text(text) == comparable_text(task.latest_progress):
            verdict.unchanged += 1  # the row says what the system says: nothing to write
            continue
        if baseline is None:
            error("baseline", "隐藏的导出基准缺失或被改动，无法判断本行是否填写过，请重新导出后填写")
            continue
        if progress_digest(task.id, baseline.entry_id, text, percent) == baseline.digest:
            verdict.unchanged += 1  # left as exported, whatever the system has said since
            continue
        if len(text) > MAX_TEXT:
            error("progress_text", f"最新进展不能超过{MAX_TEXT}字")
            continue
        if not text:
            error("progress_text", "最新进展不能为空")
            continue
        if not task.is_open:
            error("task_id", "任务已办结或已中止，不能再填报进展")
            continue
        if not task.may_report:
            error("task_id", "您无权填报该任务的进展")
            continue
        if task.state != baseline.digest:
            verdict.conflicts.append(Conflict(
                row=row.number, task_id=task.id, serial=task.serial, title=task.title,
                system_text=task.latest_progress, system_percent=task.progress, reported_by=task.reported_by,
                reported_at=task.reported_at, file_text=text, file_percent=percent,
            ))
            continue
        verdict.changes.append(Change(
            row=row.number, task_id=task.id, serial=task.serial, title=task.title,
            old_text=task.latest_progress, new_text=text, old_percent=task.progress, new_percent=percent,
            baseline=task.state,
        ))
    return verdict


def recheck(changes, facts):
    """Return (still valid changes, errors) for changes previewed earlier, against fresh facts.

    A task whose progress is no longer what the file was exported with (a new entry,
    even one with the same words, or an edited or deleted one) is refused.
    """
    valid, errors = [], []
    for change in changes:
        task = facts.get(change.task_id)
        if task is None:
            errors.append(RowError(change.row, "", "任务已不存在或不再属于本单位"))
        elif not task.is_open:
            errors.append(RowError(change.row, "", "任务已办结或已中止，不能再填报进展"))
        elif not task.may_report:
            errors.append(RowError(change.row, "", "您无权填报该任务的进展"))
        elif task.state != change.baseline:
            errors.append(RowError(change.row, "", "预览之后该任务的进展已被他人更新，请重新导出后再填报"))
        else:
            valid.append(change)
    return valid, errors
