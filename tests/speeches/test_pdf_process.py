"""pdf_process: a PDF is read in a child process that cannot hang or exhaust the web worker."""
import time

import pytest

from speeches import pdf_process
from speeches.parsing.document import BadPdf, InputTooLarge
from tests import pdf_files

LIMITS = {"max_pages": 300, "max_chars": 500_000}


def test_the_child_returns_the_pages_the_reader_would():
    from speeches.parsing import pdf_reader

    data = pdf_files.text_pages([["First line", "Second line"], ["Page two"]])
    assert pdf_process.pdf_pages(data, **LIMITS) == pdf_reader.pdf_pages(data)


def test_a_reading_past_the_timeout_is_killed_with_a_message():
    started = time.monotonic()
    with pytest.raises(BadPdf, match="超过 0.05 秒仍未完成"):
        pdf_process.pdf_pages(pdf_files.text_pages([["x"]] * 50), timeout=0.05, **LIMITS)
    assert time.monotonic() - started < 5


def test_a_stream_inflating_past_the_memory_limit_ends_the_child_not_the_worker():
    data = pdf_files.inflating(64)  # 64 MB of drawing operators behind 300 KB
    with pytest.raises(BadPdf, match="无法读取该 PDF"):
        pdf_process.pdf_pages(data, memory=48 * 1024 * 1024 + 64 * 1024 * 1024, **LIMITS)


@pytest.mark.parametrize("data, error, message", [
    (pdf_files.text_pages([["p"]] * 301), InputTooLarge, "共 301 页，超过 300 页的上限"),
    (pdf_files.nested(100_000), None, None),  # PDFium stops nesting early: the page reads
    (pdf_files.page_tree_loop(), BadPdf, "无法读取该 PDF"),
    (b"%PDF-1.4\n" + b"\x00" * 1000, BadPdf, "无法读取该 PDF"),
], ids=["pages", "nesting", "page-tree-loop", "garbage"])
def test_hostile_files_end_with_a_chinese_message_in_seconds(data, error, message):
    started = time.monotonic()
    if error is None:
        pages = pdf_process.pdf_pages(data, **LIMITS)
        assert [line.text for line in pages[0].lines] == ["Nested"]
    else:
        with pytest.raises(error, match=message):
            pdf_process.pdf_pages(data, **LIMITS)
    assert time.monotonic() - started < pdf_process.TIMEOUT
