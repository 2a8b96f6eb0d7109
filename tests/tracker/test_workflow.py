"""The closed loop as a table: every action allowed and refused, from plain data."""
import pytest

from tracker import workflow
from tracker.workflow import Actor, TaskFacts

SUP = Actor(is_supervisor=True)
LEAD = Actor(is_officer=True, department_id=1)
CO = Actor(is_officer=True, department_id=2)
NOBODY = Actor()
ALL_STATUSES = list(workflow.STATUS_LABELS)

# action, allowed actor, from statuses, to status, reason required
TABLE = [
    ("accept", LEAD, {"pending"}, "in_progress", False),
    ("request_close", LEAD, {"in_progress"}, "closing", True),
    ("close", SUP, {"closing"}, "closed", False),
    ("send_back", SUP, {"closing"}, "in_progress", True),
    ("suspend", SUP, {"pending", "in_progress", "closing"}, "suspended", True),
    ("decline", LEAD, {"pending"}, "pending", True),
    ("reassign", SUP, {"pending", "in_progress"}, "pending", True),
]
# The new lead department a step that names one (转办) is given in these table tests.
NEW_LEAD = 3


def test_status_values_match_the_model():
    from tracker.models import Task

    assert workflow.STATUS_LABELS == dict(Task.Status.choices)


def test_the_table_is_the_one_in_code():
    assert [(t.action, t.sources, t.target, t.reason_required) for t in workflow.TRANSITIONS] == [
        (action, frozenset(sources), target, reason) for action, _, sources, target, reason in TABLE
    ]


@pytest.mark.parametrize("action,actor,sources,target,reason_required", TABLE)
@pytest.mark.parametrize("status", ALL_STATUSES)
def test_each_action_from_each_status(action, actor, sources, target, reason_required, status):
    task = TaskFacts(status=status, lead_department_id=1)
    refusal = workflow.check(action, actor=actor, task=task, reason="理由", department_id=NEW_LEAD)
    if status in sources:
        assert refusal is None
    else:
        assert refusal.kind == "status"
        assert workflow.STATUS_LABELS[status] in refusal.message


@pytest.mark.parametrize("action,actor,sources,target,reason_required", TABLE)
@pytest.mark.parametrize("other", [SUP, LEAD, CO, NOBODY])
def test_only_the_allowed_role_may_act(action, actor, sources, target, reason_required, other):
    task = TaskFacts(status=sorted(sources)[0], lead_department_id=1)
    refusal = workflow.check(action, actor=other, task=task, reason="理由", department_id=NEW_LEAD)
    if other == actor:
        assert refusal is None
    else:
        assert refusal.kind == "role"
        assert refusal.message.startswith("只有")


@pytest.mark.parametrize("action,actor,sources,target,reason_required", TABLE)
@pytest.mark.parametrize("reason", ["", "   "])
def test_a_missing_reason_is_refused_where_required(action, actor, sources, target, reason_required, reason):
    task = TaskFacts(status=sorted(sources)[0], lead_department_id=1)
    refusal = workflow.check(action, actor=actor, task=task, reason=reason, department_id=NEW_LEAD)
    if reason_required:
        assert refusal.kind == "reason"
        assert refusal.message.startswith("请填写")
    else:
        assert refusal is None


def test_an_officer_of_a_task_without_lead_department_cannot_accept_it():
    assert workflow.check("accept", actor=Actor(is_officer=True, department_id=None),
                          task=TaskFacts(status="pending", lead_department_id=None)).kind == "role"


def test_unknown_action_is_refused():
    assert workflow.check("reopen", actor=SUP, task=TaskFacts(status="closed")).kind == "unknown"


@pytest.mark.parametrize("actor,status,expected", [
    (LEAD, "pending", ["accept", "decline"]),
    (LEAD, "in_progress", ["request_close"]),
    (LEAD, "closing", []),
    (CO, "pending", []),
    (SUP, "pending", ["suspend", "reassign"]),
    (SUP, "in_progress", ["suspend", "reassign"]),
    (SUP, "closing", ["close", "send_back", "suspend"]),
    (SUP, "closed", []),
    (SUP, "suspended", []),
    (NOBODY, "closing", []),
])
def test_available_actions(actor, status, expected):
    task = TaskFacts(status=status, lead_department_id=1)
    assert [t.action for t in workflow.available(actor=actor, task=task)] == expected


@pytest.mark.parametrize("department_id,lead,message", [
    (None, 1, "请选择转办的牵头单位。"),
    (1, 1, "所选单位就是当前的牵头单位，请选择另一个单位转办。"),
])
def test_reassign_needs_another_department(department_id, lead, message):
    refusal = workflow.check("reassign", actor=SUP, task=TaskFacts(status="pending", lead_department_id=lead),
                             reason="职责在财政局", department_id=department_id)
    assert (refusal.kind, refusal.message) == ("department", message)


def test_a_declined_task_without_lead_may_be_reassigned():
    assert workflow.check("reassign", actor=SUP, task=TaskFacts(status="pending", lead_department_id=None),
                          reason="职责在财政局", department_id=2) is None


def test_nobody_may_decline_a_task_without_lead_or_after_signing():
    assert workflow.check("decline", actor=LEAD, task=TaskFacts(status="pending"), reason="不归我们").kind == "role"
    refusal = workflow.check("decline", actor=LEAD, task=TaskFacts(status="in_progress", lead_department_id=1),
                             reason="不归我们")
    assert refusal.kind == "status"


def test_a_closed_task_cannot_be_reassigned():
    refusal = workflow.check("reassign", actor=SUP, task=TaskFacts(status="closed", lead_department_id=1),
                             reason="改由财政局", department_id=2)
    assert refusal.kind == "status" and "已办结" in refusal.message
