"""The xlsx renderer with plain data: written to a real file and read back."""
from datetime import date

import pytest
from openpyxl import load_workbook

from tracker.ledger import xlsx_writer as xl

COLUMNS = [xl.Column("序号", 6, xl.INTEGER), xl.Column("内容", 30), xl.Column("时限", 12, xl.DATE),
           xl.Column("完成率", 8, xl.PERCENT), xl.Column("灯", 6), xl.Column("ID", 6, xl.INTEGER, hidden=True)]
SUMMARY = dict(summary_header=["单位", "任务数", "已办结", "办理中", "逾期", "完成率"],
               summary_rows=[], summary_total=("合计", 0, 0, 0, 0, 0))


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
    first, second = ws[3], ws[4]
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
    assert wb["任务清单"].auto_filter.ref == "A2:F2"


@pytest.mark.parametrize("text,width,lines", [
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
    short, tall = ws.row_dimensions[3].height, ws.row_dimensions[4].height
    assert short == 17.5 and tall == 5 * 13.5 + 4  # 60 CJK = 120 widths over 29 → 5 lines
