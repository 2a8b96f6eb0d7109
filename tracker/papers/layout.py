"""Page setup and paragraph styles after GB/T 9704-2012 (党政机关公文格式), on python-docx.

Plain python-docx, no Django. ``new_document`` gives an A4 document whose text block
is the standard 156 × 225 mm (turned to 225 × 156 mm on a landscape page), whose
styles are the standard's fonts and sizes, and whose footer carries the page number
as ``— 1 —``; the ``add_*`` helpers write titles, headings, body text, tables and the
issuer's signature with those styles, so the papers only say what to write.

Fonts cannot be embedded; they are named the way Chinese offices' Windows and WPS
name them (方正小标宋简体, 仿宋_GB2312, 黑体, 楷体_GB2312, 宋体), on every script slot
of ``w:rFonts`` (ascii, hAnsi, eastAsia, cs), with an ``altName`` in the font table
for machines that have the system fonts (仿宋, 楷体) but not the GB2312 ones. Where
none is installed (LibreOffice on Linux), the text language zh-CN lets the renderer
fall back to a Simplified Chinese font such as Noto CJK SC.
"""
import unicodedata
from dataclasses import dataclass
from datetime import date

from docx import Document
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from lxml import etree

# Fonts, as offices name them, and what Word may use when one is missing.
TITLE_FONT = "方正小标宋简体"
BODY_FONT = "仿宋_GB2312"
HEI_FONT = "黑体"
KAI_FONT = "楷体_GB2312"
SONG_FONT = "宋体"
ALT_NAMES = {TITLE_FONT: "宋体", BODY_FONT: "仿宋", KAI_FONT: "楷体", HEI_FONT: "SimHei", SONG_FONT: "SimSun"}

# Sizes by their Chinese names: 2号 title, 3号 text and headings, 4号 tables and page numbers.
SIZE_2 = Pt(22)
SIZE_3 = Pt(16)
SIZE_4 = Pt(14)
SIZE_SMALL_4 = Pt(12)
LINE = Pt(28)  # fixed line spacing of the text: 22 lines to the 225 mm block
TITLE_LINE = Pt(35)
TABLE_LINE = Pt(20)  # 4号 text in tables: tight enough for forms, loose enough to read
INDENT_2 = Pt(32)  # 空两字 at 3号
# 3号 is 16 pt, but 28 characters must fill the 156 mm (442 pt) line: each gives up a quarter point.
TRACKING_3 = Pt(-0.25)

# Style names (built-in ones keep Word's navigation pane and Chinese UI names).
TITLE = "Title"
HEADING_1 = "Heading 1"
HEADING_2 = "Heading 2"
BODY = "Body Text"
SUBTITLE = "Subtitle"
TABLE_TEXT = "表格文字"
TABLE_HEAD = "表格表头"

A4_SHORT, A4_LONG = 210, 297


@dataclass(frozen=True, slots=True)
class PageSetup:
    """A page and its margins in millimetres."""

    width: int
    height: int
    top: int
    bottom: int
    left: int
    right: int

    @property
    def text_width(self):
        return self.width - self.left - self.right

    @property
    def footer_distance(self):
        """The page number's line sits 7 mm below the text block (GB/T 9704 7.5)."""
        return self.bottom - 7 - 6


# 天头 37 mm, 订口 28 mm: the 156 × 225 mm text block of GB/T 9704 5.2.
PORTRAIT = PageSetup(width=A4_SHORT, height=A4_LONG, top=37, bottom=35, left=28, right=26)
# A table turned sideways keeps the same block, turned: its head on the binding side (10.2).
LANDSCAPE = PageSetup(width=A4_LONG, height=A4_SHORT, top=28, bottom=26, left=35, right=37)


def date_cn(day: date) -> str:
    """Return ``day`` as 公文 write it: 2025年3月10日 (Arabic numerals, no leading zeros)."""
    return f"{day.year}年{day.month}月{day.day}日"


def date_cn_table(day: date) -> str:
    """Return ``day`` for a narrow table column: the year on one line, month and day on the next."""
    return f"{day.year}年\n{day.month}月{day.day}日"


def new_document(*, landscape=False, title="", author="") -> Document:
    """Return an empty document laid out after GB/T 9704: A4, margins, styles, page numbers."""
    document = Document()
    _set_page(document.sections[0], LANDSCAPE if landscape else PORTRAIT)
    _set_styles(document)
    _add_font_table_entries(document)
    _set_page_numbers(document)
    document.core_properties.title = title
    document.core_properties.author = author
    document.core_properties.language = "zh-CN"
    # The template's one empty paragraph would print as a blank line above the title.
    body = document.element.body
    for paragraph in body.findall(qn("w:p")):
        body.remove(paragraph)
    return document


