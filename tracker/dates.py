"""The window every date a person enters must fall in, and the one check that enforces it.

A date far outside it is a typo (20244-09-01 read as a year) or a probe (9999-12-31):
it would sort after every real deadline, and date arithmetic on it (the month after,
the year's end) overflows Python's ``date``. The window is wide enough for any speech,
deadline or progress report this office will see. Forms use ``check_sane`` as a field
validator and services call it with the field's name, so no model (and no migration)
is involved. ``check_not_future`` is the other rule a date may break: the progress
form uses it as a validator and ProgressUpdate.clean for every other writer.
"""
from datetime import date

from django.core.exceptions import ValidationError
from django.utils import timezone

SANE_MIN = date(2000, 1, 1)
SANE_MAX = date(2100, 12, 31)
WINDOW = f"{SANE_MIN:%Y-%m-%d} 至 {SANE_MAX:%Y-%m-%d}"


def check_sane(value, label="日期"):
    """Raise ValidationError (in Chinese) unless ``value`` is empty or lies within the window."""
    if value is not None and not SANE_MIN <= value <= SANE_MAX:
        raise ValidationError(f"{label}须在 {WINDOW} 之间。", code="date_out_of_range")


def check_not_future(value, label="日期"):
    """Raise ValidationError (in Chinese) if ``value`` is after today.

    For what reports what has happened (a progress entry): its task follows the newest
    entry by date, so an entry dated ahead would hide every report made until that day.
    """
    if value is not None and value > timezone.localdate():
        raise ValidationError(f"{label}不能晚于今天。", code="future")
