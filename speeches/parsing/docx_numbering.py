"""Render the list numbers that Word generates, so they appear in the extracted text.

When a speech is written in Word with automatic numbering, "一、" and "（二）" are not in
the paragraph text at all: they live in numbering.xml and Word draws them. Without them
the outline parser would see headings with no markers, so we compute the marker each
numbered paragraph shows and prefix it to the paragraph's text.

Counters follow Word: lists (w:num) that point to the same abstract definition share
one set of counters, a w:startOverride restarts its level the first time its list is
used, and using a level restarts the deeper levels (or those whose w:lvlRestart says so).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def w(tag: str) -> str:
    """Return the Clark name of a WordprocessingML tag: w("p") -> "{…/main}p"."""
    return f"{{{W_NS}}}{tag}"


_DIGITS = "〇一二三四五六七八九"  # digit by digit: 二〇二四
_COUNTING = "零一二三四五六七八九"  # with units: 一百零五
_LEGAL_DIGITS = "零壹贰叁肆伍陆柒捌玖"
_HEAVENLY_STEMS = "甲乙丙丁戊己庚辛壬癸"
_EARTHLY_BRANCHES = "子丑寅卯辰巳午未申酉戌亥"
_PLACEHOLDER = re.compile(r"%([1-9])")


def chinese_number(n: int, digits: str = _COUNTING, units: str = "十百千") -> str:
    """Return n (1..9999) as Chinese numerals the way a list shows them: 十一, 一百零五."""
    if n <= 0 or n > 9999:
        return str(n)
    parts, zero = [], False
    for power, unit in ((1000, units[2]), (100, units[1]), (10, units[0]), (1, "")):
        digit, n = divmod(n, power)
        if digit:
            if zero:
                parts.append(digits[0])
            parts.append(digits[digit] + unit)
            zero = False
        elif parts:
            zero = True
    text = "".join(parts)
    # 一十一 is written 十一 when it stands at the front.
    return text[1:] if text.startswith(digits[1] + units[0]) and units[0] == "十" else text


def _circled(n: int) -> str:
    if 1 <= n <= 20:
        return chr(0x2460 + n - 1)
    if 21 <= n <= 35:
        return chr(0x3251 + n - 21)
    if 36 <= n <= 50:
        return chr(0x32B1 + n - 36)
    return str(n)


def _roman(n: int) -> str:
    if not 0 < n < 4000:
        return str(n)
    out = []
    for value, letters in (
        (1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"),
        (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I"),
    ):
        count, n = divmod(n, value)
        out.append(letters * count)
    return "".join(out)


def _letter(n: int) -> str:
    # Word repeats the letter: a … z, aa … zz.
    return chr(ord("A") + (n - 1) % 26) * ((n - 1) // 26 + 1) if n > 0 else str(n)


def _cycle(symbols: str):
    return lambda n: symbols[(n - 1) % len(symbols)] if n > 0 else str(n)


FORMATS = {
    "decimal": str,
    "decimalZero": lambda n: f"{n:02d}",
    "decimalFullWidth": lambda n: str(n).translate(str.maketrans("0123456789", "０１２３４５６７８９")),
    "decimalEnclosedCircle": _circled,
    "decimalEnclosedCircleChinese": _circled,
    "decimalEnclosedFullstop": lambda n: chr(0x2488 + n - 1) if 1 <= n <= 20 else f"{n}.",
    "decimalEnclosedParen": lambda n: chr(0x2474 + n - 1) if 1 <= n <= 20 else f"({n})",
    "chineseCounting": chinese_number,
    "chineseCountingThousand": chinese_number,
    "taiwaneseCounting": chinese_number,
    "taiwaneseCountingThousand": chinese_number,
    "japaneseCounting": chinese_number,
    "ideographDigital": lambda n: "".join(_DIGITS[int(d)] for d in str(n)),
    "chineseLegalSimplified": lambda n: chinese_number(n, _LEGAL_DIGITS, "拾佰仟"),
    "ideographLegalTraditional": lambda n: chinese_number(n, "零壹貳參肆伍陸柒捌玖", "拾佰仟"),
    "ideographTraditional": _cycle(_HEAVENLY_STEMS),
    "ideographZodiac": _cycle(_EARTHLY_BRANCHES),
    "upperRoman": _roman,
    "lowerRoman": lambda n: _roman(n).lower(),
    "upperLetter": _letter,
    "lowerLetter": lambda n: _letter(n).lower(),
}


@dataclass(slots=True)
class Level:
    start: int = 1
    fmt: str = "decimal"
    text: str = ""
    restart: int | None = None  # w:lvlRestart; None: restart after any shallower level
    legal: bool = False  # w:isLgl: show every level's number in decimal
    suffix: str = "tab"


@dataclass(slots=True)
class Numbering:
    """The numbering definitions of one document and the counters while reading it."""

    abstract_levels: dict[str, dict[int, Level]] = field(default_factory=dict)
    num_abstract: dict[str, str] = field(default_factory=dict)
    num_overrides: dict[str, dict[int, int]] = field(default_factory=dict)
    counters: dict[str, dict[int, int]] = field(default_factory=dict)
    started: set[str] = field(default_factory=set)

    @classmethod
    def from_xml(cls, root) -> Numbering:
        """Read numbering.xml's root element (None when the document has no lists)."""
        numbering = cls()
        if root is None:
            return numbering
        style_links = {}
        for abstract in root.iter(w("abstractNum")):
            abstract_id = abstract.get(w("abstractNumId"))
            numbering.abstract_levels[abstract_id] = {
                int(lvl.get(w("ilvl"), "0")): _read_level(lvl) for lvl in abstract.iter(w("lvl"))
            }
            link = abstract.find(w("styleLink"))
            if link is not None:
                style_links[link.get(w("val"))] = abstract_id
        for abstract in root.iter(w("abstractNum")):
            # A list style (numStyleLink) borrows the levels of the definition it names.
            link = abstract.find(w("numStyleLink"))
            if link is not None and link.get(w("val")) in style_links:
                source = style_links[link.get(w("val"))]
                numbering.abstract_levels[abstract.get(w("abstractNumId"))] = numbering.abstract_levels[source]
        for num in root.iter(w("num")):
            num_id = num.get(w("numId"))
            ref = num.find(w("abstractNumId"))
            if ref is None:
                continue
            numbering.num_abstract[num_id] = ref.get(w("val"))
            overrides = {}
            for override in num.iter(w("lvlOverride")):
                start = override.find(w("startOverride"))
                if start is not None:
                    overrides[int(override.get(w("ilvl"), "0"))] = int(start.get(w("val"), "1"))
            numbering.num_overrides[num_id] = overrides
        return numbering

    def next_marker(self, num_id: str, ilvl: int) -> str:
        """Count one paragraph of list ``num_id`` at level ``ilvl``; return its marker.

        Return "" for bullets, unknown lists and levels without a visible number.
        """
        abstract_id = self.num_abstract.get(num_id)
        levels = self.abstract_levels.get(abstract_id)
        if not levels or ilvl not in levels:
            return ""
        counters = self.counters.setdefault(abstract_id, {})
        if num_id not in self.started:
            self.started.add(num_id)
            for level_index, start in self.num_overrides.get(num_id, {}).items():
                counters[level_index] = start - 1
        counters[ilvl] = counters.get(ilvl, levels[ilvl].start - 1) + 1
        for deeper, level in levels.items():
            restart_below = deeper if level.restart is None else level.restart
            if deeper > ilvl and ilvl < restart_below:
                counters.pop(deeper, None)
        return self._render(levels, counters, ilvl)

    @staticmethod
    def _render(levels: dict[int, Level], counters: dict[int, int], ilvl: int) -> str:
        level = levels[ilvl]
        if level.fmt == "bullet":
            return ""

        def number(match: re.Match) -> str:
            index = int(match.group(1)) - 1
            shown = levels.get(index, Level())
            value = counters.get(index, shown.start)
            fmt = "decimal" if level.legal and index < ilvl else shown.fmt
            if fmt == "none":
                return ""
            return FORMATS.get(fmt, str)(value)

        marker = _PLACEHOLDER.sub(number, level.text).strip()
        if not marker or level.suffix == "nothing" or _runs_into_text(marker):
            return marker
        return marker + " "


def _runs_into_text(marker: str) -> bool:
    # "一、", "（一）" and "①" run straight into the heading, as typed speeches write them.
    last = marker[-1]
    return last in "、，,.．)）:：]】" or "\u2460" <= last <= "\u24ff" or "\u3251" <= last <= "\u32bf"


def _read_level(lvl) -> Level:
    def val(tag: str) -> str | None:
        element = lvl.find(w(tag))
        return None if element is None else element.get(w("val"))

    restart = val("lvlRestart")
    legal = lvl.find(w("isLgl"))
    return Level(
        start=int(val("start") or 1),
        fmt=val("numFmt") or "decimal",
        text=val("lvlText") or "",
        restart=None if restart is None else int(restart),
        legal=legal is not None and legal.get(w("val"), "1") not in ("0", "false", "off"),
        suffix=val("suff") or "tab",
    )
