"""A 任务分解表 in a Word table: each task row becomes one line the extractor reads as an item.

Offices hand out their tasks as a table — 序号 | 工作任务 | 牵头单位 | 配合单位 | 完成时限 —
in the speech itself or in the 分解表 that follows it. Read row by row with the cells
joined by tabs, such a row has no marker and no words that charge anyone, so it would be
no item. A table whose header row names a task column and at least one column of
owners or deadlines is therefore read as a list:

    1.加快推进城区污水管网改造。（牵头单位：县住建局；配合单位：县财政局、县发改局；完成时限：2025年6月底前）

the number from the 序号 column (or counted), the task, and the labels the extractor reads
owners, their roles and deadlines from (README §6). The wording of the cells is kept; only
the form changes: units are listed with 、, a unit marked （牵头） in a 责任单位 column leads
and the others help, a date written 2025.6.30 is written 2025年6月30日, and a bare date in the
完成时限 column is followed by 完成 (2025年6月完成), which says what the column means and lets
the deadline finder take it as a time limit. A row holding a single text (a merged row such
as 一、基础设施建设) stays a line of its own; columns such as 备注 or 完成情况 are left out.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

INDEX, TASK, DETAIL, LEAD, CO, RESPONSIBLE, PERSON, DEADLINE = (
    "index", "task", "detail", "lead", "co", "responsible", "person", "deadline")

# Header words, tried in this order (牵头领导 is a person, 完成时限 no task). The labels the
# lines are written with are the ones the extractor reads (cues.DUTY_LABELS).
_COLUMNS = (
    (INDEX, re.compile(r"^(?:序号|编号|序|No\.?|NO\.?)$")),
    (DEADLINE, re.compile(r"时限|完成时间|时间节点|时间要求|期限|截止|完成日期|办结时间|^时间$")),
    (PERSON, re.compile(r"责任人|领导")),
    (LEAD, re.compile(r"牵头|主责|主办")),
    (CO, re.compile(r"配合|协办|参与|协同")),
    (RESPONSIBLE, re.compile(r"责任单位|责任部门|承办|落实单位|实施单位")),
    (TASK, re.compile(r"任务|事项|项目|重点工作")),
    (DETAIL, re.compile(r"措施|内容|目标|要求|举措|工作")),
)
_HEADER_ROWS = 3  # a title row or two may stand above the header

_UNIT_SEPARATORS = re.compile(r"[、，,；;/／\s]+")
_LEADS_MARK = re.compile(r"[（(]\s*牵头\s*[）)]")
_MARKER = re.compile(r"^(?:[一二三四五六七八九十]+[、.．]|[（(][一二三四五六七八九十\d]+[）)]|\d{1,3}[.．、)）])")
_NUMERIC_DATE = re.compile(r"(?<!\d)(\d{4})\s*[.\-/／]\s*(\d{1,2})(?:\s*[.\-/／]\s*(\d{1,2}))?(?!\d)")
_BARE_DATE = re.compile(r"(?:\d{4}年)?(?:\d{1,2}月)?(?:\d{1,2}[日号])?")
_SENTENCE_END = tuple("。！？；!?;")


@dataclass(frozen=True, slots=True)
class Cell:
    """One cell of a row: the grid column it starts in, its text, and whether it continues the cell above."""

    column: int
    text: str
    span: int = 1
    continues: bool = False  # a vertically merged cell: its text is the one above


def task_table_lines(rows: list[list[Cell]]) -> list[str] | None:
    """Return the lines of a task table, or None when ``rows`` are no task table."""
    for header_at, row in enumerate(rows[:_HEADER_ROWS]):
        columns = _columns(row)
        if columns is not None:
            break
    else:
        return None
    lines = [text for text in (_single_text(row, {}) for row in rows[:header_at]) if text]
    above: dict[int, str] = {}
    counted = 0
    for row in rows[header_at + 1:]:
        values = {cell.column: above.get(cell.column, "") if cell.continues else cell.text.strip() for cell in row}
        above = values
        single = _single_text(row, columns)
        if single is not None:
            lines.append(single)
            continue
        line, counted = _task_line(columns, values, counted)
        if line:
            lines.append(line)
    return lines


def _columns(row: list[Cell]) -> dict[int, str] | None:
    """Map grid column -> role for a header row, or None when the row is no task table's header."""
    columns = {}
    for cell in row:
        name = re.sub(r"\s+", "", cell.text)
        name = re.sub(r"[（(][^）)]*[）)]$", "", name) or name  # 完成时限（截止日期）
        role = next((role for role, pattern in _COLUMNS if name and len(name) <= 12 and pattern.search(name)), None)
        if role:
            columns[cell.column] = role
    roles = set(columns.values())
    if not roles & {TASK, DETAIL} or not roles & {LEAD, CO, RESPONSIBLE, PERSON, DEADLINE}:
        return None
    # one task column (工作任务, else the first content column); the others add detail
    content = sorted(column for column, role in columns.items() if role in (TASK, DETAIL))
    main = next((column for column in content if columns[column] == TASK), content[0])
    columns.update({column: TASK if column == main else DETAIL for column in content})
    return columns


