"""Turn an uploaded file into text: the one entry point for the web form and the command.

The file's content decides how it is read, not its name: people rename files, and
browsers send whatever name the user's system gave. The name only sharpens the message
when a file claims to be a .docx and is not.

Read here: .docx (docx_reader), PDF with a text layer (pdf_reader), and text in any
Chinese encoding (decode). ``pdf_pages`` reads a PDF's lines: by default in this process;
``speeches.pdf_process.reader`` gives one that runs in a child process with a time limit.
"""
from __future__ import annotations

from collections.abc import Callable

from common import filetypes

from . import pdf_reader
from .decode import EMPTY_MESSAGE, decode_bytes
from .document import BadDocx, EmptyInput, NotText
from .docx_reader import BAD_DOCX_MESSAGE, is_docx, read_docx

PdfPages = Callable[[bytes], list[pdf_reader.Page]]


def read_input(data: bytes, filename: str = "", *, pdf_pages: PdfPages = pdf_reader.pdf_pages) -> str:
    """Return the text of an uploaded .txt, .docx or PDF file, with ``\\n`` line endings.

    Raise an ExtractionError subclass (EmptyInput, NotText, BadDocx, DocxTooLarge, BadPdf,
    PdfWithoutText, InputTooLarge) whose message tells the user what to do.
    """
    if not data:
        raise EmptyInput(EMPTY_MESSAGE)
    if is_docx(data):
        return read_docx(data)
    if data.startswith(filetypes.ZIP_MAGIC) or filename.lower().endswith(".docx"):
        raise BadDocx(BAD_DOCX_MESSAGE)
    if data.startswith(filetypes.OLE_MAGIC):
        raise NotText("不支持旧版 Word（.doc）或 WPS 格式，请在 Word/WPS 中另存为 .docx 后再上传。")
    if data.startswith(filetypes.PDF_MAGIC):
        return pdf_reader.read_pdf(data, pages=pdf_pages)
    return decode_bytes(data)
