"""pdf_reader: a PDF's lines become the speech's paragraphs; heads, feet and page numbers go.

The layout rules are tested on pages described line by line (``page``), the whole
reader on real PDFs: a speech in the 公文 layout written with python-docx and printed by
LibreOffice (tests/office_files.py), a scan, and small files written by hand.
"""
import pytest

from speeches.parsing import pdf_reader
from speeches.parsing.document import BadPdf, InputTooLarge, PdfWithoutText
from speeches.parsing.pdf_reader import Line, Page, pdf_text
from speeches.parsing.reader import read_input
from tests import office_files, pdf_files

# A page of A4 in points, a 16 pt line every 28 pt, the text block from x=90 to x=522 (27 characters).
LEFT, RIGHT, EM, PITCH, TOP = 90.0, 522.0, 16.0, 28.0, 740.0


def line(text, row, *, indent=0.0, right=None, top=None):
    """A line of the text block: ``row`` counts down from the top; it runs to the right margin unless told."""
    y = (TOP - row * PITCH) if top is None else top
    end = RIGHT if right is None else right
    return Line(text, left=LEFT + indent * EM, bottom=y - EM, right=end, top=y)


def page(*lines, head=None, foot=None):
    """An A4 page: ``head`` above the text block, ``foot`` below it (centred, well apart)."""
    extra = []
    if head:
        extra.append(Line(head, left=250, bottom=790, right=350, top=806))
    if foot:
        extra.append(Line(foot, left=280, bottom=40, right=330, top=54))
    return Page(width=595.0, height=842.0, lines=[*extra[:1 if head else 0], *lines, *extra[1 if head else 0:]])


def body(count, first_row=0):
    return [line("国" * 27, first_row + n) for n in range(count)]


# --- page numbers and running heads ----------------------------------------------------

@pytest.mark.parametrize("number", [
    "— 3 —", "-3-", "- 3 -", "·3·", "3", "第 3 页", "第3页", "第 3 页 共 12 页", "第3页/共12页", "共12页 第3页",
    "3/12", "3 / 12", "Page 3", "Page 3 of 12",
])
def test_page_numbers_as_offices_print_them_are_dropped(number):
    pages = [page(line("一、加强组织领导", 0, indent=2, right=250), *body(3, 1), foot=number.replace("3", str(n)))
             for n in (1, 2, 3)]
    assert "3" not in pdf_text(pages).replace("第1", "")
    assert pdf_text(pages).count("一、加强组织领导") == 3


def test_a_page_number_pattern_inside_the_text_block_is_text():
    text = pdf_text([page(line("时间安排", 0, right=200), line("2024/25", 10, right=160), line("结束。", 20, right=140))])
    assert "2024/25" in text


def test_a_running_head_repeated_at_the_same_height_is_dropped_and_a_first_page_title_kept():
    pages = [page(line("在全县大会上的讲话", 0, indent=5, right=400), *body(3, 1), head="××县人民政府文件", foot="1")]
    pages += [page(*body(4), head="××县人民政府文件", foot=str(n)) for n in (2, 3, 4)]
    text = pdf_text(pages)
    assert "××县人民政府文件" not in text
    assert text.startswith("在全县大会上的讲话\n")


def test_a_head_with_a_number_in_it_counts_as_repeated():
    pages = [page(*body(4), head=f"县委督查室 第{n}期") for n in (1, 2, 3, 9)]
    assert "督查室" not in pdf_text(pages)


def test_a_sentence_that_recurs_at_the_same_place_in_the_text_block_is_kept():
    # the last body line of every page says the same: it follows the line spacing, so it is text
    pages = [page(*body(3), line("确保全县安全形势持续稳定。", 3, right=300), foot=str(n)) for n in (1, 2, 3)]
    assert pdf_text(pages).count("确保全县安全形势持续稳定。") == 3


def test_a_line_on_only_one_page_is_never_a_running_head():
    pages = [page(*body(2), head="附件1"), page(*body(2)), page(*body(2))]
    assert "附件1" in pdf_text(pages)


# --- joining lines ----------------------------------------------------------------------

def test_lines_broken_by_the_layout_are_joined_within_a_page_and_across_pages():
    first = page(line("（一）加强组织领导。各乡镇、各部门要切实提高政", 0, indent=2),
                 line("治站位，把安全生产工作摆在更加突出的位置，县应", 1), foot="1")
    second = page(line("急管理局牵头，9 月底前完成。", 0, right=300), foot="2")
    assert pdf_text([first, second]) == "（一）加强组织领导。各乡镇、各部门要切实提高政治站位，把安全生产工作摆在更加突出的位置，县应急管理局牵头，9月底前完成。"


@pytest.mark.parametrize("marker", ["一、", "（一）", "(二)", "1.", "2．", "3、", "（4）", "①", "一是", "二要", "第三，", "其一，", "首先，"])
def test_a_line_opening_with_a_marker_starts_a_paragraph(marker):
    pages = [page(line("各乡镇要切实提高政治站位，把安全生产工作摆在更加突出的位置", 0),
                  line(f"{marker}压实责任，确保各项措施落到实处。", 1, right=400))]
    assert pdf_text(pages).split("\n")[1].startswith(marker)


