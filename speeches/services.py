"""Every write for speeches: import an upload, confirm reviewed items into tasks.

Both are all-or-nothing. ``speech_import`` reads and extracts everything before it
writes a row, so bad input leaves the database as it was; ``speech_confirm`` creates
the tasks of one confirmation in one transaction and never a second task for an item.
The web pages, ``import_speech`` and ``load_demo`` all come through here.
"""
from __future__ import annotations

import datetime
import hashlib
import os
import stat
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction

from speeches import office_convert, pdf_process, selectors
from speeches.models import RepeatedInstruction, Speech, SpeechItem, SpeechUpload
from speeches.parsing import pipeline
from speeches.parsing.document import EmptyInput, ExtractionError
from speeches.parsing.normalise import normalise_text
from speeches.parsing.reader import read_input
from tracker import services as tracker_services
from tracker.models import Department, Task

ALLOWED_SUFFIXES = (".txt", ".docx", ".doc", ".wps", ".pdf", ".rtf")
ACCEPTED_TEXT = "Word（.docx、.doc）、WPS（.wps）、PDF（有文字层）、RTF 和 .txt（任意中文编码）"
# Files people often try instead: say what to do rather than "wrong type".
_SAVE_AS = "请在原软件中另存为 Word（.docx）或 PDF 后再上传。"
SUFFIX_HINTS = {
    ".ofd": "不支持 OFD 版式文件，请用 OFD 阅读器另存为 PDF，或上传 Word 原稿。",
    ".odt": "不支持 ODT 文件，" + _SAVE_AS,
    ".wpt": "这是 WPS 模板文件，" + _SAVE_AS,
    ".dot": "这是 Word 模板文件，" + _SAVE_AS,
    ".dotx": "这是 Word 模板文件，" + _SAVE_AS,
    **dict.fromkeys((".xls", ".xlsx", ".et", ".csv"), "表格文件不能作为讲话稿导入；任务分解表请放在 Word 文档的表格中上传。"),
    **dict.fromkeys((".ppt", ".pptx", ".dps"), "演示文稿不能作为讲话稿导入，" + _SAVE_AS),
    **dict.fromkeys((".jpg", ".jpeg", ".png", ".bmp", ".tif", ".tiff"),
                    "图片中的文字无法直接读取，请先做文字识别，或上传 Word、PDF（有文字层）或文本格式。"),
}
UNTITLED = "未命名讲话"
UNTITLED_ITEM = "（无标题）"  # a marker with nothing after it ("一、" alone on its line)


class UploadTooLarge(ExtractionError):
    pass


class UnsupportedFileType(ExtractionError):
    pass


class AlreadyImported(ExtractionError):
    """Every speech of the upload is in the database already: nothing is imported twice.

    ``speeches`` are the stored speeches, so the page opens the existing one instead.
    """

    def __init__(self, speeches: list[Speech]):
        self.speeches = speeches
        names = "、".join(f"《{s.title}》（{s.uploaded_at:%Y-%m-%d} 导入）" if s.uploaded_at else f"《{s.title}》"
                         for s in speeches)
        super().__init__(f"该讲话已导入过：{names}，未重复导入。请打开已有的讲话继续审核。")


def content_hash(text: str) -> str:
    """The fingerprint of a speech's text: SHA-256 of it with every blank removed.

    Blank space is what differs between the same speech as .docx, .pdf or pasted text
    (line breaks, indentation, spaces a PDF puts between characters); the words do not.
    """
    return hashlib.sha256("".join((text or "").split()).encode("utf-8")).hexdigest()


@dataclass(frozen=True, slots=True)
class ItemDecision:
    """The supervisor's decision on one included item: what its task will be."""

    item_id: int
    title: str
    category: str = Task.Category.DEPLOY
    # Link the item to this existing task as a repeated instruction (再次强调) instead of creating one.
    repeat_of_task_id: int | None = None
    repeat_score: float = 0.0
    lead_department: Department | None = None
    co_departments: Sequence[Department] = field(default_factory=tuple)
    owner_text: str = ""
    deadline: datetime.date | None = None
    deadline_text: str = ""
    responsible_person: str = ""


