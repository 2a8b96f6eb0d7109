"""The 待办 page: the first page after login, one set of blocks per role, built by ``home_page``.

Every block starts from ``selectors.task_list`` (what the user may see) and costs two
queries (a COUNT and the first HOME_BLOCK_LIMIT rows):

- 部门填报员: 待签收 (pending tasks led by their department; one given by 转办 says so and why), 被退回 (their tasks whose
  last transition is 退回, i.e. not yet followed by a new 申请办结), 收到催办 (open visible
  tasks chased in the last HOME_RECENT_DAYS days), 延期审批结果 (their department's
  requests decided in those days);
- 督查员: 待销号 (申请办结), 延期待审批, 待指派 (open tasks without a lead department; one refused
  by its department, 退回（不属于本单位）, says who refused it and why), 红灯;
- 领导: 红灯, 待批示 — a red or 申请办结 task with no 领导批示 in the last
  HOME_INSTRUCTION_DAYS days (any leader's or supervisor's 批示 counts) — and this
  month's summary (tasks created, closed, red now).

Everyone sees their unread notices (``tracker.notices``). ``todo_count`` is the small
number in every page's header: unread notices plus the role's first block, in two cheap
COUNTs, computed only when a page shows it.
"""
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.db.models import Case, Count, F, OuterRef, Q, Subquery, When
from django.urls import reverse
from django.utils import timezone

from tracker import choices, filters, lights, notices, permissions, selectors, task_cache
from tracker.models import Chase, ExtensionRequest, Task, TaskTransition

S = Task.Status
OPEN = choices.OPEN_STATUSES


@dataclass
class Block:
    key: str
    title: str
    count: int
    tasks: list  # tasks with their signal; ``home_note`` says why a task is here, when there is more to say
    more_url: str = ""
    empty: str = "暂无。"


@dataclass
class HomePage:
    role: str  # officer, supervisor, leader or "" (no role)
    blocks: list
    notices: list
    unread: int
    summary: list = field(default_factory=list)  # [(label, count)]: the leader's month
    instruction_days: int = 14

    @property
    def more_unread(self):
        """Unread notices beyond those listed."""
        return self.unread - len(self.notices)


def _limit():
    return getattr(settings, "HOME_BLOCK_LIMIT", 8)


def _since(days):
    return timezone.now() - timedelta(days=days)


def _block(key, title, qs, *, more="", note=None, empty="暂无。"):
    tasks = list(qs[:_limit()])
    count = len(tasks) if len(tasks) < _limit() else qs.count()
    for task in tasks:
        task.home_note = note(task) if note else ""
    return Block(key=key, title=title, count=count, tasks=tasks, more_url=more, empty=empty)


def _list_url(**params):
    from urllib.parse import urlencode

    return f"{reverse('tracker:task_list')}?{urlencode(params)}" if params else reverse("tracker:task_list")


def role_of(user):
    if permissions.is_supervisor(user):
        return "supervisor"
    if permissions.is_leader(user):
        return "leader"
    if permissions.is_officer(user):
        return "officer"
    return ""


def home_page(*, user, today=None) -> HomePage:
    """Return the 待办 page of ``user``: the blocks of their role and their unread notices."""
    today = today or timezone.localdate()
    base = lights.annotate_signal(selectors.task_list(user=user))
    role = role_of(user)
    builders = {"officer": _officer_blocks, "supervisor": _supervisor_blocks, "leader": _leader_blocks}
    blocks = builders[role](user, base, today) if role else []
    unread_qs = notices.notice_list(user=user, unread_only=True)
    unread = list(unread_qs[:_limit() * 2])
    page = HomePage(role=role, blocks=blocks, notices=unread,
                    unread=len(unread) if len(unread) < _limit() * 2 else unread_qs.count(),
                    instruction_days=filters.instruction_days())
    if role == "leader":
        page.summary = month_summary(user=user, today=today)
    return page


