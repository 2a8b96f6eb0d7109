"""Time the speech limits through the upload page: the largest input it accepts, and how fast it refuses more.

Usage:
  python bench/bench_speech_limits.py [--repeat 1]
  DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_speech_limits python bench/bench_speech_limits.py
  SPEECH_TEXT_MAX_CHARS=2000000 python bench/bench_speech_limits.py   # what another cap would cost

DATABASE_URL names a scratch database (default: a new temporary SQLite file); uploaded
files go to a temporary MEDIA_ROOT. Every case is a POST to the upload page through
Django's test client as a logged-in supervisor, so "seconds" is what the user waits:
read, decode, parse, save, redirect. The accepted inputs hold exactly
SPEECH_TEXT_MAX_CHARS characters, built from ../shared/seeds as bench_extract.py builds
its corpus (a collection of speeches; one long speech; no line breaks; GB18030; .docx;
pasted). The refused ones are one character over, a file over SPEECH_UPLOAD_MAX_BYTES,
a 9.5 MB text file (under the byte limit, over the character limit), .docx bodies of
empty paragraphs just under and just over the tag cap (the most reading per byte; their
"size" is the paragraph count), and a post over DATA_UPLOAD_MAX_MEMORY_SIZE. The first
row times the parser alone on the accepted text. "cpu s" is this process's CPU time: on a
busy machine wall seconds grow with the load, CPU seconds much less.
"""
from __future__ import annotations

import argparse
import io
import logging
import os
import re
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import harness  # noqa: E402
from bench.bench_extract import MB, SEEDS, generate  # noqa: E402
from tests.speeches.conftest import docx_bytes  # noqa: E402  (the .docx writer the tests use)

