"""Fill ``owners`` and ``deadlines`` of directive items (README §6).

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

import functools
import re
from bisect import bisect_left, bisect_right

from . import cues
from .document import DIRECTIVE, Speech
from .scan import Scan

_HEAD = cues.alternation(cues.ACTOR_HEADS) + "(?!(?<=办)[学法事好理公案]|(?<=组)织)"  # 办学, 办法; 党组|织
_NP_PLAIN = r"[^，,。；;：:！？!?\s“”\"要将是]"
_NP_CHAR = "(?:" + "|".join(cues.YAO_IN_ACTOR) + "|" + _NP_PLAIN + ")"
# An actor phrase: up to 28 characters before its head, read greedily and backtracked
# to the last place where a head ends (one set test per place, see cues.ends_with).
_HEAD_MAX = max(len(word) for word in cues.ACTOR_HEADS)
_HEAD_ENDS = cues.ends_with(cues.ACTOR_HEADS) + "(?!(?<=办)[学法事好理公案]|(?<=组)织)"
_NP_TAIL = rf"{{1,{28 + _HEAD_MAX}}}{_HEAD_ENDS}(?:[、和与及]{cues.alternation(cues.ACTOR_TAILS)})*"
# Most phrases hold no 主要/重要 before the first character that ends one: there the
# phrase is read as a run of single characters, a loop the engine runs in C, instead of
# trying the two words at every character. Same matches: until that character, a 主要
# or 重要 can only stand where the run ends on 主/重 and the 要 stops it.
assert all(len(word) == 2 and word.endswith("要") for word in cues.YAO_IN_ACTOR)
# The test reads the run of plain characters possessively and looks at its end: 要 is no
# plain character, so a 主要/重要 can only stand where the run stops on its 要.
_YAO_AHEAD = rf"(?={_NP_PLAIN}++(?<=[{''.join(word[0] for word in cues.YAO_IN_ACTOR)}])要)"
_NP = rf"(?:{_YAO_AHEAD}{_NP_CHAR}{_NP_TAIL}|{_NP_PLAIN}{_NP_TAIL})"
_DETERMINED = cues.alternation(cues.GROUP_DETERMINERS)
_CHARGE = cues.alternation(cues.CHARGE_WORDS)
_OPENER = cues.alternation(cues.OWNER_OPENERS)
_MODAL = rf"{cues.alternation(cues.OWNER_MODALS)}|{cues.alternation(cues.CO_WORDS)}(?=[，,。；;）)\s]|$)"
_PIVOT = cues.alternation(cues.OWNER_PIVOTS)
_CLAUSE_START = r"(?:^|(?<=[，,。；;：:！？!?\n、”]))"
# g. (own pass) the subject of a sentence that carries an order (党员领导干部通读中央规定篇目，要在x月上旬
#    基本完成): it opens a sentence or clause, stops at a preposition or adverb so that it
#    never swallows the predicate, and is not followed by a copula or a possessive
_SNP = rf"[^，,。；;：:！？!?\s“”\"、{cues.SUBJECT_STOPS}]{{0,10}}{_HEAD}"
_SUBJECT_CLAUSE = rf"(?:{_OPENER}[，,]?)?(?P<s>{_SNP}(?:、{_SNP})*)(?![是的、和与及等一二三四五六七八九十\d]|{_HEAD})"
_SUBJECT_AT_START = re.compile(_SUBJECT_CLAUSE)
_SUBJECT = re.compile(r"[，,。；;：:！？!?\n]" + _SUBJECT_CLAUSE)
# One pass over the text (finditer runs in C); each alternative starts at a clause start:
# a. optional opener → actor phrase → (≤4 chars of adverb) → modal   (各单位党委书记要…, 由局里负责)
# b. a clause that is nothing but an actor phrase, the next clause charges it
#    (特别是初中学校，布置作业要…; 各镇（街道）教办、市直各学校，…要)
# c. a verb that hands the task on: 要求/需要/督促 X …
# What every alternative needs, tested first so that a clause that cannot hold an owner
# fails at once instead of trying actor phrases of every length (most clauses): a modal,
# 对/为 or a determiner before the clause ends, or a clause opening on a pivot or 特别是.
_OWNER_NEEDS = "".join(sorted(
    {w[0] for w in cues.OWNER_MODALS + cues.CO_WORDS} | set("对为") | {w[0] for w in cues.GROUP_DETERMINERS}))
# (The clause is read up to its first needed character by a possessive run of the other
# characters, a loop the engine runs in C, instead of trying the class after each one.)
_OWNER_MAY = rf"(?=(?:{_OPENER}[，,]?)?[^，,。；;{_OWNER_NEEDS}]*+[{_OWNER_NEEDS}]|特别是|尤其是|作为|{_PIVOT})"
# a. needs a modal word (or 对/为) before its clause ends, whichever phrase it reads: tested
#    once, before the actor phrase is read and backtracked over every length
#    (read as runs of characters no such word starts on, in C, and single characters
#    where none starts after all; it stops at the first word, as a lazy scan would)
_A_WORDS = cues.OWNER_MODALS + cues.CO_WORDS + ("对", "为")
_A_FIRSTS = "".join(sorted({word[0] for word in _A_WORDS}))
_A_NEEDS = (rf"(?=(?:[^，,。；;{_A_FIRSTS}]++|(?!{cues.alternation(_A_WORDS)})[{_A_FIRSTS}])*+"
            rf"{cues.alternation(_A_WORDS)})")
_OWNER_CLAUSE = (
    rf"{_OWNER_MAY}(?:"
    rf"(?:{_OPENER}[，,]?)?{_A_NEEDS}(?P<a>{_NP})(?=[^，,。；;要将的是]{{0,4}}?(?:{_MODAL})|对[^，,。；;]{{1,12}}要|为[^，,。；;]{{1,8}}服务)"
    rf"|(?:(?:特别是|尤其是|作为)(?P<b>{_NP})|(?P<c>(?:[^，,。；;：:！？!?\s“”\"]{{1,8}}的)?{_DETERMINED}{_NP}))(?=[，,][^。；;]{{0,30}}?{_CHARGE})"
    rf"|{_PIVOT}(?:我们)?(?P<d>{_SNP})(?=[^的，,。；;])"
    ")")
# Scanned as a clause boundary followed by a clause (the scan then skips, in C, every
# place that is no boundary), and once more at the text's start; see _after_boundaries.
_OWNER_AT_START = re.compile(_OWNER_CLAUSE)
_OWNER = re.compile(r"[，,。；;：:！？!?\n、”]" + _OWNER_CLAUSE)
# Their own pass, as they may stand inside a phrase the first pass has read:
# e. "对每个干部职工…的要求", also after 是 (这是对每个干部职工一项最基本的要求)
# f. 由 X anywhere (坚持…交流由县教育行政部门负责实施), not 由A改为B, not 由A承担的, not
#    转由X (a shift of duties described, not ordered)
# g. 会同 X: the office a lead works with (市教育局会同市财政局制定…); the shortest phrase
#    ending on a head that no name goes on from (市教育局|完善…, not 市教育局完善教师;
#    区发展和改革委员会, not 区发展和改革委)
_CO_NP = rf"[^，,。；;：:！？!?\s“”\"、{cues.SUBJECT_STOPS}]{{0,10}}?{_HEAD}(?![员会办厅局委室处科股站所院部门心组队场区级直])"
_OWNER_INSIDE = re.compile(  # each alternative opens on its word: the scan skips other places in C
    rf"对(?:(?<=^对)|(?<=[，,。；;：:！？!?\n、”是]对))(?P<e>{_NP})[^，,。；;]{{0,10}}要求"
    rf"|由(?<![将把转]由)(?P<f>{_SNP})(?![^，,。；;]{{0,12}}?(?:改为|转为|变为|的))"
    rf"|会同(?P<g>{_CO_NP}(?:、{_CO_NP})*)")
# h. (own pass) the departments a label names: 牵头单位：A；配合单位：B、C
_DUTY = re.compile(cues.literals(cues.DUTY_LABELS) + r"[：:]\s*(?P<u>[^；;，,。：:（）()\s]+)")
_NOT_OWNER = re.compile(cues.alternation(cues.NOT_OWNERS) + "$")
_NOT_OWNER_START = re.compile(cues.alternation(cues.NOT_OWNER_STARTS) + "|我(?![市县区])|总书记")
_ORDER = re.compile("|".join((cues.order_yao(cues.NO_ORDER_YAO_FOR_FIELDS),) + cues.ORDER_WORDS_FOR_FIELDS))
_SPEAKER_SIDE = re.compile(cues.alternation(cues.NOT_OWNERS))
# a later clause of the sentence goes on with the same subject when it opens with the
# order itself or with an adverb or preposition (，要在x月上旬基本完成; ，在使用上一定要…)
_GOES_ON = re.compile(cues.alternation(cues.GOES_ON_OPENERS))
_CLAUSES = re.compile(r"[^，,]+")
_PAST = re.compile(cues.alternation(cues.PAST_MARKERS) + r"|(?<![为除])了(?!解)")
_SENTENCE_END = re.compile(r"[。；;！？!?\n]")

_N = cues.NUM
_MONTH = rf"(?:{_N}年)?{_N}月(?:{_N}日|上旬|中旬|下旬|底|末|初)?(?:前|以前|之前)?"
_YEAR = r"(?:20\d\d|20[xX]{2}|[xX]{4})年"
_FIRST_CHARS = "0-9xX×一二三四五六七八九十两今本新下上春夏秋冬寒暑开年结教国元中五全"
# A season, with its year or its term (2011年秋季, 秋季学期, 秋季开学前); alone (秋季招生) it
# bounds nothing and is dropped in find_deadlines.
_SEASON = rf"(?:{_YEAR})?{cues.alternation(cues.SEASONS)}(?:学期)?(?:开学)?(?:前|以前|之前)?"
_DEADLINE = re.compile(
    f"(?=[{_FIRST_CHARS}])(?:" + "|".join([
        r"(?P<end>结束前)",  # widened backwards to its subject in find_deadlines
        rf"(?P<nyear>{_N}年内)",
        rf"(?P<month>{_MONTH})",
        rf"(?P<season>{_SEASON})",
        rf"(?P<year>{_YEAR}(?:底前|底|内|前)?)",
        rf"(?P<holiday>{cues.alternation(cues.HOLIDAYS)})(?:之?前|(?=兑现|完成))",
        rf"(?P<word>{cues.alternation(cues.DEADLINE_WORDS)})",
        r"(?P<this>今年)",
    ]) + ")")  # the lookahead lets the engine skip most positions with one set test
# Every deadline is two characters or more, and its second character is one of these: a
# numeral's (a number, a year's 20…), 年/月 after a number (3年内, 5月), 结束前's, or a cue
# word's second. Most places that open on a first character (一个, 上级, 全面, 教育…) fail
# on this one set test instead of entering the pattern.
_SECOND_CHARS = r"\d" + "".join(sorted(
    set("xX×一二三四五六七八九十两年月束") | {word[1] for word in cues.SEASONS + cues.HOLIDAYS + cues.DEADLINE_WORDS}))
_DEADLINES = Scan(_DEADLINE, f"[{_FIRST_CHARS}](?=[{_SECOND_CHARS}])")  # _DEADLINE.finditer, C-speed skips
_STRONG_BEFORE = re.compile(cues.alternation(cues.TARGET_BEFORE) + "$")
_WEAK_BEFORE = re.compile(cues.alternation(cues.TARGET_BEFORE_WEAK) + "$")
_AFTER = re.compile(cues.alternation(cues.TARGET_AFTER))
_NOT_BEFORE = re.compile(cues.alternation(cues.NOT_DEADLINE_BEFORE) + "$")
_NOT_AFTER = re.compile(cues.alternation(cues.NOT_DEADLINE_AFTER))
_BOUNDED = re.compile(r"(?:上旬|中旬|下旬|底|末|前|以前|之前|内)$")
_FUTURE = re.compile("|".join((_ORDER.pattern, cues.FUTURE_WORD) + cues.AIM_WORDS + ("计划",)))
_NEGATED = re.compile(cues.alternation(cues.NEGATED_WORK))
# 今年 bounds the work only where it stands right before the modal (今年要…, 我们今年都要…)
# or frames a clause whose subject is a charged actor (今年，市教育局将建立…);
# "今年，我县将拿出…" or "今年教育工作的重点要…" only set the scene
_THIS_YEAR_MODAL = re.compile(f"(?:{cues.alternation(cues.CHARGE_ADVERBS)})?{_CHARGE}")
_THIS_YEAR_ACTOR = re.compile(rf"[，,]?(?P<a>{_NP})(?=[^，,。；;要将的]{{0,4}}?(?:{_MODAL}))")


# One regex pass each over a text (see _Text): the positions every look-up bisects,
# so no look-back ever scans or copies the text before a position.
_BOUNDARY = re.compile(r"[，,。；;：:！？!?\n]")  # ends a clause as _goes_on_a_series reads it
_CLAUSE_END = re.compile(r"[，,。；;！？!?\n]")
_NOT_COMMA = re.compile(r"[^，,]")
_TITLE_MARK = re.compile(r"[《》]")


def _every(pattern: re.Pattern, firsts: str) -> re.Pattern:
    """Return a pattern matching one character where ``pattern`` matches, overlaps too.

    It consumes the first character only, so finditer reports every start; opening on
    a character class lets the engine skip the other positions in its fast C loop.
    """
    return re.compile(f"[{firsts}](?<=(?=(?:{pattern.pattern})).)")


_PAST_AT = _every(_PAST, "".join({w[0] for w in cues.PAST_MARKERS}) + "了")
_NEGATED_AT = _every(_NEGATED, "".join({w[0] for w in cues.NEGATED_WORK}))


def fill_fields(speech: Speech) -> None:
    """Set owners and deadlines of directive items; clear them on the other kinds."""
    for it in speech.items:
        if it.kind != DIRECTIVE:
            it.owners, it.owner_roles, it.deadlines = [], [], []
            continue
        own = speech.text[it.start:it.own_end]
        body = own[len(it.marker):] if own.startswith(it.marker) else own
        it.owners = find_owners(body)  # the marker ends like a clause: 一是教师为学生服务
        it.owner_roles = owner_roles(body, it.owners)
        it.deadlines = find_deadlines(own)


class _Marks:
    """Where ``pattern`` matches in a text, found in one pass; ``within`` answers by bisection.

    For the short cues it is used with (past and negation words): a match
    never holds a clause end, so a match inside ``text[lo:hi]``, with ``hi`` at a clause
    end or the end of the text, is one in the whole text; only at ``lo`` may the slice
    read differently (a lookbehind sees nothing there), so ``lo`` is tried on the slice.
    """

    def __init__(self, pattern: re.Pattern, every: re.Pattern, text: str):
        self._pattern, self._text = pattern, text
        self._at = [m.start() for m in every.finditer(text)]

    def within(self, lo: int, hi: int) -> bool:
        """Return ``bool(pattern.search(text[lo:hi]))``."""
        if lo >= hi:
            return False
        if self._pattern.match(self._text[lo:min(hi, lo + 16)]):  # the cues are short words
            return True
        i = bisect_right(self._at, lo)
        return i < len(self._at) and self._at[i] < hi


class _Ahead:
    """The next match of a one-character pattern at or after a position, remembered.

    The last answer covers every position from where it was asked up to the match, so
    positions asked in increasing order read each character of the text once.
    """

    def __init__(self, pattern: re.Pattern, text: str):
        self._pattern, self._text = pattern, text
        self._lo = self._hi = -1

    def next(self, pos: int) -> int:
        """Return the first match at or after ``pos``, or the end of the text."""
        if not self._lo <= pos <= self._hi:
            m = self._pattern.search(self._text, pos)
            self._lo, self._hi = pos, m.start() if m else len(self._text)
        return self._hi


class _Text:
    """One text and what its readers ask of it: clause and sentence ends, cue positions.

    Why: a look-back that searches the text before a position (``rfind``, a copy of the
    prefix) costs the whole prefix on every call, which made a long item quadratic.
    Here a look-back reads the reversed text only back to the boundary it looks for, a
    forward read stops at the next clause or sentence end and remembers it, and cue
    words are found in one pass and looked up by bisection. All made on first use.
    """

    def __init__(self, text: str):
        self.text = text
        self.verdicts: dict[tuple[int, bool], bool | None] = {}
        self.decisive: dict[int, int | None] = {}
        self.futures: dict[int, bool] = {}
        self._made: dict[str, object] = {}

    def _make(self, name: str, make):
        if name not in self._made:
            self._made[name] = make()
        return self._made[name]

    @property
    def reversed(self) -> str:
        return self._make("reversed", lambda: self.text[::-1])

    @property
    def past(self) -> _Marks:
        return self._make("past", lambda: _Marks(_PAST, _PAST_AT, self.text))

    @property
    def negated(self) -> _Marks:
        return self._make("negated", lambda: _Marks(_NEGATED, _NEGATED_AT, self.text))

    @property
    def title_marks(self) -> list[int]:
        return self._make("titles", lambda: [m.start() for m in _TITLE_MARK.finditer(self.text)])

    def sentence_end(self, pos: int) -> int:
        """Return the first sentence end at or after ``pos``, or the end of the text."""
        return self._make("sentence", lambda: _Ahead(_SENTENCE_END, self.text)).next(pos)

    def clause_end(self, pos: int) -> int:
        return self._make("clause", lambda: _Ahead(_CLAUSE_END, self.text)).next(pos)

    def last_before(self, pattern: re.Pattern, pos: int) -> int:
        """Return the last match of a one-character ``pattern`` before ``pos``, or -1.

        Read on the reversed text, from ``pos`` back to that match only.
        """
        n = len(self.text)
        m = pattern.search(self.reversed, n - pos)
        return n - 1 - m.start() if m else -1

    def after_commas(self, pos: int) -> int:
        """Return the first position at or after ``pos`` that is not a comma."""
        m = _NOT_COMMA.search(self.text, pos)
        return m.start() if m else len(self.text)


def find_owners(text: str) -> list[str]:
    """Return the actor phrases ``text`` charges with acting, in order, no repeats."""
    t = _Text(text)
    found: list[tuple[int, str]] = []
    for pattern in (_after_boundaries(_OWNER_AT_START, _OWNER, text), _OWNER_INSIDE.finditer(text),
                    _DUTY.finditer(text)):
        for m in pattern:
            group = m.lastgroup
            if group and _is_actor(m.group(group)):
                found.append((m.start(group), m.group(group)))
    found_at: dict[int, list[str]] = {}
    for at, np in found:
        found_at.setdefault(at, []).append(np)
    for m in _after_boundaries(_SUBJECT_AT_START, _SUBJECT, text):
        if m["s"] in found_at.get(m.start("s"), ()):
            continue  # the first passes found it already
        if _is_actor(m["s"]) and (_charged_later(t, m.end()) or _goes_on_a_series(t, m.start("s"), found_at)):
            found.append((m.start("s"), m["s"]))
            found_at.setdefault(m.start("s"), []).append(m["s"])
    return _dedupe(found)


def _after_boundaries(at_start: re.Pattern, after: re.Pattern, text: str):
    """Yield the clause matches of ``text``: ``at_start`` at its start, then ``after`` (the
    same clause behind the boundary character it opens on) from there, as one finditer would
    yield a pattern that opens on a lookbehind for the start or a boundary."""
    first = at_start.match(text)
    if first:
        yield first
    yield from after.finditer(text, first.end() if first else 0)


def _goes_on_a_series(t: _Text, pos: int, found_at: dict[int, list[str]]) -> bool:
    """Return whether the clause at ``pos`` goes on from a charged clause just before it.

    "新建学校要加大绿化力度，改造学校搞好补植": the second actor, of the same kind as the
    first (same last two characters), takes the first one's order. The clause before
    starts after the last boundary that precedes the commas before ``pos``.
    """
    text = t.text
    if pos == 0 or text[pos - 1] not in "，,":
        return False
    commas = t.last_before(_NOT_COMMA, pos) + 1
    start = t.last_before(_BOUNDARY, commas) + 1
    this = _SUBJECT_AT_START.match(text, pos)
    return bool(this) and any(np[-2:] == this["s"][-2:] for np in found_at.get(start, ()))


@functools.lru_cache(maxsize=4096)  # a speech names the same actors again and again
def _is_actor(np: str) -> bool:
    if len(np) < 2 or _NOT_OWNER.match(np) or "总书记" in np:
        return False
    if _NOT_OWNER_START.match(np) and not np.startswith("应急"):  # 应 orders, 应急管理厅 acts
        return False
    if np[0] in "（(" or _LABEL_END.search(np):
        return False  # （责任单位：…: the label, not the office it names
    if np.endswith("系统") and not _SECTOR_SYSTEM.search(np):
        return False  # 安全风险监测预警系统: a thing to build, not an office
    # a counted or numbered phrase is a thing to produce (培养一批骨干教师), not an actor
    return not _COUNTED.search(np)


_LABEL_END = re.compile(cues.alternation(tuple(w for w in cues.DUTY_LABELS if w[-2:] in ("单位", "部门"))) + "$")
_SECTOR_SYSTEM = re.compile(
    "^" + cues.alternation(cues.GROUP_DETERMINERS) + "|" + cues.alternation(cues.SECTOR_SYSTEMS) + "系统$")
_COUNTED = re.compile(r"[0-9%]|(?<!每)一[批支名所个些项]|第.{1,3}批")


def _charged_later(t: _Text, pos: int) -> bool:
    """Return whether the sentence goes on from ``pos`` to order its subject to act.

    The order must stand in the subject's own clause, or in a later clause that goes on
    with the same subject; a clause about a thing (…的工作台帐) or a past event is not one.
    The clauses are the comma-separated runs of the sentence from ``pos`` on; the first
    is read as it stands, a later one by its verdict, found once per text.
    """
    text = t.text
    end = t.sentence_end(pos)
    if t.past.within(pos, end):
        return False
    start = pos
    if start < end and text[start] in "，,":
        start = min(t.after_commas(start), end)
    if start >= end:
        return False
    first_end = t.clause_end(start)
    verdict = _clause_verdict(text[start:first_end], first=True)
    if verdict is not None:
        return verdict
    later = _decisive_clause(t, _next_clause(t, first_end, end), end)
    return bool(later is not None and t.verdicts[(later, False)])


def _clause_verdict(words: str, first: bool) -> bool | None:
    """Return whether the clause ``words`` charges the subject, or None: read on."""
    if first and "的" in words:
        return False
    order = _ORDER.search(words)
    if order and _SPEAKER_SIDE.search(words, 0, order.start()):
        return False  # …四中教学楼我们今年都要启用: the order is the speaker's own
    if order or (_DEADLINES.found_in(words) and find_deadlines(words)):
        return first or bool(_GOES_ON.match(words))
    return None


def _next_clause(t: _Text, clause_end: int, sentence_end: int) -> int | None:
    """Return where the clause after the one ending at ``clause_end`` starts, if in the sentence."""
    if clause_end >= sentence_end:
        return None
    after = t.after_commas(clause_end)
    return after if after < sentence_end else None


def _decisive_clause(t: _Text, start: int | None, sentence_end: int) -> int | None:
    """Return the start of the first clause from ``start`` on with a verdict (memoised).

    Every clause of a sentence is judged once per text, however many subjects read it.
    """
    walked: list[int] = []
    found = None
    while start is not None:
        if start in t.decisive:
            found = t.decisive[start]
            break
        walked.append(start)
        clause_end = t.clause_end(start)
        key = (start, False)
        if key not in t.verdicts:
            t.verdicts[key] = _clause_verdict(t.text[start:clause_end], first=False)
        if t.verdicts[key] is not None:
            found = start
            break
        start = _next_clause(t, clause_end, sentence_end)
    for at in walked:
        t.decisive[at] = found
    return found


def find_deadlines(text: str) -> list[str]:
    """Return the time limits set in ``text``: bounded periods and targeted dates."""
    t = _Text(text)
    found: list[tuple[int, str]] = []
    for m in _DEADLINES.finditer(text):
        before, after = text[max(0, m.start() - 4):m.start()], text[m.end():m.end() + 4]
        if _NOT_BEFORE.search(before) or _NOT_AFTER.match(after) or _in_title(t, m.start()):
            continue
        kind, span, start = m.lastgroup, m.group(), m.start()
        if kind == "end":
            start = _subject_start(text, m.start())
            if m.start() - start < 2:
                continue
            span = text[start:m.end()]
        if kind == "this" and not _this_year_bounds(text, m.end()):
            continue
        if kind == "season":
            if not (_YEAR_AT.match(span) or _BOUNDED.search(span) or "学期" in span):
                continue  # 秋季招生: a season, no limit
            kind = "year" if _YEAR_AT.match(span) and not _BOUNDED.search(span) else kind
        clause_end = t.clause_end(m.end())
        if t.negated.within(m.end(), clause_end):
            continue  # 年内全市教育干部暂不调整: no work to finish
        if kind in ("month", "year") and not _BOUNDED.search(span):
            if t.past.within(m.end(), clause_end) or _PAST.search(before):
                continue
            strong = (_STRONG_BEFORE.search(before) or _AFTER.match(after) or _schedules(t, m)
                      or _BRACKETED_END.search(before) and after[:1] in "）)")
            if not strong and not (_WEAK_BEFORE.search(before) and _future_in_sentence(t, m.end())):
                continue
        found.append((start, span))
    return _dedupe(found)


_YEAR_AT = re.compile(_YEAR)
# A stage's schedule in brackets, its end closing them: （2024年7月）, （3月1日—3月15日）
_BRACKETED_END = re.compile(r"[（(—－~～至]$")
_STEP_YEAR = re.compile(rf"{_YEAR}(?:[，,：:]|  )")
_MARKER_BEFORE = re.compile(r"\s*(?:\d{1,2}[.．、)）]|[（(][一二三四五六七八九十\d]{1,3}[）)]|[一二三四五六七八九十]{1,3}[、是要]|第[一二三四五六七八九十]{1,3}[，,、]?)\s*")


def _schedules(t: _Text, m: re.Match) -> bool:
    """A year heading a step of a plan (1.2025年，建成10个示范点): right behind the item's
    marker, or opening a clause of a sentence that looks ahead (…。2025年，要建成…); a
    comma or colon follows it and its sentence tells no past event (2023年，我们建成了…).
    A year opening a report's sentence (2024年，全县共受理信访举报326件) schedules nothing."""
    start = m.start()
    if not _STEP_YEAR.match(t.text, start):
        return False
    if _MARKER_BEFORE.fullmatch(t.text, 0, start):
        pass  # the step's own year
    elif start and t.text[start - 1] not in "，,。；;：:！？!?\n 、" or not _future_in_sentence(t, m.end()):
        return False
    return not t.past.within(m.end(), t.sentence_end(m.end()))


