"""红黄绿灯: each task's signal, computed in the database so lists filter and sort by it.

red: deadline passed and not closed; yellow: due within SIGNAL_YELLOW_DAYS days;
待指派 (unassigned): no lead department yet; 待定时限 (undated): no deadline yet;
green: on track. Closed and suspended tasks are shown apart. The tests run in that
order (closed, suspended, red, yellow, unassigned, undated, green): a task past its
deadline is red even while unassigned; one with no one to do it or no date to do it by
is never green. 待指派 and 待定时限 are drawn in grey.
"""
from datetime import timedelta

from django.conf import settings
from django.db.models import Case, CharField, IntegerField, Q, Value, When
from django.utils import timezone
from django.utils.html import format_html

from tracker import choices

RED, YELLOW, GREEN, CLOSED, SUSPENDED = "red", "yellow", "green", "closed", "suspended"
UNASSIGNED, UNDATED = "unassigned", "undated"
# A closed or suspended task shows its status instead of a light.
LABELS = {RED: "红灯", YELLOW: "黄灯", UNASSIGNED: "待指派", UNDATED: "待定时限", GREEN: "绿灯",
          CLOSED: choices.STATUS_LABELS[choices.CLOSED], SUSPENDED: choices.STATUS_LABELS[choices.SUSPENDED]}
RANK = {RED: 0, YELLOW: 1, UNASSIGNED: 2, UNDATED: 3, GREEN: 4, CLOSED: 5, SUSPENDED: 6}
# The signals of open tasks, in the order lists and counts show them.
OPEN_SIGNALS = (RED, YELLOW, UNASSIGNED, UNDATED, GREEN)
CHOICES = list(LABELS.items())


def signal_conditions(today=None, yellow_days=None):
    """Return (signal, Q) pairs in the order they are tested."""
    today = today or timezone.localdate()
    days = settings.SIGNAL_YELLOW_DAYS if yellow_days is None else yellow_days
    return [
        (CLOSED, Q(status=choices.CLOSED)),
        (SUSPENDED, Q(status=choices.SUSPENDED)),
        (RED, Q(deadline__lt=today)),
        (YELLOW, Q(deadline__lte=today + timedelta(days=days))),
        (UNASSIGNED, Q(lead_department__isnull=True)),
        (UNDATED, Q(deadline__isnull=True)),
        (GREEN, Q()),
    ]


def signal_of(*, status, deadline, today, yellow_days, lead_department_id=0):
    """Return the signal of one task from plain values, by the same rules as the database.

    For a single task already in hand (the task page, an e-mail) where no annotated
    queryset is at hand; tests check it agrees with ``annotate_signal`` case by case.
    """
    if status == choices.CLOSED:
        return CLOSED
    if status == choices.SUSPENDED:
        return SUSPENDED
    if deadline is not None and deadline < today:
        return RED
    if deadline is not None and deadline <= today + timedelta(days=yellow_days):
        return YELLOW
    if lead_department_id is None:
        return UNASSIGNED
    if deadline is None:
        return UNDATED
    return GREEN


def task_signal(task, today=None):
    """Return the signal of ``task``: its annotation when present, else computed."""
    annotated = getattr(task, "signal", None)
    if annotated:
        return annotated
    return signal_of(status=task.status, deadline=task.deadline, lead_department_id=task.lead_department_id,
                     today=today or timezone.localdate(), yellow_days=settings.SIGNAL_YELLOW_DAYS)


def annotate_signal(queryset, today=None, yellow_days=None):
    """Add ``signal`` (one of LABELS) and ``signal_rank`` to each task."""
    conditions = signal_conditions(today, yellow_days)[:-1]
    return queryset.annotate(
        signal=Case(*[When(q, then=Value(name)) for name, q in conditions],
                    default=Value(GREEN), output_field=CharField()),
        signal_rank=Case(*[When(q, then=Value(RANK[name])) for name, q in conditions],
                         default=Value(RANK[GREEN]), output_field=IntegerField()),
    )


def signal_q(signal, today=None, yellow_days=None):
    """Return a Q that keeps exactly the tasks showing ``signal`` (no annotation needed)."""
    earlier = Q()
    for name, q in signal_conditions(today, yellow_days):
        if name == signal:
            return q & ~earlier if earlier else q
        earlier |= q
    raise ValueError(signal)


def badge_html(signal):
    """Return the coloured badge of ``signal``: the one drawing used by every list, page and admin column."""
    if signal not in LABELS:
        return ""
    return format_html('<span class="badge badge-{}">{}</span>', signal, LABELS[signal])


# --- 逾期未报: the reporting cycle's own mark, shown beside the light (tracker.cycles) ---

REPORT_OVERDUE = "report_overdue"
REPORT_OVERDUE_LABEL = "逾期未报"
REPORT_DUE_SOON_LABEL = "本期待报送"


def report_overdue_q(today=None):
    """Tasks in progress whose current reporting cycle passed its due date with no entry (an indexed column)."""
    today = today or timezone.localdate()
    return Q(report_due__lt=today, status__in=choices.REPORTING_STATUSES)


def report_due_soon_q(today=None, days=None):
    """Tasks whose cycle is due within ``days`` days (today included) and not yet reported."""
    today = today or timezone.localdate()
    days = settings.REPORT_DUE_SOON_DAYS if days is None else days
    return Q(report_due__gte=today, report_due__lte=today + timedelta(days=days), status__in=choices.REPORTING_STATUSES)


def report_overdue(task, today=None):
    """True if ``task`` is 逾期未报 today."""
    today = today or timezone.localdate()
    return task.report_due is not None and task.report_due < today and task.status in choices.REPORTING_STATUSES


def report_badge_html(task, today=None):
    """Return the 逾期未报 badge of ``task`` ('' when it reported in time or has no cycle)."""
    if not report_overdue(task, today):
        return ""
    return format_html('<span class="badge badge-report-overdue" title="报送截止：{}">{}</span>',
                       task.report_due.strftime("%Y-%m-%d"), REPORT_OVERDUE_LABEL)
