"""The papers as downloads: scoped to what the user may see, Chinese file names, never cached, bad input explained."""
import datetime
from datetime import timedelta
from urllib.parse import quote

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from speeches import services as speech_services
from tests.conftest import make_user
from tests.papers_docx import read, rows
from tracker import permissions
from tracker.papers import bulletin, output
from tracker.papers import selectors as papers

pytestmark = pytest.mark.django_db


@pytest.fixture
def speech(county, supervisor, speech_text):
    """The sample speech, confirmed with the review page's defaults: tasks under 二、 and 三、."""
    speech = speech_services.speech_import(text=speech_text, meeting="全县秋季开学工作会议", speaker="李县长",
                                           date=datetime.date(2024, 8, 16)).speeches.get()
    speech_services.speech_confirm_defaults(speech=speech, confirmed_by=supervisor)
    return speech


@pytest.fixture
def education_officer(county):
    return make_user("jiaoyu", "部门填报员", county["县教育局"])


def download(client, url, **params):
    response = client.get(url, params)
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"] == output.DOCX_CONTENT_TYPE
    assert response["Cache-Control"] == "no-store, private"
    return response, read(b"".join(response.streaming_content))


def disposition_name(response):
    return response["Content-Disposition"].split("filename*=utf-8''", 1)[1]  # RFC 6266, UTF-8 percent-encoded


def task_cells(document):
    """The 工作任务 cells of a breakdown: the rows with all six columns, header left out."""
    return [row[1] for row in rows(document.tables[0])[1:] if len(row) == 6]


def test_supervisor_downloads_a_speechs_breakdown(client, supervisor, speech):
    client.force_login(supervisor)
    response, document = download(client, reverse("tracker:paper_speech_breakdown", args=[speech.pk]))
    title = f"《{speech.title}》重点任务分解表"
    assert disposition_name(response) == quote(f"{title}.docx")
    assert document.paragraphs[0].text.replace("\n", "") == title
    assert len(task_cells(document)) == speech.tasks.count() > 0
    headings = [row[0] for row in rows(document.tables[0]) if len(row) == 1]
    assert headings == ["二、存在的问题", "三、扎实做好秋季开学工作"]


def test_an_officer_gets_only_the_tasks_of_the_speech_they_may_see(client, speech, county, education_officer):
    mine = set(papers.visible_tasks(user=education_officer).filter(speech=speech).values_list("title", flat=True))
    assert 0 < len(mine) < speech.tasks.count()
    client.force_login(education_officer)
    _, document = download(client, reverse("tracker:paper_speech_breakdown", args=[speech.pk]))
    cells = task_cells(document)
    assert len(cells) == len(mine) and all(any(title in cell for title in mine) for cell in cells)
    involved = {t.lead_department_id for t in speech.tasks.all()} | {
        d.pk for t in speech.tasks.all() for d in t.co_departments.all()}
    outsider = next(d for d in county.values() if d.pk not in involved)
    client.force_login(make_user("outsider", "部门填报员", outsider))  # sees none of its tasks
    assert client.get(reverse("tracker:paper_speech_breakdown", args=[speech.pk])).status_code == 404
    assert client.get(reverse("tracker:paper_speech_breakdown", args=[speech.pk + 99])).status_code == 404


def test_breakdown_of_the_task_lists_filters(client, leader, speech):
    client.force_login(leader)
    _, document = download(client, reverse("tracker:paper_breakdown"), speech=speech.pk, category="rectify")
    assert document.paragraphs[0].text.replace("\n", "") == f"《{speech.title}》重点任务分解表"
    assert len(task_cells(document)) == speech.tasks.filter(category="rectify").count() > 0
    assert any("类别：整改任务" in p.text for p in document.paragraphs)
    bad = client.get(reverse("tracker:paper_breakdown"), {"deadline_after": "明天"})
    assert bad.status_code == 400 and "筛选条件有误" in bad.content.decode()


def test_task_notice_follows_the_task_page(client, make_task, departments, officer_a, officer_b):
    task = make_task(title="完成校舍安全排查", lead_department=departments["a"], deadline=datetime.date(2025, 8, 25))
    client.force_login(officer_a)
    response, document = download(client, reverse("tracker:paper_task_notice", args=[task.pk]))
    assert disposition_name(response) == quote(f"督办通知单_{task.serial}.docx")
    assert dict(rows(document.tables[0]))["督办编号"] == task.serial
    client.force_login(officer_b)
    assert client.get(reverse("tracker:paper_task_notice", args=[task.pk])).status_code == 404


def test_notices_of_one_departments_open_tasks_a_page_each(client, supervisor, make_task, departments):
    a = departments["a"]
    open_ones = [make_task(title=f"在办任务{i}", lead_department=a, status="in_progress") for i in range(3)]
    make_task(title="已办结任务", lead_department=a, status="closed")
    make_task(title="别的单位", lead_department=departments["b"])
    client.force_login(supervisor)
    response, document = download(client, reverse("tracker:paper_notices"), lead_department=a.pk)
    assert disposition_name(response) == quote(f"督办通知单_{a.name}_3项.docx")
    assert sorted(dict(rows(t))["督办编号"] for t in document.tables) == sorted(t.serial for t in open_ones)
    assert len(document.sections) == 3  # a notice a section, each numbered from page 1


