"""Which kind of file an upload really is, judged by its content; and opening an Office zip within caps.

The one place that recognises uploads, for every way a file comes in: speech files
(speeches.parsing.reader, docx_reader), evidence attachments (tracker.services) and
the filled-in ledger (tracker.ledger.read). No Django here.

People rename files and browsers send whatever name the system gave, so the name is
never trusted: a renamed executable or a web page saved as "报告.pdf" must not be
stored and later handed to colleagues, and a zip that says it is a .docx is checked
before any parser touches it. Accepted as evidence: PDF, Word and Excel (the zip-based
.docx/.xlsx with their required parts and the old OLE .doc/.xls), JPEG, PNG and text.

An Office file is a zip archive, and a zip can be a bomb: a few kilobytes that inflate
to gigabytes, or to millions of XML elements that take a parser minutes. The sizes in
its headers are written by whoever made the file, so ``inspect_archive`` inflates every
entry itself, in chunks, counting the bytes that really come out and the elements they
open, and stops at the first byte or element over the cap.
"""
from __future__ import annotations

import io
import struct
import zipfile
import zlib
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class FileKind:
    name: str
    label: str
    content_type: str
    extension: str


PDF = FileKind("pdf", "PDF", "application/pdf", "pdf")
DOCX = FileKind("docx", "Word 文档", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx")
XLSX = FileKind("xlsx", "Excel 表格", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx")
DOC = FileKind("doc", "Word 97-2003 文档", "application/msword", "doc")
XLS = FileKind("xls", "Excel 97-2003 表格", "application/vnd.ms-excel", "xls")
JPEG = FileKind("jpeg", "JPEG 图片", "image/jpeg", "jpg")
PNG = FileKind("png", "PNG 图片", "image/png", "png")
TEXT = FileKind("text", "纯文本", "text/plain; charset=utf-8", "txt")

ACCEPTED_LABEL = "PDF、Word（doc/docx）、Excel（xls/xlsx）、JPG、PNG 图片和纯文本"

# Signatures: the first bytes of each kind.
PDF_MAGIC = b"%PDF-"
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
JPEG_MAGIC = b"\xff\xd8\xff"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .doc, .wps, .xls of Office 97-2003, and encrypted .docx/.xlsx
ZIP_MAGIC = b"PK\x03\x04"
RTF_MAGIC = b"{\\rtf"
# OLE directory entries name their streams in UTF-16LE.
OLE_WORD_STREAM = "WordDocument".encode("utf-16-le")
OLE_EXCEL_STREAMS = ("Workbook".encode("utf-16-le"), "Book".encode("utf-16-le"))
# The main part that makes an Office Open XML zip a Word document or a workbook.
CONTENT_TYPES_PART = "[Content_Types].xml"
MAIN_PARTS = {"word/document.xml": DOCX, "xl/workbook.xml": XLSX}
# Control characters that never occur in a real text file (tab, LF, CR, FF are fine).
TEXT_CONTROL = set(range(0, 9)) | {11} | set(range(14, 32)) | {127}


def sniff(data: bytes) -> FileKind | None:
    """Return the FileKind of the bytes ``data``, or None when it is not an accepted kind."""
    if data.startswith(PDF_MAGIC):
        return PDF
    if data.startswith(PNG_MAGIC):
        return PNG
    if data.startswith(JPEG_MAGIC):
        return JPEG
    if data.startswith(OLE_MAGIC):
        return _sniff_ole(data)
    if data.startswith(ZIP_MAGIC):
        return office_kind(data)
    return TEXT if _looks_like_text(data) else None


def office_kind(data: bytes) -> FileKind | None:
    """Return DOCX or XLSX for an Office Open XML zip (content types and main part present), else None."""
    if not data.startswith(ZIP_MAGIC):
        return None
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError):
        return None
    if CONTENT_TYPES_PART not in names:
        return None
    return next((kind for part, kind in MAIN_PARTS.items() if part in names), None)


def _sniff_ole(data):
    if OLE_WORD_STREAM in data:
        return DOC
    if any(stream in data for stream in OLE_EXCEL_STREAMS):
        return XLS
    return None


def _looks_like_text(data):
    """Text decodes (UTF-16 with a BOM, UTF-8 or GB18030) and holds no control characters."""
    if not data:
        return False
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError:
            return False
        return not any(ord(char) in TEXT_CONTROL for char in text[:65536])
    if any(byte in TEXT_CONTROL for byte in data[:65536]):
        return False
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            data.decode(encoding)
        except UnicodeDecodeError:
            continue
        return True
    return False


# The streams of an OLE compound file -------------------------------------------------

# Top-level streams that tell what an OLE file holds: a Word 97-2003 document (WPS
# Office's .wps is the same binary format with extensions of its own, and has the same
# stream), an Office Open XML file with a password (the zip is encrypted inside), or
# something else (.xls, .ppt, Microsoft Works .wps, Outlook .msg).
OLE_WORD = "WordDocument"
OLE_ENCRYPTED = "EncryptedPackage"
_OLE_HEADER = struct.Struct("<8s16xHHHHH6xIIIIIIIII")
_OLE_END_OF_CHAIN = 0xFFFFFFFE
_OLE_DIFAT_IN_HEADER = 109
_OLE_ENTRY = struct.Struct("<64sHBBIII")  # name, name length, type, colour, left, right, child
_OLE_NO_ENTRY = 0xFFFFFFFF


def ole_streams(data: bytes) -> frozenset[str] | None:
    """Return the names of the streams and storages at the top of an OLE compound file.

    Return None when ``data`` is no readable compound file. Reads only the header, the
    allocation table's sectors and the directory; every chain is bounded by the file's
    size, so a crafted loop ends.
    """
    if len(data) < 512 or not data.startswith(OLE_MAGIC):
        return None
    (_, _minor, _major, byte_order, sector_shift, _mini_shift, _dir_sectors, fat_sectors,
     first_directory, _transaction, _cutoff, _first_mini, _mini_count, first_difat, difat_count) = \
        _OLE_HEADER.unpack_from(data)
    if byte_order != 0xFFFE or sector_shift not in (9, 12):
        return None
    size = 1 << sector_shift
    sectors = (len(data) - 512) // size + 1
    if fat_sectors > sectors:
        return None

    def sector(number):  # sector 0 follows the header, which fills a sector of its own
        return data[(number + 1) * size:(number + 2) * size]

    fat_numbers = list(struct.unpack_from(f"<{_OLE_DIFAT_IN_HEADER}I", data, 76))
    next_difat, seen = first_difat, set()
    for _ in range(min(difat_count, sectors)):
        if next_difat in seen or next_difat >= sectors:
            return None
        seen.add(next_difat)
        block = sector(next_difat)
        if len(block) < size:
            return None
        *numbers, next_difat = struct.unpack(f"<{size // 4}I", block)
        fat_numbers.extend(numbers)
    fat = bytearray()
    for number in fat_numbers[:fat_sectors]:
        block = sector(number)
        if number >= sectors or len(block) < size:
            return None
        fat += block
    chain, number = [], first_directory
    while number != _OLE_END_OF_CHAIN:
        if number >= sectors or number in chain or 4 * number + 4 > len(fat) or len(chain) >= sectors:
            return None
        chain.append(number)
        (number,) = struct.unpack_from("<I", fat, 4 * number)
    directory = b"".join(sector(number) for number in chain)
    count = len(directory) // _OLE_ENTRY.size
    if count == 0:
        return None

    def entry(index):
        name, length, kind, _colour, left, right, child = _OLE_ENTRY.unpack_from(directory, index * 128)
        return name[:max(0, min(length, 64) - 2)].decode("utf-16-le", "replace"), kind, left, right, child

    _root_name, root_kind, _, _, first = entry(0)
    if root_kind != 5:
        return None
    names, pending, visited = set(), [first], set()
    while pending:  # the root's children form a tree through their left and right siblings
        index = pending.pop()
        if index == _OLE_NO_ENTRY or index in visited or index >= count:
            continue
        visited.add(index)
        name, _kind, left, right, _child = entry(index)
        names.add(name)
        pending += (left, right)
    return frozenset(names)


# Opening an Office zip within caps ------------------------------------------------

BROKEN, TOO_LARGE, TOO_MANY_ENTRIES, TOO_MANY_ELEMENTS, NOT_OFFICE = (
    "broken", "too_large", "too_many_entries", "too_many_elements", "not_office")


@dataclass(frozen=True, slots=True)
class ArchiveCaps:
    """How much an archive may hold: inflated bytes in all, entries, and XML elements.

    ``elements_in`` names the parts whose elements are counted (None: every part,
    since a parser may follow relationships to any of them).
    """

    max_inflated: int
    max_entries: int = 2000
    max_elements: int | None = None
    elements_in: frozenset | None = None


class ArchiveRefused(Exception):
    """An archive that may not be opened; ``reason`` says why, ``message`` says it in Chinese."""

    def __init__(self, reason: str, *, kind: FileKind, caps: ArchiveCaps):
        self.reason = reason
        self.message = refusal_message(reason, kind=kind, caps=caps)
        super().__init__(self.message)


def refusal_message(reason: str, *, kind: FileKind, caps: ArchiveCaps) -> str:
    """The Chinese sentence for refusing an archive that claims to be a ``kind`` (DOCX or XLSX)."""
    label = f"{kind.label}（.{kind.extension}）"
    return {
        BROKEN: f"文件已损坏，无法作为{label}读取。",
        NOT_OFFICE: f"文件不是{label}，可能是其他类型的文件或压缩包。",
        TOO_LARGE: f"文件解压后超过 {caps.max_inflated / 1024 / 1024:g} MB，已拒绝读取（可能是恶意构造的压缩包）。",
        TOO_MANY_ENTRIES: f"文件内部结构异常（包含的文件超过 {caps.max_entries} 个），已拒绝读取。",
        TOO_MANY_ELEMENTS: f"文件的内容标记超过 {caps.max_elements} 个，无法及时读取。",
    }[reason]


@dataclass(frozen=True, slots=True)
class ArchiveFacts:
    """What inspecting an archive found: its entries' names and the elements counted per part."""

    names: frozenset
    elements: dict


_CHUNK = 64 * 1024
_LOCAL_HEADER = struct.Struct("<4s22xHH")  # signature … file name length, extra length


def inspect_archive(data: bytes, *, kind: FileKind, caps: ArchiveCaps) -> ArchiveFacts:
    """Check that ``data`` is a ``kind`` (DOCX or XLSX) zip within ``caps``; raise ArchiveRefused if not.

    Every entry is inflated from its raw bytes, so the real sizes count, not the
    declared ones; the elements are start tags, counted from the stream (a "<" opens
    a tag, and end tags, comments, declarations and processing instructions are
    taken off; a binary entry can only make the count too high, never too low).
    """
    def refuse(reason):
        return ArchiveRefused(reason, kind=kind, caps=caps)

    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError):
        raise refuse(BROKEN) from None
    with archive:
        entries = archive.infolist()
    names = frozenset(entry.filename for entry in entries)
    main_part = next(part for part, part_kind in MAIN_PARTS.items() if part_kind is kind)
    if CONTENT_TYPES_PART not in names or main_part not in names:
        raise refuse(NOT_OFFICE)
    if len(entries) > caps.max_entries:
        raise refuse(TOO_MANY_ENTRIES)
    view = memoryview(data)
    budget, elements, total = caps.max_inflated, {}, 0
    for entry in entries:
        counted = caps.max_elements is not None and (caps.elements_in is None or entry.filename in caps.elements_in)
        for chunk in _inflated_chunks(view, entry, budget, refuse):
            budget -= len(chunk)
            if counted:
                found = chunk.count(b"<") - chunk.count(b"</") - chunk.count(b"<!") - chunk.count(b"<?")
                elements[entry.filename] = elements.get(entry.filename, 0) + found
                total += found
                if total > caps.max_elements:
                    raise refuse(TOO_MANY_ELEMENTS)
    return ArchiveFacts(names=names, elements=elements)