def test_a_short_line_ends_its_paragraph_even_without_punctuation():
    pages = [page(line("一、突出重点", 0, indent=2, right=200), line("全县上下要切实提高政治站位，把安全生产工作摆在", 1),
                  line("更加突出的位置。", 2, right=250))]
    assert pdf_text(pages) == "一、突出重点\n全县上下要切实提高政治站位，把安全生产工作摆在更加突出的位置。"


def test_where_paragraphs_indent_a_sentence_ending_at_the_margin_goes_on():
    pages = [page(line("各乡镇要切实提高政治站位，层层压实责任。", 0, indent=2), line("把安全生产工作摆在更加突出的", 1),
                  line("位置。", 2, right=200), line("县应急管理局牵头抓总，各部门配合。", 3, indent=2, right=450))]
    assert pdf_text(pages) == ("各乡镇要切实提高政治站位，层层压实责任。把安全生产工作摆在更加突出的位置。\n"
                               "县应急管理局牵头抓总，各部门配合。")


def test_where_paragraphs_do_not_indent_a_line_ending_a_sentence_ends_its_paragraph():
    pages = [page(line("各乡镇要切实提高政治站位，把安全生产工作摆在更", 0), line("加突出的位置。", 1, right=200),
                  line("各部门要层层压实责任，确保各项措施落到实处，坚决。", 2), line("县应急管理局牵头。", 3, right=250))]
    assert pdf_text(pages) == ("各乡镇要切实提高政治站位，把安全生产工作摆在更加突出的位置。\n"
                               "各部门要层层压实责任，确保各项措施落到实处，坚决。\n县应急管理局牵头。")


def test_without_boxes_only_the_words_decide():
    pages = [Page(595, 842, [Line("各乡镇要切实提高政治站位，把安全生产"), Line("工作摆在更加突出的位置。"),
                             Line("一是压实责任"), Line("二是狠抓落实；"), Line("— 1 —")])]
    assert pdf_text(pages) == "各乡镇要切实提高政治站位，把安全生产工作摆在更加突出的位置。\n一是压实责任\n二是狠抓落实；"


def test_spaces_the_layout_puts_beside_chinese_go_and_latin_words_keep_theirs():
    pages = [page(line("抓实第 3 项任务，在 2025 年 6 月底前完成 PDF to Word 转换。", 0, right=300))]
    assert pdf_text(pages) == "抓实第3项任务，在2025年6月底前完成PDF to Word转换。"


# --- pages without text -----------------------------------------------------------------

def test_pages_without_text_are_a_scan():
    with pytest.raises(PdfWithoutText) as caught:
        pdf_text([page(foot="1"), page(foot="2")])
    assert str(caught.value) == "该 PDF 没有文字层（可能是扫描件），请上传 Word 或文本格式，或先做文字识别。"


def test_a_text_cover_on_a_scanned_document_is_still_a_scan():
    with pytest.raises(PdfWithoutText, match="3 页中有 2 页没有文字层"):
        pdf_text([page(*body(3)), page(foot="2"), page(foot="3")])


# --- real PDFs --------------------------------------------------------------------------

def test_a_speech_printed_to_pdf_reads_back_as_its_paragraphs():
    """Six pages: a running head on each, five footer styles, paragraphs running across page breaks."""
    data = office_files.speech_pdf()
    pages = pdf_reader.pdf_pages(data)
    assert len(pages) >= 5
    footers = [ln.text for p in pages for ln in p.lines if ln.top < 60]
    assert {"— 1 —", "第 3 页"} <= set(footers)  # the footers are there to be dropped
    expected = "\n".join(text for group in office_files.speech_paragraphs() for text in group)
    assert read_input(data, "讲话.pdf") == expected


def test_a_scanned_pdf_is_refused_with_the_scan_message():
    with pytest.raises(PdfWithoutText) as caught:
        read_input(office_files.scan_pdf(), "扫描件.pdf")
    assert "没有文字层（可能是扫描件）" in str(caught.value)


def test_caps_on_pages_and_characters():
    data = pdf_files.text_pages([[f"Line {n} of page {p}" for n in range(30)] for p in range(12)])
    assert len(pdf_reader.pdf_pages(data)) == 12
    with pytest.raises(InputTooLarge, match="共 12 页，超过 10 页的上限"):
        pdf_reader.pdf_pages(data, max_pages=10)
    with pytest.raises(InputTooLarge, match="超过 1,000 字的上限"):
        pdf_reader.pdf_pages(data, max_chars=1000)


@pytest.mark.parametrize("data", [
    b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n" + b"\x00\x01" * 50,
    pdf_files.page_tree_loop(),
    pdf_files.text_pages([["ok"]])[:200],
], ids=["garbage", "page-tree-loop", "cut-off"])
def test_a_broken_pdf_gets_a_chinese_message(data):
    with pytest.raises(BadPdf) as caught:
        read_input(data, "讲话.pdf")
    assert str(caught.value).startswith("无法读取该 PDF")
