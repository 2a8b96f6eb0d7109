"""read_input: the content decides how a file is read; the name only sharpens the message."""
import io

import docx
import pytest

from speeches.parsing.document import BadDocx, EmptyInput, NotText
from speeches.parsing.reader import read_input
from tests.ole_files import ole_file


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


# Word 97-2003, WPS and RTF: converted by the function the caller passes, else refused with the way out.


WORD_OLE = ole_file("WordDocument", "1Table", "\x05SummaryInformation")


@pytest.mark.parametrize("data, kind", [(WORD_OLE, "doc"), (b"{\\rtf1\\ansi \\u19968?}", "rtf")], ids=["doc", "rtf"])
@pytest.mark.parametrize("filename", ["讲话.doc", "讲话.wps", "讲话.rtf", ""])
def test_word_wps_and_rtf_are_read_through_the_converter(data, kind, filename):
    calls = []

    def convert(content, content_kind):
        calls.append((content, content_kind))
        return _docx_bytes("一、加强学习")

    assert read_input(data, filename, convert=convert) == "一、加强学习"
    assert calls == [(data, kind)]


@pytest.mark.parametrize("data", [WORD_OLE, b"{\\rtf1 }"], ids=["doc", "rtf"])
def test_without_a_converter_they_are_refused_with_how_to_save_as_docx(data):
    with pytest.raises(NotText) as caught:
        read_input(data, "讲话.doc")
    assert "未安装 LibreOffice" in str(caught.value) and "Word 文档（*.docx）" in str(caught.value)


@pytest.mark.parametrize("data, filename, message", [
    (ole_file("Workbook"), "讲话.doc", "不是 Word 或 WPS 文字文档"),
    (ole_file("CONTENTS", "SPELLING"), "讲话.wps", "不是 Word 或 WPS 文字文档"),  # Microsoft Works
    (ole_file("EncryptionInfo", "EncryptedPackage"), "讲话.docx", "设有打开密码"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, "讲话.doc", "已损坏"),
], ids=["spreadsheet", "works", "encrypted-docx", "broken"])
def test_other_ole_files_are_refused_before_any_conversion(data, filename, message):
    def convert(content, kind):
        raise AssertionError("not to be converted")

    with pytest.raises(NotText, match=message):
        read_input(data, filename, convert=convert)
