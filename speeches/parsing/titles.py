"""Cut each item's headline (GUIDE §2, field ``title``).

The title is the text after the marker (and after a comma or colon right behind
it) up to the first 。；;！？： , line break or the start of the next item. A page
that flattened its paragraphs marks the lost break with two spaces; that ends a
title too (``三、加强领导，确保…取得实效  第一，…``).
"""
from __future__ import annotations

import re

from .document import Item, Speech
from .outline import LineIndex

TITLE_END = re.compile(r"[。；;！？!?：:\n]|  ")
LEADING = " ，,：:、.．"
# A speech flattened into one huge line lost the break after each heading, so its
# headings run into their bodies (GUIDE §2: ``上半年工作简要总结今年上半年…``). There
# a body opening with a time phrase shows where the heading evidently ended.
BODY_OPENER = re.compile(
    r"(?:今年|去年|近年来|近年|近几年|当前|目前|今后一段时期|一年来|多年来|(?:19|20)[\dXx]{2}年)"
    r"(?=[^，,。]{0,6}[，,]|是)"
)
MIN_HEADING = 4


def cut_titles(speech: Speech) -> None:
    """Set ``title`` on every item of the speech."""
    items = speech.items
    lines = LineIndex(speech.text)
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
        opener = BODY_OPENER.search(text, start + MIN_HEADING, stop)
        stop = opener.start() if opener else stop
    return text[start:stop].strip(" ，,、")

