"""Find the markers of a speech and build its outline: items, parents, levels, spans.

Two steps, each its own function:

1. ``find_markers`` scans the text once with ``markers.MARKER_SCAN`` and keeps the
   candidates whose context opens a point: at a line start, or inline after a
   boundary character its family admits; not inside a trap phrase or a short
   quotation; ordinal adverbs only where they form a series. On a flattened line
   (a page that lost its line breaks) a heading's marker sticks to the end of the
   heading before it (``…科学发展观(二)切实推进…``); there a marker with no boundary
   before it counts when its list goes on around it (``(一)`` … ``(二)``).
2. ``build_items`` places each marker in the tree. A section closes everything, a
   subsection all but the section; any other marker continues an open list of its
   family when its number follows on (二是 after 一是, 三要 after 二是), restarts a
   list at the same level when it starts over in a new paragraph, and otherwise
   nests under the deepest open item.
"""
from __future__ import annotations

import bisect
import functools
import re
from dataclasses import dataclass

from . import cues
from . import markers as mk
from .document import Item

# A paragraph ends at a line break or at two spaces (the break a flattened page lost).
_LINE_BREAK = re.compile("\n")
_TWO_SPACES = re.compile("  ")
SERIES_WINDOW = 3000  # chars within which a 首先 must meet its 其次, 一方面 its 另一方面
# A line this long is a page that lost its line breaks (README §4: a flattened page),
# and so is a speech of more than a few sentences that is one line from end to end.
FLAT_LINE = 3000
FLAT_SPEECH = 500
# On a flattened line, a marker with no boundary before it needs a neighbour of its
# list (number ± 1) within the series window, and not closer than a slogan's members
# (“争一、保二、不要三”).
LOOSE_MIN_GAP = 6
LOOSE_FAMILIES = frozenset({
    mk.SECTION, mk.SUBSECTION, mk.SHI_YAO, mk.QI, mk.DI, mk.ARABIC, mk.ARABIC_PAREN, mk.CIRCLED_FAMILY,
})
LOOSE_NEEDS_BOUNDARY = frozenset({mk.SECTION, mk.DI})  # their loose lists need a member with one
# An item's own text ends at its paragraph; a bare heading's runs on to the next item.
# Where neither comes soon (a flattened page, a long unnumbered tail) it stops at the
# last full stop before this many chars, so the per-item work of later stages stays
# bounded whatever the input.
OWN_TEXT_MAX = 4000
BARE_HEADING_MAX = 40
_FULL_STOP = "。！？!?；;"
NUMBER_GAP = 2
PROBLEM_LEAD_CHARS = 80
_PROBLEM_LEAD = re.compile(
    cues.alternation(cues.PROBLEM_LEAD_VERBS) + "[^。；;]{0,12}" + cues.alternation(cues.SHORTCOMINGS)
    + "|" + cues.alternation(cues.SHORTCOMING_PHRASES)
)
STRUCTURAL = (mk.SECTION, mk.SUBSECTION)  # 六是 … 八是: a skipped number still continues the list


@dataclass(slots=True)
class Marker:
    """One accepted marker: its family, ordinal, text and place in the speech."""

    family: str
    number: int
    text: str
    start: int
    paragraph: int  # index of the paragraph (line) it stands in
    line_start: bool  # it opens its paragraph
    loose: bool = False  # no boundary before it, on a flattened line: kept only in a list


@dataclass(slots=True)
class _Open:
    item: Item
    marker: Marker
    one_liner: bool = False  # a member of a run of bare heading lines
    colon_lead: bool = False  # its list was announced by a phrase ending in a colon


@functools.lru_cache(maxsize=4)
def line_index(text: str) -> "LineIndex":
    """Return the ``LineIndex`` of ``text``, built once per speech for every stage."""
    return LineIndex(text)


@functools.lru_cache(maxsize=4)
def paragraph_ends(text: str) -> tuple[int, ...]:
    """Return where each paragraph after the first starts (after a line break or two spaces).

    The ends of ``re.finditer("\\n|  ", text)``, found as two literal scans, which the
    engine runs as a fast substring search (a class or an alternation tests every
    character): a line break and a pair of spaces never overlap, so the pairs are those
    of the spaces alone.
    """
    ends = [m.end() for m in _LINE_BREAK.finditer(text)]
    if "  " in text:
        ends += [m.end() for m in _TWO_SPACES.finditer(text)]
        ends.sort()
    return tuple(ends)


