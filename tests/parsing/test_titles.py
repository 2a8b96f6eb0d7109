"""cut_titles(): the headline after the marker, per GUIDE §2."""
import pytest

from speeches.parsing.document import Speech
from speeches.parsing.outline import build_items, find_markers
from speeches.parsing.titles import cut_titles


def _titles(text):
    speech = Speech(title="", text=text)
    speech.items = build_items(text, find_markers(text))
    cut_titles(speech)
    return [item.title for item in speech.items]


@pytest.mark.parametrize(
    ("text", "title"),
    [
        ("一是继续学原文。坚持通读", "继续学原文"),
        ("其一，要加强思想道德教育。全县", "要加强思想道德教育"),
        ("(一)进一步抓好学习教育\n一是继续学原文", "进一步抓好学习教育"),
        ("首先要固本培元、守正创新，强化主阵地作用。其次要治理。", "要固本培元、守正创新，强化主阵地作用"),
        ("1、2024年教育工作要点：\n(1)统筹兼顾", "2024年教育工作要点"),
        ("二是 义务教育要紧扣素质教育；三是高中", "义务教育要紧扣素质教育"),
        ("一、进一步统一思想，准确定位 思路决定出路。", "进一步统一思想，准确定位 思路决定出路"),
        ("三、加强领导，确保取得实效  第一，加强领导", "加强领导，确保取得实效"),
    ],
)
def test_title_of_the_first_item(text, title):
    assert _titles(text)[0] == title


def test_title_stops_at_the_next_inline_item():
    assert _titles("第二是制度管人，第三是习惯养成。") == ["制度管人", "习惯养成"]


def test_a_heading_on_a_flattened_page_ends_where_its_body_opens():
    filler = "正文。" * 1200
    text = filler + "一、上半年工作简要总结今年上半年,全市教育稳步发展。" + filler
    assert _titles(text) == ["上半年工作简要总结"]


def test_a_heading_on_a_normal_page_keeps_its_run_on_text():
    text = "一、切实增强责任感和急迫感近年来,全县上下仔细贯彻。"
    assert _titles(text) == ["切实增强责任感和急迫感近年来,全县上下仔细贯彻"]
