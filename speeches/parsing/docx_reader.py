"""Read the text of a .docx upload, safely and in document order.

A .docx is a zip archive, and a zip archive can be a bomb: a few kilobytes that inflate
to gigabytes. The sizes in its headers are written by whoever made the file, so before
python-docx touches it we inflate every entry ourselves, in chunks, counting the bytes
that really come out, and stop at the first byte over the cap.

The text is then read from the body's paragraphs and tables in the order they stand,
with the list numbers Word draws (see docx_numbering) put back in front of their
paragraphs, because the outline parser finds items by those markers.
"""
from __future__ import annotations

import io
import struct
import zipfile
import zlib

import docx
from docx.opc.exceptions import OpcError
from lxml import etree

from .document import BadDocx, DocxTooLarge, EmptyInput
from .docx_numbering import Numbering, w
from .normalise import normalise_text

MAX_TOTAL_BYTES = 100 * 1024 * 1024
MAX_ENTRIES = 2000
# Reading costs per element, not per byte: a million empty paragraphs are 6 MB of XML that
# compress to 10 KB and take seconds to walk. A Word document of 500,000 characters (the
# default SPEECH_TEXT_MAX_CHARS) has about 180,000 tags, so the cap leaves room for heavy
# formatting while the slowest body under it reads in about a second (bench/bench_speech_limits.py).
MAX_DOCUMENT_TAGS = 500_000
DOCUMENT_PART = "word/document.xml"
_CHUNK = 64 * 1024
_LOCAL_HEADER = struct.Struct("<4s22xHH")  # signature … file name length, extra length
ZIP_MAGIC = b"PK\x03\x04"

BAD_DOCX_MESSAGE = "无法读取该 Word 文档：文件已损坏或不是有效的 .docx 文件。"
TOO_LARGE_MESSAGE = "该 Word 文档解压后过大或包含的文件过多（可能是恶意构造的压缩包），已拒绝读取。"
TOO_MANY_TAGS_MESSAGE = (
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


# What python-docx and lxml raise on a damaged package; the archive itself is checked first.
_UNREADABLE = (
    OpcError, KeyError, ValueError, TypeError, AttributeError, NotImplementedError,
    etree.LxmlError, zipfile.BadZipFile, zlib.error, EOFError,
)


def is_docx(data: bytes) -> bool:
    """Tell whether ``data`` is a Word document by its content, whatever its name."""
    if not data.startswith(ZIP_MAGIC):
        return False
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, ValueError, OSError):
        return False
    return "[Content_Types].xml" in names and "word/document.xml" in names


def read_docx(data: bytes, *, max_total_bytes: int = MAX_TOTAL_BYTES, max_entries: int = MAX_ENTRIES,
              max_document_tags: int = MAX_DOCUMENT_TAGS) -> str:
    """Return the text of a .docx: one line per paragraph or table row, ``\\n``-separated.

    Raise DocxTooLarge for an archive over the caps, BadDocx for anything unreadable
    and EmptyInput for a document without text.
    """
    check_archive(data, max_total_bytes=max_total_bytes, max_entries=max_entries,
                  max_document_tags=max_document_tags)
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
                  max_document_tags: int = MAX_DOCUMENT_TAGS) -> None:
    """Refuse an archive that is not a .docx, that inflates beyond the caps, or whose body has too many tags."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError, OSError):
        raise BadDocx(BAD_DOCX_MESSAGE) from None
    with archive:
        entries = archive.infolist()
        if len(entries) > max_entries:
            raise DocxTooLarge(TOO_LARGE_MESSAGE)
        if DOCUMENT_PART not in {entry.filename for entry in entries}:
            raise BadDocx(BAD_DOCX_MESSAGE)
    view = memoryview(data)
    budget = max_total_bytes
    for entry in entries:
        tags = 0
        for chunk in _inflated_chunks(view, entry, budget):
            budget -= len(chunk)
            if entry.filename == DOCUMENT_PART:
                tags += chunk.count(b"<")  # start, end and empty tags: a bound on the elements
                if tags > max_document_tags:
                    raise DocxTooLarge(TOO_MANY_TAGS_MESSAGE.format(limit=f"{max_document_tags / 10000:g}"))


def _inflated_chunks(data: memoryview, entry: zipfile.ZipInfo, budget: int):
    """Inflate one entry from its raw bytes, yielding it in chunks; raise once more than ``budget`` came out."""
    if entry.flag_bits & 0x1:  # encrypted: Word never writes these into a .docx
        raise BadDocx(BAD_DOCX_MESSAGE)
    offset = entry.header_offset
    try:
        signature, name_length, extra_length = _LOCAL_HEADER.unpack_from(data, offset)
    except struct.error:
        raise BadDocx(BAD_DOCX_MESSAGE) from None
    if signature != ZIP_MAGIC:
        raise BadDocx(BAD_DOCX_MESSAGE)
    start = offset + _LOCAL_HEADER.size + name_length + extra_length
    raw = data[start:start + entry.compress_size]
    if entry.compress_type == zipfile.ZIP_STORED:
        if len(raw) > budget:
            raise DocxTooLarge(TOO_LARGE_MESSAGE)
        for position in range(0, len(raw), _CHUNK):
            yield bytes(raw[position:position + _CHUNK])
        return
    if entry.compress_type != zipfile.ZIP_DEFLATED:
        raise BadDocx(BAD_DOCX_MESSAGE)
    inflater = zlib.decompressobj(-zlib.MAX_WBITS)
    size = 0
    try:
        for position in range(0, len(raw), _CHUNK):
            pending = raw[position:position + _CHUNK]
            # max_length bounds each step's output, so memory stays at one chunk even
            # when a kilobyte of input would inflate to a gigabyte.
            while pending and not inflater.eof:
                chunk = inflater.decompress(pending, _CHUNK)
                size += len(chunk)
                if size > budget:
                    raise DocxTooLarge(TOO_LARGE_MESSAGE)
                yield chunk
                pending = inflater.unconsumed_tail
            if inflater.eof:
                break
        chunk = inflater.flush()
    except zlib.error:
        raise BadDocx(BAD_DOCX_MESSAGE) from None
    if size + len(chunk) > budget:
        raise DocxTooLarge(TOO_LARGE_MESSAGE)
    yield chunk


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
    """Yield one line per row (cells joined by tabs) unless a cell holds several lines.

    A row such as 序号 | 任务 | 责任单位 | 时限 reads best as one line; a cell holding a
    list of paragraphs keeps its lines, so its markers still start lines.
    """
    for row in table.iter(_TR):
        if row.getparent() is not table:
            continue  # rows of nested tables are read through their cell
        cells = []
        for cell in row.iter(_TC):
            if cell.getparent() is row:
                text = "\n".join(_block_lines(cell, numbering, styles)).strip()
                if text:
                    cells.append(text)
        if any("\n" in cell for cell in cells):
            yield "\n".join(cells)
        elif cells:
            yield "\t".join(cells)


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