class LineIndex:
    """Where each line of a text starts and ends, found by bisection (no rescans)."""

    __slots__ = ("_breaks", "_length")

    def __init__(self, text: str) -> None:
        self._breaks = [match.start() for match in re.finditer("\n", text)]
        self._length = len(text)

    def is_flat(self, position: int) -> bool:
        """Tell whether the line holding ``position`` is a page that lost its line breaks."""
        start, end = self.span(position)
        return end - start > FLAT_LINE or (not self._breaks and self._length > FLAT_SPEECH)

    def span(self, position: int) -> tuple[int, int]:
        """Return (start, end) of the line holding ``position``, end at its line break."""
        index = bisect.bisect_left(self._breaks, position)
        start = self._breaks[index - 1] + 1 if index else 0
        end = self._breaks[index] if index < len(self._breaks) else self._length
        return start, end


def find_markers(text: str) -> list[Marker]:
    """Return the markers of ``text`` that open points, in order."""
    breaks = paragraph_ends(text)
    blocked = _blocked_spans(text)
    lines = line_index(text)
    found: list[Marker] = []
    paragraph = 0
    for match in mk.MARKERS.finditer(text):
        start = match.start()
        paragraph = bisect.bisect_right(breaks, start, paragraph)  # breaks at or before the marker
        family = _family_of(match)
        line_start = _at_line_start(text, start)
        loose = False
        if not line_start and not _inline_allowed(text, start, family):
            if family not in LOOSE_FAMILIES or _numeral_follows(text, match.end()) or not lines.is_flat(start):
                continue
            loose = True
        if _inside(blocked, start, match.end()):
            continue
        found.append(Marker(family, _number_of(match, family), match.group(0), start, paragraph, line_start, loose))
    return _keep_series(_keep_loose_in_lists(found))


def build_items(text: str, found: list[Marker]) -> list[Item]:
    """Place markers in the tree and return the items with ids, parents, levels, spans."""
    paragraph_starts = (0,) + paragraph_ends(text)
    lines = line_index(text)
    items: list[Item] = []
    stack: list[_Open] = []
    last_paragraph = -1
    previous_marker: Marker | None = None
    has_children: set[str] = set()  # ids of the items something was placed under
    for marker in found:
        for paragraph in range(last_paragraph + 1, marker.paragraph + 1):
            _on_paragraph(text, paragraph_starts[paragraph], paragraph, marker, stack)
        last_paragraph = marker.paragraph
        flat = lines.is_flat(marker.start)
        colon_lead = _colon_lead(text, marker.start)
        if flat and marker.number == 1 and _problem_lead(text, marker.start, stack):
            while stack and stack[-1].marker.family not in STRUCTURAL:
                stack.pop()
        elif not flat and _problems_of_the_section(text, paragraph_starts, lines, marker, stack, has_children):
            while stack and stack[-1].marker.family != mk.SECTION:
                stack.pop()
        closed = _place(marker, stack, flat and colon_lead)
        if marker.number > 1 and closed is not None:
            colon_lead = closed.colon_lead
        parent = stack[-1].item if stack else None
        item = Item(
            id=str(len(items) + 1),
            marker=marker.text,
            family=marker.family,
            start=marker.start,
            end=len(text),
            own_end=len(text),
            parent=parent.id if parent else None,
            level=len(stack),
        )
        if parent:
            has_children.add(parent.id)
        one_liner = bool(items) and _continues_one_liners(text, lines, items[-1], previous_marker, marker, item)
        previous_marker = marker
        items.append(item)
        stack.append(_Open(item, marker, one_liner, colon_lead))
    _set_spans(text, lines, items)
    return items


def _problem_lead(text: str, start: int, stack: list[_Open]) -> bool:
    """Tell whether a list opens on its own sentence naming shortcomings.

    On a flattened page the sentence ``在肯定成绩的同时，…存在的问题和不足：`` before a
    list opened a paragraph of its own, after the last point of the list before: its
    problems are not points of that member (unless the member's headline announces them).
    """
    if not stack or stack[-1].marker.family in STRUCTURAL:
        return False
    lo = max(stack[-1].marker.start, start - PROBLEM_LEAD_CHARS)
    cut = max(text.rfind(c, lo, start - 1) for c in _FULL_STOP)
    if cut < 0:
        return False
    return bool(_PROBLEM_LEAD.search(text, cut + 1, start))