def speech_text_read(*, data: bytes | None = None, text: str | None = None, filename: str = "") -> str:
    """Return the text of an upload; raise an ExtractionError with a Chinese message on bad input.

    The file's name must say one of ALLOWED_SUFFIXES and its content must be one of them
    (which one is read from the content): a renamed picture, a corrupt or oversized .docx,
    a scanned PDF or a binary file is refused either way. A .doc, .wps or RTF is converted
    by LibreOffice and a PDF read in a child process, each within its timeout.
    A file over SPEECH_UPLOAD_MAX_BYTES and a text over SPEECH_TEXT_MAX_CHARS are refused.
    """
    if (data is None) == (text is None):
        raise EmptyInput("请上传一个讲话稿文件，或粘贴讲话全文（二者选一）。")
    if text is not None:
        text = normalise_text(text)
        if not text.strip():
            raise EmptyInput("粘贴的文本为空，没有可读取的文字。")
        source = "粘贴的文本"
    else:
        if len(data) > settings.SPEECH_UPLOAD_MAX_BYTES:
            raise upload_too_large(len(data))
        suffix = PurePath(filename).suffix.lower() if filename else ""
        if filename and suffix not in ALLOWED_SUFFIXES:
            raise UnsupportedFileType(SUFFIX_HINTS.get(
                suffix, f"讲话稿只支持 {ACCEPTED_TEXT}（收到的文件是“{PurePath(filename).name}”）。"))
        text = read_input(data, filename, convert=office_convert.converter(timeout=settings.SPEECH_CONVERT_TIMEOUT),
                          pdf_pages=pdf_process.reader(max_pages=settings.SPEECH_PDF_MAX_PAGES,
                                                       max_chars=settings.SPEECH_TEXT_MAX_CHARS,
                                                       timeout=settings.SPEECH_PDF_TIMEOUT))
        source = "文件中的文字"
    max_chars = settings.SPEECH_TEXT_MAX_CHARS
    if len(text) > max_chars:
        raise UploadTooLarge(f"{source}共 {len(text):,} 字，超过 {max_chars:,} 字的上限，请分篇导入。")
    return text


def speech_file_read(*, path: str) -> bytes:
    """Return the bytes of the file at ``path``, reading at most SPEECH_UPLOAD_MAX_BYTES + 1 of them.

    Only a regular file is read: a device such as /dev/zero never ends and a pipe may
    never start, so both are refused at once. The file is opened without blocking, or
    opening a pipe nobody writes to would wait forever before we could ask what it is.
    """
    limit = settings.SPEECH_UPLOAD_MAX_BYTES
    try:
        descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    except FileNotFoundError:
        raise ExtractionError("找不到该文件。") from None
    except PermissionError:
        raise ExtractionError("没有读取该文件的权限。") from None
    except OSError:
        raise ExtractionError("无法读取该文件。") from None
    try:
        status = os.fstat(descriptor)
        if stat.S_ISDIR(status.st_mode):
            raise ExtractionError("这是一个目录，不是文件。")
        if not stat.S_ISREG(status.st_mode):
            raise ExtractionError("这不是普通文件（而是设备、管道等），请给出讲话稿文件的路径。")
        if status.st_size > limit:
            raise upload_too_large(status.st_size)
        with open(descriptor, "rb", closefd=False) as file:
            data = file.read(limit + 1)  # the file may have grown since fstat
    except OSError:
        raise ExtractionError("无法读取该文件。") from None
    finally:
        os.close(descriptor)
    if len(data) > limit:
        raise upload_too_large()
    return data


