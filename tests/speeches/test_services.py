"""The speech services on their own: offsets and parents saved as extracted, confirm is all-or-nothing."""
import datetime

import pytest
from django.core.exceptions import ValidationError

from speeches import services
from speeches.models import SpeechItem
from speeches.parsing import pipeline
from tracker.models import Task

pytestmark = pytest.mark.django_db


def test_items_are_saved_with_their_spans_parents_order_and_fields(county, speech_text, supervisor):
    upload = services.speech_import(text=speech_text, meeting="会", date=datetime.date(2024, 8, 16),
                                    uploaded_by=supervisor)
    speech = upload.speeches.get()
    extracted = pipeline.extract(speech_text).speeches[0]
    saved = list(speech.items.order_by("order"))
    assert [(i.marker, i.start, i.end, i.level, i.kind) for i in saved] == [
        (e.marker, e.start, e.end, e.level, e.kind) for e in extracted.items]
    by_id = {e.id: s for e, s in zip(extracted.items, saved)}
    assert [s.parent_id for s in saved] == [by_id[e.parent].pk if e.parent else None for e in extracted.items]
    assert all(s.text == speech.text[s.start:s.end] for s in saved)
    second = speech.items.get(marker="（二）")
    assert second.owners == extracted.items[saved.index(second)].owners  # one span per line
    assert speech.uploaded_by == supervisor and upload.uploaded_by == supervisor and upload.filename == ""


def test_a_failing_task_rolls_back_the_whole_confirmation(county, speech_text, supervisor):
    speech = services.speech_import(text=speech_text, date=datetime.date(2024, 8, 16)).speeches.get()
    decisions = services.speech_default_decisions(speech=speech)
    broken = services.ItemDecision(item_id=decisions[-1].item_id, title="x", category="no-such-category")
    with pytest.raises(ValidationError):
        services.speech_confirm(speech=speech, decisions=[*decisions[:-1], broken], confirmed_by=supervisor)
    assert Task.objects.count() == 0


def test_decisions_for_items_of_another_speech_or_already_taken_are_ignored(county, speech_text, supervisor):
    first = services.speech_import(text=speech_text, date=datetime.date(2024, 8, 16)).speeches.get()
    other = services.speech_import(text=speech_text, date=datetime.date(2024, 8, 16), again=True).speeches.get()
    foreign = SpeechItem.objects.filter(speech=other).first()
    item = first.items.get(marker="（一）")
    decisions = [services.ItemDecision(item_id=item.pk, title="甲"), services.ItemDecision(item_id=item.pk, title="乙"),
                 services.ItemDecision(item_id=foreign.pk, title="别的讲话")]
    created = services.speech_confirm(speech=first, decisions=decisions, confirmed_by=supervisor)
    assert [t.title for t in created] == ["甲"]
    assert services.speech_confirm(speech=first, decisions=decisions, confirmed_by=supervisor) == []
    assert Task.objects.get().source_item == item and Task.objects.get().speech == first


def test_pasted_text_over_the_limit_is_refused(settings, speech_text):
    settings.SPEECH_TEXT_MAX_CHARS = 200
    with pytest.raises(services.UploadTooLarge) as refused:
        services.speech_text_read(text=speech_text)
    assert "上限" in str(refused.value)


@pytest.mark.parametrize("source", [
    lambda text, make_docx: {"text": text},
    lambda text, make_docx: {"data": text.encode("utf-8"), "filename": "讲话.txt"},
    lambda text, make_docx: {"data": text.encode("gb18030"), "filename": "讲话.txt"},
    lambda text, make_docx: {"data": make_docx(text.splitlines()), "filename": "讲话.docx"},
], ids=["pasted", "utf-8 file", "gb18030 file", "docx"])
def test_text_over_the_character_limit_is_refused_however_it_comes(settings, speech_text, make_docx, source):
    """The parser's time grows with characters, not bytes: one cap for every way in, and it says the limit."""
    settings.SPEECH_TEXT_MAX_CHARS = len(speech_text)
    assert services.speech_text_read(**source(speech_text, make_docx)).strip() == speech_text.strip()
    with pytest.raises(services.UploadTooLarge) as refused:
        services.speech_text_read(**source(speech_text + "一、加强学习。", make_docx))
    assert f"{len(speech_text):,} 字" in str(refused.value) and "\n" not in str(refused.value)


NUL_SPEECH_UTF16 = "在全县工作会议上的讲话\n一、抓好\x00安全。县教育局要抓好安全。\n二、加强学习。\x00".encode("utf-16")


