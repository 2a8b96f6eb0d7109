"""Render the 督办台账 (a ledger sheet and a summary sheet with a chart) to an .xlsx file, fit to print.

Pure: no Django. It takes plain values (str, int, float, date, naive datetime).
openpyxl (write-only mode) writes the workbook: styles, the title, 制表 and header rows,
column widths, frozen panes, merged title, autofilter, print setup, the summary sheet
and its chart. The ledger's data rows, which can be 100,000, are streamed to a temp
file by xlsx_rows (openpyxl's per-cell objects are 30 times slower) and spliced into
the ledger sheet when the zip is written, so memory stays flat with the row count and
strings are inline (no shared-string table growing with the rows).

Write-only mode writes a sheet's head (sheet properties, column widths, frozen panes)
before the first row, so all of that is set up before any row is appended.

Print: landscape, one page wide and as many tall as needed, header row repeated,
第 N 页 共 M 页 below. The columns are planned for the paper (``plan_widths``): fixed
columns keep their width and the growing ones share what is left of the page, so the
printed width is the page's at 100% and the 10 pt text prints at 10 pt.
"""
from __future__ import annotations

import shutil
import tempfile
import zipfile
from dataclasses import dataclass, replace

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.chart import BarChart, Reference
from openpyxl.chart.label import DataLabelList
from openpyxl.chart.text import RichText
from openpyxl.drawing.text import CharacterProperties, Paragraph, ParagraphProperties
from openpyxl.drawing.text import Font as TextFont
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.utils.indexed_list import IndexedList
from openpyxl.worksheet.filters import AutoFilter
from openpyxl.worksheet.pagebreak import Break
from openpyxl.worksheet.properties import PageSetupProperties

from tracker.ledger.xlsx_rows import EXCEL_CELL_MAX, safe_text, text_lines, write_rows  # noqa: F401 (re-exported)

LEDGER_SHEET = "任务清单"
SUMMARY_SHEET = "汇总"
TITLE_ROW, BYLINE_ROW, HEADER_ROW = 1, 2, 3  # the title, the 制表 line, the headers
FIRST_DATA_ROW = 4

TEXT, DATE, PERCENT, INTEGER = "text", "date", "percent", "integer"
NUMBER_FORMATS = {DATE: "yyyy-mm-dd", PERCENT: "0%", INTEGER: "0", TEXT: "@"}

# The workbook's default font, in whose digit width every column width is counted.
# Excel and WPS measure 宋体 11 pt as 8 px (6 pt) a unit; LibreOffice, with 宋体 or its
# Noto CJK stand-in, 6.15 pt. (With Excel's Calibri the unit is 5.25 pt, but LibreOffice
# without Calibri's metric twin falls back to a font whose unit is 7 pt: the same file
# would print a third smaller there.) The page is planned with the wider unit, the
# wrapped lines of a cell counted with the narrower.
DEFAULT_FONT = Font(name="宋体", size=11)
UNIT_PT_WIDE, UNIT_PT_NARROW = 6.15, 6.0
CELL_PADDING_PT = 4  # what a cell keeps free of text, left and right together
BODY_PT = 10
LINE_PT = 14.4  # one line of 10 pt text: LibreOffice's Noto CJK lines are the tallest (14.35 pt)
ROW_PADDING_PT = 4

