"""Match the owner phrases of a speech to departments: plain Python, no Django.

Why a module of its own: a speech names its owners the way people talk
("发改、财政部门", "县委、县政府", "各学校", "基础教育股会同各乡镇中心学校"), while the
tracker knows departments by a name and a few aliases. Turning one into the other is
pure string logic, tested on plain data; the Django side only hands in
``(department id, names)`` pairs and stores what comes back.

Rules, in order, for each phrase:

1. The whole phrase is a known name (so "县发展和改革局" is never split at 和).
2. Split at 、，,；; and match each part. A generic suffix written once for several
   parts is shared: "发改、财政部门" reads as 发改部门 + 财政部门.
3. A part that still matches nothing is split again at 和/及/与/以及/会同/配合.
4. A part matches a name exactly, or after dropping or adding the county prefix 县
   (a speech says 县发改局 where the department's alias is 发改局, or 教研室 for 县教研室).

A part that matches nothing is kept as text: the task records it and waits for a
supervisor to assign it. Nothing is guessed by substring: "各乡镇人民政府" must not
become 县政府办公室 because both contain 政府.
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

_LIST_SEPARATORS = re.compile(r"[、，,；;/]+")
_JOINERS = re.compile(r"以及|会同|配合|和|及|与|同")
# Suffixes a speaker writes once after a list of short names: 发改、财政部门.
_SHARED_SUFFIXES = ("部门", "单位", "局")
_COUNTY_PREFIXES = ("全县", "县级", "县")
_TRAILING_NOISE = re.compile(r"(?:等|等部门|等单位)$")
# The roles an owner may have (speeches/parsing/README.md §6).
LEAD, CO, PERSON = "lead", "co", "person"


@dataclass(frozen=True, slots=True)
class OwnerMatch:
    """One owner as the speech names it, and the department it means (None: unknown)."""

    text: str
    department_id: int | None


@dataclass(frozen=True, slots=True)
class Assignment:
    """Who gets a task: the lead department, co-departments, and owners left unmatched."""

    lead_id: int | None
    co_ids: tuple[int, ...]
    unmatched: tuple[str, ...]

    @property
    def needs_assignment(self) -> bool:
        return self.lead_id is None


class DepartmentIndex:
    """Look up departments by any of their names; the first department given wins a shared name."""

    def __init__(self, departments: Iterable[tuple[int, Sequence[str]]]):
        self._by_name: dict[str, int] = {}
        for department_id, names in departments:
            for name in names:
                key = _normal(name)
                if key:
                    self._by_name.setdefault(key, department_id)

    def find(self, text: str) -> int | None:
        """Return the department ``text`` names, trying the county prefix both ways."""
        for candidate in _variants(_normal(text)):
            found = self._by_name.get(candidate)
            if found is not None:
                return found
        return None


def match_owners(spans: Iterable[str], departments: Iterable[tuple[int, Sequence[str]]] | DepartmentIndex,
                 ) -> list[OwnerMatch]:
    """Return the owners named in ``spans``, in order, each department once.

    ``departments`` is a list of ``(department id, names)`` or a prepared
    ``DepartmentIndex`` (build one when matching many items against the same list).
    """
    index = departments if isinstance(departments, DepartmentIndex) else DepartmentIndex(departments)
    matches: list[OwnerMatch] = []
    seen_ids: set[int] = set()
    seen_texts: set[str] = set()
    for span in spans:
        for match in _match_span(span, index):
            if match.department_id is not None:
                if match.department_id in seen_ids:
                    continue
                seen_ids.add(match.department_id)
            else:
                if match.text in seen_texts:
                    continue
                seen_texts.add(match.text)
            matches.append(match)
    return matches


def assign(matches: Iterable[OwnerMatch]) -> Assignment:
    """The first matched department leads, the other matched ones assist."""
    ids = [m.department_id for m in matches if m.department_id is not None]
    unmatched = tuple(m.text for m in matches if m.department_id is None)
    return Assignment(lead_id=ids[0] if ids else None, co_ids=tuple(ids[1:]), unmatched=unmatched)


def assign_roles(roles: Iterable[tuple[str, str]], index: DepartmentIndex) -> Assignment:
    """Who gets a task when the speech says who leads and who helps (A牵头，B、C配合).

    The first matched department named to lead leads; the other leads and every matched
    helper assist. A helper never leads: where no lead matches, the lead is left for the
    supervisor to choose. A person in charge is no department and is not matched here.
    """
    leads = match_owners([name for name, role in roles if role == LEAD], index)
    helpers = match_owners([name for name, role in roles if role == CO], index)
    lead_ids = [m.department_id for m in leads if m.department_id is not None]
    co_ids = [m.department_id for m in helpers if m.department_id is not None]
    lead_id = lead_ids[0] if lead_ids else None
    co = tuple(dict.fromkeys(i for i in lead_ids[1:] + co_ids if i != lead_id))
    unmatched = tuple(dict.fromkeys(m.text for m in leads + helpers if m.department_id is None))
    return Assignment(lead_id=lead_id, co_ids=co, unmatched=unmatched)


def _match_span(span: str, index: DepartmentIndex) -> list[OwnerMatch]:
    span = _TRAILING_NOISE.sub("", _normal(span))
    if not span:
        return []
    whole = index.find(span)
    if whole is not None:
        return [OwnerMatch(span, whole)]
    parts = [p for p in _LIST_SEPARATORS.split(span) if p]
    suffix = _shared_suffix(parts)
    out: list[OwnerMatch] = []
    for part in parts:
        found = _match_part(part, suffix, index)
        if found is not None:
            out.append(OwnerMatch(part, found))
            continue
        pieces = [p for p in _JOINERS.split(part) if p]
        matched_pieces = [(p, _match_part(p, suffix, index)) for p in pieces] if len(pieces) > 1 else []
        if any(found is not None for _, found in matched_pieces):
            out.extend(OwnerMatch(p, found) for p, found in matched_pieces)
        else:
            out.append(OwnerMatch(part, None))
    return out


def _match_part(part: str, suffix: str, index: DepartmentIndex) -> int | None:
    found = index.find(part)
    if found is None and suffix and not part.endswith(suffix):
        found = index.find(part + suffix)
    return found


def _shared_suffix(parts: list[str]) -> str:
    """Return the suffix the last part carries for the others (发改、财政部门 → 部门)."""
    if len(parts) < 2:
        return ""
    for suffix in _SHARED_SUFFIXES:
        if parts[-1].endswith(suffix) and len(parts[-1]) > len(suffix):
            return suffix
    return ""


def _variants(text: str) -> list[str]:
    """``text`` itself, without the county prefix, and with it."""
    out = [text]
    for prefix in _COUNTY_PREFIXES:
        if text.startswith(prefix) and len(text) > len(prefix) + 1:
            out.append(text[len(prefix):])
            break
    if not text.startswith("县"):
        out.append("县" + text)
    return out


def _normal(text: str) -> str:
    return "".join(text.split())