def page_setup(document) -> PageSetup:
    """Return the PageSetup the document's last section was given (by its orientation)."""
    return LANDSCAPE if document.sections[-1].orientation == WD_ORIENT.LANDSCAPE else PORTRAIT


def _set_page(section, page: PageSetup):
    section.orientation = WD_ORIENT.LANDSCAPE if page.width > page.height else WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(page.width), Mm(page.height)
    section.top_margin, section.bottom_margin = Mm(page.top), Mm(page.bottom)
    section.left_margin, section.right_margin = Mm(page.left), Mm(page.right)
    section.header_distance = Mm(15)
    section.footer_distance = Mm(page.footer_distance)
    section.gutter = Mm(0)
    # No document grid: the text's fixed 28 pt spacing gives the 22 lines, and a grid would make
    # LibreOffice snap every table line to 28 pt as well.
    grid = section._sectPr.find(qn("w:docGrid"))
    if grid is not None:
        grid.attrib.pop(qn("w:type"), None)
        grid.set(qn("w:linePitch"), str(int(LINE.pt * 20)))


# Fonts ---------------------------------------------------------------------------------

def set_fonts(rpr, name):
    """Name ``name`` on every script slot of a run's or style's rPr (ascii, hAnsi, eastAsia, cs)."""
    fonts = rpr.get_or_add_rFonts()
    for attr in list(fonts.attrib):
        if attr.lower().endswith("theme"):  # a theme font would win over the name
            del fonts.attrib[attr]
    for slot in ("ascii", "hAnsi", "eastAsia", "cs"):
        fonts.set(qn(f"w:{slot}"), name)
    fonts.set(qn("w:hint"), "eastAsia")


def run_font(run, name, size=None, bold=None):
    """Give one run its font (every slot), and optionally size and weight."""
    set_fonts(run._element.get_or_add_rPr(), name)
    if size is not None:
        run.font.size = size
    if bold is not None:
        run.font.bold = bold


def _set_lang(rpr):
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.insert_element_before(lang, "w:eastAsianLayout", "w:specVanish", "w:oMath")
    lang.set(qn("w:val"), "en-US")
    lang.set(qn("w:eastAsia"), "zh-CN")


def _add_font_table_entries(document):
    """Declare the fonts with an altName and the GB2312 charset, so Word substitutes sensibly."""
    part = document.part.part_related_by(RT.FONT_TABLE)
    table = parse_xml(part.blob)  # python-docx keeps the font table as plain bytes
    known = {font.get(qn("w:name")) for font in table.findall(qn("w:font"))}
    for name, alt in ALT_NAMES.items():
        if name in known:
            continue
        font = OxmlElement("w:font")
        font.set(qn("w:name"), name)
        for tag, value in (("w:altName", alt), ("w:charset", "86"), ("w:family", "modern"), ("w:pitch", "fixed")):
            child = OxmlElement(tag)
            child.set(qn("w:val"), value)
            font.append(child)
        table.append(font)
    part._blob = etree.tostring(table, xml_declaration=True, encoding="UTF-8", standalone=True)


# Styles --------------------------------------------------------------------------------

def _set_styles(document):
    styles = document.styles
    defaults = styles.element.find(qn("w:docDefaults"))
    rpr_default = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    set_fonts(rpr_default, BODY_FONT)
    _set_lang(rpr_default)
    text = {"size": SIZE_3, "line": LINE, "tracking": TRACKING_3}
    _style(styles["Normal"], font=BODY_FONT, **text)
    _style(styles[BODY], font=BODY_FONT, first_line=INDENT_2, **text)
    _style(styles[TITLE], font=TITLE_FONT, size=SIZE_2, line=TITLE_LINE, align=WD_ALIGN_PARAGRAPH.CENTER,
           keep_next=True)
    _style(styles[SUBTITLE], font=KAI_FONT, align=WD_ALIGN_PARAGRAPH.CENTER, keep_next=True, **text)
    _style(styles[HEADING_1], font=HEI_FONT, first_line=INDENT_2, keep_next=True, **text)
    _style(styles[HEADING_2], font=KAI_FONT, first_line=INDENT_2, keep_next=True, **text)
    _style(_paragraph_style(styles, TABLE_TEXT), font=BODY_FONT, size=SIZE_4, line=TABLE_LINE)
    _style(_paragraph_style(styles, TABLE_HEAD), font=HEI_FONT, size=SIZE_4, line=TABLE_LINE,
           align=WD_ALIGN_PARAGRAPH.CENTER)
    # The built-in paragraph styles' character twins carry theme fonts and colours too.
    present = {s.name for s in styles}
    for name in ("Title Char", "Subtitle Char", "Heading 1 Char", "Heading 2 Char"):
        if name in present:
            _clear_run_look(styles[name].element.get_or_add_rPr())


