"""The 督办台账 export: ledger rows as a generator, the summary, and writing both to .xlsx.

The view, the admin action and the bench all call ``ledger_write``; what goes in the
file is decided here once. Rows are read with ``values()`` and ``iterator()`` in
chunks, and each chunk's co-departments and deadline changes are fetched in one query
each, so memory and query count stay flat with the number of tasks.

The ledger is meant to be printed and sent upward: rows in serial order, grouped by
speech (a heading row per speech, the 任务来源 column then left out of print) or by
lead department, columns that are empty throughout left out, the rest fit to A4 (or
A3) landscape at full size; a 制表单位/制表日期 line under each title.
"""
import tempfile
from dataclasses import dataclass, replace
from datetime import datetime

from django.conf import settings
from django.db.models import Count, F, Q, Value
from django.db.models.functions import Coalesce, Length, NullIf, StrIndex, Substr
from django.http import FileResponse
from django.utils import timezone

from speeches.parsing.docx_numbering import chinese_number
from tracker import choices, lights, selectors
from tracker.ledger import validate
from tracker.ledger import xlsx_writer as xl
from tracker.ledger.selectors import newest_entry_id
from tracker.models import Department, Task
from tracker.supervision.scoring import ratio

CHUNK = 2000
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# The ledger's columns, in order. The import reads the sheet back by these headers, so
# every ledger has all of them; what a printout leaves out is hidden (ledger_columns).
# Widths are the least each has on paper (in units of the 宋体 11 default font, about
# 6 pt): a date or a four-character word fits on one line; the text columns grow.
COLUMNS = [
    xl.Column("序号", 5, xl.INTEGER, wrap=False, align="center"),
    xl.Column("督办编号", 11.5, align="center"),
    xl.Column("任务来源", 12, grow=1),
    xl.Column("任务内容", 20, grow=3),
    xl.Column("类别", 7.5, align="center"),
    xl.Column("牵头单位", 9, grow=0.5),
    xl.Column("配合单位", 9, grow=1),
    xl.Column("责任人", 6, align="center"),
    xl.Column("完成时限", 9.5, xl.DATE, wrap=False, align="center"),
    xl.Column("原定时限", 9.5, xl.DATE, wrap=False, align="center"),
    xl.Column("最新进展", 16, grow=3),
    xl.Column("完成率", 6, xl.PERCENT, wrap=False, align="center"),
    xl.Column("状态", 6.5, align="center"),
    xl.Column("红黄绿灯", 6, align="center"),
    xl.Column("报送情况", 6, align="center"),  # 逾期未报 over its date: two short lines
    xl.Column("备注", 11, grow=1),
    xl.Column("任务ID", 8, xl.INTEGER, wrap=False, hidden=True),
    # What the row showed at export (validate.baseline_token): the import compares each row with it.
    xl.Column("导出基准", 8, wrap=False, hidden=True),
]
HEADERS = [col.header for col in COLUMNS]
LEGACY_HEADERS = HEADERS[:-1]  # ledgers exported before the 导出基准 column (issue 11)
SIGNAL_COLUMN = HEADERS.index("红黄绿灯")
TONES = {lights.LABELS[lights.RED]: "red", lights.LABELS[lights.YELLOW]: "yellow"}

TITLE = "督办任务台账"
SUMMARY_TITLE = "督办任务办理情况汇总"
_S = Task.Status
SUMMARY_STATUSES = [_S.PENDING, _S.IN_PROGRESS, _S.CLOSING, _S.CLOSED, _S.SUSPENDED]
SUMMARY_HEADER = ["单位", "任务数", *(status.label for status in SUMMARY_STATUSES), "红灯", "办结率"]
SUMMARY_NOTE = ("注：办结率 = 已办结 ÷（任务数 − 已中止），与督办看板、部门考评相同；红灯指已过完成时限仍未办结的任务。"
                "“任务清单”表中的“完成率”是各项任务的办理进度。")
NO_DEPARTMENT = "（未指定牵头单位）"
NO_SPEECH = "未关联讲话的任务"

GROUP_SPEECH, GROUP_DEPARTMENT, GROUP_NONE = "speech", "department", "none"
GROUPS = {GROUP_SPEECH: "按讲话分组", GROUP_DEPARTMENT: "按牵头单位分组", GROUP_NONE: "不分组"}
PAPERS = {xl.A4: "A4 横向", xl.A3: "A3 横向"}
_GROUP_KEY = {GROUP_SPEECH: "speech_id", GROUP_DEPARTMENT: "lead_department_id"}