@pytest.mark.parametrize("source", [
    {"data": NUL_SPEECH_UTF16, "filename": "讲\udcff话.txt"},
    {"text": "在全县工作会议上的讲话\r\n一、抓好\x00安全。县教育局要抓好安全。\n二、加强学习。\udc80"},
], ids=["utf-16 file", "pasted"])
def test_nul_and_lone_surrogates_never_reach_the_database(county, source):
    """PostgreSQL cannot store NUL and no driver can encode a lone surrogate: both go before the save."""
    upload = services.speech_import(**source, meeting="秋季\x00开学会", speaker="李\udcff县长")
    speech = upload.speeches.get()
    stored = [upload.filename, speech.title, speech.text, speech.meeting, speech.speaker,
              *SpeechItem.objects.values_list("text", flat=True)]
    assert not any("\x00" in value or any("\ud800" <= ch <= "\udfff" for ch in value) for value in stored)
    assert (speech.meeting, speech.speaker) == ("秋季开学会", "李\ufffd县长")
    assert "抓好安全" in speech.text


def _numbered_speech(sections):
    paragraphs = [
        f"{chr(0x4e00)}、第{n}部分\n（一）县教育局要抓好第{n}项工作。\n一是加强学习。二是压实责任。"
        for n in range(sections)
    ]
    return "在全县工作会议上的讲话\n同志们：\n" + "\n".join(paragraphs)


def test_saving_items_takes_the_same_queries_however_many_items(county):
    """Validating or linking item by item made a 10 MB speech take minutes: one query per item."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries_for(sections):
        with CaptureQueriesContext(connection) as captured:
            upload = services.speech_import(text=_numbered_speech(sections))
        items = SpeechItem.objects.filter(speech__upload=upload)
        assert items.count() == 4 * sections and items.filter(parent__isnull=False).count() == 3 * sections
        return len(captured)

    assert queries_for(15) == queries_for(5)


def _stored_files(root):
    return sorted(path for path in root.rglob("*") if path.is_file()) if root.exists() else []


def test_a_save_that_fails_after_the_file_was_stored_removes_the_file(county, speech_text, media_root, monkeypatch):
    """The transaction rolls the rows back; the original file must go with them, not stay in media."""
    from django.db import DatabaseError

    def fail(*args, **kwargs):
        raise DatabaseError("disk full")

    monkeypatch.setattr(services, "_save_items", fail)
    with pytest.raises(DatabaseError):
        services.speech_import(data=speech_text.encode("gb18030"), filename="讲话.txt")
    assert _stored_files(media_root) == []
    assert not SpeechItem.objects.exists() and not services.SpeechUpload.objects.exists()


def test_a_successful_upload_keeps_its_original_file(county, speech_text, media_root):
    upload = services.speech_import(data=speech_text.encode("gb18030"), filename="讲话.txt")
    assert _stored_files(media_root) == [media_root / upload.file.name]
    assert (media_root / upload.file.name).read_bytes() == speech_text.encode("gb18030")


def test_an_item_without_a_title_is_saved_with_a_placeholder(county):
    """An item whose marker stands alone ("一、" and nothing after) failed model validation: a 500."""
    upload = services.speech_import(text="在全县工作会议上的讲话\n一、\n二、抓好安全。县教育局要抓好安全。")
    assert list(SpeechItem.objects.order_by("order").values_list("marker", "title")) == [
        ("一、", services.UNTITLED_ITEM), ("二、", "抓好安全")]
    assert upload.speeches.count() == 1


def test_a_file_just_over_the_byte_limit_is_not_said_to_be_as_large_as_the_limit(settings):
    settings.SPEECH_UPLOAD_MAX_BYTES = 10 * 1024 * 1024
    message = str(services.upload_too_large(10 * 1024 * 1024 + 1))
    assert "10.0 MB，超过 10.0 MB" not in message
    assert "10,485,761 字节" in message and "10,485,760 字节" in message


def test_a_speech_that_gave_tasks_cannot_be_deleted_from_the_admin(client, county, speech_text, supervisor):
    """Where a task came from is part of its record: the admin lists the tasks and deletes nothing."""
    from django.urls import reverse

    from speeches.models import Speech

    given = services.speech_import(text=speech_text, date=datetime.date(2024, 8, 16)).speeches.get()
    services.speech_confirm(speech=given, confirmed_by=supervisor,
                            decisions=[services.ItemDecision(item_id=given.items.get(marker="（一）").pk, title="甲")])
    spare = services.speech_import(text=speech_text, date=datetime.date(2024, 8, 16), again=True).speeches.get()
    client.force_login(supervisor)
    page = client.post(reverse("admin:speeches_speech_delete", args=[given.pk]), {"post": "yes"})
    assert page.status_code == 200 and "无法删除" in page.content.decode() and "督办任务" in page.content.decode()
    assert Speech.objects.filter(pk=given.pk).exists() and Task.objects.get().speech_id == given.pk
    item = Task.objects.get().source_item
    client.post(reverse("admin:speeches_speechitem_delete", args=[item.pk]), {"post": "yes"})
    assert SpeechItem.objects.filter(pk=item.pk).exists()
    # a speech nobody confirmed goes, with its items
    client.post(reverse("admin:speeches_speech_delete", args=[spare.pk]), {"post": "yes"})
    assert not Speech.objects.filter(pk=spare.pk).exists()
