"""The window every date a person enters must fall in, and the one check that enforces it.

A date far outside it is a typo (20244-09-01 read as a year) or a probe (9999-12-31):
it would sort after every real deadline, and date arithmetic on it (the month after,
the year's end) overflows Python's ``date``. The window is wide enough for any speech,
deadline or progress report this office will see. Forms use ``check_sane`` as a field
validator and services call it with the field's name, so no model (and no migration)
is involved.
"""
from datetime import date

from django.core.exceptions import ValidationError

SANE_MIN = date(2000, 1, 1)
SANE_MAX = date(2100, 12, 31)
WINDOW = f"{SANE_MIN:%Y-%m-%d} 至 {SANE_MAX:%Y-%m-%d}"


def check_sane(value, label="日期"):
    """Raise ValidationError (in Chinese) unless ``value`` is empty or lies within the window."""
    if value is not None and not SANE_MIN <= value <= SANE_MAX:
        raise ValidationError(f"{label}须在 {WINDOW} 之间。", code="date_out_of_range")

