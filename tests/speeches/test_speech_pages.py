"""The whole journey through the pages: upload, review, confirm, confirm again; and bad input."""
import io
import zipfile

import pytest
from django.urls import reverse

from speeches.models import Speech, SpeechItem, SpeechUpload
from tracker.models import Task

pytestmark = pytest.mark.django_db

UPLOAD = reverse("speeches:upload")


def upload(client, *, data=None, name="讲话.txt", text="", date="2024-08-16", **extra):
    payload = {"text": text, "meeting": "全县秋季开学工作会议", "speaker": "李县长", "date": date, **extra}
    if data is not None:
        file = io.BytesIO(data)
        file.name = name
        payload["file"] = file
    return client.post(UPLOAD, payload)


def review_url(speech):
    return reverse("speeches:review", args=[speech.pk])


def confirm_url(speech):
    return reverse("speeches:confirm", args=[speech.pk])


def only_speech():
    assert Speech.objects.count() == 1
    return Speech.objects.get()


# --- the journey ----------------------------------------------------------------------


def test_seed_file_goes_from_upload_to_tasks_and_confirming_again_adds_nothing(
        sup_client, county, shared_dir, review_data):
    data = (shared_dir / "seeds" / "002_915ebad580f742a8.txt").read_bytes()
    response = upload(sup_client, data=data, name="002.txt")
    speech = only_speech()
    assert response.status_code == 302 and response["Location"] == review_url(speech)
    assert speech.upload.filename == "002.txt" and speech.meeting == "全县秋季开学工作会议"
    assert speech.items.count() > 5

    page = sup_client.get(review_url(speech))
    assert page.status_code == 200
    first = speech.items.order_by("order").first()
    assert first.marker in page.content.decode() and first.title[:10] in page.content.decode()
    post = review_data(page)
    proposed = [row.item.pk for row in page.context["rows"] if row.proposal.include]
    assert proposed, "a seed speech has directives to propose"

    response = sup_client.post(confirm_url(speech), post)
    assert response.status_code == 302
    tasks = Task.objects.filter(speech=speech)
    assert sorted(tasks.values_list("source_item_id", flat=True)) == sorted(proposed)
    assert all(t.content == t.source_item.text and t.serial for t in tasks)

    again = sup_client.post(confirm_url(speech), post)
    assert again.status_code == 302
    assert Task.objects.filter(speech=speech).count() == len(proposed)
    page = sup_client.get(review_url(speech), follow=True)
    assert "没有生成新任务" in page.content.decode()
    task = tasks.first()
    assert task.get_absolute_url() in page.content.decode() and "已生成任务" in page.content.decode()


def test_an_item_left_out_stays_unticked_after_confirming_so_a_second_click_adds_nothing(
        sup_client, county, speech_text, review_data):
    upload(sup_client, text=speech_text)
    speech = only_speech()
    page = sup_client.get(review_url(speech))
    post = review_data(page)
    left_out = next(row.item for row in page.context["rows"] if row.proposal.include)
    del post[f"item-{left_out.pk}-include"]
    sup_client.post(confirm_url(speech), post)
    created = Task.objects.filter(speech=speech).count()
    assert created and not Task.objects.filter(source_item=left_out).exists()

    page = sup_client.get(review_url(speech))
    row = next(row for row in page.context["rows"] if row.item == left_out)
    assert row.form is not None and not row.form["include"].value()
    sup_client.post(confirm_url(speech), review_data(page))
    assert Task.objects.filter(speech=speech).count() == created


