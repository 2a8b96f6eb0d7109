"""Read an uploaded 督办台账 back into plain rows, refusing anything that is not our own file.

Pure: no Django. The checks run from the cheapest to the dearest, and openpyxl sees
the file only after the zip container has passed: it is a zip (not .xls, .csv or an
encrypted file), it holds a workbook, and its entries' declared sizes add up to less
than a cap. The declared sizes bind: Python's zipfile stops inflating an entry at its
declared size and fails the CRC check if the data wanted to go on, so a zip bomb
cannot make openpyxl inflate more than the cap.
"""
from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass
from xml.etree import ElementTree

from openpyxl import load_workbook
from openpyxl.utils import get_column_letter, range_boundaries

LEDGER_SHEET = "任务清单"
HEADER_ROW = 2
FIRST_DATA_ROW = 3
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls, and .xlsx protected by a password
ZIP_MAGIC = b"PK\x03\x04"
MAX_ZIP_ENTRIES = 2000
_MERGE_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?mergeCell\b([^>]*)>")
_REF_ATTR = re.compile(rb"""\bref\s*=\s*(["'])(.*?)\1""")
_SCAN_BLOCK = 1024 * 1024


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


def check_container(data: bytes, *, max_uncompressed: int) -> None:
    """Refuse what is not an .xlsx zip, or would inflate past ``max_uncompressed`` bytes."""
    if data.startswith(OLE2_MAGIC):
        raise LedgerFileError("这是旧版 Excel（.xls）文件或加密的工作簿，请用 Excel 另存为 .xlsx（不设密码）后再上传。")
    if not data.startswith(ZIP_MAGIC):
        raise LedgerFileError("文件不是 Excel 工作簿（.xlsx）。请上传从本系统导出、填写后的台账文件。")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            entries = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError):
        raise LedgerFileError("文件已损坏，无法作为 Excel 工作簿（.xlsx）读取。") from None
    names = {entry.filename for entry in entries}
    if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
        raise LedgerFileError("文件不是 Excel 工作簿（.xlsx），可能是 Word 文档或其他压缩包。")
    if len(entries) > MAX_ZIP_ENTRIES:
        raise LedgerFileError("文件内部结构异常（条目过多），已拒绝读取。")
    if sum(entry.file_size for entry in entries) > max_uncompressed:
        raise LedgerFileError(
            f"文件解压后超过 {max_uncompressed // (1024 * 1024)} MB，已拒绝读取（可能是异常文件）。"
        )


def _merged_ranges(workbook, worksheet):
    """Return the merged ranges of a read-only sheet (openpyxl skips them in read-only mode)."""
    # ReadOnlyWorksheet keeps the part's path in _worksheet_path (stable since openpyxl 2.4).
    with workbook._archive.open(worksheet._worksheet_path) as source:
        return scan_merge_refs(source)


def scan_merge_refs(source, *, block_size=_SCAN_BLOCK):
    """Return the ref of every mergeCell tag in the sheet XML read from binary file ``source``.

    The XML is scanned as bytes, not parsed: a raw "<" cannot occur in XML character
    data or attribute values (it is written &lt;), so every match of the pattern is a
    mergeCell tag, and a tag ends before the next "<". Parsing every element of a
    10,000-row sheet only to find these cost seconds.
    """
    refs = []
    carry = b""
    while True:
        block = source.read(block_size)
        data = carry + block
        # A tag may straddle the block's end: keep what follows its last "<" for the next round.
        cut = data.rfind(b"<") if block else -1
        cut = len(data) if cut < 0 else cut
        for match in _MERGE_TAG.finditer(data, 0, cut):
            ref = _REF_ATTR.search(match.group(1))
            refs.append(ref.group(2).decode("utf-8", "replace") if ref else "")
        carry = data[cut:]
        if not block:
            return refs


def _is_percent(cell):
    return "%" in (getattr(cell, "number_format", "") or "")


def read_ledger(data: bytes, *, layout: LedgerLayout, max_uncompressed: int, max_rows: int) -> list[SheetRow]:
    """Return the data rows of the ledger sheet in ``data``, or raise LedgerFileError."""
    check_container(data, max_uncompressed=max_uncompressed)
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

    for ref in _merged_ranges(workbook, sheet):
        min_col, min_row, max_col, max_row = range_boundaries(ref)
        if max_row >= HEADER_ROW:
            raise LedgerFileError(f"数据区域有合并单元格（{ref}），请取消合并后再上传。")

    rows = sheet.iter_rows(min_row=HEADER_ROW)
    header_cells = next(rows, ())
    found = tuple(str(c.value).strip() if c.value is not None else "" for c in header_cells[:width])
    if layout.legacy and found[:len(layout.legacy)] == tuple(layout.legacy) and not any(found[len(layout.legacy):]):
        raise LedgerFileError(
            "这份台账是系统升级前导出的，缺少用于比对的隐藏列，无法判断哪些行是您填写的（直接导入可能覆盖他人"
            "新填报的进展）。请重新导出台账，在新文件中填写后再上传。"
        )
    if found != tuple(layout.headers):
        raise LedgerFileError(
            "表头与本系统导出的台账不一致（第2行）。请使用导出的文件填写，不要增删、移动或改名列。"
        )
    for cell in header_cells[width:]:
        if cell.value not in (None, ""):
            raise LedgerFileError("表头与本系统导出的台账不一致（第2行多出了列）。请不要增加列。")

    index = {header: layout.headers.index(header) for header in layout.headers}
    result = []
    formulas = []
    for number, cells in enumerate(rows, start=HEADER_ROW + 1):
        cells = tuple(cells[:width])
        values = [getattr(c, "value", None) for c in cells] + [None] * (width - len(cells))
        if all(v is None or (isinstance(v, str) and not v.strip()) for v in values):
            continue
        for cell in cells:
            if getattr(cell, "data_type", None) == "f":
                formulas.append(f"第{number}行 {get_column_letter(cell.column)}列")
        if len(result) >= max_rows:
            raise LedgerFileError(f"数据超过 {max_rows} 行，请分批导入。")
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
    if formulas:
        shown = "、".join(formulas[:10]) + ("等" if len(formulas) > 10 else "")
        raise LedgerFileError(f"数据中含有公式（{shown}），请复制后“粘贴为数值”再上传。")
    return result

