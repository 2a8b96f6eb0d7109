"""What the review page proposes for each item before the supervisor changes anything.

Plain Python, no Django: the same defaults serve the review page, ``import_speech
--confirm`` and the demo loader, so "confirm with the defaults" means one thing.

- Directives and problems are proposed as tasks (部署任务 / 整改任务); achievements and
  other items are not. A heading whose own children are proposed is not proposed
  itself: "三、扎实做好秋季开学各项工作" is the sum of its （一）（二）（三）, and a task for
  it would duplicate theirs.
- An item that names no owner or no deadline takes its nearest ancestor's
  ("县教育局要做好以下工作：一是…二是…": both 一是 and 二是 are 县教育局's).
- Owners go through ``speeches.owners``. Where the speech says who does what (A牵头，
  B、C配合; （牵头单位：…；配合单位：…）; 张明同志负总责) the item's owner roles decide:
  the lead office leads, the helpers assist, the person is proposed as 责任人. Without
  roles the first matched department leads.
- The deadline is the first deadline phrase that resolves to a date against the
  speech's date; a phrase that does not resolve is kept as text.
"""
from __future__ import annotations

import datetime
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from speeches.owners import PERSON, DepartmentIndex, assign, assign_roles, match_owners
from tracker import choices

PROPOSED_KINDS = ("directive", "problem")
CATEGORY_OF_KIND = {"problem": choices.RECTIFY}  # everything else is 部署任务
DEFAULT_CATEGORY = choices.DEPLOY
TITLE_MAX = 300
OWNER_TEXT_MAX = 300
PERSON_MAX = 100  # Task.responsible_person
DEADLINE_TEXT_MAX = 100


@dataclass(frozen=True, slots=True)
class ItemFacts:
    """What the defaults need to know about one extracted item."""

    id: int
    parent_id: int | None
    kind: str
    title: str
    text: str
    owners: tuple[str, ...]
    deadlines: tuple[str, ...]
    owner_roles: tuple[tuple[str, str], ...] = ()  # (name, lead | co | person)


@dataclass(frozen=True, slots=True)
class Proposal:
    """The review page's starting values for one item."""

    include: bool
    title: str
    category: str
    lead_id: int | None
    co_ids: tuple[int, ...]
    owners: tuple[str, ...]  # the owner phrases the proposal came from (own or inherited)
    unmatched: tuple[str, ...]
    owner_text: str
    deadline: datetime.date | None
    deadline_text: str
    responsible_person: str = ""  # 责任人: the person the speech puts in charge


Resolver = Callable[[str, datetime.date], "datetime.date | None"]


def propose(items: Sequence[ItemFacts], index: DepartmentIndex, speech_date: datetime.date,
            resolve: Resolver) -> dict[int, Proposal]:
    """Return the proposal for every item of one speech, keyed by item id."""
    by_id = {item.id: item for item in items}
    proposed_children: set[int] = {
        item.parent_id for item in items if item.parent_id is not None and item.kind in PROPOSED_KINDS
    }
    out: dict[int, Proposal] = {}
    for item in items:
        owner_node = _naming(item, by_id, "owners")
        owners = owner_node.owners if owner_node else ()
        roles = owner_node.owner_roles if owner_node else ()
        deadlines = _inherited(item, by_id, "deadlines")
        assignment = assign_roles(roles, index) if roles else assign(match_owners(owners, index))
        person = "、".join(dict.fromkeys(name for name, role in roles if role == PERSON))
        deadline, deadline_text = _first_deadline(deadlines, speech_date, resolve)
        out[item.id] = Proposal(
            include=item.kind in PROPOSED_KINDS and item.id not in proposed_children,
            title=task_title(item.title, item.text),
            category=CATEGORY_OF_KIND.get(item.kind, DEFAULT_CATEGORY),
            lead_id=assignment.lead_id,
            co_ids=assignment.co_ids,
            owners=owners,
            unmatched=assignment.unmatched,
            owner_text=_clip("、".join(owners), OWNER_TEXT_MAX),
            deadline=deadline,
            deadline_text=_clip(deadline_text, DEADLINE_TEXT_MAX),
            responsible_person=_clip(person, PERSON_MAX),
        )
    return out


def task_title(title: str, text: str) -> str:
    """A task name from the item's title (or its text), at most 300 characters, cut at a clause."""
    title = " ".join((title or text).split())
    if title.startswith("要") and len(title) > 3:  # "要压实整改责任": the modal is not part of the task
        title = title[1:]
    if len(title) <= TITLE_MAX:
        return title
    head = title[:TITLE_MAX]
    cut = max(head.rfind(mark) for mark in "。；;，,")
    return head[:cut] if cut >= TITLE_MAX // 2 else head


def _inherited(item: ItemFacts, by_id: dict[int, ItemFacts], field: str) -> tuple[str, ...]:
    node = _naming(item, by_id, field)
    return tuple(getattr(node, field)) if node else ()


def _naming(item: ItemFacts, by_id: dict[int, ItemFacts], field: str) -> ItemFacts | None:
    """Return the item itself or its nearest ancestor whose ``field`` is not empty."""
    node: ItemFacts | None = item
    while node is not None:
        if getattr(node, field):
            return node
        node = by_id.get(node.parent_id) if node.parent_id is not None else None
    return None


def _first_deadline(phrases: Sequence[str], speech_date: datetime.date,
                    resolve: Resolver) -> tuple[datetime.date | None, str]:
    for phrase in phrases:
        day = resolve(phrase, speech_date)
        if day is not None:
            return day, phrase
    return None, phrases[0] if phrases else ""


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[:limit]
