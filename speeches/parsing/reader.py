"""Turn an uploaded file into text: the one entry point for the web form and the command.

The file's content decides how it is read, not its name: people rename files, and
browsers send whatever name the user's system gave. The name only sharpens the message
when a file claims to be a .docx and is not.
"""
from __future__ import annotations

from common import filetypes

from .decode import EMPTY_MESSAGE, decode_bytes
from .document import BadDocx, EmptyInput, NotText
from .docx_reader import BAD_DOCX_MESSAGE, is_docx, read_docx


def read_input(data: bytes, filename: str = "") -> str:
    """Return the text of an uploaded .txt or .docx file, with ``\\n`` line endings.

    Raise an ExtractionError subclass (EmptyInput, NotText, BadDocx, DocxTooLarge)
    whose message tells the user what to do.
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
        raise NotText("不支持 PDF 文件，请上传 .txt 或 .docx 格式的讲话稿。")
    return decode_bytes(data)
