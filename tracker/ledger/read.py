"""Read an uploaded 督办台账 back into plain rows, refusing anything that is not our own file.

Pure: no Django. The checks run from the cheapest to the dearest, and openpyxl sees
the file only after the zip container has passed ``common.filetypes.inspect_archive``:
it is a zip (not .xls, .csv or an encrypted file), it holds a workbook, and inflating
every entry stays under the byte cap.

What openpyxl costs grows with the number of XML elements it parses (rows, cells,
shared strings, styles), not with the bytes: a 100 KB upload can hold millions of
them. So before openpyxl loads anything, the elements of every part are counted from
the inflated stream against a budget per allowed row (``element_budget``); and before it
parses a row, the ledger sheet's declared <dimension> and its <row> elements are
checked against the row cap (``scan_sheet``). Each count stops as soon as its cap is
passed, so a refusal costs a fraction of a second whatever the file claims or holds.
"""
from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass
from xml.etree import ElementTree

from openpyxl import load_workbook
from openpyxl.utils import get_column_letter, range_boundaries

from common import filetypes

LEDGER_SHEET = "任务清单"
# The header row: row 3 under the title and the 制表 line; row 2 in ledgers exported
# before the 制表 line (issue 16), which still import.
HEADER_ROW = 3
LEGACY_HEADER_ROW = 2
FIRST_DATA_ROW = 4
MAX_ZIP_ENTRIES = 2000
# The element budget. An exported row is about 43 elements (the row, 17 cells of c/is/t);
# a file Excel saved holds about 35 a row and 2 more per distinct text in its shared strings.
# At 64 a row, the costliest file the budget lets through for 10,000 rows (shared strings,
# which openpyxl reads dearest) takes openpyxl about 5 CPU seconds (bench_ledger_hostile.py).
ELEMENTS_PER_ROW = 64
ELEMENTS_FIXED = 50_000  # styles, theme, the summary sheet and its chart, properties
# The tags scan_sheet looks for; a match is at most about 2,100 bytes long.
_SHEET_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]{0,31}:)?(row|mergeCell|dimension)\b([^<>]{0,2048})")
_TAG_REACH = 2200
_REF_ATTR = re.compile(rb"""\bref\s*=\s*(["'])(.*?)\1""")
_SCAN_BLOCK = 1024 * 1024
_BROKEN = "文件已损坏，无法作为 Excel 工作簿（.xlsx）读取。"


class LedgerFileError(Exception):
    """The file as a whole cannot be imported; the message says why, in Chinese."""


@dataclass(frozen=True, slots=True)
class SheetRow:
    """One data row as found in the sheet: raw cell values, nothing judged yet."""

    number: int
    task_id: object
    serial: object
    deadline: object
    progress_text: object
    percent: object
    percent_is_percent_format: bool
    baseline: object = None


@dataclass(frozen=True, slots=True)
class LedgerLayout:
    """Which headers the sheet must carry, and which of them the import reads.

    ``legacy`` are the headers of ledgers exported before the hidden 导出基准 column:
    such a file cannot tell which rows the officer filled in, so it is refused by name.
    """

    headers: tuple
    legacy: tuple = ()
    task_id: str = "任务ID"
    serial: str = "督办编号"
    deadline: str = "完成时限"
    progress_text: str = "最新进展"
    percent: str = "完成率"
    baseline: str = "导出基准"

    def letter(self, header):
        return get_column_letter(self.headers.index(header) + 1)


def element_budget(max_rows: int) -> int:
    """Return how many XML elements a workbook of at most ``max_rows`` ledger rows may hold in all."""
    return (HEADER_ROW + max_rows) * ELEMENTS_PER_ROW + ELEMENTS_FIXED


def check_container(data: bytes, *, max_uncompressed: int, max_rows: int) -> None:
    """Refuse what is not an .xlsx zip, would inflate past ``max_uncompressed`` bytes, or is too big for ``max_rows`` rows."""
    if data.startswith(filetypes.OLE_MAGIC):
        raise LedgerFileError("这是旧版 Excel（.xls）文件或加密的工作簿，请用 Excel 另存为 .xlsx（不设密码）后再上传。")
    if not data.startswith(filetypes.ZIP_MAGIC):
        raise LedgerFileError("文件不是 Excel 工作簿（.xlsx）。请上传从本系统导出、填写后的台账文件。")
    # Every part's elements count, not only those named .xml: openpyxl parses whatever
    # the workbook's relationships point at.
    caps = filetypes.ArchiveCaps(max_inflated=max_uncompressed, max_entries=MAX_ZIP_ENTRIES,
                                 max_elements=element_budget(max_rows))
    try:
        filetypes.inspect_archive(data, kind=filetypes.XLSX, caps=caps)
    except filetypes.ArchiveRefused as refused:
        raise LedgerFileError(_REFUSALS.get(refused.reason, refused.message).format(max_rows=max_rows)) from None