def _paragraph_style(styles, name):
    if name in {s.name for s in styles}:
        return styles[name]
    style = styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
    style.base_style = styles["Normal"]
    style.quick_style = True
    return style


def _clear_run_look(rpr):
    """Drop the template's colours, theme fonts, bold, italics and spacing from a style's rPr."""
    for tag in ("w:color", "w:b", "w:bCs", "w:i", "w:iCs", "w:spacing", "w:kern", "w:u"):
        for child in rpr.findall(qn(tag)):
            rpr.remove(child)
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is not None:
        rpr.remove(fonts)


NO_TRACKING = Pt(0)


def _style(style, *, font, size, line, align=None, first_line=None, keep_next=False, tracking=NO_TRACKING):
    rpr = style.element.get_or_add_rPr()
    _clear_run_look(rpr)
    set_fonts(rpr, font)
    spacing = OxmlElement("w:spacing")  # character spacing, set even when 0 so no style inherits a squeeze
    spacing.set(qn("w:val"), str(round(tracking.pt * 20)))
    rpr.insert_element_before(spacing, *RPR_AFTER_SPACING)
    style.font.size = size
    style.font.bold = False
    style.font.italic = False
    fmt = style.paragraph_format
    ppr = style.element.get_or_add_pPr()
    for tag in ("w:pBdr", "w:contextualSpacing"):
        for child in ppr.findall(qn(tag)):
            ppr.remove(child)
    fmt.space_before = Pt(0)
    fmt.space_after = Pt(0)
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = line
    fmt.alignment = align if align is not None else WD_ALIGN_PARAGRAPH.JUSTIFY
    fmt.first_line_indent = first_line if first_line is not None else Pt(0)
    fmt.left_indent = Pt(0)
    fmt.keep_with_next = keep_next
    fmt.keep_together = None
    fmt.widow_control = False


# Page numbers --------------------------------------------------------------------------

def _set_page_numbers(document):
    """— 1 — in 4号 宋体 digits: odd pages at the right, even pages at the left, one character in."""
    document.settings.odd_and_even_pages_header_footer = True
    section = document.sections[0]
    _page_number(section.footer.paragraphs[0], WD_ALIGN_PARAGRAPH.RIGHT)
    _page_number(section.even_page_footer.paragraphs[0], WD_ALIGN_PARAGRAPH.LEFT)


def _page_number(paragraph, align):
    fmt = paragraph.paragraph_format
    fmt.alignment = align
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = Pt(16)
    fmt.first_line_indent = Pt(0)
    if align == WD_ALIGN_PARAGRAPH.RIGHT:
        fmt.right_indent = SIZE_4
    else:
        fmt.left_indent = SIZE_4
    _number_run(paragraph, text="— ")
    _number_run(paragraph, field="begin")
    _number_run(paragraph, instruction=" PAGE ")
    _number_run(paragraph, field="separate")
    _number_run(paragraph, text="1")
    _number_run(paragraph, field="end")
    _number_run(paragraph, text=" —")


def _number_run(paragraph, *, text=None, field=None, instruction=None):
    run = paragraph.add_run(text or "")
    run_font(run, SONG_FONT, SIZE_4)
    if field:
        mark = OxmlElement("w:fldChar")
        mark.set(qn("w:fldCharType"), field)
        run._element.append(mark)
    if instruction:
        instr = OxmlElement("w:instrText")
        instr.set(qn("xml:space"), "preserve")
        instr.text = instruction
        run._element.append(instr)
    return run


# Writing -------------------------------------------------------------------------------

# Digits and Latin letters are proportional: about half an em in 仿宋 and 小标宋, up to 0.56 em
# in the Noto faces LibreOffice falls back to. Reckoning 0.6 em errs towards breaking a title
# between its parts rather than leaving one character on a line of its own.
HALF_WIDTH_EM = 0.6


def text_width(text: str, size) -> float:
    """Return the (generous) width of ``text`` in points at ``size``: full-width characters one em."""
    ems = sum(1.0 if unicodedata.east_asian_width(ch) in "WF" else HALF_WIDTH_EM for ch in text)
    return ems * size.pt


