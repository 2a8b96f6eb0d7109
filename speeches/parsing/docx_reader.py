"""Read the text of a .docx upload, safely and in document order.

A .docx is a zip archive, and a zip archive can be a bomb: before python-docx touches
it, ``common.filetypes.inspect_archive`` inflates every entry within caps on the bytes
that really come out and on the body's XML elements.

The text is then read from the body's paragraphs and tables in the order they stand,
with the list numbers Word draws (see docx_numbering) put back in front of their
paragraphs, because the outline parser finds items by those markers. A task table
(序号 | 工作任务 | 牵头单位 | 配合单位 | 完成时限) is read row by row as items (see task_table).
"""
from __future__ import annotations

import io
import zipfile
import zlib

import docx
from docx.opc.exceptions import OpcError
from lxml import etree

from common import filetypes

from .document import BadDocx, DocxTooLarge, EmptyInput
from .docx_numbering import Numbering, w
from .normalise import normalise_text
from .task_table import Cell, task_table_lines

MAX_TOTAL_BYTES = 100 * 1024 * 1024
MAX_ENTRIES = 2000
# Reading costs per element, not per byte: a million empty paragraphs are 6 MB of XML that
# compress to 10 KB and take seconds to walk. A Word document of 500,000 characters (the
# default SPEECH_TEXT_MAX_CHARS) has under 100,000 elements, so the cap leaves room for heavy
# formatting while the slowest body under it reads in about a second (bench/bench_speech_limits.py).
MAX_DOCUMENT_ELEMENTS = 500_000
DOCUMENT_PART = "word/document.xml"

BAD_DOCX_MESSAGE = "无法读取该 Word 文档：文件已损坏或不是有效的 .docx 文件。"
TOO_LARGE_MESSAGE = "该 Word 文档解压后过大或包含的文件过多（可能是恶意构造的压缩包），已拒绝读取。"
TOO_MANY_ELEMENTS_MESSAGE = (
    "该 Word 文档的段落和格式标记过多（超过 {limit} 万个），无法及时读取；请在 Word/WPS 中另存为 .txt 后上传，或分篇上传。"
)

# Parts of a paragraph whose text Word does not show in the body: deleted revisions,
# field codes, drawings and text boxes (which would repeat in their fallback copy).
_HIDDEN = frozenset(
    w(tag)
    for tag in ("pPr", "rPr", "del", "moveFrom", "instrText", "delText", "drawing", "pict", "object")
) | {"{http://schemas.openxmlformats.org/markup-compatibility/2006}AlternateContent"}


# Tags the walk compares against for every element, computed once.
_P, _TBL, _SDT, _SDT_CONTENT, _TR, _TC = w("p"), w("tbl"), w("sdt"), w("sdtContent"), w("tr"), w("tc")
_PPR, _PSTYLE, _NUMPR, _VAL = w("pPr"), w("pStyle"), w("numPr"), w("val")
_T, _TAB, _BREAKS, _NO_BREAK_HYPHEN = w("t"), w("tab"), (w("br"), w("cr")), w("noBreakHyphen")
_TC_PR, _GRID_SPAN, _V_MERGE = w("tcPr"), w("gridSpan"), w("vMerge")


# What python-docx and lxml raise on a damaged package; the archive itself is checked first.
_UNREADABLE = (
    OpcError, KeyError, ValueError, TypeError, AttributeError, NotImplementedError,
    etree.LxmlError, zipfile.BadZipFile, zlib.error, EOFError,
)


def is_docx(data: bytes) -> bool:
    """Tell whether ``data`` is a Word document by its content, whatever its name."""
    return filetypes.office_kind(data) is filetypes.DOCX


def read_docx(data: bytes, *, max_total_bytes: int = MAX_TOTAL_BYTES, max_entries: int = MAX_ENTRIES,
              max_document_elements: int = MAX_DOCUMENT_ELEMENTS) -> str:
    """Return the text of a .docx: one line per paragraph or table row, ``\\n``-separated.

    Raise DocxTooLarge for an archive over the caps, BadDocx for anything unreadable
    and EmptyInput for a document without text.
    """
    check_archive(data, max_total_bytes=max_total_bytes, max_entries=max_entries,
                  max_document_elements=max_document_elements)
    try:
        document = docx.Document(io.BytesIO(data))
        body = document.element.body
        numbering_part = _numbering_part(document)
        numbering = Numbering.from_xml(None if numbering_part is None else numbering_part.element)
        styles = _style_numbering(document)
        lines = list(_block_lines(body, numbering, styles))
    except _UNREADABLE:
        raise BadDocx(BAD_DOCX_MESSAGE) from None
    text = normalise_text("\n".join(lines))  # a w:t may hold a carriage return
    if not text.strip():
        raise EmptyInput("该 Word 文档中没有文字内容。")
    return text


def check_archive(data: bytes, *, max_total_bytes: int, max_entries: int,
                  max_document_elements: int = MAX_DOCUMENT_ELEMENTS) -> None:
    """Refuse an archive that is not a .docx, that inflates beyond the caps, or whose body has too many elements."""
    caps = filetypes.ArchiveCaps(max_inflated=max_total_bytes, max_entries=max_entries,
                                 max_elements=max_document_elements, elements_in=frozenset({DOCUMENT_PART}))
    try:
        filetypes.inspect_archive(data, kind=filetypes.DOCX, caps=caps)
    except filetypes.ArchiveRefused as refused:
        if refused.reason in (filetypes.BROKEN, filetypes.NOT_OFFICE):
            raise BadDocx(BAD_DOCX_MESSAGE) from None
        if refused.reason == filetypes.TOO_MANY_ELEMENTS:
            raise DocxTooLarge(TOO_MANY_ELEMENTS_MESSAGE.format(limit=f"{max_document_elements / 10000:g}")) from None
        raise DocxTooLarge(TOO_LARGE_MESSAGE) from None


