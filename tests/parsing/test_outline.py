"""build_items(): levels, parents and spans of the outline."""
import pytest

from speeches.parsing.outline import OWN_TEXT_MAX, build_items, find_markers


def _tree(text):
    """Return (marker, parent marker) pairs."""
    items = build_items(text, find_markers(text))
    by_id = {item.id: item for item in items}
    return [(item.marker, by_id[item.parent].marker if item.parent else None) for item in items]


def test_sections_subsections_and_lists_nest():
    text = "一、总结\n（一）学习\n一是学原文。\n二是学党章。\n（二）调研\n一是列清单。\n二、安排\n一是落实。"
    assert _tree(text) == [
        ("一、", None), ("（一）", "一、"), ("一是", "（一）"), ("二是", "（一）"),
        ("（二）", "一、"), ("一是", "（二）"), ("二、", None), ("一是", "二、"),
    ]


def test_inline_list_nests_under_the_item_of_its_paragraph():
    text = "一、总结\n存在问题：一是节奏不易把握。二是认识不到位。三是政策把握不准。"
    assert _tree(text) == [("一、", None), ("一是", "一、"), ("二是", "一、"), ("三是", "一、")]


def test_shi_and_yao_continue_one_list():
    text = "三、改进作风\n一要强化大局意识。\n二要强化纪律意识。\n三是强化安全意识。\n四是强化团队意识。"
    assert [parent for _, parent in _tree(text)] == [None, "三、", "三、", "三、", "三、"]


def test_a_list_restarting_in_a_new_paragraph_is_a_sibling_list():
    text = "（二）抓管理\n一是提高能力。\n二是提升师德。\n做好三个服务：\n一是为学生服务。\n二是为教师服务。"
    assert [parent for _, parent in _tree(text)] == [None, "（二）", "（二）", "（二）", "（二）"]


def test_a_list_restarting_inside_the_paragraph_of_an_item_nests_under_it():
    text = "二、改革\n四是推进主题实践活动。一是要建立全员参与制度。二是要建立保证机制。"
    tree = _tree(text)
    assert tree[1] == ("四是", "二、")
    assert tree[2:] == [("一是", "四是"), ("二是", "四是")]


def test_nested_inline_lists_under_one_paragraph():
    text = "一是提高能力。一方面，要提升能力。一要提升引领能力。二要提升创新能力。另一方面，要规范管理。一要严谨。二要以人为本。三是精细高效。"
    assert _tree(text) == [
        ("一是", None), ("一方面", "一是"), ("一要", "一方面"), ("二要", "一方面"),
        ("另一方面", "一是"), ("一要", "另一方面"), ("二要", "另一方面"), ("三是", "另一方面"),
    ]


def test_skipped_number_still_continues_the_list():
    text = "一是义务教育;二是布局调整;四是减轻负担;五是教育服务;七是提高质量。"
    assert [parent for _, parent in _tree(text)] == [None, None, None, None, None]


@pytest.mark.parametrize(
    ("text", "markers"),
    [
        ("今天，首先，我代表县委表示祝贺。\n同志们，加油。\n最后，祝大家新年愉快！", []),
        ("首先，要学习。其次，要调研。最后，要整改。", ["首先", "其次", "最后"]),
        ("一方面，要看到成绩。大家辛苦了。", []),
        ("一方面，要看到成绩；另一方面，要正视问题。", ["一方面", "另一方面"]),
    ],
)
def test_ordinal_adverbs_count_only_in_series(text, markers):
    assert [m.text for m in find_markers(text)] == markers


def test_a_slogan_broken_across_lines_is_not_a_list():
    text = "按照“争\n一、保\n二、不要三”的工作标准推进。\n一、统一思想\n"
    assert [m.text for m in find_markers(text)] == ["一、"]


def test_sections_inline_only_after_a_sentence_end():
    assert [m.text for m in find_markers("研究问题。一、上半年工作总结今年")] == ["一、"]
    assert find_markers("分为一、二、三类") == []


