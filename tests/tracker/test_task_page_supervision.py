"""The task page with supervision: signal badge, deadlines and extension requests, one
timeline (progress and transitions with their files shown once), the forms each role may
use; the task list's signal badges and sorting; one badge drawing everywhere."""
import re
from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.conftest import make_user
from tracker import lights, services
from tracker.admin import TaskAdmin
from tracker.supervision import chasing, extensions, instructions
from tracker.templatetags.badges import signal_badge

pytestmark = pytest.mark.django_db


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def officer_c(departments):
    return make_user("officer_c", "部门填报员", departments["c"])


@pytest.fixture
def task(make_task, departments, today):
    return make_task(title="完成校舍安全隐患排查", lead_department=departments["a"],
                     co_departments=[departments["c"]], deadline=today + timedelta(days=5))


def page_of(client, user, task):
    client.force_login(user)
    response = client.get(reverse("tracker:task_detail", args=[task.pk]))
    assert response.status_code == 200
    return response.content.decode()


def section(page, element_id):
    """Return the HTML of the element with ``element_id`` up to the next card."""
    start = page.index(f'id="{element_id}"')
    end = page.find('class="duban-card', start + 1)
    return page[start:end if end != -1 else None]


def test_the_page_tells_the_whole_story_once(client, task, officer_a, leader, supervisor, today, media_root,
                                              django_capture_on_commit_callbacks):
    first_deadline = task.deadline
    services.task_transition(task=task, action="accept", by=officer_a)
    services.progress_report(task=task, reported_by=officer_a, date=today, content="已排查一百二十所学校。", percent=40,
                             files=[SimpleUploadedFile("排查台账.txt", "学校名单".encode())])
    services.progress_report(task=task, reported_by=officer_a, date=today, content="已整改九处。", percent=60)
    instructions.instruction_add(task=task, author=leader, kind="instruction", content="务必在汛期前完成。")
    with django_capture_on_commit_callbacks(execute=True):
        chasing.chase_send(sent_by=supervisor, tasks=[task], message="请本周内报送整改清单。")
    request = extensions.extension_request_create(task=task, requested_by=officer_a, reason="需等待检测报告。",
                                                  new_deadline=first_deadline + timedelta(days=14))
    extensions.extension_decide(extension=request, decided_by=supervisor, approve=True, comment="同意。")

    page = page_of(client, supervisor, task)
    heading = page[page.index("<h1>"):page.index("</h1>")]
    assert lights.badge_html(lights.GREEN) in heading  # 19 days left after the extension
    deadline = section(page, "deadline")
    assert f"原定时限 {first_deadline:%Y-%m-%d}" in deadline and "时限调整记录" in deadline
    assert "需等待检测报告。" in deadline and "已同意" in deadline

    timeline = section(page, "timeline")
    story = ["签收", "已排查一百二十所学校。", "务必在汛期前完成。", "请本周内报送整改清单。", "需等待检测报告。", "延期审批"]
    positions = [timeline.index(text) for text in story]
    assert positions == sorted(positions), "the timeline runs in time order"
    # Progress and transitions are told once on the page: in the timeline, not in lists of their own
    # (the newest progress also stands in the task's fields as 最新进展).
    assert page.count("已排查一百二十所学校。") == 1 and page.count("已整改九处。") == 2
    assert page.count('id="transitions"') == 0
    # Their files are reachable from the timeline entry.
    attachment = task.attachments.get()
    assert reverse("tracker:attachment_download", args=[attachment.pk]) in timeline
    assert client.get(reverse("tracker:attachment_download", args=[attachment.pk])).status_code == 200


def test_the_task_page_costs_the_same_queries_however_long_its_story(client, task, officer_a, leader, supervisor,
                                                                    today, media_root):
    def count():
        client.force_login(supervisor)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("tracker:task_detail", args=[task.pk])).status_code == 200
        return len(queries)

    def add(day):
        services.progress_report(task=task, reported_by=officer_a, date=today - timedelta(days=day),
                                 content=f"第{day}次", percent=day * 10,
                                 files=[SimpleUploadedFile(f"{day}.txt", b"ok")])
        instructions.instruction_add(task=task, author=leader, kind="instruction", content=f"批示{day}")
        chasing.chase_send(sent_by=supervisor, tasks=[task], message=f"催办{day}")

    services.task_transition(task=task, action="accept", by=officer_a)
    add(1)
    before = count()
    for day in range(2, 7):
        add(day)
    assert count() == before


FORMS = {
    "chase": 'action="{}"'.format("/tasks/{pk}/chase/"),
    "instruction": 'value="instruction"',
    "comment": 'value="comment"',
    "extension": 'action="{}"'.format("/tasks/{pk}/extension/"),
}
# persona → the forms of the panel they are offered (before the deadline, no pending request)
OFFERED = [
    ("supervisor", {"chase", "instruction", "comment"}),
    ("leader", {"instruction", "comment"}),
    ("officer_a", {"comment", "extension"}),   # lead department
    ("officer_c", {"comment"}),                # co-department: no extension request
]


@pytest.mark.parametrize("persona,offered", OFFERED, ids=[row[0] for row in OFFERED])
def test_each_role_is_offered_its_own_forms(request, client, task, persona, offered):
    page = page_of(client, request.getfixturevalue(persona), task)
    shown = {name for name, marker in FORMS.items() if marker.format(pk=task.pk) in page}
    assert shown == offered