def _this_year_bounds(text: str, pos: int) -> bool:
    if _THIS_YEAR_MODAL.match(text, pos):
        return True
    m = _THIS_YEAR_ACTOR.match(text, pos)
    return bool(m and _is_actor(m["a"]))


def _in_title(t: _Text, pos: int) -> bool:
    """Return whether ``pos`` is inside 《…》: the name of a document, not a time limit."""
    i = bisect_left(t.title_marks, pos) - 1
    last = t.title_marks[i] if i >= 0 else -1
    return last >= 0 and t.text[last] == "《"


def _future_in_sentence(t: _Text, pos: int) -> bool:
    """Return whether the sentence around ``pos`` looks ahead (要, 将, 确保…)."""
    end = t.sentence_end(pos)
    if end not in t.futures:  # once per sentence; a lookbehind at its start sees a sentence end
        t.futures[end] = bool(_FUTURE.search(t.text, t.last_before(_SENTENCE_END, pos) + 1, end))
    return t.futures[end]


def _subject_start(text: str, pos: int) -> int:
    """Return where the event before ``结束前`` starts (主题教育结束前): ≤8 CJK characters back.

    It stops at a preposition, modal or particle (区住建局要在|汛期结束前): the event is a
    noun phrase, the words before it belong to the sentence.
    """
    start = pos
    while (start > 0 and pos - start < 8 and "\u4e00" <= text[start - 1] <= "\u9fff"
           and text[start - 1] not in cues.SUBJECT_STOPS):
        start -= 1
    return start


