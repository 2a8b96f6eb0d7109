"""The extractor on every seed that has gold, scored by the shared score.py, holds its floors."""
import importlib.util
import json
from pathlib import Path

import pytest

from speeches.parsing.pipeline import extract, to_guide_json

SHARED = Path(__file__).resolve().parents[2].parent / "shared"
FLOORS = {"item_f1": 0.97, "parent_acc": 0.95, "title_acc": 0.95, "speech_title_recall": 1.0}
# The same seeds with every line break removed, as some scraped pages arrive: anchors
# are compared without white space, so the gold still applies. Paragraph ends are
# lost, so parents and titles are looser; items and speeches must still be found.
FLAT_FLOORS = {"item_f1": 0.97, "title_acc": 0.9, "speech_title_recall": 1.0}


def _load_scorer():
    path = SHARED / "extraction" / "score.py"
    spec = importlib.util.spec_from_file_location("guide_score", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _totals(flatten):
    gold_dir = SHARED / "extraction" / "gold"
    if not gold_dir.is_dir():
        pytest.skip(f"shared gold annotations not found at {gold_dir}")
    scorer = _load_scorer()
    gold = scorer.load_gold([str(gold_dir)])
    texts = {name: (SHARED / "seeds" / name).read_text(encoding="utf-8") for name in sorted(gold)}
    predicted = to_guide_json([
        extract(text.replace("\n", "") if flatten else text, source=name) for name, text in texts.items()
    ])
    predicted = json.loads(json.dumps(predicted, ensure_ascii=False))
    by_name = {doc["source"]: doc for doc in predicted["documents"]}
    total = scorer.Tally()
    for name, gold_doc in sorted(gold.items()):
        total.add(scorer.score_doc(gold_doc, by_name[name], False, []))
    return total.summary()


@pytest.fixture(scope="module")
def totals():
    return _totals(flatten=False)


@pytest.fixture(scope="module")
def flat_totals():
    return _totals(flatten=True)


@pytest.mark.parametrize("metric", sorted(FLOORS))
def test_dev_gold_floor(totals, metric):
    assert totals[metric] >= FLOORS[metric], totals


@pytest.mark.parametrize("metric", sorted(FLAT_FLOORS))
def test_dev_gold_floor_on_flattened_seeds(flat_totals, metric):
    assert flat_totals[metric] >= FLAT_FLOORS[metric], flat_totals