def speech_import(*, data: bytes | None = None, text: str | None = None, filename: str = "",
                  meeting: str = "", speaker: str = "", date: datetime.date | None = None,
                  uploaded_by=None, again: bool = False) -> SpeechUpload:
    """Read, extract and save an upload: one Speech per speech found, with its items.

    Raise an ExtractionError (nothing saved) when the input cannot be read or holds no speech.
    Every row is built and validated before the original file is stored; if the save still
    fails, the rows roll back and the stored file is removed, so media holds no orphan.
    A speech already in the database (same ``content_hash``) is not imported again: the
    others of the upload are, and ``upload.already_imported`` lists the stored ones; when
    all of them are known, AlreadyImported is raised and nothing is saved. ``again``
    imports them all the same (a deliberate second copy).
    """
    raw = speech_text_read(data=data, text=text, filename=filename)
    name = normalise_text(PurePath(filename).name) if filename else ""
    meeting, speaker = normalise_text(meeting), normalise_text(speaker)
    document = pipeline.extract(raw, name)  # raises NoSpeechFound when no speech has a numbered item
    try:
        planned = [
            _speech_rows(extracted, position=position, title=extracted.title.strip() or _fallback_title(name),
                         meeting=meeting, speaker=speaker, date=date, uploaded_by=uploaded_by)
            for position, extracted in enumerate(document.speeches, start=1)
        ]
    except ValidationError as error:
        raise ExtractionError(f"识别结果无法保存：{'；'.join(error.messages)}") from error
    # Newest first, so that the first import of a speech is the one named.
    known = {} if again else {s.content_hash: s for s in Speech.objects.filter(
        content_hash__in=[speech.content_hash for speech, _ in planned]).order_by("-uploaded_at", "-pk")}
    if known:
        already = list({known[speech.content_hash].pk: known[speech.content_hash]
                        for speech, _ in planned if speech.content_hash in known}.values())
        planned = [(speech, levels) for speech, levels in planned if speech.content_hash not in known]
        if not planned:
            raise AlreadyImported(already)
    upload = SpeechUpload(filename=name[:255], uploaded_by=uploaded_by)
    stored = ""
    try:
        with transaction.atomic():
            if data is not None:
                upload.file.save(name or "speech.txt", ContentFile(data), save=False)
                stored = upload.file.name
            upload.full_clean()
            upload.save()
            for speech, levels in planned:
                speech.upload, speech.original_file = upload, stored
                speech.save()
                _save_items(speech, levels)
    except BaseException:
        if stored:  # the rows rolled back; the file is no part of the transaction
            upload.file.storage.delete(stored)
        raise
    upload.already_imported = list(already) if known else []
    return upload


def _speech_rows(extracted, *, position: int, title: str, meeting: str, speaker: str,
                 date: datetime.date | None, uploaded_by) -> tuple[Speech, list[list[SpeechItem]]]:
    """Build and validate one speech and its items, unsaved; the items grouped by depth.

    Grouped by depth, each level can be inserted after the level holding its parents, so
    every row is created with its parent and the number of queries does not grow with
    the number of items (a 10 MB speech has thousands).
    """
    speech = Speech(position=position, title=title[:300], speaker=speaker[:100], meeting=meeting[:200],
                    date=date, text=extracted.text, uploaded_by=uploaded_by, content_hash=content_hash(extracted.text))
    speech.full_clean(exclude=["upload"])
    rows: dict[str, SpeechItem] = {}
    depth: dict[str, int] = {}
    levels: list[list[SpeechItem]] = []
    for order, item in enumerate(extracted.items, start=1):
        row = SpeechItem(
            speech=speech, parent=rows[item.parent] if item.parent else None, order=order, level=item.level,
            marker=item.marker[:20], title=(item.title or UNTITLED_ITEM)[:500], text=speech.text[item.start:item.end],
            kind=item.kind, owner_text="\n".join(item.owners)[:300], deadline_text="\n".join(item.deadlines)[:100],
            owner_roles=[{"name": name, "role": role} for name, role in item.owner_roles],
            start=item.start, end=item.end,
        )
        # end >= start holds by construction and the database checks it on insert;
        # validating the constraint here would cost a query per item, its text included.
        row.full_clean(exclude=["speech", "parent"], validate_constraints=False)
        rows[item.id] = row
        depth[item.id] = depth[item.parent] + 1 if item.parent else 0  # a parent precedes its children
        if depth[item.id] == len(levels):
            levels.append([])
        levels[depth[item.id]].append(row)
    return speech, levels


