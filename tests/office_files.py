"""Real input files for the reader's tests, made the way officials' files are made.

A speech is written with python-docx in the 公文 layout (a running head, a page number
in the footer, first lines indented two characters) and LibreOffice headless turns it
into the other formats: PDF, Word 97-2003 .doc and RTF. A scan is a .docx holding only
a picture, printed to PDF. A 任务分解表 is a Word table (table_docx). Conversions are
cached for the session (a cold LibreOffice start takes seconds), one run per batch of files.

Without soffice these tests skip with the reason; with DUBAN_REQUIRE_RENDER=1 (set by
.ci/run) they fail instead.
"""
import hashlib
import io
import os
import shutil
import struct
import subprocess
import tempfile
import zlib
from pathlib import Path

import docx
import pytest
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt

SOFFICE_TIMEOUT = 180  # a cold start on a loaded 2-core machine
_CACHE: dict[tuple[str, str], bytes] = {}


def require_soffice() -> str:
    """Return the soffice program; skip (or fail with DUBAN_REQUIRE_RENDER=1) where it is missing."""
    program = shutil.which("soffice")
    if not program:
        reason = "未找到 soffice：跳过需要 LibreOffice 生成或转换文件的测试（apt-get install libreoffice-writer-nogui）"
        if os.environ.get("DUBAN_REQUIRE_RENDER", "") not in ("", "0"):
            pytest.fail(f"DUBAN_REQUIRE_RENDER=1，但{reason}")
        pytest.skip(reason)
    return program


def convert(files: dict[str, bytes], to: str) -> dict[str, bytes]:
    """Return each of ``files`` (name with extension -> bytes) converted by LibreOffice to ``to`` (pdf, doc, rtf)."""
    program = require_soffice()
    keys = {name: (hashlib.sha256(data).hexdigest(), to) for name, data in files.items()}
    missing = {name: data for name, data in files.items() if keys[name] not in _CACHE}
    if missing:
        with tempfile.TemporaryDirectory(prefix="duban-test-lo-") as folder:
            root = Path(folder)
            for name, data in missing.items():
                (root / name).write_bytes(data)
            command = [program, f"-env:UserInstallation={(root / 'profile').as_uri()}", "--headless", "--norestore",
                       "--convert-to", to, "--outdir", str(root / "out"), *(str(root / name) for name in missing)]
            done = subprocess.run(command, capture_output=True, text=True, timeout=SOFFICE_TIMEOUT,
                                  env={**os.environ, "HOME": folder}, check=False)
            for name in missing:
                result = root / "out" / f"{Path(name).stem}.{to}"
                assert result.is_file(), f"LibreOffice 未能把 {name} 转为 {to}：{done.stderr or done.stdout}"
                _CACHE[keys[name]] = result.read_bytes()
    return {name: _CACHE[keys[name]] for name in files}


# --- the documents ----------------------------------------------------------------------

HEAD = "××县人民政府办公室"
# Footers as offices print them; {PAGE} and {NUMPAGES} become Word fields.
FOOTERS = ("— {PAGE} —", "第 {PAGE} 页", "- {PAGE} -", "{PAGE}/{NUMPAGES}", "第{PAGE}页 共{NUMPAGES}页")

TITLE = "在全县安全生产工作会议上的讲话"
# One body paragraph long enough to run over several lines, and a directive with an owner and a deadline.
FILLER = ("当前，全县安全生产形势总体平稳，但风险隐患依然不少，各级各部门必须始终绷紧安全这根弦，"
          "坚持人民至上、生命至上，把安全生产各项措施落细落实，坚决守住不发生重大事故的底线。")


OWNERS = ("县教育局", "县财政局", "县发展和改革局")  # departments of the demo county


def directive(number: int, marker: str) -> str:
    return (f"{marker}抓好第{number}项重点工作。{OWNERS[number % 3]}要会同有关部门，对照问题清单逐项整改，"
            f"建立健全长效机制，确保各项措施落到实处，在{(number % 9) + 1}月底前完成全部整改任务。")


def _field(paragraph, instruction: str) -> None:
    for kind, text in (("begin", None), (None, instruction), ("separate", None), (None, "1"), ("end", None)):
        run = paragraph.add_run()
        if kind:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
        elif text == instruction:
            element = OxmlElement("w:instrText")
            element.set(qn("xml:space"), "preserve")
            element.text = f" {instruction} "
        else:
            element = OxmlElement("w:t")
            element.text = text
        run._r.append(element)


