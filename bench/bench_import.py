"""Measure what ``import_speech --confirm`` makes of each seed file, against the demo departments.

Usage: DATABASE_URL=sqlite:////tmp/bench_import.sqlite3 python bench/bench_import.py

Uses a scratch database (it migrates it and loads the demo departments with
``load_demo``), imports every file of ../shared/seeds through the command, and prints
per file: speeches, items, tasks, owner phrases of the tasks (after splitting lists
such as 发改、财政部门) and how many matched a department, how many tasks got a lead
department and how many a resolved deadline; then the most frequent unmatched owners.
"""
from __future__ import annotations

import io
import os
import sys
import time
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402

from speeches import selectors  # noqa: E402
from speeches.models import SpeechUpload  # noqa: E402
from speeches.owners import match_owners  # noqa: E402
from tracker.models import Task  # noqa: E402

SEEDS = REPO.parent / "shared" / "seeds"


def main() -> int:
    if "DATABASE_URL" not in os.environ:
        print("请用 DATABASE_URL 指定一个临时数据库，例如 sqlite:////tmp/bench_import.sqlite3", file=sys.stderr)
        return 2
    settings.MEDIA_ROOT = Path("/tmp/bench_import_media")
    call_command("migrate", verbosity=0)
    call_command("load_demo", stdout=io.StringIO())
    index = selectors.department_index()
    header = f"{'file':<28}{'speeches':>9}{'items':>7}{'tasks':>7}{'owners':>8}{'matched':>9}{'led':>6}{'dated':>7}{'secs':>7}"
    print(header)
    totals = [0] * 7
    unmatched = Counter()
    for path in sorted(SEEDS.glob("*")):
        before = set(SpeechUpload.objects.values_list("pk", flat=True))
        started = time.perf_counter()
        call_command("import_speech", str(path), "--confirm", stdout=io.StringIO())
        seconds = time.perf_counter() - started
        upload = SpeechUpload.objects.exclude(pk__in=before).get()
        tasks = list(Task.objects.filter(speech__upload=upload))
        phrases = [
            match
            for speech in upload.speeches.all()
            for row in selectors.speech_review_rows(speech=speech, index=index) if row.task
            for match in match_owners(row.proposal.owners, index)
        ]
        unmatched.update(m.text for m in phrases if m.department_id is None)
        row = [
            upload.speeches.count(),
            sum(s.items.count() for s in upload.speeches.all()),
            len(tasks),
            len(phrases),
            sum(1 for m in phrases if m.department_id is not None),
            sum(1 for t in tasks if t.lead_department_id),
            sum(1 for t in tasks if t.deadline),
        ]
        totals = [a + b for a, b in zip(totals, row)]
        print(f"{path.name:<28}" + "".join(f"{v:>{w}}" for v, w in zip(row, (9, 7, 7, 8, 9, 6, 7))) + f"{seconds:>7.1f}")
    print(f"{'total':<28}" + "".join(f"{v:>{w}}" for v, w in zip(totals, (9, 7, 7, 8, 9, 6, 7))))
    print("unmatched owners, most frequent:", "、".join(f"{t}×{n}" for t, n in unmatched.most_common(20)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