def _officer_blocks(user, base, today):
    dept = user.department_id
    since = _since(getattr(settings, "HOME_RECENT_DAYS", 14))
    last = TaskTransition.objects.filter(task=OuterRef("pk")).order_by("-at", "-id")
    returned = (base.filter(status=S.IN_PROGRESS, lead_department_id=dept)
                .annotate(last_action=Subquery(last.values("action")[:1]),
                          last_reason=Subquery(last.values("reason")[:1]))
                .filter(last_action="send_back").order_by("deadline", "pk"))
    chase_time = Chase.objects.filter(tasks=OuterRef("pk"), kind=Chase.Kind.CHASE).order_by("-sent_at")
    chased_ids = Chase.tasks.through.objects.filter(chase__kind=Chase.Kind.CHASE,
                                                    chase__sent_at__gte=since).values("task_id")
    # What was chased to the officer's own unit: a school's chased sub-task is the school's to-do,
    # though the 中心学校 above it may read it.
    chased = (base.filter(permissions.own_unit_tasks_q(user)).filter(pk__in=chased_ids, status__in=OPEN)
              .annotate(last_chase=Subquery(chase_time.values("sent_at")[:1]),
                        last_chase_message=Subquery(chase_time.values("message")[:1]))
              .order_by("-last_chase", "-pk"))
    decision = ExtensionRequest.objects.filter(task=OuterRef("pk"), decided_at__gte=since).order_by("-decided_at")
    decided = (base.filter(lead_department_id=dept,
                           pk__in=ExtensionRequest.objects.filter(decided_at__gte=since).values("task_id"))
               .annotate(decision=Subquery(decision.values("status")[:1]),
                         decided=Subquery(decision.values("decided_at")[:1]))
               .order_by("-decided", "-pk"))
    labels = dict(ExtensionRequest.Status.choices)
    to_accept = (base.filter(status=S.PENDING, lead_department_id=dept)
                 .annotate(last_action=Subquery(last.values("action")[:1]),
                           last_reason=Subquery(last.values("reason")[:1]))
                 .order_by(F("deadline").asc(nulls_last=True), "pk"))
    return [
        _block("accept", "待签收", to_accept, note=_transferred_note,
               more=_list_url(status=S.PENDING), empty="没有待签收的任务。"),
        _block("returned", "被退回的办结申请", returned, note=lambda t: f"退回理由：{t.last_reason}",
               empty="没有被退回的任务。"),
        _block("chased", "收到的催办", chased,
               note=lambda t: f"{timezone.localtime(t.last_chase):%m-%d} 催办：{t.last_chase_message}",
               empty="近期没有催办。"),
        _block("extensions", "延期申请的答复", decided, note=lambda t: labels.get(t.decision, ""),
               empty="近期没有审批结果。"),
    ]


def _transferred_note(task):
    """A task given to the department by 转办 says so, with the supervisor's reason."""
    return f"转办来的任务，转办理由：{task.last_reason}" if task.last_action == "reassign" else ""


def _declined_note(task):
    """A task waiting for a lead because its department refused it says who and why."""
    if task.last_action != "decline":
        return ""
    return f"{task.declined_by or '原牵头单位'}退回（不属于本单位）：{task.last_reason}"