def test_a_closing_paragraph_closes_every_open_item():
    text = "三、转变作风\n六是坚持团结。\n同志们，面对使命要振奋精神。\n下面强调几个问题：\n1、公权力的使用。\n2、收费问题。"
    assert _tree(text)[-2:] == [("1、", None), ("2、", None)]


def test_a_run_of_bare_heading_lines_does_not_own_the_next_paragraph():
    text = "一、认清形势\n（一）学习实践\n（二）推进素质教育\n#省教育厅工作要点：\n1、办10件事：\n第一件，完成任务。"
    assert _tree(text)[3:] == [("1、", "一、"), ("第一件", "1、")]


def test_spans_own_text_stops_at_the_first_child_and_at_a_paragraph_end():
    text = "一、安排\n总体要求。\n（一）学习\n一是学原文。正文\n同志们，再见。"
    items = build_items(text, find_markers(text))
    section, sub, first = items
    assert text[section.start:section.own_end] == "一、安排\n总体要求。\n"
    assert text[sub.start:sub.own_end] == "（一）学习\n"
    assert text[first.start:first.own_end] == "一是学原文。正文"
    assert section.end == len(text) and sub.level == 1 and first.level == 2


FLAT_FILLER = "坚持把学习贯穿工作全过程，推动各项工作落地见效。" * 30  # a flattened page: one line, > 500 chars


def _markers(text):
    return [marker.text for marker in find_markers(text)]


def test_on_a_flattened_page_markers_stuck_to_a_heading_count_in_their_list():
    text = FLAT_FILLER + "二、加强领导(一)深入学习实践科学发展观(二)切实推进素质教育(三)大力办好农村教育。" + FLAT_FILLER
    assert _markers(text) == ["二、", "(一)", "(二)", "(三)"]
    assert _markers(text.replace(FLAT_FILLER, "。")) == ["二、"]  # a page with its breaks: no boundary, no marker


@pytest.mark.parametrize("running", [
    "其中文科成绩在全市排名第一，理科成绩全市排名第三，高分全市排名第二，综合评价进入先进行列。",
    "坚持协调统一、各具特色、一校一品的原则。",
    "普通高考本科一、二、三批共上线1239人。",
])
def test_on_a_flattened_page_ordinals_in_running_text_stay_text(running):
    text = "一、总结成绩。" + FLAT_FILLER + running + FLAT_FILLER + "三、安排工作。"
    assert _markers(text) == ["一、", "三、"]


def test_own_text_is_bounded_however_long_the_unnumbered_tail():
    """Per-item work in later stages (titles, kinds, owners) stays bounded by OWN_TEXT_MAX."""
    text = "一、加强领导\n" + "各学校要在年底前完成任务，教师要认真备课。\n" * 2000
    (item,) = build_items(text, find_markers(text))
    assert item.own_end - item.start <= OWN_TEXT_MAX
    assert text[item.own_end - 1] == "。"
    assert item.end == len(text)


def test_doubling_a_flattened_speech_doubles_its_items_and_keeps_each_bounded():
    body = "一、统一思想。" + FLAT_FILLER + "（一）抓好学习。一是学原文。二是学党章。（二）抓好调研。1、走访。2、座谈。"
    once, twice = (build_items(text, find_markers(text)) for text in (body, body * 2))
    assert len(twice) == 2 * len(once)
    assert max(item.level for item in twice) == max(item.level for item in once)
    assert max(item.own_end - item.start for item in twice) == max(item.own_end - item.start for item in once)


def test_a_section_heading_run_into_its_body_owns_the_paragraphs_below():
    """三、 lost the break after its headline and has no subsection; its siblings open
    subsections, so it is a section heading too and its section is the body below it."""
    text = (
        "一、提高站位\n（一）学习\n一是学原文。\n"
        "二、协调联动,形成合力,营造尊师重教气氛学生是教育的主体,培育学生是一项系统的社会性工程,需要各方支持。\n"
        "各乡镇要强化服务。\n教育部门要履行职责。\n"
        "同志们,教育发展决胜未来。"
    )
    items = build_items(text, find_markers(text))
    section = items[-1]
    assert section.marker == "二、"
    assert text[section.start:section.own_end] == text[section.start:text.index("\n同志们")]


