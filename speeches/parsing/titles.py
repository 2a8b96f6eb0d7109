"""Cut each item's headline (GUIDE §2, field ``title``).

The title is the text after the marker (and after a comma or colon right behind
it) up to the first 。；;！？： , line break or the start of the next item. A page
that flattened its paragraphs marks the lost break with two spaces; that ends a
title too (``三、加强领导，确保…取得实效  第一，…``).
"""
from __future__ import annotations

import re

from .document import Item, Speech

TITLE_END = re.compile(r"[。；;！？!?：:\n]|  ")
LEADING = " ，,：:、.．"


def cut_titles(speech: Speech) -> None:
    """Set ``title`` on every item of the speech."""
    items = speech.items
    for index, item in enumerate(items):
        next_start = items[index + 1].start if index + 1 < len(items) else len(speech.text)
        item.title = title_of(speech.text, item, next_start)


def title_of(text: str, item: Item, limit: int) -> str:
    """Return the headline of ``item``: from behind its marker to the first title end."""
    start = item.start + len(item.marker)
    while start < limit and text[start] in LEADING:
        start += 1
    end = TITLE_END.search(text, start, limit)
    stop = end.start() if end else limit
    return text[start:stop].strip(" ，,、")
