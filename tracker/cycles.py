"""Reporting cycles (报送周期): when a task's progress is due, and whether it is 逾期未报.

Plain Python, no Django: rules, dates and report dates in, dates out.

A rule (``ReportRule(kind, day)``) is one of
  - MONTHLY, day N = 1..31: due on day N of every month (31 = month end; a month shorter
    than N uses its last day), e.g. “每月25日前报送进展”;
  - WEEKLY, day = 1..7 (Monday = 1): due on that weekday every week;
  - BIWEEKLY: every 14 days from the start (the task's creation date);
  - MILESTONE: no periodic cycle; one report due at the deadline;
  - NONE: no reporting cycle.
A due date on a non-working day moves to the next Chinese working day (tracker.workdays).
Due dates come strictly after the start: a task created on the 25th first reports next month.

Cycle i is the window (due[i-1], due[i]] (the first one opens the day after the start).
A cycle is reported when a progress entry was made (created) within its window.

逾期未报: the last due date already passed (L < today) had no entry in its window and
none has come since (an entry after the due date, 补报, clears the mark; that entry also
counts for the cycle it falls in).

Storage (see tracker.services.task_report_refresh): each task keeps ``report_due``,
the due date it is measured against now:
  - L, when it is 逾期未报;
  - else the current cycle's due date C (the first due date >= today) when the current
    cycle has no entry yet;
  - else the due date after C (this cycle is done).
Then 逾期未报 is simply ``report_due < today`` and 本期待报送 is ``today <= report_due <=
today + N``: plain SQL filters on one indexed column. The stored value stays right as
days pass without any refresh: an unreported C that passes becomes L itself. Only when a
task stays unreported over several cycles does the stored L lag behind the newest missed
due date (still < today, so still 逾期未报); the daily command refresh_report_cycles
moves it on, and services recompute it on each entry, rule change and ledger import.
"""
import calendar as _calendar
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Iterable, Iterator

from tracker import workdays

NONE, MONTHLY, WEEKLY, BIWEEKLY, MILESTONE = "none", "monthly", "weekly", "biweekly", "milestone"
# The office's usual routine (每月25日前): what the review page offers first for a speech's tasks.
DEFAULT_RULE = (MONTHLY, 25)
PERIODIC = frozenset({MONTHLY, WEEKLY, BIWEEKLY})
WEEKDAY_LABELS = {1: "周一", 2: "周二", 3: "周三", 4: "周四", 5: "周五", 6: "周六", 7: "周日"}


@dataclass(frozen=True, slots=True)
class ReportRule:
    kind: str = NONE
    day: int | None = None
    deadline: date | None = None  # MILESTONE only: the task's deadline

    def check(self):
        """Return a Chinese message if the rule is incomplete, else None."""
        if self.kind == MONTHLY and not (self.day and 1 <= self.day <= 31):
            return "按月报送须填写每月报送日（1～31，31 表示月末）。"
        if self.kind == WEEKLY and not (self.day and 1 <= self.day <= 7):
            return "按周报送须填写每周报送日（1～7，1 为周一）。"
        if self.kind not in (NONE, MONTHLY, WEEKLY, BIWEEKLY, MILESTONE):
            return "报送周期不正确。"
        return None


def describe(rule: ReportRule) -> str:
    """Return the rule in words, as the pages show it: 每月25日前, 每周五前, ..."""
    if rule.kind == MONTHLY and rule.day:
        return "每月月末前" if rule.day == 31 else f"每月{rule.day}日前"
    if rule.kind == WEEKLY and rule.day in WEEKDAY_LABELS:
        return f"每{WEEKDAY_LABELS[rule.day]}前"
    if rule.kind == BIWEEKLY:
        return "每两周"
    if rule.kind == MILESTONE:
        return "完成时限前"
    return ""


def _nominal(rule: ReportRule, start: date) -> Iterator[date]:
    """Yield the due dates after ``start`` before moving off non-working days."""
    if rule.kind == MONTHLY:
        year, month = start.year, start.month
        while True:
            last = _calendar.monthrange(year, month)[1]
            yield date(year, month, min(rule.day, last))
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    elif rule.kind == WEEKLY:
        day = start + timedelta(days=(rule.day - 1 - start.weekday()) % 7)
        while True:
            yield day
            day += timedelta(days=7)
    elif rule.kind == BIWEEKLY:
        day = start
        while True:
            day += timedelta(days=14)
            yield day
    elif rule.kind == MILESTONE and rule.deadline is not None:
        yield rule.deadline


