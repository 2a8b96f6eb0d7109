"""Read the text of a PDF that has a text layer, in reading order, as the speech's paragraphs.

Two steps, kept apart so the second can be tested without a PDF:

1. ``pdf_pages``: PDFium (the engine of Chrome's PDF viewer, through pypdfium2) reads each
   page's text in its reading order, one entry per printed line, with the line's box.
   It is native code reading an uploaded file, so the web form and ``import_speech`` run
   it in a child process with a time and a memory limit (``speeches.pdf_process``, which
   runs this module's ``main``); it stops at ``max_pages`` and ``max_chars``.
2. ``pdf_text``: plain Python on those lines. It drops what the page layout adds to the
   speech — running heads and feet (a line repeated at the same height on most pages)
   and page numbers (— 3 —, 第 3 页, - 3 -, 3/12) — and joins the lines that the layout
   broke back into paragraphs, within a page and across a page break.

Joining: Chinese has no spaces, so a lost line break cannot be told from the words. A
line is joined to the one before unless the next one opens a new paragraph: it starts
with an outline marker (一、 （一） 1. 一是 …), it is indented where the document indents
its paragraphs' first lines, or the line before stops short of the right margin (a
paragraph's last line, a heading, a title). Where the document does not indent its
paragraphs, a line ending a sentence (。！？：；」”) ends its paragraph too. Without
usable boxes (a rotated page) only the words decide: a line that does not end a sentence
and a next line that opens no marker are one paragraph.
"""
from __future__ import annotations

import json
import math
import re
import sys
from collections import Counter
from dataclasses import dataclass, field
from itertools import pairwise

from .document import BadPdf, EmptyInput, InputTooLarge, PdfWithoutText
from .normalise import normalise_text

MAX_PAGES = 300  # settings.SPEECH_PDF_MAX_PAGES in the product
MAX_CHARS = 500_000  # settings.SPEECH_TEXT_MAX_CHARS in the product

BAD_PDF_MESSAGE = "无法读取该 PDF：文件已损坏或不是有效的 PDF 文件。请在原软件中重新导出 PDF，或上传 Word/文本格式。"
ENCRYPTED_MESSAGE = "该 PDF 设有打开密码，无法读取。请去掉密码后再上传，或上传 Word/文本格式。"
NO_TEXT_MESSAGE = "该 PDF 没有文字层（可能是扫描件），请上传 Word 或文本格式，或先做文字识别。"
MOSTLY_NO_TEXT_MESSAGE = (
    "该 PDF 的 {pages} 页中有 {blank} 页没有文字层（可能是扫描件），无法完整读取。"
    "请上传 Word 或文本格式，或先做文字识别。")
TOO_MANY_PAGES_MESSAGE = "该 PDF 共 {pages} 页，超过 {limit} 页的上限，请分篇上传。"
TOO_MANY_CHARS_MESSAGE = "该 PDF 中的文字超过 {limit:,} 字的上限，请分篇上传。"

# A page with fewer characters than this (page numbers and heads gone) counts as having no text.
_BLANK_PAGE_CHARS = 10


@dataclass(slots=True)
class Line:
    """One printed line: its text and its box in points, y upwards as in PDF (None where unknown)."""

    text: str
    left: float | None = None
    bottom: float | None = None
    right: float | None = None
    top: float | None = None

    @property
    def height(self) -> float:
        return self.top - self.bottom


@dataclass(slots=True)
class Page:
    width: float
    height: float
    lines: list[Line] = field(default_factory=list)
    rotated: bool = False  # the boxes do not run left to right, top to bottom


# --- step 1: PDFium --------------------------------------------------------------------

