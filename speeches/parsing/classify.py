"""Decide each item's kind: directive, problem, achievement or other (README §5).

Why in this order: the guide judges an item by its own wording first and by the
part of the speech it stands in second. So each item gets a *wording* verdict
from its headline (strong order, problem, achievement, other, imperative-looking
or neutral) and a *context* from the text that introduces its list ("存在的问题和
不足：一是…") or, failing that, from its parent. The two are combined in
``_decide``; a last pass turns imperative-looking headings whose children all
report past work into achievements (review headings such as "总结经验，…").
"""
from __future__ import annotations

import re

from . import cues
from .document import ACHIEVEMENT, DIRECTIVE, OTHER, PROBLEM, Item, Speech

QUOTE = "quote"  # context only: a quoted speech or document, everything in it is other
META = "meta"  # context only: the speaker lists the parts of the speech (我讲三方面内容：一是…)

_FIRST_MARKER = re.compile(r"^[（(]?(?:一|1|①|其一|第一|首先|首要|一方面)(?![0-9十])")
_MARKER_YAO = re.compile(r"^[一二三四五六七八九十]+要$")
_MODAL_START = re.compile(cues.alternation(cues.MODAL_OPENERS))
_VERB_START = re.compile(cues.alternation(cues.DIRECTIVE_VERBS))
_PROBLEM = re.compile(cues.alternation(cues.PROBLEM_CUES))
_ACHIEVEMENT = re.compile(cues.alternation(cues.ACHIEVEMENT_CUES))
_REVIEW = re.compile(cues.alternation(cues.REVIEW_HEADING_CUES))
_QUOTE_LINE = re.compile(cues.alternation(cues.QUOTE_CUES) + r"[^\n。，]{0,16}$")
_PAST = re.compile(r"[\u4e00-\u9fff]了|已经|已")
_OTHER = re.compile(cues.alternation(cues.OTHER_CUES))
_OTHER_END = re.compile(cues.alternation(cues.OTHER_HEADING_ENDS) + r"[：:]?$")
_QUOTE_END = re.compile(cues.alternation(cues.QUOTE_CUES) + r"[：:]?$")
# A gap stated outright: no imperative verb in front makes it an order (规范办学意识有待加强).
_STRONG_PROBLEM = re.compile(cues.alternation(cues.GAP_WORDS) + "|有所" + cues.alternation(cues.GAP_AFTER_YOUSUO))
# A heading that asks to understand the situation or the significance: an order itself,
# but its points analyse (一、统一思想，充分认识…重要意义 / 认清形势，明确任务).
_ANALYSIS_HEADING = re.compile(cues.alternation(cues.GRASP_VERBS) + r"[^，,。；;]{0,20}" + cues.alternation(cues.GRASP_OBJECTS))
_LEAD_OTHER_SENTENCE = re.compile(cues.LEAD_OTHER_SENTENCE)
_LEADS = (  # checked in this order on the sentence that introduces a list
    (QUOTE, re.compile(cues.alternation(cues.LEAD_QUOTE) + r"[：:]$")),
    (PROBLEM, re.compile(cues.alternation(cues.LEAD_PROBLEM))),
    (ACHIEVEMENT, re.compile(cues.alternation(cues.LEAD_ACHIEVEMENT))),
    (OTHER, re.compile(cues.alternation(cues.LEAD_OTHER))),
    (DIRECTIVE, re.compile(cues.yao_guard(cues.NO_ORDER_YAO) + cues.alternation(cues.LEAD_DIRECTIVE))),  # not 主要
)
_THIRD_PARTY = re.compile(cues.alternation(cues.THIRD_PARTY))
_LEAD_META = re.compile(cues.LEAD_META)
_LEAD_MARKER = re.compile(r"^\s*(?:[一二三四五六七八九十]+[是要、]|[（(][一二三四五六七八九十\d]+[）)]|\d+[、.．])[，,]?")
_PROBLEM_LEAD_STRONG = re.compile("存在|面临|不足|差距|短板|薄弱|突出问题|哪些问题|啥问题")
_LEAD_PAST = re.compile(cues.LEAD_PAST)
_LEAD_ORDER = re.compile(cues.LEAD_ORDER)
_STRUCTURAL = ("section", "subsection")
# The year a heading names (2024年工作回顾) and the date a speech gives in its header.
_HEADING_YEAR = re.compile(r"((?:19|20)\d\d)年")
_SPEECH_DATE = re.compile(r"((?:19|20)\d\d)年\d{1,2}月\d{1,2}日")
_HEADER_CHARS = 300
# A heading of a year's work that plans it (2025年工作安排), not one that looks back.
_PLAN_WORDS = re.compile("安排|任务|部署|计划|目标|打算|思路|要求|举措|重点|展望|建议")
_CLAUSE_END = re.compile(r"[。！？!?；;：:\n]")
_MODAL_IN_BODY = re.compile(
    "|".join((cues.order_yao(cues.NO_ORDER_YAO),) + cues.ORDER_WORDS + cues.AIM_WORDS + (cues.FUTURE_WORD,)))
