"""The 督办台账 export: ledger rows as a generator, the summary, and writing both to .xlsx.

The view, the admin action and the bench all call ``ledger_write``; what goes in the
file is decided here once. Rows are read with ``values()`` and ``iterator()`` in
chunks, and each chunk's co-departments and deadline changes are fetched in one query
each, so memory and query count stay flat with the number of tasks.
"""
import tempfile
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, Q
from django.http import FileResponse
from django.utils import timezone

from tracker import lights, selectors
from tracker.ledger import validate
from tracker.ledger import xlsx_writer as xl
from tracker.ledger.selectors import newest_entry_id
from tracker.models import Department, Task

CHUNK = 2000
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# The ledger's columns, in order. The import reads the sheet back by these headers.
COLUMNS = [
    xl.Column("序号", 6, xl.INTEGER, wrap=False, align="center"),
    xl.Column("督办编号", 14, wrap=False, align="center"),
    xl.Column("任务来源", 20),
    xl.Column("任务内容", 42),
    xl.Column("类别", 9, align="center"),
    xl.Column("牵头单位", 16),
    xl.Column("配合单位", 16),
    xl.Column("责任人", 9, align="center"),
    xl.Column("完成时限", 11.5, xl.DATE, wrap=False, align="center"),
    xl.Column("原定时限", 11.5, xl.DATE, wrap=False, align="center"),
    xl.Column("最新进展", 36),
    xl.Column("完成率", 8, xl.PERCENT, wrap=False, align="center"),
    xl.Column("状态", 9, align="center"),
    xl.Column("红黄绿灯", 9, align="center"),
    xl.Column("报送情况", 13, wrap=False, align="center"),
    xl.Column("备注", 22),
    xl.Column("任务ID", 8, xl.INTEGER, wrap=False, hidden=True),
    # What the row showed at export (validate.baseline_token): the import compares each row with it.
    xl.Column("导出基准", 8, wrap=False, hidden=True),
]
HEADERS = [col.header for col in COLUMNS]
LEGACY_HEADERS = HEADERS[:-1]  # ledgers exported before the 导出基准 column (issue 11)
SIGNAL_COLUMN = HEADERS.index("红黄绿灯")
TONES = {lights.LABELS[lights.RED]: "red", lights.LABELS[lights.YELLOW]: "yellow"}

SUMMARY_HEADER = ["单位", "任务数", "已办结", "办理中", "逾期", "完成率"]
NO_DEPARTMENT = "（未指定牵头单位）"

_FIELDS = (
    "pk", "serial", "title", "content", "category", "lead_department__name", "responsible_person",
    "deadline", "original_deadline", "latest_progress", "progress", "status", "signal", "note",
    "speech__meeting", "speech__title", "newest_entry", "report_due",
)
_CATEGORY = dict(Task.Category.choices)
_STATUS = dict(Task.Status.choices)


@dataclass(frozen=True)
class LedgerFile:
    filename: str
    count: int


def local_naive(value):
    """Return an aware datetime as Asia/Shanghai wall time without tzinfo (Excel has no zones)."""
    if isinstance(value, datetime) and timezone.is_aware(value):
        return timezone.localtime(value).replace(tzinfo=None)
    return value


def _source(row):
    meeting, speech = row["speech__meeting"] or "", row["speech__title"] or ""
    if meeting and speech and meeting != speech:
        return f"{meeting}\n《{speech}》"
    return meeting or (f"《{speech}》" if speech else "")


def _content(row):
    title, content = row["title"], (row["content"] or "").strip()
    if not content or content == title or content.startswith(title):
        return content or title
    return f"{title}\n{content}"


def _deadline_note(steps):
    """Describe every deadline a task has had, oldest first: 时限调整：A → B → C."""
    return "时限调整：" + " → ".join(f"{d:%Y-%m-%d}" if d else "未定" for d in steps)


def _chunk_extras(chunk):
    """Fetch co-departments and deadline histories for one chunk of rows (two queries)."""
    ids = [row["pk"] for row in chunk]
    co = {}
    links = (
        Task.co_departments.through.objects.filter(task_id__in=ids)
        .order_by("task_id", "department__order", "department__name")
        .values_list("task_id", "department__name")
    )
    for task_id, name in links:
        co.setdefault(task_id, []).append(name)

    changed = [row["pk"] for row in chunk if row["deadline"] != row["original_deadline"]]
    deadlines = {
        task_id: [changes[0].old, *(change.new for change in changes)]
        for task_id, changes in selectors.deadline_changes(task_ids=changed).items()
    } if changed else {}
    return co, deadlines


def _report(row, today=None):
    """报送情况: 逾期未报 with the missed due date, else the current cycle's due date; '' with no cycle."""
    due = row["report_due"]
    if due is None or row["status"] not in (Task.Status.PENDING, Task.Status.IN_PROGRESS, Task.Status.CLOSING):
        return ""
    if due < (today or timezone.localdate()):
        return f"{lights.REPORT_OVERDUE_LABEL}（{due:%m-%d}）"
    return f"{due:%m-%d}前报送"


