"""A paper as a download or a file: its Chinese file name, its bytes, the HTTP response."""
import io
import re

from django.http import FileResponse

DOCX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
NAME_MAX = 120


def filename(stem: str) -> str:
    """Return ``stem``.docx with the characters Windows refuses in file names replaced by _."""
    stem = re.sub(r'[\\/:*?"<>|\r\n\t]+', "_", stem).strip(" ._") or "督办文书"
    return f"{stem[:NAME_MAX]}.docx"


def to_bytes(document) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def docx_response(document, stem: str) -> FileResponse:
    """Send ``document`` as an attachment named ``stem``.docx (RFC 6266 filename*=UTF-8''…), never cached."""
    response = FileResponse(io.BytesIO(to_bytes(document)), as_attachment=True, filename=filename(stem),
                            content_type=DOCX_CONTENT_TYPE)
    response["Cache-Control"] = "no-store, private"
    return response
