"""The reader's cheap checks, with plain bytes: the sheet scan and the element budget, before openpyxl parses a row."""
import io
import zipfile

import pytest

from bench.bench_ledger_hostile import hostile_ledger
from tracker.ledger.read import (
    HEADER_ROW, LedgerFileError, LedgerLayout, check_container, element_budget, read_ledger, scan_sheet,
)

SHEET = (
    b'<?xml version="1.0" encoding="UTF-8"?>'
    b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><dimension ref="A1:Q4"/><sheetData>'
    b'<row r="1"><c r="A1"/></row><row r="2"/>'
    b'<row r="3"><c r="K3" t="inlineStr"><is><t>&lt;mergeCell ref="Z1:Z9"/&gt; is text, not a tag</t></is></c></row>'
    b'<row r="4" spans="1:17"/></sheetData><rowBreaks count="0"/>'
    b'<mergeCells count="2"><mergeCell ref="A1:O1"/><mergeCell ref=\'K5:L5\' /></mergeCells>'
    b'</worksheet>'
)
HEADERS = ("序号", "督办编号", "完成时限", "最新进展", "完成率", "任务ID", "导出基准")
LAYOUT = LedgerLayout(headers=HEADERS)


@pytest.mark.parametrize("block_size", [1, 2, 7, 64, 1 << 20])
def test_the_scan_finds_every_row_merge_and_the_dimension_whatever_the_block_size(block_size):
    scan = scan_sheet(io.BytesIO(SHEET), max_rows=10, block_size=block_size)
    assert (scan.last_row, scan.rows, scan.merges) == (4, 4, ("A1:O1", "K5:L5"))


def test_a_namespace_prefix_is_understood():
    xml = (b'<x:worksheet xmlns:x="urn:x"><x:sheetData><x:row r="1"/></x:sheetData>'
           b'<x:mergeCells><x:mergeCell ref="B3:C3"/></x:mergeCells></x:worksheet>')
    scan = scan_sheet(io.BytesIO(xml), max_rows=10, block_size=5)
    assert (scan.last_row, scan.rows, scan.merges) == (None, 1, ("B3:C3",))


def test_a_sheet_without_rows_or_merges_has_none():
    assert scan_sheet(io.BytesIO(b"<worksheet><sheetData/></worksheet>"), max_rows=10).rows == 0


class Endless(io.RawIOBase):
    """A sheet that starts with ``head`` and then goes on with ``row`` forever; counts what was read."""

    def __init__(self, head, row):
        self.head, self.row, self.consumed = head, row, 0

    def readable(self):
        return True

    def read(self, size=-1):
        size = 1 << 16 if size is None or size < 0 else size
        if self.consumed < len(self.head):
            chunk = self.head[self.consumed:self.consumed + size]
        else:
            chunk = (self.row * (size // len(self.row) + 1))[:size]
        self.consumed += len(chunk)
        return chunk


def test_a_declared_dimension_past_the_cap_is_refused_before_any_row():
    head = b'<worksheet><dimension ref="A1:Q1000000"/><sheetData>'
    source = Endless(head, b'<row r="9"/>')
    with pytest.raises(LedgerFileError, match="超过 1103 行（含分组行、空白行）"):
        scan_sheet(source, max_rows=1000, block_size=4096)
    assert source.consumed <= len(head) + 4096  # one block: far fewer than the 1103 rows it would take to count


def test_a_dimension_that_lies_does_not_help_the_count_stops_at_the_cap():
    """A million rows behind <dimension ref="A1:Q10"/>: the count gives up right after the cap, not at the end."""
    source = Endless(b'<worksheet><dimension ref="A1:Q10"/><sheetData>', b'<row r="9"><c><v>1</v></c></row>')
    with pytest.raises(LedgerFileError, match="超过 1103 行（含分组行、空白行）"):
        scan_sheet(source, max_rows=1000, block_size=4096)
    assert source.consumed < 1104 * 40 + 2 * 4096


def ledger(rows, cells=0, declared=None):
    return hostile_ledger(HEADERS, rows=rows, cells=cells, declared=declared)


@pytest.mark.parametrize("declared", [None, "A1:G10"])
def test_the_reader_refuses_a_ledger_of_empty_rows_past_the_cap(declared):
    with pytest.raises(LedgerFileError, match="每次最多导入 100 行"):
        read_ledger(ledger(5000, declared=declared), layout=LAYOUT, max_uncompressed=50 << 20, max_rows=100)


def test_rows_numbered_past_the_cap_are_refused_not_walked_through():
    """Two <row> elements, the second numbered a trillion: openpyxl would fill in every row between."""
    data = _rezip(ledger(0), b'<row r="3"><c><v>1</v></c></row><row r="1000000000000"><c><v>1</v></c></row>')
    with pytest.raises(LedgerFileError, match="每次最多导入 100 行"):
        read_ledger(data, layout=LAYOUT, max_uncompressed=50 << 20, max_rows=100)


def _rezip(data, rows):
    """Return ``data`` with ``rows`` appended to its first worksheet's sheetData."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as result:
        for info in source.infolist():
            part = source.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                part = part.replace(b"</sheetData>", rows + b"</sheetData>")
            result.writestr(info.filename, part)
    return out.getvalue()


def test_a_wide_row_is_refused_by_the_element_budget():
    data = _rezip(ledger(0), b'<row r="3">' + b"<c><v>1</v></c>" * 100_000 + b"</row>")
    with pytest.raises(LedgerFileError, match="文件内容超出上限"):
        read_ledger(data, layout=LAYOUT, max_uncompressed=50 << 20, max_rows=100)


def test_shared_strings_beyond_the_budget_are_refused_before_openpyxl_loads_them():
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as out:
        out.writestr("[Content_Types].xml", b"<Types/>")
        out.writestr("xl/workbook.xml", b"<workbook/>")
        out.writestr("xl/sharedStrings.xml", b"<sst>" + b"<si><t>x</t></si>" * 50_000 + b"</sst>")
    with pytest.raises(LedgerFileError, match="文件内容超出上限：每次最多导入 100 行任务"):
        check_container(archive.getvalue(), max_uncompressed=50 << 20, max_rows=100)
    check_container(archive.getvalue(), max_uncompressed=50 << 20, max_rows=10_000)


def test_the_budget_leaves_room_for_a_real_ledger():
    """An exported row is about 43 elements (row, 17 cells of c/is/t); Excel's shared strings add a few."""
    assert element_budget(10_000) >= (10_000 + HEADER_ROW) * 60