def _ledger_row(index, row, co, deadlines):
    deadline, original = row["deadline"], row["original_deadline"]
    notes = [row["note"].strip()] if row["note"] and row["note"].strip() else []
    if deadline != original:
        steps = deadlines.get(row["pk"]) or [original, deadline]
        if steps[0] != original:
            steps.insert(0, original)
        if steps[-1] != deadline:
            steps.append(deadline)
        notes.append(_deadline_note(steps))
    return (
        index,
        row["serial"],
        _source(row),
        _content(row),
        _CATEGORY.get(row["category"], row["category"]),
        row["lead_department__name"] or "",
        "、".join(co.get(row["pk"], ())),
        row["responsible_person"],
        deadline,
        original if original != deadline else None,
        row["latest_progress"],
        row["progress"] / 100,
        _STATUS.get(row["status"], row["status"]),
        lights.LABELS.get(row["signal"], ""),
        _report(row),
        "\n".join(notes),
        row["pk"],
        validate.baseline_token(task_id=row["pk"], entry_id=row["newest_entry"], deadline=deadline,
                                text=row["latest_progress"], percent=row["progress"]),
    )


def ledger_rows(tasks):
    """Yield the header and then one tuple of plain values per task of ``tasks``.

    ``tasks`` is a queryset annotated with ``signal`` (selectors.task_list_filtered).
    """
    yield tuple(HEADERS)
    index = 0
    chunk = []
    tasks = tasks.annotate(newest_entry=newest_entry_id())
    for row in tasks.values(*_FIELDS).iterator(chunk_size=CHUNK):
        chunk.append(row)
        if len(chunk) == CHUNK:
            co, deadlines = _chunk_extras(chunk)
            for row_ in chunk:
                index += 1
                yield _ledger_row(index, row_, co, deadlines)
            chunk = []
    if chunk:
        co, deadlines = _chunk_extras(chunk)
        for row_ in chunk:
            index += 1
            yield _ledger_row(index, row_, co, deadlines)


def summary_rows(tasks, *, today=None):
    """Return (rows, total) per lead department: tasks, closed, open, overdue, completion rate."""
    base = Task.objects.filter(pk__in=tasks.order_by().values("pk"))
    overdue_q = lights.signal_q(lights.RED, today=today)
    counts = (
        base.order_by()
        .values("lead_department_id")
        .annotate(
            total=Count("pk"),
            closed=Count("pk", filter=Q(status=Task.Status.CLOSED)),
            open=Count("pk", filter=~Q(status__in=[Task.Status.CLOSED, Task.Status.SUSPENDED])),
            overdue=Count("pk", filter=overdue_q),
        )
    )
    by_department = {row["lead_department_id"]: row for row in counts}
    names = Department.objects.filter(pk__in=[k for k in by_department if k is not None])
    order = [(dept.pk, dept.name) for dept in names]  # Department's own ordering
    if None in by_department:
        order.append((None, NO_DEPARTMENT))

    rows = []
    sums = [0, 0, 0, 0]
    for pk, name in order:
        row = by_department[pk]
        values = [row["total"], row["closed"], row["open"], row["overdue"]]
        sums = [a + b for a, b in zip(sums, values)]
        rows.append((name, *values, row["closed"] / row["total"] if row["total"] else 0))
    total = ("合计", *sums, sums[1] / sums[0] if sums[0] else 0)
    return rows, total


def ledger_filename(now=None):
    now = local_naive(now or timezone.now())
    return f"督办任务台账_{now:%Y%m%d_%H%M}.xlsx"


def ledger_write(*, tasks, target, subject="", now=None):
    """Write the ledger of ``tasks`` (scoped, signal-annotated) to ``target``; return a LedgerFile."""
    now = local_naive(now or timezone.now())
    count = tasks.count()
    title = "督办任务台账" + (f"（{subject}）" if subject else "")
    title += f"\n导出时间：{now:%Y-%m-%d %H:%M}　共 {count} 项"
    summary, total = summary_rows(tasks)
    written = xl.render(
        target,
        title=title,
        columns=COLUMNS,
        rows=ledger_rows(tasks),
        summary_header=SUMMARY_HEADER,
        summary_rows=summary,
        summary_total=total,
        chart_title="各牵头单位完成率",
        tone_column=SIGNAL_COLUMN,
        tones=TONES,
    )
    return LedgerFile(filename=ledger_filename(now), count=written)


def ledger_response(*, tasks, subject=""):
    """Return a FileResponse streaming the ledger of ``tasks`` from an anonymous temp file.

    The file is written to disk first (memory stays flat) and deleted when the
    response closes it; FileResponse builds the RFC 6266 Content-Disposition
    (filename*=UTF-8''…) with django.utils.http.content_disposition_header.
    """
    handle = tempfile.TemporaryFile(suffix=".xlsx")
    try:
        result = ledger_write(tasks=tasks, target=handle, subject=subject)
        handle.seek(0)
    except BaseException:
        handle.close()
        raise
    return FileResponse(handle, as_attachment=True, filename=result.filename, content_type=XLSX_CONTENT_TYPE)
