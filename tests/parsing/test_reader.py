"""read_input: the content decides how a file is read; the name only sharpens the message."""
import io

import docx
import pytest

from speeches.parsing.document import BadDocx, EmptyInput, NotText
from speeches.parsing.reader import read_input


def _docx_bytes(text: str) -> bytes:
    document = docx.Document()
    document.add_paragraph(text)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize("filename", ["讲话.docx", "讲话.txt", ""])
def test_a_docx_is_read_as_docx_whatever_its_name(filename):
    assert read_input(_docx_bytes("一、加强学习"), filename) == "一、加强学习"


@pytest.mark.parametrize("filename", ["讲话.txt", "讲话", ""])
def test_text_is_decoded(filename):
    assert read_input("一是加强学习\r\n".encode("gbk"), filename) == "一是加强学习\n"


@pytest.mark.parametrize(
    "data, filename, error",
    [
        (b"", "a.txt", EmptyInput),
        ("一、加强学习".encode(), "讲话.docx", BadDocx),  # named .docx, but text
        (b"PK\x03\x04\x14\x00", "a.zip", BadDocx),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "讲话.doc", NotText),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n" + b"\x00\x01" * 50, "讲话.pdf", NotText),
    ],
    ids=["empty", "text-named-docx", "other-zip", "old-doc", "pdf"],
)
def test_unreadable_input_raises_with_a_chinese_message(data, filename, error):
    with pytest.raises(error) as caught:
        read_input(data, filename)
    assert any("\u4e00" <= ch <= "\u9fff" for ch in str(caught.value))
