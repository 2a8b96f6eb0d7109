"""read_docx: real .docx files written here with python-docx, and hostile archives."""
import io
import struct
import zipfile

import docx
import pytest
from docx.oxml import parse_xml

from speeches.parsing.document import BadDocx, DocxTooLarge, EmptyInput
from speeches.parsing.docx_numbering import chinese_number
from speeches.parsing.docx_reader import MAX_DOCUMENT_ELEMENTS, is_docx, read_docx

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"

# Levels as a Chinese speech numbers them: 一、 / （一） / 1.
ABSTRACT_SPEECH = f"""
<w:abstractNum xmlns:w="{W}" w:abstractNumId="90">
  <w:multiLevelType w:val="multilevel"/>
  <w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="%1、"/></w:lvl>
  <w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="（%2）"/></w:lvl>
  <w:lvl w:ilvl="2"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%3."/></w:lvl>
</w:abstractNum>"""
ABSTRACT_CIRCLED = f"""
<w:abstractNum xmlns:w="{W}" w:abstractNumId="91">
  <w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="decimalEnclosedCircle"/><w:lvlText w:val="%1"/></w:lvl>
</w:abstractNum>"""
NUMS = f"""
<w:numbering xmlns:w="{W}">
  <w:num w:numId="90"><w:abstractNumId w:val="90"/></w:num>
  <w:num w:numId="91"><w:abstractNumId w:val="91"/></w:num>
  <w:num w:numId="92"><w:abstractNumId w:val="90"/>
    <w:lvlOverride w:ilvl="0"><w:startOverride w:val="5"/></w:lvlOverride></w:num>
</w:numbering>"""


def _add_numbering(document):
    numbering = document.part.numbering_part.element
    first_num = numbering.find(f"{{{W}}}num")
    for xml in (ABSTRACT_SPEECH, ABSTRACT_CIRCLED):
        # Schema order: every abstractNum before the first num.
        if first_num is not None:
            first_num.addprevious(parse_xml(xml))
        else:
            numbering.append(parse_xml(xml))
    for num in parse_xml(NUMS):
        numbering.append(num)


def _numbered(document, text, num_id, ilvl):
    paragraph = document.add_paragraph(text)
    paragraph._p.get_or_add_pPr().append(
        parse_xml(f'<w:numPr xmlns:w="{W}"><w:ilvl w:val="{ilvl}"/><w:numId w:val="{num_id}"/></w:numPr>')
    )
    return paragraph


def _save(document) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _lines(data: bytes) -> list[str]:
    return read_docx(data).split("\n")


@pytest.fixture
def numbered_docx() -> bytes:
    document = docx.Document()
    _add_numbering(document)
    document.add_paragraph("在全县教育工作会议上的讲话")
    _numbered(document, "关于前期工作", 90, 0)
    _numbered(document, "学习教育", 90, 1)
    _numbered(document, "调查研究", 90, 1)
    _numbered(document, "走访基层", 90, 2)
    _numbered(document, "", 90, 2)  # an empty list paragraph still takes a number
    _numbered(document, "召开座谈会", 90, 2)
    _numbered(document, "下步安排", 90, 0)
    _numbered(document, "抓好整改", 90, 1)
    _numbered(document, "加强领导", 91, 0)
    _numbered(document, "压实责任", 91, 0)
    _numbered(document, "保障措施", 92, 0)
    document.add_paragraph("同志们，让我们共同努力。")
    return _save(document)


def test_word_generated_numbering_is_rendered_as_the_marker_it_shows(numbered_docx):
    assert [line for line in _lines(numbered_docx) if line] == [
        "在全县教育工作会议上的讲话",
        "一、关于前期工作",
        "（一）学习教育",
        "（二）调查研究",
        "1.走访基层",
        "3.召开座谈会",
        "二、下步安排",
        "（一）抓好整改",  # a new section restarts the deeper level
        "①加强领导",
        "②压实责任",
        "五、保障措施",  # startOverride restarts a list that shares the abstract definition
        "同志们，让我们共同努力。",
    ]


