"""Stream worksheet rows as SpreadsheetML, a few microseconds a cell.

Pure: no Django, no openpyxl objects per cell. openpyxl's write-only mode builds a Cell
and an XML element for every cell, which costs about 100 µs a cell here: 16 columns
by 100,000 rows would take minutes. The ledger's data rows are plain (numbers, dates,
text, one style per column and row tone), so they are written as text straight to a
file, and xlsx_ledger splices them into the sheet openpyxl wrote around them.

What a cell becomes: None or "" an empty styled cell (borders, fills stay); str an
inline string (``t="inlineStr"``), made safe by ``safe_text``; int/float a number;
date/datetime an Excel serial number (the style gives it its date format); bool a
boolean.
"""
from __future__ import annotations

import math
import re
from datetime import date, datetime

from openpyxl.utils import get_column_letter

EXCEL_CELL_MAX = 32767
# Excel and WPS evaluate a cell typed in with one of these first characters; a text
# that starts with one is written with Excel's quote prefix (shown as typed, never
# evaluated, and the value reads back unchanged).
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\x00")
# Characters XML 1.0 cannot hold; NUL is among them.
_ILLEGAL_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_EPOCH = datetime(1899, 12, 30)
_EPOCH_ORDINAL = _EPOCH.toordinal()
_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", "\r": "&#13;"})


def safe_text(value: str) -> tuple[str, bool]:
    """Return (text fit for a cell, whether it must be shown as literal text).

    Characters XML cannot carry are dropped; the text is cut to Excel's cell limit;
    a text that opens with a formula trigger is flagged for the quote prefix.
    """
    risky = value.startswith(FORMULA_TRIGGERS)
    text = _ILLEGAL_XML.sub("", value)
    if len(text) > EXCEL_CELL_MAX:
        text = text[: EXCEL_CELL_MAX - 1] + "…"
    return text, risky or text.startswith(FORMULA_TRIGGERS)


def excel_serial(value):
    """Return a date or a naive datetime as Excel's serial day number (1900 date system)."""
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            raise ValueError("Excel has no time zones: convert to local time without tzinfo first")
        delta = value - _EPOCH
        return delta.days + delta.seconds / 86400 + delta.microseconds / 86400e6
    return value.toordinal() - _EPOCH_ORDINAL


def text_lines(text, width):
    """Return how many lines ``text`` wraps to in a column ``width`` characters wide.

    A CJK character is about two character widths, a Latin one about one; UTF-8 spends
    three bytes on the first and one on the second, so the byte count gives the display
    width without a loop over characters.
    """
    lines = 0
    for paragraph in text.split("\n"):
        shown = (len(paragraph) + len(paragraph.encode("utf-8"))) / 2
        lines += max(1, math.ceil(shown / width))
    return lines


def write_rows(out, rows, *, first_row, style_id, tone_of=None, wrap_widths=None, line_height=13.5, padding=4):
    """Write ``rows`` (tuples of plain values) as <row> elements to binary file ``out``.

    ``style_id(column_index, tone, quoted)`` gives the cellXfs index of a cell;
    ``tone_of(values)`` picks a row's tone (None for plain). ``wrap_widths`` gives,
    per column, how many half-width characters a line of a wrapping text column holds
    (None: not wrapped); each row then gets the height its longest cell needs
    (``line_height`` a line and ``padding``), since neither LibreOffice nor WPS reliably
    fits row heights of a generated file. Return the number of rows.

    This loop runs for every cell of up to 100,000 rows, so it keeps per-cell work
    small: style ids are looked up once per (column, tone, quoted) and asked of
    ``style_id`` in the order cells first need them (that order numbers the styles);
    a short text that repeats (a department, a status) is made safe, escaped and
    measured once and then reused from a small per-column memo.
    """
    letters = []
    widths = []
    plains = {}  # tone -> per column 's="N"' of an unquoted cell (None until first needed)
    quoted_styles = {}  # (column, tone) -> 's="N"' of a quoted text cell
    memos = []  # per column: {text: (cell body after the style, wrapped line count, quoted key)}
    number = first_row
    write = out.write
    for values in rows:
        if len(letters) < len(values):
            letters = [get_column_letter(i) for i in range(1, len(values) + 1)]
            widths = list(wrap_widths or ()) + [None] * len(values)
            memos = [{} for _ in values]
            for plain in plains.values():
                plain += [None] * (len(letters) - len(plain))
        tone = tone_of(values) if tone_of else None
        plain = plains.get(tone)
        if plain is None:
            plain = plains[tone] = [None] * len(letters)
        row = str(number)
        lines = 1
        parts = []
        for index, value in enumerate(values):
            kind = type(value)
            if kind is not str and isinstance(value, str):
                value, kind = str(value), str
            if kind is str and value:
                memo = memos[index]
                found = memo.get(value)
                if found is None:
                    found = _text_cell(value, widths[index], index, tone, style_id, quoted_styles)
                    if found[2] is None and len(value) <= _MEMO_TEXT:
                        if len(memo) >= _MEMO_SIZE:
                            memo.clear()
                        memo[value] = found
                body, cell_lines, quoted_key = found
                if quoted_key is not None:
                    style = quoted_styles[quoted_key]
                else:
                    style = plain[index]
                    if style is None:
                        style = plain[index] = f's="{style_id(index, tone, False)}"'
                if cell_lines > lines:
                    lines = cell_lines
                parts.append(f'<c r="{letters[index]}{row}" {style}{body}')
                continue
            style = plain[index]
            if style is None:
                style = plain[index] = f's="{style_id(index, tone, False)}"'
            ref = f'<c r="{letters[index]}{row}" {style}'
            if value is None or value == "":
                parts.append(f"{ref}/>")
            elif kind is int:
                parts.append(f"{ref}><v>{value!r}</v></c>")
            elif isinstance(value, bool):
                parts.append(f'{ref} t="b"><v>{int(value)}</v></c>')
            elif isinstance(value, (int, float)):
                if isinstance(value, float) and not math.isfinite(value):
                    parts.append(f"{ref}/>")
                else:
                    parts.append(f"{ref}><v>{value!r}</v></c>")
            elif isinstance(value, (date, datetime)):
                parts.append(f"{ref}><v>{excel_serial(value)!r}</v></c>")
            else:
                raise TypeError(f"cannot write {type(value).__name__} to a cell")
        height = min(409, lines * line_height + padding)
        write(f'<row r="{row}" ht="{height:g}" customHeight="1">{"".join(parts)}</row>'.encode("utf-8"))
        number += 1
    return number - first_row


_MEMO_TEXT = 100  # texts up to this long are remembered per column ...
_MEMO_SIZE = 512  # ... this many per column, so the memo never grows with the rows
_XML_SPECIAL = re.compile(r"[&<>\r\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _text_cell(value, width, index, tone, style_id, quoted_styles):
    """Return (cell body after its style attribute, wrapped line count, quoted style key or None)."""
    if len(value) <= EXCEL_CELL_MAX and not value.startswith(FORMULA_TRIGGERS) and not _XML_SPECIAL.search(value):
        text, quoted = value, False  # the common case: nothing to drop, cut, flag or escape
    else:
        text, quoted = safe_text(value)
        text = text.translate(_ESCAPES)
    lines = text_lines(value, width) if width else 1
    body = f' t="inlineStr"><is><t xml:space="preserve">{text}</t></is></c>'
    if not quoted:
        return body, lines, None
    key = (index, tone)
    if key not in quoted_styles:
        quoted_styles[key] = f's="{style_id(index, tone, True)}"'
    return body, lines, key