# A sentence right after a list that sums it up as results (这些成绩的取得，离不开…).
_TRAILING_REVIEW = re.compile(cues.alternation(cues.RESULTS_SUMMED_UP))
_HEADLINE_ORDER = re.compile("|".join(cues.HEADLINE_ORDERS))
_REPORT_ORDER = re.compile("|".join(cues.REPORT_ORDER_COUNT))
_PAST_IN_BODY = re.compile("|".join(("了", "已") + cues.REPORT_WORDS))
_PAST_ASPECT = re.compile("了|已")
# A document that plans work: its neutral parts (组织领导, 保障措施) are measures.
_PLAN_TITLE = re.compile(r"(?:方案|计划|规划|实施意见|工作要点|行动)$")
_MARKER_PUNCT = "，,、：:. ．"
LEAD_CHARS = 80
HEAD_CHARS = 30  # a scraped heading may run into its body: judge its opening only
REPORT_ORDERS_PER_1000 = 2.5  # speeches giving orders say 要/必须 3–22 times per 1000 chars


def classify(speech: Speech) -> None:
    """Set ``kind`` on every item of ``speech`` (items must be in document order)."""
    items = speech.items
    by_id = {it.id: it for it in items}
    next_start = _next_starts(speech)
    context: dict[str, str | None] = {}
    list_context: dict[str | None, str | None] = {}
    report = _reads_as_report(speech)
    plan = bool(_PLAN_TITLE.search(speech.title or ""))
    year = _speech_year(speech, next_start)
    wordings: dict[str, str] = {}
    for it in items:
        parent = by_id.get(it.parent) if it.parent else None
        head = _headline(speech.text, it, next_start[it.id])
        body = speech.text[it.start:next_start[it.id]]
        if len(body) - len(it.marker) - len(head) < 8:  # a bare heading: read its whole part
            body = speech.text[it.start:max(it.end, next_start[it.id])]
        if _FIRST_MARKER.match(it.marker) or it.parent not in list_context:
            list_context[it.parent] = _lead_kind(speech.text, it, parent)
        ctx, speaker, ordered = list_context[it.parent] or (None, False, False)
        inherited = context.get(parent.id) if parent else None
        if ctx is None or (inherited == QUOTE and not speaker):
            ctx = inherited
        elif ctx == DIRECTIVE and inherited in (ACHIEVEMENT, PROBLEM) and not ordered:
            ctx = inherited  # 按照…要求，我们重点抓了五方面工作： inside a review still reviews
        wordings[it.id] = _wording(it, head)
        if it.family in _STRUCTURAL and _past_year_heading(head, year) and wordings[it.id] != "strong":
            wordings[it.id] = ACHIEVEMENT
        it.kind, context[it.id] = _decide(it, head, body, ctx, report, wordings[it.id], plan)
    _trailing_review(speech.text, items, next_start, wordings)
    _review_headings(items)


def _next_starts(speech: Speech) -> dict[str, int]:
    """Return, per item, where the next item starts (the end of its body)."""
    ends = {}
    items = speech.items
    for i, it in enumerate(items):
        nxt = items[i + 1].start if i + 1 < len(items) else len(speech.text)
        ends[it.id] = max(it.own_end, nxt) if nxt > it.start else it.own_end
    return ends


def _headline(text: str, it: Item, body_end: int) -> str:
    """Return the item's headline: its title, or the first clause after the marker."""
    if it.title:
        return it.title
    s = it.start + len(it.marker)
    while s < body_end and text[s] in _MARKER_PUNCT:
        s += 1
    m = _CLAUSE_END.search(text, s, body_end)
    return text[s:m.start() if m else min(body_end, s + 60)]


