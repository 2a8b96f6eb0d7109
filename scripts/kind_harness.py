"""Dev harness: score classify + fill_fields on the gold annotations.

Why: the outline stage (finding items) is written in parallel; this builds the
Speech/Item objects straight from the gold files so the kind, owner and
deadline rules can be measured on their own. Each gold anchor is located in
the seed text; ``own_end`` is the start of the next item or the paragraph end.

Usage: python scripts/kind_harness.py [--detail] [--dump] [--gold DIR] [--seeds DIR]
Writes GUIDE §4 JSON and runs score.py on it.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from speeches.parsing.classify import classify  # noqa: E402
from speeches.parsing.document import Item, Speech  # noqa: E402
from speeches.parsing.fields import fill_fields  # noqa: E402

SHARED = Path("/work/shared")


def locate(text: str, gold: dict) -> list[Speech]:
    """Build one Speech per gold speech; all share the whole file text."""
    cursor = 0
    speeches = []
    for gs in gold["speeches"]:
        items, depth = [], {}
        for g in gs["items"]:
            pos = text.find(g["anchor"], cursor)
            if pos < 0:
                raise SystemExit(f"anchor not found: {g['anchor']!r}")
            cursor = pos + 1
            depth[g["id"]] = depth[g["parent"]] + 1 if g["parent"] else 0
            items.append(Item(id=g["id"], marker=g["marker"], family="", start=pos, end=pos,
                              own_end=pos, parent=g["parent"], level=depth[g["id"]],
                              title=g["title"]))
        speeches.append(Speech(title=gs["title"], text=text, items=items))
    # own_end: next item or paragraph end; a heading alone on its line keeps the
    # unnumbered paragraphs below it (that is how the gold reads owners/deadlines)
    flat = [it for sp in speeches for it in sp.items]
    for i, it in enumerate(flat):
        nl = text.find("\n", it.start)
        nl = len(text) if nl < 0 else nl
        nxt = flat[i + 1].start if i + 1 < len(flat) else len(text)
        heading_only = nl - it.start <= len(it.marker) + len(it.title) + 3
        it.own_end = nxt if heading_only else min(nl, nxt)
        it.end = it.own_end
    # the last item of a speech stops where the next speech's title stands
    for sp, nxt_sp in zip(speeches, speeches[1:]):
        if sp.items:
            last = sp.items[-1]
            title_at = text.find(nxt_sp.title, last.start)
            if title_at > 0:
                last.own_end = last.end = min(last.own_end, title_at)
    return speeches


def to_json(source: str, speeches: list[Speech]) -> dict:
    return {"source": source, "speeches": [
        {"title": sp.title, "items": [
            {"id": it.id, "marker": it.marker, "anchor": sp.text[it.start:it.start + 40],
             "parent": it.parent, "title": it.title, "kind": it.kind,
             "owners": it.owners, "deadlines": it.deadlines} for it in sp.items]}
        for sp in speeches]}


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--gold", default=str(SHARED / "extraction/gold"))
    ap.add_argument("--seeds", default=str(SHARED / "seeds"))
    ap.add_argument("--detail", action="store_true")
    ap.add_argument("--dump", action="store_true", help="print each item's lead-in and own text")
    args = ap.parse_args()
    docs = []
    for name in sorted(os.listdir(args.gold)):
        gold = json.load(open(os.path.join(args.gold, name), encoding="utf-8"))
        text = Path(args.seeds, gold["source"]).read_text(encoding="utf-8")
        speeches = locate(text, gold)
        for sp in speeches:
            classify(sp)
            fill_fields(sp)
        if args.dump:
            for sp in speeches:
                for it in sp.items:
                    print(it.id, it.kind, repr(text[max(0, it.start - 60):it.start]), "||",
                          text[it.start:it.own_end][:160])
        docs.append(to_json(gold["source"], speeches))
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False, encoding="utf-8") as f:
        json.dump({"documents": docs}, f, ensure_ascii=False)
    cmd = [sys.executable, str(SHARED / "extraction/score.py"), "--gold", args.gold, "--pred", f.name]
    if args.detail:
        cmd.append("--detail")
    return subprocess.call(cmd)


if __name__ == "__main__":
    sys.exit(main())
