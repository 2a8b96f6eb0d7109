"""The 待办 page: each role's blocks, notices read and opened, the header's count, landing after login."""
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.conftest import make_user
from tracker import permissions, services
from tracker.models import Notice
from tracker.supervision import chasing, extensions, home, instructions

pytestmark = pytest.mark.django_db


def keys(page):
    return {block.key: block for block in page.blocks}


def serials(block):
    return {task.serial for task in block.tasks}


@pytest.fixture
def scene(make_task, departments, supervisor, officer_a, officer_b):
    today = timezone.localdate()
    soon, past = today + timedelta(days=20), today - timedelta(days=3)
    pending = make_task(title="待签收任务", lead_department=departments["a"], deadline=soon)
    returned = make_task(title="被退回任务", lead_department=departments["a"], deadline=soon)
    services.task_transition(task=returned, action="accept", by=officer_a)
    services.task_transition(task=returned, action="request_close", by=officer_a, reason="已完成")
    services.task_transition(task=returned, action="send_back", by=supervisor, reason="佐证不足")
    closing = make_task(title="申请办结任务", lead_department=departments["a"], deadline=soon)
    services.task_transition(task=closing, action="accept", by=officer_a)
    services.task_transition(task=closing, action="request_close", by=officer_a, reason="已完成")
    red = make_task(title="超期任务", lead_department=departments["a"], deadline=past)
    services.task_transition(task=red, action="accept", by=officer_a)
    chasing.chase_send(sent_by=supervisor, tasks=[red], message="请尽快办结")
    asked = make_task(title="申请延期任务", lead_department=departments["a"], deadline=soon)
    extensions.extension_request_create(task=asked, requested_by=officer_a, reason="需协调",
                                        new_deadline=soon + timedelta(days=10))
    decided = make_task(title="延期已答复任务", lead_department=departments["a"], deadline=soon)
    request = extensions.extension_request_create(task=decided, requested_by=officer_a, reason="等待拨款",
                                                  new_deadline=soon + timedelta(days=10))
    extensions.extension_decide(extension=request, decided_by=supervisor, approve=True)
    unassigned = make_task(title="待指派任务")
    theirs = make_task(title="财政局的任务", lead_department=departments["b"], deadline=past)
    return locals()


def test_officer_sees_what_to_sign_returned_chased_decided_and_notices(scene, officer_a):
    page = home.home_page(user=officer_a)
    blocks = keys(page)
    assert page.role == "officer"
    assert serials(blocks["accept"]) >= {scene["pending"].serial}
    assert scene["closing"].serial not in serials(blocks["accept"])
    assert serials(blocks["returned"]) == {scene["returned"].serial}
    assert "佐证不足" in blocks["returned"].tasks[0].home_note
    assert serials(blocks["chased"]) == {scene["red"].serial}
    assert "请尽快办结" in blocks["chased"].tasks[0].home_note
    assert serials(blocks["extensions"]) == {scene["decided"].serial}
    assert blocks["extensions"].tasks[0].home_note == "已同意"
    assert page.unread == Notice.objects.filter(recipient=officer_a).count() > 0
    everything = {s for block in page.blocks for s in serials(block)}
    assert scene["theirs"].serial not in everything


def test_returned_task_leaves_the_block_once_closing_is_asked_again(scene, officer_a):
    services.task_transition(task=scene["returned"], action="request_close", by=officer_a, reason="补充佐证")
    assert keys(home.home_page(user=officer_a))["returned"].count == 0


def test_officer_of_another_department_sees_none_of_it(scene, officer_b):
    page = home.home_page(user=officer_b)
    everything = {s for block in page.blocks for s in serials(block)}
    assert everything == {scene["theirs"].serial}  # only B's own task, to sign for
    assert page.unread == Notice.objects.filter(recipient=officer_b).count()
    assert all(notice.task.lead_department_id == scene["theirs"].lead_department_id for notice in page.notices)


def test_supervisor_sees_closings_extensions_unassigned_and_red(scene, supervisor):
    blocks = keys(home.home_page(user=supervisor))
    assert serials(blocks["closing"]) == {scene["closing"].serial}
    assert serials(blocks["extensions"]) == {scene["asked"].serial}
    assert blocks["extensions"].tasks[0].home_note.startswith("申请延至")
    assert serials(blocks["unassigned"]) == {scene["unassigned"].serial}
    assert serials(blocks["red"]) == {scene["red"].serial, scene["theirs"].serial}


def test_leader_sees_red_awaiting_instruction_and_the_month(scene, leader):
    page = home.home_page(user=leader)
    blocks = keys(page)
    assert serials(blocks["red"]) == {scene["red"].serial, scene["theirs"].serial}
    assert serials(blocks["instruct"]) == {scene["red"].serial, scene["theirs"].serial, scene["closing"].serial}
    instructions.instruction_add(task=scene["red"], author=leader, kind="instruction", content="限期办结")
    assert scene["red"].serial not in serials(keys(home.home_page(user=leader))["instruct"])
    summary = dict(page.summary)
    assert summary == {"本月新增": 8, "本月办结": 0, "当前红灯": 2}


@pytest.mark.parametrize("persona,key", [("supervisor", "closing"), ("supervisor", "extensions"),
                                         ("supervisor", "unassigned"), ("supervisor", "red"),
                                         ("leader", "red"), ("leader", "instruct")])
