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
]


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
    refusal = workflow.check(action, actor=actor, task=task, reason="理由")
    if status in sources:
        assert refusal is None
    else:
        assert refusal.kind == "status"
        assert workflow.STATUS_LABELS[status] in refusal.message


@pytest.mark.parametrize("action,actor,sources,target,reason_required", TABLE)
@pytest.mark.parametrize("other", [SUP, LEAD, CO, NOBODY])
def test_only_the_allowed_role_may_act(action, actor, sources, target, reason_required, other):
    task = TaskFacts(status=sorted(sources)[0], lead_department_id=1)
    refusal = workflow.check(action, actor=other, task=task, reason="理由")
    if other == actor:
        assert refusal is None
    else:
        assert refusal.kind == "role"
        assert refusal.message.startswith("只有")


@pytest.mark.parametrize("action,actor,sources,target,reason_required", TABLE)
@pytest.mark.parametrize("reason", ["", "   "])
def test_a_missing_reason_is_refused_where_required(action, actor, sources, target, reason_required, reason):
    task = TaskFacts(status=sorted(sources)[0], lead_department_id=1)
    refusal = workflow.check(action, actor=actor, task=task, reason=reason)
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
    (LEAD, "pending", ["accept"]),
    (LEAD, "in_progress", ["request_close"]),
    (LEAD, "closing", []),
    (CO, "pending", []),
    (SUP, "pending", ["suspend"]),
    (SUP, "closing", ["close", "send_back", "suspend"]),
    (SUP, "closed", []),
    (SUP, "suspended", []),
    (NOBODY, "closing", []),
])
def test_available_actions(actor, status, expected):
    task = TaskFacts(status=status, lead_department_id=1)
    assert [t.action for t in workflow.available(actor=actor, task=task)] == expected
