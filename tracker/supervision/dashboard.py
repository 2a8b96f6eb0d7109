"""督办看板: the numbers of the dashboard, aggregated in the database.

Whatever the number of tasks, the dashboard costs the same few queries: one
GROUP BY lead department with conditional counts (totals by status and signal are
the sums of its rows), one for the departments' names, one GROUP BY month of
closing, and two short lists (next deadlines, red tasks). Everything starts from
``selectors.task_list_filtered``, so the dashboard counts exactly what the user may
see, filtered by the same TaskFilter as the task list.

Sub-tasks (分解下达) and counting: every number counts task rows, each once. A
sub-task is a task of its own (its own lead unit, deadline, status and light), so it
counts once, in its own unit's row; the task it was broken from counts once, in its
lead unit's row. Nothing is joined through the tree or the co-departments, so no task
is counted twice; a task broken into two parts shows as three tasks (the whole and
its two parts), as it does in the task list and the ledger.
"""
from dataclasses import dataclass, field, replace
from datetime import date

from django.conf import settings
from django.db.models import Count, F, Q
from django.db.models.lookups import LessThanOrEqual
from django.utils import timezone

from tracker import choices, lights, permissions, selectors, task_cache
from tracker.dbfuncs import LocalDate, LocalMonth
from tracker.models import Department, Task
from tracker.supervision import scoring

FILTER_FIELDS = ["speech", "meeting", "category", "deadline", "created"]
NEXT_DEADLINES = 10
RED_LIST = 20
MONTHS = 12
UNASSIGNED = "待指定牵头单位"

S = Task.Status
OPEN_STATUSES = sorted(choices.OPEN_STATUSES)


@dataclass
class Dashboard:
    filterset: object
    by_status: dict
    by_signal: dict
    departments: list  # [scoring.DepartmentCounts], in the departments' own order
    ranking: list  # [(place, DepartmentCounts)]
    months: list  # [(date of first day, closed count)]
    next_deadlines: list
    red_tasks: list
    report_overdue_tasks: list = field(default_factory=list)
    report_overdue: int = 0
    total: int = 0
    own_department_only: bool = False
    cache_key: str | None = None  # where this board is cached; its drawing is cached under it too
    status_labels: dict = field(default_factory=lambda: dict(Task.Status.choices))

    @property
    def status_rows(self):
        return [(label, self.by_status.get(value, 0), value) for value, label in Task.Status.choices]

    @property
    def signal_rows(self):
        return [(lights.LABELS[name], self.by_signal.get(name, 0), name) for name in lights.LABELS]


def on_time_q():
    """Closed on or before the deadline (local date of closing); closed without a deadline counts as on time."""
    closed_by_deadline = LessThanOrEqual(LocalDate("completed_at"), F("deadline"))
    return Q(status=S.CLOSED) & (Q(deadline__isnull=True) | Q(closed_by_deadline))


def count_columns(today):
    """Return the conditional counts of one GROUP BY row, by name."""
    columns = {"total": Count("pk"), "on_time": Count("pk", filter=on_time_q())}
    columns.update({f"status_{value}": Count("pk", filter=Q(status=value)) for value in S.values})
    for name in lights.OPEN_SIGNALS:
        columns[f"signal_{name}"] = Count("pk", filter=lights.signal_q(name, today=today))
    columns[lights.REPORT_OVERDUE] = Count("pk", filter=lights.report_overdue_q(today))
    return columns


def per_department_rows(tasks, today):
    """Return one dict of counts per lead department (None for unassigned tasks): one query."""
    return list(tasks.order_by().values("lead_department_id").annotate(**count_columns(today)))


def closed_per_month(tasks, today, months=MONTHS):
    """Return [(first day of month, tasks closed)] for the last ``months`` months, zeros included."""
    first = month_start(today, back=months - 1)
    since = timezone.make_aware(timezone.datetime(first.year, first.month, 1))
    counts = {
        row["month"]: row["n"]
        for row in tasks.order_by().filter(status=S.CLOSED, completed_at__gte=since)
        .annotate(month=LocalMonth("completed_at")).values("month").annotate(n=Count("pk"))
    }
    return [(month, counts.get(month, 0)) for month in month_range(first, months)]