def _single_text(row: list[Cell], columns: dict[int, str]) -> str | None:
    """The text of a row that is a title or a section (一、基础设施建设), else None.

    Such a row holds one text only, in a cell merged across columns or outside the task
    column; a task alone in its column, without number or owners, is still a task.
    """
    cells = [cell for cell in row if cell.text.strip() and not cell.continues]
    if len(cells) != 1:
        return None
    cell = cells[0]
    if cell.span > 1 or len(row) == 1 or columns.get(cell.column) != TASK:
        return None if _is_number(cell.text.strip()) else cell.text.strip()
    return None


def _is_number(text: str) -> bool:
    return bool(re.fullmatch(r"[\d一二三四五六七八九十]+[.．、]?", text))


def _task_line(columns: dict[int, str], values: dict[int, str], counted: int) -> tuple[str, int]:
    by_role: dict[str, list[str]] = {}
    for column in sorted(columns):
        text = _one_line(values.get(column, ""))
        if text:
            by_role.setdefault(columns[column], []).append(text)
    task = "".join(by_role.get(TASK, []))
    details = by_role.get(DETAIL, [])
    if not task and details:
        task, details = details[0], details[1:]
    if not task:
        return "", counted
    for detail in details:
        task += ("" if task.endswith(_SENTENCE_END + tuple("：:，,")) else "：") + detail
    marker, counted = _marker(by_role.get(INDEX, [""])[0], task, counted)
    if not task.endswith(_SENTENCE_END):
        task += "。"
    labels = []
    leads, helpers, responsible = (_units(" ".join(by_role.get(role, []))) for role in (LEAD, CO, RESPONSIBLE))
    marked = [unit for unit in responsible if _LEADS_MARK.search(unit)]
    if marked and not leads:  # 责任单位：县住建局（牵头）、县财政局
        leads = [_LEADS_MARK.sub("", unit) for unit in marked]
        helpers = helpers + [unit for unit in responsible if unit not in marked]
        responsible = []
    for label, units in (("牵头单位", leads), ("配合单位", helpers), ("责任单位", responsible)):
        if units:
            labels.append(f"{label}：{'、'.join(units)}")
    for person in by_role.get(PERSON, []):
        labels.append(f"责任人：{'、'.join(_units(person))}")
    deadline = "，".join(_deadline(text) for text in by_role.get(DEADLINE, []))
    if deadline:
        labels.append(f"完成时限：{deadline}")
    return marker + task + (f"（{'；'.join(labels)}）" if labels else ""), counted


def _one_line(text: str) -> str:
    """A cell's lines as one: joined directly after punctuation, else with ；."""
    parts = [part.strip() for part in text.split("\n") if part.strip()]
    joined = ""
    for part in parts:
        if joined and not joined.endswith(_SENTENCE_END + tuple("：:，,、")):
            joined += "；"
        joined += part
    return joined


def _marker(index: str, task: str, counted: int) -> tuple[str, int]:
    """The item's marker: the 序号 as written (1 becomes 1.), else the next number; none if the task has one."""
    if _MARKER.match(task):
        return "", counted
    index = index.strip()
    if re.fullmatch(r"\d{1,3}", index):
        return f"{index}.", int(index)
    if re.fullmatch(r"[一二三四五六七八九十]+", index):
        return f"{index}、", counted
    if index and _MARKER.match(index):
        return index, counted
    return f"{counted + 1}.", counted + 1


def _units(text: str) -> list[str]:
    """The units a cell names, one by one (县住建局，县财政局 / 县住建局、县财政局 / one a line)."""
    kept = re.sub(r"\s*[（(]\s*牵头\s*[）)]", "（牵头）", text)  # keep the mark on its unit through the split
    return [unit for unit in _UNIT_SEPARATORS.split(kept) if unit and unit != "（牵头）"]


def _deadline(text: str) -> str:
    text = _NUMERIC_DATE.sub(lambda m: f"{m[1]}年{int(m[2])}月" + (f"{int(m[3])}日" if m[3] else ""), text)
    if _BARE_DATE.fullmatch(text) and text:
        return text + "完成"
    return text
