"""Render the 督办台账 (a ledger sheet and a summary sheet with a chart) to an .xlsx file.

Pure: no Django. It takes plain values (str, int, float, date, naive datetime).
openpyxl (write-only mode) writes the workbook: styles, the title and header rows,
column widths, frozen panes, merged title, autofilter, print setup, the summary sheet
and its chart. The ledger's data rows, which can be 100,000, are streamed to a temp
file by xlsx_rows (openpyxl's per-cell objects are 30 times slower) and spliced into
the ledger sheet when the zip is written, so memory stays flat with the row count and
strings are inline (no shared-string table growing with the rows).

Write-only mode writes a sheet's head (sheet properties, column widths, frozen panes)
before the first row, so all of that is set up before any row is appended.
"""
from __future__ import annotations

import shutil
import tempfile
import zipfile
from dataclasses import dataclass

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.chart import BarChart, Reference
from openpyxl.chart.label import DataLabelList
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.filters import AutoFilter
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

from tracker.ledger.xlsx_rows import EXCEL_CELL_MAX, safe_text, write_rows  # noqa: F401 (re-exported)

LEDGER_SHEET = "任务清单"
SUMMARY_SHEET = "汇总"
HEADER_ROW = 2  # row 1 is the merged title
FIRST_DATA_ROW = 3

TEXT, DATE, PERCENT, INTEGER = "text", "date", "percent", "integer"
NUMBER_FORMATS = {DATE: "yyyy-mm-dd", PERCENT: "0%", INTEGER: "0", TEXT: "@"}

FONT_NAME = "宋体"
TITLE_FONT = Font(name="黑体", size=16, bold=True)
HEADER_FONT = Font(name="黑体", size=11, bold=True)
BODY_FONT = Font(name=FONT_NAME, size=10)
TOTAL_FONT = Font(name=FONT_NAME, size=10, bold=True)
_THIN = Side(style="thin", color="808080")
BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
HEADER_FILL = PatternFill("solid", fgColor="D9E1F2")
TONE_FILLS = {
    "red": PatternFill("solid", fgColor="FFC7CE"),
    "yellow": PatternFill("solid", fgColor="FFEB9C"),
}
TOTAL_FILL = PatternFill("solid", fgColor="F2F2F2")
# Fast deflate: the ledger sheet is mostly repetitive XML; level 1 is 3x faster than 6 for a few % size.
SHEET_COMPRESSLEVEL = 1


@dataclass(frozen=True, slots=True)
class Column:
    """One ledger column: its header, width (in Excel character units), kind and looks."""

    header: str
    width: float
    kind: str = TEXT
    wrap: bool = True
    align: str = "left"
    hidden: bool = False


class _Styler:
    """Build each distinct cell style once; hand out cells that share it."""

    def __init__(self, ws):
        self.ws = ws
        self._cache = {}

    def style(self, key, *, font, number_format="General", fill=None, wrap=True, align="left", quote=False,
              border=BORDER):
        style = self._cache.get((key, quote))
        if style is None:
            proto = WriteOnlyCell(self.ws)
            proto.font = font
            proto.border = border
            proto.alignment = Alignment(horizontal=align, vertical="center", wrap_text=wrap)
            proto.number_format = number_format
            if fill is not None:
                proto.fill = fill
            if quote:
                proto.quotePrefix = True
            style = self._cache[(key, quote)] = proto._style
        return style

    def cell(self, value, style_key, **style):
        """Return a write-only cell holding ``value`` (text made safe) in the given style."""
        quote = False
        if isinstance(value, str):
            value, quote = safe_text(value)
        cell = WriteOnlyCell(self.ws, value)
        if quote and cell.data_type == "f":
            cell.data_type = "s"  # openpyxl reads a leading "=" as a formula: keep it text
        # Sharing one StyleArray between cells is safe: the writer only reads it.
        cell._style = self.style(style_key, quote=quote, **style)
        return cell


