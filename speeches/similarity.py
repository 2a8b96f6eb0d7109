"""How alike two directives are, on Chinese text, with no model: character bigrams.

A directive given again ("再次强调…", the same speech imported twice, a leader repeating
last month's instruction) keeps most of its wording: the same nouns (校舍安全排查,
大班额), the same owners and the same verbs. Chinese has no spaces, so words are not
split; overlapping pairs of characters (bigrams) stand in for them. Punctuation, digits'
formatting, list markers (一是, （三）) and the genre's stock phrases (要, 进一步, 切实)
are dropped first, since every directive has them and they would make any two alike.

No Django here: the review page's selector and the bench call the same functions on
plain strings.
"""
from __future__ import annotations

import re
from collections.abc import Iterable

# At or above this score two texts are flagged 可能重复. Chosen on the labelled pairs of
# bench/duplicate_pairs.tsv (bench/bench_duplicates.py prints precision and recall).
THRESHOLD = 0.5
SHORT = 12

# List markers and cue words that open a directive; they say nothing about its subject.
_MARKER = re.compile(
    r"^\s*(?:[（(]?[一二三四五六七八九十百\d]+[)）、.．]|第[一二三四五六七八九十]+[，,、]?|[一二三四五六七八九十]+是)")
_STOCK = ("再次强调", "再强调", "重申", "进一步", "切实", "认真", "扎实", "务必", "必须", "一定要", "要", "抓紧",
          "同志们", "我们", "大家", "各级", "各地", "有关")
_KEEP = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fffA-Za-z0-9]")

# Bigrams so common in county speeches that sharing one says nothing: never used to find candidates.
COMMON_BIGRAMS = frozenset({
    "工作", "推进", "加强", "落实", "开展", "全县", "全市", "全面", "建设", "推动", "做好", "完善", "提升", "提高",
    "确保", "责任", "部门", "单位", "要求", "重点", "问题", "机制", "制度", "管理", "服务", "发展", "领导", "组织",
    "教育", "学校", "各级", "相关", "有关", "持续", "深入", "坚持", "实施", "强化", "积极", "进行", "我们", "一步",
    "进一", "以上", "年底", "月底", "底前", "之前", "完成", "时间", "目标", "任务", "情况", "工作", "作为", "实现",
})


def normalise(text: str) -> str:
    """Return ``text`` reduced to what carries its meaning: no marker, stock phrase, punctuation or space."""
    text = _MARKER.sub("", text or "", count=1)
    for phrase in _STOCK:
        text = text.replace(phrase, "")
    return "".join(_KEEP.findall(text)).lower()


def bigrams(text: str) -> frozenset[str]:
    """Return the set of overlapping character pairs of ``text`` as ``normalise`` leaves it."""
    plain = normalise(text)
    if len(plain) < 2:
        return frozenset({plain}) if plain else frozenset()
    return frozenset(plain[i:i + 2] for i in range(len(plain) - 1))


def score(a: Iterable[str] | str, b: Iterable[str] | str) -> float:
    """Return how alike two texts (or their bigram sets) are, 0 to 1.

    The mean of Dice's coefficient and the overlap coefficient (shared bigrams over the
    smaller set): Dice alone punishes a repeat that adds a sentence; overlap alone calls
    a short phrase a duplicate of every long text containing it. Their mean needs both
    a large shared part and comparable sizes for a high score. A text of fewer than
    SHORT bigrams (a bare heading) is judged by Dice alone.
    """
    a = bigrams(a) if isinstance(a, str) else frozenset(a)
    b = bigrams(b) if isinstance(b, str) else frozenset(b)
    if not a or not b:
        return 0.0
    shared = len(a & b)
    dice = 2 * shared / (len(a) + len(b))
    if min(len(a), len(b)) < SHORT:
        return dice  # a heading of a few characters is "contained" in any text on its subject
    overlap = shared / min(len(a), len(b))
    return (dice + overlap) / 2


def is_duplicate(a: str, b: str, *, threshold: float = THRESHOLD) -> bool:
    return score(a, b) >= threshold


def distinctive(text: str, *, limit: int = 4) -> list[str]:
    """Return up to ``limit`` bigrams of ``text`` that best single it out, for finding candidates cheaply.

    A repeated directive shares most of its bigrams with the original, so it shares
    some of any few of them; common bigrams (COMMON_BIGRAMS) are skipped, since every
    task has them. Bigrams spread over the text are preferred to adjacent ones, so one
    changed phrase cannot hide all of them. Deterministic: the same text, the same keys.
    """
    plain = normalise(text)
    seen, keys = set(), []
    for i in range(len(plain) - 1):
        gram = plain[i:i + 2]
        if gram in COMMON_BIGRAMS or gram in seen or not all(_is_han(ch) for ch in gram):
            continue
        seen.add(gram)
        keys.append(gram)
    if len(keys) <= limit:
        return keys
    step = len(keys) / limit
    return [keys[int(i * step)] for i in range(limit)]


def _is_han(ch: str) -> bool:
    return "\u3400" <= ch <= "\u9fff"


COMPARED_LENGTH = 300


def comparable(title: str, text: str = "", *, length: int = COMPARED_LENGTH) -> str:
    """The part of a directive compared: the start of its text (which holds its title), else its title.

    Past the first few sentences a directive turns to detail and its sub-items, which a
    repeat abridges or reorders; comparing them would only blur the score.
    """
    body = (text or "").strip()[:length]
    return body if body else (title or "")
