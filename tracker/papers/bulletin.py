"""督办通报: a drafted bulletin for a period, its figures filled in from the data. Plain Python.

The figures come in as a ``Bulletin`` (read by ``tracker.papers.selectors``: counts from
the dashboard's queries, the ranking from ``tracker.supervision.scoring``); this module
only words them and lays them out. The supervisor downloads the draft, edits the words
in Word and issues it.
"""
import calendar
from dataclasses import dataclass, field
from datetime import date, timedelta

from tracker.papers import layout


@dataclass(frozen=True, slots=True)
class DepartmentRow:
    name: str
    tasks: int  # as lead department, all statuses
    closed_in_period: int
    on_time_in_period: int
    closed: int  # up to today
    open: int
    red: int


@dataclass(frozen=True, slots=True)
class RedTask:
    serial: str
    title: str
    lead: str
    deadline: date
    days_late: int


@dataclass(frozen=True, slots=True)
class RankRow:
    place: int
    name: str
    score: float
    on_time_rate: float
    completion_rate: float
    red: int
    effective: int


@dataclass(frozen=True)
class Bulletin:
    start: date
    end: date
    as_of: date  # the day the current state (open, red, yellow) is read
    total: int
    closed: int
    open: int
    suspended: int
    red: int
    yellow: int
    closed_in_period: int
    on_time_in_period: int
    yellow_days: int = 7
    departments: list = field(default_factory=list)  # [DepartmentRow]
    red_tasks: list = field(default_factory=list)  # [RedTask], all of them
    ranking: list = field(default_factory=list)  # [RankRow]
    formula: str = ""
    definitions: str = ""
    issuer: str = "督查室"


# Columns across the 156 mm block; a header of four characters goes on two lines of two,
# so the figures' columns stay narrow and a department's name fits on one line.
DEPARTMENT_COLUMNS = ["单位", "牵头\n任务", "本期\n办结", "其中\n按时", "累计\n办结", "在办", "红灯"]
DEPARTMENT_WIDTHS = [60, 16, 16, 16, 16, 16, 16]
RED_COLUMNS = ["督办编号", "工作任务", "牵头单位", "完成时限", "超期\n天数"]
RED_WIDTHS = [38, 44, 30, 28, 16]
RANK_COLUMNS = ["名次", "单位", "得分", "按时\n办结率", "办结率", "红灯", "有效\n任务"]
RANK_WIDTHS = [14, 52, 18, 22, 22, 14, 14]


def previous_month(today: date) -> tuple[date, date]:
    """Return the first and last day of the month before ``today``'s."""
    last = today.replace(day=1) - timedelta(days=1)
    return last.replace(day=1), last


class PeriodError(ValueError):
    """A period that cannot be reported on; the message says why, in Chinese."""


def resolve_period(*, today: date, start: date | None = None, end: date | None = None,
                   month: date | None = None) -> tuple[date, date]:
    """Return the (start, end) a bulletin covers: the dates given, else the month given, else last month.

    A month still running ends today; dates given must be in order and not in the future.
    """
    if start or end:
        if not (start and end):
            raise PeriodError("请同时填写起始日期和截止日期。")
        if start > end:
            raise PeriodError("起始日期不能晚于截止日期。")
        if end > today:
            raise PeriodError(f"截止日期不能晚于今天（{layout.date_cn(today)}）。")
        return start, end
    if month:
        first = month.replace(day=1)
        if first > today:
            raise PeriodError("不能选择尚未开始的月份。")
        last = first.replace(day=calendar.monthrange(first.year, first.month)[1])
        return first, min(last, today)
    return previous_month(today)


def period_label(start: date, end: date) -> str:
    """Name the period as a bulletin does: 2025年2月, 2025年, 2025年2月3日, or 2025年2月3日至2月14日."""
    if start == end:
        return layout.date_cn(start)
    if start.day == 1 and end == start.replace(day=calendar.monthrange(start.year, start.month)[1]):
        return f"{start.year}年{start.month}月"
    if (start.month, start.day, end.month, end.day) == (1, 1, 12, 31) and start.year == end.year:
        return f"{start.year}年"
    end_text = layout.date_cn(end) if end.year != start.year else f"{end.month}月{end.day}日"
    return f"{layout.date_cn(start)}至{end_text}"


def title_parts(start: date, end: date) -> list[str]:
    """The title in the pieces it may break between: 关于…(period) | 讲话任务落实情况的通报."""
    return [f"关于{period_label(start, end)}", "讲话任务落实情况的通报"]


def title_for(start: date, end: date) -> str:
    return "".join(title_parts(start, end))


def percent(value: float) -> str:
    return f"{value * 100:.1f}%"