def test_no_extension_form_after_the_deadline(client, make_task, departments, officer_a, today):
    late = make_task(lead_department=departments["a"], deadline=today - timedelta(days=1))
    page = page_of(client, officer_a, late)
    assert f"/tasks/{late.pk}/extension/" not in page
    assert "完成时限已过，不能再申请延期" in page


def test_only_supervisors_get_the_decision_form(client, task, officer_a, supervisor, leader, today):
    extensions.extension_request_create(task=task, requested_by=officer_a, reason="需协调。",
                                        new_deadline=task.deadline + timedelta(days=7))
    assert "审批延期申请" in page_of(client, supervisor, task)
    assert "审批延期申请" not in page_of(client, leader, task)
    officer_page = page_of(client, officer_a, task)
    assert "审批延期申请" not in officer_page and "已有一份延期申请等待督查室审批" in officer_page


@pytest.mark.parametrize("url_name,data,anchor", [
    ("tracker:task_chase", {"message": "请抓紧。"}, "timeline"),
    ("tracker:instruction_add", {"kind": "instruction", "content": "按期完成。"}, "timeline"),
])
def test_actions_return_to_the_task_page(client, task, supervisor, url_name, data, anchor):
    client.force_login(supervisor)
    response = client.post(reverse(url_name, args=[task.pk]), data)
    assert response.status_code == 302
    assert response["Location"] == reverse("tracker:task_detail", args=[task.pk]) + f"#{anchor}"


def test_extension_request_returns_to_the_deadline_part(client, task, officer_a):
    client.force_login(officer_a)
    response = client.post(reverse("tracker:extension_request", args=[task.pk]),
                           {"new_deadline": (task.deadline + timedelta(days=3)).isoformat(), "reason": "需协调。"})
    assert response["Location"] == reverse("tracker:task_detail", args=[task.pk]) + "#deadline"


def test_the_admin_change_page_links_to_the_task_page(client, task, supervisor):
    client.force_login(supervisor)
    page = client.get(reverse("admin:tracker_task_change", args=[task.pk])).content.decode()
    assert f'href="{reverse("tracker:task_detail", args=[task.pk])}"' in page
    assert task.get_absolute_url() == reverse("tracker:task_detail", args=[task.pk])


def test_task_list_shows_badges_and_sorts_by_signal_from_its_header(client, make_task, departments, supervisor,
                                                                    today):
    make_task(title="绿灯任务", lead_department=departments["a"], deadline=today + timedelta(days=40))
    make_task(title="红灯任务", lead_department=departments["a"], deadline=today - timedelta(days=2))
    make_task(title="黄灯任务", lead_department=departments["b"], deadline=today + timedelta(days=1))
    client.force_login(supervisor)
    url = reverse("tracker:task_list")
    page = client.get(url).content.decode()
    for signal in (lights.RED, lights.YELLOW, lights.GREEN):
        assert lights.badge_html(signal) in page
    assert 'href="?ordering=signal"' in page
    ordered = client.get(url, {"ordering": "signal"}).content.decode()
    assert ordered.index("红灯任务") < ordered.index("黄灯任务") < ordered.index("绿灯任务")
    assert 'href="?ordering=-signal">红黄绿灯▲' in ordered  # a second click reverses
    reversed_ = client.get(url, {"ordering": "-signal"}).content.decode()
    assert reversed_.index("绿灯任务") < reversed_.index("黄灯任务") < reversed_.index("红灯任务")
    only_red = client.get(url, {"signal": "red", "ordering": "deadline"}).content.decode()
    assert "红灯任务" in only_red and "绿灯任务" not in only_red
    assert re.search(r'href="\?signal=red&amp;ordering=-deadline"', only_red)  # the filter stays when sorting


def test_one_badge_drawing_for_tag_admin_and_lists(make_task, departments, today):
    task = make_task(lead_department=departments["a"], deadline=today - timedelta(days=1))
    expected = '<span class="badge badge-red">红灯</span>'
    assert lights.badge_html(lights.RED) == expected
    assert signal_badge(task) == signal_badge("red") == expected
    assert TaskAdmin.signal_badge(None, task) == expected
    assert lights.badge_html("nonsense") == ""


def test_an_admin_edit_gives_a_task_without_deadline_its_first_one(make_task, departments, supervisor):
    task = make_task(lead_department=departments["a"])
    task.deadline = date(2030, 1, 31)
    services.task_update(task=task, expected_version=task.version, changed_by=supervisor)
    task.deadline = date(2030, 3, 31)
    services.task_update(task=task, expected_version=task.version, changed_by=supervisor)
    task.refresh_from_db()
    assert task.original_deadline == date(2030, 1, 31) and task.deadline == date(2030, 3, 31)


@pytest.mark.parametrize("persona,expected", [
    ("supervisor", {"chase_tasks", "suspend_selected", "assign_selected", "set_report_rule_selected", "export_ledger",
                    "notices_for_selection"}),
    ("leader", {"export_ledger", "notices_for_selection"}),
    ("officer_a", {"export_ledger", "notices_for_selection"}),
])
def test_admin_actions_per_role(request, client, task, persona, expected):
    client.force_login(request.getfixturevalue(persona))
    response = client.get(reverse("admin:tracker_task_changelist"))
    form = response.context.get("action_form")
    actions = {value for value, _ in form.fields["action"].choices if value} if form else set()
    assert actions - {"delete_selected"} == expected
