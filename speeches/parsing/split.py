"""Split a cleaned document into its speeches, each with its title (README §2).

A speech opens where the document says one does. Four signs, each found by its
own linear scan, anywhere in the text (a scraped page may have lost every line
break, so none of them needs a line start except the bare title line):

- a separator ``第二篇：…`` (its title follows it);
- a table of contents (``目录标题一 1标题二 24…``): the titles it lists open the
  speeches that follow it, in order, up to the next table of contents;
- a line that is a speech title and nothing else (``在…会上的讲话``);
- a speech title running into its salutation, with at most an author and date
  between them (``…——在…会议上的讲话市教育局局长 XX201X年1月20日同志们:``).

Every real speech body is a speech, so a title repeated further on opens another
speech (a file of several copies holds several speeches). Signs that fall in the
header of a speech already opened (its lines up to the first full stop: a repeated
title, a subtitle, the salutation) belong to it. A teaser, a short block repeating
the next speech's title and opening, is dropped, and so is the text before the first
speech (site chrome, the collection's name).
"""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

SPEECH_WORDS = r"(?:讲话稿|讲话范文|讲话|发言|致辞)"
# "第二篇：" and friends separate the speeches of a collection.
SEPARATOR = re.compile(r"第[一二三四五六七八九十百\d]{1,3}篇\s*[：:]\s*")
# A line that is a speech title and nothing else.
# It may open on the speaker and a colon (王立：在…上的讲话) and close on the date in
# brackets (…上的讲话（2025年3月10日）).
TITLE_LINE = re.compile(
    rf"^(?:——)?(?:[^。！？；，：:]{{1,16}}[：:])?[^。！？；，：:]{{0,60}}?在[^。！？；，：:]{{2,60}}{SPEECH_WORDS}"
    r"(?:\s*[（(][^（）()]{0,20}[）)])?$")
# After a separator, the title ends at the first speech word when more text follows
# on its line (a teaser or a flattened page); an experience report ends at 材料.
TITLE_IN_LINE = re.compile(rf"[^。！？；\n]{{2,80}}?(?:{SPEECH_WORDS}|材料)")
TITLE_DATE = re.compile(r"\s*[（(][^（）()]{0,20}[）)]$")  # the date in brackets after a title line
TITLE_CUT = re.compile(r"[。！？；;，,：:\n]|  ")
# Table of contents: "目录" then entries "title page" in a row.
TOC_HEAD = re.compile(r"目\s*录")
TOC_ENTRY = re.compile(rf"\s*([^。！？；]{{4,90}}?{SPEECH_WORDS})\s*\d{{1,4}}")
TOC_MAX_ENTRIES = 200
# A salutation opens the body of a speech: 同志们 / 各位领导、同志们 / 尊敬的…，同志们 /
# 各位校长、园长：. Run-on titles are found by looking back from one of these.
SALUTATION = re.compile(r"尊敬的|各位|同志们")
SALUTATION_AT = re.compile(
    r"(?:尊敬的[^。！？；\n]{0,30}?|各位[^。！？；，,\n]{0,16}?)?同志们"
    r"|各位[^。！？；，,：:\n]{1,16}[：:]"
)
# What may stand between a run-on title and its salutation: author, office, date.
TITLE_HEADER = re.compile(r"[^。！？!?；;，,：:\n]{0,50}")
RUN_ON_TITLE = re.compile(rf"[^。！？；：:\n]{{0,60}}?(?:在[^。！？；，,：:\n]{{2,60}}|——[^。！？；：:\n]{{2,60}}){SPEECH_WORDS}")
SPEECH_WORD_SCAN = re.compile(SPEECH_WORDS)
# Chrome a flattened page glues to the front of a title ("还剩4页未读,继续阅读在…的讲话").
# Also what a page puts above a speech's title once its line breaks are lost: the date
# (今天是…星期三), a breadcrumb (首页 > 领导讲话), a download button, a red header (…委员会
# 文件) and its number (青发〔2025〕3号).
CHROME_BEFORE_TITLE = re.compile(
    r".*(?:还剩\s*\d+\s*页未读|继续阅读|文本内容|点击查看更多|星期[一二三四五六日天]|下载|打印|"
    r"[>›»]\s*[^>›»\s]{2,8}(?=[^>›»]{0,60}?在)|文件(?=[^。]{0,30}?〔)|〔\d{4}〕\s*\d+\s*号)[:：]?")
