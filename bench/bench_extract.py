"""Measure extraction throughput, and check that it grows linearly with input size.

Usage: python bench/bench_extract.py [--sizes 2,20] [--repeat 3]

Reads the seed speeches from ../shared/seeds, then builds larger inputs from them:
the seed texts repeated with numbers and place words altered per copy (so no cache or
dedupe step can shortcut the work), once with its line breaks and once with none at
all, which is how some scraped pages arrive and what exposes a regex that backtracks
across a whole paragraph. Each input goes through read_input + pipeline.extract as
one file, as an upload would. Each row is the median of --repeat runs (wall and CPU
apart); "MB/s" is per wall second, "MB/cpu s" per CPU second of this process: on a
busy machine wall seconds grow with the load, CPU seconds much less. The last lines
give the 20 MB / 2 MB ratios of the medians: about 10 means linear; far above means
something quadratic.
"""
from __future__ import annotations

import argparse
import re
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from speeches.parsing import pipeline  # noqa: E402
from speeches.parsing.document import ExtractionError  # noqa: E402
from speeches.parsing.reader import read_input  # noqa: E402

SEEDS = REPO.parent / "shared" / "seeds"
MB = 1024 * 1024
PLACES = ("县", "市", "区", "镇")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="2,20", help="generated corpus sizes in MB, comma-separated")
    parser.add_argument("--repeat", type=int, default=3, help="runs per corpus; the median counts")
    args = parser.parse_args()
    sizes = [int(size) for size in args.sizes.split(",")]
    if not SEEDS.is_dir():
        sys.exit(f"没有找到种子目录 {SEEDS}")
    seeds = [path.read_text(encoding="utf-8") for path in sorted(SEEDS.glob("*.txt"))]

    print(f"{'corpus':<16}{'MB':>8}{'wall s':>8}{'cpu s':>8}{'read s':>8}{'MB/s':>8}{'MB/cpu s':>10}{'speeches':>10}{'items':>9}")
    show(median(args.repeat, "seeds", [text.encode("utf-8") for text in seeds]))
    timings: dict[tuple[str, int], tuple[float, float]] = {}
    for layout in ("lines", "no-breaks"):
        for size in sizes:
            text = generate(seeds, size * MB)
            if layout == "no-breaks":
                text = text.replace("\n", "")
            row = median(args.repeat, f"{layout} {size}MB", [text.encode("utf-8")])
            timings[(layout, size)] = (row[2], row[3])
            show(row)
    if len(sizes) >= 2:
        small, large = min(sizes), max(sizes)
        for layout in ("lines", "no-breaks"):
            ratio = timings[(layout, large)][0] / timings[(layout, small)][0]
            cpu_ratio = timings[(layout, large)][1] / timings[(layout, small)][1]
            verdict = "linear" if cpu_ratio <= 1.2 * large / small else "SUPERLINEAR"  # CPU: load adds wall time
            print(f"{layout}: {large}MB/{small}MB median wall ratio {ratio:.1f}, cpu ratio {cpu_ratio:.1f} "
                  f"(size ratio {large / small:.0f}) {verdict}")


def median(repeat: int, name: str, files: list[bytes]) -> tuple:
    """Return the run of median CPU time among ``repeat`` runs, with the median wall time.

    The median, not the fastest: a lucky run says nothing about the usual cost, and
    growth judged from two lucky runs can hide a superlinear stage.
    """
    rows = sorted((run(name, files) for _ in range(max(repeat, 1))), key=lambda row: row[3])
    middle = rows[len(rows) // 2]
    wall = statistics.median(row[2] for row in rows)
    return middle[:2] + (wall,) + middle[3:]


def run(name: str, files: list[bytes]) -> tuple:
    """Read and extract each file; return name, MB, seconds, CPU seconds, read seconds, speeches, items.

    Reading (decode) is timed apart so a slow row shows which side to look at. A file
    the extractor refuses still counts its time; its speeches show as "refused".
    """
    speeches: int | str = 0
    items = 0
    reading = 0.0
    started, cpu_started = time.perf_counter(), time.process_time()
    for index, data in enumerate(files):
        source = f"{name}-{index}.txt"
        read_started = time.perf_counter()
        text = read_input(data, source)
        reading += time.perf_counter() - read_started
        try:
            document = pipeline.extract(text, source)
        except ExtractionError:
            speeches = "refused"
            continue
        if isinstance(speeches, int):
            speeches += len(document.speeches)
        items += sum(len(speech.items) for speech in document.speeches)
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    return name, sum(len(data) for data in files) / MB, seconds, cpu, reading, speeches, items


def show(row: tuple) -> None:
    name, megabytes, seconds, cpu, reading, speeches, items = row
    print(
        f"{name:<16}{megabytes:>8.2f}{seconds:>8.2f}{cpu:>8.2f}{reading:>8.2f}{megabytes / seconds:>8.2f}"
        f"{megabytes / cpu:>10.2f}{speeches:>10}{items:>9}",
        flush=True,
    )


def generate(seeds: list[str], target_bytes: int) -> str:
    """Repeat the seeds, each copy with its numbers shifted and its place words rotated."""
    parts, total, copy = [], 0, 0
    while total < target_bytes:
        for text in seeds:
            varied = vary(text, copy)
            parts.append(varied)
            total += len(varied.encode("utf-8"))
            copy += 1
            if total >= target_bytes:
                break
    return "\n".join(parts)


def vary(text: str, copy: int) -> str:
    place = PLACES[copy % len(PLACES)]
    text = re.sub(r"\d+", lambda match: str(int(match.group()) + copy), text)
    return text.replace("县", place)


if __name__ == "__main__":
    main()
