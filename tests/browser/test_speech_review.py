"""From a speech file to tasks in a real browser: upload, click an item to see it in the text, confirm."""
import pytest

from speeches.models import Speech
from tracker.models import Task

pytestmark = pytest.mark.django_db(transaction=True)


def test_supervisor_uploads_reviews_locates_an_item_and_confirms(
        page, live_server, login, shoot, supervisor, county, speech_text, tmp_path):
    path = tmp_path / "秋季开学讲话.txt"
    path.write_bytes(speech_text.encode("gbk"))
    login("sup")
    page.click("#duban-shortcuts a:has-text('上传讲话')")
    page.fill("#id_meeting", "全县秋季开学工作会议")
    page.fill("#id_speaker", "李县长")
    page.fill("#id_date", "2024-08-16")
    page.set_input_files("#id_file", str(path))
    shoot("upload")
    page.click("input[type=submit][value='上传并识别']")
    page.wait_for_selector("#speech-text")
    speech = Speech.objects.get()
    item = speech.items.get(marker="（二）")

    page.click(f"#item-{item.pk} .review-locate")
    mark = page.locator("#speech-text mark")
    assert mark.inner_text() == speech.text[item.start:item.end]
    assert page.locator(f"#item-{item.pk}.is-selected").count() == 1
    shoot("review")

    # unticking an item hides its fields and updates the count
    count_before = int(page.locator(".js-included-count").first.inner_text())
    page.uncheck(f"#id_item-{item.pk}-include")
    assert not page.locator(f"#item-{item.pk} .review-fields").is_visible()
    assert int(page.locator(".js-included-count").first.inner_text()) == count_before - 1

    page.locator("input[type=submit][value='确认生成任务']").first.click()
    page.wait_for_selector(".messagelist")
    assert f"已生成 {count_before - 1} 项督办任务" in page.inner_text(".messagelist")
    assert Task.objects.filter(speech=speech).count() == count_before - 1
    assert not Task.objects.filter(source_item=item).exists()
    shoot("confirmed")
