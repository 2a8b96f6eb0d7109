"""Split a cleaned document into its speeches, each with its title (GUIDE §1).

Three shapes occur in the wild:

- a file of lines where each speech opens with a title line (``在…会上的讲话``) or a
  separator (``第二篇：…``), possibly followed by more header lines;
- a collection flattened into one huge line with a table of contents at the front
  (``目录标题一 1标题二 24…``): the contents name the titles, the body repeats them;
- a teaser: a short block repeating a speech's title and opening, right before the
  real speech. It is dropped.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

SPEECH_WORDS = r"(?:讲话稿|讲话范文|讲话|发言|致辞)"
# "第二篇：" and friends separate the speeches of a collection.
SEPARATOR = re.compile(r"^\s*第[一二三四五六七八九十百\d]+篇\s*[：:]\s*")
# A line that is a speech title and nothing else.
TITLE_LINE = re.compile(rf"^(?:——)?[^。！？；，：:]{{0,60}}?在[^。！？；，：:]{{2,60}}{SPEECH_WORDS}$")
# A title that runs straight into the salutation on a page that lost the break.
TITLE_RUN_ON = re.compile(rf"^(在[^。！？；，：:]{{2,60}}?{SPEECH_WORDS})(?=同志们|各位|尊敬的)")
# Inside a separator line: the title ends at the first speech word if more follows.
TITLE_IN_LINE = re.compile(rf"^[^。！？；]{{2,80}}?{SPEECH_WORDS}(?=.)")
# Table of contents: "目录" then entries "title page" in a row.
TOC_HEAD = re.compile(r"目\s*录")
TOC_ENTRY = re.compile(rf"\s*([^。！？；]{{4,90}}?{SPEECH_WORDS})\s*\d{{1,4}}")
SALUTATION = re.compile(r"^(?:各位[^。，]{0,12}|尊敬的[^。]{0,20})?同志们[:：，,]?$")
TEASER_MAX_CHARS = 600
HEADER_LINE_MAX = 60


@dataclass(slots=True)
class SpeechSpan:
    """Where one speech lies in the cleaned document, and its title."""

    title: str
    start: int
    end: int


def split(text: str) -> list[SpeechSpan]:
    """Return the speeches of a cleaned document in order; [] when none is found."""
    spans = _split_by_contents(text)
    if not spans:
        spans = _split_by_lines(text)
    spans = _drop_teasers(text, spans)
    return [span for span in spans if text[span.start:span.end].strip()]


def _split_by_contents(text: str) -> list[SpeechSpan]:
    """Split a flattened collection by the titles its table of contents lists."""
    head = TOC_HEAD.search(text)
    if not head:
        return []
    titles: list[str] = []
    pos = head.end()
    while (entry := TOC_ENTRY.match(text, pos)) is not None:
        titles.append(entry.group(1).strip())
        pos = entry.end()
    if len(titles) < 2:
        return []
    starts: list[tuple[int, str]] = []
    for title in titles:
        found = text.find(title, pos)
        if found < 0:
            continue
        starts.append((found, title))
        pos = found + len(title)
    return [
        SpeechSpan(title, start, starts[i + 1][0] if i + 1 < len(starts) else len(text))
        for i, (start, title) in enumerate(starts)
    ]


def _split_by_lines(text: str) -> list[SpeechSpan]:
    """Split at separator and title lines; header lines right after a start belong to it."""
    spans: list[SpeechSpan] = []
    in_header = False
    offset = 0
    for line in text.split("\n"):
        title = _speech_title(line, in_header)
        if title is not None:
            if spans:
                spans[-1].end = offset
            spans.append(SpeechSpan(title, offset, len(text)))
            in_header = True
        elif in_header and not _is_header_line(line):
            in_header = False
        offset += len(line) + 1
    if not spans and text.strip():
        first = text.split("\n", 1)[0].strip()
        title = first if len(first) <= HEADER_LINE_MAX and "。" not in first else ""
        spans.append(SpeechSpan(title, 0, len(text)))
    return spans


def _speech_title(line: str, in_header: bool) -> str | None:
    """Return the title a line opens a speech with, or None if it opens none."""
    separator = SEPARATOR.match(line)
    if separator:
        rest = line[separator.end():].strip()
        cut = TITLE_IN_LINE.match(rest)
        return cut.group(0) if cut and len(rest) > HEADER_LINE_MAX else rest
    if in_header:
        return None
    stripped = line.strip()
    if TITLE_LINE.match(stripped):
        return stripped.lstrip("—")
    run_on = TITLE_RUN_ON.match(stripped)
    return run_on.group(1) if run_on else None


def _is_header_line(line: str) -> bool:
    """Tell whether a line still belongs to a speech's header (titles, author, date)."""
    stripped = line.strip()
    if SALUTATION.match(stripped):
        return True
    return len(stripped) <= HEADER_LINE_MAX and not re.search(r"[。！？；]", stripped)


def _drop_teasers(text: str, spans: list[SpeechSpan]) -> list[SpeechSpan]:
    """Drop a short block that only previews the speech right after it."""
    kept: list[SpeechSpan] = []
    for i, span in enumerate(spans):
        following = spans[i + 1] if i + 1 < len(spans) else None
        is_teaser = (
            following is not None
            and _same_title(span.title, following.title)
            and span.end - span.start <= TEASER_MAX_CHARS
        )
        if not is_teaser:
            kept.append(span)
    return kept


def _same_title(a: str, b: str) -> bool:
    a, b = re.sub(r"\s+", "", a), re.sub(r"\s+", "", b)
    return bool(a) and (a == b or a in b or b in a)
