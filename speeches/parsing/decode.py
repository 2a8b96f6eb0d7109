"""Turn the bytes of an uploaded text file into text, whatever its encoding.

Speeches reach us as .txt files saved by Word, WPS, Notepad or a web browser: UTF-8
with or without a BOM, GBK/GB18030 (the default of older Chinese Windows), and now and
then UTF-16. The order of the attempts matters:

1. A BOM is the file's own statement of its encoding, so it wins.
2. NUL bytes never occur in UTF-8 or GB18030 text; when present, the file is either
   UTF-16/32 without a BOM or not text at all.
3. Strict UTF-8 almost never succeeds on bytes that are not UTF-8.
4. Strict GB18030 before any statistical detector, because a detector guesses wrong
   on short Chinese texts (six GBK characters come out as Cyrillic or Latin-1 mojibake).
5. charset-normalizer for whatever else remains (Big5, Shift-JIS, Latin-1 …).

Whatever is decoded is normalised (``\\n`` line endings, so that offsets mean the same
thing for every source; no NUL, which UTF-16 editors pad with and PostgreSQL cannot
store) and then checked for binary content.
"""
from __future__ import annotations

import codecs
import re
import unicodedata

from charset_normalizer import from_bytes

from .document import EmptyInput, NotText
from .normalise import normalise_text

# Longest first: the UTF-32 LE BOM starts with the UTF-16 LE BOM.
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_WIDE_ENCODINGS = ("utf-32-le", "utf-32-be", "utf-16-le", "utf-16-be")
_ALLOWED_CONTROLS = frozenset("\t\n\r\f\v\x1a")  # \x1a: DOS end-of-file, seen in old .txt
# The C0/C1 control characters (category Cc) other than the allowed ones; a regular
# expression because a per-character loop costs seconds on a 20 MB upload.
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x19\x1b-\x1f\x7f-\x9f]")
_NON_ASCII = re.compile(r"[^\x00-\x7f]")
_CJK = re.compile(
    r"[\u4e00-\u9fff"  # unified ideographs
    r"\u3400-\u4dbf"  # extension A
    r"\u3000-\u303f"  # CJK punctuation: 、。「」《》
    r"\uff00-\uffef"  # full-width forms: ，：（）
    r"\u2010-\u206f"  # general punctuation: “”‘’…—
    r"\u2460-\u24ff"  # enclosed alphanumerics: ①②
    r"\u00b7\u00d7]"  # · ×
)
_SAMPLE_CHARS = 65536  # enough to tell a byte order apart
_MAX_CONTROL_SHARE = 0.02  # above this share of control characters it is not a text
_MIN_PLAUSIBLE_SHARE = 0.95  # share of assigned, non-control characters in a wide decoding
_MIN_CHINESE_SHARE = 0.9  # share of CJK among the non-ASCII characters of a GB18030 decoding

NOT_TEXT_MESSAGE = "文件不是可读取的文本（可能是图片、压缩包或其他二进制文件），请上传 .txt 或 .docx 格式的讲话稿。"
EMPTY_MESSAGE = "文件内容为空，没有可读取的文字。"


def decode_bytes(data: bytes) -> str:
    """Return the text of ``data`` with ``\\n`` line endings.

    Raise EmptyInput when there is nothing but white space, NotText for binary data.
    """
    if not data:
        raise EmptyInput(EMPTY_MESSAGE)
    text = normalise_text(_decode(data))
    if not text.strip():
        raise EmptyInput(EMPTY_MESSAGE)
    if _control_share(text) > _MAX_CONTROL_SHARE:
        raise NotText(NOT_TEXT_MESSAGE)
    return text


def _decode(data: bytes) -> str:
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data[len(bom):].decode(encoding)
            except UnicodeDecodeError:
                raise NotText(
                    f"文件开头标明为 {encoding.upper()} 编码，但内容无法按该编码读取，文件可能已损坏。"
                ) from None
    if b"\x00" in data:
        return _decode_wide(data)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    chinese = _decode_chinese(data)
    if chinese is not None:
        return chinese
    guess = from_bytes(data).best()
    if guess is None:
        raise NotText(NOT_TEXT_MESSAGE)
    return str(guess)


def _decode_wide(data: bytes) -> str:
    """Decode UTF-16/32 without a BOM, or refuse the NUL bytes as binary.

    Both byte orders decode most inputs without error, so pick the reading with the
    larger share of real characters; the wrong byte order turns line breaks and ASCII
    into unassigned code points. NUL positions alone cannot decide: 一 (U+4E00) is
    written with a NUL byte too.
    """
    best_text, best_share = None, 0.0
    for encoding in _WIDE_ENCODINGS:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        share = _plausible_share(text)
        if share > best_share:
            best_text, best_share = text, share
    if best_text is None or best_share < _MIN_PLAUSIBLE_SHARE:
        raise NotText(NOT_TEXT_MESSAGE)
    return best_text


def _decode_chinese(data: bytes) -> str | None:
    """Return ``data`` read as GB18030 if that gives Chinese text, else None.

    GB18030 accepts most byte sequences, so a successful decoding proves little; the
    result must also consist (apart from ASCII) of CJK characters and punctuation.
    """
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError:
        return None
    wide = len(_NON_ASCII.findall(text))
    if wide and len(_CJK.findall(text)) / wide >= _MIN_CHINESE_SHARE:
        return text
    return None


def _plausible_share(text: str) -> float:
    text = text[:_SAMPLE_CHARS]
    if not text:
        return 0.0
    # Letters, digits, punctuation, symbols and spaces; not controls, unassigned or
    # private code points, and not combining marks, which binary patterns such as
    # 00 01 02 03 produce in quantity (U+0302) and Chinese text never needs.
    good = sum(1 for ch in text if ch in _ALLOWED_CONTROLS or unicodedata.category(ch)[0] in "LNPSZ")
    return good / len(text)


def _control_share(text: str) -> float:
    return len(_CONTROL.findall(text)) / len(text)