def _dedupe(found: list[tuple[int, str]]) -> list[str]:
    """Drop repeats and spans contained in a longer one; keep document order.

    Each distinct span stays at its first place unless another distinct span holds it.
    Linear in the spans found: a long item names the same actors again and again, and
    whether a span is held by a longer one is a set look-up among the pieces, of the
    lengths the spans have, of every longer span (no pairwise comparison).
    """
    if len(found) < 2:  # most items: nothing to sort or compare
        return [span for _, span in found]
    distinct = list(dict.fromkeys(span for _, span in sorted(found)))
    if len(distinct) < 2:
        return distinct
    lengths = sorted({len(span) for span in distinct})
    held: set[str] = set()
    for longer in distinct:
        for n in lengths:
            if n >= len(longer):
                break
            held.update(longer[i:i + n] for i in range(len(longer) - n + 1))
    return [span for span in distinct if span not in held]


# --- owner roles (README §6) ---------------------------------------------------------

_ROLE_LABEL = re.compile(cues.alternation(tuple(cues.ROLE_LABELS)) + r"[：:]\s*$")
# the role word follows the actor closely, before any modal (省市有关部门要密切配合 leads)
_ROLE_AFTER = re.compile(r"[^，,。；;要将]{0,4}?" + cues.alternation(tuple(cues.ROLE_AFTER)))
_ROLE_BEFORE = re.compile(cues.alternation(tuple(cues.ROLE_BEFORE)) + "$")
_PERSON = re.compile(cues.alternation(cues.PERSON_ENDS) + "$")
_NOT_PERSON = re.compile(cues.alternation(cues.NOT_PERSONS))
_PERSON_TITLE = re.compile(cues.alternation(cues.PERSON_TITLES) + "$")
_PERSON_WORD = re.compile(r"[^，,。；;]{0,2}?" + cues.alternation(cues.PERSON_WORDS))
_HEAD_AT_END = re.compile(_HEAD + "$")


