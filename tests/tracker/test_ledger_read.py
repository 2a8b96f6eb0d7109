"""The reader's scan for merged cells, with plain bytes: every tag found, wherever the blocks split it."""
import io

import pytest

from tracker.ledger.read import scan_merge_refs

SHEET = (
    b'<?xml version="1.0" encoding="UTF-8"?>'
    b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
    b'<row r="3"><c r="K3" t="inlineStr"><is><t>&lt;mergeCell ref="Z1:Z9"/&gt; is text, not a tag</t></is></c></row>'
    b'</sheetData><mergeCells count="2"><mergeCell ref="A1:O1"/><mergeCell ref=\'K5:L5\' /></mergeCells>'
    b'</worksheet>'
)


@pytest.mark.parametrize("block_size", [1, 2, 7, 64, 1 << 20])
def test_every_merge_tag_is_found_whatever_the_block_size(block_size):
    assert scan_merge_refs(io.BytesIO(SHEET), block_size=block_size) == ["A1:O1", "K5:L5"]


def test_a_namespace_prefix_is_understood():
    xml = b'<x:worksheet xmlns:x="urn:x"><x:mergeCells><x:mergeCell ref="B3:C3"/></x:mergeCells></x:worksheet>'
    assert scan_merge_refs(io.BytesIO(xml), block_size=5) == ["B3:C3"]


def test_a_sheet_without_merges_has_none():
    assert scan_merge_refs(io.BytesIO(b"<worksheet><sheetData/></worksheet>")) == []
