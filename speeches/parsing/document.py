"""The extractor's data: a document holds speeches, a speech holds items.

Plain dataclasses, no Django: every stage of the pipeline reads and fills these.
Offsets are into ``Speech.text`` (the cleaned text of that one speech), so the
review page can highlight an item in the text it was found in.
"""
from __future__ import annotations

from dataclasses import dataclass, field

DIRECTIVE = "directive"
PROBLEM = "problem"
ACHIEVEMENT = "achievement"
OTHER = "other"
KINDS = (DIRECTIVE, PROBLEM, ACHIEVEMENT, OTHER)


@dataclass(slots=True)
class Item:
    """One member of an enumeration opened by an explicit ordinal marker."""

    id: str
    marker: str  # exactly as written: "一是", "（一）", "1、"
    family: str  # the marker family's name, see markers.py
    start: int  # offset of the marker in the speech text
    end: int  # end of the item's whole text (children included)
    own_end: int  # end of the item's own text: first child, next item or paragraph end
    parent: str | None = None  # id of the enclosing item
    level: int = 0
    title: str = ""
    kind: str = OTHER
    owners: list[str] = field(default_factory=list)
    # each owner's part, README §6: (name, "lead" | "co" | "person"); a label's list or a
    # list of helpers is given name by name (农牧厅、林草局 → 农牧厅, 林草局)
    owner_roles: list[tuple[str, str]] = field(default_factory=list)
    deadlines: list[str] = field(default_factory=list)


@dataclass(slots=True)
class Speech:
    """One speech of a document: its title, its cleaned text and its items in order."""

    title: str
    text: str
    items: list[Item] = field(default_factory=list)


@dataclass(slots=True)
class Document:
    source: str
    speeches: list[Speech] = field(default_factory=list)


class ExtractionError(Exception):
    """Input the extractor cannot read. ``str(error)`` is a Chinese message for the user."""


class EmptyInput(ExtractionError):
    pass


class NotText(ExtractionError):
    pass


class BadDocx(ExtractionError):
    pass


class DocxTooLarge(BadDocx):
    pass


class NoSpeechFound(ExtractionError):
    pass


class ConversionFailed(NotText):
    """A .doc, .wps or RTF file that could not be turned into a .docx."""


class BadPdf(NotText):
    pass


class PdfWithoutText(BadPdf):
    """A PDF with pages but no text layer: a scan."""


class InputTooLarge(ExtractionError):
    """A file over a cap the reader enforces while reading (PDF pages or characters)."""
