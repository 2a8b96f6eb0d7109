"""resolve_deadline: one row per phrase of the genre, read from a fixed speech date."""
import datetime

import pytest

from speeches.parsing.deadlines import resolve_deadline, to_int

D = datetime.date
SPRING = D(2024, 3, 15)  # a speech in the spring term
AUTUMN = D(2024, 9, 20)  # a speech in the autumn term
JULY = D(2024, 7, 10)  # a summer meeting (暑期教育工作会议)
NOVEMBER = D(2024, 11, 5)


@pytest.mark.parametrize(
    ("phrase", "speech_date", "expected"),
    [
        # month parts
        ("9月底前", SPRING, D(2024, 9, 30)),
        ("9月底", SPRING, D(2024, 9, 30)),
        ("10月上旬", SPRING, D(2024, 10, 10)),
        ("10月中旬", SPRING, D(2024, 10, 20)),
        ("10月下旬", SPRING, D(2024, 10, 31)),
        ("2月底前", D(2023, 1, 10), D(2023, 2, 28)),
        ("十二月", SPRING, D(2024, 12, 31)),
        ("十二月底前", SPRING, D(2024, 12, 31)),
        ("十月上旬", SPRING, D(2024, 10, 10)),
        # a month already past in the speech's year rolls into the next year
        ("3月底前", NOVEMBER, D(2025, 3, 31)),
        ("2月底前", SPRING, D(2025, 2, 28)),
        ("5月上旬", AUTUMN, D(2025, 5, 10)),
        ("3月底前", SPRING, D(2024, 3, 31)),  # the current month is not past
        # the year
        ("年底前", SPRING, D(2024, 12, 31)),
        ("年底", SPRING, D(2024, 12, 31)),
        ("年内", SPRING, D(2024, 12, 31)),
        ("今年", SPRING, D(2024, 12, 31)),
        ("2025年", SPRING, D(2025, 12, 31)),
        ("2025年底前", SPRING, D(2025, 12, 31)),
        # quarters and halves
        ("三季度", SPRING, D(2024, 9, 30)),
        ("第三季度末", SPRING, D(2024, 9, 30)),
        ("第一季度", NOVEMBER, D(2025, 3, 31)),
        ("上半年", SPRING, D(2024, 6, 30)),
        ("下半年", SPRING, D(2024, 12, 31)),
        ("今年下半年", SPRING, D(2024, 12, 31)),
        # school terms: the autumn term ends 31 January, the spring term 31 July
        ("本学期", SPRING, D(2024, 7, 31)),
        ("本学期", AUTUMN, D(2025, 1, 31)),
        ("本学期", D(2025, 1, 8), D(2025, 1, 31)),
        ("新学期", JULY, D(2025, 1, 31)),
        ("新学期", AUTUMN, D(2025, 1, 31)),
        ("新学期", D(2024, 2, 20), D(2024, 7, 31)),
        ("下学期", SPRING, D(2025, 1, 31)),
        ("下学期", AUTUMN, D(2025, 7, 31)),
        # exact dates and spans
        ("2024年6月30日前", SPRING, D(2024, 6, 30)),
        ("6月30日前", SPRING, D(2024, 6, 30)),
        ("3年内", SPRING, D(2027, 3, 15)),
        ("三年内", SPRING, D(2027, 3, 15)),
        ("6个月内", SPRING, D(2024, 9, 15)),
        # placeholders of 范文 templates and phrases that name no date
        ("x月上旬", SPRING, None),
        ("X月底", SPRING, None),
        ("x月上旬前", SPRING, None),
        ("20xx年9月", SPRING, None),
        ("xxxx年9月1日", SPRING, None),
        ("尽快", SPRING, None),
        ("主题教育结束前", SPRING, None),
        ("", SPRING, None),
    ],
)
def test_resolve_deadline(phrase, speech_date, expected):
    """Each phrase resolves to the documented date, placeholders to None."""
    assert resolve_deadline(phrase, speech_date) == expected


@pytest.mark.parametrize(("token", "value"), [("9", 9), ("十", 10), ("十二", 12), ("二十", 20), ("三", 3)])
def test_to_int_reads_chinese_numerals(token, value):
    assert to_int(token) == value