def test_review_preselects_directives_and_problems_but_not_achievements_or_their_headings(
        sup_client, county, speech_text):
    upload(sup_client, text=speech_text)
    speech = only_speech()
    page = sup_client.get(review_url(speech))
    chosen = {row.item.marker + row.item.title: row.proposal.include for row in page.context["rows"]}
    kinds = {row.item.marker + row.item.title: row.item.kind for row in page.context["rows"]}
    assert chosen["（一）保障按时开学"] and kinds["（一）保障按时开学"] == "directive"
    assert [k for k, v in kinds.items() if v == "achievement"] and not any(
        chosen[k] for k, v in kinds.items() if v == "achievement")
    assert any(chosen[k] for k, v in kinds.items() if v == "problem")
    # 三、 is the sum of its （一）…（四）: a task for it would duplicate theirs.
    heading = next(k for k in chosen if k.startswith("三、"))
    assert not chosen[heading]
    html = page.content.decode()
    assert 'name="item-%d-include"' % speech.items.get(marker="（一）").pk in html
    assert "speech_review.js" in html and 'id="speech-text"' in html
    # the span an item points at is the item's text
    item = speech.items.get(marker="（一）")
    assert speech.text[item.start:item.end] == item.text and item.text.startswith("（一）保障按时开学")
    assert f'data-start="{item.start}" data-end="{item.end}"' in html


def test_owners_are_matched_to_departments_and_unknown_owners_wait_for_assignment(
        sup_client, county, speech_text, review_data):
    upload(sup_client, text=speech_text)
    speech = only_speech()
    page = sup_client.get(review_url(speech))
    sup_client.post(confirm_url(speech), review_data(page))
    by_marker = {t.source_item.marker: t for t in Task.objects.filter(speech=speech).select_related("source_item")}
    assert by_marker["（一）"].lead_department == county["县教育局"]
    assert str(by_marker["（一）"].deadline) == "2024-08-25" and by_marker["（一）"].deadline_text == "8月25日前"
    second = by_marker["（二）"]
    assert second.lead_department == county["县发展和改革局"]
    assert list(second.co_departments.all()) == [county["县财政局"]]
    assert str(second.deadline) == "2024-12-31"
    assert by_marker["（三）"].lead_department == county["各乡镇中心学校"]
    fourth = by_marker["（四）"]
    assert fourth.lead_department is None and fourth.needs_assignment and "县委" in fourth.owner_text
    # what still needs the supervisor is listed with links after confirming
    page = sup_client.get(review_url(speech))
    assert fourth in list(page.context["to_complete"])
    assert fourth.get_absolute_url() in page.content.decode()
    assert "待指定牵头单位" in page.content.decode()


def test_unresolved_deadlines_are_listed_after_confirming(sup_client, county, review_data):
    text = "在会议上的讲话\n同志们：\n一、重点工作\n（一）抓好安全。县教育局要尽快完成校舍排查。\n（二）抓好质量。各学校要在9月底前完成质量分析。\n"
    upload(sup_client, text=text)
    speech = only_speech()
    response = sup_client.post(confirm_url(speech), review_data(sup_client.get(review_url(speech))), follow=True)
    undated = Task.objects.get(source_item__marker="（一）")
    assert undated.deadline is None
    assert [t.pk for t in response.context["to_complete"]] == [undated.pk]
    html = response.content.decode()
    assert "未能识别完成时限" in html and "缺完成时限" in html and undated.get_absolute_url() in html


def test_supervisor_changes_title_departments_deadline_category_and_inclusion(
        sup_client, county, speech_text, review_data):
    upload(sup_client, text=speech_text)
    speech = only_speech()
    data = review_data(sup_client.get(review_url(speech)))
    first, second = speech.items.get(marker="（一）"), speech.items.get(marker="（二）")
    achievement = speech.items.filter(kind="achievement", parent__isnull=False).first()
    data[f"item-{first.pk}-title"] = "完成全县校舍安全排查"
    data[f"item-{first.pk}-lead_department"] = str(county["县教育局安全稳定股"].pk)
    data[f"item-{first.pk}-co_departments"] = [str(county["县教育局"].pk), str(county["县教育局安全稳定股"].pk)]
    data[f"item-{first.pk}-deadline"] = "2024-08-30"
    data[f"item-{first.pk}-category"] = "rectify"
    data.pop(f"item-{second.pk}-include")
    data[f"item-{achievement.pk}-include"] = "on"
    response = sup_client.post(confirm_url(speech), data)
    assert response.status_code == 302
    task = Task.objects.get(source_item=first)
    assert task.title == "完成全县校舍安全排查" and task.category == "rectify"
    assert task.lead_department == county["县教育局安全稳定股"]
    assert list(task.co_departments.all()) == [county["县教育局"]]  # the lead is not its own co-department
    assert str(task.deadline) == "2024-08-30" and task.deadline_text == ""
    assert not Task.objects.filter(source_item=second).exists()
    assert Task.objects.filter(source_item=achievement).exists()