def _print_setup(ws, *, title_rows, pages_tall=0):
    """A4 landscape, one page wide, as many pages tall as needed, titles on every page.

    Called before the first row: fitToPage lives in the sheet's head.
    """
    ws.page_setup.paperSize = Worksheet.PAPERSIZE_A4
    ws.page_setup.orientation = Worksheet.ORIENTATION_LANDSCAPE
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = pages_tall
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top = ws.page_margins.bottom = 0.6
    ws.print_options.horizontalCentered = True
    if title_rows:
        ws.print_title_rows = title_rows
    ws.oddFooter.center.text = "第 &P 页，共 &N 页"


def _write_ledger(wb, *, title, columns, rows, rows_out, tone_column, tones):
    """Set up the ledger sheet, stream its data rows to ``rows_out``; return (sheet, row count)."""
    rows = iter(rows)
    header = next(rows)
    if [str(h) for h in header] != [col.header for col in columns]:
        raise ValueError("header row does not match the columns")
    ws = wb.create_sheet(LEDGER_SHEET)
    styler = _Styler(ws)
    ncols = len(columns)
    last_letter = get_column_letter(ncols)
    visible_last = max(i for i, col in enumerate(columns, 1) if not col.hidden)

    # Head of the sheet: must be in place before the first row is appended.
    for index, col in enumerate(columns, 1):
        dim = ws.column_dimensions[get_column_letter(index)]
        dim.width = col.width
        dim.hidden = col.hidden
    ws.freeze_panes = f"A{FIRST_DATA_ROW}"
    ws.row_dimensions[1].height = 42
    ws.row_dimensions[HEADER_ROW].height = 28
    _print_setup(ws, title_rows=f"1:{HEADER_ROW}")

    ws.append([styler.cell(title, "title", font=TITLE_FONT, align="center", border=Border())])
    ws.merged_cells.add(f"A1:{get_column_letter(visible_last)}1")

    ws.append([
        styler.cell(col.header, ("header", i), font=HEADER_FONT, fill=HEADER_FILL, align="center")
        for i, col in enumerate(columns)
    ])

    ids = {}

    def style_id(index, tone, quoted):
        key = (index, tone, quoted)
        found = ids.get(key)
        if found is None:
            col = columns[index]
            style = styler.style(
                ("data", index, tone), quote=quoted, font=BODY_FONT, fill=TONE_FILLS.get(tone), wrap=col.wrap,
                align=col.align, number_format=NUMBER_FORMATS[col.kind] if col.kind != TEXT else "General",
            )
            # The workbook's cellXfs list: the index written as s="…" in the row XML.
            found = ids[key] = wb._cell_styles.add(style)
        return found

    def tone_of(values):
        return tones.get(values[tone_column]) if tone_column is not None else None

    # Usable width of a wrapping column: less the cell's padding, in CJK-friendly units.
    wrap_widths = [col.width - 1 if col.wrap and not col.hidden else None for col in columns]
    count = write_rows(rows_out, rows, first_row=FIRST_DATA_ROW, style_id=style_id, tone_of=tone_of,
                       wrap_widths=wrap_widths)
    last_row = HEADER_ROW + count
    ws.auto_filter = AutoFilter(ref=f"A{HEADER_ROW}:{last_letter}{last_row}")
    ws.print_area = f"A1:{get_column_letter(visible_last)}{last_row}"
    return ws, count