def pdf_pages(data: bytes, *, max_pages: int = MAX_PAGES, max_chars: int = MAX_CHARS) -> list[Page]:
    """Return the pages of the PDF ``data``, each with its lines in reading order.

    Raise BadPdf for a damaged or password-protected file and InputTooLarge past
    ``max_pages`` pages or ``max_chars`` characters (counted as they are read, so a
    huge file stops early).
    """
    import pypdfium2 as pdfium  # imported here: only the reading process needs the native library
    import pypdfium2.raw as pdfium_c

    try:
        document = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as error:
        raise BadPdf(ENCRYPTED_MESSAGE if error.err_code == pdfium_c.FPDF_ERR_PASSWORD else BAD_PDF_MESSAGE) from None
    try:
        count = len(document)
        if count > max_pages:
            raise InputTooLarge(TOO_MANY_PAGES_MESSAGE.format(pages=count, limit=max_pages))
        pages, chars = [], 0
        for index in range(count):
            page = _read_page(document, index, pdfium_c)
            chars += sum(len(line.text) for line in page.lines)
            # the heads, feet and page numbers still count here: allow for them
            if chars > max_chars + max_chars // 20:
                raise InputTooLarge(TOO_MANY_CHARS_MESSAGE.format(limit=max_chars))
            pages.append(page)
        return pages
    except pdfium.PdfiumError:
        raise BadPdf(BAD_PDF_MESSAGE) from None
    finally:
        document.close()


_PDFIUM_BREAK = re.compile(r"\r\n|\r|\n")


def _read_page(document, index: int, pdfium_c) -> Page:
    page = document[index]
    try:
        width, height = page.get_size()
        rotated = page.get_rotation() % 360 != 0
        textpage = page.get_textpage()
        try:
            text = textpage.get_text_range()
            lines = []
            # PDFium's text is UTF-16 code units, one per character of its list, with the
            # line breaks it infers (\r\n) among them; offsets count those units.
            offset = 0
            for piece, end in _pieces(text):
                units = len(piece) + sum(1 for char in piece if ord(char) > 0xFFFF)
                stripped = piece.strip()
                if stripped:
                    lead = len(piece) - len(piece.lstrip())
                    first = offset + len(piece[:lead].encode("utf-16-le")) // 2
                    last = offset + units - 1 - len(piece[len(piece.rstrip()):].encode("utf-16-le")) // 2
                    lines.append(_line(textpage, stripped, first, last, pdfium_c))
                offset += units + len(end)
        finally:
            textpage.close()
    finally:
        page.close()
    return Page(width=width, height=height, lines=lines, rotated=rotated)


def _pieces(text: str):
    """Yield (line, the break after it) of PDFium's text."""
    start = 0
    for match in _PDFIUM_BREAK.finditer(text):
        yield text[start:match.start()], match.group()
        start = match.end()
    yield text[start:], ""


def _line(textpage, text: str, first: int, last: int, pdfium_c) -> Line:
    """The line ``text`` with the box from its first character's left to its last one's right."""
    boxes = []
    for text_index in (first, last):
        char = pdfium_c.FPDFText_GetCharIndexFromTextIndex(textpage.raw, text_index)
        if char < 0:
            return Line(text)
        boxes.append(textpage.get_charbox(char, loose=True))
    (left, bottom_1, _, top_1), (_, bottom_2, right, top_2) = boxes
    if not all(map(math.isfinite, (left, right, bottom_1, bottom_2, top_1, top_2))) or right < left:
        return Line(text)
    return Line(text, left=left, bottom=min(bottom_1, bottom_2), right=right, top=max(top_1, top_2))


# --- step 2: from lines to paragraphs ------------------------------------------------

# Page numbers as printed: — 3 —, - 3 -, ·3·, 3, 第 3 页, 第3页 共12页, 共12页 第3页, 3/12, 3 / 12, Page 3 of 12.
_DASHES = r"[\s\-—–－‐―─~～·•・]*"
_PAGE_NUMBER = re.compile(
    rf"{_DASHES}\d{{1,4}}{_DASHES}"
    r"|第\s*\d{1,4}\s*页\s*[,，、/]?\s*(?:共\s*\d{1,4}\s*页)?"
    r"|共\s*\d{1,4}\s*页\s*[,，、/]?\s*第\s*\d{1,4}\s*页"
    r"|\d{1,4}\s*/\s*\d{1,4}"
    r"|(?i:page)\s*\d{1,4}(?:\s*(?:of|/)\s*\d{1,4})?")