# The ledger's own words where a refusal needs the officer's next step.
_REFUSALS = {
    filetypes.BROKEN: _BROKEN,
    filetypes.NOT_OFFICE: "文件不是 Excel 工作簿（.xlsx），可能是 Word 文档或其他压缩包。",
    filetypes.TOO_MANY_ELEMENTS: (
        "文件内容超出上限：每次最多导入 {max_rows} 行任务，而文件中的行、单元格或文字条目"
        "远多于此（如大量空行、空列）。请删除多余的行和列，或在任务清单中筛选后分批导出、填写、导入。"
    ),
}


def row_limit(max_rows):
    """Return the last row a ledger of ``max_rows`` task rows may use.

    Above the task rows are the title, 制表 and header rows; among them, group headings
    (one a speech or department): a tenth more rows leaves room for them. The element
    budget bounds what the rows may hold whatever their number.
    """
    return HEADER_ROW + max_rows + max(10, max_rows // 10)


def too_many_rows(max_rows):
    """Return the refusal of a sheet that reaches past the row cap."""
    return LedgerFileError(
        f"表格超过 {row_limit(max_rows)} 行（含分组行、空白行）：每次最多导入 {max_rows} 行任务。"
        "请删除表格末尾多余的空行，或在任务清单中筛选后分批导出、填写、导入。"
    )


@dataclass(frozen=True, slots=True)
class SheetScan:
    """What a sheet's XML declares and holds, read before any of its rows is parsed."""

    last_row: int | None  # the last row its <dimension> claims; None when it has none or an unreadable one
    rows: int  # <row> elements
    merges: tuple  # the ref of every <mergeCell>


def scan_sheet(source, *, max_rows, block_size=_SCAN_BLOCK):
    """Return the SheetScan of the sheet XML read from binary file ``source``.

    Raise LedgerFileError as soon as its <dimension> or its count of <row> elements
    passes ``row_limit(max_rows)``: a claimed dimension (it comes
    before the rows) refuses the file from its first block; one that lies does not
    help, the count stops right after the cap.

    The XML is scanned as bytes, not parsed: a raw "<" cannot occur in XML character
    data or attribute values (it is written &lt;), so every match is a tag (one in a
    comment only counts too many). A match is never longer than _TAG_REACH, so one
    that starts before the last _TAG_REACH bytes of what has been read is whole; the
    rest waits for the next block. Parsing every element of a 10,000-row sheet only
    to find these cost seconds.
    """
    limit = row_limit(max_rows)
    last_row, rows, merges = None, 0, []
    carry = b""
    while True:
        block = source.read(block_size)
        data = carry + block
        end = max(0, len(data) - _TAG_REACH) if block else len(data)
        for match in _SHEET_TAG.finditer(data):
            if match.start() >= end:
                break
            name, attributes = match.groups()
            if name == b"row":
                rows += 1
                if rows > limit:
                    raise too_many_rows(max_rows)
                continue
            ref = _REF_ATTR.search(attributes)
            ref = ref.group(2).decode("utf-8", "replace") if ref else ""
            if name == b"mergeCell":
                merges.append(ref)
            else:
                last_row = _last_row(ref)
                if last_row is not None and last_row > limit:
                    raise too_many_rows(max_rows)
        carry = data[end:]
        if not block:
            return SheetScan(last_row=last_row, rows=rows, merges=tuple(merges))


def _last_row(ref):
    try:
        return range_boundaries(ref)[3]
    except (ValueError, TypeError):
        return None


def _blank(value):
    return value is None or (isinstance(value, str) and not value.strip())


def _starts_header(cells, layout):
    """Whether a row opens with the ledger's first header (序号): the header row of an older ledger."""
    return bool(cells) and str(cells[0].value or "").strip() == layout.headers[0]


def _is_percent(cell):
    return "%" in (getattr(cell, "number_format", "") or "")


def read_ledger(data: bytes, *, layout: LedgerLayout, max_uncompressed: int, max_rows: int) -> list[SheetRow]:
    """Return the data rows of the ledger sheet in ``data``, or raise LedgerFileError."""
    check_container(data, max_uncompressed=max_uncompressed, max_rows=max_rows)
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception:  # openpyxl raises many kinds on a broken part; all mean the same here
        raise LedgerFileError("文件已损坏或不是标准的 Excel 工作簿，无法读取。") from None
    try:
        return _read_rows(workbook, layout=layout, max_rows=max_rows)
    except LedgerFileError:
        raise
    except (zipfile.BadZipFile, ValueError, KeyError, TypeError, ElementTree.ParseError, EOFError):
        raise LedgerFileError("文件已损坏或不是标准的 Excel 工作簿，无法读取。") from None
    finally:
        workbook.close()


def _read_rows(workbook, *, layout, max_rows):
    if LEDGER_SHEET not in workbook.sheetnames:
        raise LedgerFileError(f"找不到“{LEDGER_SHEET}”工作表。请上传从本系统导出、填写后的台账文件。")
    sheet = workbook[LEDGER_SHEET]
    width = len(layout.headers)
    # ReadOnlyWorksheet keeps the part's path in _worksheet_path (stable since openpyxl 2.4).
    with workbook._archive.open(sheet._worksheet_path) as source:
        scan = scan_sheet(source, max_rows=max_rows)

    # An explicit last row: openpyxl would stop at the one <dimension> claims (rows past a
    # lying one silently dropped), and walks every row number up to the next <row> element.
    limit = row_limit(max_rows)
    rows = sheet.iter_rows(min_row=LEGACY_HEADER_ROW, max_row=limit + 1)
    header_row, header_cells = LEGACY_HEADER_ROW, next(rows, ())
    if not _starts_header(header_cells, layout):
        header_row, header_cells = HEADER_ROW, next(rows, ())

    for ref in scan.merges:
        if range_boundaries(ref)[3] >= header_row:
            raise LedgerFileError(f"数据区域有合并单元格（{ref}），请取消合并后再上传。")

    found = tuple(str(c.value).strip() if c.value is not None else "" for c in header_cells[:width])
    if layout.legacy and found[:len(layout.legacy)] == tuple(layout.legacy) and not any(found[len(layout.legacy):]):
        raise LedgerFileError(
            "这份台账是系统升级前导出的，缺少用于比对的隐藏列，无法判断哪些行是您填写的（直接导入可能覆盖他人"
            "新填报的进展）。请重新导出台账，在新文件中填写后再上传。"
        )
    if found != tuple(layout.headers):
        raise LedgerFileError(
            f"表头与本系统导出的台账不一致（第{header_row}行）。请使用导出的文件填写，不要增删、移动或改名列。"
        )
    for cell in header_cells[width:]:
        if cell.value not in (None, ""):
            raise LedgerFileError(f"表头与本系统导出的台账不一致（第{header_row}行多出了列）。请不要增加列。")

    index = {header: layout.headers.index(header) for header in layout.headers}
    result = []
    formulas = []
    for number, cells in enumerate(rows, start=header_row + 1):
        if number > limit:
            raise too_many_rows(max_rows)
        cells = tuple(cells[:width])
        values = [getattr(c, "value", None) for c in cells] + [None] * (width - len(cells))
        if all(_blank(v) for v in values):
            continue
        if isinstance(values[0], str) and all(_blank(v) for v in values[1:]):
            continue  # a group heading (一、《讲话》…): text in the first column only, no task
        for cell in cells:
            if getattr(cell, "data_type", None) == "f":
                formulas.append(f"第{number}行 {get_column_letter(cell.column)}列")
        percent_cell = cells[index[layout.percent]] if index[layout.percent] < len(cells) else None
        result.append(SheetRow(
            number=number,
            task_id=values[index[layout.task_id]],
            serial=values[index[layout.serial]],
            deadline=values[index[layout.deadline]],
            progress_text=values[index[layout.progress_text]],
            percent=values[index[layout.percent]],
            percent_is_percent_format=_is_percent(percent_cell),
            baseline=values[index[layout.baseline]],
        ))
        if len(result) > max_rows:
            raise too_many_rows(max_rows)
    if formulas:
        shown = "、".join(formulas[:10]) + ("等" if len(formulas) > 10 else "")
        raise LedgerFileError(f"数据中含有公式（{shown}），请复制后“粘贴为数值”再上传。")
    return result