def _write_summary(wb, *, header, rows, total, chart_title):
    ws = wb.create_sheet(SUMMARY_SHEET)
    styler = _Styler(ws)
    widths = [30] + [12] * (len(header) - 1)
    for index, width in enumerate(widths, 1):
        ws.column_dimensions[get_column_letter(index)].width = width
    ws.freeze_panes = "A2"
    _print_setup(ws, title_rows="1:1", pages_tall=1)  # the summary and its chart on one page
    ws.append([
        styler.cell(h, ("header", i), font=HEADER_FONT, fill=HEADER_FILL, align="center")
        for i, h in enumerate(header)
    ])
    last = len(header) - 1

    def cells(values, key, **style):
        return [
            styler.cell(
                v, (key, i), align="left" if i == 0 else "right", wrap=i == 0,
                number_format=NUMBER_FORMATS[PERCENT] if i == last else "0", **style,
            )
            for i, v in enumerate(values)
        ]

    count = 0
    for values in rows:
        ws.append(cells(values, "data", font=BODY_FONT))
        count += 1
    ws.append(cells(total, "total", font=TOTAL_FONT, fill=TOTAL_FILL))

    if count:
        chart = BarChart()
        chart.type = "bar"  # horizontal: department names read level, one bar beside each table row
        chart.title = chart_title
        chart.style = 10
        chart.legend = None
        chart.y_axis.title = "完成率"
        chart.y_axis.number_format = "0%"
        chart.y_axis.scaling.min = 0
        chart.y_axis.scaling.max = 1
        # openpyxl marks axes as deleted by default in recent versions; show them.
        chart.x_axis.delete = False
        chart.y_axis.delete = False
        data = Reference(ws, min_col=len(header), min_row=1, max_row=count + 1)
        categories = Reference(ws, min_col=1, min_row=2, max_row=count + 1)
        chart.add_data(data, titles_from_data=True)
        chart.set_categories(categories)
        # Only the value on each bar: LibreOffice and WPS show series and category names unless told not to.
        chart.dataLabels = DataLabelList(showVal=True, showSerName=False, showCatName=False,
                                         showLegendKey=False, showPercent=False)
        chart.x_axis.scaling.orientation = "maxMin"  # first department on top, as in the table
        chart.width = 18.0
        chart.height = max(7.0, 0.55 * count + 3)
        ws.add_chart(chart, f"{get_column_letter(len(header) + 2)}2")
    return count


def render(target, *, title, columns, rows, summary_header, summary_rows, summary_total,
           chart_title="各单位完成率", tone_column=None, tones=None):
    """Write the ledger and its summary to ``target`` (a path or a binary file); return the data row count.

    ``rows`` yields the header (equal to the column headers) and then one tuple of
    plain values per task; ``tone_column`` names the column whose value picks a row
    fill through ``tones`` (e.g. {"红灯": "red", "黄灯": "yellow"}).
    """
    wb = Workbook(write_only=True)
    with tempfile.TemporaryFile() as rows_out, tempfile.TemporaryFile() as skeleton:
        ws, count = _write_ledger(wb, title=title, columns=columns, rows=rows, rows_out=rows_out,
                                  tone_column=tone_column, tones=tones or {})
        _write_summary(wb, header=summary_header, rows=summary_rows, total=summary_total, chart_title=chart_title)
        wb.save(skeleton)
        skeleton.seek(0)
        rows_out.seek(0)
        _splice(skeleton, target, sheet_part=ws.path.lstrip("/"), rows_xml=rows_out)
    return count


def _splice(skeleton, target, *, sheet_part, rows_xml):
    """Copy the workbook openpyxl wrote to ``target``, the streamed rows inserted into ``sheet_part``."""
    with zipfile.ZipFile(skeleton) as source, \
            zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED, compresslevel=SHEET_COMPRESSLEVEL) as result:
        for info in source.infolist():
            data = source.read(info)
            if info.filename != sheet_part:
                result.writestr(info, data)
                continue
            head, marker, tail = data.rpartition(b"</sheetData>")
            if not marker:  # openpyxl writes <sheetData/> when a sheet has no rows at all
                raise ValueError("ledger sheet has no sheetData")
            entry = zipfile.ZipInfo(info.filename, date_time=info.date_time)
            entry.compress_type = zipfile.ZIP_DEFLATED
            with result.open(entry, "w", force_zip64=True) as out:
                out.write(head)
                shutil.copyfileobj(rows_xml, out, 1024 * 1024)
                out.write(marker + tail)
