"""Fill ``owners`` and ``deadlines`` of directive items (GUIDE §Fields).

Why clause by clause: in this genre the actor charged with a task stands at the
head of a clause, right before its modal ("各单位党委书记要切实履行…", "由局里负责…",
"发改、财政部门要…"), or is named by a verb that hands the task on ("要求广大教职员工
从自身做起", "由县教育行政部门负责实施"). Anchoring the actor phrase at a clause start,
a modal or such a verb keeps out actors that only appear inside a sentence
(beneficiaries, examples). Deadlines are bounded periods (年底前, x月上旬) or
dates/years that a target word ties to the work (确保2024年通过); cadences, start
points, past events and names of documents (《…(x下旬至x月底)》) are left out.

Every value is an exact span of ``speech.text[item.start:item.own_end]``.
"""
from __future__ import annotations

import re

from . import cues
from .document import DIRECTIVE, Speech

_HEAD = cues.alternation(cues.ACTOR_HEADS) + "(?!(?<=办)[学法事好理公案]|(?<=组)织)"  # 办学, 办法; 党组|织
_NP_CHAR = r"(?:主要|重要|[^，,。；;：:！？!?\s“”\"要将是])"
_NP = rf"{_NP_CHAR}{{0,28}}{_HEAD}(?:[、和与及]{cues.alternation(cues.ACTOR_TAILS)})*"
_DETERMINED = r"(?:各|每|全|所有|其他|广大|有关|相关)"
_OPENER = cues.alternation(cues.OWNER_OPENERS)
_MODAL = cues.alternation(cues.OWNER_MODALS)
_PIVOT = cues.alternation(cues.OWNER_PIVOTS)
_CLAUSE_START = r"(?:^|(?<=[，,。；;：:！？!?\n、”]))"
# g. (own pass) the subject of a sentence that carries an order (党员领导干部通读中央规定篇目，要在x月上旬
#    基本完成): it opens a sentence or clause, stops at a preposition or adverb so that it
#    never swallows the predicate, and is not followed by a copula or a possessive
_SNP = rf"[^，,。；;：:！？!?\s“”\"、{cues.SUBJECT_STOPS}]{{0,10}}{_HEAD}"
_SUBJECT = re.compile(
    rf"(?:^|(?<=[，,。；;：:！？!?\n]))(?:{_OPENER}[，,]?)?(?P<s>{_SNP}(?:、{_SNP})*)(?![是的、和与及等一二三四五六七八九十\d]|{_HEAD})")
# One pass over the text (finditer runs in C); each alternative starts at a clause start:
# a. optional opener → actor phrase → (≤4 chars of adverb) → modal   (各单位党委书记要…, 由局里负责)
# b. a clause that is nothing but an actor phrase, the next clause charges it
#    (特别是初中学校，布置作业要…; 各镇（街道）教办、市直各学校，…要)
# c. a verb that hands the task on: 要求/需要/督促 X …
_OWNER = re.compile(
    rf"{_CLAUSE_START}(?:"
    rf"(?:{_OPENER}[，,]?)?(?P<a>{_NP})(?=[^，,。；;要将的是]{{0,4}}?(?:{_MODAL})|对[^，,。；;]{{1,12}}要|为[^，,。；;]{{1,8}}服务)"
    rf"|(?:(?:特别是|尤其是|作为)(?P<b>{_NP})|(?P<c>(?:[^，,。；;：:！？!?\s“”\"]{{1,8}}的)?{_DETERMINED}{_NP}))[，,](?=[^。；;]{{0,30}}?(?:要|将|必须))"
    rf"|{_PIVOT}(?:我们)?(?P<d>{_SNP})(?=[^的，,。；;])"
    ")")
# Their own pass, as they may stand inside a phrase the first pass has read:
# e. "对每个干部职工…的要求", also after 是 (这是对每个干部职工一项最基本的要求)
# f. 由 X anywhere (坚持…交流由县教育行政部门负责实施), not 由A改为B, not 由A承担的, not
#    转由X (a shift of duties described, not ordered)
_OWNER_INSIDE = re.compile(
    rf"(?:{_CLAUSE_START}|(?<=是))对(?P<e>{_NP})[^，,。；;]{{0,10}}要求"
    rf"|(?<![将把转])由(?P<f>{_SNP})(?![^，,。；;]{{0,12}}?(?:改为|转为|变为|的))")
