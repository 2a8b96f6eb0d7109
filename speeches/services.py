"""Every write for speeches: import an upload, confirm reviewed items into tasks.

Both are all-or-nothing. ``speech_import`` reads and extracts everything before it
writes a row, so bad input leaves the database as it was; ``speech_confirm`` creates
the tasks of one confirmation in one transaction and never a second task for an item.
The web pages, ``import_speech`` and ``load_demo`` all come through here.
"""
from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import PurePath

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction

from speeches import selectors
from speeches.models import Speech, SpeechItem, SpeechUpload
from speeches.parsing import pipeline
from speeches.parsing.document import EmptyInput, ExtractionError
from speeches.parsing.reader import read_input
from tracker import services as tracker_services
from tracker.models import Department, Task

ALLOWED_SUFFIXES = (".txt", ".docx")
# Files people often try instead: say what to do rather than "wrong type".
SUFFIX_HINTS = {
    ".doc": "不支持旧版 Word（.doc）文件，请在 Word/WPS 中另存为 .docx 后再上传。",
    ".wps": "不支持 WPS（.wps）文件，请另存为 .docx 后再上传。",
    ".pdf": "不支持 PDF 文件，请上传 .txt 或 .docx 格式的讲话稿。",
}
UNTITLED = "未命名讲话"


class UploadTooLarge(ExtractionError):
    pass


class UnsupportedFileType(ExtractionError):
    pass


@dataclass(frozen=True, slots=True)
class ItemDecision:
    """The supervisor's decision on one included item: what its task will be."""

    item_id: int
    title: str
    category: str = Task.Category.DEPLOY
    lead_department: Department | None = None
    co_departments: Sequence[Department] = field(default_factory=tuple)
    owner_text: str = ""
    deadline: datetime.date | None = None
    deadline_text: str = ""
    responsible_person: str = ""


def speech_text_read(*, data: bytes | None = None, text: str | None = None, filename: str = "") -> str:
    """Return the text of an upload; raise an ExtractionError with a Chinese message on bad input.

    The file's name must say .txt or .docx and its content must agree: a renamed
    picture, a corrupt or oversized .docx, or a binary file is refused either way.
    """
    limit = settings.SPEECH_UPLOAD_MAX_BYTES
    if (data is None) == (text is None):
        raise EmptyInput("请上传一个讲话稿文件，或粘贴讲话全文（二者选一）。")
    if text is not None:
        if len(text.encode("utf-8")) > limit:
            raise UploadTooLarge(f"粘贴的文本超过 {_size(limit)} 上限，请分篇导入。")
        if not text.strip():
            raise EmptyInput("粘贴的文本为空，没有可读取的文字。")
        return text
    if len(data) > limit:
        raise UploadTooLarge(f"文件大小 {_size(len(data))}，超过 {_size(limit)} 上限，请压缩或分篇上传。")
    suffix = PurePath(filename).suffix.lower() if filename else ""
    if filename and suffix not in ALLOWED_SUFFIXES:
        raise UnsupportedFileType(
            SUFFIX_HINTS.get(suffix, f"只支持 .txt 和 .docx 格式的讲话稿（收到的文件是“{PurePath(filename).name}”）。")
        )
    return read_input(data, filename)


def speech_import(*, data: bytes | None = None, text: str | None = None, filename: str = "",
                  meeting: str = "", speaker: str = "", date: datetime.date | None = None,
                  uploaded_by=None) -> SpeechUpload:
    """Read, extract and save an upload: one Speech per speech found, with its items.

    Raise an ExtractionError (nothing saved) when the input cannot be read or holds no speech.
    """
    raw = speech_text_read(data=data, text=text, filename=filename)
    name = PurePath(filename).name if filename else ""
    document = pipeline.extract(raw, name)  # raises NoSpeechFound when no speech has a numbered item
    with transaction.atomic():
        upload = SpeechUpload(filename=name[:255], uploaded_by=uploaded_by)
        if data is not None:
            upload.file.save(name or "speech.txt", ContentFile(data), save=False)
        upload.full_clean()
        upload.save()
        for position, extracted in enumerate(document.speeches, start=1):
            speech = Speech(
                upload=upload, position=position, title=(extracted.title.strip() or _fallback_title(name))[:300],
                speaker=speaker[:100], meeting=meeting[:200], date=date, text=extracted.text,
                original_file=upload.file.name or "", uploaded_by=uploaded_by,
            )
            speech.full_clean()
            speech.save()
            _save_items(speech, extracted.items)
    return upload