def test_a_list_item_without_subsections_keeps_its_paragraph():
    """No sibling opens subsections: an item's own text stays its paragraph."""
    line = "一、提高站位,认清形势学生是教育的主体,培育学生是一项系统的社会性工程,需要各方支持。"
    text = line + "\n各乡镇要强化服务。\n二、确定任务。"
    first = build_items(text, find_markers(text))[0]
    assert text[first.start:first.own_end] == line


def test_on_a_flattened_page_a_problem_list_after_a_review_list_is_its_sibling():
    text = (FLAT_FILLER + "一、上半年回顾 一是资源配置持续优化。" + FLAT_FILLER + "二是各项工作齐头并进。" + FLAT_FILLER
            + "在充分肯定成绩的同时，我们也要看到存在的问题和不足。一是改革力度有待加大。二是均衡程度有待提高。")
    assert [parent for _, parent in _tree(text)] == [None, "一、", "一、", "一、", "一、"]


def test_on_a_flattened_page_a_parallel_list_behind_a_colon_is_a_sibling_list():
    text = (FLAT_FILLER + "二、发展形势 主要动力：一是有政策引领。二是有基础支撑。" + FLAT_FILLER
            + "主要压力：一是诉求越来越多。二是任务越来越紧。")
    assert [parent for _, parent in _tree(text)] == [None, "二、", "二、", "二、", "二、"]


def test_on_a_flattened_page_a_list_inside_a_member_still_nests():
    text = FLAT_FILLER + "二、改革 四是推进主题实践活动。一是要建立全员参与制度。二是要建立保证机制。" + FLAT_FILLER
    assert [parent for _, parent in _tree(text)] == [None, "二、", "四是", "四是"]


def test_a_yao_after_the_inline_shi_list_of_the_yao_before_it_goes_on_from_that_yao():
    text = "一、织密防护网\n一要压实责任。二要强化排查：一是查消防；二是查食堂。三要严格追究。"
    assert _tree(text) == [
        ("一、", None), ("一要", "一、"), ("二要", "一、"), ("一是", "二要"), ("二是", "二要"), ("三要", "一、"),
    ]


def test_a_shi_typed_for_a_yao_still_goes_on_from_the_nearest_list():
    text = "一、抓师德\n一要立规矩。另一方面，要抓师能。一要组织培训。二要开展竞赛。三是建立评选机制。"
    tree = _tree(text)
    assert tree[-1] == ("三是", tree[-2][1])


@pytest.mark.parametrize("closing", ["附件：", "谢谢大家！", "同志们，让我们共同努力！"])
def test_an_appendix_list_after_the_closing_stands_at_the_top_level(closing):
    text = f"一、加强督导\n（一）抓检查\n县教育局要全面督导。\n{closing}\n1.任务分解表\n2.考核细则"
    assert _tree(text)[-2:] == [("1.", None), ("2.", None)]


def test_the_problems_after_a_subsections_results_are_the_sections():
    text = ("一、回顾成绩\n（一）办学条件改善\n一是新建学校。\n二是改造校舍。\n（二）队伍建设加强。新招教师50名。\n"
            "在看到成绩的同时，我们也要清醒看到还存在的问题：一是发展不平衡；二是资源紧缺。\n"
            "二、下步工作\n（一）存在的问题\n工作中存在以下问题：一是机制不活；二是保障不足。")
    tree = _tree(text)
    assert tree[5:7] == [("一是", "一、"), ("二是", "一、")]
    assert tree[-2:] == [("一是", "（一）"), ("二是", "（一）")]  # a heading with nothing under it yet keeps its list