def _numbering_part(document):
    try:
        return document.part.numbering_part
    except NotImplementedError:  # python-docx raises this when there is no numbering.xml
        return None


def _style_numbering(document) -> dict[str, tuple[str, str | None]]:
    """Map paragraph style id -> (numId, ilvl) for styles that carry list numbering.

    Headings are often numbered through their style ("标题 1" linked to a list), not
    through the paragraph; a style inherits numbering from the style it is based on.
    """
    try:
        root = document.styles.element
    except (KeyError, NotImplementedError):
        return {}
    own, based_on = {}, {}
    for style in root.iter(w("style")):
        style_id = style.get(w("styleId"))
        num_pr = style.find(f"{w('pPr')}/{w('numPr')}")
        if num_pr is not None:
            own[style_id] = _num_pr_values(num_pr)
        parent = style.find(w("basedOn"))
        if parent is not None:
            based_on[style_id] = parent.get(w("val"))
    resolved = {}
    for style_id in based_on.keys() | own.keys():
        seen, current = set(), style_id
        while current is not None and current not in own and current not in seen:
            seen.add(current)
            current = based_on.get(current)
        if current in own:
            resolved[style_id] = own[current]
    return resolved


def _num_pr_values(num_pr) -> tuple[str | None, str | None]:
    num_id = num_pr.find(w("numId"))
    ilvl = num_pr.find(w("ilvl"))
    return (
        None if num_id is None else num_id.get(w("val")),
        None if ilvl is None else ilvl.get(w("val")),
    )


def _block_lines(container, numbering: Numbering, styles: dict):
    """Yield the text lines of a body, cell or content control, in document order."""
    for child in container:
        if child.tag == _P:
            yield _paragraph_line(child, numbering, styles)
        elif child.tag == _TBL:
            yield from _table_lines(child, numbering, styles)
        elif child.tag == _SDT:
            content = child.find(_SDT_CONTENT)
            if content is not None:
                yield from _block_lines(content, numbering, styles)


def _table_lines(table, numbering: Numbering, styles: dict):
    """Yield a table's lines: a task table's rows as items (task_table), else one line per row.

    A row such as 姓名 | 职务 reads best as one line, its cells joined by tabs; a cell
    holding a list of paragraphs keeps its lines, so its markers still start lines.
    """
    rows = []
    for row in table.iter(_TR):
        if row.getparent() is not table:
            continue  # rows of nested tables are read through their cell
        cells, column = [], 0
        for cell in row.iter(_TC):
            if cell.getparent() is not row:
                continue
            properties = cell.find(_TC_PR)
            span = properties.find(_GRID_SPAN) if properties is not None else None
            merge = properties.find(_V_MERGE) if properties is not None else None
            width = int(span.get(_VAL) or 1) if span is not None and (span.get(_VAL) or "1").isdigit() else 1
            text = "\n".join(_block_lines(cell, numbering, styles)).strip()
            cells.append(Cell(column=column, text=text, span=width,
                              continues=merge is not None and merge.get(_VAL) != "restart"))
            column += max(width, 1)
        rows.append(cells)
    lines = task_table_lines(rows)
    if lines is not None:
        yield from lines
        return
    for cells in rows:
        texts = [cell.text for cell in cells if cell.text]
        if any("\n" in text for text in texts):
            yield "\n".join(texts)
        elif texts:
            yield "\t".join(texts)


def _paragraph_line(paragraph, numbering: Numbering, styles: dict) -> str:
    parts: list[str] = []
    _collect_text(paragraph, parts)
    text = "".join(parts)
    # Count the paragraph even when it is empty: Word numbers empty list paragraphs too.
    marker = _paragraph_marker(paragraph, numbering, styles)
    return marker + text if text.strip() else text


def _paragraph_marker(paragraph, numbering: Numbering, styles: dict) -> str:
    properties = paragraph.find(_PPR)
    if properties is None:
        return ""
    num_id = ilvl = None
    style = properties.find(_PSTYLE)
    if style is not None and style.get(_VAL) in styles:
        num_id, ilvl = styles[style.get(_VAL)]
    num_pr = properties.find(_NUMPR)
    if num_pr is not None:
        own_id, own_ilvl = _num_pr_values(num_pr)
        num_id = own_id or num_id
        ilvl = own_ilvl or ilvl
    if not num_id or num_id == "0":  # numId 0 switches numbering off
        return ""
    return numbering.next_marker(num_id, int(ilvl or 0))


def _collect_text(element, parts: list[str]) -> None:
    for child in element:
        tag = child.tag
        if tag == _T:
            parts.append(child.text or "")
        elif tag == _TAB:
            parts.append("\t")
        elif tag in _BREAKS:
            parts.append("\n")
        elif tag == _NO_BREAK_HYPHEN:
            parts.append("-")
        elif tag not in _HIDDEN and isinstance(tag, str):
            _collect_text(child, parts)