def _save_items(speech: Speech, items) -> None:
    """Save the items in order with their spans, then link each to its parent."""
    rows = []
    for order, item in enumerate(items, start=1):
        row = SpeechItem(
            speech=speech, order=order, level=item.level, marker=item.marker[:20],
            title=(item.title or "")[:500], text=speech.text[item.start:item.end], kind=item.kind,
            owner_text="\n".join(item.owners)[:300], deadline_text="\n".join(item.deadlines)[:100],
            owner_roles=[{"name": name, "role": role} for name, role in item.owner_roles],
            start=item.start, end=item.end,
        )
        row.full_clean(exclude=["speech", "parent"])
        rows.append(row)
    created = SpeechItem.objects.bulk_create(rows)
    if any(row.pk is None for row in created):  # a backend that does not return ids
        created = list(speech.items.order_by("order"))
    by_extracted_id = {item.id: row for item, row in zip(items, created)}
    linked = []
    for item, row in zip(items, created):
        if item.parent:
            row.parent = by_extracted_id[item.parent]
            linked.append(row)
    SpeechItem.objects.bulk_update(linked, ["parent"])


@transaction.atomic
def speech_confirm(*, speech: Speech, decisions: Iterable[ItemDecision], confirmed_by) -> list[Task]:
    """Create one task per decided item of ``speech`` that has none yet; return the new tasks.

    Items already turned into tasks are skipped, so confirming twice creates nothing
    the second time. The speech row is locked so two supervisors confirming at once
    take turns instead of racing.
    """
    Speech.objects.select_for_update().filter(pk=speech.pk).first()
    items = {item.pk: item for item in speech.items.all()}
    taken = set(Task.objects.filter(source_item__speech=speech).values_list("source_item_id", flat=True))
    created = []
    for decision in decisions:
        item = items.get(decision.item_id)
        if item is None or item.pk in taken:
            continue
        co = [d for d in decision.co_departments if d != decision.lead_department]
        created.append(tracker_services.task_create(
            created_by=confirmed_by, title=decision.title, content=item.text, speech=speech, source_item=item,
            category=decision.category, lead_department=decision.lead_department, co_departments=co,
            owner_text=decision.owner_text, deadline=decision.deadline, deadline_text=decision.deadline_text,
            responsible_person=decision.responsible_person,
        ))
        taken.add(item.pk)
    return created


def _fallback_title(filename: str) -> str:
    return PurePath(filename).stem if filename else UNTITLED


def _size(n: int) -> str:
    return f"{n / (1024 * 1024):.1f} MB" if n >= 1024 * 1024 else f"{max(1, n // 1024)} KB"


def speech_default_decisions(*, speech: Speech) -> list[ItemDecision]:
    """The decisions the review page starts from: every proposed item not yet a task."""
    departments = {d.pk: d for d in selectors.department_choices()}
    rows = selectors.speech_review_rows(speech=speech, index=selectors.department_index(list(departments.values())))
    return [
        ItemDecision(
            item_id=row.item.pk, title=row.proposal.title, category=row.proposal.category,
            lead_department=departments.get(row.proposal.lead_id),
            co_departments=[departments[i] for i in row.proposal.co_ids if i in departments],
            owner_text=row.proposal.owner_text, deadline=row.proposal.deadline,
            deadline_text=row.proposal.deadline_text, responsible_person=row.proposal.responsible_person,
        )
        for row in rows
        if row.proposal.include and row.task is None
    ]


def speech_confirm_defaults(*, speech: Speech, confirmed_by) -> list[Task]:
    """Confirm ``speech`` as the review page would with nothing changed (for commands and the demo)."""
    return speech_confirm(speech=speech, decisions=speech_default_decisions(speech=speech), confirmed_by=confirmed_by)
