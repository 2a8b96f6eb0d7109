"""The closed loop (状态流转) as one table, and pure helpers that read it.

No Django here: an action is allowed or refused from plain facts about the actor
and the task, so the rules are tested with plain data and every caller (the task
page, the admin's bulk actions, the services) reads the same table.
"""
from dataclasses import dataclass

from tracker import rollup
from tracker.choices import CLOSED, CLOSING, IN_PROGRESS, PENDING, STATUS_LABELS, SUSPENDED

# Who performs an action (the predicates in PERFORMER_CHECKS decide). Not the role
# groups of tracker.roles: "the lead department's officer" depends on the task.
BY_SUPERVISOR = "supervisor"
BY_LEAD_OFFICER = "lead_officer"
PERFORMER_LABELS = {BY_SUPERVISOR: "督查员", BY_LEAD_OFFICER: "牵头单位的填报员"}


@dataclass(frozen=True, slots=True)
class Actor:
    """What the workflow needs to know about the person acting."""

    is_supervisor: bool = False
    is_officer: bool = False
    department_id: int | None = None


@dataclass(frozen=True, slots=True)
class TaskFacts:
    """What the workflow needs to know about the task."""

    status: str
    lead_department_id: int | None = None
    # Sub-tasks (分解下达) not yet closed or suspended: the whole closes after its parts.
    open_children: int = 0


@dataclass(frozen=True, slots=True)
class Transition:
    action: str
    label: str
    sources: frozenset
    target: str
    performer: str
    reason_required: bool = False
    reason_label: str = "说明"
    allows_files: bool = False
    button_class: str = ""
    # The step names a new lead department (转办): it has a form of its own and its own service.
    needs_department: bool = False
    # The step changes the lead department as well as the status (退回 clears it): the
    # services carry that out and record both departments on the TaskTransition.
    changes_lead: bool = False


TRANSITIONS = (
    Transition("accept", "签收", frozenset({PENDING}), IN_PROGRESS, BY_LEAD_OFFICER,
               reason_label="签收说明（可选）"),
    Transition("request_close", "申请办结", frozenset({IN_PROGRESS}), CLOSING, BY_LEAD_OFFICER,
               reason_required=True, reason_label="办结报告", allows_files=True),
    Transition("close", "销号", frozenset({CLOSING}), CLOSED, BY_SUPERVISOR,
               reason_label="销号意见（可选）"),
    Transition("send_back", "退回", frozenset({CLOSING}), IN_PROGRESS, BY_SUPERVISOR,
               reason_required=True, reason_label="退回理由", button_class="danger"),
    Transition("suspend", "中止", frozenset({PENDING, IN_PROGRESS, CLOSING}), SUSPENDED, BY_SUPERVISOR,
               reason_required=True, reason_label="中止理由", button_class="danger"),
    # Before signing for it, the lead department may say the task is not theirs: it goes back
    # to the supervisors without a lead (待指派), still 待签收 for whoever gets it next.
    Transition("decline", "退回（不属于本单位）", frozenset({PENDING}), PENDING, BY_LEAD_OFFICER,
               reason_required=True, reason_label="退回理由（为何不属于本单位）", button_class="danger",
               changes_lead=True),
    # The supervisor gives an open, not yet reported task to another lead department, which signs for it anew.
    Transition("reassign", "转办", frozenset({PENDING, IN_PROGRESS}), PENDING, BY_SUPERVISOR,
               reason_required=True, reason_label="转办理由", needs_department=True, changes_lead=True),
)
BY_ACTION = {t.action: t for t in TRANSITIONS}
# The statuses from which a task moves toward 办结 (where open sub-tasks hold it back).
CLOSE_SOURCES = frozenset().union(*(t.sources for t in TRANSITIONS if t.target in (CLOSING, CLOSED)))
# A task may be broken into sub-tasks while its unit is working on it.
BREAKDOWN_STATUSES = frozenset({PENDING, IN_PROGRESS})


def _is_supervisor(actor, task):
    return actor.is_supervisor


def _is_lead_officer(actor, task):
    """The officer of the task's own lead unit. A sub-task is its lead unit's part: the parent
    unit's officer sees it and broke it down, but its 签收 and 申请办结 are the unit's own."""
    return actor.is_officer and actor.department_id is not None and actor.department_id == task.lead_department_id


PERFORMER_CHECKS = {BY_SUPERVISOR: _is_supervisor, BY_LEAD_OFFICER: _is_lead_officer}


@dataclass(frozen=True, slots=True)
class Refusal:
    """Why an action is refused: ``kind`` is role, status, reason or unknown."""

    kind: str
    message: str


def get(action):
    """Return the transition named ``action``, or None."""
    return BY_ACTION.get(action)


def role_allows(transition, actor, task):
    return PERFORMER_CHECKS[transition.performer](actor, task)


def check(action, *, actor, task, reason="", department_id=None):
    """Return a Refusal saying why ``actor`` may not do ``action`` to ``task`` now, or None.

    ``department_id`` is the new lead department of a step that names one (转办).
    """
    transition = get(action)
    if transition is None:
        return Refusal("unknown", "未知的操作，请从任务页面上的按钮发起。")
    if not role_allows(transition, actor, task):
        return Refusal("role", f"只有{PERFORMER_LABELS[transition.performer]}可以执行“{transition.label}”。")
    if task.status not in transition.sources:
        allowed = "、".join(f"“{STATUS_LABELS[s]}”" for s in sorted(transition.sources, key=list(STATUS_LABELS).index))
        return Refusal(
            "status",
            f"任务当前状态为“{STATUS_LABELS.get(task.status, task.status)}”，不能“{transition.label}”"
            f"（仅{allowed}状态可以）。页面可能已过时，请刷新后再试。",
        )
    if transition.target in (CLOSING, CLOSED) and task.open_children:
        return Refusal("children", rollup.close_refusal(task.open_children))
    if transition.reason_required and not (reason or "").strip():
        return Refusal("reason", f"请填写{transition.reason_label}。")
    if transition.needs_department:
        if department_id is None:
            return Refusal("department", f"请选择{transition.label}的牵头单位。")
        if department_id == task.lead_department_id:
            return Refusal("department", f"所选单位就是当前的牵头单位，请选择另一个单位{transition.label}。")
    return None


def available(*, actor, task):
    """Return the transitions ``actor`` may start on ``task`` now (reason not yet given)."""
    return [
        t for t in TRANSITIONS
        if task.status in t.sources and role_allows(t, actor, task)
        and not (t.target in (CLOSING, CLOSED) and task.open_children)
    ]
