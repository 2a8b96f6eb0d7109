"""Reporting cycles from plain data: rules, month ends, holidays, 调休, 逾期未报."""
from datetime import date

import pytest

from tracker import cycles, workdays
from tracker.cycles import ReportRule


class Weekends:
    """A calendar with no holidays, so tests of the rules alone read plainly."""

    @staticmethod
    def is_workday(day):
        return True


ALL = Weekends()


@pytest.mark.parametrize("day, start, end, expected", [
    (25, date(2026, 1, 10), date(2026, 3, 31), [date(2026, 1, 25), date(2026, 2, 25), date(2026, 3, 25)]),
    (31, date(2026, 1, 1), date(2026, 4, 30), [date(2026, 1, 31), date(2026, 2, 28), date(2026, 3, 31), date(2026, 4, 30)]),
    (30, date(2024, 1, 31), date(2024, 3, 31), [date(2024, 2, 29), date(2024, 3, 30)]),
    (29, date(2023, 1, 29), date(2023, 3, 31), [date(2023, 2, 28), date(2023, 3, 29)]),
    (25, date(2026, 1, 25), date(2026, 2, 28), [date(2026, 2, 25)]),  # due dates come after the start
    (5, date(2025, 12, 10), date(2026, 2, 10), [date(2026, 1, 5), date(2026, 2, 5)]),  # across the year end
])
def test_monthly_due_dates_use_the_last_day_of_short_months(day, start, end, expected):
    assert cycles.due_dates(ReportRule(cycles.MONTHLY, day), start, end, ALL) == expected


def test_weekly_and_biweekly_due_dates():
    # 2026-03-02 is a Monday; weekly by Friday (5).
    assert cycles.due_dates(ReportRule(cycles.WEEKLY, 5), date(2026, 3, 2), date(2026, 3, 20), ALL) == [
        date(2026, 3, 6), date(2026, 3, 13), date(2026, 3, 20)]
    # Created on a Friday, weekly by Friday: first due a week later.
    assert cycles.due_dates(ReportRule(cycles.WEEKLY, 5), date(2026, 3, 6), date(2026, 3, 13), ALL) == [date(2026, 3, 13)]
    assert cycles.due_dates(ReportRule(cycles.BIWEEKLY), date(2026, 3, 2), date(2026, 4, 1), ALL) == [
        date(2026, 3, 16), date(2026, 3, 30)]


def test_milestone_is_due_at_the_deadline_and_none_has_no_dates():
    rule = ReportRule(cycles.MILESTONE, deadline=date(2026, 6, 30))
    assert cycles.due_dates(rule, date(2026, 1, 1), date(2027, 1, 1), ALL) == [date(2026, 6, 30)]
    assert cycles.due_dates(ReportRule(cycles.MILESTONE), date(2026, 1, 1), date(2027, 1, 1), ALL) == []
    assert cycles.due_dates(ReportRule(cycles.NONE), date(2026, 1, 1), date(2027, 1, 1), ALL) == []


def test_holidays_move_due_dates_to_the_next_working_day():
    """National Day 2025: Oct 1-8 off; the 25th of other months stays, weekends move to Monday."""
    rule = ReportRule(cycles.MONTHLY, 1)
    assert cycles.due_dates(rule, date(2025, 9, 15), date(2025, 11, 5)) == [date(2025, 10, 9), date(2025, 11, 3)]
    # 2026-01-25 is a Sunday: moved to Monday the 26th.
    assert cycles.due_dates(ReportRule(cycles.MONTHLY, 25), date(2026, 1, 1), date(2026, 1, 31)) == [date(2026, 1, 26)]


def test_a_tiaoxiu_saturday_is_a_working_day():
    """2025-09-28 (Sunday) and 2025-10-11 (Saturday) were 调休 workdays."""
    assert workdays.is_workday(date(2025, 10, 11))
    assert not workdays.is_workday(date(2025, 10, 3))
    assert cycles.due_dates(ReportRule(cycles.WEEKLY, 6), date(2025, 10, 6), date(2025, 10, 12)) == [date(2025, 10, 11)]


def test_beyond_the_published_years_weekends_only():
    assert workdays.is_workday(date(2099, 1, 1))  # a Thursday; no holiday data for 2099
    assert not workdays.is_workday(date(2099, 1, 3))
    assert workdays.next_workday(date(2099, 1, 3)) == date(2099, 1, 5)


