"""Duplicate directives (可能重复): precision and recall of the threshold on labelled seed pairs, and the cost
of the candidate lookup on the review page with 100,000 tasks.

Usage:
  python bench/bench_duplicates.py                 # both parts
  python bench/bench_duplicates.py --pairs-only    # the labelled pairs only (no database)
  DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_dup python bench/bench_duplicates.py

Part 1 reads bench/duplicate_pairs.tsv: pairs of items of the seed speeches (../shared/seeds),
each labelled 1 (the same directive given again) or 0 by reading them. Each item is
extracted as the upload does, its own text (without its sub-items') compared with
``speeches.similarity.score``. It prints precision and recall at ``similarity.THRESHOLD``
and around it, and how many true pairs the prefilter (a distinctive bigram of one
title found in the other's title, either way) lets through.

Part 2 uses the scratch database of bench/harness.py (100,000 generated tasks; never
point it at real data), imports a seed speech inside a transaction that is rolled
back, and times ``selectors.speech_duplicate_flags`` for it (wall and CPU seconds); then
the candidate query's worst case (keys no title holds: the whole scan), with and without
the narrowing to the departments the speech names.
"""
from __future__ import annotations

import argparse
import csv
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
SEEDS = REPO.parent / "shared" / "seeds"
PAIRS = Path(__file__).with_name("duplicate_pairs.tsv")


def seed_items():
    """{"003:0:14": (title, own text)} for every item of every seed speech, as the upload extracts them."""
    from speeches.parsing.pipeline import extract
    from speeches.parsing.reader import read_input

    items = {}
    for path in sorted(SEEDS.glob("*.txt")):
        document = extract(read_input(path.read_bytes(), path.name), path.name)
        for s_index, speech in enumerate(document.speeches):
            for i_index, item in enumerate(speech.items):
                children = [c.start for c in speech.items if c.parent == item.id]
                own = speech.text[item.start:min(children) if children else item.end]
                items[f"{path.name[:3]}:{s_index}:{i_index}"] = (item.title, own)
    return items


def selectors_keys_per_item():
    """The selector's number of keys per item, read from its source so this part needs no Django."""
    import re

    source = (REPO / "speeches" / "selectors.py").read_text(encoding="utf-8")
    return int(re.search(r"^KEYS_PER_ITEM = (\d+)", source, re.M).group(1))


def read_pairs():
    lines = [line for line in PAIRS.read_text(encoding="utf-8").splitlines() if line and not line.startswith("#")]
    return [(int(row["label"]), row["a"], row["b"]) for row in csv.DictReader(lines, delimiter="\t")]


def pairs_report():
    from speeches import similarity

    items = seed_items()
    pairs = read_pairs()
    scored = []
    for label, a, b in pairs:
        (title_a, text_a), (title_b, text_b) = items[a], items[b]
        score = similarity.score(similarity.comparable(title_a, text_a), similarity.comparable(title_b, text_b))
        limit = selectors_keys_per_item()
        found = any(key in title_a for key in similarity.distinctive(title_b, limit=limit)) or \
            any(key in title_b for key in similarity.distinctive(title_a, limit=limit))
        scored.append((label, score, found))
    positives = sum(label for label, _, _ in scored)
    print(f"标注配对 {len(scored)} 对（重复 {positives} 对，不重复 {len(scored) - positives} 对），来自 {PAIRS.name}")
    print(f"{'阈值':>6}{'标记':>6}{'正确':>6}{'精确率':>9}{'召回率':>9}")
    for threshold in (0.3, 0.4, similarity.THRESHOLD, 0.6, 0.7):
        flagged = [(label, found) for label, score, found in scored if score >= threshold]
        hits = sum(label for label, _ in flagged)
        precision = hits / len(flagged) if flagged else 1.0
        recall = hits / positives if positives else 1.0
        mark = "  ← 采用" if threshold == similarity.THRESHOLD else ""
        print(f"{threshold:>6.2f}{len(flagged):>6}{hits:>6}{precision:>9.2f}{recall:>9.2f}{mark}")
    through = sum(1 for label, _, found in scored if label and found)
    print(f"预筛（标题中的特征二元组）放行的真实重复：{through}/{positives}")


def lookup_report(*, tasks, departments, repeat):
    from bench import harness

    harness.prepare(tasks=tasks, departments=departments)
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    from speeches import selectors, services
    from tracker.models import Task

    seed = SEEDS / "004_bb8126398240cff5.txt"
    open_tasks = Task.objects.filter(status__in=("pending", "in_progress", "closing")).count()
    print(f"\n任务 {Task.objects.count()} 项（未办结 {open_tasks} 项）；讲话：{seed.name}")

    class Rollback(Exception):
        pass

    try:
        with transaction.atomic():
            upload = services.speech_import(data=seed.read_bytes(), filename=seed.name, again=True)
            print(f"{'讲话':<6}{'要点':>6}{'标记':>6}{'中位(ms)':>10}{'CPU(ms)':>10}{'查询数':>8}")
            for speech in upload.speeches.order_by("position"):
                rows = selectors.speech_review_rows(speech=speech)
                walls, cpus = [], []
                for _ in range(repeat):
                    wall, cpu = time.perf_counter(), time.process_time()
                    with CaptureQueriesContext(connection) as queries:
                        flags = selectors.speech_duplicate_flags(speech=speech, rows=rows)
                    walls.append(time.perf_counter() - wall)
                    cpus.append(time.process_time() - cpu)
                walls.sort()
                cpus.sort()
                print(f"{speech.position:<6}{len(rows):>6}{len(flags):>6}{walls[len(walls) // 2] * 1000:>10.0f}"
                      f"{cpus[len(cpus) // 2] * 1000:>10.0f}{len(queries):>8}")
            raise Rollback
    except Rollback:
        pass
    # The worst case: keys no title holds, so the whole scan runs and nothing stops it early.
    from tracker.models import Department

    unseen = [a + b for a in "鹏鹤鸥鸦鹰鹊燕雀鸽鹅" for b in "鸭鸡鹭鹳鹂鹃鹑鹉鹦鹫" if a != b][:300]
    named = list(Department.objects.order_by("pk").values_list("pk", flat=True)[:8])
    print("\n候选查询最坏情况（关键二元组均不命中，全程扫描）：")
    print(f"{'关键词数':>8}{'单位限定':>10}{'中位(ms)':>10}{'CPU(ms)':>10}")
    for count in (60, 300):
        for departments in (None, named):
            walls, cpus = [], []
            for _ in range(repeat):
                wall, cpu = time.perf_counter(), time.process_time()
                selectors.duplicate_candidates(keys=unseen[:count], departments=departments)
                walls.append(time.perf_counter() - wall)
                cpus.append(time.process_time() - cpu)
            walls.sort()
            cpus.sort()
            label = f"{len(named)} 个" if departments else "不限"
            print(f"{count:>8}{label:>10}{walls[len(walls) // 2] * 1000:>10.0f}{cpus[len(cpus) // 2] * 1000:>10.0f}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairs-only", action="store_true")
    parser.add_argument("--tasks", type=int, default=100_000)
    parser.add_argument("--departments", type=int, default=50)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    if not SEEDS.is_dir():
        sys.exit(f"找不到种子讲话目录 {SEEDS}")
    pairs_report()
    if not args.pairs_only:
        lookup_report(tasks=args.tasks, departments=args.departments, repeat=args.repeat)


if __name__ == "__main__":
    main()