def _footer(section, pattern: str) -> None:
    section.footer.is_linked_to_previous = False
    paragraph = section.footer.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    rest = pattern
    while rest:
        before, brace, after = rest.partition("{")
        if before:
            paragraph.add_run(before)
        if not brace:
            break
        name, _, rest = after.partition("}")
        _field(paragraph, name)


def _indented(document, text: str):
    paragraph = document.add_paragraph(text)
    paragraph.paragraph_format.first_line_indent = Pt(32)  # two characters of 16 pt (三号)
    return paragraph


CLOSING = "同志们，做好安全生产工作责任重大，希望大家真抓实干，确保全县安全形势持续稳定。"
NUMERALS = "一二三四五六七八九十"


def speech_paragraphs(sections: int = len(FOOTERS)) -> list[list[str]]:
    """The speech's paragraphs, grouped by section: what reading any of its formats must give back."""
    groups = [[TITLE, "同志们：", FILLER * 2]]
    for index in range(sections):
        group = groups[0] if index == 0 else []
        group.append(f"{NUMERALS[index]}、突出重点，抓好第{index + 1}方面工作")
        group += [directive(index * 4 + sub + 1, f"（{NUMERALS[sub]}）") + FILLER for sub in range(4)]
        if index:
            groups.append(group)
    groups[-1].append(CLOSING)
    return groups


def speech_docx(*, sections: int = len(FOOTERS)) -> bytes:
    """A speech in the 公文 layout over several pages: one section per footer style, each 1-2 pages long.

    Every section starts a page and holds a heading 一、二、… with directives （一）（二）…, some
    of whose lines fall across page breaks, so joining and dropping heads and feet are both
    exercised. The first lines of paragraphs are indented two characters; the title is centred.
    """
    document = docx.Document()
    document.styles["Normal"].font.size = Pt(16)
    document.sections[0].header.paragraphs[0].text = HEAD
    for index, group in enumerate(speech_paragraphs(sections)):
        section = document.sections[0] if index == 0 else document.add_section()
        _footer(section, FOOTERS[index])
        for text in group:
            if text == TITLE:
                document.add_paragraph(text).alignment = WD_ALIGN_PARAGRAPH.CENTER
            elif text == "同志们：":
                document.add_paragraph(text)
            else:
                _indented(document, text)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


TABLE_HEADER = ("序号", "工作任务", "牵头单位", "配合单位", "完成时限")


def table_docx(rows, *, before=("关于印发全县安全生产重点任务分解表的通知", "各乡镇、县直各部门：", "现将重点任务分解如下，请认真抓好落实。"),
               merges=()):
    """A .docx with paragraphs ``before`` and a table of ``rows``; ``merges`` are ((r1, c1), (r2, c2)) pairs."""
    document = docx.Document()
    for text in before:
        document.add_paragraph(text)
    table = document.add_table(rows=len(rows), cols=max(len(row) for row in rows))
    for r, values in enumerate(rows):
        for c, value in enumerate(values):
            if value is None:
                continue
            cell = table.cell(r, c)
            first, *more = value.split("\n")
            cell.text = first
            for line in more:
                cell.add_paragraph(line)
    for (r1, c1), (r2, c2) in merges:
        table.cell(r1, c1).merge(table.cell(r2, c2))
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def png(width=400, height=200) -> bytes:
    """A grey picture with dark stripes, written by hand (no imaging library here)."""
    rows = b"".join(b"\x00" + bytes((40 if (x // 20) % 2 else 200) for x in range(width)) for _ in range(height))

    def chunk(kind, body):
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")


def scan_docx(pages=2) -> bytes:
    """A .docx whose pages hold nothing but a picture: printed to PDF, it is what a scanner makes."""
    from docx.enum.text import WD_BREAK
    from docx.shared import Cm

    document = docx.Document()
    for page in range(pages):
        run = document.add_paragraph().add_run()
        run.add_picture(io.BytesIO(png()), width=Cm(15))
        if page < pages - 1:
            run.add_break(WD_BREAK.PAGE)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def speech_pdf() -> bytes:
    return convert({"speech.docx": speech_docx()}, "pdf")["speech.docx"]


def speech_doc() -> bytes:
    return convert({"speech.docx": speech_docx(sections=2)}, "doc")["speech.docx"]


def speech_rtf() -> bytes:
    return convert({"speech.docx": speech_docx(sections=2)}, "rtf")["speech.docx"]


def scan_pdf() -> bytes:
    return convert({"scan.docx": scan_docx()}, "pdf")["scan.docx"]
