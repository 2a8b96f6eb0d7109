"""Turn a deadline phrase from a speech into a due date.

Why a table: the phrases of the genre are few and regular (9月底前, 10月上旬, 年底前,
三季度, 本学期, 3年内), so each is one row: a compiled pattern and a function that
maps (match, speech date) to a date. ``resolve_deadline`` tries the rows in order
and returns the first date found, or None for phrases that name no date
(placeholders such as ``x月上旬`` in 范文 templates, or text it does not know).

Rules that hold for every row:
- a month already past in the speech's year means that month next year
  (a speech of November saying "3月底前" means March of the next year);
- a term ends on 31 January (autumn term) or 31 July (spring term);
- Chinese numerals (十二月, 三季度) read as arabic ones.
"""
from __future__ import annotations

import calendar
import datetime
import re
from collections.abc import Callable

_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5,
           "六": 6, "七": 7, "八": 8, "九": 9}
_NUM = r"(\d{1,4}|[零〇一二两三四五六七八九十]{1,3})"
_PLACEHOLDER = re.compile(r"[xX×Ｘｘ]")


def to_int(token: str) -> int:
    """Read an arabic or Chinese numeral of up to 99 (十二 → 12, 二十 → 20)."""
    if token.isdigit():
        return int(token)
    if "十" in token:
        tens, _, units = token.partition("十")
        return (_DIGITS[tens] if tens else 1) * 10 + (_DIGITS[units] if units else 0)
    return int("".join(str(_DIGITS[c]) for c in token))


def _last_day(year: int, month: int) -> datetime.date:
    return datetime.date(year, month, calendar.monthrange(year, month)[1])


def _roll(month: int, speech: datetime.date) -> int:
    """Return the year of ``month``: this year, or next year if it is already past."""
    return speech.year + 1 if month < speech.month else speech.year


def _add_years(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def _full_date(m: re.Match, speech: datetime.date) -> datetime.date | None:
    year, month, day = to_int(m[1]), to_int(m[2]), to_int(m[3])
    try:
        return datetime.date(year, month, day)
    except ValueError:
        return None


def _month_part(m: re.Match, speech: datetime.date) -> datetime.date | None:
    year = to_int(m[1]) if m[1] else None
    month = to_int(m[2])
    if not 1 <= month <= 12:
        return None
    year = year or _roll(month, speech)
    part = m[3] or "底"
    if part == "上旬":
        return datetime.date(year, month, 10)
    if part == "中旬":
        return datetime.date(year, month, 20)
    return _last_day(year, month)  # 下旬, 底, 末, or a bare month


def _month_day(m: re.Match, speech: datetime.date) -> datetime.date | None:
    month, day = to_int(m[1]), to_int(m[2])
    try:
        return datetime.date(_roll(month, speech), month, day)
    except ValueError:
        return None


def _quarter(m: re.Match, speech: datetime.date) -> datetime.date | None:
    q = to_int(m[1])
    if not 1 <= q <= 4:
        return None
    year = speech.year + 1 if q * 3 < speech.month else speech.year
    return _last_day(year, q * 3)


def _half(m: re.Match, speech: datetime.date) -> datetime.date:
    if m[1] == "上":
        year = speech.year + 1 if speech.month > 6 and not m[0].startswith(("今年", "本年")) else speech.year
        return datetime.date(year, 6, 30)
    return datetime.date(speech.year, 12, 31)


def _year_end(m: re.Match, speech: datetime.date) -> datetime.date:
    year = to_int(m[1]) if m[1] else speech.year
    return datetime.date(year, 12, 31)


def _this_term(m: re.Match, speech: datetime.date) -> datetime.date:
    """The current term: spring term (Feb–Jul) ends 31 July, autumn term ends 31 January."""
    if 2 <= speech.month <= 7:
        return datetime.date(speech.year, 7, 31)
    return datetime.date(speech.year + 1 if speech.month >= 8 else speech.year, 1, 31)


def _next_term(m: re.Match, speech: datetime.date) -> datetime.date:
    """The term after the current one ends half a year after this term's end."""
    end = _this_term(m, speech)
    return datetime.date(end.year, 7, 31) if end.month == 1 else datetime.date(end.year + 1, 1, 31)


def _new_term(m: re.Match, speech: datetime.date) -> datetime.date:
    """The term about to start or just started: near a term's start it is that term.

    Said in July–September it is the autumn term, in December–March the spring
    term; said in the middle of a term it is the next one.
    """
    if speech.month in (7, 8, 9):
        return datetime.date(speech.year + 1, 1, 31)
    if speech.month in (12, 1, 2, 3):
        return datetime.date(speech.year + (speech.month == 12), 7, 31)
    return _next_term(m, speech)


def _within_years(m: re.Match, speech: datetime.date) -> datetime.date:
    return _add_years(speech, to_int(m[1]))


def _within_months(m: re.Match, speech: datetime.date) -> datetime.date:
    months = speech.month - 1 + to_int(m[1])
    year, month = speech.year + months // 12, months % 12 + 1
    return datetime.date(year, month, min(speech.day, _last_day(year, month).day))


Resolver = Callable[[re.Match, datetime.date], "datetime.date | None"]

# Ordered: the first row whose pattern is found in the phrase gives the date.
RULES: tuple[tuple[str, re.Pattern[str], Resolver], ...] = (
    ("full date", re.compile(rf"(\d{{4}})年{_NUM}月{_NUM}日"), _full_date),
    ("month part", re.compile(rf"(?:(\d{{4}})年)?{_NUM}月(上旬|中旬|下旬|底|末)?(?!{_NUM}日)"), _month_part),
    ("month day", re.compile(rf"{_NUM}月{_NUM}日"), _month_day),
    ("quarter", re.compile(rf"第?{_NUM}季度"), _quarter),
    ("half year", re.compile(r"(上|下)半年"), _half),
    ("within years", re.compile(rf"{_NUM}年(?:内|之内|以内)"), _within_years),
    ("within months", re.compile(rf"{_NUM}个月(?:内|之内|以内)"), _within_months),
    ("given year", re.compile(r"(\d{4})年(?:底|末|内|前|$)"), _year_end),
    ("year end", re.compile(r"()(?:年底|年末|年内|年终前|年前)"), _year_end),
    ("this term", re.compile(r"本学期|这学期|本学年"), _this_term),
    ("new term", re.compile(r"新学期"), _new_term),
    ("next term", re.compile(r"下学期|下一学期"), _next_term),
    ("this year", re.compile(r"()^(?:今年|本年度?)$"), _year_end),
)


def resolve_deadline(text: str, speech_date: datetime.date) -> datetime.date | None:
    """Return the due date ``text`` names, read from a speech given on ``speech_date``.

    Placeholders (``x月上旬``, ``X月底``, ``20xx年``) and unknown phrases give None.
    """
    phrase = re.sub(r"\s+", "", text)
    if not phrase or _PLACEHOLDER.search(phrase):
        return None
    for _name, pattern, resolver in RULES:
        m = pattern.search(phrase)
        if m:
            return resolver(m, speech_date)
    return None