def _problems_of_the_section(
    text: str, paragraph_starts: tuple[int, ...], lines: LineIndex, marker: Marker, stack: list[_Open],
    has_children: set[str],
) -> bool:
    """Tell whether an inline list opens a paragraph of shortcomings of the whole section.

    ``…（五）以人为本，师资水平进一步提升 / 一是…二是… / 在看到成绩的同时，…还存在的问题：一是…``:
    the unnumbered paragraph that turns from a subsection's results to the problems speaks
    of the section, not of the last subsection; so does one after a subsection whose body
    stood on its own line (``（三）民生福祉不断增进。城镇新增就业…``). Not where the
    subsection is a bare heading with nothing under it yet (``（二）存在的问题`` itself).
    """
    if marker.line_start or marker.number != 1 or not stack:
        return False
    subsection = next((o for o in reversed(stack) if o.marker.family == mk.SUBSECTION), None)
    if subsection is None or subsection.marker.paragraph == marker.paragraph:
        return False
    heading_alone = _is_bare_heading_at(text, subsection.marker.start, lines.span(subsection.marker.start)[1])
    if heading_alone and subsection.item.id not in has_children:
        return False
    lead_start = paragraph_starts[marker.paragraph]
    return bool(_PROBLEM_LEAD.search(text, lead_start, marker.start))


def _colon_lead(text: str, start: int) -> bool:
    return start > 0 and text[start - 1] in "：:"


def _place(marker: Marker, stack: list[_Open], flat_colon: bool = False) -> _Open | None:
    """Pop the open items the new marker closes; what stays open is its ancestry.

    Return the open sibling the marker follows, if any. On a flattened page a list
    restarting in its own family behind a colon (``主要压力：一是…``) where its list
    was announced by a colon too (``主要动力：一是…``) is a parallel sibling list: its
    paragraph break was lost.
    """
    if marker.family == mk.SECTION:
        stack.clear()
        return None
    if marker.family == mk.SUBSECTION:
        while stack and stack[-1].marker.family != mk.SECTION:
            stack.pop()
        return None
    same = [i for i in range(len(stack) - 1, -1, -1) if stack[i].marker.family == marker.family]
    if _inner_list_of_other_suffix(marker, stack, same):
        same[0], same[1] = same[1], same[0]  # 三要 goes on from 二要, not from the 二是 right inside it
    for gap in (1, NUMBER_GAP):
        for level in same:
            previous = stack[level].marker.number
            duplicate = marker.number == previous > 1  # a typo repeats 三是: still a sibling
            if previous < marker.number <= previous + gap or duplicate or _is_final_adverb(marker):
                closed = stack[level]
                del stack[level:]
                return closed
    if same:
        level = same[0]
        parallel = flat_colon and stack[level].colon_lead
        restarts_here = marker.line_start or parallel or stack[level].marker.paragraph != marker.paragraph
        # A list nests inside a member of its own family once at most (一是 in 四是),
        # never deeper: that also keeps the stack, and the work per marker, bounded.
        nested_already = len(same) > 1
        if marker.number <= stack[level].marker.number and (restarts_here or nested_already):
            del stack[level:]
    return None


def _inner_list_of_other_suffix(marker: Marker, stack: list[_Open], same: list[int]) -> bool:
    """Tell whether the deepest open list of the marker's family is a 是-list right inside
    a 要-item (or the reverse) while the marker continues the outer one: 二要…：一是…二是…三要."""
    if marker.family != mk.SHI_YAO or len(same) < 2 or same[1] != same[0] - 1:
        return False
    inner, outer = stack[same[0]].marker, stack[same[1]].marker
    return inner.text[-1] != marker.text[-1] == outer.text[-1]


def _on_paragraph(text: str, start: int, paragraph: int, marker: Marker, stack: list[_Open]) -> None:
    """Close what a new paragraph closes before the marker is placed."""
    if paragraph == marker.paragraph and marker.line_start:
        return
    if mk.CLOSING_PARAGRAPH.match(text, start):
        stack.clear()
        return
    # An inline list lives in its paragraph: a new paragraph closes it.
    while stack and not stack[-1].marker.line_start and stack[-1].marker.family not in STRUCTURAL:
        stack.pop()
    if stack and _is_one_liner_run(stack[-1], paragraph):
        stack.pop()