LOOK_BACK = 200  # chars before a salutation searched for its title
FLAT_LINE = 3000  # a line this long is a page that lost its line breaks (as outline.FLAT_LINE)
GLUED_TITLE = re.compile(
    r"[。！？!?](?P<title>[^。！？!?；;，,：:“”\n]{0,40}?在[^。！？!?；;，,：:\n]{2,40}?"
    r"(?:会议|大会|会)上的(?:讲话|发言|致辞))")
NOT_GLUED_AFTER = re.compile(r"精神|中|时|上|指出|强调|要求|提出|的|[，,。：:；;）)”]")
QUOTED_SPEAKER = re.compile(r"总书记|习近平|学习")
TITLE_BOUNDARY = "。！？!?；;：:\n"
SENTENCE_END = re.compile(r"[。！？!?；;]")
LINE_BREAK = re.compile("\n")
HEADER_ZONE_MAX = 400  # a speech's header ends at its first full stop, or this far on
TEASER_MAX_CHARS = 600
HEADER_LINE_MAX = 60
TITLE_MAX = 90
LEADING_LINES = 12
# Lines above a document's title that are not its title.
NOT_A_TITLE = re.compile(
    r"^今天是|星期[一二三四五六日天]$|^(?:下载|打印|关闭|分享|收藏|返回)|委员会文件$|政府文件$|办公室文件$|文件$"
    r"|〔\d{4}〕\s*\d+\s*号|^[（(]?\d{4}年\d{1,2}月\d{1,2}日[）)]?$|^[>›»]|[>›»]\s*\S+$")
# A title that names a document (2025年政府工作报告, 安全生产专项整治方案).
DOCUMENT_TITLE = re.compile(r"(?:讲话|发言|致辞|报告|方案|意见|通知|要点|规划|计划|总结|分析)(?:稿)?$")
# A line that opens the body: a salutation or a numbered point.
LEADING_STOP = re.compile(r"(?:各位|同志们|尊敬的)|[一二三四五六七八九十]+、|[（(][一二三四五六七八九十]+[）)]|\d+[、.．]")

# Kinds of speech starts, by how sure they are: a separator always opens a speech;
# the others are absorbed by a speech whose header they stand in.
SEPARATOR_START = "separator"
CONTENTS_START = "contents"
LINE_START = "line"
RUN_ON_START = "run_on"
CONTENTS_STOP = "contents_stop"  # a table of contents ends the speech before it


@dataclass(slots=True)
class SpeechSpan:
    """Where one speech lies in the cleaned document, and its title."""

    title: str
    start: int
    end: int


@dataclass(slots=True)
class _Start:
    position: int
    title: str
    kind: str
    header_end: int = -1  # for a table of contents: where its entries end


def split(text: str) -> list[SpeechSpan]:
    """Return the speeches of a cleaned document in order; [] when none is found."""
    starts = (_separator_starts(text) + _contents_starts(text) + _line_starts(text) + _run_on_starts(text)
              + _glued_starts(text))
    spans = _spans(text, _absorb(text, starts))
    if not spans and text.strip():
        spans = [SpeechSpan(_leading_title(text), 0, len(text))]
    spans = _drop_teasers(spans)
    return [span for span in spans if text[span.start:span.end].strip()]