_NOT_OWNER = re.compile(cues.alternation(cues.NOT_OWNERS) + "$")
_NOT_OWNER_START = re.compile(cues.alternation(cues.NOT_OWNER_STARTS) + "|我(?![市县区])|总书记")
_ORDER = re.compile(r"(?<![重主需只纲摘提简紧必首不])要(?![求素点害闻])|必须|务必|应当|一定要")
_SPEAKER_SIDE = re.compile(cues.alternation(cues.NOT_OWNERS))
# a later clause of the sentence goes on with the same subject when it opens with the
# order itself or with an adverb or preposition (，要在x月上旬基本完成; ，在使用上一定要…)
_GOES_ON = re.compile(r"(?:要|必须|务必|一定|都|也|还|并|同时|切实|在|从|于|按|对|把|将|确保)")
_CLAUSES = re.compile(r"[^，,]+")
_PAST = re.compile(cues.alternation(cues.PAST_MARKERS) + r"|(?<![为除])了(?!解)")
_SENTENCE_END = re.compile(r"[。；;！？!?\n]")

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
        r"(?P<this>今年)",
    ]) + ")")  # the lookahead lets the engine skip most positions with one set test
_STRONG_BEFORE = re.compile(cues.alternation(cues.TARGET_BEFORE) + "$")
_WEAK_BEFORE = re.compile(cues.alternation(cues.TARGET_BEFORE_WEAK) + "$")
_AFTER = re.compile(cues.alternation(cues.TARGET_AFTER))
_NOT_BEFORE = re.compile(cues.alternation(cues.NOT_DEADLINE_BEFORE) + "$")
_NOT_AFTER = re.compile(cues.alternation(cues.NOT_DEADLINE_AFTER))
_BOUNDED = re.compile(r"(?:上旬|中旬|下旬|底|末|前|以前|之前|内)$")
_FUTURE = re.compile(_ORDER.pattern + r"|将|确保|力争|争取|计划")
_NEGATED = re.compile(cues.alternation(cues.NEGATED_WORK))
# 今年 bounds the work only where it stands right before the modal (今年要…, 我们今年都要…)
# or frames a clause whose subject is a charged actor (今年，市教育局将建立…);
# "今年，我县将拿出…" or "今年教育工作的重点要…" only set the scene
_THIS_YEAR_MODAL = re.compile(r"(?:都|也|还|就|一定|必须)?(?:要|将|必须)")
_THIS_YEAR_ACTOR = re.compile(rf"[，,]?(?P<a>{_NP})(?=[^，,。；;要将的]{{0,4}}?(?:{_MODAL}))")


def fill_fields(speech: Speech) -> None:
    """Set owners and deadlines of directive items; clear them on the other kinds."""
    for it in speech.items:
        if it.kind != DIRECTIVE:
            it.owners, it.deadlines = [], []
            continue
        own = speech.text[it.start:it.own_end]
        body = own[len(it.marker):] if own.startswith(it.marker) else own
        it.owners = find_owners(body)  # the marker ends like a clause: 一是教师为学生服务
        it.deadlines = find_deadlines(own)


def find_owners(text: str) -> list[str]:
    """Return the actor phrases ``text`` charges with acting, in order, no repeats."""
    found: list[tuple[int, str]] = []
    for pattern in (_OWNER, _OWNER_INSIDE):
        for m in pattern.finditer(text):
            group = m.lastgroup
            if group and _is_actor(m.group(group)):
                found.append((m.start(group), m.group(group)))
    for m in _SUBJECT.finditer(text):
        if _is_actor(m["s"]) and (_charged_later(text, m.end()) or _goes_on_a_series(text, m.start("s"), found)):
            found.append((m.start("s"), m["s"]))
    return _dedupe(found)


