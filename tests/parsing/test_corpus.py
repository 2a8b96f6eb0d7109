"""The extraction corpus: every text in tests/parsing/corpus/ gives the items its .json expects.

The texts are short speeches written for this project, one per genre feature (marker
families, inline lists, traps, flattened pages, collections, site chrome, task-table
labels, deadlines). A failure prints a diff of the fields that matter; after a deliberate
change, ``python -m tests.parsing.corpus_tool regen NAME`` rewrites the expectation (see
corpus/README.md). What a careful annotator would write but the extractor does not yet
find is listed in corpus/known_gaps.json and checked here as strict expected failures.
"""
import pytest

from tests.parsing import corpus_tool

CASES = corpus_tool.cases()


def test_the_corpus_has_a_text_and_an_expectation_per_case():
    assert len(CASES) >= 12
    assert [p.stem for p in CASES] == sorted(p.stem for p in corpus_tool.CORPUS.glob("*.json") if p.stem != "known_gaps")


@pytest.mark.parametrize("case", CASES, ids=[p.stem for p in CASES])
def test_the_extractor_finds_what_the_corpus_expects(case):
    difference = corpus_tool.diff(case)
    if difference:
        pytest.fail(
            f"{case.name}: the extractor departs from {case.with_suffix('.json').name}\n{difference}\n"
            f"(a deliberate change? python -m tests.parsing.corpus_tool regen {case.stem})",
            pytrace=False,
        )


def _gap_params():
    for gap in corpus_tool.known_gaps():
        mark = pytest.mark.xfail(strict=True, reason=gap["why"])
        yield pytest.param(gap, marks=mark, id=f"{gap['file'][:2]}-{gap['item']}-{gap['field']}")


@pytest.mark.parametrize("gap", list(_gap_params()))
def test_known_gap(gap):
    """What an annotator expects where the extractor still answers otherwise.

    Strict: when a change closes the gap this test passes, fails as XPASS, and the
    gap's entry is to be removed and the .json regenerated.
    """
    document = corpus_tool.extracted(corpus_tool.CORPUS / gap["file"])
    actual = corpus_tool.field_value(document, gap["item"], gap["field"])
    expected = gap["expected"]
    if gap["field"] == "parent" and actual is not None and expected is not None:
        assert actual.startswith(corpus_tool.key(expected))
    else:
        assert actual == expected


@pytest.mark.parametrize("gap", corpus_tool.known_gaps(), ids=lambda gap: f"{gap['file'][:2]}-{gap['item']}-{gap['field']}")
def test_a_known_gap_names_an_item_and_a_field_of_its_file(gap):
    """Each gap points at something the golden file holds: otherwise it would fail for the wrong reason."""
    golden = corpus_tool.expected(corpus_tool.CORPUS / gap["file"])
    assert gap["field"] in ("present", "parent", "title", "kind", "owners", "deadlines", "marker")
    if gap["field"] == "present":
        assert corpus_tool.field_value(golden, gap["item"], "present") is not gap["expected"]
    else:
        assert corpus_tool.field_value(golden, gap["item"], "present"), gap["item"]
