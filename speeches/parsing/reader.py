"""Turn an uploaded file into text: the one entry point for the web form and the commands.

The file's content decides how it is read, not its name: people rename files, and
browsers send whatever name the user's system gave. The name only sharpens the message
when a file claims to be a .docx and is not.

Read here: .docx (docx_reader), PDF with a text layer (pdf_reader), and text in any
Chinese encoding (decode). Word 97-2003 .doc, WPS .wps (the same binary format) and RTF
are read once ``convert`` has turned them into a .docx; converting runs LibreOffice, so
the caller passes it in (``speeches.office_convert.converter()``) and without it they are
refused with a message saying how to save as .docx. Likewise ``pdf_pages`` reads a PDF's
lines; the web form and ``import_speech`` pass one that runs in a child process with a
time limit (``speeches.pdf_process``), and by default it runs in this process.
"""
from __future__ import annotations

from collections.abc import Callable

from common import filetypes

from . import pdf_reader
from .decode import EMPTY_MESSAGE, decode_bytes
from .document import BadDocx, EmptyInput, NotText
from .docx_reader import BAD_DOCX_MESSAGE, is_docx, read_docx

# (the file's bytes, its kind: "doc" or "rtf") -> the bytes of the same document as .docx
Convert = Callable[[bytes, str], bytes]
PdfPages = Callable[[bytes], list[pdf_reader.Page]]

SAVE_AS_DOCX = "请在 Word/WPS 中打开，点“文件 → 另存为”，保存类型选“Word 文档（*.docx）”后再上传。"
NO_CONVERTER_MESSAGE = "本系统未安装 LibreOffice，无法直接读取{what}。" + SAVE_AS_DOCX
ENCRYPTED_MESSAGE = "该文档设有打开密码，无法读取。请在 Word/WPS 中取消密码，另存为 .docx 后再上传。"
NOT_WORD_MESSAGE = ("该文件不是 Word 或 WPS 文字文档（可能是 Excel、PowerPoint 或其他格式的文件），"
                    "请上传讲话稿的 Word（.docx/.doc）、WPS（.wps）、PDF 或文本（.txt）文件。")
BROKEN_OLE_MESSAGE = "无法读取该文件：旧版 Word/WPS 文档已损坏。" + SAVE_AS_DOCX


def read_input(data: bytes, filename: str = "", *, convert: Convert | None = None,
               pdf_pages: PdfPages = pdf_reader.pdf_pages) -> str:
    """Return the text of an uploaded file, with ``\\n`` line endings.

    Raise an ExtractionError subclass (EmptyInput, NotText, BadDocx, BadPdf, InputTooLarge,
    ConversionFailed …) whose message tells the user what to do.
    """
    if not data:
        raise EmptyInput(EMPTY_MESSAGE)
    if is_docx(data):
        return read_docx(data)
    if data.startswith(filetypes.OLE_MAGIC):  # before the name: a .docx with a password is an OLE file
        streams = filetypes.ole_streams(data)
        if streams is None:
            raise NotText(BROKEN_OLE_MESSAGE)
        if filetypes.OLE_ENCRYPTED in streams:
            raise NotText(ENCRYPTED_MESSAGE)
        if filetypes.OLE_WORD not in streams:
            raise NotText(NOT_WORD_MESSAGE)
        return _converted(data, "doc", convert, what="旧版 Word（.doc）或 WPS（.wps）文件")
    if data.startswith(filetypes.ZIP_MAGIC) or filename.lower().endswith(".docx"):
        raise BadDocx(BAD_DOCX_MESSAGE)
    if data.startswith(filetypes.RTF_MAGIC):
        return _converted(data, "rtf", convert, what="RTF 格式的文件")
    if data.startswith(filetypes.PDF_MAGIC):
        return pdf_reader.read_pdf(data, pages=pdf_pages)
    return decode_bytes(data)


def _converted(data: bytes, kind: str, convert: Convert | None, *, what: str) -> str:
    if convert is None:
        raise NotText(NO_CONVERTER_MESSAGE.format(what=what))
    return read_docx(convert(data, kind))
