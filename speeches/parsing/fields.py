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
# clause start → optional opener → actor phrase → (≤4 words of adverb) → modal
_OWNER_AT_MODAL = re.compile(
    rf"(?:{_OPENER}[，,]?)?(?P<np>{_NP})(?=[^，,。；;要将]{{0,4}}?(?:{_MODAL})|对[^，,。；;]{{1,12}}要|为[^，,。；;]{{1,8}}服务)")
# a clause that is nothing but an actor phrase, followed by the clause that charges it
_OWNER_ALONE = re.compile(
    rf"(?:(?:特别是|尤其是|作为)(?P<np>{_NP})|(?P<det>{_DETERMINED}{_NP}))[，,](?=[^。；;]{{0,30}}?(?:要|将|必须))")
# "对每个干部职工…的要求"
_OWNER_OF_DEMAND = re.compile(rf"对(?P<np>{_NP})[^，,。；;]{{0,10}}要求")
_CLAUSE_START = re.compile(r"(?:^|[，,。；;：:！？!?\n、”])")
_NOT_OWNER = re.compile(cues.alternation(cues.NOT_OWNERS) + "$")
_NOT_OWNER_START = re.compile(cues.alternation(cues.NOT_OWNER_STARTS) + "|我(?![市县区])|总书记")

_N = cues.NUM
_MONTH = rf"(?:{_N}年)?{_N}月(?:{_N}日|上旬|中旬|下旬|底|末|初)?(?:前|以前|之前)?"
_YEAR = r"(?:20\d\d|20[xX]{2}|[xX]{4})年"
_DEADLINE = re.compile(
    "|".join([
        rf"(?P<end>[\u4e00-\u9fff]{{2,8}}结束前)",
        rf"(?P<nyear>{_N}年内)",
        rf"(?P<month>{_MONTH})",
        rf"(?P<year>{_YEAR}(?:底前|底|内|前)?)",
        rf"(?P<holiday>{cues.alternation(cues.HOLIDAYS)})(?=前|之前|兑现|完成)",
        rf"(?P<word>{cues.alternation(cues.DEADLINE_WORDS)})",
        r"(?P<this>今年)(?=[，,]?[^，,。]{0,8}?(?:要|将)|都要)",
    ]))
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
    for cs in _CLAUSE_START.finditer(text):
        pos = cs.end()
        for pattern in (_OWNER_AT_MODAL, _OWNER_ALONE, _OWNER_OF_DEMAND):
            m = pattern.match(text, pos)
            group = m and ("np" if m.group("np") else "det")
            if m and _is_actor(m.group(group)):
                found.append((m.start(group), m.group(group)))
                break
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
        kind, span = m.lastgroup, m.group()
        if kind in ("month", "year") and not _BOUNDED.search(span):
            if not (_BEFORE.search(before) or _AFTER.match(after)):
                continue
        found.append((m.start(), span))
    return _dedupe(found)


def _dedupe(found: list[tuple[int, str]]) -> list[str]:
    """Drop repeats and spans contained in a longer one; keep document order."""
    out: list[str] = []
    for _, span in sorted(found):
        if any(span in o for o in out):
            continue
        out = [o for o in out if o not in span] + [span]
    return out
