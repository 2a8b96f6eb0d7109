"""Fill ``owners`` and ``deadlines`` of directive items (GUIDE §Fields).

Why clause by clause: in this genre the actor charged with a task stands at the
head of a clause, right before its modal ("各单位党委书记要切实履行…", "由局里负责…",
"发改、财政部门要…"). Anchoring the actor phrase at a clause start and at a modal
keeps out actors that only appear inside a sentence (beneficiaries, examples).
Deadlines are bounded periods (年底前, x月上旬) or dates/years that a target word
ties to the work (确保2024年通过); cadences and start points are left out.

Every value is an exact span of ``speech.text[item.start:item.own_end]``.
"""
from __future__ import annotations

import re

from . import cues
from .document import DIRECTIVE, Speech

_HEAD = cues.alternation(cues.ACTOR_HEADS)
_NP_CHAR = r"(?:主要|重要|[^，,。；;：:！？!?\s“”\"要将是])"
_NP = rf"{_NP_CHAR}{{0,20}}{_HEAD}"
_DETERMINED = r"(?:各|每|全|所有|其他|广大|有关|相关)"
_OPENER = cues.alternation(cues.OWNER_OPENERS)
_MODAL = cues.alternation(cues.OWNER_MODALS)
# One pass over the text (finditer runs in C); each alternative starts at a clause start:
# 1. optional opener → actor phrase → (≤4 chars of adverb) → modal   (各单位党委书记要…, 由局里负责)
# 2. a clause that is nothing but an actor phrase, the next clause charges it
#    (特别是初中学校，布置作业要…; 各镇（街道）教办、市直各学校，…要)
# 3. "对每个干部职工…的要求"
_OWNER = re.compile(
    r"(?:^|(?<=[，,。；;：:！？!?\n、”]))(?:"
    rf"(?:{_OPENER}[，,]?)?(?P<a>{_NP})(?=[^，,。；;要将]{{0,4}}?(?:{_MODAL})|对[^，,。；;]{{1,12}}要|为[^，,。；;]{{1,8}}服务)"
    rf"|(?:(?:特别是|尤其是|作为)(?P<b>{_NP})|(?P<c>{_DETERMINED}{_NP}))[，,](?=[^。；;]{{0,30}}?(?:要|将|必须))"
    rf"|对(?P<d>{_NP})[^，,。；;]{{0,10}}要求"
    ")")
_NOT_OWNER = re.compile(cues.alternation(cues.NOT_OWNERS) + "$")
_NOT_OWNER_START = re.compile(cues.alternation(cues.NOT_OWNER_STARTS) + "|我(?![市县区])|总书记")

_N = cues.NUM
_MONTH = rf"(?:{_N}年)?{_N}月(?:{_N}日|上旬|中旬|下旬|底|末|初)?(?:前|以前|之前)?"
_YEAR = r"(?:20\d\d|20[xX]{2}|[xX]{4})年"
_FIRST_CHARS = "0-9xX×一二三四五六七八九十两今本新下上春秋寒暑开年结教国元中五"
_DEADLINE = re.compile(
    f"(?=[{_FIRST_CHARS}])(?:" + "|".join([
        r"(?P<end>结束前)",  # widened backwards to its subject in find_deadlines
        rf"(?P<nyear>{_N}年内)",
        rf"(?P<month>{_MONTH})",
        rf"(?P<year>{_YEAR}(?:底前|底|内|前)?)",
        rf"(?P<holiday>{cues.alternation(cues.HOLIDAYS)})(?=前|之前|兑现|完成)",
        rf"(?P<word>{cues.alternation(cues.DEADLINE_WORDS)})",
        r"(?P<this>今年)(?=[，,]?[^，,。]{0,8}?(?:要|将)|都要)",
    ]) + ")")  # the lookahead lets the engine skip most positions with one set test
_BEFORE = re.compile(cues.alternation(cues.TARGET_BEFORE) + "$")
_AFTER = re.compile(cues.alternation(cues.TARGET_AFTER))
_NOT_BEFORE = re.compile(cues.alternation(cues.NOT_DEADLINE_BEFORE) + "$")
_NOT_AFTER = re.compile(cues.alternation(cues.NOT_DEADLINE_AFTER))
_BOUNDED = re.compile(r"(?:上旬|中旬|下旬|底|末|前|以前|之前|内)$")


def fill_fields(speech: Speech) -> None:
    """Set owners and deadlines of directive items; clear them on the other kinds."""
    for it in speech.items:
        if it.kind != DIRECTIVE:
            it.owners, it.deadlines = [], []
            continue
        own = speech.text[it.start:it.own_end]
        it.owners = find_owners(own)
        it.deadlines = find_deadlines(own)


def find_owners(text: str) -> list[str]:
    """Return the actor phrases ``text`` charges with acting, in order, no repeats."""
    found: list[tuple[int, str]] = []
    for m in _OWNER.finditer(text):
        group = m.lastgroup
        if group and _is_actor(m.group(group)):
            found.append((m.start(group), m.group(group)))
    return _dedupe(found)


def _is_actor(np: str) -> bool:
    if len(np) < 2 or _NOT_OWNER.match(np) or _NOT_OWNER_START.match(np):
        return False
    return not re.search(r"[0-9%]|的[^每各]{0,2}$", np)


def find_deadlines(text: str) -> list[str]:
    """Return the time limits set in ``text``: bounded periods and targeted dates."""
    found: list[tuple[int, str]] = []
    for m in _DEADLINE.finditer(text):
        before, after = text[max(0, m.start() - 4):m.start()], text[m.end():m.end() + 4]
        if _NOT_BEFORE.search(before) or _NOT_AFTER.match(after):
            continue
        kind, span, start = m.lastgroup, m.group(), m.start()
        if kind == "end":
            start = _subject_start(text, m.start())
            if m.start() - start < 2:
                continue
            span = text[start:m.end()]
        if kind in ("month", "year") and not _BOUNDED.search(span):
            if not (_BEFORE.search(before) or _AFTER.match(after)):
                continue
        found.append((start, span))
    return _dedupe(found)


def _subject_start(text: str, pos: int) -> int:
    """Return where the event before ``结束前`` starts (主题教育结束前): ≤8 CJK characters back."""
    start = pos
    while start > 0 and pos - start < 8 and "\u4e00" <= text[start - 1] <= "\u9fff":
        start -= 1
    return start


def _dedupe(found: list[tuple[int, str]]) -> list[str]:
    """Drop repeats and spans contained in a longer one; keep document order."""
    out: list[str] = []
    for _, span in sorted(found):
        if any(span in o for o in out):
            continue
        out = [o for o in out if o not in span] + [span]
    return out
