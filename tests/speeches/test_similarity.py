"""How alike two directives are, on plain strings: no database, no model."""
import pytest

from speeches import similarity

ORIGINAL = "（一）保障按时开学。县教育局要在8月25日前完成全县校舍安全排查。"


def test_normalise_drops_marker_stock_phrases_and_punctuation():
    assert similarity.normalise("（一）再次强调，县教育局要切实完成校舍排查！") == "县教育局完成校舍排查"
    assert similarity.normalise("一是要抓紧落实。") == "落实"
    assert similarity.normalise("") == ""


def test_bigrams_are_overlapping_pairs():
    assert similarity.bigrams("校舍排查") == frozenset({"校舍", "舍排", "排查"})
    assert similarity.bigrams("，。") == frozenset()
    assert similarity.bigrams("校") == frozenset({"校"})


@pytest.mark.parametrize("other,duplicate", [
    (ORIGINAL, True),  # the same speech imported twice
    ("（三）保障按时开学。再次强调，县教育局要在8月25日前完成全县校舍安全排查。", True),  # 再次强调 at a later meeting
    ("二是保障按时开学，县教育局务必于8月25日前完成全县校舍安全排查工作。", True),  # the same, reworded a little
    ("（二）化解大班额。发改、财政部门要加快推进城区第二实验小学建设，年底前完成主体工程。", False),
    ("（三）强化师德师风。各学校要在本学期开展一次师德师风专项整治。", False),
    ("", False),
])
def test_repeated_directives_score_over_the_threshold_and_others_under(other, duplicate):
    assert similarity.is_duplicate(ORIGINAL, other) is duplicate
    assert similarity.score(ORIGINAL, other) == pytest.approx(similarity.score(other, ORIGINAL))


def test_a_short_heading_is_not_a_duplicate_of_every_text_on_its_subject():
    """Overlap alone would call 教师队伍建设 a repeat of any long paragraph about teachers."""
    long_text = "加快职业教育双师型教师队伍建设，积极推进教育体制改革试点工作，完善教师培训制度，提升教师专业能力。"
    assert similarity.score("四是教师队伍建设；", long_text) < similarity.THRESHOLD


def test_scores_are_between_0_and_1_and_identity_is_1():
    assert similarity.score(ORIGINAL, ORIGINAL) == 1.0
    assert 0.0 <= similarity.score(ORIGINAL, "完全无关的一句话") < 0.2


def test_distinctive_bigrams_skip_common_ones_and_are_spread_and_stable():
    keys = similarity.distinctive("县教育局要在8月25日前完成全县校舍安全排查", limit=4)
    assert len(keys) == 4 and not set(keys) & similarity.COMMON_BIGRAMS
    assert all(key in similarity.normalise("县教育局要在8月25日前完成全县校舍安全排查") for key in keys)
    assert keys == similarity.distinctive("县教育局要在8月25日前完成全县校舍安全排查", limit=4)
    assert similarity.distinctive("推进落实", limit=4) == ["进落"]


def test_comparable_takes_the_start_of_the_text_else_the_title():
    assert similarity.comparable("保障按时开学", "") == "保障按时开学"
    assert similarity.comparable("保障按时开学", "甲" * 500) == "甲" * 300