FONT_NAME = "宋体"
TITLE_FONT = Font(name="黑体", size=16, bold=True)
BYLINE_FONT = Font(name=FONT_NAME, size=10.5)
HEADER_FONT = Font(name="黑体", size=10, bold=True)
BODY_FONT = Font(name=FONT_NAME, size=BODY_PT)
TOTAL_FONT = Font(name=FONT_NAME, size=BODY_PT, bold=True)
GROUP_FONT = Font(name="黑体", size=10.5, bold=True)
NOTE_FONT = Font(name=FONT_NAME, size=9)
_THIN = Side(style="thin", color="808080")
BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
NO_BORDER = Border()
HEADER_FILL = PatternFill("solid", fgColor="D9E1F2")
GROUP_FILL = PatternFill("solid", fgColor="EDEDED")
TONE_FILLS = {
    "red": PatternFill("solid", fgColor="FFC7CE"),
    "yellow": PatternFill("solid", fgColor="FFEB9C"),
}
GROUP = "group"  # the tone of a group heading row
TOTAL_FILL = PatternFill("solid", fgColor="F2F2F2")
# Fast deflate: the ledger sheet is mostly repetitive XML; level 1 is 3x faster than 6 for a few % size.
SHEET_COMPRESSLEVEL = 1


@dataclass(frozen=True, slots=True)
class Paper:
    """A paper size, printed landscape: its code in the file (ST_PaperSize) and its long side."""

    code: int
    long_mm: float
    short_mm: float


A4, A3 = "a4", "a3"
PAPERS = {A4: Paper(code=9, long_mm=297, short_mm=210), A3: Paper(code=8, long_mm=420, short_mm=297)}
SIDE_MARGIN_IN, TOP_MARGIN_IN = 0.4, 0.7
FOOTER_MARGIN_IN = 0.25  # the page number sits this far from the bottom edge, clear of the table
_PT_PER_MM = 72 / 25.4


def printable_units(paper: str) -> float:
    """Return how many width units fit across the landscape page of ``paper`` at 100%, margins off.

    2% is kept back for the rounding of each column to whole pixels.
    """
    width_pt = PAPERS[paper].long_mm * _PT_PER_MM - 2 * SIDE_MARGIN_IN * 72
    return width_pt / UNIT_PT_WIDE * 0.98


def printable_height_pt(paper: str) -> float:
    """Return the height of the landscape page of ``paper`` inside the top and bottom margins."""
    return PAPERS[paper].short_mm * _PT_PER_MM - 2 * TOP_MARGIN_IN * 72


@dataclass(frozen=True, slots=True)
class Column:
    """One ledger column: its header, width (in units of the default font), kind and looks.

    ``width`` is the least the column has on paper; a column that ``grow``s takes that
    share of what the page has left (see ``plan_widths``). A ``hidden`` column is in the
    file (the import reads it) but neither shown nor printed.
    """

    header: str
    width: float
    kind: str = TEXT
    wrap: bool = True
    align: str = "left"
    hidden: bool = False
    grow: float = 0


def plan_widths(columns, paper=A4):
    """Return ``columns`` with the growing ones widened so the shown columns fill the page of ``paper``.

    When the fixed widths alone pass the page, nothing grows and the print scales down
    (``print_scale`` says how far).
    """
    shown = [col for col in columns if not col.hidden]
    spare = printable_units(paper) - sum(col.width for col in shown)
    weights = sum(col.grow for col in shown)
    if spare <= 0 or not weights:
        return list(columns)
    return [
        replace(col, width=round(col.width + spare * col.grow / weights, 1)) if col.grow and not col.hidden else col
        for col in columns
    ]


def print_scale(columns, paper=A4):
    """Return the scale a one-page-wide print of the shown ``columns`` takes on ``paper`` (at most 1)."""
    total = sum(col.width for col in columns if not col.hidden)
    return min(1.0, printable_units(paper) / 0.98 / total) if total else 1.0


def wrap_capacity(width, font_pt=BODY_PT):
    """Return how many half-width characters (a CJK character is two) fit on a line of a column ``width`` wide."""
    return max(1.0, (width * UNIT_PT_NARROW - CELL_PADDING_PT) / (font_pt / 2))


def row_height(lines):
    """Return the height (pt) of a row whose tallest cell holds ``lines`` lines of body text."""
    return min(409, lines * LINE_PT + ROW_PADDING_PT)


@dataclass(frozen=True, slots=True)
class Byline:
    """The 制表 line under a title: 制表单位 on the left, the scope in the middle, 制表日期 on the right."""

    left: str = ""
    middle: str = ""
    right: str = ""


