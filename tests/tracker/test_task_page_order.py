"""The task page in the order its users work: 签收, then 填报进展, then 申请办结; no 申请延期
while 申请办结 is pending; 批示 preselected for those who give it; the supervisor's
销号/退回/中止 as one decision block whose forms each post to their own step."""
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tracker import selectors, services

pytestmark = pytest.mark.django_db


@pytest.fixture
def task(make_task, departments):
    return make_task(title="完成校舍安全隐患排查", lead_department=departments["a"],
                     deadline=timezone.localdate() + timedelta(days=5))


def page_of(client, user, task):
    client.force_login(user)
    response = client.get(reverse("tracker:task_detail", args=[task.pk]))
    assert response.status_code == 200
    return response.content.decode()


def positions(page, *markers):
    found = [page.find(marker) for marker in markers]
    assert -1 not in found, dict(zip(markers, found))
    return found


def test_accept_comes_before_progress(client, task, officer_a):
    page = page_of(client, officer_a, task)
    accept, progress = positions(page, 'value="签收"', 'id="progress-form"')
    assert accept < progress


def test_progress_comes_before_applying_to_close(client, task, officer_a):
    services.task_transition(task=task, action="accept", by=officer_a)
    page = page_of(client, officer_a, task)
    progress, close = positions(page, 'id="progress-form"', 'value="申请办结"')
    assert progress < close


def test_no_extension_offer_while_closing(client, task, officer_a):
    services.task_transition(task=task, action="accept", by=officer_a)
    assert selectors.task_page(user=officer_a, pk=task.pk).extension_offer == "form"
    services.task_transition(task=task, action="request_close", by=officer_a, reason="已完成。")
    assert selectors.task_page(user=officer_a, pk=task.pk).extension_offer == ""
    page = page_of(client, officer_a, task)
    assert f"/tasks/{task.pk}/extension/" not in page and "申请延期" not in page


@pytest.mark.parametrize("persona,kind", [("leader", "instruction"), ("supervisor", "instruction"),
                                          ("officer_a", "comment")])
def test_the_instruction_kind_defaults_to_what_the_user_gives(request, client, task, persona, kind):
    user = request.getfixturevalue(persona)
    assert selectors.task_page(user=user, pk=task.pk).default_instruction_kind == kind
    page = page_of(client, user, task)
    if persona != "officer_a":
        assert f'<option value="{kind}" selected>' in page
        assert '<option value="comment" selected>' not in page


def test_the_supervisor_decides_in_one_block(client, task, officer_a, supervisor):
    services.task_transition(task=task, action="accept", by=officer_a)
    services.task_transition(task=task, action="request_close", by=officer_a, reason="已完成。")
    page = page_of(client, supervisor, task)
    decision, progress = positions(page, 'id="task-decision"', 'id="progress-form"')
    assert decision < progress, "the decision a 申请办结 waits for comes first"
    start = page.index('id="task-decision"')
    block = page[start:page.find('class="duban-card', start + 1)]
    for action, label in [("close", "销号"), ("send_back", "退回"), ("suspend", "中止")]:
        assert f'action="{reverse("tracker:task_transition", args=[task.pk, action])}"' in block
        assert f'value="{label}"' in block
        assert f'name="{action}-reason"' in block
