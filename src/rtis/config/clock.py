"""The day and time RTIS treats as now: RTIS_TODAY when set (a demo or a test), else the clock.

Every "today" a user sees (due dates, days late, default as-of dates, reminders) comes from
`today()`; timestamps of what happened (audit events, submissions) come from `now()`, which keeps
the time of day and moves only the date when RTIS_TODAY is set, so a demo's history stays in order.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.utils import timezone


def fixed_today() -> dt.date | None:
    """Return the configured fixed day (RTIS_TODAY), or None when RTIS follows the clock."""
    return getattr(settings, "RTIS_TODAY", None)


def today() -> dt.date:
    """Return today's date in the site's time zone, or the fixed day when one is configured."""
    return fixed_today() or timezone.localdate()


def now() -> dt.datetime:
    """Return an aware datetime: the current time of day on `today()`."""
    current = timezone.localtime()
    fixed = fixed_today()
    if fixed is None:
        return current
    return current.replace(year=fixed.year, month=fixed.month, day=fixed.day)
