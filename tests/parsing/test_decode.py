"""decode_bytes: every encoding a speech arrives in comes out as the same text."""
import codecs
import random

import pytest

from speeches.parsing.decode import decode_bytes
from speeches.parsing.document import EmptyInput, ExtractionError, NotText

SPEECH = "一、关于主题教育\n一是加强学习，2022年底前完成。\n（二）压实责任①"


@pytest.mark.parametrize(
    "encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030", "utf-16", "utf-16-le", "utf-16-be", "utf-32", "utf-32-le"]
)
def test_decodes_each_encoding_a_speech_arrives_in(encoding):
    assert decode_bytes(SPEECH.encode(encoding)) == SPEECH


@pytest.mark.parametrize("encoding", ["gbk", "gb18030"])
def test_a_short_gbk_text_never_comes_out_as_mojibake(encoding):
    assert decode_bytes("加强组织领导".encode(encoding)) == "加强组织领导"


@pytest.mark.parametrize("bom", [codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF32_LE])
def test_the_bom_is_dropped(bom):
    encoding = {codecs.BOM_UTF8: "utf-8", codecs.BOM_UTF16_LE: "utf-16-le", codecs.BOM_UTF32_LE: "utf-32-le"}[bom]
    assert decode_bytes(bom + "讲话".encode(encoding)) == "讲话"


def test_the_bom_decides_over_the_content():
    """UTF-16 LE bytes behind a UTF-8 BOM are a broken file, not something to guess at."""
    with pytest.raises(NotText):
        decode_bytes(codecs.BOM_UTF8 + "讲话\n".encode("utf-16-le") + b"\xff")


@pytest.mark.parametrize("ending", ["\r\n", "\r", "\n"])
def test_line_endings_become_newlines(ending):
    assert decode_bytes(ending.join(["第一，", "第二，"]).encode("gbk")) == "第一，\n第二，"


def test_other_encodings_fall_back_to_detection():
    text = "Привет, как дела? Это обычный текст на русском языке для проверки."
    assert decode_bytes(text.encode("cp1251")) == text


@pytest.mark.parametrize("data", [b"", b"   \n\r\n\t ", codecs.BOM_UTF8, "\u3000\n".encode("utf-16")])
def test_empty_or_blank_input_is_refused(data):
    with pytest.raises(EmptyInput) as caught:
        decode_bytes(data)
    assert "空" in str(caught.value)


def _binary_samples():
    rng = random.Random(7)
    return [
        bytes(rng.randrange(256) for _ in range(4000)),
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(rng.randrange(256) for _ in range(500)),
        bytes(range(256)) * 8,
        b"ELF\x7f" + b"\x00\x01\x02\x03" * 100,
        # No NUL byte at all, but mostly control characters.
        bytes(rng.choice(b"\x01\x02\x03\x04\x05\x06\x07\x08\x0e\x0f abc") for _ in range(2000)),
    ]


@pytest.mark.parametrize("data", _binary_samples())
def test_binary_input_is_refused_with_a_chinese_message(data):
    with pytest.raises(NotText) as caught:
        decode_bytes(data)
    message = str(caught.value)
    assert "文本" in message and "\n" not in message


def test_errors_share_the_extraction_error_base():
    with pytest.raises(ExtractionError):
        decode_bytes(b"\x00\x01\x02\x03" * 50)


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be", "utf-32"])
def test_nul_characters_in_a_wide_encoding_are_dropped(encoding):
    """PostgreSQL cannot store U+0000; an editor that pads with it must not break the save."""
    assert decode_bytes(f"{SPEECH}\x00\n{SPEECH}\x00".encode(encoding)) == f"{SPEECH}\n{SPEECH}"
