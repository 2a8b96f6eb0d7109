"""督办通知单 from plain data: one page per task, the form's rows, the issuer. No database."""
from datetime import date

from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.oxml.ns import qn

from tests.papers_docx import grid_mm, read, rows, text_width_mm
from tracker.papers import notice, output

TASKS = [
    notice.NoticeTask(serial="DB-2025-0001", title="保障按时开学", content="（一）保障按时开学。县教育局要在8月25日前完成排查。",
                      marker="（一）", source="《在全县秋季开学工作会议上的讲话》（李县长，2025年8月16日）",
                      lead="县教育局", co=("县财政局",), deadline=date(2025, 8, 25), deadline_text="8月25日前"),
    notice.NoticeTask(serial="DB-2025-0002", title="化解大班额", deadline_text="年底前"),
]


def build(tasks=TASKS, site_url="https://duban.example.gov.cn"):
    return read(output.to_bytes(notice.build(tasks, issuer="县委督查室", day=date(2025, 9, 1), site_url=site_url)))


def test_each_task_gets_its_own_section_numbered_from_page_one():
    document = build()
    titles = [p for p in document.paragraphs if p.style.name == "Title"]
    assert [p.text for p in titles] == ["督办通知单", "督办通知单"]
    assert len(document.sections) == len(document.tables) == len(TASKS)
    assert [s.start_type for s in document.sections[1:]] == [WD_SECTION.NEW_PAGE]
    numbering = document.sections[1]._sectPr.find(qn("w:pgNumType"))
    assert numbering.get(qn("w:start")) == "1"
    for index, section in enumerate(document.sections):
        assert section.orientation == WD_ORIENT.PORTRAIT and round(section.top_margin.mm) == 37
        assert section.footer.is_linked_to_previous == (index > 0)  # one footer, the first section's


def test_the_form_holds_serial_task_deadline_requirements_and_feedback():
    document = build()
    first = dict(rows(document.tables[0]))
    assert first["督办编号"] == "DB-2025-0001"
    assert first["工作任务"] == "保障按时开学。县教育局要在8月25日前完成排查。"
    assert first["任务来源"] == "《在全县秋季开学工作会议上的讲话》（李县长，2025年8月16日）"
    assert (first["牵头单位"], first["配合单位"]) == ("县教育局", "县财政局")
    assert first["完成时限"] == "2025年8月25日前"
    assert first["办理要求"] == notice.REQUIREMENTS
    assert "https://duban.example.gov.cn" in first["反馈方式"]
    second = dict(rows(document.tables[1]))
    assert second["完成时限"] == "年底前" and second["牵头单位"] == "待指定牵头单位"
    texts = [p.text for p in document.paragraphs]
    assert texts.count("县委督查室") == 2 and texts.count("2025年9月1日") == 2
    assert "县教育局：" in texts and f"{notice.ADDRESSEE_BLANK}：" in texts  # no lead yet: a blank to write in
    for table in document.tables:
        assert sum(grid_mm(table)) <= text_width_mm(document.sections[0]) + 0.1
        assert all(row._tr.trPr.find(qn("w:trHeight")) is not None for row in table.rows)


def test_deadline_line_quotes_the_speech_where_it_adds_something():
    assert notice.deadline_line(date(2025, 12, 31), "年底前") == "2025年12月31日前（讲话原文：年底前）"
    assert notice.deadline_line(date(2025, 8, 25), "8月25日前") == "2025年8月25日前"
    assert notice.deadline_line(None) == "（待明确）"


def test_feedback_without_a_site_address_names_the_system():
    assert notice.feedback_text("").startswith("请于每月25日前在讲话任务督办系统填报")


def test_source_text():
    assert notice.source_text(speech_title="讲话", speaker="李县长", day=date(2025, 8, 16)) == "《讲话》（李县长，2025年8月16日）"
    assert notice.source_text(speech_title="讲话") == "《讲话》"
    assert notice.source_text(meeting="常务会") == "常务会"
