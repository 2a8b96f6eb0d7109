"""Time the input formats through the upload page: PDF, .doc, RTF and task tables, and the hostile PDFs.

Usage:
  python bench/bench_inputs.py [--pages 300] [--repeat 1]

The files are made as the tests make them (tests/office_files.py): a speech in the 公文
layout written with python-docx, printed to PDF and saved as .doc and RTF by LibreOffice
headless, long enough for ``--pages`` PDF pages (the default is SPEECH_PDF_MAX_PAGES).
First the PDF reader alone (PDFium in this process, then in the child process the page
uses, then the layout step), then every case as a POST to the upload page through
Django's test client as a logged-in supervisor, so "seconds" is what the user waits:
convert or read, parse, save, redirect. "cpu s" counts this process and the children it
waited for (the PDF reader, LibreOffice). On a busy machine wall seconds grow with the
load, CPU seconds much less.
"""
from __future__ import annotations

import argparse
import io
import os
import re
import resource
import sys
import tempfile
import time
from functools import partial
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import harness

ERRORS = (re.compile(r'<p class="errornote" role="alert">(.*?)</p>'), re.compile(r'<ul class="errorlist[^>]*><li>(.*?)</li>'))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=300, help="pages of the long PDF (about)")
    parser.add_argument("--repeat", type=int, default=1, help="runs per case; the fastest counts")
    args = parser.parse_args()
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{tempfile.mkdtemp(prefix='bench_inputs_')}/db.sqlite3")
    harness.prepare(tasks=0, departments=0)

    from django.conf import settings
    from django.test import Client

    from speeches import pdf_process
    from speeches.parsing import pdf_reader
    from tests import office_files, pdf_files

    settings.MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="bench_inputs_media_"))
    client = Client()
    client.force_login(harness.supervisor("bench_inputs"))
    print(f"上限：PDF {settings.SPEECH_PDF_MAX_PAGES} 页、{settings.SPEECH_TEXT_MAX_CHARS:,} 字、读取 {settings.SPEECH_PDF_TIMEOUT:g} 秒；"
          f"转换 {settings.SPEECH_CONVERT_TIMEOUT:g} 秒")

    started = time.perf_counter()
    sections = max(1, round(args.pages / 1.1))  # a section of the test speech fills about 1.1 pages
    long_docx = _long_speech(office_files, sections)
    made = office_files.convert({"long.docx": long_docx, "speech.docx": office_files.speech_docx(),
                                 "scan.docx": office_files.scan_docx(pages=5)}, "pdf")
    long_pdf, speech_pdf, scan_pdf = made["long.docx"], made["speech.docx"], made["scan.docx"]
    speech_doc = office_files.speech_doc()
    converted = office_files.convert({"long.docx": long_docx}, "doc")
    long_doc = converted["long.docx"]
    print(f"（生成测试文件用时 {time.perf_counter() - started:.1f} 秒）")

    print("\nPDF 读取（不经页面）")
    print(f"{'step':<40}{'pages':>7}{'chars':>10}{'seconds':>9}{'cpu s':>7}  rate")
    for name, read in (("PDFium in this process", pdf_reader.pdf_pages),
                       ("PDFium in the child process", partial(pdf_process.pdf_pages, max_pages=10_000,
                                                               max_chars=10_000_000))):
        (seconds, cpu), pages = _timed(partial(read, long_pdf))
        chars = sum(len(line.text) for page in pages for line in page.lines)
        print(f"{name:<40}{len(pages):>7}{chars:>10,}{seconds:>9.2f}{cpu:>7.2f}  {len(pages) / seconds:.0f} 页/s")
    (seconds, cpu), text = _timed(lambda: pdf_reader.pdf_text(pages))
    print(f"{'pdf_text (heads, feet, joining)':<40}{len(pages):>7}{len(text):>10,}{seconds:>9.2f}{cpu:>7.2f}  "
          f"{len(pages) / seconds:.0f} 页/s")

    rows = [office_files.TABLE_HEADER] + [(str(n), f"抓好第{n}项重点工作", "县教育局", "县财政局、县发展和改革局", "2025年6月底前")
                       for n in range(1, 301)]
    cases = [
        ("PDF, 6 pages", ("讲话.pdf", speech_pdf)),
        (f"PDF, {_page_count(long_pdf)} pages", ("长篇.pdf", long_pdf)),
        ("PDF, 301 pages (over the cap)", ("超页.pdf", pdf_files.text_pages([["p"]] * 301))),
        ("PDF, scanned (5 pages)", ("扫描件.pdf", scan_pdf)),
        ("PDF, nested 100,000 deep", ("嵌套.pdf", pdf_files.nested(100_000))),
        ("PDF, 64 MB content stream", ("大流.pdf", pdf_files.inflating(64))),
        (".doc, 2 sections (LibreOffice)", ("讲话.doc", speech_doc)),
        (".wps, 2 sections (LibreOffice)", ("讲话.wps", speech_doc)),
        (f".doc, long ({len(long_doc) // 1024} KB)", ("长篇.doc", long_doc)),
        (".rtf, 2 sections (LibreOffice)", ("讲话.rtf", office_files.speech_rtf())),
        (".docx, task table of 300 rows", ("分解表.docx", office_files.table_docx(rows))),
    ]
    print("\n上传页（读取 + 识别 + 保存）")
    print(f"{'case':<40}{'KB':>9}{'status':>7}{'seconds':>9}{'cpu s':>7}  outcome")
    for name, (filename, data) in cases:
        results = [_post(client, filename, data) for _ in range(max(args.repeat, 1))]
        status, seconds, cpu, outcome = min(results, key=lambda row: row[1])
        print(f"{name:<40}{len(data) / 1024:>9.0f}{status:>7}{seconds:>9.2f}{cpu:>7.2f}  {outcome}", flush=True)


