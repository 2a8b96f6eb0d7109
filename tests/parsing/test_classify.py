"""classify: the kind of an item from its own wording, then from where it stands."""
import pytest

from speeches.parsing.classify import classify
from speeches.parsing.document import Item, Speech


def build(text: str, *members: tuple[str, int | None]) -> Speech:
    """Make a speech whose items start at each ``(marker, parent index)``, in order.

    An item's own text runs to the next item or to the end of its line.
    """
    items, cursor = [], 0
    for i, (marker, parent) in enumerate(members):
        start = text.index(marker, cursor)
        cursor = start + len(marker)
        items.append(Item(id=str(i + 1), marker=marker, family="", start=start, end=start,
                          own_end=start, parent=str(parent + 1) if parent is not None else None))
    for i, it in enumerate(items):
        nxt = items[i + 1].start if i + 1 < len(items) else len(text)
        line_end = text.find("\n", it.start)
        it.own_end = min(nxt, line_end if line_end >= 0 else len(text))
        it.end = nxt
    speech = Speech(title="讲话", text=text, items=items)
    classify(speech)
    return speech


def kinds(speech: Speech) -> list[str]:
    return [it.kind for it in speech.items]


@pytest.mark.parametrize(
    ("text", "members", "expected"),
    [
        pytest.param(
            "同时也存在一些问题和不足：一是整体节奏不易把握，有些工作略有滞后。二是思想认识还不够到位。\n",
            [("一是", None), ("二是", None)], ["problem", "problem"],
            id="list-after-problem-lead"),
        pytest.param(
            "前期工作主要有以下几个特点：\n一是把学习教育贯穿始终，形成了学习机制。\n二是把调查研究贯穿始终，坚持边摸清情况、边改进作风。\n",
            [("一是", None), ("二是", None)], ["achievement", "achievement"],
            id="imperative-looking-member-of-a-review-list"),
        pytest.param(
            "二、关于下步工作的主要安排\n（一）进一步抓好学习教育\n一是继续学原文。要坚持通读原著。\n",
            [("二、", None), ("（一）", 0), ("一是", 1)], ["directive"] * 3,
            id="forward-looking-part"),
        pytest.param(
            "召开这次会议，主要目的有二，一是总结一下成绩。二是统一思想认识，给大家加加油。\n",
            [("一是", None), ("二是", None)], ["other", "other"],
            id="meta-remarks"),
        pytest.param(
            "一、统一思想，充分认识重要意义\n首先，我们是教育事业改革的推动者。\n其次，我们是服务平台。\n",
            [("一、", None), ("首先", 0), ("其次", 0)], ["directive", "other", "other"],
            id="imperative-heading-over-statements-of-role"),
        pytest.param(
            "二、回顾教育工作成绩，增强自信心\n（一）构建平台，办学条件逐步改善\n一是优化城区教育网点。完成了三所学校的建设。\n",
            [("二、", None), ("（一）", 0), ("一是", 1)], ["achievement"] * 3,
            id="review-section"),
        pytest.param(
            "一、全市教育工作主要精神\n（一）市委书记讲话主要内容\n一要牢固确立教育优先发展的战略。\n",
            [("一、", None), ("（一）", 0), ("一要", 1)], ["other"] * 3,
            id="quoted-speech-even-with-yao-markers"),
        pytest.param(
            "我讲几点意见：\n一要提高政治站位，增强使命担当。\n二要正视差距不足，奋力赶超跨越。\n我们有些啥问题？其一，教师专业技能欠缺。其二，学校精细化管理不够。\n",
            [("一要", None), ("二要", None), ("其一", 1), ("其二", 1)],
            ["directive", "directive", "problem", "problem"],
            id="yao-heading-with-problem-children"),
        pytest.param(
            "也有了几点粗浅的认识。\n第一，教育事关发展大局。\n第二，教育促进社会和谐。\n",
            [("第一", None), ("第二", None)], ["other", "other"],
            id="analysis-after-a-lead-of-views"),
        pytest.param(
            "二、2024年教育改革发展形势\n一要认清形势。\n",
            [("二、", None)], ["other"],
            id="heading-of-situation-analysis"),
        pytest.param(
            "#省教育厅工作要点：\n1、加快发展职业教育。\n2、推进招生制度改革。\n",
            [("1、", None), ("2、", None)], ["other", "other"],
            id="points-of-someone-elses-document"),
        pytest.param(
            "具体来讲就是要突出做好几项工作：一是义务教育巩固提高与均衡发展;二是教师队伍建设;\n",
            [("一是", None), ("二是", None)], ["directive", "directive"],
            id="neutral-members-of-a-task-list"),
        pytest.param(
            "（一）抓好均衡发展。\n一是优化学校布局。二是补齐办学条件短板。\n",
            [("（一）", None), ("一是", 0), ("二是", 0)], ["directive"] * 3,
            id="closing-a-gap-is-an-order"),
        pytest.param(
            "2、提升应急能力。重点做好三件事：①完善预案；②开展演练；③充实物资储备。\n",
            [("2、", None), ("①", 0), ("②", 0), ("③", 0)], ["directive"] * 4,
            id="the-speakers-own-three-things-are-no-quote"),
        pytest.param(
            "一、向受表彰的先进集体和个人表示祝贺\n二、对全县广大教师的几点希望\n",
            [("一、", None), ("二、", None)], ["other", "directive"],
            id="a-heading-that-congratulates-sets-no-task"),
    ],
)
def test_kinds(text, members, expected):
    assert kinds(build(text, *members)) == expected