def _is_one_liner_run(top: _Open, paragraph: int) -> bool:
    """Tell whether the open item ended a list of bare heading lines ((一)…(十) alone).

    Such a list has no bodies, so the unnumbered paragraph after its last member
    is not that member's body.
    """
    return top.one_liner and paragraph == top.marker.paragraph + 1


def _continues_one_liners(
    text: str, lines: LineIndex, previous: Item, before: Marker | None, marker: Marker, item: Item
) -> bool:
    """True when ``item`` directly follows a bare-line sibling and is bare itself."""
    return before is not None and (
        previous.parent == item.parent
        and previous.family == item.family
        and before.line_start
        and marker.line_start
        and before.paragraph == marker.paragraph - 1
        and _is_bare_heading_at(text, previous.start, lines.span(previous.start)[1])
        and _is_bare_heading_at(text, item.start, lines.span(item.start)[1])
    )


def _set_spans(text: str, lines: LineIndex, items: list[Item]) -> None:
    """Fill ``end`` (children included) and ``own_end`` (up to the next item)."""
    open_items: list[Item] = []
    for item in items:
        while open_items and open_items[-1].level >= item.level:
            open_items.pop().end = item.start
        open_items.append(item)
    for item in open_items:
        item.end = len(text)
    sections = _section_lists(items)
    for index, item in enumerate(items):
        next_start = items[index + 1].start if index + 1 < len(items) else len(text)
        line_start, line_end = lines.span(item.start)
        heading = (item.parent, item.family) in sections and item.start == line_start
        own_end = min(next_start, _own_text_end(text, line_end, item.start, next_start, heading))
        item.own_end = _bounded_own_end(text, item.start, own_end)


def _section_lists(items: list[Item]) -> set[tuple[str | None, str]]:
    """Return the (parent, family) of the structural lists that hold subsections.

    Where one 一、 of a list opens subsections, its siblings are section headings too,
    even one that lost the break after its headline (``三、…营造尊师重教气氛学生是…``)
    and has no subsection: its section is the body below it.
    """
    lists = set()
    for item, after in zip(items, items[1:]):
        if item.family in STRUCTURAL and after.parent == item.id:
            lists.add((item.parent, item.family))
    return lists


def _own_text_end(text: str, line_end: int, start: int, limit: int, heading: bool = False) -> int:
    """End of an item's own text: its line, or for a heading the body below it.

    A heading alone on its line, or a section heading at the start of its line, owns
    the unnumbered paragraphs after it up to the next item, except a closing
    同志们，… paragraph.
    """
    if not heading and not _is_bare_heading_at(text, start, line_end):
        return line_end
    closing = mk.CLOSING_PARAGRAPH.search(text, line_end, min(limit, start + OWN_TEXT_MAX))
    if closing:
        return closing.start()
    return limit


def _bounded_own_end(text: str, start: int, end: int) -> int:
    """Cut an own text longer than OWN_TEXT_MAX at its last full stop within the bound."""
    if end - start <= OWN_TEXT_MAX:
        return end
    bound = start + OWN_TEXT_MAX
    stop = max(text.rfind(mark, start, bound) for mark in _FULL_STOP)
    return stop + 1 if stop > start else bound


def _is_bare_heading_at(text: str, start: int, line_end: int) -> bool:
    """The line from ``start`` holds only a headline (≤ 40 chars, at most one final stop)."""
    return line_end - start <= 2 * BARE_HEADING_MAX and _is_bare_heading(text[start:line_end])


def _is_bare_heading(line: str) -> bool:
    """A marker line holding only a headline (≤ 40 chars, at most one final stop)."""
    body = line.rstrip("。；;：:！!")
    return len(body) <= BARE_HEADING_MAX and not re.search(r"[。；;！？!?]", body)


def _numeral_follows(text: str, end: int) -> bool:
    """``一、二类学科``: a numeral right behind the marker makes it part of a number."""
    return end < len(text) and (text[end] in mk.CN_DIGITS or text[end].isdecimal())