def title_lines(parts: list[str], width_mm: float, size=SIZE_2) -> list[str]:
    """Join ``parts`` into as few lines as fit ``width_mm``, breaking only between parts.

    GB/T 9704 wants a title that runs over a line broken where the words allow
    (词意完整): the papers pass the pieces that may stand on a line of their own.
    """
    width = Mm(width_mm).pt
    lines: list[str] = []
    for part in parts:
        if lines and text_width(lines[-1] + part, size) <= width:
            lines[-1] += part
        else:
            lines.append(part)
    return lines


def add_title(document, parts):
    """The 2号小标宋 title, centred, broken between ``parts`` (a string or a list) where it needs two lines."""
    parts = [parts] if isinstance(parts, str) else list(parts)
    paragraph = document.add_paragraph(style=TITLE)
    for index, line in enumerate(title_lines(parts, page_setup(document).text_width)):
        if index:
            paragraph.add_run().add_break()
        paragraph.add_run(line)
    document.add_paragraph(style="Normal")
    return paragraph


def add_subtitle(document, text):
    """A centred 3号楷体 line under the title (the meeting and its date, the period)."""
    return document.add_paragraph(text, style=SUBTITLE)


def add_heading(document, text, level=1):
    """一、… in 3号黑体 (level 1) or （一）… in 3号楷体 (level 2), indented two characters."""
    return document.add_paragraph(text, style=HEADING_1 if level == 1 else HEADING_2)


def add_body(document, text, *, indent=True):
    """A 3号仿宋 paragraph of text, first line indented two characters (``indent=False``: flush, e.g. 主送)."""
    return document.add_paragraph(text, style=BODY if indent else "Normal")


def add_note(document, text):
    """A 4号仿宋 note under a table (注：…)."""
    return document.add_paragraph(text, style=TABLE_TEXT)


def add_blank(document):
    return document.add_paragraph(style="Normal")


def add_signature(document, issuer, day: date):
    """The issuer centred over the date, the date 4 characters in from the right margin (GB/T 9704 7.3.5.2)."""
    add_blank(document).paragraph_format.keep_with_next = True
    dated = date_cn(day)
    date_indent = INDENT_2.pt * 2
    char = SIZE_3.pt + TRACKING_3.pt
    issuer_indent = date_indent + (text_width(dated, Pt(char)) - text_width(issuer, Pt(char))) / 2
    for text, indent in ((issuer, max(0.0, issuer_indent)), (dated, date_indent)):
        paragraph = document.add_paragraph(text, style="Normal")
        paragraph.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        paragraph.paragraph_format.right_indent = Pt(indent)
        paragraph.paragraph_format.keep_with_next = text == issuer


def start_numbered_part(document):
    """Start a new page as a new section whose page numbers start again at 1 (one 通知单 of many).

    The new section keeps the page setup and the footers of the one before it.
    """
    section = document.add_section(WD_SECTION.NEW_PAGE)
    restart_page_numbers(section)
    return section


def restart_page_numbers(section):
    sect_pr = section._sectPr
    for old in sect_pr.findall(qn("w:pgNumType")):
        sect_pr.remove(old)
    numbering = OxmlElement("w:pgNumType")
    numbering.set(qn("w:start"), "1")
    sect_pr.insert_element_before(numbering, *SECTPR_AFTER_PGNUMTYPE)


# Tables --------------------------------------------------------------------------------

LEFT, CENTER = WD_ALIGN_PARAGRAPH.LEFT, WD_ALIGN_PARAGRAPH.CENTER
CELL_PAD_MM = 0.6  # above and below a cell's text
CELL_SIDE_MM = 1.9  # Word's own default at either side