def _lead_kind(text: str, it: Item, parent: Item | None) -> tuple[str, bool, bool] | None:
    """Return the kind announced by the sentence just before a list's first member.

    The first flag says the speaker announces it in their own voice (no 书记/会议/指出…),
    which ends a quoted passage; the second that the sentence gives an order (要, 下一步,
    今年…), without which a directive-looking lead inside a review stays a review.
    """
    lo = max(parent.start if parent else 0, it.start - LEAD_CHARS)
    lead = text[lo:it.start].rstrip()
    if not lead:
        return None
    if _LEAD_OTHER_SENTENCE.search(lead):
        return OTHER, True, False
    last_line = lead[lead.rfind("\n") + 1:]
    if len(last_line) <= 40 and "。" not in last_line and _QUOTE_LINE.search(last_line):
        return QUOTE, False, False  # "# 教育部2024年工作要点(10个方面55点)" standing above the list
    # the announcing sentence ends with a colon, comma or question right before the list
    if lead[-1] not in "：:，,？?":
        return None
    cut = max(lead.rfind(c) for c in "。！!\n")
    sentence = lead[cut + 1:]
    ordered = bool(_LEAD_ORDER.search(sentence))
    inline = "\n" not in text[lo + len(lead):it.start] and it.family not in _STRUCTURAL
    if inline and _LEAD_META.search(sentence):
        return META, True, False  # 下面，我讲三方面内容：一是… (a list of sections, also one a
        # flattened page glued to the lead, is the speech itself: no meta list)
    for kind, pattern in _LEADS:
        if kind == PROBLEM and (ordered or _VERB_START.match(_LEAD_MARKER.sub("", sentence))) \
                and not _PROBLEM_LEAD_STRONG.search(sentence):
            continue  # 二要强化隐患排查：一是…: an order that names a problem word, no list of problems
        if kind == ACHIEVEMENT and not ordered and _LEAD_PAST.search(sentence):
            return ACHIEVEMENT, True, False  # 主要做了以下工作：
        if pattern.search(sentence):
            return kind, kind != QUOTE and not _THIRD_PARTY.search(sentence), ordered
    if not ordered and _LEAD_PAST.search(sentence):
        return ACHIEVEMENT, True, False
    return None


def _speech_year(speech: Speech, next_start: dict[str, int]) -> int | None:
    """Return the year the speech is given in: its header's date, else the latest year
    its section headings name (一、2024年工作回顾 … 二、2025年工作安排: 2025)."""
    date = _SPEECH_DATE.search(speech.text, 0, _HEADER_CHARS)
    if date:
        return int(date.group(1))
    years = [int(y) for it in speech.items if it.family in _STRUCTURAL
             for y in _HEADING_YEAR.findall(it.title or "")]
    return max(years) if len(set(years)) > 1 else None


def _past_year_heading(head: str, year: int | None) -> bool:
    """A heading of a year before the speech's that does not plan it: a review."""
    if year is None:
        return False
    found = _HEADING_YEAR.search(head[:HEAD_CHARS])
    return bool(found and int(found.group(1)) < year and not _PLAN_WORDS.search(head))


def _wording(it: Item, head: str) -> str:
    """Classify the headline alone: strong/problem/achievement/other/imperative/neutral."""
    head = head[:HEAD_CHARS]
    if _MARKER_YAO.match(it.marker) or _MODAL_START.match(head):
        return "strong"
    if _QUOTE_END.search(head) and not _VERB_START.match(head):
        return QUOTE
    if _OTHER.search(head) or (_OTHER_END.search(head) and not _VERB_START.match(head)):
        return OTHER
    if _STRONG_PROBLEM.search(head) or (_PROBLEM.search(head) and not _VERB_START.match(head)):
        return PROBLEM
    if _REVIEW.search(head):
        return ACHIEVEMENT
    if _VERB_START.match(head) and not _PAST.search(head):
        return "imperative"
    if _ACHIEVEMENT.search(head):
        return ACHIEVEMENT
    if _VERB_START.match(head) or _HEADLINE_ORDER.search(head):
        return "imperative"
    return "neutral"


