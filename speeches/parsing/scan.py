"""Scan a text, at C speed, with a pattern that opens on a lookahead.

Why: the regex engine skips in its C loop the places where a pattern cannot begin
only when the pattern opens on a literal or a character class. A pattern that opens
on a lookahead (``(?=[一二三…])…``, written so to try its alternatives only where one
may begin) loses that: the engine enters the matcher at every position of the text.
``Scan`` finds the places where the pattern matches with a twin that opens on the
class of its first characters (the match read in a lookahead behind it) and then
reads each match with the pattern itself, as ``finditer`` would: the same matches,
in the same order, none overlapping.
"""
from __future__ import annotations

import re
from collections.abc import Iterator


class Scan:
    """``pattern.finditer`` for a pattern whose every match opens on one of ``first_chars``.

    ``first_chars`` is a regex that reads one character: a class, and it may look ahead
    at the next characters (``[一二…](?=[、是…])``) to pass over more places in C. It must
    hold wherever the pattern matches.
    """

    __slots__ = ("pattern", "_starts")

    def __init__(self, pattern: re.Pattern[str], first_chars: str) -> None:
        self.pattern = pattern
        # one character of the class, then a lookbehind over it that reads the whole match
        # from there: finditer reports each place where the pattern matches, overlaps too
        self._starts = re.compile(f"{first_chars}(?<=(?={pattern.pattern}).)", pattern.flags)

    def finditer(self, text: str) -> Iterator[re.Match[str]]:
        """Yield what ``pattern.finditer(text)`` yields (the pattern never matches empty)."""
        end = 0
        match = self.pattern.match
        for hit in self._starts.finditer(text):
            at = hit.start()
            if at >= end:
                found = match(text, at)
                end = found.end()
                yield found

    def found_in(self, text: str) -> bool:
        """Return ``bool(pattern.search(text))``, skipping in C where no match may open."""
        return self._starts.search(text) is not None