@dataclass(frozen=True, slots=True)
class Summary:
    """The 汇总 sheet: a titled, dated table of counts per department and a bar chart of one column.

    ``percent_columns`` are the indexes of the columns shown as percentages; the chart
    plots column ``chart_column`` for every row but the total, one bar a row.
    """

    title: str
    header: list
    rows: list
    total: tuple
    byline: Byline = Byline()
    note: str = ""
    chart_title: str = ""
    chart_column: int = -1
    percent_columns: tuple = ()
    first_width: float = 26
    width: float = 9


class _Styler:
    """Build each distinct cell style once; hand out cells that share it."""

    def __init__(self, ws):
        self.ws = ws
        self._cache = {}

    def style(self, key, *, font, number_format="General", fill=None, wrap=True, align="left", quote=False,
              border=BORDER, vertical="center"):
        style = self._cache.get((key, quote))
        if style is None:
            proto = WriteOnlyCell(self.ws)
            proto.font = font
            proto.border = border
            proto.alignment = Alignment(horizontal=align, vertical=vertical, wrap_text=wrap)
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


def new_workbook():
    """Return a write-only workbook whose default font is DEFAULT_FONT (it sets what a width unit is)."""
    wb = Workbook(write_only=True)
    wb._fonts = IndexedList([DEFAULT_FONT])
    wb._named_styles["Normal"].font = DEFAULT_FONT
    return wb


def _print_setup(ws, *, paper, title_rows=None):
    """Landscape on ``paper``, one page wide, as many pages tall as needed, ``title_rows`` on every page.

    Called before the first row: fitToPage lives in the sheet's head.
    """
    ws.page_setup.paperSize = PAPERS[paper].code
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.page_margins.left = ws.page_margins.right = SIDE_MARGIN_IN
    ws.page_margins.top = ws.page_margins.bottom = TOP_MARGIN_IN
    ws.page_margins.header = ws.page_margins.footer = FOOTER_MARGIN_IN
    ws.print_options.horizontalCentered = True
    if title_rows:
        ws.print_title_rows = title_rows
    ws.oddFooter.center.text = "第 &P 页 共 &N 页"
    ws.oddFooter.center.size = 9


def _spans(widths):
    """Split the shown columns ``widths`` ((number, width) pairs) into three runs for the 制表 line.

    The left and right runs take at least 28% of the width each, the middle the rest.
    Return three (first, last) column number pairs, or one when there are too few columns.
    """
    count = len(widths)
    if count < 3:
        return [(widths[0][0], widths[-1][0])]
    total = sum(w for _, w in widths)
    run, left_end = 0, count - 3
    for position, (_, width) in enumerate(widths):
        run += width
        if run >= total * 0.28:
            left_end = min(position, count - 3)
            break
    run, right_start = 0, left_end + 2
    for position in range(count - 1, -1, -1):
        run += widths[position][1]
        if run >= total * 0.28:
            right_start = max(position, left_end + 2)
            break
    return [(widths[0][0], widths[left_end][0]), (widths[left_end + 1][0], widths[right_start - 1][0]),
            (widths[right_start][0], widths[-1][0])]


def _head(ws, styler, *, title, byline, widths):
    """Append the title and 制表 rows above a table whose shown columns are ``widths`` ((number, width) pairs)."""
    first, last = widths[0][0], widths[-1][0]
    ws.append([styler.cell(title, "title", font=TITLE_FONT, align="center", border=NO_BORDER)])
    ws.merged_cells.add(f"{get_column_letter(first)}{TITLE_ROW}:{get_column_letter(last)}{TITLE_ROW}")
    spans = _spans(widths)
    texts = [byline.left, byline.middle, byline.right] if len(spans) == 3 else \
        ["　".join(t for t in (byline.left, byline.middle, byline.right) if t)]
    aligns = ["left", "center", "right"] if len(spans) == 3 else ["left"]
    cells = []
    for (start, end), text, align in zip(spans, texts, aligns):
        while len(cells) < start - 1:
            cells.append(None)
        cells.append(styler.cell(text, ("byline", align), font=BYLINE_FONT, align=align, border=NO_BORDER,
                                 vertical="bottom"))
        if end > start:
            ws.merged_cells.add(f"{get_column_letter(start)}{BYLINE_ROW}:{get_column_letter(end)}{BYLINE_ROW}")
            cells.extend([None] * (end - start))
    ws.append(cells)