def owner_roles(text: str, owners: list[str]) -> list[tuple[str, str]]:
    """Return each owner's part in the work: ``(name, role)``, role lead, co or person.

    Read where the owner first stands in ``text``: the label in front of it (牵头单位：,
    配合单位：, 责任人：), a word of helping before it (会同 B), or the word after it
    (A牵头, B、C配合, A负责, B协助, 张明同志负总责). A named person (…同志, not 全体同志)
    or an office holder who answers in person (分管副县长负总责) is a person; any other
    actor is a lead. A label's
    list and a list of helpers are given name by name where every name ends on an actor
    head (农牧厅、林草局、人社厅), else as one name (发改、财政部门).
    """
    roles: list[tuple[str, str]] = []
    for owner in owners:
        at = text.find(owner)
        role = _role_at(text, at, owner) if at >= 0 else cues.LEAD
        names = owner.split("、")
        if len(names) < 2 or not all(_HEAD_AT_END.search(name) for name in names):
            names = [owner]
        for name in names:
            named = cues.PERSON if _is_person(text, at, name, role) else role
            if (name, named) not in roles:
                roles.append((name, named))
    return roles


def _is_person(text: str, at: int, name: str, role: str) -> bool:
    """A named person (张明同志), or an office holder who answers in person (分管副县长负总责)."""
    if role == cues.PERSON:
        return True
    if role == cues.CO or _NOT_PERSON.match(name):
        return False
    if _PERSON.search(name):
        return True
    after = text[at + len(name):at + len(name) + 6] if at >= 0 else ""
    return bool(_PERSON_TITLE.search(name) and _PERSON_WORD.match(after))


def _role_at(text: str, at: int, owner: str) -> str:
    before = text[max(0, at - 8):at]
    label = _ROLE_LABEL.search(before)
    if label:
        return cues.ROLE_LABELS[label.group().rstrip("：: \t")]
    if _ROLE_BEFORE.search(before):
        return cues.CO
    after = _ROLE_AFTER.match(text, at + len(owner))
    if after:
        return cues.ROLE_AFTER.get(_role_word(after.group()), cues.LEAD)
    return cues.LEAD


def _role_word(span: str) -> str:
    """The role word a _ROLE_AFTER match ends on (the longest known ending)."""
    for size in (4, 3, 2):
        if span[-size:] in cues.ROLE_AFTER:
            return span[-size:]
    return ""
