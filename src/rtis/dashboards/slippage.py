"""How late a quarterly milestone is at an as-of date: pure date arithmetic, no Django.

The rules (the milestone page states them):
  - only milestones whose quarter ended before the as-of date count;
  - not 완료 (or 완료 only after the as-of date): days late = as-of date − quarter end;
  - 완료 with a completion date after the quarter end: days late = completion date − quarter end;
  - 완료 on time, or 완료 without a completion date, is not slipped.
"""

from __future__ import annotations

import datetime as dt

from rtis.lib.kdate import quarter_bounds


def quarter_end(year: int, quarter: int) -> dt.date:
    """Return the last day of a quarter."""
    return quarter_bounds(year, quarter)[1]


def days_late(end: dt.date, as_of: dt.date, done: bool,
              completed_on: dt.date | None) -> int | None:
    """Return how many days a milestone due at `end` is late on `as_of`; None if it is not late."""
    if end >= as_of:
        return None  # its quarter has not ended yet
    if done and completed_on is None:
        return None  # done, but nobody said when: nothing to measure
    if done and completed_on is not None and completed_on <= as_of:
        late = (completed_on - end).days
        return late if late > 0 else None
    return (as_of - end).days