def iter_due_dates(rule: ReportRule, start: date, calendar=None) -> Iterator[date]:
    """Yield every due date after ``start``, in order, each moved to a working day."""
    if rule.check() is not None or rule.kind == NONE:
        return
    previous = start
    for nominal in _nominal(rule, start):
        if nominal <= start:
            continue
        due = workdays.next_workday(nominal, calendar)
        if due > previous:  # two dates moved onto one working day count once
            yield due
            previous = due


def due_dates(rule: ReportRule, start: date, end: date, calendar=None) -> list[date]:
    """Return the due dates in (start, end]."""
    result = []
    for due in iter_due_dates(rule, start, calendar):
        if due > end:
            break
        result.append(due)
    return result


@dataclass(frozen=True, slots=True)
class Cycle:
    opens: date  # the first day of the window
    due: date  # the last day of the window


def cycle_of(rule: ReportRule, start: date, today: date, calendar=None) -> Cycle | None:
    """Return the cycle ``today`` falls in (its due date is the first one >= today), or None."""
    previous = start
    for due in iter_due_dates(rule, start, calendar):
        if due >= today:
            return Cycle(opens=previous + timedelta(days=1), due=due)
        previous = due
    return None


@dataclass(frozen=True, slots=True)
class ReportState:
    due: date | None  # what the task stores as report_due
    overdue: bool


def report_state(rule: ReportRule, start: date, report_dates: Iterable[date], today: date,
                 calendar=None) -> ReportState:
    """Return the due date the task is measured against today and whether it is 逾期未报."""
    reports = sorted(d for d in report_dates if d > start)
    last_passed = before_last = None
    current = following = None
    previous = start
    for due in iter_due_dates(rule, start, calendar):
        if due < today:
            before_last, last_passed = previous, due
        elif current is None:
            current = due
        else:
            following = due
            break
        previous = due
    if last_passed is not None and not any(d > before_last for d in reports):
        return ReportState(due=last_passed, overdue=True)
    if current is None:
        return ReportState(due=None, overdue=False)
    opens_after = last_passed or start
    if any(opens_after < d <= current for d in reports):
        return ReportState(due=following, overdue=False)
    return ReportState(due=current, overdue=False)


def overdue_report(rule: ReportRule, start: date, report_dates: Iterable[date], today: date,
                   calendar=None) -> date | None:
    """Return the missed due date if the task is 逾期未报 today, else None."""
    state = report_state(rule, start, report_dates, today, calendar)
    return state.due if state.overdue else None


# --- one select for a whole rule (review page, admin bulk action): "monthly:25", "weekly:5", "biweekly" ---

def rule_options() -> list[tuple[str, str]]:
    """Return (value, label) for every rule, as one select offers them."""
    options = [(NONE, "不定期报送"), (rule_option_of(*DEFAULT_RULE), describe(ReportRule(*DEFAULT_RULE)))]
    options += [(rule_option_of(MONTHLY, day), describe(ReportRule(MONTHLY, day))) for day in range(1, 32)
                if (MONTHLY, day) != DEFAULT_RULE]
    options += [(rule_option_of(WEEKLY, day), describe(ReportRule(WEEKLY, day))) for day in range(1, 8)]
    options += [(BIWEEKLY, "每两周"), (MILESTONE, "仅节点（完成时限前）")]
    return options


def parse_rule_option(value: str) -> tuple[str, int | None]:
    """Return (kind, day) of a select value; ValueError with a Chinese message if it is not one."""
    kind, _, day = (value or "").partition(":")
    try:
        rule = ReportRule(kind, int(day) if day else None)
    except ValueError:
        raise ValueError("报送周期不正确。") from None
    message = rule.check()
    if message or (day and kind not in (MONTHLY, WEEKLY)):
        raise ValueError(message or "报送周期不正确。")
    return rule.kind, rule.day


def rule_option_of(kind: str, day: int | None) -> str:
    """The select value of (kind, day)."""
    return f"{kind}:{day}" if kind in (MONTHLY, WEEKLY) and day else kind