_OUTER_LINES = 2  # how many lines at the top and at the bottom of a page may be a head or a foot
_OUTER_BAND = 0.2  # … and only within this share of the page's height from its edge
_SAME_HEIGHT = 4.0  # points: a running head sits at the same height on every page

_SENTENCE_END = tuple("。！？：；」”!?;:…")
# An outline marker at the start of a line: 一、 （一） (一) 1. 1． 1、 （1） 1) ① 一是 一要 第一， 其一， 首先，
_CN = "一二三四五六七八九十百"
_MARKER_START = re.compile(
    rf"[{_CN}]+、|[（(][{_CN}]+[）)]|[（(]\d{{1,3}}[）)]|\d{{1,3}}(?:[.．](?!\d)|、|\))|[①-⑳]"
    rf"|[{_CN}]+[是要][，,：:]?|第[{_CN}]+[，,、是：:]|其[{_CN}][，,、]|(?:首先|其次|再次|最后|另一方面|一方面)[，,]")
_HAN = r"\u3000-\u303f\u3400-\u9fff\uf900-\ufaff\uff00-\uffef"
# PDFium puts a space where the layout left a gap: between Chinese and Latin letters or digits
# (第 3 项, 9 月底前) and in justified lines. Chinese has none of its own.
_SPACE_BY_HAN = re.compile(rf"(?<=[{_HAN}])[ \t\u00a0]+|[ \t\u00a0]+(?=[{_HAN}])")
_INVISIBLE = re.compile("[\x00-\x08\x0b-\x1f\x7f\u00ad\ufffe\uffff]")


def pdf_text(pages: list[Page]) -> str:
    """Return the speech's text: heads, feet and page numbers dropped, broken lines joined.

    Raise PdfWithoutText when the pages carry no text (a scan), or hardly any on most pages.
    """
    if not pages:
        raise EmptyInput("该 PDF 没有页面。")
    pages = [Page(page.width, page.height, [line for line in map(_clean, page.lines) if line.text], page.rotated)
             for page in pages]
    _drop_page_furniture(pages)
    blank = sum(1 for page in pages if sum(len(line.text) for line in page.lines) < _BLANK_PAGE_CHARS)
    if blank == len(pages):
        raise PdfWithoutText(NO_TEXT_MESSAGE)
    if len(pages) >= 2 and blank * 2 > len(pages):
        raise PdfWithoutText(MOSTLY_NO_TEXT_MESSAGE.format(pages=len(pages), blank=blank))
    return normalise_text("\n".join(_paragraphs(pages)))


def read_pdf(data: bytes, *, pages=pdf_pages) -> str:
    """Return the text of the PDF ``data``; ``pages`` reads its lines (in this process by default)."""
    return pdf_text(pages(data))


def _clean(line: Line) -> Line:
    text = _SPACE_BY_HAN.sub("", _INVISIBLE.sub("", line.text)).strip()
    return Line(text, line.left, line.bottom, line.right, line.top)


def _has_box(line: Line) -> bool:
    return line.left is not None and line.top is not None and line.top > line.bottom


def _boxed(page: Page) -> bool:
    return not page.rotated and page.height > 0 and bool(page.lines) and all(map(_has_box, page.lines))


def _outer_lines(page: Page) -> list[Line]:
    """The lines that may be a page number: the top and bottom few, near the page's edge.

    On a page without usable boxes, the first and the last line as read.
    """
    if not _boxed(page):
        return list({id(line): line for line in page.lines[:1] + page.lines[-1:]}.values())
    by_height = sorted(page.lines, key=lambda line: -line.top)
    band = page.height * _OUTER_BAND
    heads = [line for line in by_height[:_OUTER_LINES] if line.top > page.height - band]
    feet = [line for line in by_height[-_OUTER_LINES:] if line.bottom < band]
    return list({id(line): line for line in heads + feet}.values())