def _supervisor_blocks(user, base, today):
    pending = ExtensionRequest.objects.filter(status=ExtensionRequest.Status.PENDING)
    new_deadline = pending.filter(task=OuterRef("pk")).values("new_deadline")[:1]
    last = TaskTransition.objects.filter(task=OuterRef("pk")).order_by("-at", "-id")
    unassigned = (base.filter(filters.todo_q("unassigned"))
                  .annotate(last_action=Subquery(last.values("action")[:1]),
                            last_reason=Subquery(last.values("reason")[:1]),
                            declined_by=Subquery(last.values("from_department__name")[:1]))
                  # A task its department refused waits for the supervisor's decision: it comes first.
                  .annotate(refused_first=Case(When(last_action="decline", then=0), default=1))
                  .order_by("refused_first", "created_at", "pk"))
    return [
        _block("closing", "待销号（申请办结）", base.filter(status=S.CLOSING).order_by("updated_at", "pk"),
               more=_list_url(status=S.CLOSING), empty="没有待审核的办结申请。"),
        _block("extensions", "待审批的延期申请",
               base.filter(filters.todo_q("extension")).annotate(asked=Subquery(new_deadline))
               .order_by("deadline", "pk"),
               note=lambda t: f"申请延至 {t.asked:%Y-%m-%d}" if t.asked else "",
               more=_list_url(todo="extension"), empty="没有待审批的延期申请。"),
        _block("unassigned", "待指派牵头单位（含被退回的任务）", unassigned, note=_declined_note,
               more=_list_url(todo="unassigned"), empty="没有待指派的任务。"),
        _block("red", "红灯任务", base.filter(signal=lights.RED).order_by("deadline", "pk"),
               more=_list_url(signal=lights.RED), empty="没有红灯任务。"),
    ]


def _leader_blocks(user, base, today):
    return [
        _block("red", "红灯任务", base.filter(signal=lights.RED).order_by("deadline", "pk"),
               more=_list_url(signal=lights.RED), empty="没有红灯任务。"),
        _block("instruct", f"待批示（红灯或申请办结，{filters.instruction_days()} 天内未批示）",
               base.filter(filters.todo_q("instruct")).order_by("deadline", "pk"),
               more=_list_url(todo="instruct"), empty="没有待批示的任务。"),
    ]


def month_summary(*, user, today):
    """Return [(label, count)] of this month: tasks created, closed, and red now (one query)."""
    start = timezone.make_aware(timezone.datetime(today.year, today.month, 1))
    counts = selectors.task_list(user=user).aggregate(
        new=Count("pk", filter=Q(created_at__gte=start)),
        closed=Count("pk", filter=Q(status=S.CLOSED, completed_at__gte=start)),
        red=Count("pk", filter=lights.signal_q(lights.RED, today=today)),
    )
    return [("本月新增", counts["new"]), ("本月办结", counts["closed"]), ("当前红灯", counts["red"])]


def todo_count(*, user) -> int:
    """The header's 待办 number: unread notices plus the role's most pressing block, in two COUNTs."""
    if not getattr(user, "is_authenticated", False):
        return 0
    role = role_of(user)
    # The role's block is the same for the whole scope until a task changes; on every page, its
    # COUNT over all tasks (tens of ms at 100,000) would otherwise be run again (tracker/task_cache.py).
    key = task_cache.scoped_key("todo", user=user, today=timezone.localdate(), detail=role or "")
    block = task_cache.cached_get(key) if key else None
    if block is None:
        block = role_block_count(user=user, role=role)
        if key:
            task_cache.cached_set(key, block, settings.TASK_CACHE_SECONDS)
    return notices.unread_count(user=user) + block


def role_block_count(*, user, role) -> int:
    """The role's most pressing block of the 待办 page, counted: one COUNT."""
    tasks = selectors.task_list(user=user)
    if role == "officer":
        return tasks.filter(status=S.PENDING, lead_department_id=user.department_id).count()
    if role == "supervisor":
        return tasks.filter(Q(status=S.CLOSING) | filters.todo_q("extension")).count()
    if role == "leader":
        return tasks.filter(lights.signal_q(lights.RED)).count()
    return 0


def header_context(request):
    """Context processor: ``duban_todo``, the header's count, computed lazily and once per request."""
    from django.utils.functional import SimpleLazyObject

    user = getattr(request, "user", None)
    if user is None or not getattr(user, "is_authenticated", False):
        return {}
    return {"duban_todo": SimpleLazyObject(lambda: _cached_count(request))}


def _cached_count(request):
    if not hasattr(request, "_duban_todo"):
        request._duban_todo = todo_count(user=request.user)
    return request._duban_todo
