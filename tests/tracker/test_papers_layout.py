"""GB/T 9704 page setup and styles, read back from a saved .docx with python-docx. No database."""
from datetime import date

import pytest
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_LINE_SPACING
from docx.oxml.ns import qn

from tests.papers_docx import fonts, footer_fields, grid_mm, mm, read, rows, text_width_mm
from tracker.papers import layout, output


def saved(document):
    return read(output.to_bytes(document))


@pytest.mark.parametrize("landscape,size,margins,block", [
    (False, (210, 297), (37, 35, 28, 26), (156, 225)),
    (True, (297, 210), (28, 26, 35, 37), (225, 156)),
])
def test_page_is_a4_with_the_standard_text_block(landscape, size, margins, block):
    """A4 with 天头 37 mm and 订口 28 mm: a 156 × 225 mm block (turned on a landscape page)."""
    section = saved(layout.new_document(landscape=landscape)).sections[0]
    assert (mm(section.page_width), mm(section.page_height)) == size
    assert section.orientation == (WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT)
    assert (mm(section.top_margin), mm(section.bottom_margin), mm(section.left_margin),
            mm(section.right_margin)) == margins
    assert (round(text_width_mm(section)),
            round(mm(section.page_height) - mm(section.top_margin) - mm(section.bottom_margin))) == block


def test_margins_in_emu_to_the_twip():
    """Word stores margins in twips (635 EMU): each is the nearest twip to 37, 35, 28 and 26 mm (36000 EMU a mm)."""
    section = saved(layout.new_document()).sections[0]
    stored = (section.top_margin, section.bottom_margin, section.left_margin, section.right_margin)
    for emu, millimetres in zip(stored, (37, 35, 28, 26), strict=True):
        assert emu % 635 == 0 and abs(emu - millimetres * 36000) <= 635 / 2


@pytest.mark.parametrize("style,font,size,line", [
    ("Title", layout.TITLE_FONT, 22, 35),
    ("Normal", layout.BODY_FONT, 16, 28),
    ("Body Text", layout.BODY_FONT, 16, 28),
    ("Heading 1", layout.HEI_FONT, 16, 28),
    ("Heading 2", layout.KAI_FONT, 16, 28),
    (layout.TABLE_TEXT, layout.BODY_FONT, 14, 20),
    (layout.TABLE_HEAD, layout.HEI_FONT, 14, 20),
])
def test_styles_name_the_font_on_every_script_slot(style, font, size, line):
    """2号小标宋 title, 3号仿宋 text, 3号黑体 and 楷体 headings, 4号 tables; fixed line spacing; no theme fonts."""
    document = saved(layout.new_document())
    found = document.styles[style]
    slots = fonts(found.element.rPr)
    assert {slots[k] for k in ("ascii", "hAnsi", "eastAsia", "cs")} == {font}
    assert not any(k.lower().endswith("theme") for k in slots)
    assert found.font.size.pt == size
    assert not found.font.bold and found.font.color.rgb is None
    assert found.paragraph_format.line_spacing_rule == WD_LINE_SPACING.EXACTLY
    assert found.paragraph_format.line_spacing.pt == line


def test_text_is_zh_cn_and_fonts_have_alternative_names():
    document = saved(layout.new_document())
    lang = document.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr")).find(
        qn("w:lang"))
    assert lang.get(qn("w:eastAsia")) == "zh-CN"
    from docx.opc.constants import RELATIONSHIP_TYPE as RT
    from docx.oxml import parse_xml

    table = parse_xml(document.part.part_related_by(RT.FONT_TABLE).blob)
    alt = {f.get(qn("w:name")): f.find(qn("w:altName")).get(qn("w:val"))
           for f in table.findall(qn("w:font")) if f.find(qn("w:altName")) is not None}
    assert alt[layout.BODY_FONT] == "仿宋" and alt[layout.KAI_FONT] == "楷体"


def test_three_hao_text_fits_28_characters_a_line():
    """28 characters of 3号 with the style's tracking fit the 156 mm line (the standard's 22 × 28)."""
    pitch = layout.SIZE_3.pt + layout.TRACKING_3.pt
    assert 28 * pitch <= layout.Mm(156).pt < 29 * pitch
    assert 22 * layout.LINE.pt <= layout.Mm(225).pt < 23 * layout.LINE.pt


