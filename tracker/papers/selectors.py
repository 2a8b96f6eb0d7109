"""What the papers say, read from the database as the plain data the paper modules take.

Every read starts from the tasks the user may see (``tracker.selectors``); a
management command, run by whoever runs the server, passes ``user=None`` and reads
every task. Counts and the ranking reuse the dashboard's queries and
``tracker.supervision.scoring``, so the bulletin and the dashboard cannot disagree.
"""
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.utils import timezone

from speeches.models import Speech, SpeechItem
from tracker import choices, lights, permissions, selectors
from tracker.models import Department, Task
from tracker.papers import breakdown, bulletin, notice
from tracker.papers.layout import date_cn
from tracker.supervision import dashboard, scoring

NOTICE_LIMIT = 200  # pages in one download; more is a filter chosen by mistake


def issuer() -> str:
    """The office that issues the papers (setting SUPERVISION_OFFICE)."""
    return settings.SUPERVISION_OFFICE


def site_url() -> str:
    """The system's address quoted on notices (setting SITE_URL; may be empty)."""
    return settings.SITE_URL


def visible_tasks(*, user):
    """The tasks ``user`` may see; every task where ``user`` is None (a management command)."""
    if user is None:
        return Task.objects.select_related("lead_department", "speech")
    return selectors.task_list(user=user)


# 任务分解表 ---------------------------------------------------------------------------

def breakdown_rows(tasks) -> list[breakdown.Task]:
    """Return ``tasks`` as breakdown rows, each with the top-level section above its item (two queries more)."""
    tasks = list(tasks.select_related("source_item").prefetch_related("co_departments").order_by("serial"))
    speech_ids = {t.source_item.speech_id for t in tasks if t.source_item_id}
    items = {row["id"]: row for row in SpeechItem.objects.filter(speech_id__in=speech_ids)
             .values("id", "parent_id", "order", "marker", "title")}
    return [
        breakdown.Task(
            serial=t.serial, title=t.title, content=t.content,
            marker=t.source_item.marker if t.source_item_id else "",
            lead=t.lead_department.name if t.lead_department_id else "",
            co=tuple(d.name for d in t.co_departments.all()),
            person=t.responsible_person, deadline=t.deadline, deadline_text=t.deadline_text,
            section=top_section(items, t.source_item_id),
            item_order=t.source_item.order if t.source_item_id else None,
            speech=t.speech.title if t.speech_id else "",
        )
        for t in tasks
    ]


def top_section(items: dict, item_id: int | None) -> breakdown.Section | None:
    """Return the top-level heading above item ``item_id`` (the item itself at the top), or None."""
    if item_id is None or item_id not in items:
        return None
    row, seen = items[item_id], set()
    while row["parent_id"] in items and row["id"] not in seen:
        seen.add(row["id"])
        row = items[row["parent_id"]]
    return breakdown.Section(marker=row["marker"], title=row["title"], order=row["order"])


def speech_breakdown(*, user, speech) -> breakdown.Breakdown:
    """The 分解表 of ``speech``: only the tasks ``user`` may see."""
    tasks = visible_tasks(user=user).filter(speech=speech)
    subtitle = "　".join(part for part in (speech.speaker, speech.date and date_cn(speech.date)) if part)
    return breakdown.Breakdown(title_parts=breakdown.title_parts(speech.title), subtitle=subtitle,
                               tasks=breakdown_rows(tasks), author=issuer())


def tasks_breakdown(*, tasks, speech=None, subtitle="") -> breakdown.Breakdown:
    """The 分解表 of a filtered set of tasks (already scoped), titled by its speech if one was chosen."""
    return breakdown.Breakdown(title_parts=breakdown.title_parts(speech.title if speech else None),
                               subtitle=subtitle, tasks=breakdown_rows(tasks), author=issuer())


def speech_for_breakdown(*, user, pk: int) -> Speech:
    """Return speech ``pk`` if ``user`` may have its 分解表, else raise Speech.DoesNotExist.

    Leaders and supervisors (and commands) may have any speech's; others a speech one of
    whose tasks they see, as if the rest did not exist.
    """
    speech = Speech.objects.get(pk=pk)
    if user is None or permissions.sees_everything(user) or visible_tasks(user=user).filter(speech=speech).exists():
        return speech
    raise Speech.DoesNotExist


