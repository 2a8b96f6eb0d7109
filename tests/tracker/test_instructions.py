"""批示 and comments: leaders and supervisors instruct; whoever sees the task comments; all in one timeline."""
from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from tracker import services, timeline
from tracker.models import Instruction, TaskTransition
from tracker.supervision import chasing, extensions, instructions

pytestmark = pytest.mark.django_db
INSTRUCTION, COMMENT = Instruction.Kind.INSTRUCTION, Instruction.Kind.COMMENT


@pytest.fixture
def task(make_task, departments):
    return make_task(lead_department=departments["a"], deadline=timezone.localdate() + timedelta(days=10))


# persona, kind, allowed
MATRIX = [
    ("supervisor", INSTRUCTION, True), ("leader", INSTRUCTION, True), ("officer_a", INSTRUCTION, False),
    ("supervisor", COMMENT, True), ("leader", COMMENT, True), ("officer_a", COMMENT, True),
    ("officer_b", COMMENT, False), ("officer_b", INSTRUCTION, False),
]


@pytest.mark.parametrize("persona,kind,allowed", MATRIX)
def test_permission_matrix(request, task, persona, kind, allowed):
    author = request.getfixturevalue(persona)
    if allowed:
        item = instructions.instruction_add(task=task, author=author, kind=kind, content="抓紧落实。")
        assert item.kind == kind and item.author == author
    else:
        with pytest.raises(PermissionDenied):
            instructions.instruction_add(task=task, author=author, kind=kind, content="抓紧落实。")
        assert not Instruction.objects.exists()


def test_empty_content_is_refused(task, leader):
    with pytest.raises(ValidationError, match="请填写"):
        instructions.instruction_add(task=task, author=leader, kind=INSTRUCTION, content=" ")


def test_officer_posting_an_instruction_through_the_page_is_forbidden(client, task, officer_a):
    client.force_login(officer_a)
    response = client.post(reverse("tracker:instruction_add", args=[task.pk]),
                           {"kind": "instruction", "content": "冒充批示"})
    assert response.status_code == 403
    assert not Instruction.objects.exists()


def test_leader_instructs_through_the_page_and_sees_it(client, task, leader):
    client.force_login(leader)
    response = client.post(reverse("tracker:instruction_add", args=[task.pk]),
                           {"kind": "instruction", "content": "请务必按期完成。"}, follow=True)
    page = response.content.decode()
    assert "领导批示已发布。" in page and "请务必按期完成。" in page
    assert Instruction.objects.get().kind == INSTRUCTION


def test_officer_form_offers_only_comments(client, task, officer_a):
    client.force_login(officer_a)
    page = client.get(reverse("tracker:task_detail", args=[task.pk])).content.decode()
    assert 'value="comment"' in page and 'value="instruction"' not in page
    assert "申请延期" in page and "催办" not in page.split('id="supervision"')[1].split("办理过程")[0]


def test_timeline_merges_everything_in_time_order(task, supervisor, leader, officer_a,
                                                  django_capture_on_commit_callbacks):
    services.progress_report(task=task, reported_by=officer_a, date=timezone.localdate(), content="已启动。",
                             percent=10)
    instructions.instruction_add(task=task, author=leader, kind=INSTRUCTION, content="加快进度。")
    chasing.chase_send(sent_by=supervisor, tasks=[task], message="请报送。")
    ext = extensions.extension_request_create(task=task, requested_by=officer_a,
                                              new_deadline=task.deadline + timedelta(days=10), reason="需协调。")
    extensions.extension_decide(extension=ext, decided_by=supervisor, approve=True)
    TaskTransition.objects.create(task=task, action="accept", from_status="pending", to_status="in_progress",
                                  by=officer_a)
    instructions.instruction_add(task=task, author=officer_a, kind=COMMENT, content="收到。")
    entries = timeline.task_timeline(task=task)
    kinds = [entry.kind for entry in entries]
    assert kinds == ["progress", "instruction", "chase", "extension", "decision", "transition", "comment"]
    assert [entry.at for entry in entries] == sorted(entry.at for entry in entries)
    assert entries[3].detail.endswith(f"{task.deadline + timedelta(days=10):%Y-%m-%d}")


def test_timeline_costs_a_fixed_number_of_queries(task, supervisor, officer_a, leader,
                                                 django_assert_max_num_queries):
    for i in range(5):
        instructions.instruction_add(task=task, author=leader, kind=INSTRUCTION, content=f"批示{i}")
        services.progress_report(task=task, reported_by=officer_a, date=date(2024, 9, i + 1), content="x",
                                 percent=i * 10)
        chasing.chase_send(sent_by=supervisor, tasks=[task], message=f"催{i}")
    # One query per kind of record, one for chase recipients, one per kind of file owner.
    with django_assert_max_num_queries(8):
        assert len(timeline.task_timeline(task=task)) == 15
