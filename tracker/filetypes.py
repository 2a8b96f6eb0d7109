"""Which kind of file an upload really is, judged by its content, never its name.

Evidence files come from many offices; a renamed executable or a web page saved
as "报告.pdf" must not be stored and later handed to colleagues. Accepted: PDF,
Word and Excel (both the zip-based .docx/.xlsx with their required parts and the
old OLE .doc/.xls), JPEG, PNG and plain text. No Django here.
"""
import io
import zipfile
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

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
# OLE directory entries name their streams in UTF-16LE.
OLE_WORD_STREAM = "WordDocument".encode("utf-16-le")
OLE_EXCEL_STREAMS = ("Workbook".encode("utf-16-le"), "Book".encode("utf-16-le"))
# Control characters that never occur in a real text file (tab, LF, CR, FF are fine).
TEXT_CONTROL = set(range(0, 9)) | {11} | set(range(14, 32)) | {127}


def sniff(data):
    """Return the FileKind of the bytes ``data``, or None when it is not an accepted kind."""
    if data.startswith(b"%PDF-"):
        return PDF
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if data.startswith(b"\xff\xd8\xff"):
        return JPEG
    if data.startswith(OLE_MAGIC):
        return _sniff_ole(data)
    if data.startswith(ZIP_MAGIC):
        return _sniff_zip(data)
    return TEXT if _looks_like_text(data) else None


def _sniff_ole(data):
    if OLE_WORD_STREAM in data:
        return DOC
    if any(stream in data for stream in OLE_EXCEL_STREAMS):
        return XLS
    return None


def _sniff_zip(data):
    """An Office Open XML file is a zip with a content-types part and its main part."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, ValueError, OSError):
        return None
    if "[Content_Types].xml" not in names:
        return None
    if "word/document.xml" in names:
        return DOCX
    if "xl/workbook.xml" in names:
        return XLSX
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