def _write_ledger(wb, *, title, byline, columns, rows, rows_out, tone_column, tones, paper):
    """Set up the ledger sheet, stream its rows to ``rows_out``; return (sheet, task rows, headings not counted)."""
    rows = iter(rows)
    header = next(rows)
    if [str(h) for h in header] != [col.header for col in columns]:
        raise ValueError("header row does not match the columns")
    ws = wb.create_sheet(LEDGER_SHEET)
    styler = _Styler(ws)
    ncols = len(columns)
    last_letter = get_column_letter(ncols)
    shown = [(i, col.width) for i, col in enumerate(columns, 1) if not col.hidden]
    visible_first, visible_last = shown[0][0], shown[-1][0]

    # Head of the sheet: must be in place before the first row is appended.
    for index, col in enumerate(columns, 1):
        dim = ws.column_dimensions[get_column_letter(index)]
        dim.width = col.width
        dim.hidden = col.hidden
    ws.freeze_panes = f"A{FIRST_DATA_ROW}"
    ws.row_dimensions[TITLE_ROW].height = 30
    middle_width = sum(w for _, w in shown) * 0.44
    byline_lines = max(text_lines(text, wrap_capacity(middle_width, 10.5)) for text in
                       (byline.left, byline.middle, byline.right))
    ws.row_dimensions[BYLINE_ROW].height = max(20, byline_lines * 15 + 5)
    ws.row_dimensions[HEADER_ROW].height = 30
    _print_setup(ws, paper=paper, title_rows=f"{HEADER_ROW}:{HEADER_ROW}")

    _head(ws, styler, title=title, byline=byline, widths=shown)
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
            if tone == GROUP:
                # A group heading: one text in the first column running on over the empty
                # cells to its right, framed as one band (no inner vertical lines).
                number = index + 1
                border = Border(top=_THIN, bottom=_THIN, left=_THIN if number <= visible_first else None,
                                right=_THIN if number >= visible_last else None)
                style = styler.style(("group", index), quote=quoted, font=GROUP_FONT, fill=GROUP_FILL, wrap=False,
                                     align="left", border=border)
            else:
                style = styler.style(
                    ("data", index, tone), quote=quoted, font=BODY_FONT, fill=TONE_FILLS.get(tone), wrap=col.wrap,
                    align=col.align, number_format=NUMBER_FORMATS[col.kind] if col.kind != TEXT else "General",
                )
            # The workbook's cellXfs list: the index written as s="…" in the row XML.
            found = ids[key] = wb._cell_styles.add(style)
        return found

    headings = 0

    def tone_of(values):
        nonlocal headings
        if type(values) is GroupRow:
            headings += 1
            return GROUP
        return tones.get(values[tone_column]) if tone_column is not None else None

    wrap_widths = [wrap_capacity(col.width) if col.wrap and not col.hidden else None for col in columns]
    written = write_rows(rows_out, rows, first_row=FIRST_DATA_ROW, style_id=style_id, tone_of=tone_of,
                         wrap_widths=wrap_widths, line_height=LINE_PT, padding=ROW_PADDING_PT)
    last_row = HEADER_ROW + written
    ws.auto_filter = AutoFilter(ref=f"A{HEADER_ROW}:{last_letter}{last_row}")
    # The print area runs to the last column, hidden ones included (they are not printed): ended at
    # the last shown column, LibreOffice draws the next, hidden cells in the page margin ("###").
    ws.print_area = f"{get_column_letter(visible_first)}1:{last_letter}{last_row}"
    return ws, written - headings