def _decide(
    it: Item, head: str, body: str, ctx: str | None, report: bool, w: str | None = None, plan: bool = False
) -> tuple[str, str | None]:
    """Combine wording and context; return (kind, context handed to children)."""
    if ctx == QUOTE:
        return OTHER, QUOTE
    if ctx == META:
        return OTHER, None
    w = w or _wording(it, head)
    if w == "strong" and ctx == ACHIEVEMENT and _PAST.search(head[:HEAD_CHARS]):
        return ACHIEVEMENT, ACHIEVEMENT  # 确保了粮食安全, told in a review
    if w == QUOTE:
        return OTHER, QUOTE
    if w in ("strong", "imperative", "neutral") and _ANALYSIS_HEADING.search(head[:HEAD_CHARS]):
        return DIRECTIVE, OTHER
    if w == "strong":
        return DIRECTIVE, DIRECTIVE
    if w in (PROBLEM, ACHIEVEMENT, OTHER):
        return w, w
    if w == "imperative":
        if ctx in (ACHIEVEMENT, PROBLEM, OTHER):
            return ctx, ctx
        if report and ctx is None:
            return ACHIEVEMENT, ACHIEVEMENT
        return DIRECTIVE, DIRECTIVE
    # a neutral headline ("办学条件极大改善"): a body telling what was done decides
    # in a plan (…方案, …计划) 成立, 出台, 印发 are measures to take: only 了 and 已 tell the past
    past = len((_PAST_ASPECT if plan else _PAST_IN_BODY).findall(body))
    orders = len(_MODAL_IN_BODY.findall(body))
    told = (past >= 2 and orders == 0) or past > max(3, 2 * orders)
    if told and ctx in (None, DIRECTIVE):
        return ACHIEVEMENT, ACHIEVEMENT
    if ctx is not None:
        return ctx, ctx
    if report and not plan:
        return ACHIEVEMENT, ACHIEVEMENT
    if orders >= past or not body:
        return DIRECTIVE, DIRECTIVE
    return ACHIEVEMENT, ACHIEVEMENT


def _reads_as_report(speech: Speech) -> bool:
    """Tell a third-person report of measures taken (经验材料) from a speech giving orders.

    A report's items read like orders ("健全工作机构") but their bodies tell what
    was done and almost never say 要/必须, and no heading is an explicit order (一要…, 要…).
    """
    if not speech.items:
        return False
    if any(_MARKER_YAO.match(it.marker) or _MODAL_START.match(it.title or "") for it in speech.items):
        return False
    last = max(it.end for it in speech.items)
    body = speech.text[speech.items[0].start:last]
    orders = len(_REPORT_ORDER.findall(body))
    return len(body) > 1000 and orders * 1000 < len(body) * REPORT_ORDERS_PER_1000


def _trailing_review(text: str, items: list[Item], next_start: dict[str, int], wordings: dict[str, str]) -> None:
    """Turn the members of a list that the speaker sums up as results into achievements.

    ``…九是激励机制不断优化。…这些成绩的取得，离不开…``: the sentence after a list's
    last member tells its members reported results, also those whose headline alone
    (``教学质量持续提升``) reads neutral. Members worded as orders, problems or
    analysis keep their kind.
    """
    lists: dict[tuple[str | None, str], list[Item]] = {}
    for it in items:
        lists.setdefault((it.parent, it.family), []).append(it)
    for members in lists.values():
        last = members[-1]
        if len(members) < 2 or not _TRAILING_REVIEW.search(text, last.start + len(last.marker), next_start[last.id]):
            continue
        for it in members:
            if it.kind == DIRECTIVE and wordings[it.id] in ("neutral", "imperative"):
                it.kind = ACHIEVEMENT


def _review_headings(items: list[Item]) -> None:
    """Turn an imperative-looking heading whose children all report past work into one."""
    children: dict[str, list[Item]] = {}
    for it in items:
        if it.parent:
            children.setdefault(it.parent, []).append(it)
    for it in reversed(items):
        kids = children.get(it.id)
        if it.kind == DIRECTIVE and kids and all(k.kind == ACHIEVEMENT for k in kids):
            if not _MARKER_YAO.match(it.marker) and not _MODAL_START.match(it.title or ""):
                it.kind = ACHIEVEMENT
