"""extract() and to_guide_json(): the whole pipeline and its output format (parsing README §7)."""
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
        # The anchor is the source text from the marker on, 16 to 40 characters of it
        # (shorter only where its speech ends first).
        assert item["anchor"].startswith(item["marker"])
        assert item["anchor"] in SPEECH
        assert len(item["anchor"]) <= 40
        if len(item["anchor"]) < 16:
            # the anchor ran into the end of its speech
            assert any(speech.text.endswith(item["anchor"]) for speech in extract(SPEECH).speeches)
        assert set(item) == {"id", "marker", "anchor", "parent", "title", "kind", "owners", "owner_roles", "deadlines"}


@pytest.mark.parametrize("text", ["", "   \n\n", "还剩4页未读,继续阅读\n文本内容:\n"])
def test_no_speech_raises_a_chinese_message(text):
    with pytest.raises(NoSpeechFound, match="讲话"):
        extract(text)


@pytest.mark.parametrize("text", [
    "hello world",
    "首页 > 公文范文\n在全县教育工作会议上的讲话\n同志们：\n今天我们召开会议，大家辛苦了。谢谢大家！",
])
def test_a_text_without_one_enumerated_item_is_no_speech(text):
    with pytest.raises(NoSpeechFound) as error:
        extract(text)
    assert "编号" in str(error.value) and "讲话" in str(error.value)


def test_a_short_speech_with_one_item_passes():
    document = extract("在会上的讲话\n同志们：\n今天开会。一是学习。")
    assert [[item.marker for item in speech.items] for speech in document.speeches] == [["一是"]]


OPENING = "同志们：\n" + "今天我们召开会议，总结工作，部署任务，进一步统一思想、凝心聚力。" * 20 + "\n"


def _corpus(copies):
    """A collection of ``copies`` speeches, numbers varied per copy as the bench does."""
    speech = SPEECH.replace("同志们：\n", OPENING)
    return "".join(
        speech.replace("9月", f"{copy % 12 + 1}月").replace("全县", "全县" if copy % 2 else "全市")
        for copy in range(copies)
    )


def _shape(document):
    return [(len(speech.text), len(speech.items)) for speech in document.speeches]


def test_a_doubled_input_doubles_speeches_and_items_and_grows_no_speech():
    """Linear by construction: each copy is its own speech, so no per-speech step sees a bigger speech."""
    once, twice = extract(_corpus(50)), extract(_corpus(100))
    assert len(twice.speeches) == 2 * len(once.speeches) == 200
    assert sorted(set(_shape(twice))) == sorted(set(_shape(once)))


def test_the_extractor_makes_no_more_calls_per_char_on_a_doubled_flattened_input():
    """A step that rescans the text per item or per speech shows as calls growing faster than the input.

    Call counts are deterministic, so this checks linearity without timing anything.
    """
    import cProfile
    import pstats

    def calls(text):
        profiler = cProfile.Profile()
        profiler.runcall(extract, text)
        return pstats.Stats(profiler).total_calls

    small, large = (_corpus(n).replace("\n", "") for n in (40, 80))
    assert calls(large) <= 2.05 * calls(small)


def test_a_flattened_collection_yields_the_speeches_and_items_of_the_lined_one():
    lined, flat = extract(_corpus(6)), extract(_corpus(6).replace("\n", ""))
    assert [s.title for s in flat.speeches] == [s.title for s in lined.speeches]
    assert [[i.marker for i in s.items] for s in flat.speeches] == [[i.marker for i in s.items] for s in lined.speeches]
