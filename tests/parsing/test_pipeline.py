"""extract() and to_guide_json(): the whole pipeline and its GUIDE §4 output."""
import pytest

from speeches.parsing.document import NoSpeechFound
from speeches.parsing.pipeline import extract, to_guide_json

SPEECH = (
    "还剩4页未读,继续阅读\n"
    "在全县教育工作会议上的讲话\n同志们：\n"
    "一、统一思想\n要提高认识。\n"
    "二、狠抓落实\n一是加强领导。县教育局要在9月底前完成方案。\n二是强化督查。\n"
    "第二篇：在全市会议上的讲话\n同志们：\n一要学习。二要落实。\n"
)


def test_extract_finds_speeches_items_and_titles():
    document = extract(SPEECH, source="a.txt")
    assert [s.title for s in document.speeches] == ["在全县教育工作会议上的讲话", "在全市会议上的讲话"]
    first = document.speeches[0]
    assert [(i.marker, i.title) for i in first.items] == [
        ("一、", "统一思想"), ("二、", "狠抓落实"), ("一是", "加强领导"), ("二是", "强化督查"),
    ]
    assert all(first.text[i.start:].startswith(i.marker) for i in first.items)


def test_guide_json_has_unique_ids_parents_and_source_anchors():
    output = to_guide_json([extract(SPEECH, source="a.txt")])
    document = output["documents"][0]
    assert document["source"] == "a.txt"
    items = [item for speech in document["speeches"] for item in speech["items"]]
    ids = [item["id"] for item in items]
    assert len(ids) == len(set(ids))
    assert {item["parent"] for item in items} <= set(ids) | {None}
    assert items[2]["parent"] == items[1]["id"]
    for item in items:
        assert item["anchor"].startswith(item["marker"]) and len(item["anchor"]) >= 16 or item["anchor"] in SPEECH
        assert set(item) == {"id", "marker", "anchor", "parent", "title", "kind", "owners", "deadlines"}


@pytest.mark.parametrize("text", ["", "   \n\n", "还剩4页未读,继续阅读\n文本内容:\n"])
def test_no_speech_raises_a_chinese_message(text):
    with pytest.raises(NoSpeechFound, match="讲话"):
        extract(text)


def test_extract_is_linear_on_a_long_flattened_line():
    import time

    paragraph = "（一）抓好落实。要进一步提高认识，投入1.5亿元。一是学习。二是调研。三是整改。" * 2000
    line = "目录在甲会上的讲话 1在乙会上的讲话 9" + ("在甲会上的讲话同志们:" + paragraph) * 2
    began = time.perf_counter()
    document = extract(line)
    assert time.perf_counter() - began < 3.0
    assert max(item.level for speech in document.speeches for item in speech.items) <= 1
