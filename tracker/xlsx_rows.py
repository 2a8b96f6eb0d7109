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


def write_rows(out, rows, *, first_row, style_id, tone_of=None, wrap_widths=None, line_height=13.5):
    """Write ``rows`` (tuples of plain values) as <row> elements to binary file ``out``.

    ``style_id(column_index, tone, quoted)`` gives the cellXfs index of a cell;
    ``tone_of(values)`` picks a row's tone (None for plain). ``wrap_widths`` gives,
    per column, the usable width of a wrapping text column (None: not wrapped); each
    row then gets the height its longest cell needs, since neither LibreOffice nor WPS
    reliably fits row heights of a generated file. Return the number of rows.
    """
    letters = []
    number = first_row
    widths = list(wrap_widths or ())
    for values in rows:
        if len(letters) < len(values):
            letters = [get_column_letter(i) for i in range(1, len(values) + 1)]
            widths += [None] * (len(values) - len(widths))
        tone = tone_of(values) if tone_of else None
        lines = 1
        for index, value in enumerate(values):
            if widths[index] and isinstance(value, str) and value:
                lines = max(lines, text_lines(value, widths[index]))
        height = min(409, lines * line_height + 4)
        parts = [f'<row r="{number}" ht="{height:g}" customHeight="1">']
        for index, value in enumerate(values):
            ref = f"{letters[index]}{number}"
            if value is None or value == "":
                parts.append(f'<c r="{ref}" s="{style_id(index, tone, False)}"/>')
            elif isinstance(value, str):
                text, quoted = safe_text(value)
                parts.append(
                    f'<c r="{ref}" s="{style_id(index, tone, quoted)}" t="inlineStr">'
                    f'<is><t xml:space="preserve">{text.translate(_ESCAPES)}</t></is></c>'
                )
            elif isinstance(value, bool):
                parts.append(f'<c r="{ref}" s="{style_id(index, tone, False)}" t="b"><v>{int(value)}</v></c>')
            elif isinstance(value, (int, float)):
                if isinstance(value, float) and not math.isfinite(value):
                    parts.append(f'<c r="{ref}" s="{style_id(index, tone, False)}"/>')
                else:
                    parts.append(f'<c r="{ref}" s="{style_id(index, tone, False)}"><v>{value!r}</v></c>')
            elif isinstance(value, (date, datetime)):
                parts.append(f'<c r="{ref}" s="{style_id(index, tone, False)}"><v>{excel_serial(value)!r}</v></c>')
            else:
                raise TypeError(f"cannot write {type(value).__name__} to a cell")
        parts.append("</row>")
        out.write("".join(parts).encode("utf-8"))
        number += 1
    return number - first_row
