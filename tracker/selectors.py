"""Every read a user makes of tasks: querysets scoped to what the user may see, and the task page."""
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from tracker import lights, permissions, roles, rollup, timeline, tree
from tracker.filters import TaskFilter
from tracker.models import (
    SUPERVISION_TEXT_MAX,
    Attachment,
    Chase,
    Department,
    ExtensionRequest,
    Instruction,
    ProgressUpdate,
    Task,
    TaskTransition,
    User,
)


def task_list(*, user: User, queryset: QuerySet | None = None) -> QuerySet:
    """Return the tasks ``user`` may see, with what a list needs joined up front."""
    qs = Task.objects.all() if queryset is None else queryset
    if not permissions.sees_everything(user):
        # The visibility Q joins nothing, so no task comes back twice.
        qs = qs.filter(permissions.task_visibility_q(user))
    return qs.select_related("lead_department", "speech")


def task_get(*, user: User, pk: int) -> Task:
    """Return task ``pk`` if ``user`` may see it, else raise Task.DoesNotExist."""
    return task_list(user=user).get(pk=pk)


def task_list_filtered(*, user: User, params: Mapping) -> tuple[TaskFilter, QuerySet]:
    """Return (filterset, tasks): the visible tasks with their signal, filtered by ``params``."""
    tasks = lights.annotate_signal(task_list(user=user))
    filterset = TaskFilter(params, queryset=tasks, user=user)
    return filterset, filterset.qs


def task_detail_get(*, user: User, pk: int) -> Task:
    """Return task ``pk`` with its signal and everything its page shows, or raise Task.DoesNotExist."""
    attachments = Attachment.objects.select_related("uploaded_by")
    return (
        lights.annotate_signal(task_list(user=user))
        .select_related("created_by", "source_item", "parent")
        .prefetch_related(
            "co_departments",
            Prefetch("children", queryset=lights.annotate_signal(Task.objects.select_related("lead_department"))
                     .order_by("serial")),
            Prefetch("progress_updates",
                     queryset=ProgressUpdate.objects.select_related("reported_by")
                     .prefetch_related(Prefetch("attachments", queryset=attachments))),
            Prefetch("transitions",
                     queryset=TaskTransition.objects.select_related("by", "from_department", "to_department")
                     .prefetch_related(Prefetch("attachments", queryset=attachments))),
            Prefetch("attachments", queryset=attachments),
            Prefetch("extension_requests",
                     queryset=ExtensionRequest.objects.select_related("requested_by", "decided_by")
                     .order_by("requested_at", "id")),
        )
        .get(pk=pk)
    )


def attachment_get(*, user: User, pk: int) -> Attachment:
    """Return attachment ``pk`` if ``user`` may see its task, else raise Attachment.DoesNotExist."""
    visible = task_list(user=user).values("pk")
    return Attachment.objects.select_related("task").filter(task__in=visible).get(pk=pk)


@dataclass(frozen=True, slots=True)
class DeadlineChange:
    at: datetime
    old: date | None
    new: date | None
    by: str
    reason: str


def deadline_changes_from_rows(rows: Iterable[dict]) -> dict[int, list[DeadlineChange]]:
    """Return {task id: [DeadlineChange]} from history rows in (task, time) order.

    ``rows`` are dicts with id, deadline, history_date, by, history_change_reason;
    a row whose deadline differs from the task's previous row is a change. Pure.
    """
    changes, previous = {}, {}
    for row in rows:
        task_id = row["id"]
        if task_id in previous and previous[task_id] != row["deadline"]:
            changes.setdefault(task_id, []).append(DeadlineChange(
                at=row["history_date"], old=previous[task_id], new=row["deadline"],
                by=row["by"] or "", reason=row["history_change_reason"] or ""))
        previous[task_id] = row["deadline"]
    return changes


def deadline_changes(*, task_ids: Iterable[int]) -> dict[int, list[DeadlineChange]]:
    """Return {task id: [DeadlineChange]} for the given tasks, read from their history in one query.

    The one reading of a deadline's story, for the task page and the ledger: every
    move shows, whether by an approved extension or by a supervisor's edit; tasks
    whose deadline never moved are absent.
    """
    rows = (Task.history.filter(id__in=list(task_ids))
            .order_by("id", "history_date", "history_id")
            .values("id", "deadline", "history_date", "history_change_reason",
                    "history_user__username", "history_user__last_name", "history_user__first_name"))
    return deadline_changes_from_rows(
        {**row, "by": User.full_name_of(first_name=row["history_user__first_name"],
                                        last_name=row["history_user__last_name"]) or row["history_user__username"]}
        for row in rows
    )


@dataclass(frozen=True)
class TaskPage:
    """Everything the task page shows of one task to one user, and what that user may do there.

    Built once per page by ``task_page``; the view turns it into forms and the
    templates only display it, so no rule is decided or queried while rendering.
    """

    task: Task
    transitions: list  # workflow.Transition the user may start now
    may_report: bool  # 填报进展
    may_edit: bool  # the admin's edit form
    timeline: list  # timeline.Entry, oldest first
    deadline_changes: list  # DeadlineChange, oldest first
    extension_requests: list  # ExtensionRequest, oldest first
    pending_extension: ExtensionRequest | None
    extension_offer: str  # what the 申请延期 spot shows: "form", "too_late", "pending" or ""
    may_decide_extension: bool
    may_chase: bool
    may_instruct: bool  # 批示 as well as 留言
    may_comment: bool
    instruction_kinds: list  # (value, label) the user may post
    default_instruction_kind: str = Instruction.Kind.COMMENT  # 批示 for those who may give one
    text_max: int = SUPERVISION_TEXT_MAX
    chase_message: str = ""
    # Later speeches that gave this directive again (speeches.RepeatedInstruction), oldest first.
    repeated_instructions: tuple = ()
    children: list = ()  # SubtaskRow, in serial order
    rolled_up: int | None = None  # the children's 完成率 rolled up (tracker.rollup), None without children
    open_children: int = 0
    close_note: str = ""  # why 申请办结 waits for the children, for the lead officer
    parent_visible: bool = False  # the parent task links to its page
    may_break_down: bool = False  # 分解下达
    breakdown_units: list = ()  # Department the task may be broken down to