def _save_items(speech: Speech, levels: list[list[SpeechItem]]) -> None:
    """Insert the items a level at a time, so that each row's parent already has its id."""
    for level in levels:
        created = SpeechItem.objects.bulk_create(level)
        if any(row.pk is None for row in created):  # a backend that does not return ids
            ids = dict(speech.items.filter(order__in=[row.order for row in created]).values_list("order", "pk"))
            for row in created:
                row.pk = ids[row.order]


class ConfirmResult(list):
    """The tasks a confirmation created (a list, as callers read it), and the items it linked to existing tasks."""

    def __init__(self, tasks=(), linked=()):
        super().__init__(tasks)
        self.linked = list(linked)


@transaction.atomic
def speech_confirm(*, speech: Speech, decisions: Iterable[ItemDecision], confirmed_by,
                   report_rule: tuple[str, int | None] = ("none", None)) -> ConfirmResult:
    """Create one task per decided item of ``speech`` that has none yet; return the new tasks.

    Every new task gets ``report_rule`` (kind, day) as its reporting cycle. A decision
    with ``repeat_of_task_id`` creates no task: the item is linked to that open task as a
    repeated instruction (``result.linked``). Items already turned into tasks or linked
    are skipped, so confirming twice creates nothing the second time. The speech row is
    locked so two supervisors confirming at once take turns instead of racing. A link to
    a task that is gone or no longer open refuses the whole confirmation (ValidationError
    in Chinese, nothing saved): the page was read before the task closed.
    """
    Speech.objects.select_for_update().filter(pk=speech.pk).first()
    decisions = list(decisions)
    items = {item.pk: item for item in speech.items.all()}
    taken = set(Task.objects.filter(source_item__speech=speech).values_list("source_item_id", flat=True))
    taken |= set(RepeatedInstruction.objects.filter(item__speech=speech).values_list("item_id", flat=True))
    targets = {t.pk: t for t in Task.objects.filter(
        pk__in=[d.repeat_of_task_id for d in decisions if d.repeat_of_task_id]).select_for_update()}
    created, linked = [], []
    for decision in decisions:
        item = items.get(decision.item_id)
        if item is None or item.pk in taken:
            continue
        if decision.repeat_of_task_id:
            linked.append(_link_repeat(item=item, task=targets.get(decision.repeat_of_task_id),
                                       score=decision.repeat_score, linked_by=confirmed_by))
            taken.add(item.pk)
            continue
        co = [d for d in decision.co_departments if d != decision.lead_department]
        created.append(tracker_services.task_create(
            created_by=confirmed_by, title=decision.title, content=item.text, speech=speech, source_item=item,
            category=decision.category, lead_department=decision.lead_department, co_departments=co,
            owner_text=decision.owner_text, deadline=decision.deadline, deadline_text=decision.deadline_text,
            report_rule=report_rule[0], report_day=report_rule[1],
            responsible_person=decision.responsible_person,
        ))
        taken.add(item.pk)
    return ConfirmResult(created, linked)