_FIELDS = (
    "pk", "serial", "title", "content", "category", "lead_department__name", "responsible_person",
    "deadline", "original_deadline", "latest_progress", "progress", "status", "signal", "note",
    "speech__meeting", "speech__title", "newest_entry", "speech_id", "lead_department_id", "report_due", "parent_id",
)
# A sub-task's 任务内容 opens with this mark, so a printed ledger shows it under its parent.
SUBTASK_MARK = "└ "
_CATEGORY = dict(Task.Category.choices)
_STATUS = dict(Task.Status.choices)


@dataclass(frozen=True)
class LedgerFile:
    filename: str
    count: int


@dataclass(frozen=True)
class LedgerOptions:
    """How the ledger is laid out: grouped by speech, by lead department or not at all; on A4 or A3."""

    group: str = GROUP_SPEECH
    paper: str = xl.A4


def ledger_options(params):
    """Return the LedgerOptions a query string asks for (group=speech|department|none, paper=a4|a3).

    Raise ValueError with a Chinese message for a value that is not one of those.
    """
    group = (params.get("group") or GROUP_SPEECH).strip()
    paper = (params.get("paper") or xl.A4).strip().lower()
    if group not in GROUPS:
        raise ValueError(f"分组方式有误：{group}（可选 speech、department、none）")
    if paper not in PAPERS:
        raise ValueError(f"纸张有误：{paper}（可选 a4、a3）")
    return LedgerOptions(group=group, paper=paper)


def local_naive(value):
    """Return an aware datetime as Asia/Shanghai wall time without tzinfo (Excel has no zones)."""
    if isinstance(value, datetime) and timezone.is_aware(value):
        return timezone.localtime(value).replace(tzinfo=None)
    return value


def _source(row, separator="\n"):
    """Name a task's speech: 《title》, the meeting before it only when the title does not name it."""
    meeting, speech = row["speech__meeting"] or "", row["speech__title"] or ""
    if meeting and speech and meeting not in speech:
        return f"{meeting}{separator}《{speech}》"
    return f"《{speech}》" if speech else meeting


def _content(row):
    """Return the task's content, its title above it unless the content already says it."""
    title, content = row["title"], (row["content"] or "").strip()
    if not content or title in content:
        return content or title
    return f"{title}\n{content}"


def _deadline_note(steps):
    """Describe every deadline a task has had, oldest first, a date a line: 时限调整：A → B → C.

    A line a date: in the narrow 备注 column a date broken at its hyphen is hard to read.
    """
    return "时限调整：\n" + " →\n".join(f"{d:%Y-%m-%d}" if d else "未定" for d in steps)


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
    if due is None or row["status"] not in choices.REPORTING_STATUSES:
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
        f"{SUBTASK_MARK}{_content(row)}" if row["parent_id"] else _content(row),
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


def serial_order():
    """Order by 督办编号 as numbers run: DB-2025-9999 before DB-2025-10000 (year, then the length of the
    year's number, then text), each sub-task (DB-2025-0012-03) right after the task it was broken from."""
    # The year's number ends at the first "-" after "DB-YYYY-", or with the serial itself.
    dash = StrIndex(Substr("serial", 9), Value("-"))
    number_length = Coalesce(NullIf(dash, Value(0)) - Value(1), Length("serial") - Value(8))
    return [Substr("serial", 1, 8), number_length, "serial"]


def _ordered(tasks, group):
    """Return ``tasks`` in ledger order: by group (speeches by date, departments in their order), then serial."""
    if group == GROUP_SPEECH:
        first = [F("speech__date").asc(nulls_last=True), F("speech_id").asc(nulls_last=True)]
    elif group == GROUP_DEPARTMENT:
        first = [F("lead_department__order").asc(nulls_last=True), F("lead_department__name").asc(nulls_last=True),
                 F("lead_department_id").asc(nulls_last=True)]
    else:
        first = []
    return tasks.order_by(*first, *serial_order())


def _date_cn(day):
    return f"{day.year}年{day.month}月{day.day}日"


def _shown_width(text):
    """Return the width of ``text`` in half-width characters (a CJK character is two)."""
    return (len(text) + len(text.encode("utf-8"))) / 2


def _speech_heading(row, count, room):
    """Return 《title》（讲话人，日期）　共 N 项, the meeting before the title when it says more.

    A heading is one line running on over its row (a merged cell would stop the import),
    so past ``room`` half-widths the meeting is left out, then the title shortened.
    """
    about = "，".join(part for part in (row["speech__speaker"], row["speech__date"] and _date_cn(row["speech__date"]))
                     if part)
    tail = (f"（{about}）" if about else "") + f"　共 {count} 项"
    text = _source(row, separator="") + tail
    if room is None or _shown_width(text) <= room:
        return text
    title = row["speech__title"] or ""
    keep = len(title)
    while keep > 1 and _shown_width(f"《{title[:keep]}…》{tail}") > room:
        keep -= 1
    return f"《{title}》{tail}" if keep == len(title) else f"《{title[:keep]}…》{tail}"


