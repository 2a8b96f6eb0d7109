"""The marker table: every family matches its written forms, traps do not match."""
import pytest

from speeches.parsing import markers as mk
from speeches.parsing.outline import _family_of, _number_of, find_markers


@pytest.mark.parametrize(
    ("text", "family", "marker", "number"),
    [
        ("一、总体要求", mk.SECTION, "一、", 1),
        ("十二、其他", mk.SECTION, "十二、", 12),
        ("（三）抓好落实", mk.SUBSECTION, "（三）", 3),
        ("(二)抓好落实", mk.SUBSECTION, "(二)", 2),
        ("一是加强领导", mk.SHI_YAO, "一是", 1),
        ("三要抓好落实", mk.SHI_YAO, "三要", 3),
        ("其二，要加强", mk.QI, "其二", 2),
        ("第一，教育事关大局", mk.DI, "第一", 1),
        ("第二是制度管人", mk.DI, "第二是", 2),
        ("第三件，全面实施", mk.DI, "第三件", 3),
        ("首先，我们是", mk.ADVERB, "首先", 1),
        ("其次是要和谐共处", mk.ADVERB, "其次是", 2),
        ("首要的是要按规矩", mk.ADVERB, "首要的是", 1),
        ("一方面，要加强", mk.FANGMIAN, "一方面", 1),
        ("另一方面，要加强", mk.FANGMIAN, "另一方面", 2),
        ("1.问题清单", mk.ARABIC, "1.", 1),
        ("2、收费问题", mk.ARABIC, "2、", 2),
        ("3．关于干部", mk.ARABIC, "3．", 3),
        ("10、以团结为要求", mk.ARABIC, "10、", 10),
        ("（1）统筹兼顾", mk.ARABIC_PAREN, "（1）", 1),
        ("(2)突出重点", mk.ARABIC_PAREN, "(2)", 2),
        ("3)整体推进", mk.ARABIC_PAREN, "3)", 3),
        ("②加强督导", mk.CIRCLED_FAMILY, "②", 2),
    ],
)
def test_each_family_matches_its_forms(text, family, marker, number):
    """The rule table alone (series and context checks live in outline.py)."""
    match = mk.MARKER_SCAN.search(text)
    assert match is not None and match.start() == 0
    found = _family_of(match)
    assert (found, match.group(0), _number_of(match, found)) == (family, marker, number)


@pytest.mark.parametrize(
    "text",
    [
        "各单位党委书记要切实履行第一责任人职责。",
        "运用“第一种形态”，组织干部任前谈话。",
        "在中央政治局第十五次集体学习时的讲话。",
        "“1689”教育工作总思路提出以来，成效明显。",
        "要做到一是一、二是二，实事求是。",
        "思想统一是前提。",
        "这是唯一是正确的选择。",
        "要进一步提高认识。",
        "投入1.5亿元建设校舍。",
        "2022年是关键之年。",
        "把教育放在第一位，优先发展。",
        "构成要件的三要素。",
        "用地保障到位。1、2号地块的征收工作要在年底前完成。",
        "今年开设3、4年级的课后服务。",
    ],
)
def test_traps_are_not_markers(text):
    assert find_markers(text) == []


def test_cn_number_reads_tens():
    assert [mk.cn_number(x) for x in ("一", "十", "十二", "二十", "二十三", "7", "③")] == [1, 10, 12, 20, 23, 7, 3]


def test_trap_phrases_hold_the_guide_examples():
    for phrase in ("第一责任人", "第一种形态", "一是一、二是二", "统一是", "唯一是", "进一步"):
        assert phrase in mk.TRAP_PHRASES


@pytest.mark.parametrize(("text", "opens"), [("1.2024年，完成排查", True), ("1.5亿元", False), ("3.20%", False)])
def test_a_step_opening_on_its_year_is_a_point_a_decimal_is_not(text, opens):
    match = mk.MARKER_SCAN.match(text)
    assert bool(match) == opens