def _separator_starts(text: str) -> list[_Start]:
    """``第二篇：title``: at a line start any title; inline only one ending in a speech word."""
    starts = []
    for match in SEPARATOR.finditer(text):
        line_start = match.start() == 0 or text[match.start() - 1] == "\n" or text[match.start() - 1].isspace()
        cut = TITLE_IN_LINE.match(text, match.end(), match.end() + TITLE_MAX)
        line_end = text.find("\n", match.end(), match.end() + TITLE_MAX + 1)
        rest = text[match.end():line_end].strip() if line_end >= 0 else None
        if rest is not None and len(rest) <= HEADER_LINE_MAX and line_start:
            title = rest  # the separator line holds the title and nothing else
        elif cut:
            title = cut.group(0).strip()
        elif line_start:
            title = _cut_title(text, match.end())
        else:
            continue
        starts.append(_Start(match.start(), title, SEPARATOR_START))
    return starts


def _contents_starts(text: str) -> list[_Start]:
    """Each table of contents: its titles open the speeches after it, in their order.

    A title is looked for only up to the next table of contents, so a file holding
    several collections splits each by its own contents.
    """
    tables = []
    for head in TOC_HEAD.finditer(text):
        if tables and head.start() < tables[-1][1]:
            continue
        titles, pos = [], head.end()
        while len(titles) < TOC_MAX_ENTRIES and (entry := TOC_ENTRY.match(text, pos)) is not None:
            titles.append(entry.group(1).strip())
            pos = entry.end()
        if len(titles) >= 2:
            tables.append((head.start(), pos, titles))
    starts = []
    for index, (head_start, body_start, titles) in enumerate(tables):
        limit = tables[index + 1][0] if index + 1 < len(tables) else len(text)
        starts.append(_Start(head_start, "", CONTENTS_STOP, body_start))
        pos = body_start
        for title in titles:
            found = text.find(title, pos, limit)
            if found >= 0:
                starts.append(_Start(found, title, CONTENTS_START))
                pos = found + len(title)
    return starts


def _line_starts(text: str) -> list[_Start]:
    """Lines that are a speech title and nothing else."""
    starts = []
    offset = 0
    for line in text.split("\n"):
        stripped = line.strip()
        if len(stripped) <= TITLE_MAX and TITLE_LINE.match(stripped):
            starts.append(_Start(offset, TITLE_DATE.sub("", stripped.lstrip("—")), LINE_START))
        offset += len(line) + 1
    return starts


def _run_on_starts(text: str) -> list[_Start]:
    """A title that runs into its salutation, maybe over an author and a date."""
    starts = []
    last = -1
    for match in SALUTATION.finditer(text):
        if match.start() < last or not SALUTATION_AT.match(text, match.start()):
            continue
        last = match.end()
        start = _title_before(text, match.start())
        if start is not None:
            starts.append(start)
    return starts


def _title_before(text: str, salutation: int) -> _Start | None:
    """Return the start of the title standing right before a salutation, if one does."""
    low = max(0, salutation - LOOK_BACK)
    word = None
    for word in SPEECH_WORD_SCAN.finditer(text, low, salutation):
        pass
    if word is None:
        return None
    header = TITLE_HEADER.match(text, word.end(), salutation)
    if header is None or header.end() != salutation:
        return None
    title_start = max(text.rfind(mark, low, word.start()) for mark in TITLE_BOUNDARY) + 1
    chrome = CHROME_BEFORE_TITLE.match(text, max(title_start, low), word.start())
    if title_start == 0 and low > 0 and not chrome:
        return None  # no boundary or chrome within reach: not a title
    if chrome:
        title_start = chrome.end()
    while title_start < word.start() and text[title_start] in " —":
        title_start += 1
    title = RUN_ON_TITLE.fullmatch(text, title_start, word.end())
    if title is None:
        return None
    return _Start(title_start, title.group(0), RUN_ON_START)


