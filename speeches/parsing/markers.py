"""Marker families, their context rules and the trap phrases, as data.

Every ordinal marker a speech uses to enumerate its points belongs to one family
(README §3). The outline stage scans the text once with ``MARKER_SCAN``, a single
compiled alternation whose named groups say which family matched, and then
checks the context rules kept here: where the marker may stand (line start only,
or also inline after a boundary character) and which phrases are traps.

The families are ordered as the rule table ``FAMILIES``: earlier rules win when two
could match at the same position (``另一方面`` before ``一方面``).
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from .scan import Scan

CN_DIGITS = "一二三四五六七八九十"
CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"

# Characters after which an inline marker may open a point. Strong boundaries end a
# sentence or clause; the weak ones (commas) only admit the spoken list families.
STRONG_BOUNDARY = frozenset("。；;：:！？!?")
WEAK_BOUNDARY = frozenset("，,")

# Structural families: a section closes everything, a subsection closes all but
# sections. Every other family nests under whatever is open (see outline.py).
SECTION = "section"
SUBSECTION = "subsection"
SHI_YAO = "shi_yao"
QI = "qi"
DI = "di"
ADVERB = "adverb"
FANGMIAN = "fangmian"
ARABIC = "arabic"
ARABIC_PAREN = "arabic_paren"
CIRCLED_FAMILY = "circled"


# Ordinal adverbs in series order; 最后 may close any series. The ADVERB family's
# pattern is made of these words, longest first (首要的是 before 首先).
ADVERB_ORDER = {"首先": 1, "首要的是": 1, "其次": 2, "其次是": 2, "再次": 3, "再次是": 3, "最后": 99}
_ADVERBS = "|".join(sorted(ADVERB_ORDER, key=len, reverse=True))


@dataclass(frozen=True, slots=True)
class Family:
    """One marker family: how it is written and where it may stand.

    ``inline`` says which boundary characters may precede it in running text:
    None (line start only), "strong" or "weak" (strong plus commas).
    ``rank`` orders the structural families: 0 section, 1 subsection, 2 the rest.
    """

    name: str
    pattern: str  # regex with a group named ``num`` (its ordinal) where it has one
    rank: int
    inline: str | None


FAMILIES: tuple[Family, ...] = (
    Family(SECTION, rf"(?P<section>[{CN_DIGITS}]{{1,3}})、(?![{CN_DIGITS}]、)", 0, "strong"),
    Family(SUBSECTION, rf"[（(](?P<subsection>[{CN_DIGITS}]{{1,3}})[）)]", 1, "strong"),
    Family(FANGMIAN, r"(?P<fangmian>另一方面|(?<!另)一方面)(?=[，,：:]|要|是)", 2, "weak"),
    Family(ADVERB, rf"(?P<adverb>{_ADVERBS})(?=[，,：:]|要|是)", 2, "weak"),
    Family(DI, rf"(?P<di>第(?P<di_num>[{CN_DIGITS}]{{1,3}})(?:件|条|点|项|是)?)(?=[，,：:、]|(?<=是))", 2, "weak"),
    Family(QI, rf"(?P<qi>其(?P<qi_num>[{CN_DIGITS}]{{1,3}}))(?=[，,：:、])", 2, "strong"),
    Family(
        SHI_YAO,
        rf"(?P<shi_yao>(?P<sy_num>[{CN_DIGITS}]{{1,3}})(?:是(?![否非])|要(?!素)))(?![{CN_DIGITS}][、，])",
        2,
        "weak",
    ),
    Family(ARABIC_PAREN, r"(?P<arabic_paren>[（(](?P<ap_num>\d{1,2})[）)]|(?P<ap2_num>\d{1,2})[)）])", 2, "strong"),
    # "1、2号地块" and "3、4年级" list numbers: a 、 followed by another small number opens no point
    # "1.5亿元" is a number, but "1.2024年，完成…" a step that opens on its year
    Family(ARABIC, r"(?P<arabic>(?P<ar_num>\d{1,2})(?:、(?!\d{1,2}(?!\d))|[.．](?:(?![\d%％])|(?=(?:19|20)\d\d年))))", 2, "strong"),
    Family(CIRCLED_FAMILY, rf"(?P<circled>[{CIRCLED}])", 2, "weak"),
)
FAMILY_BY_NAME = {family.name: family for family in FAMILIES}
# The groups of each family's pattern that hold its ordinal.
NUMBER_GROUPS = {
    SECTION: ("section",), SUBSECTION: ("subsection",), DI: ("di_num",), QI: ("qi_num",),
    SHI_YAO: ("sy_num",), ARABIC_PAREN: ("ap_num", "ap2_num"), ARABIC: ("ar_num",),
    CIRCLED_FAMILY: ("circled",), ADVERB: (), FANGMIAN: (),
}

# One pass over the text finds every candidate; a digit run is never split (the
# lookbehind keeps "2022、" or "11." from matching as "22、" or "1.").
# The leading class lets the engine skip, at C speed, every position where no marker
# can begin (most of the text): through ``Scan``, as the pattern opens on a lookahead.
MARKER_FIRST_CHARS = rf"[{CN_DIGITS}（(另一首其再最第\d{CIRCLED}]"
MARKER_SCAN = re.compile(
    rf"(?={MARKER_FIRST_CHARS})(?<![\d.．])(?:"
    + "|".join(f"(?:{family.pattern})" for family in FAMILIES)
    + ")"
)
# Every marker but a circled numeral is two characters or more, its second one of these:
# a numeral's, the 、是要 after one, the closing bracket or stop after an arabic number,
# or an adverb's second (一方面, 首先…). Most places that open on a first character
# (一个, 其他, 最近, 首都…) fail on this set test instead of entering the pattern.
MARKER_SECOND_CHARS = r"\d" + "".join(sorted(
    set(CN_DIGITS + "、是要方).．）") | {word[1] for word in list(ADVERB_ORDER) + ["另一方面"]}))
# MARKER_SCAN.finditer, the class not hidden by the lookahead
MARKERS = Scan(MARKER_SCAN, rf"{MARKER_FIRST_CHARS}(?:(?=[{MARKER_SECOND_CHARS}])|(?<=[{CIRCLED}]))")

FANGMIAN_ORDER = {"一方面": 1, "另一方面": 2}

# Phrases that contain a marker-like string but never open a point (README §3, not items).
# Candidates overlapping one of these are dropped; most are already refused by the
# patterns or by the boundary rule, the list keeps the guide's examples explicit.
TRAP_PHRASES: tuple[str, ...] = (
    "第一责任人",
    "第一种形态",
    "第一道防线",
    "第一资源",
    "第一要务",
    "第一位",
    "第一次",
    "第一时间",
    "第十五次集体学习",
    "一是一、二是二",
    "统一是",
    "唯一是",
    "之一是",
    "进一步",
)
TRAP_SCAN = re.compile("|".join(re.escape(phrase) for phrase in TRAP_PHRASES))

# A short quotation spanning a marker-like string is a slogan, not a list:
# “争⏎一、保⏎二、不要三”, “一是一、二是二”.
SHORT_QUOTE = re.compile(r"“[^“”]{0,30}”")

# A paragraph that opens with these closes every open item (README §6: a closing
# 同志们，… paragraph belongs to no item).
# An appendix (附件：, 附表, 附：) after the speech closes them too: its numbered list of
# documents stands at the top level, under no section.
CLOSING_PARAGRAPH = re.compile(r"\s*(?:同志们[，,！!]|附件|附表|附[：:]|谢谢大家|谢谢！)")


def cn_number(text: str) -> int:
    """Return the value of a Chinese (一…九十九), arabic or circled ordinal."""
    if text.isdecimal():
        return int(text)
    if text in CIRCLED:
        return CIRCLED.index(text) + 1
    values = [CN_DIGITS.index(ch) + 1 for ch in text]
    if len(values) == 1:
        return values[0]
    if len(values) == 2:
        return values[1] + 10 if values[0] == 10 else values[0] * 10
    return values[0] * 10 + values[2]