def add_table(document, *, widths_mm, header=None, aligns=None):
    """Add a bordered table of fixed column widths (mm), with a header row repeated on every page.

    The widths must fit the text block; ``check_fits`` says so, and the tests read it back.
    """
    check_fits(widths_mm, page_setup(document).text_width)
    table = document.add_table(rows=0, cols=len(widths_mm))
    table.style = document.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    tbl_pr = table._tbl.tblPr  # autofit=False has set <w:tblLayout w:type="fixed"/>
    for old in tbl_pr.findall(qn("w:tblW")):
        tbl_pr.remove(old)
    width = OxmlElement("w:tblW")
    width.set(qn("w:w"), str(sum(_twips(w) for w in widths_mm)))
    width.set(qn("w:type"), "dxa")
    tbl_pr.insert_element_before(width, *TBLPR_AFTER_TBLW)
    margins = OxmlElement("w:tblCellMar")
    for side, mm in (("top", CELL_PAD_MM), ("left", CELL_SIDE_MM), ("bottom", CELL_PAD_MM), ("right", CELL_SIDE_MM)):
        edge = OxmlElement(f"w:{side}")
        edge.set(qn("w:w"), str(_twips(mm)))
        edge.set(qn("w:type"), "dxa")
        margins.append(edge)
    tbl_pr.insert_element_before(margins, "w:tblLook", "w:tblCaption", "w:tblDescription", "w:tblPrChange")
    for column, mm in zip(table._tbl.tblGrid.findall(qn("w:gridCol")), widths_mm, strict=True):
        column.set(qn("w:w"), str(_twips(mm)))
    table._paper_widths = list(widths_mm)
    table._paper_aligns = list(aligns or [LEFT] * len(widths_mm))
    if header:
        row = add_row(table, header, style=TABLE_HEAD, aligns=[CENTER] * len(widths_mm))
        _row_property(row, "w:tblHeader")
    return table


def add_row(table, values, *, style=TABLE_TEXT, aligns=None, min_height_mm=None):
    """Add a row of text cells; a value may hold several lines (``\\n``), one paragraph each."""
    row = table.add_row()
    _row_property(row, "w:cantSplit")
    if min_height_mm:
        height = OxmlElement("w:trHeight")
        height.set(qn("w:val"), str(_twips(min_height_mm)))
        height.set(qn("w:hRule"), "atLeast")
        row._tr.get_or_add_trPr().append(height)
    aligns = aligns or table._paper_aligns
    for cell, value, mm, align in zip(row.cells, values, table._paper_widths, aligns, strict=True):
        cell.width = Mm(mm)
        _fill(cell, value, style=style, align=align)
    return row


def add_spanning_row(table, text, *, style=TABLE_HEAD, align=LEFT):
    """Add a row of one cell across the table (a group heading within a table)."""
    row = table.add_row()
    _row_property(row, "w:cantSplit")
    cell = row.cells[0].merge(row.cells[-1])
    cell.width = Mm(sum(table._paper_widths))
    _fill(cell, text, style=style, align=align)
    # Keep a group heading on the same page as its first task.
    for paragraph in cell.paragraphs:
        paragraph.paragraph_format.keep_with_next = True
    return row


def _fill(cell, value, *, style, align):
    cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
    lines = str(value if value is not None else "").split("\n")
    first = cell.paragraphs[0]
    first.style = style
    first.paragraph_format.alignment = align
    first.add_run(lines[0])
    for line in lines[1:]:
        paragraph = cell.add_paragraph(line, style=style)
        paragraph.paragraph_format.alignment = align


def _row_property(row, tag):
    row._tr.get_or_add_trPr().append(OxmlElement(tag))  # trPr's children come in any order


# What follows w:tblW in w:tblPr (ECMA-376 CT_TblPr): Word refuses elements out of order.
TBLPR_AFTER_TBLW = ("w:jc", "w:tblCellSpacing", "w:tblInd", "w:tblBorders", "w:shd", "w:tblLayout",
                    "w:tblCellMar", "w:tblLook", "w:tblCaption", "w:tblDescription", "w:tblPrChange")
# What follows w:pgNumType in w:sectPr (CT_SectPr).
SECTPR_AFTER_PGNUMTYPE = ("w:cols", "w:formProt", "w:vAlign", "w:noEndnote", "w:titlePg", "w:textDirection",
                          "w:bidi", "w:rtlGutter", "w:docGrid", "w:printerSettings", "w:sectPrChange")
# What follows w:spacing in w:rPr (CT_RPr).
RPR_AFTER_SPACING = ("w:w", "w:kern", "w:position", "w:sz", "w:szCs", "w:highlight", "w:u", "w:effect",
                     "w:bdr", "w:shd", "w:fitText", "w:vertAlign", "w:rtl", "w:cs", "w:em", "w:lang",
                     "w:eastAsianLayout", "w:specVanish", "w:oMath")


def _twips(mm):
    return round(mm / 25.4 * 1440)


class TableTooWide(ValueError):
    pass


def check_fits(widths_mm, text_width_mm):
    """Raise TableTooWide when columns of ``widths_mm`` are wider than the text block."""
    if sum(widths_mm) > text_width_mm + 0.01:
        raise TableTooWide(f"表格宽 {sum(widths_mm)} mm，超出版心宽 {text_width_mm} mm")
