"""Judge the rows of an uploaded ledger against what the database says about each task.

Pure: no Django. The caller hands in the sheet's rows (ledger_read.SheetRow) and one
ReportFacts per task id the file names and the user may see; out come the changes to write and the errors
to show, each error with its row and column as an official reads them (第12行 L列).
``recheck`` runs again on confirmation, against fresh facts, so nothing that changed
between preview and confirmation slips through.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date, datetime

MAX_TEXT = 5000
NOT_VISIBLE = "任务不存在或不属于本单位（隐藏的任务ID可能被改动），不能导入"


@dataclass(frozen=True, slots=True)
class ReportFacts:
    """What the import needs to know about one task the user may see."""

    id: int
    serial: str
    title: str
    may_report: bool
    is_open: bool
    deadline: date | None
    progress: int
    latest_progress: str


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

    def to_dict(self):
        return asdict(self)


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
    percent) to their column letters, for the messages.
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

        problems = 0
        deadline, ok = parse_date(row.deadline)
        if not ok:
            error("deadline", "完成时限不是有效日期")
            problems += 1
        elif deadline != task.deadline:
            error("deadline", "完成时限不能通过导入修改（如需调整请提出延期申请）")
            problems += 1
        text = parse_text(row.progress_text)
        percent, message = parse_percent(row.percent, percent_format=row.percent_is_percent_format)
        if message:
            error("percent", message)
            problems += 1
        if len(text) > MAX_TEXT:
            error("progress_text", f"最新进展不能超过{MAX_TEXT}字")
            problems += 1
        if problems:
            continue
        if text == task.latest_progress and percent == task.progress:
            verdict.unchanged += 1
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
        verdict.changes.append(Change(
            row=row.number, task_id=task.id, serial=task.serial, title=task.title,
            old_text=task.latest_progress, new_text=text, old_percent=task.progress, new_percent=percent,
        ))
    return verdict


def recheck(changes, facts):
    """Return (still valid changes, errors) for changes previewed earlier, against fresh facts."""
    valid, errors = [], []
    for change in changes:
        task = facts.get(change.task_id)
        if task is None:
            errors.append(RowError(change.row, "", "任务已不存在或不再属于本单位"))
        elif not task.is_open:
            errors.append(RowError(change.row, "", "任务已办结或已中止，不能再填报进展"))
        elif not task.may_report:
            errors.append(RowError(change.row, "", "您无权填报该任务的进展"))
        elif task.latest_progress != change.old_text or task.progress != change.old_percent:
            errors.append(RowError(change.row, "", "预览之后该任务的进展已被他人更新，请重新导出后再填报"))
        else:
            valid.append(change)
    return valid, errors