def _margin_lines(page: Page) -> list[Line]:
    """The lines that may be a running head or foot: a line or two near the page's top or
    bottom edge, set apart from the text block by a gap wider than the page's line spacing.

    A body line at the top or bottom of the page follows the line spacing and is never one,
    whatever it says, so a sentence that happens to recur at the same place is kept.
    """
    if not _boxed(page) or len(page.lines) < 2:
        return _outer_lines(page) if not _boxed(page) else []
    by_height = sorted(page.lines, key=lambda line: -line.top)
    gaps = [upper.bottom - lower.top for upper, lower in pairwise(by_height)]
    usual = sorted(gaps)[len(gaps) // 2]
    band = page.height * _OUTER_BAND
    found = []
    for count in range(1, _OUTER_LINES + 1):
        if count < len(by_height):
            head, below = by_height[:count], by_height[count]
            if head[0].top > page.height - band and _apart(gaps[count - 1], usual, below):
                found += head
                break
    for count in range(1, _OUTER_LINES + 1):
        if count < len(by_height):
            foot, above = by_height[-count:], by_height[-count - 1]
            if foot[-1].bottom < band and _apart(gaps[-count], usual, above):
                found += foot
                break
    return list({id(line): line for line in found}.values())


def _apart(gap: float, usual: float, body_line: Line) -> bool:
    return gap > max(1.5 * usual, 0.5 * body_line.height)


def _drop_page_furniture(pages: list[Page]) -> None:
    """Remove page numbers and lines repeated at the same height on most pages, in place."""
    drop: set[int] = set()
    found: dict[str, list[tuple[int, Line]]] = {}  # a line's text, digits as #: where it stands
    for number, page in enumerate(pages):
        drop.update(id(line) for line in _outer_lines(page) if _PAGE_NUMBER.fullmatch(line.text))
        for line in _margin_lines(page):
            found.setdefault(re.sub(r"\d+", "#", line.text), []).append((number, line))
    needed = max(2, len(pages) // 2)
    for places in found.values():
        if len({number for number, _ in places}) < needed:
            continue
        usual = Counter(_height(line) for _, line in places).most_common(1)[0][0]
        same = [(number, line) for number, line in places if _near(_height(line), usual)]
        if len({number for number, _ in same}) >= needed:
            drop.update(id(line) for _, line in same)
    for page in pages:
        page.lines = [line for line in page.lines if id(line) not in drop]


def _height(line: Line) -> int | None:
    return round(line.top) if _has_box(line) else None


def _near(height: int | None, usual: int | None) -> bool:
    if height is None or usual is None:
        return height is usual
    return abs(height - usual) <= _SAME_HEIGHT


@dataclass(slots=True)
class _Layout:
    """Where each page's text block starts, how wide it is, and whether paragraphs indent."""

    left: dict[int, float]  # page number -> left edge, for pages with boxes
    width: float
    indents: bool = False


def _mode(values) -> float | None:
    counts = Counter(round(value) for value in values)
    if not counts:
        return None
    top = max(counts.values())
    return float(min(value for value, count in counts.items() if count == top))


def _layout(pages: list[Page]) -> _Layout | None:
    boxed = {number: page for number, page in enumerate(pages) if _boxed(page)}
    if not boxed:
        return None
    # The left edge: where most of a page's lines start; a page with few lines takes that
    # of the pages on its side (odd and even pages may have mirrored margins).
    by_side = {side: _mode(line.left for number, page in boxed.items() if number % 2 == side for line in page.lines)
               for side in (0, 1)}
    left = {}
    for number, page in boxed.items():
        counts = Counter(round(line.left) for line in page.lines)
        left[number] = _mode(line.left for line in page.lines) if max(counts.values()) >= 3 else by_side[number % 2]
    widths = sorted(line.right - left[number] for number, page in boxed.items() for line in page.lines)
    layout = _Layout(left=left, width=widths[int(0.9 * (len(widths) - 1))])
    # Does the document indent its paragraphs? Look at the lines after a paragraph's short last line.
    starts = indented = 0
    for number, page in boxed.items():
        for before, after in pairwise(page.lines):
            if _short(layout, number, before) and not _MARKER_START.match(after.text):
                starts += 1
                indented += _indented(layout, number, after)
    layout.indents = starts > 0 and indented * 2 >= starts
    return layout


def _short(layout: _Layout, number: int, line: Line) -> bool:
    """A line that stops well before the right margin: more than a couple of characters short.

    A full line of ragged-right text can stop two characters early: a comma may not open a
    line, so the character before it moves down with it, and Latin digits are narrower.
    """
    return line.right < layout.left[number] + layout.width - 3 * line.height


def _indented(layout: _Layout, number: int, line: Line) -> bool:
    return line.left > layout.left[number] + 0.8 * line.height


def _paragraphs(pages: list[Page]):
    """Yield the paragraphs: each line joined to the one before unless it opens a new paragraph."""
    layout = _layout(pages)
    current, previous = "", None
    for number, page in enumerate(pages):
        for line in page.lines:
            if previous is not None and _breaks(layout, previous, (number, line)):
                yield current
                current = ""
            if current and _latin(current[-1]) and _latin(line.text[0]):
                current += " "
            current += line.text
            previous = (number, line)
    if current:
        yield current


def _latin(char: str) -> bool:
    return char.isascii() and char.isalnum()


def _breaks(layout: _Layout | None, previous: tuple[int, Line], this: tuple[int, Line]) -> bool:
    """Return whether ``this`` line opens a new paragraph after the ``previous`` one."""
    (n1, before), (n2, after) = previous, this
    if _MARKER_START.match(after.text):
        return True
    ends_sentence = before.text.endswith(_SENTENCE_END)
    if layout is None or n1 not in layout.left or n2 not in layout.left:
        return ends_sentence
    if _short(layout, n1, before) or _indented(layout, n2, after):
        return True
    return ends_sentence and not layout.indents


# --- the child process ---------------------------------------------------------------

def pages_to_json(pages: list[Page]) -> str:
    return json.dumps([[p.width, p.height, p.rotated, [[ln.text, ln.left, ln.bottom, ln.right, ln.top]
                                                       for ln in p.lines]] for p in pages], ensure_ascii=False)


def pages_from_json(value: list) -> list[Page]:
    """The pages ``pages_to_json`` wrote, from the decoded JSON value."""
    return [Page(width=float(width), height=float(height), rotated=bool(rotated),
                 lines=[Line(str(t), *(None if v is None else float(v) for v in box)) for t, *box in lines])
            for width, height, rotated, lines in value]


_ERRORS = {cls.__name__: cls for cls in (BadPdf, PdfWithoutText, InputTooLarge, EmptyInput)}


def main(argv: list[str] | None = None) -> int:
    """Read a PDF from standard input and print its pages as JSON (or the refusal), for speeches.pdf_process.

    ``python -m speeches.parsing.pdf_reader MAX_PAGES MAX_CHARS [MEMORY_BYTES]``
    """
    import resource

    args = sys.argv[1:] if argv is None else argv
    max_pages, max_chars = int(args[0]), int(args[1])
    if len(args) > 2:
        memory = int(args[2])
        resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    data = sys.stdin.buffer.read()
    try:
        pages = pdf_pages(data, max_pages=max_pages, max_chars=max_chars)
    except tuple(_ERRORS.values()) as error:
        sys.stdout.write(json.dumps({"error": type(error).__name__, "message": str(error)}, ensure_ascii=False))
    else:
        sys.stdout.write('{"pages": ' + pages_to_json(pages) + "}")
    return 0


def error_from_child(name: str, message: str) -> Exception:
    """The exception the child reported, rebuilt in the parent (BadPdf for anything unknown)."""
    return _ERRORS.get(name, BadPdf)(message if name in _ERRORS else BAD_PDF_MESSAGE)


if __name__ == "__main__":
    sys.exit(main())
