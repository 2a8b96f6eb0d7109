"""督办通知单: one page per task, telling the lead department what to do by when. Plain Python.

Each page: the title, the addressee (the lead department), a form of the task
(督办编号, 任务来源, 工作任务, 牵头/配合单位, 责任人, 完成时限, 办理要求, 反馈方式),
and the issuing office with the date. The requirements and the feedback line are
drafted here; the supervisor edits them in Word where a task needs more. Each notice
is a section of its own whose page number starts at 1: the notices of one download
are printed and sent separately.
"""
from dataclasses import dataclass
from datetime import date

from tracker.papers import layout
from tracker.papers.breakdown import task_text

TITLE = "督办通知单"
LABEL_MM, VALUE_MM = 30, 126  # 156 mm: the portrait text block
ROW_MM = 11  # a form's rows: room to write in by hand
NO_LEAD = "待指定牵头单位"
ADDRESSEE_BLANK = "＿" * 8  # no lead department yet: the supervisor writes it in
REQUIREMENTS = ("请牵头单位明确分管领导和具体责任人，细化工作措施，按时限办结；"
                "配合单位要主动对接、密切配合。办理中遇到困难，请及时报告。")


@dataclass(frozen=True, slots=True)
class NoticeTask:
    serial: str
    title: str
    content: str = ""
    marker: str = ""
    source: str = ""  # 《讲话》（会议，日期）
    lead: str = ""
    co: tuple[str, ...] = ()
    person: str = ""
    deadline: date | None = None
    deadline_text: str = ""


def source_text(*, speech_title: str = "", meeting: str = "", speaker: str = "", day: date | None = None) -> str:
    """Return where a task comes from: 《讲话标题》（讲话人，2025年3月10日）, or ""."""
    if not speech_title:
        return meeting
    details = "，".join(part for part in (speaker, layout.date_cn(day) if day else "") if part)
    return f"《{speech_title.strip('《》')}》" + (f"（{details}）" if details else "")


def deadline_line(deadline: date | None, text: str = "") -> str:
    if deadline is None:
        return text or "（待明确）"
    shown = f"{layout.date_cn(deadline)}前"
    return f"{shown}（讲话原文：{text}）" if text and text not in shown else shown


def feedback_text(site_url: str = "") -> str:
    """How the department reports back: progress monthly in the system, the closing report with evidence."""
    where = f"讲话任务督办系统（{site_url}）" if site_url else "讲话任务督办系统"
    return (f"请于每月25日前在{where}填报工作进展；任务完成后在系统中申请办结，"
            "并上传办结报告和佐证材料。")


def build(tasks: list[NoticeTask], *, issuer: str, day: date, site_url: str = ""):
    """Return the 督办通知单 of ``tasks`` as one Document, each task on its own page."""
    document = layout.new_document(title=TITLE, author=issuer)
    for index, task in enumerate(tasks):
        if index:
            layout.start_numbered_part(document)  # each notice is sent on its own: its page is 1
        layout.add_title(document, TITLE)
        layout.add_body(document, f"{task.lead or ADDRESSEE_BLANK}：", indent=False)
        table = layout.add_table(document, widths_mm=[LABEL_MM, VALUE_MM], aligns=[layout.CENTER, layout.LEFT])
        rows = [
            ("督办编号", task.serial),
            ("任务来源", task.source or "—"),
            ("工作任务", task_text(title=task.title, content=task.content, marker=task.marker)),
            ("牵头单位", task.lead or NO_LEAD),
            ("配合单位", "、".join(task.co) or "—"),
            ("责任人", task.person or "请牵头单位明确"),
            ("完成时限", deadline_line(task.deadline, task.deadline_text)),
            ("办理要求", REQUIREMENTS),
            ("反馈方式", feedback_text(site_url)),
        ]
        for label, value in rows:
            row = layout.add_row(table, [label, value], min_height_mm=ROW_MM)
            # The labels read as the form's printed part: 黑体, like a header column.
            row.cells[0].paragraphs[0].style = document.styles[layout.TABLE_HEAD]
        layout.add_signature(document, issuer, day)
    if not tasks:
        layout.add_title(document, TITLE)
        layout.add_body(document, "（没有需要督办的任务）")
    return document
