"""normalise_text: whatever comes in leaves with ``\\n`` line endings, no NUL and no lone surrogate."""
import pytest

from speeches.parsing.normalise import normalise_text


@pytest.mark.parametrize("raw, expected", [
    ("一、抓好安全\x00。", "一、抓好安全。"),
    ("\x00\x00讲话\x00", "讲话"),
    ("李\udcff县长", "李\ufffd县长"),  # an undecodable byte of a command-line argument
    ("\ud83d\ude00", "\ufffd\ufffd"),  # a surrogate pair is two lone surrogates in a Python str
    ("第一，\r\n第二，\r第三，", "第一，\n第二，\n第三，"),
    ("一、加强学习\n（一）压实责任①", "一、加强学习\n（一）压实责任①"),
], ids=["nul", "only nul around", "lone surrogate", "split pair", "line endings", "clean text"])
def test_normalise_text(raw, expected):
    assert normalise_text(raw) == expected


def test_the_result_can_be_encoded_for_any_database():
    assert normalise_text("\udc80a\x00\ud800").encode("utf-8") == "\ufffda\ufffd".encode("utf-8")