def group_headings(tasks, group, *, room=None):
    """Return {group key: heading without its number} for the groups ``tasks`` fall into (one query).

    The key is the speech's or the lead department's id (None: tasks without one);
    ``room`` is how many half-width characters a heading may take (None: no limit).
    """
    base = Task.objects.filter(pk__in=tasks.order_by().values("pk"))
    headings = {}
    if group == GROUP_SPEECH:
        rows = base.order_by().values("speech_id", "speech__title", "speech__meeting", "speech__speaker",
                                      "speech__date").annotate(n=Count("pk"))
        for row in rows:
            if row["speech_id"] is None:
                headings[None] = f"{NO_SPEECH}　共 {row['n']} 项"
            else:
                headings[row["speech_id"]] = _speech_heading(row, row["n"], room)
    elif group == GROUP_DEPARTMENT:
        rows = base.order_by().values("lead_department_id", "lead_department__name").annotate(n=Count("pk"))
        for row in rows:
            name = row["lead_department__name"] or NO_DEPARTMENT
            headings[row["lead_department_id"]] = f"{name}　共 {row['n']} 项"
    return headings


def ledger_rows(tasks, *, group=GROUP_NONE, heading_room=None):
    """Yield the header and then one tuple of plain values per task of ``tasks``, in serial order.

    ``tasks`` is a queryset annotated with ``signal`` (selectors.task_list_filtered).
    Grouped by speech or department, each group opens with a GroupRow heading
    (一、《…》（讲话人，日期）　共 N 项, at most ``heading_room`` half-widths with its
    number); the 序号 runs on across the groups.
    """
    yield tuple(HEADERS)
    room = heading_room - 8 if heading_room else None  # 一百二十三、
    headings = group_headings(tasks, group, room=room) if group in _GROUP_KEY else None
    key = _GROUP_KEY.get(group)
    width = len(HEADERS)
    index = groups = 0
    current = object()
    chunk = []
    tasks = _ordered(tasks, group).annotate(newest_entry=newest_entry_id())
    rows = tasks.values(*_FIELDS).iterator(chunk_size=CHUNK)
    while True:
        for row in rows:
            chunk.append(row)
            if len(chunk) == CHUNK:
                break
        if not chunk:
            return
        co, deadlines = _chunk_extras(chunk)
        for row in chunk:
            if headings is not None and row[key] != current:
                current = row[key]
                groups += 1
                yield xl.GroupRow.of(f"{chinese_number(groups)}、{headings.get(current, '')}", width)
            index += 1
            yield _ledger_row(index, row, co, deadlines)
        chunk = []


def summary_rows(tasks, *, today=None):
    """Return (rows, total) per lead department: tasks, each status, red, 办结率.

    办结率 = 已办结 ÷ (任务数 − 已中止), as on the dashboard and in the department scores.
    """
    base = Task.objects.filter(pk__in=tasks.order_by().values("pk"))
    columns = {"total": Count("pk"), "red": Count("pk", filter=lights.signal_q(lights.RED, today=today))}
    columns.update({f"n_{status.value}": Count("pk", filter=Q(status=status)) for status in SUMMARY_STATUSES})
    counts = base.order_by().values("lead_department_id").annotate(**columns)
    by_department = {row["lead_department_id"]: row for row in counts}
    names = Department.objects.filter(pk__in=[k for k in by_department if k is not None])
    order = [(dept.pk, dept.name) for dept in names]  # Department's own ordering
    if None in by_department:
        order.append((None, NO_DEPARTMENT))

    closed, suspended = 1 + SUMMARY_STATUSES.index(_S.CLOSED), 1 + SUMMARY_STATUSES.index(_S.SUSPENDED)

    def line(name, values):  # values: total, one count per status, red
        return (name, *values, ratio(values[closed], values[0] - values[suspended]))

    rows = []
    sums = [0] * (len(SUMMARY_STATUSES) + 2)
    for pk, name in order:
        row = by_department[pk]
        values = [row["total"], *(row[f"n_{status.value}"] for status in SUMMARY_STATUSES), row["red"]]
        sums = [a + b for a, b in zip(sums, values)]
        rows.append(line(name, values))
    return rows, line("合计", sums)


