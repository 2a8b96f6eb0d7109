"""Cut each item's headline (README §4, field ``title``).

The title is the text after the marker (and after a comma or colon right behind
it) up to the first 。；;！？： , line break or the start of the next item. A page
that flattened its paragraphs marks the lost break with two spaces; that ends a
title too (``三、加强领导，确保…取得实效  第一，…``).
"""
from __future__ import annotations

import re

from . import cues
from . import markers as mk
from .document import Item, Speech
from .outline import LineIndex, line_index

CLAUSE_END = re.compile(r"[，,。；;：:！？!?\n]")
TITLE_END = re.compile(r"[。；;！？!?：:\n]|  ")
LEADING = " ，,：:、.．"
# A speech flattened into one huge line lost the break after each heading, so its
# headings run into their bodies (README §4: ``…充分认识整治工作的重要意义近年来，…``). There
# a body opening with a time phrase shows where the heading evidently ended.
BODY_OPENER = re.compile(
    f"(?:{cues.alternation(cues.BODY_TIME_OPENERS)}|" + r"(?:19|20)[\dXx]{2}年)"
    r"(?=[^，,。]{0,6}[，,]|是)"
)
MIN_HEADING = 4
# Adverbials that open a body, not a heading, wherever they stand after its start:
# purpose (为确保…), basis (根据…), a span of years (近年来…).
BODY_ADVERBIAL = re.compile(cues.alternation(cues.BODY_ADVERBIALS))
# A subject that opens a body sentence: the actor of the whole speech (全市…, 各单位…)
# followed, within its clause, by a modal or a past/copula predicate.
BODY_SUBJECT = re.compile(cues.alternation(cues.SPEECH_WIDE_SUBJECTS) + r"(?=[^，,。；;]{0,16}(?:要|已经|是))")
# A body sentence whose subject repeats a word of the heading (``全面推进学校文化建设``
# + ``文化是学校的灵魂``) has a predicate in its first clause: 是, 作为, 已经…, or opens
# on 在 (``习总书记在…讲话``).
SUBJECT_PREDICATE = re.compile(cues.alternation(cues.SUBJECT_PREDICATES) + "|后$")
# A short unnumbered sub-heading (``对照标准找问题。``) opens the body of a heading whose
# break was lost: it starts on a verb and is the whole sentence up to ``。``.
SUBHEADING_MIN, SUBHEADING_MAX = 5, 16
HEADING_MIN, HEADING_MAX = 6, 30  # a heading is short: look for its end in this window
_VERB = re.compile(cues.alternation(tuple(v for v in cues.DIRECTIVE_VERBS if len(v) > 1)))
_NOT_SUBHEADING = re.compile(r"要|是|了|的")
# A body may open on a four-plus-four couplet (``百年大计,教育为本。``, ``国运兴衰,系于
# 教育。``); the second part of a heading starts on a verb (``…,狠抓落实``) instead.
COUPLET = re.compile(r"([\u4e00-\u9fff]{4})[，,]([\u4e00-\u9fff]{4})")
COUPLET_HEADING_MIN = 8
HEADING_FAMILIES = frozenset({mk.SECTION, mk.SUBSECTION, mk.ARABIC})


def cut_titles(speech: Speech) -> None:
    """Set ``title`` on every item of the speech."""
    items = speech.items
    lines = line_index(speech.text)
    for index, item in enumerate(items):
        next_start = items[index + 1].start if index + 1 < len(items) else len(speech.text)
        item.title = title_of(speech.text, item, next_start, lines)


def title_of(text: str, item: Item, limit: int, lines: LineIndex | None = None) -> str:
    """Return the headline of ``item``: from behind its marker to the first title end."""
    start = item.start + len(item.marker)
    while start < limit and text[start] in LEADING:
        start += 1
    end = TITLE_END.search(text, start, limit)
    stop = end.start() if end else limit
    if (lines or LineIndex(text)).is_flat(item.start):
        stop = heading_end(text, start, stop, item.family in HEADING_FAMILIES)
    return text[start:stop].strip(" ，,、")


def heading_end(text: str, start: int, stop: int, heading: bool = True) -> int:
    """Return where a heading that ran into its body on a flattened page ends.

    ``text[start:stop]`` runs from behind the marker to the first title end. The
    heading ends at the earliest place where evidently a body begins: a time phrase
    or an adverbial opening a sentence, a subject with its predicate, a subject that
    repeats a word of the heading, a 4+4 couplet or a short sub-heading that fills the
    sentence. The last two only behind a numbered heading (一、 （一） 1、): an inline
    point is a sentence (``必须力求创新,改革推进``).
    """
    cuts = [stop]
    window = min(stop, start + HEADING_MAX)
    opener = BODY_OPENER.search(text, start + MIN_HEADING, stop)
    if opener:
        cuts.append(opener.start())
    for pattern in (BODY_ADVERBIAL, BODY_SUBJECT):
        found = pattern.search(text, start + HEADING_MIN, stop)
        if found and found.start() < window:
            cuts.append(found.start())
    repeated = _repeated_subject(text, start, window)
    if repeated is not None:
        cuts.append(repeated)
    if heading:
        couplet, sub = _couplet(text, start, stop), _subheading(text, start, stop)
        cuts += [cut for cut in (couplet, sub) if cut is not None]
    return min(cuts)


def _repeated_subject(text: str, start: int, stop: int) -> int | None:
    """Return where a body sentence opens on a word of the heading, with a predicate."""
    for p in range(start + HEADING_MIN, stop - 1):
        if text[p - 1] in "，,、" or text[p:p + 2] not in text[start:p]:
            continue
        size = 2
        while p + size < stop and text[p:p + size + 1] in text[start:p]:
            size += 1
        clause_end = CLAUSE_END.search(text, p, len(text))
        clause = text[p + size:clause_end.start() if clause_end else len(text)]
        if clause.startswith("在") or SUBJECT_PREDICATE.search(clause[:12]):
            return p
    return None


def _couplet(text: str, start: int, stop: int) -> int | None:
    """Return where a 4+4 couplet filling the rest of the sentence begins."""
    p = stop - 9
    if p - start < COUPLET_HEADING_MIN or text[p - 1] in "，,、" or stop >= len(text) or text[stop] not in "。；;":
        return None
    found = COUPLET.fullmatch(text, p, stop)
    if not found or "的" in found.group(0) or _VERB.match(found.group(1)) or _VERB.match(found.group(2)):
        return None
    return p


def _subheading(text: str, start: int, stop: int) -> int | None:
    """Return where a short verb-object sub-heading filling the sentence begins.

    Only behind a two-part heading (``突出抓督导,力促义务教育优质均衡`` + ``对照标准找
    问题。``): its second part starts on a verb and so does the sub-heading, the
    rightmost verb that leaves it 5 to 16 characters wins. A sentence (要…) is no heading.
    """
    if stop >= len(text) or text[stop] != "。" or text[start] == "要":
        return None
    clause = max(text.rfind(c, start, stop) for c in "，,") + 1
    if clause <= start:
        return None
    for p in range(stop - SUBHEADING_MIN, max(clause + MIN_HEADING, stop - SUBHEADING_MAX) - 1, -1):
        if _VERB.match(text, p) and not _NOT_SUBHEADING.search(text, p, stop):
            return p
    return None

