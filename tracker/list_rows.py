"""The task list's table rows, written in Python.

The list shows 50 rows of seven cells; through the template engine each cell's tags
and lookups (a URL reversed per row, two badge tags, a date filter) cost about 15 ms
CPU a page, a quarter of the page. Written here they cost about 1 ms, with the same
HTML (tests/tracker/test_list_rows.py renders both and compares). Only display: the
signal is the list's annotation, the badges are tracker.lights' own drawings.
"""
from html import escape

from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

from tracker import lights
from tracker.models import Task

ROW = (
    '<tr>\n'
    '        <td class="nowrap card-serial" data-label="督办编号"><a href="{url}">{serial}</a></td>\n'
    '        <td class="card-title" data-label="任务名称"><a href="{url}">{title}</a></td>\n'
    '        <td class="dept" data-label="牵头单位">{department}</td>\n'
    '        <td class="nowrap" data-label="完成时限">{deadline}</td>\n'
    '        <td data-label="红黄绿灯">{signal} {report}</td>\n'
    '        <td class="nowrap" data-label="状态">{status}</td>\n'
    '        <td class="nowrap" data-label="完成率">{progress}%</td>\n'
    '      </tr>'
)
UNASSIGNED = mark_safe('<span class="duban-muted">待指派</span>')
STATUS_LABELS = dict(Task.Status.choices)
PK_MARK = 987654321  # reversed once, then replaced by each row's pk


# The task columns the rows draw (with the list's signal annotation and the lead unit's name).
ROW_FIELDS = ("serial", "title", "deadline", "status", "progress", "report_due", "lead_department__name")


def only_row_columns(tasks):
    """Return ``tasks`` reading only what the rows draw: a task row holds its full content, notes and
    latest progress, and the speech joined for other pages holds the speech's whole text."""
    return tasks.select_related(None).select_related("lead_department").only(*ROW_FIELDS)


def detail_url_maker():
    """Return pk -> the task page's URL, reversing the URL pattern once instead of once per row."""
    sample = reverse("tracker:task_detail", args=[PK_MARK])
    head, tail = sample.split(str(PK_MARK))
    return lambda pk: f"{head}{pk}{tail}"


def task_rows_html(tasks, *, today=None) -> SafeString:
    """Return the <tr> rows of ``tasks`` (annotated with their signal) for the task list's table."""
    # The standard library's escape (the same HTML as Django's, without its lazy-string wrapper),
    # today read once, and each light's badge drawn once: 50 rows, a handful of different badges.
    today = today or timezone.localdate()
    url_of = detail_url_maker()
    badges = {}
    rows = []
    for task in tasks:
        department = task.lead_department
        signal = lights.task_signal(task, today)
        if signal not in badges:
            badges[signal] = lights.badge_html(signal)
        rows.append(ROW.format(
            url=escape(url_of(task.pk)),
            serial=escape(task.serial),
            title=escape(task.title),
            department=escape(department.name) if department else UNASSIGNED,
            deadline=f"{task.deadline:%Y-%m-%d}" if task.deadline else "—",
            signal=badges[signal],
            report=lights.report_badge_html(task, today),
            status=escape(STATUS_LABELS.get(task.status, task.status)),
            progress=int(task.progress),
        ))
    return mark_safe("\n    ".join(rows))