def _glued_starts(text: str) -> list[_Start]:
    """On a page that lost its line breaks, a title glued between the last sentence of one
    speech and the first of the next (…抓落实。领导干部在…工作会议上的讲话减轻…负担，是…).

    Only on a flattened line, only right after a full stop, and not a speech named in a
    sentence (…会议上的讲话精神, …讲话中指出, 总书记在…的讲话).
    """
    starts = []
    breaks: list[int] | None = None
    for match in GLUED_TITLE.finditer(text):
        start = match.start("title")
        if breaks is None:  # the line breaks, found once and bisected: on a flattened page a
            # search for the line's ends would read back to the start of the text at every title
            breaks = [-1] + [m.start() for m in LINE_BREAK.finditer(text)] + [len(text)]
        index = bisect.bisect_left(breaks, start)
        if breaks[index] - (breaks[index - 1] + 1) <= FLAT_LINE:
            continue
        if NOT_GLUED_AFTER.match(text, match.end()) or QUOTED_SPEAKER.search(match["title"]):
            continue
        starts.append(_Start(start, match["title"], RUN_ON_START))
    return starts


def _absorb(text: str, starts: list[_Start]) -> list[_Start]:
    """Keep one start per speech: a sign standing in an opened speech's header joins it."""
    kept: list[_Start] = []
    zone_end = -1
    for start in sorted(starts, key=lambda s: s.position):
        if kept and start.position < zone_end and start.kind not in (SEPARATOR_START, CONTENTS_STOP):
            continue
        if kept and kept[-1].position == start.position:
            continue
        kept.append(start)
        zone_end = start.header_end if start.kind == CONTENTS_STOP else _header_end(text, start.position)
    return kept


def _header_end(text: str, position: int) -> int:
    stop = SENTENCE_END.search(text, position, position + HEADER_ZONE_MAX)
    return stop.start() if stop else position + HEADER_ZONE_MAX


def _spans(text: str, starts: list[_Start]) -> list[SpeechSpan]:
    spans = []
    for index, start in enumerate(starts):
        end = starts[index + 1].position if index + 1 < len(starts) else len(text)
        if start.kind != CONTENTS_STOP:
            spans.append(SpeechSpan(start.title, start.position, end))
    return spans


def _cut_title(text: str, start: int) -> str:
    """A title with no speech word: up to the first clause end or line break, ≤ 60 chars."""
    stop = TITLE_CUT.search(text, start, start + HEADER_LINE_MAX)
    return text[start:stop.start() if stop else start + HEADER_LINE_MAX].strip()


def _leading_title(text: str) -> str:
    """The title of a file with no speech sign: its first line that reads as a title.

    Lines a page or a red-header document puts above the title are passed over: a date
    (今天是…), a download or print button, a red header (…委员会文件) and its number
    (青发〔2025〕3号), a line of only a date. A line naming a document (…工作报告, …方案,
    …讲话) wins over a plain first line; the search stops at the first sentence or item.
    """
    first = ""
    for line in text[:HEADER_ZONE_MAX * 2].split("\n")[:LEADING_LINES]:
        line = line.strip()
        if not line or NOT_A_TITLE.search(line):
            continue
        if len(line) > HEADER_LINE_MAX or "。" in line or LEADING_STOP.match(line):
            break
        if DOCUMENT_TITLE.search(line):
            return line
        first = first or line
    return first


def _drop_teasers(spans: list[SpeechSpan]) -> list[SpeechSpan]:
    """Drop a short block that only previews the speech right after it.

    A preview is short and at most half as long as the speech it previews; a whole
    short speech followed by another copy of itself is a speech.
    """
    kept: list[SpeechSpan] = []
    for i, span in enumerate(spans):
        following = spans[i + 1] if i + 1 < len(spans) else None
        is_teaser = (
            following is not None
            and _same_title(span.title, following.title)
            and span.end - span.start <= TEASER_MAX_CHARS
            and 2 * (span.end - span.start) <= following.end - following.start
        )
        if not is_teaser:
            kept.append(span)
    return kept


def _same_title(a: str, b: str) -> bool:
    a, b = re.sub(r"\s+", "", a), re.sub(r"\s+", "", b)
    return bool(a) and (a == b or a in b or b in a)