def _goes_on_a_series(text: str, pos: int, found: list[tuple[int, str]]) -> bool:
    """Return whether the clause at ``pos`` goes on from a charged clause just before it.

    "新建学校要加大绿化力度，改造学校搞好补植": the second actor, of the same kind as the
    first (same last two characters), takes the first one's order.
    """
    before = text[:pos].rstrip("，,")
    if len(before) == pos:
        return False
    start = max(before.rfind(c) for c in "，,。；;：:！？!?\n") + 1
    this = _SUBJECT.match(text, pos)
    return bool(this) and any(at == start and np[-2:] == this["s"][-2:] for at, np in found)


def _is_actor(np: str) -> bool:
    if len(np) < 2 or _NOT_OWNER.match(np) or _NOT_OWNER_START.match(np) or "总书记" in np:
        return False
    # a counted or numbered phrase is a thing to produce (培养一批骨干教师), not an actor
    return not re.search(r"[0-9%]|(?<!每)一[批支名所个些项]|第.{1,3}批", np)


def _charged_later(text: str, pos: int) -> bool:
    """Return whether the sentence goes on from ``pos`` to order its subject to act.

    The order must stand in the subject's own clause, or in a later clause that goes on
    with the same subject; a clause about a thing (…的工作台帐) or a past event is not one.
    """
    end = _SENTENCE_END.search(text, pos)
    rest = text[pos:end.start() if end else len(text)]
    if _PAST.search(rest):
        return False
    for i, clause in enumerate(_CLAUSES.finditer(rest)):
        words = clause.group()
        if i == 0 and "的" in words:
            return False
        order = _ORDER.search(words)
        if order and _SPEAKER_SIDE.search(words, 0, order.start()):
            return False  # …四中教学楼我们今年都要启用: the order is the speaker's own
        if order or find_deadlines(words):
            return i == 0 or bool(_GOES_ON.match(words))
    return False


def find_deadlines(text: str) -> list[str]:
    """Return the time limits set in ``text``: bounded periods and targeted dates."""
    found: list[tuple[int, str]] = []
    for m in _DEADLINE.finditer(text):
        before, after = text[max(0, m.start() - 4):m.start()], text[m.end():m.end() + 4]
        if _NOT_BEFORE.search(before) or _NOT_AFTER.match(after) or _in_title(text, m.start()):
            continue
        kind, span, start = m.lastgroup, m.group(), m.start()
        if kind == "end":
            start = _subject_start(text, m.start())
            if m.start() - start < 2:
                continue
            span = text[start:m.end()]
        if kind == "this" and not _this_year_bounds(text, m.end()):
            continue
        clause = _clause(text, m.end())
        if _NEGATED.search(clause):
            continue  # 年内全市教育干部暂不调整: no work to finish
        if kind in ("month", "year") and not _BOUNDED.search(span):
            if _PAST.search(clause) or _PAST.search(before):
                continue
            strong = _STRONG_BEFORE.search(before) or _AFTER.match(after)
            if not strong and not (_WEAK_BEFORE.search(before) and _FUTURE.search(_sentence(text, m.end()))):
                continue
        found.append((start, span))
    return _dedupe(found)


def _this_year_bounds(text: str, pos: int) -> bool:
    if _THIS_YEAR_MODAL.match(text, pos):
        return True
    m = _THIS_YEAR_ACTOR.match(text, pos)
    return bool(m and _is_actor(m["a"]))


def _in_title(text: str, pos: int) -> bool:
    """Return whether ``pos`` is inside 《…》: the name of a document, not a time limit."""
    return text.rfind("《", 0, pos) > text.rfind("》", 0, pos)


def _clause(text: str, pos: int) -> str:
    end = re.compile(r"[，,。；;！？!?\n]").search(text, pos)
    return text[pos:end.start() if end else len(text)]


def _sentence(text: str, pos: int) -> str:
    start = max(text.rfind(c, 0, pos) for c in "。；;！？!?\n") + 1
    end = _SENTENCE_END.search(text, pos)
    return text[start:end.start() if end else len(text)]


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
