"""Every read the speech pages and commands make: the review rows and what needs attention."""
from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Count, Q
from django.db.models.functions import Substr
from django.utils import timezone

from speeches import similarity
from speeches.defaults import ItemFacts, Proposal, propose
from speeches.models import RepeatedInstruction, Speech, SpeechItem, SpeechUpload
from speeches.owners import DepartmentIndex
from speeches.parsing.deadlines import resolve_deadline
from tracker import choices
from tracker.models import Department, Task


@dataclass
class ReviewRow:
    """One item on the review page: the item, its depth in the tree, the proposal, its task if any,
    and the task it was linked to as a repeated instruction, if any."""

    item: SpeechItem
    depth: int
    proposal: Proposal
    task: Task | None
    repeat: RepeatedInstruction | None = None


@dataclass(frozen=True)
class DuplicateFlag:
    """An open task whose text closely matches an item (可能重复): the supervisor skips or links the item."""

    task: Task
    score: float


def speech_get(*, pk: int) -> Speech:
    return Speech.objects.select_related("upload", "uploaded_by").get(pk=pk)


def upload_get(*, pk: int) -> SpeechUpload:
    return SpeechUpload.objects.get(pk=pk)


def upload_speeches(*, upload: SpeechUpload):
    """The speeches of one upload in file order, with how many items and tasks each has."""
    return (upload.speeches.order_by("position", "pk")
            .annotate(item_count=Count("items", distinct=True), task_count=Count("tasks", distinct=True)))


def department_choices() -> list[Department]:
    """The departments a task may be given to, in the tracker's order."""
    return list(Department.objects.filter(is_active=True).order_by("order", "name"))


def department_index(departments: list[Department] | None = None) -> DepartmentIndex:
    departments = department_choices() if departments is None else departments
    return DepartmentIndex((d.pk, d.all_names) for d in departments)


def speech_base_date(speech: Speech) -> datetime.date:
    """The date relative deadlines count from: the speech's date, else the day it was uploaded."""
    if speech.date:
        return speech.date
    if speech.uploaded_at:
        return timezone.localdate(speech.uploaded_at)
    return timezone.localdate()


def speech_review_rows(*, speech: Speech, index: DepartmentIndex | None = None) -> list[ReviewRow]:
    """Return the items of ``speech`` in order, each with its proposal and its task (if confirmed)."""
    items = list(speech.items.order_by("order"))
    tasks = {t.source_item_id: t for t in Task.objects.filter(source_item__speech=speech)
             .select_related("lead_department")}
    repeats = {r.item_id: r for r in RepeatedInstruction.objects.filter(item__speech=speech).select_related("task")}
    facts = [
        ItemFacts(id=i.pk, parent_id=i.parent_id, kind=i.kind, title=i.title, text=i.text,
                  owners=tuple(i.owners), deadlines=tuple(i.deadlines),
                  owner_roles=tuple((role["name"], role["role"]) for role in i.owner_roles or ()))
        for i in items
    ]
    proposals = propose(facts, index or department_index(), speech_base_date(speech), resolve_deadline)
    depth: dict[int, int] = {}
    rows = []
    for item in items:
        depth[item.pk] = depth[item.parent_id] + 1 if item.parent_id in depth else 0
        rows.append(ReviewRow(item=item, depth=depth[item.pk], proposal=proposals[item.pk],
                              task=tasks.get(item.pk), repeat=repeats.get(item.pk)))
    return rows


# At most this many open tasks are read per speech as candidates (the prefilter's cap),
# and this many bigrams of each item's title are looked for in their titles.
CANDIDATE_LIMIT = 2000
KEYS_PER_ITEM = 3


def item_own_text(item: SpeechItem, rows: list[ReviewRow], speech_text: str) -> str:
    """The item's text without its sub-items' (a heading's text holds its children's, already compared one by one)."""
    child_starts = [row.item.start for row in rows if row.item.parent_id == item.pk]
    end = min(child_starts) if child_starts else item.end
    return speech_text[item.start:end] or item.text