def test_a_wrong_field_shows_the_page_again_and_creates_nothing(sup_client, county, speech_text, review_data):
    upload(sup_client, text=speech_text)
    speech = only_speech()
    data = review_data(sup_client.get(review_url(speech)))
    first = speech.items.get(marker="（一）")
    data[f"item-{first.pk}-title"] = "  "
    data[f"item-{first.pk}-deadline"] = "下个月"
    response = sup_client.post(confirm_url(speech), data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "生成任务时必须填写任务名称" in html and "日期格式应为" in html and "有条目填写有误" in html
    assert Task.objects.count() == 0


def test_a_docx_written_by_word_is_read(sup_client, county, make_docx):
    data = make_docx(["在全县教育工作会议上的讲话", "同志们：", "一、抓好安全工作", "县教育局要在9月底前完成校舍排查。",
                      "二、抓好质量提升", "各学校要在本学期开展教学质量分析。"])
    response = upload(sup_client, data=data, name="讲话稿.docx")
    speech = only_speech()
    assert response["Location"] == review_url(speech)
    assert [i.marker for i in speech.items.order_by("order")] == ["一、", "二、"]
    assert speech.upload.file.name.endswith(".docx")
    assert sup_client.get(review_url(speech)).status_code == 200


def test_a_gbk_text_file_is_decoded(sup_client, county, speech_text):
    response = upload(sup_client, data=speech_text.encode("gbk"), name="gbk讲话.txt")
    speech = only_speech()
    assert response.status_code == 302
    assert "保障按时开学" in speech.text
    assert speech.items.filter(marker="（一）", title="保障按时开学").exists()


def test_a_file_with_several_speeches_yields_one_speech_each_grouped_in_one_upload(sup_client, county, speech_text):
    second = speech_text.replace("秋季开学工作会议", "教育督导整改推进会")
    response = upload(sup_client, data=(speech_text + "\n" + second).encode("utf-8"), name="合集.txt")
    assert SpeechUpload.objects.count() == 1
    batch = SpeechUpload.objects.get()
    assert batch.speeches.count() == 2
    assert [s.position for s in batch.speeches.order_by("position")] == [1, 2]
    assert response["Location"] == reverse("speeches:upload_detail", args=[batch.pk])
    page = sup_client.get(response["Location"])
    assert page.status_code == 200
    for speech in batch.speeches.all():
        assert review_url(speech) in page.content.decode()
    review = sup_client.get(review_url(batch.speeches.get(position=2)))
    assert "同一文件中的讲话" in review.content.decode()


def test_a_seed_collection_file_is_grouped(sup_client, county, shared_dir):
    upload(sup_client, data=(shared_dir / "seeds" / "003_7443ff2fcb96d742.txt").read_bytes(), name="003.txt")
    batch = SpeechUpload.objects.get()
    assert batch.speeches.count() > 1
    assert SpeechItem.objects.filter(speech__upload=batch).count() > 20


@pytest.mark.parametrize("source", [
    {"data": "一、抓好\x00安全。县教育局要抓好安全。\n二、加强学习。".encode("utf-16"), "name": "讲话.txt"},
    {"text": "一、抓好\x00安全。县教育局要抓好安全。\n二、加强学习。"},
], ids=["utf-16 file", "pasted"])
def test_nul_characters_are_dropped_not_saved_or_refused(sup_client, county, source):
    """PostgreSQL cannot store U+0000: the page drops it instead of failing with a 500."""
    response = upload(sup_client, **source, meeting="秋季\x00开学会")
    speech = only_speech()
    assert response.status_code == 302
    assert "\x00" not in speech.text and "抓好安全" in speech.text and speech.meeting == "秋季开学会"


# --- bad input: a clear Chinese message, nothing saved -----------------------------------


def zip_bomb(make_docx):
    buffer = io.BytesIO(make_docx(["一、抓好安全"]))
    with zipfile.ZipFile(buffer, "a", zipfile.ZIP_DEFLATED) as archive:
        with archive.open("word/media/image1.png", "w", force_zip64=True) as entry:
            chunk = bytes(1024 * 1024)
            for _ in range(101):
                entry.write(chunk)
    return buffer.getvalue()


BAD_INPUTS = [
    ("empty file", lambda mk: {"data": b"", "name": "空.txt"}, "文件内容为空"),
    ("binary file", lambda mk: {"data": bytes(range(256)) * 40, "name": "图片.txt"}, "不是可读取的文本"),
    ("corrupt docx", lambda mk: {"data": b"PK\x03\x04" + b"\x00garbage" * 50, "name": "坏.docx"}, "无法读取该 Word 文档"),
    ("zip bomb", lambda mk: {"data": zip_bomb(mk), "name": "炸弹.docx"}, "过大"),
    ("no speech", lambda mk: {"data": "今天天气很好，我们去公园散步。".encode(), "name": "随笔.txt"}, "没有找到任何编号列出的要点"),
    ("only blank lines", lambda mk: {"data": b"\n \n\t\n", "name": "blank.txt"}, "文件内容为空"),
    ("broken pdf", lambda mk: {"data": b"%PDF-1.4 something", "name": "讲话.pdf"}, "无法读取该 PDF"),
    ("broken old word", lambda mk: {"data": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(500), "name": "讲话.doc"},
     "保存类型选“Word 文档（*.docx）”"),
    ("other type", lambda mk: {"data": "一、抓好安全".encode(), "name": "讲话.html"}, "讲话稿只支持 Word（.docx、.doc）"),
    ("spreadsheet", lambda mk: {"data": b"PK\x03\x04", "name": "分解表.xlsx"}, "表格文件不能作为讲话稿导入"),
    ("renamed picture", lambda mk: {"data": b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8, "name": "讲话.txt"},
     "不是可读取的文本"),
    ("nothing given", lambda mk: {}, "请上传讲话稿文件，或粘贴讲话全文"),
    ("both given", lambda mk: {"data": "一、抓好安全".encode(), "name": "a.txt", "text": "一、抓好安全"}, "请只选择一种方式"),
    ("blank paste", lambda mk: {"text": "   \n  "}, "请上传讲话稿文件，或粘贴讲话全文"),
    ("bad date", lambda mk: {"text": "一、抓好安全", "date": "明天"}, "日期格式应为"),
    ("no date", lambda mk: {"text": "一、抓好安全", "date": ""}, "请填写讲话日期"),
]


@pytest.mark.parametrize("case, make, message", BAD_INPUTS, ids=[c[0] for c in BAD_INPUTS])
def test_bad_input_shows_a_chinese_message_and_saves_nothing(
        sup_client, county, make_docx, row_counts, media_root, case, make, message):
    before = row_counts()
    response = upload(sup_client, **make(make_docx))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert row_counts() == before
    assert not media_root.exists() or not any(path.is_file() for path in media_root.rglob("*"))


def test_an_oversized_file_is_refused(sup_client, county, settings, row_counts, speech_text):
    settings.SPEECH_UPLOAD_MAX_BYTES = 1024
    before = row_counts()
    response = upload(sup_client, data=speech_text.encode("utf-8") * 3, name="大.txt")
    assert response.status_code == 200 and "上限" in response.content.decode()
    assert row_counts() == before


@pytest.mark.parametrize("source", [
    lambda text: {"text": text},
    lambda text: {"data": text.encode("gb18030"), "name": "长.txt"},
], ids=["pasted", "file"])
def test_text_over_the_character_limit_is_refused_with_the_limit(
        sup_client, county, settings, row_counts, speech_text, source):
    settings.SPEECH_TEXT_MAX_CHARS = 300
    before = row_counts()
    response = upload(sup_client, **source(speech_text * 3))
    assert response.status_code == 200 and "超过 300 字的上限" in response.content.decode()
    assert row_counts() == before


def test_the_service_refuses_oversize_even_without_the_form(county, settings, row_counts, speech_text):
    from speeches.services import UploadTooLarge, speech_import

    settings.SPEECH_UPLOAD_MAX_BYTES = 100
    before = row_counts()
    with pytest.raises(UploadTooLarge):
        speech_import(data=speech_text.encode(), filename="a.txt")
    assert row_counts() == before


def test_a_pasted_text_at_the_limit_reaches_the_form_even_in_four_byte_characters(sup_client, county, settings):
    """The post limit leaves room for the promised characters at UTF-8's widest, plus the other fields."""
    assert settings.DATA_UPLOAD_MAX_MEMORY_SIZE >= 4 * settings.SPEECH_TEXT_MAX_CHARS + 64 * 1024
    response = upload(sup_client, text="𠀀" * settings.SPEECH_TEXT_MAX_CHARS)
    assert response.status_code == 200 and "没有找到任何编号列出的要点" in response.content.decode()


def test_a_pasted_text_over_the_character_limit_gets_a_form_error_not_a_400(sup_client, county, settings, row_counts):
    """2.5 MB of pasted Chinese (Django's default post limit) answered a bare 400; now the form says the limit."""
    before = row_counts()
    limit = settings.SPEECH_TEXT_MAX_CHARS
    response = upload(sup_client, text="好" * max(limit + 1, 2_621_440 // 3 + 1))
    assert response.status_code == 200
    assert f"超过 {limit:,} 字的上限" in response.content.decode()
    assert row_counts() == before


def test_a_post_too_large_to_read_explains_the_limits_in_chinese(sup_client, county, settings, row_counts):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    settings.SPEECH_TEXT_MAX_CHARS = 3_000
    before = row_counts()
    response = upload(sup_client, text="好" * 4_000)
    body = response.content.decode()
    assert response.status_code == 400
    assert "提交的内容过大" in body and "3,000 字" in body and "10.0 MB" in body
    assert row_counts() == before


def test_the_upload_page_states_the_limits_it_enforces(sup_client, settings):
    settings.SPEECH_UPLOAD_MAX_BYTES = 5 * 1024 * 1024
    settings.SPEECH_TEXT_MAX_CHARS = 200_000
    body = sup_client.get(UPLOAD).content.decode()
    assert "5.0 MB" in body and "200,000 字" in body


# --- who may use the pages ----------------------------------------------------------------


def test_only_supervisors_use_the_speech_pages(client, supervisor, leader, officer_a, speech_text):
    client.force_login(supervisor)
    upload(client, text=speech_text)
    speech = only_speech()
    urls = [UPLOAD, review_url(speech), reverse("speeches:upload_detail", args=[speech.upload_id])]
    for user, expected in [(supervisor, 200), (leader, 403), (officer_a, 403)]:
        client.force_login(user)
        assert [client.get(url).status_code for url in urls] == [expected] * 3
    client.force_login(leader)
    assert client.post(confirm_url(speech), {}).status_code == 403
    assert Task.objects.count() == 0
    client.logout()
    response = client.get(review_url(speech))
    assert response.status_code == 302 and reverse("admin:login") in response["Location"]


def test_confirm_only_takes_posts_and_unknown_speeches_are_404(sup_client):
    assert sup_client.get(reverse("speeches:confirm", args=[999])).status_code == 405
    assert sup_client.get(reverse("speeches:review", args=[999])).status_code == 404
    assert sup_client.get(reverse("speeches:upload_detail", args=[999])).status_code == 404


def test_admin_links_lead_to_the_upload_page(sup_client):
    assert UPLOAD in sup_client.get(reverse("admin:index")).content.decode()
    response = sup_client.get(reverse("admin:speeches_speech_add"))
    assert response.status_code == 302 and response["Location"] == UPLOAD
    assert sup_client.get(UPLOAD).status_code == 200


def test_review_warns_before_confirming_tasks_without_lead_department_or_deadline(sup_client, county, review_data):
    text = ("在会议上的讲话\n同志们：\n一、重点工作\n（一）抓好安全。县教育局要尽快完成校舍排查。\n"
            "（二）抓好质量。各学校要在9月底前完成质量分析。\n（三）抓好资助。县教育局要在9月底前完成资助发放。\n")
    upload(sup_client, text=text)
    speech = only_speech()
    page = sup_client.get(review_url(speech))
    warned = {row.item.marker: row.missing for row in page.context["warnings"]}
    assert warned["（一）"] == "完成时限"
    assert "（三）" not in warned
    html = page.content.decode()
    assert "缺牵头单位或完成时限" in html and "缺完成时限" in html
    # Completing the row and confirming: the warning is gone for the tasks made.
    sup_client.post(confirm_url(speech), review_data(page))
    assert sup_client.get(review_url(speech)).context["warnings"] == []


def test_confirmed_tasks_take_the_speech_default_reporting_rule(sup_client, county, speech_text, review_data):
    upload(sup_client, text=speech_text)
    speech = only_speech()
    page = sup_client.get(review_url(speech))
    html = page.content.decode()
    assert "报送周期" in html and 'value="monthly:25" selected' in html  # the office's routine, preselected
    data = review_data(page)
    sup_client.post(confirm_url(speech), {**data, "report_rule": "weekly:5"})
    tasks = Task.objects.filter(speech=speech)
    assert tasks.exists()
    assert set(tasks.values_list("report_rule", "report_day")) == {("weekly", 5)}
    # A cycle runs for every task with a lead department; one waiting in 待指派 owes no report yet.
    assert all((t.report_due is not None) == (t.lead_department_id is not None) for t in tasks)
    assert any(t.report_due is not None for t in tasks)


def test_a_bad_reporting_rule_shows_the_page_again_and_creates_nothing(sup_client, county, speech_text, review_data):
    upload(sup_client, text=speech_text)
    speech = only_speech()
    data = review_data(sup_client.get(review_url(speech)))
    response = sup_client.post(confirm_url(speech), {**data, "report_rule": "monthly:40"})
    assert response.status_code == 200 and "有条目填写有误" in response.content.decode()
    assert not Task.objects.filter(speech=speech).exists()


def test_the_review_page_prefills_lead_helpers_and_person_from_the_speechs_breakdown(
        sup_client, county, review_data):
    text = ("在全县教育工作会议上的讲话\n同志们：\n一、改善办学条件\n"
            "（一）推进校舍改造。县教育局牵头，县财政局、县发展和改革局配合，张明同志负总责，年底前完成。\n")
    upload(sup_client, text=text)
    speech = only_speech()
    item = speech.items.get(marker="（一）")
    assert item.owner_roles == [{"name": "县教育局", "role": "lead"}, {"name": "县财政局", "role": "co"},
                                {"name": "县发展和改革局", "role": "co"}, {"name": "张明同志", "role": "person"}]
    page = sup_client.get(review_url(speech))
    row = next(row for row in page.context["rows"] if row.item.pk == item.pk)
    assert row.form.initial["lead_department"] == county["县教育局"].pk
    assert row.form.initial["co_departments"] == [county["县财政局"].pk, county["县发展和改革局"].pk]
    assert row.form.initial["responsible_person"] == "张明同志"
    assert "责任人" in page.content.decode()
    sup_client.post(confirm_url(speech), review_data(page))
    task = Task.objects.get(source_item=item)
    assert task.lead_department == county["县教育局"] and task.responsible_person == "张明同志"
    assert set(task.co_departments.all()) == {county["县财政局"], county["县发展和改革局"]}
