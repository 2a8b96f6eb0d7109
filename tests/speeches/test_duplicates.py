"""No duplicate tasks: a directive given again is flagged 可能重复 (review page, import_speech) and linked or
skipped; a speech already imported is not imported a second time."""
import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from speeches import selectors, services
from speeches.models import RepeatedInstruction, Speech, SpeechItem
from tests.speeches.conftest import counts, review_post_data
from tracker.models import Task

pytestmark = pytest.mark.django_db

# A later meeting repeats （一） of the first speech (再次强调) and gives one new directive.
LATER = """在全县校园安全工作推进会上的讲话
同志们：
今天召开会议，推进校园安全工作。我讲两点意见。
一、抓好开学安全
（一）保障按时开学。再次强调，县教育局要在8月25日前完成全县校舍安全排查。
（二）加强食堂管理。县市场监管局要在9月底前完成全县学校食堂食品安全检查。
二、几点要求
同志们，安全无小事，希望大家守土尽责。
"""


@pytest.fixture
def first(county, supervisor, speech_text):
    """The first speech, confirmed with the review page's defaults: its tasks are open."""
    import datetime

    upload = services.speech_import(text=speech_text, date=datetime.date(2024, 8, 16), meeting="秋季开学工作会议",
                                    uploaded_by=supervisor)
    speech = upload.speeches.get()
    services.speech_confirm_defaults(speech=speech, confirmed_by=supervisor)
    return speech


def repeated_task():
    """The first speech's task that the later speech gives again."""
    return Task.objects.get(source_item__marker="（一）", source_item__title__contains="保障按时开学",
                            speech__meeting="秋季开学工作会议")


def later_speech(supervisor):
    import datetime

    return services.speech_import(text=LATER, date=datetime.date(2024, 9, 20), meeting="校园安全推进会",
                                  uploaded_by=supervisor).speeches.get()


def item(speech, marker):
    return SpeechItem.objects.get(speech=speech, marker=marker)


def test_flags_the_repeated_directive_only(first, supervisor):
    later = later_speech(supervisor)
    flags = selectors.speech_duplicate_flags(speech=later, rows=selectors.speech_review_rows(speech=later))
    assert set(flags) == {item(later, "（一）").pk}
    assert flags[item(later, "（一）").pk].task == repeated_task()
    assert flags[item(later, "（一）").pk].score >= 0.9


def test_tasks_of_the_same_speech_and_closed_tasks_are_no_candidates(first, supervisor):
    rows = selectors.speech_review_rows(speech=first)
    assert selectors.speech_duplicate_flags(speech=first, rows=rows) == {}
    Task.objects.filter(pk=repeated_task().pk).update(status="closed", completed_at="2024-09-01T00:00:00Z")
    later = later_speech(supervisor)
    assert selectors.speech_duplicate_flags(speech=later, rows=selectors.speech_review_rows(speech=later)) == {}


def test_review_page_flags_and_links_by_default(first, supervisor, sup_client):
    later = later_speech(supervisor)
    task = repeated_task()
    page = sup_client.get(reverse("speeches:review", args=[later.pk]))
    html = page.content.decode()
    assert f"可能重复：{task.serial}" in html
    assert f"作为重复指示关联到 {task.serial}" in html and "跳过，不生成" in html
    before = Task.objects.count()
    proposed = sum(1 for row in page.context["rows"] if row.included)
    response = sup_client.post(reverse("speeches:confirm", args=[later.pk]), review_post_data(page), follow=True)
    link = RepeatedInstruction.objects.get()
    assert (link.task, link.item) == (task, item(later, "（一）"))
    assert not Task.objects.filter(source_item=item(later, "（一）")).exists()
    assert Task.objects.count() == before + proposed - 1  # all but the repeated one
    assert f"关联到已有任务：{task.serial}" in response.content.decode()
    # The task shows every speech that gave it; the review page shows the link and offers nothing more.
    task_page = sup_client.get(reverse("tracker:task_detail", args=[task.pk])).content.decode()
    assert "重复部署" in task_page and "在全县校园安全工作推进会上的讲话" in task_page
    again = sup_client.get(reverse("speeches:review", args=[later.pk])).content.decode()
    assert "已作为重复指示关联到：" in again and "可能重复：" not in again
    sup_client.post(reverse("speeches:confirm", args=[later.pk]), review_post_data(page))
    assert RepeatedInstruction.objects.count() == 1 and Task.objects.count() == before + proposed - 1