def test_an_injected_calendar_decides():
    class Fake:
        @staticmethod
        def is_workday(day):
            return day != date(2026, 3, 25)

    assert cycles.due_dates(ReportRule(cycles.MONTHLY, 25), date(2026, 3, 1), date(2026, 3, 31), Fake()) == [date(2026, 3, 26)]


def test_cycle_of_gives_the_window_today_falls_in():
    rule = ReportRule(cycles.MONTHLY, 25)
    assert cycles.cycle_of(rule, date(2026, 1, 10), date(2026, 2, 3), ALL) == cycles.Cycle(date(2026, 1, 26), date(2026, 2, 25))
    assert cycles.cycle_of(rule, date(2026, 1, 10), date(2026, 1, 25), ALL) == cycles.Cycle(date(2026, 1, 11), date(2026, 1, 25))


MONTHLY_25 = ReportRule(cycles.MONTHLY, 25)
START = date(2026, 1, 10)


@pytest.mark.parametrize("reports, today, due, overdue", [
    ([], date(2026, 1, 20), date(2026, 1, 25), False),  # first cycle open, nothing due yet
    ([], date(2026, 1, 25), date(2026, 1, 25), False),  # due today: still in time
    ([], date(2026, 1, 26), date(2026, 1, 25), True),  # a day late: 逾期未报
    ([date(2026, 1, 20)], date(2026, 1, 22), date(2026, 2, 25), False),  # reported: next cycle
    ([date(2026, 1, 25)], date(2026, 2, 3), date(2026, 2, 25), False),  # on the due date counts
    ([date(2026, 1, 26)], date(2026, 2, 3), date(2026, 3, 25), False),  # 补报 clears the mark and counts for February
    ([date(2026, 1, 20)], date(2026, 2, 26), date(2026, 2, 25), True),  # February missed
    ([date(2026, 1, 20)], date(2026, 3, 30), date(2026, 3, 25), True),  # the newest missed due date
    ([date(2026, 1, 10)], date(2026, 1, 26), date(2026, 1, 25), True),  # an entry on the creation day opens no cycle
])
def test_report_state(reports, today, due, overdue):
    state = cycles.report_state(MONTHLY_25, START, reports, today, ALL)
    assert (state.due, state.overdue) == (due, overdue)
    assert cycles.overdue_report(MONTHLY_25, START, reports, today, ALL) == (due if overdue else None)


def test_the_stored_due_date_turns_overdue_by_itself():
    """What is stored on a day stays right later: an unreported due date that passes is the missed one."""
    stored = cycles.report_state(MONTHLY_25, START, [date(2026, 1, 20)], date(2026, 1, 22), ALL).due
    later = cycles.report_state(MONTHLY_25, START, [date(2026, 1, 20)], date(2026, 2, 26), ALL)
    assert later.overdue and later.due == stored


def test_milestone_report_state():
    rule = ReportRule(cycles.MILESTONE, deadline=date(2026, 6, 30))
    assert cycles.report_state(rule, START, [], date(2026, 7, 1), ALL) == cycles.ReportState(date(2026, 6, 30), True)
    assert cycles.report_state(rule, START, [date(2026, 6, 1)], date(2026, 7, 1), ALL) == cycles.ReportState(None, False)
    assert cycles.report_state(ReportRule(cycles.NONE), START, [], date(2026, 7, 1), ALL) == cycles.ReportState(None, False)


@pytest.mark.parametrize("rule, message", [
    (ReportRule(cycles.MONTHLY, None), "每月报送日"),
    (ReportRule(cycles.MONTHLY, 32), "每月报送日"),
    (ReportRule(cycles.WEEKLY, 0), "每周报送日"),
    (ReportRule("yearly"), "不正确"),
])
def test_incomplete_rules_are_refused(rule, message):
    assert message in rule.check()


def test_describe():
    assert cycles.describe(MONTHLY_25) == "每月25日前"
    assert cycles.describe(ReportRule(cycles.MONTHLY, 31)) == "每月月末前"
    assert cycles.describe(ReportRule(cycles.WEEKLY, 5)) == "每周五前"
