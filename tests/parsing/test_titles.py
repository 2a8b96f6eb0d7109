"""cut_titles(): the headline after the marker, per parsing README §4."""
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


@pytest.mark.parametrize(
    ("heading", "title"),
    [
        # the body's subject repeats a word of the heading and has a predicate
        ("三、全面推进学校文化建设文化是学校的灵魂。学校", "全面推进学校文化建设"),
        ("(二)构建彰显特色的学校体系学校建设作为一个整体,既要注重共性。", "构建彰显特色的学校体系"),
        ("一、认真学习领会总书记讲话精神总书记在教师节讲话,强调了地位。", "认真学习领会总书记讲话精神"),
        # an adverbial or the speech's actor opens the body
        ("四、做好全年工作的几点要求为确保年度工作有序推进,提四点要求。", "做好全年工作的几点要求"),
        ("三、加强研判目标和重点根据上级有关精神,确定总体思路。", "加强研判目标和重点"),
        ("三、转变作风,凝聚发展的强大动力全市教育工作的目标任务已经确定。", "转变作风,凝聚发展的强大动力"),
        ("(二)精准抓扶贫,创造和谐局面近年全市扶贫机制逐步完善,成效良好。", "精准抓扶贫,创造和谐局面"),
        # a two-part heading followed by a short verb-object sub-heading
        ("(四)统筹抓结构,推进事业全面协调发展提高学前教育普惠程度。要", "统筹抓结构,推进事业全面协调发展"),
        ("1、抓督导,构建教育评价新格局完善督导机构。", "抓督导,构建教育评价新格局"),
        # a body opening on a 4+4 couplet
        ("二、努力锻造一支德才兼备的教师队伍百年大计,教育为本;教育大计。", "努力锻造一支德才兼备的教师队伍"),
    ],
)
def test_a_flattened_heading_ends_where_its_body_evidently_begins(heading, title):
    filler = "正文。" * 1200
    assert _titles(filler + heading + filler)[0] == title


@pytest.mark.parametrize(
    "heading",
    [
        "(一)科学规划构建新体系。",  # one-part heading: a verb inside is no sub-heading
        "一是要以法治思维和法治方式深入推进教育领域综合改革。",  # a sentence, not a heading
        "三、全面加强中小学教师队伍建设,狠抓落实。",  # a heading's second part opens on a verb
        "(二)加强教师队伍建设,提升教育教学质量。",  # no cue: the heading ends at 。
        "一是“因校制宜”的主动有所缺乏。",
    ],
)
def test_a_flattened_heading_that_ends_at_its_punctuation_stays_whole(heading):
    filler = "正文。" * 1200
    assert _titles(filler + heading + filler)[0] == heading[2:-1].lstrip("是、)")


def test_an_inline_point_ending_in_two_short_clauses_is_no_couplet():
    filler = "正文。" * 1200
    text = filler + "一方面,XX作为全国高等职业教育综合改革试点城市,必须力求创新,改革推进。另一方面,要推进。" + filler
    assert _titles(text)[0] == "XX作为全国高等职业教育综合改革试点城市,必须力求创新,改革推进"