def _link_repeat(*, item: SpeechItem, task: Task | None, score: float, linked_by) -> RepeatedInstruction:
    if task is None:
        raise ValidationError(f"要点“{item.marker}{item.title}”要关联的任务已不存在，请刷新页面后重新选择。")
    if not task.is_open:
        raise ValidationError(f"要点“{item.marker}{item.title}”要关联的任务 {task.serial} 已“{task.get_status_display()}”，"
                              "不能再作为重复指示关联；请改为生成新任务或跳过。")
    link = RepeatedInstruction(task=task, item=item, score=round(score, 3), linked_by=linked_by)
    link.full_clean(validate_unique=False)
    link.save()
    return link


def _fallback_title(filename: str) -> str:
    return PurePath(filename).stem if filename else UNTITLED


def speech_limits() -> str:
    """Return the limits on a speech that every way in enforces, as the pages state them."""
    return (f"文件不超过 {size_text(settings.SPEECH_UPLOAD_MAX_BYTES)}，"
            f"全文（文件或粘贴）不超过 {settings.SPEECH_TEXT_MAX_CHARS:,} 字，PDF 不超过 {settings.SPEECH_PDF_MAX_PAGES} 页")


def upload_too_large(size: int | None = None) -> UploadTooLarge:
    """Return the refusal of a file over SPEECH_UPLOAD_MAX_BYTES, with its size when known."""
    limit = size_text(settings.SPEECH_UPLOAD_MAX_BYTES)
    found = "文件超过"
    if size is not None:
        if size_text(size) == limit:  # just over: rounded, both would read "10.0 MB"
            found, limit = f"文件大小 {size:,} 字节，超过", f"{settings.SPEECH_UPLOAD_MAX_BYTES:,} 字节"
        else:
            found = f"文件大小 {size_text(size)}，超过"
    return UploadTooLarge(f"{found} {limit} 上限，请压缩或分篇上传。")


def size_text(n: int) -> str:
    """Return a byte count as people read it: "10.0 MB", "12 KB"."""
    return f"{n / (1024 * 1024):.1f} MB" if n >= 1024 * 1024 else f"{max(1, n // 1024)} KB"


DUPLICATE_CHOICES = ("link", "skip", "new")


def speech_default_decisions(*, speech: Speech, duplicates: str = "link") -> list[ItemDecision]:
    """The decisions the review page starts from: every proposed item not yet a task.

    An item flagged 可能重复 (``selectors.speech_duplicate_flags``) is, by ``duplicates``:
    linked to the task it repeats ("link", the page's default), skipped ("skip"), or made
    a task of its own all the same ("new").
    """
    if duplicates not in DUPLICATE_CHOICES:
        raise ValueError(duplicates)
    departments = {d.pk: d for d in selectors.department_choices()}
    rows = selectors.speech_review_rows(speech=speech, index=selectors.department_index(list(departments.values())))
    flags = selectors.speech_duplicate_flags(speech=speech, rows=rows)
    decisions = []
    for row in rows:
        if not row.proposal.include or row.task is not None or row.repeat is not None:
            continue
        flag = flags.get(row.item.pk)
        if flag is not None and duplicates == "skip":
            continue
        if flag is not None and duplicates == "link":
            decisions.append(ItemDecision(item_id=row.item.pk, title=row.proposal.title,
                                          repeat_of_task_id=flag.task.pk, repeat_score=flag.score))
            continue
        decisions.append(ItemDecision(
            item_id=row.item.pk, title=row.proposal.title, category=row.proposal.category,
            lead_department=departments.get(row.proposal.lead_id),
            co_departments=[departments[i] for i in row.proposal.co_ids if i in departments],
            owner_text=row.proposal.owner_text, deadline=row.proposal.deadline,
            deadline_text=row.proposal.deadline_text, responsible_person=row.proposal.responsible_person,
        ))
    return decisions


def speech_confirm_defaults(*, speech: Speech, confirmed_by, duplicates: str = "link") -> ConfirmResult:
    """Confirm ``speech`` as the review page would with nothing changed (for commands and the demo)."""
    return speech_confirm(speech=speech, decisions=speech_default_decisions(speech=speech, duplicates=duplicates),
                          confirmed_by=confirmed_by)