def test_footer_has_the_page_number_between_dashes_at_the_outer_side():
    document = saved(layout.new_document())
    section = document.sections[0]
    assert document.settings.odd_and_even_pages_header_footer
    for footer, side in ((section.footer, "right"), (section.even_page_footer, "left")):
        assert footer_fields(footer) == ["PAGE"]
        paragraph = footer.paragraphs[0]
        assert paragraph.text == "— 1 —"
        assert paragraph.alignment == getattr(layout.WD_ALIGN_PARAGRAPH, side.upper())
        digits = next(r for r in paragraph.runs if r.text == "1")
        assert fonts(digits._element.rPr)["eastAsia"] == layout.SONG_FONT and digits.font.size.pt == 14


def test_title_breaks_between_parts_only_when_it_must():
    assert layout.title_lines(["关于2025年2月", "讲话任务落实情况的通报"], 156) == ["关于2025年2月讲话任务落实情况的通报"]
    assert layout.title_lines(["《在全县秋季开学暨校园安全工作会议上的讲话》", "重点任务分解表"], 156) == [
        "《在全县秋季开学暨校园安全工作会议上的讲话》", "重点任务分解表"]
    document = layout.new_document()
    paragraph = layout.add_title(document, ["关于2025年2月3日至2025年3月14日", "讲话任务落实情况的通报"])
    assert paragraph.text == "关于2025年2月3日至2025年3月14日\n讲话任务落实情况的通报"


def test_text_width_counts_full_width_characters_as_one_em_and_others_generously():
    assert layout.text_width("督办A1", layout.Pt(16)) == pytest.approx(16 * (2 + 2 * layout.HALF_WIDTH_EM))


def test_a_title_that_would_leave_one_character_over_breaks_between_its_parts():
    """关于2026年12月1日讲话任务落实情况的通报 measured 20.2 em of 22 pt in LibreOffice: more than 156 mm."""
    assert layout.title_lines(["关于2026年12月1日", "讲话任务落实情况的通报"], 156) == [
        "关于2026年12月1日", "讲话任务落实情况的通报"]


def test_table_columns_are_fixed_and_may_not_exceed_the_block():
    document = layout.new_document()
    table = layout.add_table(document, widths_mm=[20, 136], header=["甲", "乙"])
    layout.add_row(table, ["1", "第一行\n第二行"])
    layout.add_spanning_row(table, "分组")
    table = saved(document).tables[0]
    assert [round(w) for w in grid_mm(table)] == [20, 136]
    assert rows(table) == [["甲", "乙"], ["1", "第一行\n第二行"], ["分组"]]
    assert table.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None  # repeated on each page
    with pytest.raises(layout.TableTooWide):
        layout.add_table(layout.new_document(), widths_mm=[100, 57])


def test_tblpr_children_keep_the_schema_order():
    """Word refuses a table whose tblPr children are out of order."""
    document = layout.new_document()
    layout.add_table(document, widths_mm=[156])
    order = [child.tag.split("}")[1] for child in document.tables[0]._tbl.tblPr]
    schema = ["tblStyle", "tblW", "jc", "tblLayout", "tblCellMar", "tblLook"]
    assert order == [tag for tag in schema if tag in order]


def test_signature_puts_the_date_four_characters_in_and_the_issuer_over_it():
    document = layout.new_document()
    layout.add_signature(document, "督查室", date(2025, 3, 10))
    issuer, dated = document.paragraphs[-2:]
    assert (issuer.text, dated.text) == ("督查室", "2025年3月10日")
    assert dated.paragraph_format.right_indent.pt == 64
    assert issuer.paragraph_format.right_indent.pt > dated.paragraph_format.right_indent.pt


@pytest.mark.parametrize("day,text", [(date(2025, 3, 10), "2025年3月10日"), (date(2025, 12, 1), "2025年12月1日")])
def test_date_cn(day, text):
    assert layout.date_cn(day) == text


@pytest.mark.parametrize("stem,name", [
    ("《讲话》重点任务分解表", "《讲话》重点任务分解表.docx"),
    ('督办通报_a/b:c*"d"', "督办通报_a_b_c_d.docx"),
    ("", "督办文书.docx"),
])
def test_file_names_keep_chinese_and_drop_what_windows_refuses(stem, name):
    assert output.filename(stem) == name
