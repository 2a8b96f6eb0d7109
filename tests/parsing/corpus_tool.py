"""The extraction corpus: its cases, the extractor's answer on each, the comparison, regeneration.

Each ``corpus/NAME.txt`` sits beside ``corpus/NAME.json``, the document that
``manage.py extract_directives --json NAME.txt`` should print (one entry of its
``documents``). ``corpus/known_gaps.json`` lists what a careful annotator would
write where the extractor, knowingly, still answers otherwise.

From the repository root::

    python -m tests.parsing.corpus_tool diff [NAME ...]    where the extractor departs from the .json
    python -m tests.parsing.corpus_tool regen NAME [...]   overwrite NAME.json with the extractor's answer

NAME may be a path or a bare stem (``03_spoken_lists``). Regenerate only after a
deliberate change, and read the diff of the .json before committing it.
"""
from __future__ import annotations

import difflib
import json
import os
import re
import sys
import unicodedata
from pathlib import Path

if __name__ == "__main__":  # run as a module from the repository root
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from speeches.parsing.pipeline import extract, to_guide_json  # noqa: E402
from speeches.parsing.reader import read_input  # noqa: E402

CORPUS = Path(__file__).resolve().parent / "corpus"
GAPS = CORPUS / "known_gaps.json"
# Items are named by the start of their anchor, white space removed and NFKC-normalised
# as score.py does; 12 characters tell apart every item of the corpus.
ANCHOR_KEY = 12


def cases() -> list[Path]:
    """Return the corpus texts in name order."""
    return sorted(CORPUS.glob("*.txt"))


def case(name: str) -> Path:
    """Return the text a command-line NAME means: a path, or a stem in the corpus."""
    path = Path(name)
    if path.suffix == ".json":
        path = path.with_suffix(".txt")
    return path if path.exists() else CORPUS / f"{path.stem}.txt"


def expected(text_path: Path) -> dict:
    return json.loads(text_path.with_suffix(".json").read_text(encoding="utf-8"))


def extracted(text_path: Path) -> dict:
    """Return the extractor's document for one text, as the command prints it."""
    document = extract(read_input(text_path.read_bytes(), text_path.name), text_path.name)
    return json.loads(json.dumps(to_guide_json([document])["documents"][0], ensure_ascii=False))


def key(anchor: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", anchor or ""))[:ANCHOR_KEY]


def items(document: dict) -> list[dict]:
    return [item for speech in document["speeches"] for item in speech["items"]]


def lines(document: dict) -> list[str]:
    """Return the fields that matter, one line per speech and per item, ids left out.

    A parent is named by its anchor, so one missed or extra item shows as its own
    lines and not as a shift of every id after it.
    """
    by_id = {item["id"]: item for item in items(document)}
    out = []
    for speech in document["speeches"]:
        out.append(f"《{speech['title']}》")
        for item in speech["items"]:
            parent = by_id.get(item["parent"]) if item["parent"] else None
            out.append(
                f"  {key(item['anchor'])} ← {key(parent['anchor']) if parent else '—'}"
                f" | {item['marker']} | {item['kind']} | {item['title']}"
                f" | owners {item['owners']} | roles {_roles(item)} | deadlines {item['deadlines']}"
            )
    return out


def _roles(item: dict) -> list[str]:
    """Each owner's part as ``name:role`` (README §6)."""
    return [f"{role['name']}:{role['role']}" for role in item.get("owner_roles", [])]


def diff(text_path: Path) -> str:
    """Return a unified diff from the expected .json to the extractor's answer, or ""."""
    want, got = lines(expected(text_path)), lines(extracted(text_path))
    if want == got:
        return ""
    name = text_path.with_suffix(".json").name
    return "\n".join(difflib.unified_diff(want, got, f"{name} (expected)", "extractor", lineterm="", n=1))


def regen(text_path: Path) -> Path:
    """Write the extractor's answer for ``text_path`` to its .json and return that path."""
    target = text_path.with_suffix(".json")
    target.write_text(json.dumps(extracted(text_path), ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return target


def known_gaps() -> list[dict]:
    """Return the recorded gaps: file, item (anchor start), field, what an annotator expects, why."""
    return json.loads(GAPS.read_text(encoding="utf-8")) if GAPS.exists() else []


def field_value(document: dict, anchor: str, field: str):
    """Return ``field`` of the item whose anchor starts like ``anchor``.

    ``field`` may be ``present`` (is there such an item at all) or ``parent`` (the
    anchor start of its parent, None at top level). A missing item has no fields: None.
    """
    by_id = {item["id"]: item for item in items(document)}
    found = [item for item in items(document) if key(item["anchor"]).startswith(key(anchor))]
    if field == "present":
        return bool(found)
    if not found:
        return None
    item = found[0]
    if field == "parent":
        parent = by_id.get(item["parent"]) if item["parent"] else None
        return key(parent["anchor"]) if parent else None
    return item[field]


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in ("diff", "regen") or (argv[0] == "regen" and len(argv) < 2):
        print(__doc__, file=sys.stderr)
        return 2
    command, names = argv[0], argv[1:]
    paths = [case(name) for name in names] or cases()
    missing = [str(path) for path in paths if not path.exists()]
    if missing:
        print("没有这些语料文件：" + "、".join(missing), file=sys.stderr)
        return 2
    status = 0
    for path in paths:
        if command == "regen":
            print(os.path.relpath(regen(path)))
        elif difference := diff(path):
            print(difference + "\n")
            status = 1
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