def test_a_numbered_style_numbers_its_paragraphs():
    document = docx.Document()
    document.add_paragraph("完善制度", style="List Number")
    document.add_paragraph("强化督查", style="List Number")
    assert _lines(_save(document)) == ["1.完善制度", "2.强化督查"]


@pytest.mark.parametrize(
    "number, expected", [(1, "一"), (10, "十"), (11, "十一"), (20, "二十"), (21, "二十一"), (105, "一百零五")]
)
def test_chinese_counting_reads_as_written(number, expected):
    assert chinese_number(number) == expected


def test_tables_are_read_in_document_order_one_row_per_line():
    """A table that names no owners or deadlines in its header is no task table: its rows stay rows."""
    document = docx.Document()
    document.add_paragraph("会议要求如下：")
    table = document.add_table(rows=3, cols=3)
    for row, values in zip(table.rows, [("序号", "任务", "说明"), ("1", "完善制度", "县教育局"), ("2", "", "")]):
        for cell, value in zip(row.cells, values):
            cell.text = value
    cell = table.rows[2].cells[1]
    cell.text = "一是排查隐患"
    cell.add_paragraph("二是建立台账")
    document.add_paragraph("以上任务年底前完成。")
    assert _lines(_save(document)) == [
        "会议要求如下：",
        "序号\t任务\t说明",
        "1\t完善制度\t县教育局",
        "2",
        "一是排查隐患",
        "二是建立台账",
        "以上任务年底前完成。",
    ]


def test_tracked_insertions_are_read_and_deletions_are_not():
    document = docx.Document()
    paragraph = document.add_paragraph("一是加强")
    paragraph._p.append(parse_xml(f'<w:del xmlns:w="{W}" w:id="1" w:author="a"><w:r><w:delText>删掉的</w:delText></w:r></w:del>'))
    paragraph._p.append(parse_xml(f'<w:ins xmlns:w="{W}" w:id="2" w:author="a"><w:r><w:t>组织领导</w:t></w:r></w:ins>'))
    assert _lines(_save(document)) == ["一是加强组织领导"]


def test_is_docx_looks_at_the_content_not_the_name(numbered_docx):
    assert is_docx(numbered_docx)
    assert not is_docx("一、加强学习".encode())
    assert not is_docx(_zip({"readme.txt": b"hello"}))


def test_a_document_without_text_is_empty():
    with pytest.raises(EmptyInput):
        read_docx(_save(docx.Document()))


# Hostile and broken archives ---------------------------------------------------------


