"""Run the extractor: clean → split → outline → titles → classify → fields.

``extract`` turns one decoded text into a ``Document``; ``to_guide_json`` writes
documents in the output format of README §7, which ``score.py`` reads.
"""
from __future__ import annotations

from .classify import classify
from .clean import clean
from .document import Document, Item, NoSpeechFound, Speech
from .fields import fill_fields
from .outline import build_items, find_markers
from .split import split
from .titles import cut_titles

ANCHOR_MIN = 16
ANCHOR_LEN = 40
NO_TEXT = "未在文件中找到讲话内容：文本为空或只有网页导航等无关内容。"
NO_ITEMS = "未在文件中找到讲话内容：没有找到任何编号列出的要点（如“一、”“（一）”“一是”“1.”），请确认上传的是讲话稿。"


def extract(text: str, source: str = "") -> Document:
    """Return the speeches of ``text`` with their items, kinds and fields.

    Raise ``NoSpeechFound`` when the text holds no speech: nothing but chrome, or
    not one enumerated item in it (a speech gives its directives as a list).
    """
    cleaned = clean(text)
    spans = split(cleaned)
    if not spans:
        raise NoSpeechFound(NO_TEXT)
    document = Document(source=source)
    for span in spans:
        speech = Speech(title=span.title, text=cleaned[span.start:span.end])
        speech.items = build_items(speech.text, find_markers(speech.text))
        cut_titles(speech)
        classify(speech)
        fill_fields(speech)
        document.speeches.append(speech)
    if not any(speech.items for speech in document.speeches):
        raise NoSpeechFound(NO_ITEMS)
    return document


def to_guide_json(documents: list[Document]) -> dict:
    """Return ``{"documents": [...]}`` as README §7 specifies, ids unique per file."""
    return {"documents": [_document_json(document) for document in documents]}


def _document_json(document: Document) -> dict:
    speeches = []
    next_id = 1
    for speech in document.speeches:
        ids: dict[str, str] = {}
        items = []
        for item in speech.items:
            ids[item.id] = str(next_id)
            next_id += 1
            items.append(_item_json(speech, item, ids))
        speeches.append({"title": speech.title, "items": items})
    return {"source": document.source, "speeches": speeches}


def _item_json(speech: Speech, item: Item, ids: dict[str, str]) -> dict:
    return {
        "id": ids[item.id],
        "marker": item.marker,
        "anchor": anchor_of(speech.text, item),
        "parent": ids.get(item.parent) if item.parent else None,
        "title": item.title,
        "kind": item.kind,
        "owners": list(item.owners),
        "owner_roles": [{"name": name, "role": role} for name, role in item.owner_roles],
        "deadlines": list(item.deadlines),
    }


def anchor_of(text: str, item: Item) -> str:
    """Return the source text from the marker on: its own text, 16 to 40 chars."""
    length = max(ANCHOR_MIN, min(ANCHOR_LEN, item.own_end - item.start))
    return text[item.start:item.start + length]