def _inflated_chunks(data: memoryview, entry: zipfile.ZipInfo, budget: int, refuse):
    """Inflate one entry from its raw bytes, yielding it in chunks; refuse once more than ``budget`` came out."""
    if entry.flag_bits & 0x1:  # encrypted: Office never writes these into a .docx or .xlsx
        raise refuse(BROKEN)
    try:
        signature, name_length, extra_length = _LOCAL_HEADER.unpack_from(data, entry.header_offset)
    except struct.error:
        raise refuse(BROKEN) from None
    if signature != ZIP_MAGIC:
        raise refuse(BROKEN)
    start = entry.header_offset + _LOCAL_HEADER.size + name_length + extra_length
    raw = data[start:start + entry.compress_size]
    if entry.compress_type == zipfile.ZIP_STORED:
        if len(raw) > budget:
            raise refuse(TOO_LARGE)
        for position in range(0, len(raw), _CHUNK):
            yield bytes(raw[position:position + _CHUNK])
        return
    if entry.compress_type != zipfile.ZIP_DEFLATED:
        raise refuse(BROKEN)
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
                    raise refuse(TOO_LARGE)
                yield chunk
                pending = inflater.unconsumed_tail
            if inflater.eof:
                break
        chunk = inflater.flush()
    except zlib.error:
        raise refuse(BROKEN) from None
    if size + len(chunk) > budget:
        raise refuse(TOO_LARGE)
    yield chunk