def _keep_loose_in_lists(found: list[Marker]) -> list[Marker]:
    """Keep a loose marker only beside a member of its list.

    Beside means the nearest marker of its family before or after it, numbered next
    in line (一 then 二), within the series window. Next but one (一是 … 三是, where
    二是 lost its boundary or a typo changed it) counts only when that neighbour has a
    boundary before it. A loose 第N or N、 needs a neighbour numbered next in line with
    a boundary: 排名第一，…第三， and 协调统一、…三、 occur in running text. One pass:
    per family the last marker seen.
    """
    if not any(marker.loose for marker in found):
        return found
    last: dict[str, int] = {}
    in_list = [False] * len(found)
    for index, marker in enumerate(found):
        before = last.get(marker.family)
        last[marker.family] = index
        if before is None:
            continue
        previous = found[before]
        if not LOOSE_MIN_GAP <= marker.start - previous.start <= SERIES_WINDOW:
            continue
        step = marker.number - previous.number
        in_list[index] = in_list[index] or _links(step, previous, marker)
        in_list[before] = in_list[before] or _links(step, marker, previous)
    return [marker for marker, listed in zip(found, in_list) if listed or not marker.loose]


def _links(step: int, neighbour: Marker, marker: Marker) -> bool:
    """Tell whether ``neighbour``, ``step`` numbers from ``marker``, vouches for it."""
    if marker.family in LOOSE_NEEDS_BOUNDARY:
        return step == 1 and not neighbour.loose
    return step == 1 or (step == NUMBER_GAP and not neighbour.loose)


def _keep_series(found: list[Marker]) -> list[Marker]:
    """Drop ordinal adverbs that do not enumerate: a 首先 with no 其次, a lone 一方面."""
    keep = [True] * len(found)
    structural = [0]  # structural[k]: sections and subsections among found[:k]
    for marker in found:
        structural.append(structural[-1] + (marker.family in STRUCTURAL))
    for family, order in ((mk.ADVERB, mk.ADVERB_ORDER), (mk.FANGMIAN, mk.FANGMIAN_ORDER)):
        members = [i for i, marker in enumerate(found) if marker.family == family]
        series: list[int] = []
        for i in members + [None]:
            follows = (
                i is not None
                and series
                and order[found[i].text] > order[found[series[-1]].text]
                and (order[found[i].text] != mk.ADVERB_ORDER["最后"] or len(series) >= 2)
                and found[i].start - found[series[-1]].start <= SERIES_WINDOW
                and structural[i] == structural[series[-1] + 1]
            )
            if follows:
                series.append(i)
                continue
            if len(series) < 2:
                for j in series:
                    keep[j] = False
            series = [i] if i is not None and order[found[i].text] == 1 else []
            if i is not None and not series:
                keep[i] = False
    return [marker for marker, kept in zip(found, keep) if kept]


def _is_final_adverb(marker: Marker) -> bool:
    return marker.family == mk.ADVERB and marker.text == "最后"


def _family_of(match: re.Match[str]) -> str:
    """Return the family that matched: its outer group is the last one to close."""
    if match.lastgroup not in mk.FAMILY_BY_NAME:
        raise ValueError(f"no family matched {match.group(0)!r}")
    return match.lastgroup


def _number_of(match: re.Match[str], family: str) -> int:
    if family == mk.ADVERB:
        return mk.ADVERB_ORDER[match.group(0)]
    if family == mk.FANGMIAN:
        return mk.FANGMIAN_ORDER[match.group(0)]
    digits = next(filter(None, map(match.group, mk.NUMBER_GROUPS[family])), None)
    return mk.cn_number(digits) if digits else 1


def _at_line_start(text: str, start: int) -> bool:
    """True when only blanks or list bullets (# * ·) stand between a line start and here."""
    i = start - 1
    while i >= 0 and text[i] in " \t#*·":
        i -= 1
    return i < 0 or text[i] == "\n" or text.startswith("  ", i)


def _inline_allowed(text: str, start: int, family: str) -> bool:
    allowed = mk.FAMILY_BY_NAME[family].inline
    previous = text[start - 1] if start else "\n"
    if allowed is None:
        return False
    if previous in mk.STRONG_BOUNDARY or previous == " ":
        return True
    return allowed == "weak" and previous in mk.WEAK_BOUNDARY


def _blocked_spans(text: str) -> list[tuple[int, int]]:
    spans = [m.span() for m in mk.TRAP_SCAN.finditer(text)]
    spans += [(m.start() + 1, m.end()) for m in mk.SHORT_QUOTE.finditer(text)]
    return sorted(spans)


def _inside(spans: list[tuple[int, int]], start: int, end: int) -> bool:
    """Tell whether [start, end) overlaps a blocked span (spans sorted, each short)."""
    index = bisect.bisect_left(spans, (end,))
    return any(spans[i][1] > start for i in range(max(0, index - 4), index))
