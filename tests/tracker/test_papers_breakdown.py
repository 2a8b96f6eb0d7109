"""任务分解表 from plain data: grouping, the task cell, the title, the .docx read back. No database."""
from datetime import date

import pytest
from docx.enum.section import WD_ORIENT

from tests.papers_docx import fonts, grid_mm, read, rows, text_width_mm
from tracker.papers import breakdown, layout, output
from tracker.papers.breakdown import Section, Task

WORK = Section(marker="三、", title="扎实做好秋季开学工作", order=10)
PROBLEMS = Section(marker="二、", title="存在的问题", order=5)


def task(serial, section=None, order=None, **fields):
    return Task(serial=serial, title=fields.pop("title", f"任务{serial}"), section=section, item_order=order, **fields)


def test_groups_follow_the_speech_order_and_items_without_a_section_come_last():
    tasks = [task("3", WORK, 12), task("9"), task("1", PROBLEMS, 7), task("2", WORK, 11), task("8")]
    groups = breakdown.groups(tasks)
    assert [(g.heading, [t.serial for t in g.tasks]) for g in groups] == [
        ("二、存在的问题", ["1"]), ("三、扎实做好秋季开学工作", ["2", "3"]), ("其他任务", ["8", "9"])]


def test_tasks_without_any_section_have_no_heading_row():
    assert [(g.heading, len(g.tasks)) for g in breakdown.groups([task("1"), task("2")])] == [("", 2)]


def test_sections_of_two_speeches_stay_apart():
    first = task("1", Section("一、", "安全", 1), 1, speech="甲讲话")
    second = task("2", Section("一、", "安全", 1), 1, speech="乙讲话")
    assert [g.speech for g in breakdown.groups([first, second])] == ["甲讲话", "乙讲话"]


@pytest.mark.parametrize("title,content,marker,expected", [
    ("完善教师交流轮岗", "二是完善教师交流轮岗。人事股要在年底前完成方案。\n同志们，……", "二是",
     "完善教师交流轮岗。人事股要在年底前完成方案。"),
    ("压实整改责任", "首先，要压实整改责任。各单位要……", "首先", "要压实整改责任。各单位要……"),
    ("改过的任务名称", "（一）保障按时开学。县教育局要……", "（一）", "改过的任务名称"),
    ("手工任务", "", "", "手工任务"),
])
def test_task_cell_is_the_items_paragraph_while_it_speaks_of_the_task(title, content, marker, expected):
    assert breakdown.task_text(title=title, content=content, marker=marker) == expected


def test_title_wraps_the_speech_title_in_book_marks():
    assert breakdown.title_for("在全县秋季开学工作会议上的讲话") == "《在全县秋季开学工作会议上的讲话》重点任务分解表"
    assert breakdown.title_for("《已有书名号的讲话》") == "《已有书名号的讲话》重点任务分解表"
    assert breakdown.title_for(None) == "重点任务分解表"


def test_deadline_cell_shows_the_date_or_the_speechs_words():
    assert breakdown.deadline_cell(date(2025, 8, 25)) == "2025年\n8月25日"
    assert breakdown.deadline_cell(None, "长期坚持") == "长期坚持"


def build(tasks, **fields):
    paper = breakdown.Breakdown(title_parts=breakdown.title_parts("在全县秋季开学工作会议上的讲话"),
                                subtitle="李县长　2025年8月16日", tasks=tasks, **fields)
    return read(output.to_bytes(breakdown.build(paper)))


def test_docx_has_the_title_a_landscape_page_and_a_row_per_task_under_its_section():
    tasks = [
        task("DB-1", WORK, 11, title="保障按时开学", content="（一）保障按时开学。县教育局要在8月25日前完成排查。",
             marker="（一）", lead="县教育局", co=("县财政局", "基础教育股"), person="张三",
             deadline=date(2025, 8, 25)),
        task("DB-2", WORK, 12, title="化解大班额", lead="县发改局"),
        task("DB-3", title="手工添加的任务"),
    ]
    document = build(tasks)
    assert document.paragraphs[0].text == "《在全县秋季开学工作会议上的讲话》重点任务分解表"  # fits the 225 mm line
    assert document.paragraphs[0].style.name == "Title"
    assert "李县长　2025年8月16日" in [p.text for p in document.paragraphs]
    section = document.sections[0]
    assert section.orientation == WD_ORIENT.LANDSCAPE and section.page_width > section.page_height
    table = document.tables[0]
    assert rows(table) == [
        breakdown.COLUMNS,
        ["三、扎实做好秋季开学工作"],
        ["1", "保障按时开学。县教育局要在8月25日前完成排查。", "县教育局", "县财政局、基础教育股", "张三", "2025年\n8月25日"],
        ["2", "化解大班额", "县发改局", "", "", ""],
        ["其他任务"],
        ["3", "手工添加的任务", "待指定", "", "", ""],
    ]
    task_rows = [r for r in rows(table)[1:] if len(r) == len(breakdown.COLUMNS)]
    assert len(task_rows) == len(tasks)
    assert sum(grid_mm(table)) <= text_width_mm(section) + 0.1
    header = table.rows[0].cells[0].paragraphs[0]
    assert fonts(header.style.element.rPr)["eastAsia"] == layout.HEI_FONT
    body = table.rows[2].cells[1].paragraphs[0]
    assert fonts(body.style.element.rPr)["eastAsia"] == layout.BODY_FONT and body.style.font.size.pt == 14


def test_an_empty_breakdown_says_so():
    assert "（没有可列出的任务）" in rows(build([]).tables[0])[-1]