def test_third_person_report_is_achievement():
    """A report of measures taken reads like orders but its bodies say what was done."""
    body = "市委、市政府成立了工作专班，先后印发了实施方案和配套文件，已经完成摸排，累计整治机构三十家。" * 15
    text = f"一、强化组织领导，建立长效机制\n一是健全工作机构。\n{body}\n二是完善制度体系。\n{body}\n"
    speech = build(text, ("一、", None), ("一是", 0), ("二是", 0))
    assert kinds(speech) == ["achievement"] * 3


def test_every_item_gets_a_known_kind():
    speech = build("一是教育。二是加强管理。\n", ("一是", None), ("二是", None))
    assert set(kinds(speech)) <= {"directive", "problem", "achievement", "other"}


def test_a_list_summed_up_as_results_afterwards_is_achievement():
    text = ("一方面，我们以实绩推进教育工作发展\n一是办学条件极大改善。投入资金建成了校舍。\n"
            "二是教学质量持续提升。推行以集体备课为主要内容的课堂改革。\n"
            "三是安全管理稳步提高。召开安全会议。\n这些成绩的取得，离不开大家的辛勤工作。\n"
            "另一方面，我们要以创新谋划未来\n一是要兜得住底气。")
    speech = build(text, ("一方面", None), ("一是", 0), ("二是", 0), ("三是", 0), ("另一方面", None), ("一是要", 4))
    assert kinds(speech) == ["achievement"] * 4 + ["directive", "directive"]


def test_a_gap_stated_outright_is_a_problem_even_behind_a_verb():
    speech = build("存在的问题：一是改革创新力度有待加大。二是规范办学意识有待加强。三是主动有所缺乏。",
                   ("一是", None), ("二是", None), ("三是", None))
    assert kinds(speech) == ["problem"] * 3


def test_the_points_of_a_heading_asking_to_grasp_the_situation_are_other():
    text = ("（一）认清形势，明确任务，增强紧迫感\n1、国际形势的变化，对党建工作提出了新挑战。\n"
            "2、加强师德建设，是教师职业的特殊需要。\n（二）突出重点，狠抓落实\n1、加强理论武装。")
    speech = build(text, ("（一）", None), ("1、", 0), ("2、", 0), ("（二）", None), ("1、加强", 3))
    assert kinds(speech) == ["directive", "other", "other", "directive", "directive"]