def _zip(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in entries.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def _with_bomb(data: bytes, name: str, size: int) -> bytes:
    """Return a copy of the .docx ``data`` with one more entry of ``size`` zero bytes."""
    buffer = io.BytesIO(data)
    with zipfile.ZipFile(buffer, "a", zipfile.ZIP_DEFLATED) as archive:
        with archive.open(name, "w", force_zip64=True) as entry:
            chunk = bytes(1024 * 1024)
            for _ in range(size // len(chunk)):
                entry.write(chunk)
    return buffer.getvalue()


def _lie_about_size(data: bytes, name: str, claimed: int) -> bytes:
    """Rewrite the uncompressed size of ``name`` in its local and central headers."""
    patched = bytearray(data)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        info = archive.getinfo(name)
    struct.pack_into("<I", patched, info.header_offset + 22, claimed)
    central = bytes(patched).find(b"PK\x01\x02")
    while central != -1:
        name_length = struct.unpack_from("<H", patched, central + 28)[0]
        if bytes(patched[central + 46:central + 46 + name_length]) == name.encode():
            struct.pack_into("<I", patched, central + 24, claimed)
            break
        central = bytes(patched).find(b"PK\x01\x02", central + 4)
    return bytes(patched)


@pytest.fixture
def small_docx() -> bytes:
    document = docx.Document()
    document.add_paragraph("一、加强学习")
    return _save(document)


def test_a_zip_bomb_over_the_default_cap_is_refused(small_docx):
    """101 MB of zeros compress to about 100 KB; the cap is on what comes out."""
    bomb = _with_bomb(small_docx, "word/media/image1.png", 101 * 1024 * 1024)
    assert len(bomb) < 1024 * 1024
    with pytest.raises(DocxTooLarge) as caught:
        read_docx(bomb)
    assert "过大" in str(caught.value)


def test_a_header_that_understates_the_size_does_not_fool_the_cap(small_docx):
    bomb = _lie_about_size(_with_bomb(small_docx, "word/media/image1.png", 8 * 1024 * 1024), "word/media/image1.png", 100)
    with zipfile.ZipFile(io.BytesIO(bomb)) as archive:
        assert archive.getinfo("word/media/image1.png").file_size == 100
    with pytest.raises(DocxTooLarge):
        read_docx(bomb, max_total_bytes=2 * 1024 * 1024)


def test_a_header_that_overstates_the_size_does_not_refuse_a_good_file(small_docx):
    honest_small = _lie_about_size(small_docx, "word/document.xml", 2**31)
    assert read_docx(honest_small, max_total_bytes=1024 * 1024) == "一、加强学习"


def test_too_many_entries_are_refused(small_docx):
    buffer = io.BytesIO(small_docx)
    with zipfile.ZipFile(buffer, "a") as archive:
        for index in range(30):
            archive.writestr(f"extra/item{index}.xml", b"<a/>")
    with pytest.raises(DocxTooLarge):
        read_docx(buffer.getvalue(), max_entries=20)


def _with_body(data: bytes, body: bytes) -> bytes:
    """Return a copy of the .docx ``data`` whose body is ``body``."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        entries = {info.filename: archive.read(info.filename) for info in archive.infolist()}
    start = entries["word/document.xml"].index(b"<w:body>") + len(b"<w:body>")
    entries["word/document.xml"] = entries["word/document.xml"][:start] + body + entries["word/document.xml"][start:]
    return _zip(entries)


def test_a_body_of_a_million_empty_paragraphs_is_refused_before_it_is_walked(small_docx):
    """6 MB of <w:p/> compress to 10 KB and took seconds per request to walk; the cap counts the elements."""
    crowded = _with_body(small_docx, b"<w:p/>" * 1_000_000)
    assert len(crowded) < 100 * 1024
    with pytest.raises(DocxTooLarge) as caught:
        read_docx(crowded)
    assert f"{MAX_DOCUMENT_ELEMENTS // 10000} 万" in str(caught.value) and ".txt" in str(caught.value)


def test_the_element_cap_is_on_the_document_not_on_the_other_parts(small_docx):
    body = b"<w:p><w:r><w:t>" + "一".encode() * 1000 + b"</w:t></w:r></w:p>"
    assert read_docx(_with_body(small_docx, body), max_document_elements=100).startswith("一" * 1000)
    with pytest.raises(DocxTooLarge):
        read_docx(_with_body(small_docx, body * 40), max_document_elements=100)


@pytest.mark.parametrize(
    "make",
    [
        lambda good: b"PK\x03\x04" + b"\x00garbage" * 100,
        lambda good: good[: len(good) // 2],
        lambda good: _zip({"[Content_Types].xml": b"<Types/>", "word/readme.txt": b"x"}),
        lambda good: _zip({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document"}),
        lambda good: "一、加强学习".encode(),
    ],
    ids=["zip-magic-then-garbage", "truncated", "no-document-xml", "no-package-parts", "plain-text"],
)
def test_corrupt_or_foreign_files_are_bad_docx(small_docx, make):
    with pytest.raises(BadDocx) as caught:
        read_docx(make(small_docx))
    assert "Word" in str(caught.value)
