"""Chinese working days: statutory holidays (法定节假日) and 调休 workdays.

Plain Python, no Django. The calendar is injectable: ``is_workday(day, calendar=...)``
takes any object with ``is_workday(date) -> bool``; tests pass a small fake.

The default calendar is the ``chinesecalendar`` package (import name
``chinese_calendar``). It knows the State Council's holiday notices up to its last
published year (1.11.0: 2004-2026) and raises NotImplementedError beyond that. For
such a year this module falls back to weekends only (Saturday and Sunday are
non-working, every other day is a working day): holidays and 调休 of a year not yet
published are unknown, so a due date may then fall on a holiday. Upgrading the
package (a new release each December, when the notice is out) fixes this.
"""
from datetime import date, timedelta


class WeekendsOnly:
    """Monday to Friday are working days; the fallback beyond the published years."""

    @staticmethod
    def is_workday(day: date) -> bool:
        return day.weekday() < 5


class ChineseCalendar:
    """The ``chinesecalendar`` package, falling back to WeekendsOnly outside its years."""

    @staticmethod
    def is_workday(day: date) -> bool:
        try:
            import chinese_calendar
        except ImportError:  # pragma: no cover - it is in requirements.txt
            return WeekendsOnly.is_workday(day)
        try:
            return chinese_calendar.is_workday(day)
        except NotImplementedError:
            return WeekendsOnly.is_workday(day)


DEFAULT = ChineseCalendar()


def is_workday(day: date, calendar=None) -> bool:
    """True if ``day`` is a Chinese working day (a 调休 Saturday is one, a holiday Monday is not)."""
    return (calendar or DEFAULT).is_workday(day)


def next_workday(day: date, calendar=None) -> date:
    """Return ``day`` if it is a working day, else the first working day after it."""
    calendar = calendar or DEFAULT
    for _ in range(60):  # the longest run of days off is far shorter; stop a broken calendar looping
        if calendar.is_workday(day):
            return day
        day += timedelta(days=1)
    return day