def test_main_in_a_lead_is_no_order():
    text = "二、今年教育改革发展形势\n今年教育发展的主要动力：一是有改革政策引领。二是有党政领导重视。"
    speech = build(text, ("二、", None), ("一是", 0), ("二是", 0))
    assert kinds(speech) == ["other", "other", "other"]


def _kinds_of(text: str) -> list[tuple[str, str]]:
    """(marker, kind) of every item, the whole pipeline run on ``text``."""
    from speeches.parsing.pipeline import extract

    return [(it.marker, it.kind) for speech in extract(text).speeches for it in speech.items]


def test_a_review_section_keeps_its_list_a_review_under_a_lead_that_names_work_or_requirements():
    text = ("在会上的讲话\n一、2024年工作回顾\n过去一年，按照市委要求，我们重点抓了三个方面工作：一是保持经济平稳运行；"
            "二是加强了班子监督；三是确保了粮食安全。\n二、2025年重点任务\n各县区要抓好落实。")
    assert _kinds_of(text) == [("一、", "achievement")] + [(m, "achievement") for m in ("一是", "二是", "三是")] + [
        ("二、", "directive")]


@pytest.mark.parametrize("heading", ["去年全市教育督导会议的主要收获", "过去一年取得的成效", "一年来的工作"])
def test_a_heading_that_looks_back_makes_its_verb_object_points_achievements(heading):
    text = f"在会上的讲话\n一、{heading}\n一是统一思想认识；二是理顺督导机制。\n二、下步工作\n各校要抓好落实。"
    assert [kind for _, kind in _kinds_of(text)][:3] == ["achievement"] * 3


def test_a_past_years_heading_reviews_where_a_later_year_plans():
    text = ("在会上的讲话\n一、2024年工作\n（一）经济运行\n一是推进项目建设；二是优化营商环境。\n"
            "二、2025年工作\n（一）扩大投资\n各县区要抓好项目落地。")
    assert [kind for _, kind in _kinds_of(text)] == ["achievement"] * 4 + ["directive"] * 2


def test_a_problem_list_names_problems_and_an_order_naming_hazards_is_no_problem_list():
    text = ("在会上的讲话\n一、存在的困难和问题\n我们也要清醒看到，还面临不少困难和问题：一是生态环境本底仍然脆弱；二是产业结构不优。\n"
            "二、抓好安全\n一要压实责任。二要强化隐患排查：一是查消防设施；二是查食堂卫生。")
    assert [kind for _, kind in _kinds_of(text)] == ["problem"] * 3 + ["directive"] * 5


def test_a_meta_list_and_trend_points_are_other():
    text = ("在会上的讲话\n同志们：\n下面，我讲三方面内容：一是回顾去年工作；二是分析形势；三是部署任务。\n"
            "一、认清教育发展大势\n当前，教育发展呈现以下趋势：一是优质化；二是数字化。\n二、抓好落实\n各校要抓好落实。")
    assert _kinds_of(text) == [("一是", "other"), ("二是", "other"), ("三是", "other"), ("一、", "directive"),
                               ("一是", "other"), ("二是", "other"), ("二、", "directive")]


def test_a_list_of_sections_announced_as_parts_is_no_meta_list():
    text = "在会上的讲话\n下面，我讲三个方面的意见：\n一、提高认识\n各校要提高认识。\n二、抓好落实\n各校要抓好落实。"
    assert [kind for _, kind in _kinds_of(text)] == ["directive", "directive"]


def test_the_neutral_parts_of_a_plan_are_measures_not_a_report():
    text = ("全县校园安全专项整治工作方案\n一、组织领导\n成立全县校园安全专项整治工作领导小组，由分管副县长任组长。\n"
            "二、保障措施\n1.加强经费保障。各乡镇要安排专项经费。")
    assert [kind for _, kind in _kinds_of(text)] == ["directive"] * 3
    report = text.replace("工作方案", "工作总结").replace("成立", "成立了")
    assert _kinds_of(report)[0] == ("一、", "achievement")
