"""Run the extractor on every seed, write the GUIDE §4 JSON and score it against gold.

Usage: .venv/bin/python scripts/score_dev.py [--detail] [--out out.json]
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
sys.path.insert(0, str(ROOT))

from speeches.parsing.pipeline import extract, to_guide_json  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--detail", action="store_true")
    parser.add_argument("--out", default="/tmp/score_dev_pred.json")
    args = parser.parse_args()
    documents, size, began = [], 0, time.perf_counter()
    for seed in sorted((SHARED / "seeds").glob("*.txt")):
        raw = seed.read_bytes()
        size += len(raw)
        documents.append(extract(raw.decode("utf-8"), source=seed.name))
    seconds = time.perf_counter() - began
    Path(args.out).write_text(json.dumps(to_guide_json(documents), ensure_ascii=False, indent=1), encoding="utf-8")
    print(f"{size / 1e6:.2f} MB in {seconds:.2f} s = {size / 1e6 / seconds:.2f} MB/s")
    command = [sys.executable, str(SHARED / "extraction" / "score.py"), "--gold", str(SHARED / "extraction" / "gold"),
               "--pred", args.out] + (["--detail"] if args.detail else [])
    return subprocess.call(command)


if __name__ == "__main__":
    sys.exit(main())