def duplicate_candidates(*, keys, departments=None, speech=None) -> list[Task]:
    """Return the open tasks (not of ``speech``) whose title holds one of ``keys``, newest first, at most CANDIDATE_LIMIT.

    ``departments`` (ids), when given, narrows them to tasks led by one of them or by
    none (待指派) first, through the (lead_department, status) index: a directive given
    again goes to the same office. The title test is a LIKE per key, so it is this
    narrowing that keeps the scan small at 100,000 tasks (bench/bench_duplicates.py).
    """
    title_has = Q()
    for key in keys:
        title_has |= Q(title__contains=key)
    tasks = Task.objects.filter(status__in=choices.OPEN_STATUSES)
    if departments:
        tasks = tasks.filter(Q(lead_department_id__in=list(departments)) | Q(lead_department__isnull=True))
    if speech is not None:
        tasks = tasks.exclude(speech=speech)
    # Only the start of a task's content is compared (similarity.comparable): read no more of it.
    return list(tasks.filter(title_has).select_related("lead_department")
                .only("pk", "serial", "title", "status", "lead_department__name")
                .annotate(head=Substr("content", 1, similarity.COMPARED_LENGTH))
                .order_by("-created_at", "-pk")[:CANDIDATE_LIMIT])


def speech_duplicate_flags(*, speech: Speech, rows: list[ReviewRow]) -> dict[int, DuplicateFlag]:
    """Return {item id: DuplicateFlag} for the proposed items of ``speech`` without a task that repeat an open task.

    Cheap at 100,000 tasks: one query reads the candidates (``duplicate_candidates``): the
    open tasks of other speeches, led by a department the items propose (or by none), whose
    title holds one of the items' distinctive bigrams (``similarity.distinctive``: a few
    uncommon character pairs of the item's title). Each item is then scored
    (``similarity.score``) only against the candidates sharing one of its own bigrams. The
    best candidate at or over ``similarity.THRESHOLD`` is the flag.
    """
    wanted = [row for row in rows if row.task is None and row.repeat is None
              and (row.proposal.include or row.item.kind in ("directive", "problem"))]
    keys = {row.item.pk: similarity.distinctive(row.item.title, limit=KEYS_PER_ITEM) for row in wanted}
    every_key = sorted({key for found in keys.values() for key in found})
    if not every_key:
        return {}
    departments = {dept for row in wanted for dept in (row.proposal.lead_id, *row.proposal.co_ids) if dept}
    candidates = duplicate_candidates(keys=every_key, departments=departments, speech=speech)
    # Each candidate under every bigram of its title: an item is scored only against the
    # candidates sharing one of its keys, found by a lookup instead of a scan.
    by_bigram: dict[str, list[Task]] = {}
    for task in candidates:
        for gram in {task.title[i:i + 2] for i in range(len(task.title) - 1)}:
            by_bigram.setdefault(gram, []).append(task)
    texts = {task.pk: similarity.bigrams(similarity.comparable(task.title, task.head)) for task in candidates}
    flags = {}
    for row in wanted:
        sharing = {task.pk: task for key in keys[row.item.pk] for task in by_bigram.get(key, ())}
        if not sharing:
            continue
        own = similarity.bigrams(similarity.comparable(row.item.title, item_own_text(row.item, rows, speech.text)))
        best = None
        for task in sharing.values():
            score = similarity.score(own, texts[task.pk])
            if score >= similarity.THRESHOLD and (best is None or (score, task.pk) > (best.score, best.task.pk)):
                best = DuplicateFlag(task=task, score=score)
        if best is not None:
            flags[row.item.pk] = best
    return flags


def speech_tasks_to_complete(*, speech: Speech):
    """The tasks of ``speech`` still missing a deadline or a lead department, for the supervisor to fill in."""
    return (Task.objects.filter(speech=speech).filter(Q(deadline__isnull=True) | Q(lead_department__isnull=True))
            .select_related("lead_department", "source_item").order_by("source_item__order", "pk"))


def speech_review_warnings(*, rows: list[ReviewRow]) -> list[ReviewRow]:
    """The rows about to become tasks (ticked, no task yet) that lack a lead department or a deadline.

    The review page lists them above the confirm button: such a task would show 待指派 or
    待定时限 instead of a light until someone completes it. Rows with a bound form (the page
    shown again after an error) are judged by what was submitted, others by the proposal.
    """
    warnings = []
    for row in rows:
        if row.task is not None or row.repeat is not None:
            continue
        form = getattr(row, "form", None)
        if form is not None and form.is_bound and hasattr(form, "cleaned_data"):
            data = form.cleaned_data
            included, lead, deadline = data.get("include"), data.get("lead_department"), data.get("deadline")
            choice = data.get("duplicate", "new")
        else:
            included, lead, deadline = row.proposal.include, row.proposal.lead_id, row.proposal.deadline
            choice = "link"
        if getattr(row, "duplicate", None) is not None and choice != "new":
            continue  # linked to the task it repeats, or skipped: no new task to complete
        if included and (lead is None or deadline is None):
            row.missing = "、".join(label for label, gap in (("牵头单位", lead is None), ("完成时限", deadline is None))
                                    if gap)
            warnings.append(row)
    return warnings
