"""A 任务分解表 in a Word table becomes items with their owners, roles and deadlines.

The tables are real: written with python-docx (merged cells included), read back by
read_docx, then run through the extractor as an upload would be.
"""
import pytest

from speeches.parsing import pipeline
from speeches.parsing.docx_reader import read_docx
from speeches.parsing.task_table import Cell, task_table_lines
from tests.office_files import TABLE_HEADER as HEADER
from tests.office_files import table_docx


def items_of(text):
    (speech,) = pipeline.extract(text, "分解表.docx").speeches
    return speech.items


def test_each_task_row_becomes_a_numbered_line_with_its_labels():
    data = table_docx([
        HEADER,
        ("1", "加快推进城区污水管网改造", "县住建局", "县财政局，县发展和改革局", "2025年6月底前"),
        ("2", "开展校园安全隐患排查整治\n建立隐患整改台账", "县教育局", "", "2025.6.30"),
        ("3", "农村公路安全生命防护工程", "县交通运输局", "各乡镇人民政府\n县公安局", "2025年12月"),
        ("4", "建立健全安全生产长效机制。", "县应急管理局", "", "长期坚持"),
    ])
    assert read_docx(data).split("\n")[3:] == [
        "1.加快推进城区污水管网改造。（牵头单位：县住建局；配合单位：县财政局、县发展和改革局；完成时限：2025年6月底前）",
        "2.开展校园安全隐患排查整治；建立隐患整改台账。（牵头单位：县教育局；完成时限：2025年6月30日完成）",
        "3.农村公路安全生命防护工程。（牵头单位：县交通运输局；配合单位：各乡镇人民政府、县公安局；完成时限：2025年12月完成）",
        "4.建立健全安全生产长效机制。（牵头单位：县应急管理局；完成时限：长期坚持）",
    ]


def test_the_extractor_reads_the_rows_as_tasks_with_owners_and_deadlines():
    data = table_docx([
        HEADER,
        ("1", "加快推进城区污水管网改造", "县住建局", "县财政局、县发展和改革局", "2025年6月底前"),
        ("2", "开展校园安全隐患排查整治", "县教育局", "县公安局", "2025年9月"),
        ("3", "完善社会救助体系", "县民政局", "", "年底前"),
    ])
    items = items_of(read_docx(data))
    assert [(i.marker, i.title, i.kind) for i in items] == [
        ("1.", "加快推进城区污水管网改造", "directive"),
        ("2.", "开展校园安全隐患排查整治", "directive"),
        ("3.", "完善社会救助体系", "directive"),
    ]
    assert [i.owners for i in items] == [["县住建局", "县财政局、县发展和改革局"], ["县教育局", "县公安局"], ["县民政局"]]
    assert [i.deadlines for i in items] == [["2025年6月底前"], ["2025年9月"], ["年底前"]]


def test_owner_roles_come_from_the_columns():
    if not hasattr(items_of("一、抓好安全。县教育局要抓好安全。")[0], "owner_roles"):
        pytest.skip("本分支的识别器还没有 owner_roles（牵头/配合角色随 extract 分支合入）")
    data = table_docx([HEADER, ("1", "加快推进城区污水管网改造", "县住建局", "县财政局、县发展和改革局", "2025年6月底前"),
                       ("2", "完善应急预案体系", "县应急管理局", "", "年底前")])
    first, second = items_of(read_docx(data))
    assert first.owner_roles == [("县住建局", "lead"), ("县财政局", "co"), ("县发展和改革局", "co")]
    assert second.owner_roles == [("县应急管理局", "lead")]


def test_titles_sections_and_merged_cells():
    """A title row above the header, section rows merged across, a lead merged down over two tasks."""
    rows = [
        ("全县安全生产重点任务分解表", None, None, None, None),
        HEADER,
        ("一、基础设施建设", None, None, None, None),
        ("1", "加快推进城区污水管网改造", "县住建局", "县财政局", "2025年6月底前"),
        ("2", "推进老旧小区燃气管道改造", None, "县市场监管局", "2025年9月底前"),
        ("二、校园安全", None, None, None, None),
        ("3", "开展校园安全隐患排查整治", "县教育局", "", "本学期"),
    ]
    data = table_docx(rows, before=(), merges=[((0, 0), (0, 4)), ((2, 0), (2, 4)), ((5, 0), (5, 4)), ((3, 2), (4, 2))])
    assert read_docx(data).split("\n") == [
        "全县安全生产重点任务分解表",
        "一、基础设施建设",
        "1.加快推进城区污水管网改造。（牵头单位：县住建局；配合单位：县财政局；完成时限：2025年6月底前）",
        "2.推进老旧小区燃气管道改造。（牵头单位：县住建局；配合单位：县市场监管局；完成时限：2025年9月底前）",
        "二、校园安全",
        "3.开展校园安全隐患排查整治。（牵头单位：县教育局；完成时限：本学期）",
    ]


def test_a_responsible_column_with_a_lead_mark_names_the_lead_and_the_helpers():
    data = table_docx([("序号", "重点任务", "具体措施", "责任单位", "责任人", "完成时间"),
                       ("1", "整治道路交通隐患", "排查临水临崖路段", "县交通运输局（牵头）、县公安局 ， 县应急管理局", "张明", "10月底前")],
                      before=())
    assert read_docx(data) == ("1.整治道路交通隐患：排查临水临崖路段。（牵头单位：县交通运输局；配合单位：县公安局、县应急管理局；"
                               "责任人：张明；完成时限：10月底前）")


def test_without_a_number_column_the_rows_are_counted_and_a_content_column_is_the_task():
    data = table_docx([("工作内容", "责任单位", "时限"), ("完善制度", "县教育局", "年底前"), ("强化督查", "县委督查室", "")],
                      before=())
    assert read_docx(data).split("\n") == ["1.完善制度。（责任单位：县教育局；完成时限：年底前）", "2.强化督查。（责任单位：县委督查室）"]


@pytest.mark.parametrize("header", [("姓名", "职务", "联系电话"), ("序号", "任务", "备注"), ("项目", "金额（万元）")])
def test_a_table_whose_header_names_no_owners_or_deadlines_is_no_task_table(header):
    rows = [[Cell(column, text) for column, text in enumerate(header)],
            [Cell(column, f"值{column}") for column in range(len(header))]]
    assert task_table_lines(rows) is None


def test_the_header_is_looked_for_in_the_first_rows_only():
    rows = [[Cell(0, f"第{n}行")] for n in range(3)] + [[Cell(0, "工作任务"), Cell(1, "牵头单位")], [Cell(0, "a"), Cell(1, "b")]]
    assert task_table_lines(rows) is None
