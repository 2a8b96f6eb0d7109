"""cues: the cue-word tables and the regex helpers every stage builds its patterns with."""
import re

import pytest

from speeches.parsing import cues


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("各学校要抓好落实", ["要"]),
        ("这是主要任务，也是重要讲话", []),
        ("上级的要求", []),
        ("需要进一步加强", ["要"]),  # 需要 is an order for the kind reader, not for the field reader
    ],
)
def test_order_yao_skips_the_words_it_is_given(text, found):
    assert re.findall(cues.order_yao(cues.NO_ORDER_YAO + ("要求",)), text) == found


def test_the_field_reader_takes_fewer_yao_as_orders():
    pattern = re.compile(cues.order_yao(cues.NO_ORDER_YAO_FOR_FIELDS))
    assert not pattern.search("需要进一步加强，上级要求，工作要点")
    assert pattern.search("县教育局要牵头")


def test_alternation_prefers_the_longer_word():
    assert re.match(cues.alternation(("抓", "抓好")), "抓好落实").group() == "抓好"


@pytest.mark.parametrize("name", [n for n in dir(cues) if n.isupper() and isinstance(getattr(cues, n), tuple)])
def test_every_cue_table_is_a_tuple_of_nonempty_strings(name):
    assert all(isinstance(word, str) and word for word in getattr(cues, name))