def _long_speech(office_files, sections: int) -> bytes:
    """The test speech with ``sections`` sections (its numerals run out at 十: they repeat)."""
    import docx
    from docx.shared import Pt

    document = docx.Document()
    document.styles["Normal"].font.size = Pt(16)
    document.sections[0].header.paragraphs[0].text = office_files.HEAD
    office_files._footer(document.sections[0], "— {PAGE} —")
    document.add_paragraph(office_files.TITLE)
    for index in range(sections):
        numeral = office_files.NUMERALS[index % 10]
        office_files._indented(document, f"{numeral}、突出重点，抓好第{index + 1}方面工作")
        for sub in range(4):
            office_files._indented(document, office_files.directive(index * 4 + sub + 1, f"（{office_files.NUMERALS[sub]}）")
                                   + office_files.FILLER)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _page_count(data: bytes) -> int:
    import pypdfium2

    document = pypdfium2.PdfDocument(data)
    try:
        return len(document)
    finally:
        document.close()


def _cpu() -> float:
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def _timed(work):
    started, cpu = time.perf_counter(), _cpu()
    result = work()
    return (time.perf_counter() - started, _cpu() - cpu), result


def _post(client, filename: str, data: bytes):
    from speeches.models import SpeechUpload

    file = io.BytesIO(data)
    file.name = filename
    payload = {"meeting": "基准测试", "speaker": "", "date": "2025-01-10", "text": "", "file": file}
    latest = SpeechUpload.objects.order_by("-pk").values_list("pk", flat=True).first()
    (seconds, cpu), response = _timed(lambda: client.post("/speeches/upload/", payload))
    upload = SpeechUpload.objects.order_by("-pk").first()
    if response.status_code == 302 and upload is not None and upload.pk != latest:
        items = sum(speech.items.count() for speech in upload.speeches.all())
        return response.status_code, seconds, cpu, f"saved {upload.speeches.count()} 篇，{items} 个要点"
    body = response.content.decode()
    message = next((match.group(1) for pattern in ERRORS if (match := pattern.search(body))), "")
    return response.status_code, seconds, cpu, f"refused: {message[:50]}"


if __name__ == "__main__":
    main()
