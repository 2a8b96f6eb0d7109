"""Read a PDF's pages in a child process, so that no upload can hang or exhaust a web worker.

The reading itself is ``speeches.parsing.pdf_reader.pdf_pages`` (native PDFium code on an
uploaded file). Here it runs as ``python -m speeches.parsing.pdf_reader`` with the
file on its standard input, under an address-space limit, and is killed once the
timeout passes: a PDF built to loop, to nest objects without end or to inflate a stream
to gigabytes costs the timeout at most, and the user gets a Chinese message.
"""
from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from functools import partial
from pathlib import Path

from speeches.parsing import pdf_reader
from speeches.parsing.document import BadPdf

TIMEOUT = 10  # seconds (settings.SPEECH_PDF_TIMEOUT); 246 pages read in 0.6 CPU s, 2 s on a busy machine
MEMORY_BYTES = 1024 * 1024 * 1024  # the child's address space; reading text needs under 100 MB
PROJECT_ROOT = Path(__file__).resolve().parent.parent

TIMED_OUT = "读取该 PDF 超过 {seconds} 秒仍未完成（文件结构异常或过于复杂），已停止。请上传 Word 或文本格式。"
FAILED = "无法读取该 PDF（文件已损坏、结构异常或过大）。请在原软件中重新导出 PDF，或上传 Word/文本格式。"


def reader(*, max_pages: int, max_chars: int, timeout: float = TIMEOUT,
           memory: int = MEMORY_BYTES) -> Callable[[bytes], list[pdf_reader.Page]]:
    """Return the ``pages`` function for ``pdf_reader.read_pdf`` (and ``read_input``) with these limits."""
    return partial(pdf_pages, max_pages=max_pages, max_chars=max_chars, timeout=timeout, memory=memory)


def pdf_pages(data: bytes, *, max_pages: int, max_chars: int, timeout: float = TIMEOUT,
              memory: int = MEMORY_BYTES) -> list[pdf_reader.Page]:
    """Return ``pdf_reader.pdf_pages(data)``, computed in a child process; raise its refusals here."""
    # -I: no PYTHONPATH, no user site, no current folder on the path; the project root is passed instead
    program = ("import sys; sys.path.insert(0, sys.argv.pop(1)); "
               "from speeches.parsing.pdf_reader import main; sys.exit(main())")
    command = [sys.executable, "-I", "-c", program, str(PROJECT_ROOT), str(max_pages), str(max_chars), str(memory)]
    try:
        done = subprocess.run(command, input=data, capture_output=True, timeout=timeout, check=False,
                              cwd=PROJECT_ROOT, env={"LANG": "C.UTF-8", "PYTHONHASHSEED": "0"})
    except subprocess.TimeoutExpired:  # run() has killed the child
        raise BadPdf(TIMED_OUT.format(seconds=f"{timeout:g}")) from None
    except OSError:
        raise BadPdf(FAILED) from None
    if done.returncode != 0:  # out of memory, or killed
        raise BadPdf(FAILED)
    try:
        result = json.loads(done.stdout)
        if "error" in result:
            raise pdf_reader.error_from_child(result["error"], result.get("message", ""))
        return pdf_reader.pages_from_json(result["pages"])
    except (ValueError, KeyError, TypeError):
        raise BadPdf(FAILED) from None