@pytest.mark.parametrize("choice,new_task", [("skip", False), ("new", True)])
def test_review_page_skip_or_new_task(first, supervisor, sup_client, choice, new_task):
    later = later_speech(supervisor)
    page = sup_client.get(reverse("speeches:review", args=[later.pk]))
    data = review_post_data(page)
    data[f"item-{item(later, '（一）').pk}-duplicate"] = choice
    sup_client.post(reverse("speeches:confirm", args=[later.pk]), data)
    assert not RepeatedInstruction.objects.exists()
    assert Task.objects.filter(source_item=item(later, "（一）")).exists() is new_task


def test_a_link_to_a_task_closed_meanwhile_saves_nothing(first, supervisor, sup_client):
    later = later_speech(supervisor)
    page = sup_client.get(reverse("speeches:review", args=[later.pk]))
    data = review_post_data(page)
    task = repeated_task()
    decisions = [services.ItemDecision(item_id=item(later, "（一）").pk, title="保障按时开学",
                                       repeat_of_task_id=task.pk, repeat_score=0.95)]
    Task.objects.filter(pk=task.pk).update(status="closed", completed_at="2024-09-01T00:00:00Z")
    with pytest.raises(services.ValidationError) as refused:
        services.speech_confirm(speech=later, decisions=decisions, confirmed_by=supervisor)
    assert f"{task.serial} 已“已办结”" in refused.value.messages[0]
    assert not RepeatedInstruction.objects.exists()
    # The page, read before the task closed, no longer flags it: the item is confirmed as a task of its own.
    before = Task.objects.count()
    proposed = sum(1 for row in page.context["rows"] if row.included)
    sup_client.post(reverse("speeches:confirm", args=[later.pk]), data)
    assert Task.objects.count() == before + proposed and not RepeatedInstruction.objects.exists()


def run(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command("import_speech", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.mark.parametrize("choice,linked,own_task", [("link", 1, False), ("skip", 0, False), ("new", 0, True)])
def test_import_speech_flags_and_links_skips_or_creates(first, tmp_path, choice, linked, own_task):
    path = tmp_path / "推进会.txt"
    path.write_text(LATER, encoding="utf-8")
    out, _ = run(str(path), "--date", "2024-09-20", "--confirm", "--duplicates", choice)
    later = Speech.objects.exclude(pk=first.pk).get()
    assert f"可能重复：（一）保障按时开学 ≈ {repeated_task().serial}" in out
    assert RepeatedInstruction.objects.filter(task=repeated_task()).count() == linked
    assert Task.objects.filter(source_item=item(later, "（一）")).exists() is own_task
    assert ("关联重复指示 1 项" in out) is bool(linked)


def test_import_speech_without_confirm_lists_the_flags(first, tmp_path):
    path = tmp_path / "推进会.txt"
    path.write_text(LATER, encoding="utf-8")
    out, _ = run(str(path))
    assert "可能重复：（一）保障按时开学" in out and "将作为" not in out
    assert not RepeatedInstruction.objects.exists()


# Re-import.

def test_the_same_file_again_opens_the_existing_speech(county, sup_client, speech_text):
    sup_client.post(reverse("speeches:upload"), {"text": speech_text, "date": "2024-08-16"})
    speech = Speech.objects.get()
    before = counts()
    # The same words, laid out differently (a pasted copy with other line breaks and spaces).
    relaid = speech_text.replace("\n", "\r\n  ")
    response = sup_client.post(reverse("speeches:upload"), {"text": relaid, "date": "2024-08-16"}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("speeches:review", args=[speech.pk])
    assert "该讲话已导入过" in response.content.decode()
    assert counts() == before


def test_import_speech_says_the_file_was_imported_already(county, tmp_path, speech_text):
    path = tmp_path / "讲话.txt"
    path.write_text(speech_text, encoding="utf-8")
    run(str(path))
    speech = Speech.objects.get()
    before = counts()
    out, err = run(str(path), "--confirm")
    assert "该讲话已导入过" in out and f"[{speech.pk}]" in out and speech.get_absolute_url() in out
    assert counts() == before and err == ""


def test_a_collection_imports_only_its_new_speeches(county, supervisor, speech_text):
    services.speech_import(text=speech_text, uploaded_by=supervisor)
    upload = services.speech_import(text=speech_text + "\n" + LATER, uploaded_by=supervisor)
    assert [s.title for s in upload.speeches.all()] == ["在全县校园安全工作推进会上的讲话"]
    assert [s.title for s in upload.already_imported] == ["在全县秋季开学工作会议上的讲话"]


def test_content_hash_ignores_blank_space_only():
    assert services.content_hash("一、 完成\n排查") == services.content_hash("一、完成排查")
    assert services.content_hash("一、完成排查") != services.content_hash("二、完成排查")
