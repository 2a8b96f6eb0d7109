"""任务分解表: a speech's tasks in one table, grouped under the speech's sections. Plain Python.

The rows come in as plain data (``Task`` below, one per task, with its speech item's
chain of headings already read); ``groups`` orders and groups them and ``build``
writes the landscape .docx. Six columns need the long side of the page, so the
table is always landscape (the 225 × 156 mm text block turned).
"""
from dataclasses import dataclass, field
from datetime import date

from tracker.papers import layout

COLUMNS = ["序号", "工作任务", "牵头单位", "配合单位", "责任人", "完成时限"]
# 225 mm in all: the landscape text block. With the cell margins, 序号 holds two 4号
# characters a line, 责任人 three, 完成时限 "12月31日" (the year goes on the line above).
WIDTHS_MM = [14, 99, 32, 32, 20, 28]
OTHER_GROUP = "其他任务"
TITLE_SUFFIX = "重点任务分解表"


@dataclass(frozen=True, slots=True)
class Section:
    """A heading of the speech's outline: its marker, title and place in the speech."""

    marker: str
    title: str
    order: int

    @property
    def heading(self):
        return f"{self.marker}{self.title}".strip()


@dataclass(frozen=True, slots=True)
class Task:
    """One row's data; ``section`` is the top-level heading above the task's item (None: no item)."""

    serial: str
    title: str
    content: str = ""
    marker: str = ""  # the item's own marker (一是, （二）...), cut from the content's start
    lead: str = ""
    co: tuple[str, ...] = ()
    person: str = ""
    deadline: date | None = None
    deadline_text: str = ""
    section: Section | None = None
    item_order: int | None = None
    speech: str = ""  # the speech's title, where the tasks come from several


@dataclass(frozen=True, slots=True)
class Group:
    speech: str
    heading: str  # "" where no heading row is needed
    tasks: list


@dataclass(frozen=True)
class Breakdown:
    title_parts: list
    subtitle: str = ""
    tasks: list = field(default_factory=list)
    author: str = ""

    @property
    def title(self):
        return "".join(self.title_parts)


def title_parts(speech_title: str | None) -> list[str]:
    """The title in the pieces it may break between: 《…讲话》 | 重点任务分解表."""
    if not speech_title:
        return [TITLE_SUFFIX]
    return [f"《{speech_title.strip().strip('《》')}》", TITLE_SUFFIX]


def title_for(speech_title: str | None) -> str:
    """Return 《…讲话》重点任务分解表 for a speech, or 重点任务分解表 for tasks from anywhere."""
    return "".join(title_parts(speech_title))


def task_text(*, title: str, content: str = "", marker: str = "") -> str:
    """Return what the 工作任务 cell says: the item's own paragraph, else the task's title.

    The content starts with the item's paragraph (its marker first, e.g. 二是); later
    lines are the speech running on. The paragraph is used when it still speaks of
    the task (holds its title); a title the supervisor rewrote wins over it.
    """
    first = (content or "").strip().split("\n", 1)[0].strip()
    if marker and first.startswith(marker):
        first = first[len(marker):].lstrip("，,、：: ")
    if first and title and title.strip() in first:
        return first
    return (title or first).strip()


def deadline_cell(deadline: date | None, text: str = "") -> str:
    """The 完成时限 cell: the date (two short lines), or the speech's wording where no date was set."""
    return layout.date_cn_table(deadline) if deadline else (text or "")


def groups(tasks: list[Task]) -> list[Group]:
    """Return the tasks grouped under their top-level sections, in the speech's order.

    Sections keep the order of the speech (and speeches the order they first appear);
    within a section, tasks keep the order of their items. Tasks without an item form
    the last group. When every task lacks an item there is no heading at all.
    """
    speeches = list(dict.fromkeys(t.speech for t in tasks))
    keyed: dict[tuple, list[Task]] = {}
    for task in tasks:
        key = (speeches.index(task.speech), task.section.order, task.section.heading) if task.section else None
        keyed.setdefault(key, []).append(task)
    sectioned = sorted(key for key in keyed if key is not None)
    result = [
        Group(speech=speeches[key[0]], heading=key[2],
              tasks=sorted(keyed[key], key=lambda t: (t.item_order if t.item_order is not None else 0, t.serial)))
        for key in sectioned
    ]
    if None in keyed:
        rest = sorted(keyed[None], key=lambda t: t.serial)
        result.append(Group(speech="", heading=OTHER_GROUP if sectioned else "", tasks=rest))
    return result


def build(paper: Breakdown):
    """Return the 任务分解表 as a python-docx Document (landscape A4)."""
    document = layout.new_document(landscape=True, title=paper.title, author=paper.author)
    layout.add_title(document, paper.title_parts)
    if paper.subtitle:
        layout.add_subtitle(document, paper.subtitle)
        layout.add_blank(document)
    table = layout.add_table(document, widths_mm=WIDTHS_MM, header=COLUMNS,
                             aligns=[layout.CENTER, layout.LEFT, layout.LEFT, layout.LEFT, layout.CENTER, layout.CENTER])
    several_speeches = len({t.speech for t in paper.tasks if t.speech}) > 1
    number, current_speech = 0, None
    for group in groups(paper.tasks):
        if several_speeches and group.speech and group.speech != current_speech:
            layout.add_spanning_row(table, f"《{group.speech}》", align=layout.CENTER)
            current_speech = group.speech
        if group.heading:
            layout.add_spanning_row(table, group.heading)
        for task in group.tasks:
            number += 1
            layout.add_row(table, [
                str(number),
                task_text(title=task.title, content=task.content, marker=task.marker),
                task.lead or "待指定",
                "、".join(task.co),
                task.person,
                deadline_cell(task.deadline, task.deadline_text),
            ])
    if not paper.tasks:
        layout.add_spanning_row(table, "（没有可列出的任务）", style=layout.TABLE_TEXT, align=layout.CENTER)
    return document
