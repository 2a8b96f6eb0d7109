"""Clean a decoded text: drop site chrome, normalise whitespace, keep every sentence.

Item offsets point into the cleaned text and the guide's anchors must still match
the source once white space is removed, so cleaning only ever drops whole chrome
lines and rewrites white space; it never touches a character inside a sentence.
Each line of the result is one paragraph.
"""
from __future__ import annotations

import re

# Lines a scraped page adds around the speech. Short lines only (``SHORT_LINE``),
# except the patterns in ``CHROME_ANY_LENGTH`` that no speech sentence contains.
CHROME_LINE_PATTERNS: tuple[str, ...] = (
    r"还剩\s*\d+\s*页未读",
    r"继续阅读",
    r"^文本内容[:：]?$",
    r"^首页\s*[>›]",
    r"VIP",
    r"在线客服|联系在线客服|客服热线",
    r"^工作日[:：]",
    r"^电\s*话[:：]",
    r"\d{3}-\d{4}-\d{3,4}",
    r"^(?:提交|收藏成功|立即加入|请明天再来|举报作品|其他原因|建议反馈|联系方式|点击查看更多)$",
    r"微信登录|QQ登录",
    r"^收藏|侵权/盗版|^举报|^继续浏览",
    r"^Ctrl\+D$",
    r"用户协议",
    r"请详细描述",
    r"违反相关法律",
    r"我再逛逛|今天下载",
    r"^今天是.{0,16}星期[一二三四五六日天]$|^当前位置[:：]|^(?:下载|打印本页|关闭窗口|打印本页\s*关闭窗口|【?字号[:：]?.{0,8})$",
)
CHROME_ANY_LENGTH: tuple[str, ...] = (
    r"本网站所有作品",
    r"供会员免费下载",
    r"Array(?<=\bArray)\s*$",  # opens on its word, so that the scan skips other places in C
)
SHORT_LINE = 40
# A page that lost its line breaks holds chrome and speeches on one long line; such a
# line is never dropped as a whole (the speeches in it would go with the chrome).
CHROME_LINE_MAX = 300

_CHROME_SHORT = re.compile("|".join(CHROME_LINE_PATTERNS))
_CHROME_ANY = re.compile("|".join(CHROME_ANY_LENGTH))
# "猜你喜欢" opens a list of teaser links: short lines without a full stop.
_TEASER_LIST_HEAD = re.compile(r"^(?:猜你喜欢|相关推荐|相关文章|热门推荐)\s*$")
_TEASER_LINK = re.compile(r"^[^。！？!?]{0,80}$")

# A heading broken over two lines: a short section/subsection line with no final
# punctuation, then a short tail that ends the heading. The tail joins the heading.
_HEADING_OPEN = re.compile(r"^(?:[一二三四五六七八九十]{1,3}、|[（(][一二三四五六七八九十]{1,3}[）)])")
_LINE_OPENS_ITEM = re.compile(r"^(?:[一二三四五六七八九十]{1,3}[、是要]|[（(]|\d|第|其|首先|一方面|另一方面|同志们|各位)")
HEADING_MAX = 30
HEADING_TAIL_MAX = 16
_OPEN_ENDINGS = "。！？!?；;：:，,、”」）)"

_SPACES = re.compile(r"[ \t\u00a0\u3000\ufeff\u200b]+")
# → two spaces: a run of two or more blanks, or one ideographic space. Opening on a
# character class, so that the scan skips in C every place that holds no blank.
_BLANK_RUN = re.compile(r"[ \t\u00a0\u3000\ufeff\u200b](?:[ \t\u00a0\u3000\ufeff\u200b]+|(?<=\u3000))")
_ONE_BLANK = re.compile(r"[\t\u00a0\ufeff\u200b]")  # a single other blank → one space
_CRLF = re.compile(r"[\r\u2028\u2029\x0b\x0c](?:(?<=\r)\n)?")  # \r\n, \r and the other breaks


def clean(text: str) -> str:
    """Return ``text`` without site chrome, one paragraph per line, no empty lines.

    Runs of spaces are kept (as one or two spaces): a run of two or more marks a
    paragraph break a scraper flattened, which titles and the outline honour.
    """
    text = _ONE_BLANK.sub(" ", _BLANK_RUN.sub("  ", _CRLF.sub("\n", text)))  # as _normalise_spaces, all lines at once
    kept: list[str] = []
    in_teaser_list = False
    for raw in text.split("\n"):
        line = raw.strip()
        if not line:
            continue
        if _TEASER_LIST_HEAD.match(line):
            in_teaser_list = True
            continue
        if in_teaser_list:
            if _TEASER_LINK.match(line) and len(line) <= 80:
                continue
            in_teaser_list = False
        if is_chrome(line):
            continue
        kept.append(line)
    return "\n".join(_join_broken_headings(kept))


def _join_broken_headings(lines: list[str]) -> list[str]:
    """Glue the tail of a heading that a line break cut in two back onto it."""
    joined: list[str] = []
    just_joined = False
    for line in lines:
        previous = joined[-1] if joined else ""
        if (
            not just_joined
            and _HEADING_OPEN.match(previous)
            and len(previous) <= HEADING_MAX
            and previous[-1] not in _OPEN_ENDINGS
            and len(line) <= HEADING_TAIL_MAX
            and not _LINE_OPENS_ITEM.match(line)
            and not re.search(r"[。！？!?；;：:，,]", line)
        ):
            joined[-1] = previous + line
            just_joined = True
            continue
        joined.append(line)
        just_joined = False
    return joined


def is_chrome(line: str) -> bool:
    """Tell whether a whole line is site chrome rather than speech text."""
    if len(line) > CHROME_LINE_MAX:
        return False
    if _CHROME_ANY.search(line):
        return True
    return len(line) <= SHORT_LINE and "。" not in line and bool(_CHROME_SHORT.search(line))


def _normalise_spaces(line: str) -> str:
    """Strip a line and shrink each run of blanks to one space, or two if it was longer."""
    def shrink(match: re.Match[str]) -> str:
        run = match.group(0)
        return "  " if len(run) > 1 or "\u3000" in run else " "

    return _SPACES.sub(shrink, line).strip()