def test_each_card_of_the_supervisor_and_leader_links_to_its_whole_list(client, scene, request, persona, key):
    """查看全部 opens the task list filtered to exactly the card's tasks (its count, its tasks)."""
    user = request.getfixturevalue(persona)
    block = keys(home.home_page(user=user))[key]
    assert block.more_url
    client.force_login(user)
    response = client.get(block.more_url)
    assert response.status_code == 200
    listed = {task.serial for task in response.context["page"].object_list}
    assert listed == serials(block) and response.context["page"].paginator.count == block.count > 0


def test_the_filtered_list_names_its_filters_in_the_folded_bars_summary(client, scene, leader):
    """On a phone the bar folds: a list opened from a card still says what it holds."""
    client.force_login(leader)
    page = client.get(reverse("tracker:task_list") + "?todo=instruct").content.decode()
    assert '<span class="duban-filter-summary">待办事项：待批示</span>' in page
    assert "duban-filter-summary" not in client.get(reverse("tracker:task_list")).content.decode()


def test_the_todo_filter_follows_the_cards_as_they_change(client, scene, supervisor, leader, departments):
    client.force_login(leader)
    url = reverse("tracker:task_list") + "?todo=instruct"
    before = client.get(url).context["page"].paginator.count
    instructions.instruction_add(task=scene["red"], author=leader, kind="instruction", content="限期办结")
    assert client.get(url).context["page"].paginator.count == before - 1  # a 批示 is a change the cache sees
    services.task_reassign(task=scene["unassigned"], by=supervisor, lead_department=departments["a"], reason="指派")
    client.force_login(supervisor)
    assert client.get(reverse("tracker:task_list") + "?todo=unassigned").context["page"].paginator.count == 0


def test_an_officer_filtering_by_todo_sees_only_their_own_tasks(client, scene, officer_b):
    client.force_login(officer_b)
    for kind, _ in home.filters.TODO_CHOICES:
        response = client.get(reverse("tracker:task_list"), {"todo": kind})
        assert response.status_code == 200
        assert {t.serial for t in response.context["page"].object_list} <= {scene["theirs"].serial}


def test_blocks_list_at_most_the_limit_and_count_all(settings, make_task, departments, officer_a):
    settings.HOME_BLOCK_LIMIT = 3
    for n in range(5):
        make_task(title=f"任务{n}", lead_department=departments["a"])
    block = keys(home.home_page(user=officer_a))["accept"]
    assert (len(block.tasks), block.count) == (3, 5)


@pytest.mark.parametrize("persona", ["supervisor", "leader", "officer_a", "superuser"])
def test_home_page_renders_for_every_role(client, scene, request, persona):
    client.force_login(request.getfixturevalue(persona))
    response = client.get(reverse("tracker:home"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "待办" in page and 'id="duban-todo"' in page
    assert "<table" not in page.split('id="content-main"')[1]  # cards, no wide tables


def test_user_without_role_gets_an_explanation(client, db):
    client.force_login(make_user("nobody", None))
    assert "尚未分配角色" in client.get(reverse("tracker:home")).content.decode()


def test_mark_read_is_idempotent_and_only_for_ones_own(client, scene, officer_a, officer_b):
    notice = Notice.objects.filter(recipient=officer_a).first()
    client.force_login(officer_b)
    assert client.post(reverse("tracker:notice_read", args=[notice.pk])).status_code == 404
    notice.refresh_from_db()
    assert notice.read_at is None
    client.force_login(officer_a)
    assert client.post(reverse("tracker:notice_read", args=[notice.pk])).status_code == 302
    notice.refresh_from_db()
    first = notice.read_at
    assert first is not None
    assert client.post(reverse("tracker:notice_read", args=[notice.pk])).status_code == 302
    notice.refresh_from_db()
    assert notice.read_at == first
    assert client.get(reverse("tracker:notice_read", args=[notice.pk])).status_code == 405


def test_opening_a_notice_marks_it_read_and_goes_to_the_task(client, scene, officer_a):
    notice = Notice.objects.filter(recipient=officer_a, read_at__isnull=True).first()
    client.force_login(officer_a)
    response = client.get(reverse("tracker:notice_open", args=[notice.pk]))
    assert response["Location"] == reverse("tracker:task_detail", args=[notice.task_id])
    notice.refresh_from_db()
    assert notice.read_at is not None


def test_header_count_costs_at_most_two_queries(scene, officer_a, supervisor, leader, django_assert_max_num_queries):
    for user in (officer_a, supervisor, leader):
        permissions.role_names(user)  # the request's user has its roles read already
        with django_assert_max_num_queries(2):
            count = home.todo_count(user=user)
        assert count > 0


def test_header_count_shows_on_admin_and_product_pages(client, scene, officer_a):
    client.force_login(officer_a)
    expected = home.todo_count(user=officer_a)
    for url in (reverse("admin:index"), reverse("tracker:task_list")):
        page = client.get(url).content.decode()
        assert f'<span class="duban-todo-count">{expected}</span>' in page, url


def test_site_root_and_login_land_on_the_home_page(client, officer_a):
    assert client.get("/")["Location"] == reverse("tracker:home")
    response = client.post(reverse("admin:login"), {"username": "officer_a", "password": "Test#pass-2024"})
    assert response.status_code == 302 and response["Location"] == reverse("tracker:home")
    assert client.get(reverse("admin:index")).status_code == 200  # the admin index still works


def test_login_keeps_where_the_visitor_was_going(client, officer_a):
    target = reverse("tracker:task_list")
    response = client.post(f"{reverse('admin:login')}?next={target}",
                           {"username": "officer_a", "password": "Test#pass-2024", "next": target})
    assert response["Location"] == target
