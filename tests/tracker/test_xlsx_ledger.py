"""The xlsx renderer with plain data: written to a real file and read back."""
import itertools
import re
from datetime import date

import pytest
from openpyxl import load_workbook

from tracker.ledger import xlsx_writer as xl

COLUMNS = [xl.Column("序号", 6, xl.INTEGER), xl.Column("内容", 30), xl.Column("时限", 12, xl.DATE),
           xl.Column("完成率", 8, xl.PERCENT), xl.Column("灯", 6), xl.Column("ID", 6, xl.INTEGER, hidden=True)]
EMPTY = xl.Summary(title="汇总", header=["单位", "任务数", "办结率"], rows=[], total=("合计", 0, 0),
                   chart_title="办结率", percent_columns=(2,))
SUMMARY = {"summary": EMPTY}


@pytest.mark.parametrize("text,expected", [
    ("普通文字", ("普通文字", False)),
    ("=1+1", ("=1+1", True)),
    ("+86 123", ("+86 123", True)),
    ("-3", ("-3", True)),
    ("@SUM(A1)", ("@SUM(A1)", True)),
    ("\tx", ("\tx", True)),
    ("\rx", ("\rx", True)),
    ("\x00=cmd", ("=cmd", True)),
    ("\x00abc", ("abc", True)),
    ("a\x01b\x0bc", ("abc", False)),
    ("中间有=号", ("中间有=号", False)),
])
def test_safe_text(text, expected):
    assert xl.safe_text(text) == expected


def test_overlong_text_is_cut_to_excels_limit():
    text, _ = xl.safe_text("长" * 40000)
    assert len(text) == xl.EXCEL_CELL_MAX and text.endswith("…")


def rows(*data):
    yield [c.header for c in COLUMNS]
    yield from data


def test_renders_values_and_every_risky_text_as_text(tmp_path):
    path = tmp_path / "out.xlsx"
    count = xl.render(path, title="标题", columns=COLUMNS, tone_column=4, tones={"红": "red"}, rows=rows(
        (1, "=cmd|' /C calc'!A0", date(2024, 6, 30), 0.25, "红", 7),
        (2, "+1", None, 1, "绿", 8),
    ), **SUMMARY)
    assert count == 2
    ws = load_workbook(path)["任务清单"]
    first, second = ws[4], ws[5]
    assert first[1].value == "=cmd|' /C calc'!A0" and first[1].data_type == "s" and first[1].quotePrefix
    assert second[1].value == "+1" and second[1].data_type == "s" and second[1].quotePrefix
    assert first[2].is_date and first[3].number_format == "0%"
    assert first[0].fill.fgColor.rgb == "00FFC7CE" and second[0].fill.fill_type is None
    assert ws.column_dimensions["F"].hidden


def test_header_must_match_the_columns(tmp_path):
    def wrong():
        yield ["别的表头"]
    with pytest.raises(ValueError):
        xl.render(tmp_path / "x.xlsx", title="t", columns=COLUMNS, rows=wrong(), **SUMMARY)


def test_no_chart_when_there_is_nothing_to_chart(tmp_path):
    path = tmp_path / "empty.xlsx"
    assert xl.render(path, title="t", columns=COLUMNS, rows=rows(), **SUMMARY) == 0
    wb = load_workbook(path)
    assert wb["汇总"]._charts == []
    assert wb["任务清单"].auto_filter.ref == "A3:F3"


@pytest.mark.parametrize("text,width,lines", [  # width: half-width characters a line
    ("", 10, 1),
    ("abcde", 10, 1),
    ("一二三四五", 10, 1),      # five CJK characters fill ten widths
    ("一二三四五六", 10, 2),
    ("a" * 25, 10, 3),
    ("一\n二\n三", 10, 3),
])
def test_text_lines_counts_wrapped_lines_with_cjk_double_width(text, width, lines):
    from tracker.ledger.xlsx_rows import text_lines

    assert text_lines(text, width) == lines


def test_rows_are_as_tall_as_their_longest_wrapped_cell(tmp_path):
    path = tmp_path / "tall.xlsx"
    xl.render(path, title="t", columns=COLUMNS, rows=rows((1, "短", None, 0, "绿", 1), (2, "长" * 60, None, 0, "绿", 2)),
              **SUMMARY)
    ws = load_workbook(path)["任务清单"]
    short, tall = ws.row_dimensions[4].height, ws.row_dimensions[5].height
    # 30 units of 6 pt, less 4 pt of padding: 176 pt, 35.2 half-widths of 10 pt text; 60 CJK = 120 → 4 lines.
    assert xl.wrap_capacity(30) == 35.2
    assert short == xl.LINE_PT + 4 and tall == 4 * xl.LINE_PT + 4