@dataclass(frozen=True, slots=True)
class SubtaskRow:
    task: Task
    visible: bool  # the user may open it


def task_page(*, user: User, pk: int, today: date | None = None) -> TaskPage:
    """Read task ``pk`` and everything its page shows to ``user``; raise Task.DoesNotExist if not visible."""
    task = task_detail_get(user=user, pk=pk)
    today = today or timezone.localdate()
    requests = list(task.extension_requests.all())
    pending = next((ext for ext in requests if ext.status == ExtensionRequest.Status.PENDING), None)
    may_instruct = permissions.can_add_instruction(user, task)
    may_comment = permissions.can_comment(user, task)
    kinds = [choice for choice in Instruction.Kind.choices
             if may_instruct or choice[0] == Instruction.Kind.COMMENT]
    children = list(task.children.all())
    facts = [(child.status, child.progress) for child in children]
    open_count = rollup.open_children(facts)
    may_break_down = permissions.can_break_down(user, task)
    return TaskPage(
        task=task,
        transitions=permissions.available_transitions(user, task),
        may_report=permissions.can_report_progress(user, task),
        may_edit=permissions.can_edit_task(user, task),
        timeline=timeline.task_timeline(task=task),
        deadline_changes=deadline_changes(task_ids=[task.pk]).get(task.pk, []),
        extension_requests=requests,
        pending_extension=pending,
        extension_offer=_extension_offer(user, task, pending, today),
        may_decide_extension=pending is not None and permissions.can_decide_extension(user, task),
        may_chase=permissions.can_chase(user, task) and task.is_open,
        may_instruct=may_instruct,
        may_comment=may_comment,
        instruction_kinds=kinds if (may_instruct or may_comment) else [],
        default_instruction_kind=Instruction.Kind.INSTRUCTION if may_instruct else Instruction.Kind.COMMENT,
        chase_message=Chase.DEFAULT_MESSAGE,
        repeated_instructions=repeated_instructions(task=task),
        children=[SubtaskRow(task=child, visible=permissions.can_view_task(user, child)) for child in children],
        rolled_up=rollup.rolled_up_progress(facts),
        open_children=open_count,
        close_note=rollup.close_refusal(open_count) if task.is_open and task.status != Task.Status.CLOSING else "",
        parent_visible=task.parent is not None and permissions.can_view_task(user, task.parent),
        may_break_down=may_break_down,
        breakdown_units=subtask_units(task) if may_break_down else [],
    )


def subtask_units(task: Task) -> list[Department]:
    """Return the units ``task`` may be broken down to: those under its lead unit, then its co-departments.

    Active units only, in tree order; never the lead unit itself.
    """
    below = tree.below_ids(task.lead_department_id)
    co = set(task.co_departments.values_list("pk", flat=True)) - {task.lead_department_id}
    units = list(Department.objects.filter(pk__in=below | co, is_active=True))
    under = [d for _, d in tree.tree_order([d for d in units if d.pk in below])]
    return under + sorted((d for d in units if d.pk not in below), key=lambda d: (d.order, d.name))


def open_subtasks_below(*, task: Task, for_update: bool = False) -> list[Task]:
    """The sub-tasks under ``task``, at any depth, that are neither closed nor suspended.

    Read a level at a time (one query per level; a breakdown is two or three deep).
    ``for_update`` locks every sub-task read, for the service that suspends them.
    """
    found, level = [], [task.pk]
    while level:
        children = Task.objects.filter(parent_id__in=level).order_by("pk")
        children = list(children.select_for_update() if for_update else children)
        level = [child.pk for child in children]
        found += [child for child in children if child.status not in rollup.SETTLED]
    return found


def repeated_instructions(*, task: Task) -> tuple:
    """The speech items linked to ``task`` as repeated instructions (再次强调), with their speeches, oldest first."""
    from speeches.models import RepeatedInstruction

    return tuple(RepeatedInstruction.objects.filter(task=task).select_related("item__speech")
                 .order_by("item__speech__date", "linked_at", "pk"))


def _extension_offer(user, task, pending, today):
    """Offer the 申请延期 form to the lead officer while one may be asked for; else say why not.

    Nothing while 申请办结 awaits the supervisor: the task is finished as far as the officer knows.
    """
    if not permissions.can_request_extension(user, task) or task.status == Task.Status.CLOSING:
        return ""
    if pending is not None:
        return "pending"
    if task.deadline is None:
        return ""
    return "too_late" if task.deadline < today else "form"


def department_officers(department_ids: Iterable[int]):
    """Return the active officers (group 部门填报员) of the given departments: who hears of their tasks."""
    return (User.objects.filter(groups__name=roles.OFFICER, is_active=True, department_id__in=list(department_ids))
            .select_related("department").order_by("department_id", "username").distinct())


def supervisors():
    """Return the active supervisors (group 督查员): who hears of a task refused by its department."""
    return User.objects.filter(groups__name=roles.SUPERVISOR, is_active=True).order_by("username").distinct()
