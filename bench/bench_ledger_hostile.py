"""Bench the ledger import against hostile uploads: how fast and how cheaply they are refused.

    python bench/bench_ledger_hostile.py              # 1,000,000 rows per file
    python bench/bench_ledger_hostile.py --rows 200000

Each file has the ledger's own sheet and headers, so nothing but its size gives it
away, and then: a million data rows, empty ones (``<row r="N"/>``, the upload of
issue 11), ones with a few cells, and the same with a <dimension> that lies (claims
A1:Q10); two rows, the second numbered a trillion (openpyxl walks every number in
between); a table of two million shared strings (openpyxl reads them all as it opens
the file). Each upload goes through the import's preview (imports.ledger_preview, as
the page calls it) in a fresh subprocess, so its peak memory (VmHWM) is its own; the
script prints the file's size, the seconds until the refusal, the CPU seconds, the
peak and growth of memory, and the message the user sees. No database is touched:
a file is refused before any task is looked up.
"""
from __future__ import annotations

import argparse
import io
import itertools
import json
import os
import subprocess
import sys
import time
import zipfile
from pathlib import Path

from openpyxl import Workbook

REPO = Path(__file__).resolve().parent.parent

# name: (label, hostile_ledger arguments; "rows" is filled in from --rows where it is None)
CASES = {
    "empty": ("空行", dict(rows=None)),
    "cells": ("每行3个单元格", dict(rows=None, cells=3)),
    "cells-lying": ("每行3个单元格，<dimension> 谎报为 A1:Q10", dict(rows=None, cells=3, declared="A1:Q10")),
    "far-row": ("2行，第2行编号为第1万亿行", dict(rows=1, cells=1, far_row=10**12)),
    "shared-strings": ("200万条共享字符串", dict(rows=1, cells=1, shared_strings=2_000_000)),
}
# The costliest files the caps let through (read in full, not refused): the element budget
# (read.element_budget of LEDGER_IMPORT_MAX_ROWS) spent on shared strings, or on as many cells
# in as many rows as allowed. Their time is the most an upload can cost before any task is read.
AT_CAP = {
    "strings-at-cap": ("共享字符串，刚好用满元素上限",
                       lambda rows, budget: dict(rows=1, cells=1, shared_strings=(budget - 2000) // 20000 * 10000)),
    "cells-at-cap": ("行数上限，每行单元格刚好用满元素上限",
                     lambda rows, budget: dict(rows=rows, cells=((budget - 2000) // rows - 1) // 2)),
}


def hostile_ledger(headers, *, rows, cells=0, declared=None, far_row=None, shared_strings=0, sheet="任务清单"):
    """Return the bytes of an .xlsx whose ledger sheet has ``headers`` and then ``rows`` data rows.

    Each data row holds ``cells`` small numeric cells (0: ``<row r="N"/>``), written
    without the optional r attribute as a hostile file would, to pack the most work into
    the fewest bytes; ``declared`` is the ref its <dimension> claims (default: the true
    one); ``far_row`` adds one more row with that number; ``shared_strings`` adds a
    shared-string table of that many entries. The rows are streamed into the zip, so a
    million of them cost no memory here.
    """
    wb = Workbook()
    ws = wb.active
    ws.title = sheet
    ws.append(["督办任务台账"])
    ws.append(list(headers))
    skeleton = io.BytesIO()
    wb.save(skeleton)
    last = 2 + rows
    truth = f"A1:{ws.cell(row=1, column=len(headers)).column_letter}{far_row or last}"
    out = io.BytesIO()
    with zipfile.ZipFile(skeleton) as source, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as result:
        for info in source.infolist():
            data = source.read(info)
            if shared_strings and info.filename == "[Content_Types].xml":
                data = data.replace(b"</Types>", b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
                                    b'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>')
            if shared_strings and info.filename == "xl/_rels/workbook.xml.rels":
                data = data.replace(b"</Relationships>", b'<Relationship Id="rIdStrings" Target="sharedStrings.xml" '
                                    b'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
                                    b'sharedStrings"/></Relationships>')
            if info.filename != "xl/worksheets/sheet1.xml":
                result.writestr(info, data)
                continue
            head, marker, tail = data.rpartition(b"</sheetData>")
            head = head.replace(f'<dimension ref="{ws.dimensions}"'.encode(),
                                f'<dimension ref="{declared or truth}"'.encode(), 1)
            with result.open(info.filename, "w", force_zip64=True) as part:  # the archive's deflate level
                part.write(head)
                batch = []
                for number in itertools.chain(range(3, last + 1), [far_row] if far_row else []):
                    if cells:
                        body = f"<c><v>{number % 7}</v></c>" * cells
                        batch.append(f'<row r="{number}">{body}</row>')
                    else:
                        batch.append(f'<row r="{number}"/>')
                    if len(batch) == 10000:
                        part.write("".join(batch).encode())
                        batch = []
                part.write("".join(batch).encode())
                part.write(marker + tail)
        if shared_strings:
            with result.open("xl/sharedStrings.xml", "w", force_zip64=True) as part:
                part.write(b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">')
                for _ in range(shared_strings // 10000):
                    part.write(b"<si><t>x</t></si>" * 10000)
                part.write(b"</sst>")
    return out.getvalue()


def django_setup():
    sys.path.insert(0, str(REPO))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    # Nothing is looked up before a file is refused; a file that is not refused fails on the empty database.
    os.environ["DATABASE_URL"] = "sqlite://:memory:"
    import django

    django.setup()


def child(path):
    """Run one upload through the preview; print what it cost as JSON."""
    django_setup()
    from bench.bench_excel import proc_status_kb
    from tracker.ledger import imports
    from tracker.ledger.read import LedgerFileError

    data = Path(path).read_bytes()
    baseline = proc_status_kb("VmRSS")
    start, cpu_start = time.perf_counter(), time.process_time()
    try:
        imports.ledger_preview(user=None, data=data)
        message = "（未被拒绝）"
    except LedgerFileError as exc:
        message = str(exc)
    except Exception as exc:  # read in full, then the empty database: not refused
        message = f"（未被拒绝：读完全部行后 {type(exc).__name__}）"
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu_start
    print(json.dumps({"seconds": seconds, "cpu": cpu, "baseline_mb": baseline / 1024,
                      "peak_mb": proc_status_kb("VmHWM") / 1024, "message": message}, ensure_ascii=False))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--cases", default=",".join([*CASES, *AT_CAP]))
    parser.add_argument("--dir", default="/tmp", help="where the hostile files are written")
    parser.add_argument("--child")
    parser.add_argument("--path")
    args = parser.parse_args()
    if args.child:
        return child(args.path)

    django_setup()
    from django.conf import settings

    from tracker.ledger import export, read

    max_rows = settings.LEDGER_IMPORT_MAX_ROWS
    print(f"{'file':<40} {'MB':>5} {'seconds':>8} {'CPU s':>6} {'peak MB':>8} {'growth MB':>9}  message")
    for case in args.cases.split(","):
        if case in AT_CAP:
            label, make = AT_CAP[case]
            arguments = make(max_rows, read.element_budget(max_rows))
        else:
            label, arguments = CASES[case]
            arguments = {**arguments, "rows": arguments["rows"] or args.rows}
        data = hostile_ledger(export.HEADERS, **arguments)
        path = Path(args.dir) / f"ledger_hostile_{case}.xlsx"
        path.write_bytes(data)
        output = subprocess.run(
            [sys.executable, __file__, "--child", case, "--path", str(path)],
            check=True, capture_output=True, text=True,
        ).stdout
        r = json.loads(output.strip().splitlines()[-1])
        if arguments["rows"] > 2:
            label = f"{arguments['rows']:,} 行，{label}"
        print(f"{label:<40} {len(data) / 1024 / 1024:>5.1f} {r['seconds']:>8.2f} {r['cpu']:>6.2f}"
              f" {r['peak_mb']:>8.1f} {r['peak_mb'] - r['baseline_mb']:>9.1f}  {r['message'][:60]}")
        path.unlink()
    print(f"\nLEDGER_IMPORT_MAX_ROWS = {max_rows}, element budget {read.element_budget(max_rows):,};"
          " the last two files are read in full (the most an upload can cost before any task is looked up)")


if __name__ == "__main__":
    main()