class GroupRow(tuple):
    """A group heading among the data rows: its text in the first column, the other cells empty.

    The import tells it from a task row by that shape (no task id, nothing else filled).
    """

    __slots__ = ()

    @classmethod
    def of(cls, text, width):
        return cls((text,) + (None,) * (width - 1))


_CM_PER_PT = 2.54 / 72


def _chart_font(size_pt, bold=False):
    props = CharacterProperties(sz=round(size_pt * 100), b=bold, latin=TextFont(typeface=FONT_NAME),
                                ea=TextFont(typeface=FONT_NAME))
    return RichText(p=[Paragraph(pPr=ParagraphProperties(defRPr=props), endParaRPr=props)])


CHART_FRAME_PT = 80  # a chart's title, value axis and margins
CHART_BAR_PT = 16  # a department's band: room for its 9 pt name, which LibreOffice would otherwise drop
CHART_LABEL_PT = 9
SPACER_ROW_PT = 15  # the rows under the summary table, which hold the charts


def _add_charts(ws, summary, *, widths, anchor, table_pt, page_pt):
    """Add the bar chart under the summary table: one a page, as many as it takes for every name to show.

    LibreOffice leaves out category names that would touch (every other one, at 61
    departments on a page), tickLblSkip or not; so a chart has at most as many bars as
    fit at CHART_BAR_PT, and the departments are shared evenly between the charts.
    """
    count = len(summary.rows)
    fits = max(1, int((page_pt - CHART_FRAME_PT) // CHART_BAR_PT))
    charts = -(-count // fits)
    size = -(-count // charts)
    ncols = len(summary.header)
    column = summary.chart_column % ncols + 1
    for number, first in enumerate(range(0, count, size), 1):
        bars = min(size, count - first)
        height = CHART_FRAME_PT + CHART_BAR_PT * bars
        if number > 1 or table_pt + 2 * SPACER_ROW_PT + height > page_pt:
            ws.row_breaks.append(Break(id=anchor - 2))  # a page of its own, from the empty row above it
        chart = BarChart()
        chart.type = "bar"  # horizontal: department names read level, one bar beside each table row
        chart.title = summary.chart_title + (f"（{number}/{charts}）" if charts > 1 else "")
        chart.style = 10
        chart.legend = None
        chart.gapWidth = 60
        chart.y_axis.number_format = "0%"
        chart.y_axis.scaling.min = 0
        chart.y_axis.scaling.max = 1
        chart.y_axis.majorUnit = 0.2
        # openpyxl marks axes as deleted by default in recent versions; show them.
        chart.x_axis.delete = False
        chart.y_axis.delete = False
        chart.x_axis.tickLblSkip = 1  # Excel and WPS: every department named, none skipped for room
        chart.x_axis.txPr = _chart_font(CHART_LABEL_PT)
        chart.y_axis.txPr = _chart_font(CHART_LABEL_PT)
        top, bottom = FIRST_DATA_ROW + first, FIRST_DATA_ROW + first + bars - 1
        chart.add_data(Reference(ws, min_col=column, min_row=top, max_row=bottom), titles_from_data=False)
        chart.set_categories(Reference(ws, min_col=1, min_row=top, max_row=bottom))
        # Only the value on each bar: LibreOffice and WPS show series and category names unless told not to.
        chart.dataLabels = DataLabelList(showVal=True, showSerName=False, showCatName=False,
                                         showLegendKey=False, showPercent=False, numFmt="0%")
        chart.dataLabels.txPr = _chart_font(8)
        chart.x_axis.scaling.orientation = "maxMin"  # first department on top, as in the table
        chart.width = round(sum(widths) * UNIT_PT_NARROW * _CM_PER_PT, 1)
        chart.height = round(height * _CM_PER_PT, 1)
        ws.add_chart(chart, f"A{anchor}")
        anchor += -(-height // SPACER_ROW_PT) + 3


def _write_summary(wb, summary: Summary, *, paper):
    """Write the 汇总 sheet: title, 制表 line, table, total, note, and the chart under them."""
    ws = wb.create_sheet(SUMMARY_SHEET)
    styler = _Styler(ws)
    ncols = len(summary.header)
    widths = [summary.first_width] + [summary.width] * (ncols - 1)
    for index, width in enumerate(widths, 1):
        ws.column_dimensions[get_column_letter(index)].width = width
    ws.freeze_panes = f"A{FIRST_DATA_ROW}"
    ws.sheet_format.defaultRowHeight = SPACER_ROW_PT
    ws.sheet_format.customHeight = True
    heights = {TITLE_ROW: 30, BYLINE_ROW: 20, HEADER_ROW: 22}
    for number, values in enumerate(summary.rows, FIRST_DATA_ROW):
        heights[number] = row_height(text_lines(str(values[0]), wrap_capacity(summary.first_width)))
    count = len(summary.rows)
    total_row = FIRST_DATA_ROW + count
    heights[total_row] = row_height(1)
    if summary.note:
        heights[total_row + 1] = 30
    for number, height in heights.items():
        ws.row_dimensions[number].height = height
    table_pt = sum(heights.values())
    page_pt = printable_height_pt(paper) - 24  # the footer's share of the bottom margin, and some air
    # The header row is repeated only when the table runs onto a second page: on the
    # chart's page of its own it would head nothing.
    _print_setup(ws, paper=paper, title_rows=f"{HEADER_ROW}:{HEADER_ROW}" if table_pt > page_pt else None)
    _head(ws, styler, title=summary.title, byline=summary.byline, widths=list(enumerate(widths, 1)))
    ws.append([
        styler.cell(h, ("header", i), font=HEADER_FONT, fill=HEADER_FILL, align="center")
        for i, h in enumerate(summary.header)
    ])

    def cells(values, key, **style):
        return [
            styler.cell(
                v, (key, i), align="left" if i == 0 else "right", wrap=i == 0,
                number_format=NUMBER_FORMATS[PERCENT] if i in summary.percent_columns else "0", **style,
            )
            for i, v in enumerate(values)
        ]

    for values in summary.rows:
        ws.append(cells(values, "data", font=BODY_FONT))
    ws.append(cells(summary.total, "total", font=TOTAL_FONT, fill=TOTAL_FILL))
    row = total_row + 1
    if summary.note:
        ws.append([styler.cell(summary.note, "note", font=NOTE_FONT, border=NO_BORDER, vertical="top")])
        ws.merged_cells.add(f"A{row}:{get_column_letter(ncols)}{row}")
        row += 1

    if count and summary.chart_title:
        _add_charts(ws, summary, widths=widths, anchor=row + 2, table_pt=table_pt, page_pt=page_pt)
    return count


def render(target, *, title, columns, rows, summary, byline=Byline(), paper=A4, tone_column=None, tones=None):
    """Write the ledger and its summary to ``target`` (a path or a binary file); return the data row count.

    ``rows`` yields the header (equal to the column headers) and then one tuple of
    plain values per task, or a GroupRow heading a group; ``tone_column`` names the
    column whose value picks a row fill through ``tones`` (e.g. {"红灯": "red"}).
    ``columns`` are printed as given: plan_widths fits them to the paper first.
    """
    wb = new_workbook()
    with tempfile.TemporaryFile() as rows_out, tempfile.TemporaryFile() as skeleton:
        ws, count = _write_ledger(wb, title=title, byline=byline, columns=columns, rows=rows, rows_out=rows_out,
                                  tone_column=tone_column, tones=tones or {}, paper=paper)
        _write_summary(wb, summary, paper=paper)
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