# Where a refusal says why: the form's message, a field's message, or the 400 page's heading.
ERRORS = (re.compile(r'<p class="errornote" role="alert">(.*?)</p>'), re.compile(r'<ul class="errorlist[^>]*><li>(.*?)</li>'),
          re.compile(r"<h1>(.*?)</h1>"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=1, help="runs per case; the fastest counts")
    args = parser.parse_args()
    if not SEEDS.is_dir():
        sys.exit(f"没有找到种子目录 {SEEDS}")
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{tempfile.mkdtemp(prefix='bench_speech_limits_')}/db.sqlite3")
    harness.prepare(tasks=0, departments=0)

    from django.conf import settings
    from django.test import Client

    from speeches.parsing import pipeline
    from speeches.parsing.docx_reader import MAX_DOCUMENT_ELEMENTS
    from speeches.parsing.reader import read_input

    settings.MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="bench_speech_limits_media_"))
    logging.getLogger("django.security.RequestDataTooBig").setLevel(logging.CRITICAL)  # the refusal is the point
    client = Client()
    client.force_login(harness.supervisor("bench_speech_limits"))
    cap, byte_limit = settings.SPEECH_TEXT_MAX_CHARS, settings.SPEECH_UPLOAD_MAX_BYTES
    print(f"上限：{cap:,} 字；文件 {byte_limit / MB:.1f} MB；一次提交 {settings.DATA_UPLOAD_MAX_MEMORY_SIZE / MB:.1f} MB")

    seeds = [path.read_text(encoding="utf-8") for path in sorted(SEEDS.glob("*.txt"))]
    corpus = generate(seeds, 4 * (cap + 1))  # at least cap + 1 characters, whatever the mix
    text = corpus[:cap]
    over = corpus[:cap + 1]
    one_speech = _one_speech(corpus)[:cap]

    print(f"{'case':<34}{'size':>11}{'MB':>7}{'status':>7}{'seconds':>9}{'cpu s':>7}  outcome")
    started, cpu = time.perf_counter(), time.process_time()
    document = pipeline.extract(read_input(text.encode("utf-8"), "a.txt"))
    seconds = time.perf_counter() - started
    megabytes = len(text.encode("utf-8")) / MB
    _show("parser alone (read + extract)", len(text), megabytes, "-", seconds, time.process_time() - cpu,
          f"{len(document.speeches)} 篇，{sum(len(s.items) for s in document.speeches)} 个要点；"
          f"{megabytes / seconds:.2f} MB/s，{len(text) / seconds / 10000:.0f} 万字/s")

    big = generate(seeds, int(9.5 * MB)).encode("utf-8")[:int(9.5 * MB)].decode("utf-8", "ignore")
    flat = corpus.replace("\n", "")[:cap]
    post_limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    elements = MAX_DOCUMENT_ELEMENTS  # a .docx body of empty paragraphs: the most reading per byte
    cases = [  # name, characters (paragraphs for the crowded .docx), what the form gets: a file (name, bytes) or pasted text
        ("accepted: collection .txt UTF-8", cap, {"file": ("合集.txt", text.encode("utf-8"))}),
        ("accepted: one long speech .txt", cap, {"file": ("长篇.txt", one_speech.encode("utf-8"))}),
        ("accepted: no line breaks .txt", cap, {"file": ("无换行.txt", flat.encode("utf-8"))}),
        ("accepted: collection .txt GB18030", cap, {"file": ("合集GBK.txt", text.encode("gb18030"))}),
        ("accepted: collection .docx", cap, {"file": ("合集.docx", docx_bytes(text.split("\n")))}),
        ("accepted: pasted", cap, {"text": text}),
        ("refused: pasted, 1 char over", cap + 1, {"text": over}),
        ("refused: .txt GB18030, 1 char over", cap + 1, {"file": ("超字数.txt", over.encode("gb18030"))}),
        ("refused: 9.5 MB .txt UTF-8", len(big), {"file": ("大.txt", big.encode("utf-8"))}),
        ("refused: .txt 1 byte over limit", byte_limit + 1, {"file": ("超大.txt", b"a" * (byte_limit + 1))}),
        ("slowest .docx under the element cap", elements - 100, {"file": ("空段落.docx", _crowded_docx(elements - 100))}),
        ("refused: .docx over element cap", elements + 1, {"file": ("空段落.docx", _crowded_docx(elements + 1))}),
        ("refused: post over the body limit", post_limit // 3 + 1, {"text": "好" * (post_limit // 3 + 1)}),
    ]
    for name, chars, fields in cases:
        rows = [_post(client, fields) for _ in range(max(args.repeat, 1))]
        status, seconds, cpu, outcome = min(rows, key=lambda row: row[1])
        data = fields["file"][1] if "file" in fields else fields["text"].encode("utf-8")
        _show(name, chars, len(data) / MB, status, seconds, cpu, outcome)


def _post(client, fields):
    """POST the upload form; return status, seconds, CPU seconds and what came of it."""
    from speeches.models import SpeechUpload

    payload = {"meeting": "基准测试", "speaker": "", "date": "2024-08-16", "text": "", **fields}
    if "file" in fields:
        name, data = fields["file"]
        payload["file"] = io.BytesIO(data)
        payload["file"].name = name
    latest = SpeechUpload.objects.order_by("-pk").values_list("pk", flat=True).first()
    started, cpu = time.perf_counter(), time.process_time()
    response = client.post("/speeches/upload/", payload)
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    upload = SpeechUpload.objects.order_by("-pk").first()
    if response.status_code == 302 and upload is not None and upload.pk != latest:
        speeches = upload.speeches.count()
        items = sum(speech.items.count() for speech in upload.speeches.all())
        return response.status_code, seconds, cpu, f"saved {speeches} 篇，{items} 个要点"
    body = response.content.decode()
    message = next((match.group(1) for pattern in ERRORS if (match := pattern.search(body))), "")
    return response.status_code, seconds, cpu, f"refused: {message[:60]}"


def _show(name, chars, megabytes, status, seconds, cpu, outcome):
    print(f"{name:<34}{chars:>11,}{megabytes:>7.2f}{status!s:>7}{seconds:>9.2f}{cpu:>7.2f}  {outcome}", flush=True)


def _one_speech(text: str) -> str:
    """One speech opening, then the bodies of all the seeds without anything that opens another speech."""
    for word, plain in (("同志们", "大家"), ("讲话", "报告"), ("发言", "表态"), ("致辞", "致意"), ("目录", "")):
        text = text.replace(word, plain)
    text = re.sub(r"第[一二三四五六七八九十百\d]{1,3}篇", "", text)
    return "在全县工作会议上的讲话\n同志们：\n" + text


def _crowded_docx(paragraphs: int) -> bytes:
    import zipfile

    source = zipfile.ZipFile(io.BytesIO(docx_bytes(["一、抓好安全"])))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "word/document.xml":
                data = data.replace(b"<w:body>", b"<w:body>" + b"<w:p/>" * paragraphs, 1)
            archive.writestr(info.filename, data)
    return buffer.getvalue()


if __name__ == "__main__":
    main()