def month_start(day, back=0):
    """Return the first day of the month ``back`` months before ``day``'s month."""
    index = day.year * 12 + day.month - 1 - back
    return date(index // 12, index % 12 + 1, 1)


def month_range(first, months):
    return [month_start(first, back=-offset) for offset in range(months)]


def dashboard_build(*, user, params, today=None):
    """Return the Dashboard of ``user`` filtered by ``params`` (a QueryDict or dict).

    Its numbers come from the cache when the same scope asked for the same filters
    today and no task changed since (tracker/task_cache.py); the filter form is the
    reader's own, built on every request.
    """
    today = today or timezone.localdate()
    filterset, tasks = selectors.task_list_filtered(user=user, params=params)
    key = task_cache.reading_key("dashboard", user=user, filterset=filterset, today=today)
    board = task_cache.cached_get(key) if key else None
    if board is None:
        board = dashboard_compute(user=user, filterset=filterset, tasks=tasks, today=today)
        if key:
            task_cache.cached_set(key, replace(board, filterset=None), settings.TASK_CACHE_SECONDS)
    return replace(board, filterset=filterset, cache_key=key)


def dashboard_compute(*, user, filterset, tasks, today):
    """Count the dashboard's numbers of ``tasks`` (the reader's, filtered) in the database."""
    rows = per_department_rows(tasks, today)

    by_status = {value: sum(row[f"status_{value}"] for row in rows) for value in S.values}
    by_signal = {name: sum(row[f"signal_{name}"] for row in rows) for name in lights.OPEN_SIGNALS}
    by_signal[lights.CLOSED] = by_status[S.CLOSED]
    by_signal[lights.SUSPENDED] = by_status[S.SUSPENDED]
    report_overdue = sum(row[lights.REPORT_OVERDUE] for row in rows)

    # An officer sees other departments' tasks only where their own units help: those rows
    # would be partial, so an officer's table shows their own unit and the units under it.
    own_only = not permissions.sees_everything(user)
    if own_only:
        units = permissions.officer_units(user)
        rows = [row for row in rows if row["lead_department_id"] in units]
    known = Department.objects.filter(pk__in=[r["lead_department_id"] for r in rows if r["lead_department_id"]])
    names, order = {}, {}
    for pk, name, position in known.values_list("pk", "name", "order"):
        names[pk], order[pk] = name, position
    departments = sorted(
        (department_counts(row, names) for row in rows),
        key=lambda d: (d.department_id is None, order.get(d.department_id, 0), d.name),
    )
    return Dashboard(
        filterset=filterset,
        by_status=by_status,
        by_signal=by_signal,
        departments=departments,
        ranking=scoring.rank([d for d in departments if d.department_id is not None]),
        months=closed_per_month(tasks, today),
        next_deadlines=list(tasks.filter(status__in=OPEN_STATUSES, deadline__gte=today)
                            .order_by("deadline", "serial")[:NEXT_DEADLINES]),
        red_tasks=list(tasks.filter(lights.signal_q(lights.RED, today=today)).order_by("deadline", "serial")[:RED_LIST]),
        report_overdue_tasks=list(tasks.filter(lights.report_overdue_q(today)).select_related("lead_department")
                                  .order_by("report_due", "serial")[:RED_LIST]),
        report_overdue=report_overdue,
        total=sum(by_status.values()),
        own_department_only=own_only,
    )


def department_counts(row, names):
    dept_id = row["lead_department_id"]
    return scoring.DepartmentCounts(
        department_id=dept_id,
        name=names.get(dept_id, UNASSIGNED) if dept_id else UNASSIGNED,
        tasks=row["total"],
        closed=row[f"status_{S.CLOSED}"],
        on_time=row["on_time"],
        open=sum(row[f"status_{value}"] for value in OPEN_STATUSES),
        red=row[f"signal_{lights.RED}"],
        yellow=row[f"signal_{lights.YELLOW}"],
        suspended=row[f"status_{S.SUSPENDED}"],
        report_overdue=row[lights.REPORT_OVERDUE],
    )