def overview(b: Bulletin) -> list[str]:
    """Return the paragraphs of 一、总体情况, every figure from ``b``."""
    label = period_label(b.start, b.end)
    effective = b.total - b.suspended
    rate = f"，办结率{percent(b.closed / effective)}" if effective else ""
    state = f"截至{layout.date_cn(b.as_of)}，纳入督办的任务共{b.total}项，其中已办结{b.closed}项、在办{b.open}项"
    state += (f"、已中止{b.suspended}项" if b.suspended else "") + rate + "。"
    late = b.closed_in_period - b.on_time_in_period
    if b.closed_in_period:
        period = f"{label}共办结任务{b.closed_in_period}项，其中按时办结{b.on_time_in_period}项"
        period += (f"、逾期办结{late}项。" if late else "，均在完成时限内办结。")
    else:
        period = f"{label}没有办结的任务。"
    if b.red:
        lights = f"目前有{b.red}项任务已超过完成时限仍未办结（红灯）"
    else:
        lights = "目前没有超过完成时限仍未办结的任务"
    lights += (f"，{b.yellow}项任务将在{b.yellow_days}天内到期（黄灯）。" if b.yellow
               else f"，{b.yellow_days}天内没有到期的任务。")
    return [state, period, lights]


def requirements(b: Bulletin) -> list[tuple[str, str]]:
    """Return (heading, text) pairs of 下一步工作要求: a draft for the supervisor to edit."""
    items = []
    if b.red:
        items.append(("（一）抓紧办理红灯任务。",
                      (f"红灯任务的牵头单位要逐项分析原因，明确整改措施和完成时间，"
                       f"于通报印发之日起5个工作日内向{b.issuer}书面说明。")))
    items.append(("（{}）确保按期办结。".format("二" if b.red else "一"),
                  "各单位要对照完成时限倒排工期，临近时限的任务要集中力量推进，确保按期办结。"))
    items.append(("（{}）及时报送进展。".format("三" if b.red else "二"),
                  ("各单位要按月在督办系统中如实填报工作进展；任务完成后及时申请办结，并上传办结报告和佐证材料。"
                   f"{b.issuer}将持续跟踪督办，并将落实情况纳入年度考评。")))
    return items


def build(b: Bulletin):
    """Return the 督办通报 as a python-docx Document (portrait A4)."""
    document = layout.new_document(title=title_for(b.start, b.end), author=b.issuer)
    layout.add_title(document, title_parts(b.start, b.end))
    layout.add_body(document, "各有关单位：", indent=False)
    layout.add_body(document, f"为推动领导讲话部署的各项任务落地见效，{b.issuer}对纳入督办的重点任务实行清单化管理、"
                              f"跟踪式督办。现将{period_label(b.start, b.end)}任务落实情况通报如下。")

    layout.add_heading(document, "一、总体情况")
    for paragraph in overview(b):
        layout.add_body(document, paragraph)

    layout.add_heading(document, "二、各单位落实情况")
    rows = [d for d in b.departments if d.tasks]
    if rows:
        layout.add_body(document, "各单位牵头任务的落实情况如下表（“本期”指"
                                  f"{period_label(b.start, b.end)}，其余为截至{layout.date_cn(b.as_of)}的累计数）。")
        table = layout.add_table(document, widths_mm=DEPARTMENT_WIDTHS, header=DEPARTMENT_COLUMNS,
                                 aligns=[layout.LEFT] + [layout.CENTER] * 6)
        for d in rows:
            layout.add_row(table, [d.name, d.tasks, d.closed_in_period, d.on_time_in_period, d.closed, d.open, d.red])
        layout.add_blank(document)
    else:
        layout.add_body(document, "没有纳入统计的任务。")

    layout.add_heading(document, "三、红灯任务")
    if b.red_tasks:
        layout.add_body(document, f"以下{len(b.red_tasks)}项任务已超过完成时限仍未办结，请牵头单位抓紧办理。")
        table = layout.add_table(document, widths_mm=RED_WIDTHS, header=RED_COLUMNS,
                                 aligns=[layout.CENTER, layout.LEFT, layout.LEFT, layout.CENTER, layout.CENTER])
        for task in b.red_tasks:
            layout.add_row(table, [task.serial, task.title, task.lead or "待指定",
                                   layout.date_cn_table(task.deadline), task.days_late])
        layout.add_blank(document)
    else:
        layout.add_body(document, "目前没有红灯任务。")

    layout.add_heading(document, "四、考评排名")
    if b.ranking:
        layout.add_body(document, f"以截至{layout.date_cn(b.as_of)}的累计情况为准，按照“{b.formula}”"
                                  "计算，各单位得分和排名如下。")
        table = layout.add_table(document, widths_mm=RANK_WIDTHS, header=RANK_COLUMNS,
                                 aligns=[layout.CENTER, layout.LEFT] + [layout.CENTER] * 5)
        for r in b.ranking:
            layout.add_row(table, [r.place, r.name, f"{r.score:.1f}", percent(r.on_time_rate),
                                   percent(r.completion_rate), r.red, r.effective])
        if b.definitions:
            layout.add_note(document, f"注：{b.definitions}")
        layout.add_blank(document)
    else:
        layout.add_body(document, "没有可考评的单位。")

    layout.add_heading(document, "五、下一步工作要求")
    for heading, text in requirements(b):
        paragraph = layout.add_body(document, "")
        layout.run_font(paragraph.add_run(heading), layout.KAI_FONT)
        paragraph.add_run(text)
    layout.add_signature(document, b.issuer, b.as_of)
    return document