def ledger_filename(now=None):
    now = local_naive(now or timezone.now())
    return f"督办任务台账_{now:%Y%m%d_%H%M}.xlsx"


def _deadline_changed():
    """Tasks whose deadline is not the original one (either of them unset counts as a change, as in 备注)."""
    both = Q(deadline__isnull=False, original_deadline__isnull=False) & ~Q(deadline=F("original_deadline"))
    return both | Q(deadline__isnull=True, original_deadline__isnull=False) | \
        Q(deadline__isnull=False, original_deadline__isnull=True)


def ledger_columns(*, options, sources=True, persons=True, notes=True, reports=True):
    """Return COLUMNS as printed with ``options``: what they leave out hidden, the rest fit to the paper.

    Left out: 任务来源 when the speech heads each group, 牵头单位 when the department
    does; 任务来源, 责任人, 备注 and 报送情况 when no task has one (``sources``, ``persons``,
    ``notes``, ``reports``); and always 原定时限, whose date 备注 gives as 时限调整：原定 → … → 现定
    whenever it differs.
    """
    hide = {"原定时限"}
    if options.group == GROUP_SPEECH or not sources:
        hide.add("任务来源")
    if options.group == GROUP_DEPARTMENT:
        hide.add("牵头单位")
    if not persons:
        hide.add("责任人")
    if not notes:
        hide.add("备注")
    if not reports:
        hide.add("报送情况")
    columns = [replace(col, hidden=True) if col.header in hide else col for col in COLUMNS]
    return xl.plan_widths(columns, options.paper)


def _counted(rows, progress, every=1000):
    """Pass ``rows`` through, calling ``progress(n)`` after every ``every`` rows (a large export's progress bar)."""
    n = 0
    for row in rows:
        yield row
        n += 1
        if n % every == 0:
            progress(n)


def ledger_write(*, tasks, target, subject="", now=None, options=LedgerOptions(), progress=None):
    """Write the ledger of ``tasks`` (scoped, signal-annotated) to ``target``; return a LedgerFile.

    ``progress(rows written)``, if given, is called every thousand rows (heading rows count too).
    """
    now = local_naive(now or timezone.now())
    facts = tasks.order_by().aggregate(
        count=Count("pk"),
        sources=Count("pk", filter=Q(speech__isnull=False)),
        persons=Count("pk", filter=~Q(responsible_person="")),
        notes=Count("pk", filter=~Q(note="") | _deadline_changed()),
        reports=Count("pk", filter=Q(report_due__isnull=False)),
    )
    count = facts["count"]
    scope = f"{subject}　共 {count} 项" if subject else f"共 {count} 项"
    byline = xl.Byline(left=f"制表单位：{settings.SUPERVISION_OFFICE}", middle=scope,
                       right=f"制表日期：{_date_cn(now)}")
    summary, total = summary_rows(tasks)
    columns = ledger_columns(options=options, sources=facts["sources"], persons=facts["persons"],
                             notes=facts["notes"], reports=facts["reports"])
    room = xl.wrap_capacity(sum(col.width for col in columns if not col.hidden), xl.GROUP_FONT.size)
    written = xl.render(
        target,
        title=TITLE,
        byline=byline,
        columns=columns,
        rows=_counted(ledger_rows(tasks, group=options.group, heading_room=room), progress) if progress
        else ledger_rows(tasks, group=options.group, heading_room=room),
        paper=options.paper,
        summary=xl.Summary(
            title=SUMMARY_TITLE, header=SUMMARY_HEADER, rows=summary, total=total, byline=byline, note=SUMMARY_NOTE,
            chart_title="各牵头单位办结率", chart_column=-1, percent_columns=(len(SUMMARY_HEADER) - 1,),
        ),
        tone_column=SIGNAL_COLUMN,
        tones=TONES,
    )
    return LedgerFile(filename=ledger_filename(now), count=written)


def ledger_response(*, tasks, subject="", options=LedgerOptions()):
    """Return a FileResponse streaming the ledger of ``tasks`` from an anonymous temp file.

    The file is written to disk first (memory stays flat) and deleted when the
    response closes it; FileResponse builds the RFC 6266 Content-Disposition
    (filename*=UTF-8''…) with django.utils.http.content_disposition_header.
    """
    handle = tempfile.TemporaryFile(suffix=".xlsx")
    try:
        result = ledger_write(tasks=tasks, target=handle, subject=subject, options=options)
        handle.seek(0)
    except BaseException:
        handle.close()
        raise
    return FileResponse(handle, as_attachment=True, filename=result.filename, content_type=XLSX_CONTENT_TYPE)
