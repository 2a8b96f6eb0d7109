"""Make text safe to keep: ``\\n`` line endings, no NUL, no lone surrogate.

Every way text comes in (a decoded .txt, a .docx, pasted text, the meeting and speaker
fields, a file name given on the command line) passes through ``normalise_text`` before
anything reads or stores it. PostgreSQL cannot store U+0000 in a text column, and no
database driver can encode a surrogate code point (Python makes them of the bytes of
a command-line argument that are not UTF-8), so either would fail only at the save.
"""
from __future__ import annotations

import re

_SURROGATE = re.compile("[\ud800-\udfff]")


def normalise_text(text: str) -> str:
    """Return ``text`` with ``\\n`` line endings, NUL dropped and each surrogate replaced by U+FFFD.

    NUL is padding or damage, never a character of a speech, so it goes; a surrogate
    stands for a character that could not be read, which U+FFFD (�) still shows.
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "")
    return _SURROGATE.sub("\ufffd", text)