def test_a_group_heading_is_one_unbroken_band_and_not_a_task(tmp_path):
    path = tmp_path / "grouped.xlsx"
    count = xl.render(path, title="t", columns=COLUMNS, rows=rows(
        xl.GroupRow.of("一、《讲话》　共 1 项", len(COLUMNS)), (1, "内容", None, 0, "绿", 7)), **SUMMARY)
    assert count == 1  # the heading is not a task
    ws = load_workbook(path)["任务清单"]
    heading = ws[4]
    assert [c.value for c in heading] == ["一、《讲话》　共 1 项", None, None, None, None, None]
    assert not heading[0].alignment.wrap_text and heading[0].font.bold
    assert heading[0].border.left.style == "thin" and not (heading[1].border.left and heading[1].border.left.style)
    assert heading[4].border.right.style == "thin"  # the last shown column closes the band
    assert heading[2].border.top.style == heading[2].border.bottom.style == "thin"
    assert {c.fill.fgColor.rgb for c in heading[:5]} == {"00EDEDED"}
    assert ws.merged_cells.ranges and all(r.min_row < 3 for r in ws.merged_cells.ranges)  # none in the data


def test_title_and_byline_sit_above_the_header_row(tmp_path):
    path = tmp_path / "byline.xlsx"
    byline = xl.Byline(left="制表单位：督查室", middle="共 0 项", right="制表日期：2025年3月1日")
    xl.render(path, title="督办任务台账", byline=byline, columns=COLUMNS, rows=rows(), **SUMMARY)
    ws = load_workbook(path)["任务清单"]
    assert ws["A1"].value == "督办任务台账"
    assert [c.value for c in ws[2] if c.value] == ["制表单位：督查室", "共 0 项", "制表日期：2025年3月1日"]
    assert [c.value for c in ws[3]] == [c.header for c in COLUMNS]
    merged = sorted(str(r) for r in ws.merged_cells.ranges)
    assert merged == ["A1:E1", "A2:A2", "B2:C2", "D2:E2"] or "A1:E1" in merged
    assert ws.print_title_rows == "$3:$3"


@pytest.mark.parametrize("widths", [[5, 20, 7, 9, 30, 6], [10, 10, 10], [40, 3, 3, 3, 3]])
def test_the_byline_runs_cover_the_shown_columns_without_gaps(widths):
    spans = xl._spans(list(enumerate(widths, 1)))
    assert len(spans) == 3 and spans[0][0] == 1 and spans[-1][1] == len(widths)
    assert all(a[1] + 1 == b[0] and b[0] <= b[1] for a, b in itertools.pairwise(spans))


def test_plan_widths_fills_the_page_with_the_growing_columns():
    columns = [xl.Column("a", 10), xl.Column("b", 20, grow=1), xl.Column("c", 20, grow=3),
               xl.Column("h", 50, hidden=True, grow=1)]
    planned = xl.plan_widths(columns, xl.A4)
    room = xl.printable_units(xl.A4)
    assert planned[0].width == 10 and planned[3].width == 50  # fixed, and hidden
    assert sum(c.width for c in planned[:3]) == pytest.approx(room, abs=0.2)
    assert planned[2].width - 20 == pytest.approx(3 * (planned[1].width - 20), abs=0.2)
    assert xl.print_scale(planned, xl.A4) == 1
    assert xl.plan_widths([xl.Column("x", 200, grow=1)], xl.A4)[0].width == 200  # too wide: nothing grows
    assert xl.print_scale([xl.Column("x", 200, grow=1)], xl.A4) == pytest.approx(room / 0.98 / 200)
    assert xl.printable_units(xl.A3) > 1.4 * room


def summary_of(count):
    return xl.Summary(title="汇总", header=["单位", "任务数", "办结率"], total=("合计", count, 0.5),
                      rows=[(f"单位{i:02d}", 1, 0.5) for i in range(count)], chart_title="办结率",
                      chart_column=-1, percent_columns=(2,))


@pytest.mark.parametrize("departments,charts", [(1, 1), (11, 1), (24, 1), (25, 2), (61, 3)])
def test_the_chart_names_every_department_with_room_to_spare(tmp_path, departments, charts):
    """LibreOffice drops names that would touch: so a chart has at most a page's worth of bars."""
    path = tmp_path / "chart.xlsx"
    xl.render(path, title="t", columns=COLUMNS, rows=rows(), summary=summary_of(departments))
    ws = load_workbook(path)["汇总"]
    assert len(ws._charts) == charts
    page = xl.printable_height_pt(xl.A4)
    shown = []
    for chart in ws._charts:
        assert chart.x_axis.tickLblSkip == 1 and chart.x_axis.delete is False
        ref = chart.series[0].cat.numRef or chart.series[0].cat.strRef
        numbers = [int(n) for n in re.findall(r"\$(\d+)", ref.f)]
        first, last = numbers[0], numbers[-1]
        shown.extend(range(first, last + 1))
        height_pt = chart.anchor.ext.height / 12700  # EMU
        assert height_pt <= page and height_pt >= (last - first + 1) * xl.CHART_BAR_PT
    assert shown == list(range(4, 4 + departments))  # every department once, in table order

