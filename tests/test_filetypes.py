"""Uploads are judged by content: real files of each kind pass, renamed impostors do not."""
import io
import zipfile

import pytest

from common import filetypes

OLE = filetypes.OLE_MAGIC + b"\x00" * 504


def zip_with(*names):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in names:
            archive.writestr(name, "<x/>")
    return buffer.getvalue()


def real_docx():
    import docx

    buffer = io.BytesIO()
    document = docx.Document()
    document.add_paragraph("办结报告")
    document.save(buffer)
    return buffer.getvalue()


def real_xlsx():
    import openpyxl

    buffer = io.BytesIO()
    workbook = openpyxl.Workbook()
    workbook.active["A1"] = "进展"
    workbook.save(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize("data,kind", [
    (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", filetypes.PDF),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", filetypes.PNG),
    (b"\xff\xd8\xff\xe0\x00\x10JFIF", filetypes.JPEG),
    (real_docx(), filetypes.DOCX),
    (real_xlsx(), filetypes.XLSX),
    (OLE + "WordDocument".encode("utf-16-le"), filetypes.DOC),
    (OLE + "Workbook".encode("utf-16-le"), filetypes.XLS),
    ("已完成排查，共 12 所学校。\n".encode("utf-8"), filetypes.TEXT),
    ("已完成排查。\r\n".encode("gb18030"), filetypes.TEXT),
    ("\ufeff已完成".encode("utf-16-le"), filetypes.TEXT),
])
def test_accepted_kinds_are_recognised(data, kind):
    assert filetypes.sniff(data) == kind


@pytest.mark.parametrize("data", [
    b"MZ\x90\x00\x03\x00\x00\x00\x04\x00",  # a Windows executable
    b"\x7fELF\x02\x01\x01",  # a Linux executable
    zip_with("payload.exe"),  # a plain zip
    zip_with("[Content_Types].xml", "ppt/presentation.xml"),  # PowerPoint is not accepted
    zip_with("word/document.xml"),  # no content types part: not an Office file
    b"PK\x03\x04 truncated zip",
    OLE + "PowerPoint Document".encode("utf-16-le"),
    b"GIF89a\x01\x00\x01\x00",
    b"text with a NUL\x00 byte",
    b"",
    b"\xff\xfe\xff\xfe\x00",  # not text, though it starts like UTF-16
])
def test_other_content_is_refused(data):
    assert filetypes.sniff(data) is None


def test_a_name_does_not_matter_only_the_bytes():
    # sniff never sees a name: an executable called 报告.pdf is still an executable
    assert filetypes.sniff(b"MZ\x90\x00") is None


# The streams of an OLE compound file: how a Word or WPS document is told from other OLE files.

def test_ole_streams_lists_the_top_level_streams():
    from tests.ole_files import ole_file

    assert filetypes.ole_streams(ole_file("WordDocument", "1Table", "\x05SummaryInformation")) == {
        "WordDocument", "1Table", "\x05SummaryInformation"}
    assert filetypes.OLE_WORD not in filetypes.ole_streams(ole_file("Workbook"))
    assert filetypes.ole_streams(ole_file("EncryptedInfo", "EncryptedPackage")) >= {filetypes.OLE_ENCRYPTED}
    many = [f"Stream{n}" for n in range(20)]  # a directory over several sectors
    assert filetypes.ole_streams(ole_file(*many)) == set(many)


def test_ole_streams_refuses_broken_files_without_looping():
    import struct

    from tests.ole_files import ole_file

    good = ole_file("WordDocument", *[f"S{n}" for n in range(8)])
    looped = bytearray(good)
    struct.pack_into("<I", looped, 512 + 4 * 1, 1)  # the directory's first sector names itself as the next
    assert filetypes.ole_streams(bytes(looped)) is None
    assert filetypes.ole_streams(good[:700]) is None  # cut off inside the directory
    assert filetypes.ole_streams(OLE) is None  # a signature and nothing else
    assert filetypes.ole_streams(b"not an OLE file" * 40) is None