def test_notices_without_open_tasks_go_back_to_the_list_with_a_reason(client, supervisor, departments, settings):
    client.force_login(supervisor)
    response = client.get(reverse("tracker:paper_notices"), {"lead_department": departments["c"].pk})
    assert response.status_code == 302 and response["Location"].startswith(reverse("tracker:task_list"))
    assert [str(m) for m in get_messages(response.wsgi_request)] == ["所选范围内没有在办的任务，无需生成督办通知单。"]


def test_notices_beyond_the_limit_are_refused(client, supervisor, make_task, departments, monkeypatch):
    monkeypatch.setattr(papers, "NOTICE_LIMIT", 1)
    for _ in range(2):
        make_task(lead_department=departments["a"])
    client.force_login(supervisor)
    response = client.get(reverse("tracker:paper_notices"), {"lead_department": departments["a"].pk})
    assert response.status_code == 302
    assert "超过一次 1 份的上限" in str(next(iter(get_messages(response.wsgi_request))))


def test_bulletin_is_for_supervisors_and_leaders(client, supervisor, leader, officer_a):
    today = timezone.localdate()
    start, end = bulletin.previous_month(today)
    for user in (supervisor, leader):
        client.force_login(user)
        response, document = download(client, reverse("tracker:paper_bulletin"))
        label = bulletin.period_label(start, end)
        assert disposition_name(response) == quote(f"督办通报_{label}.docx")
        assert document.paragraphs[0].text.replace("\n", "") == f"关于{label}讲话任务落实情况的通报"
    client.force_login(officer_a)
    assert client.get(reverse("tracker:paper_bulletin")).status_code == 403
    assert not permissions.can_issue_bulletin(officer_a)


@pytest.mark.parametrize("params,message", [
    ({"start": "2025-02-30", "end": "2025-03-01"}, "起始日期：日期格式应为 YYYY-MM-DD"),
    ({"start": "2025-03-02", "end": "2025-03-01"}, "起始日期不能晚于截止日期。"),
    ({"month": "2025年3月"}, "月份：月份格式应为 YYYY-MM"),
])
def test_bulletin_period_errors_are_explained(client, supervisor, params, message):
    client.force_login(supervisor)
    response = client.get(reverse("tracker:paper_bulletin"), params)
    assert response.status_code == 400
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert message in response.content.decode()


def test_bulletin_for_chosen_dates(client, supervisor):
    client.force_login(supervisor)
    yesterday = timezone.localdate() - timedelta(days=1)
    _, document = download(client, reverse("tracker:paper_bulletin"), start=str(yesterday), end=str(yesterday))
    assert document.paragraphs[0].text.replace("\n", "").startswith(f"关于{bulletin.period_label(yesterday, yesterday)}")


def test_admin_action_writes_the_ticked_tasks_notices_scoped(client, make_task, departments, officer_a):
    mine = make_task(title="本单位任务", lead_department=departments["a"])
    theirs = make_task(title="他单位任务", lead_department=departments["b"])
    client.force_login(officer_a)
    response = client.post(reverse("admin:tracker_task_changelist"), {
        "action": "notices_for_selection", "_selected_action": [mine.pk, theirs.pk]})
    assert response.status_code == 200 and response["Content-Type"] == output.DOCX_CONTENT_TYPE
    document = read(b"".join(response.streaming_content))
    assert [dict(rows(t))["督办编号"] for t in document.tables] == [mine.serial]


# The buttons ---------------------------------------------------------------------------

@pytest.mark.parametrize("persona,shown", [("supervisor", True), ("leader", True), ("officer_a", False)])
def test_dashboard_offers_the_bulletin_to_whoever_may_issue_it(client, request, persona, shown):
    user = request.getfixturevalue(persona)
    client.force_login(user)
    page = client.get(reverse("tracker:dashboard")).content.decode()
    assert ('id="bulletin-form"' in page) == shown == bool(permissions.can_issue_bulletin(user))
    if shown:
        start, _ = bulletin.previous_month(timezone.localdate())
        assert f'<option value="{start:%Y-%m}" selected>' in page


def test_task_page_links_its_notice(client, supervisor, make_task):
    task = make_task()
    client.force_login(supervisor)
    page = client.get(reverse("tracker:task_detail", args=[task.pk])).content.decode()
    assert reverse("tracker:paper_task_notice", args=[task.pk]) in page


def test_speech_pages_link_the_breakdown(client, supervisor, speech):
    client.force_login(supervisor)
    link = reverse("tracker:paper_speech_breakdown", args=[speech.pk])
    assert link in client.get(reverse("speeches:review", args=[speech.pk])).content.decode()
    assert link in client.get(reverse("speeches:upload_detail", args=[speech.upload_id])).content.decode()


def test_task_list_links_papers_with_its_filters(client, supervisor, departments):
    client.force_login(supervisor)
    page = client.get(reverse("tracker:task_list"), {"status": "pending"}).content.decode()
    assert reverse("tracker:paper_breakdown") + "?status=pending" in page
    assert reverse("tracker:paper_notices") not in page  # a department first
    page = client.get(reverse("tracker:task_list"), {"lead_department": departments["a"].pk}).content.decode()
    assert f'{reverse("tracker:paper_notices")}?lead_department={departments["a"].pk}' in page