# 督办通知单 ---------------------------------------------------------------------------

def notice_rows(tasks) -> list[notice.NoticeTask]:
    tasks = tasks.select_related("source_item").prefetch_related("co_departments").order_by("serial")
    return [
        notice.NoticeTask(
            serial=t.serial, title=t.title, content=t.content,
            marker=t.source_item.marker if t.source_item_id else "",
            source=notice.source_text(speech_title=t.speech.title, meeting=t.speech.meeting,
                                      speaker=t.speech.speaker, day=t.speech.date) if t.speech_id else "",
            lead=t.lead_department.name if t.lead_department_id else "",
            co=tuple(d.name for d in t.co_departments.all()),
            person=t.responsible_person, deadline=t.deadline, deadline_text=t.deadline_text,
        )
        for t in tasks
    ]


def open_tasks(tasks):
    """The tasks a 督办通知单 still makes sense for: not closed, not suspended."""
    return tasks.filter(status__in=choices.OPEN_STATUSES)


def department_open_tasks(*, user, department):
    """The open tasks ``department`` leads, as far as ``user`` may see them."""
    return open_tasks(visible_tasks(user=user).filter(lead_department=department))


def department_find(name: str) -> Department | None:
    """Return the department called ``name`` (full name, short name or an alias), or None."""
    name = name.strip()
    for department in Department.objects.all():
        if name in department.all_names:
            return department
    return None


# 督办通报 -----------------------------------------------------------------------------

def bulletin_build(*, user, start: date, end: date, today: date | None = None) -> bulletin.Bulletin:
    """Return the figures of the bulletin for ``start``–``end``, as of ``today``."""
    today = today or timezone.localdate()
    tasks = visible_tasks(user=user)
    rows = dashboard.per_department_rows(tasks, today)
    period = dashboard.per_department_rows(tasks.filter(completed_at__gte=_day_start(start),
                                                        completed_at__lt=_day_start(end + timedelta(days=1))), today)
    known = Department.objects.in_bulk([r["lead_department_id"] for r in rows if r["lead_department_id"]])
    names = {pk: d.name for pk, d in known.items()}
    counts = sorted((dashboard.department_counts(row, names) for row in rows),
                    key=lambda d: (d.department_id is None, known[d.department_id].order if d.department_id else 0,
                                   d.name))
    in_period = {row["lead_department_id"]: row for row in period}
    red = list(tasks.filter(lights.signal_q(lights.RED, today=today)).order_by("deadline", "serial"))

    def closed_in(dept_id, column):
        row = in_period.get(dept_id)
        return row[column] if row else 0

    closed_column = f"status_{choices.CLOSED}"
    return bulletin.Bulletin(
        start=start, end=end, as_of=today,
        total=sum(d.tasks for d in counts),
        closed=sum(d.closed for d in counts),
        open=sum(d.open for d in counts),
        suspended=sum(d.suspended for d in counts),
        red=sum(d.red for d in counts),
        yellow=sum(d.yellow for d in counts),
        closed_in_period=sum(row[closed_column] for row in period),
        on_time_in_period=sum(row["on_time"] for row in period),
        yellow_days=settings.SIGNAL_YELLOW_DAYS,
        departments=[
            bulletin.DepartmentRow(name=d.name, tasks=d.tasks, closed_in_period=closed_in(d.department_id, closed_column),
                                   on_time_in_period=closed_in(d.department_id, "on_time"),
                                   closed=d.closed, open=d.open, red=d.red)
            for d in counts
        ],
        red_tasks=[
            bulletin.RedTask(serial=t.serial, title=t.title,
                             lead=t.lead_department.name if t.lead_department_id else "",
                             deadline=t.deadline, days_late=(today - t.deadline).days)
            for t in red
        ],
        ranking=[
            bulletin.RankRow(place=place, name=d.name, score=d.score, on_time_rate=d.on_time_rate,
                             completion_rate=d.completion_rate, red=d.red, effective=d.effective)
            for place, d in scoring.rank([d for d in counts if d.department_id is not None])
        ],
        formula=scoring.FORMULA, definitions=scoring.DEFINITIONS, issuer=issuer(),
    )


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))
