"""The default as-of date of a report: the plan's data, not the wall clock."""

from __future__ import annotations

import datetime as dt

from rtis.config import clock
from rtis.plans.models import Plan
from rtis.tracking.models import ExecutionRecord, ExecutionStatus, PeriodKind, period_end


def default_as_of(plan: Plan, today: dt.date | None = None) -> dt.date:
    """Return the day a report of the plan describes when none is asked for.

    The last day of the latest month with approved execution (what the figures are as of);
    without tracked execution, today (clock.today()) kept within the plan's years: the last day
    of the plan's period once it has ended, its first day before it starts.
    """
    latest = (ExecutionRecord.objects.filter(
        node__plan=plan, status=ExecutionStatus.APPROVED, period__kind=PeriodKind.MONTH)
        .order_by("-period__year", "-period__number")
        .values_list("period__year", "period__number").first())
    if latest is not None:
        return period_end(PeriodKind.MONTH, *latest)
    today = today or clock.today()
    first, last = dt.date(plan.period_start, 1, 1), dt.date(plan.period_end, 12, 31)
    return min(max(today, first), last)
