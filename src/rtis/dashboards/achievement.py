"""Indicator achievement and its roll-up to areas and plans: pure arithmetic, no Django.

The rules (the indicator page states them to its readers):
  - achievement = actual ÷ target × 100 (direction 상향 and 유지);
    for direction 하향 (smaller is better) target ÷ actual × 100, and 100 when the actual is 0;
  - an indicator without a target or an actual for the year, or with a target of 0 (상향·유지),
    is 미산정 (not computed) and is not counted;
  - the year's actual is the annual figure ("2021") when there is one, otherwise the figure of
    the latest period within the year ("2021-Q3", "2021-H1", "2021-07"), shown as provisional;
  - an area (top-level node) and a plan score the unweighted mean of their indicators'
    achievement, each first clamped to 0–100 (over-achieving one indicator does not hide
    another's shortfall); a plan's mean is over all its indicators, not over its areas.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from decimal import ROUND_HALF_UP, Decimal

DECREASE = "decrease"
CAP = Decimal(100)
FLOOR = Decimal(0)
ONE_DECIMAL = Decimal("0.1")
_SUB_PERIOD = re.compile(r"^(?P<year>\d{4})-(?:Q(?P<q>[1-4])|H(?P<h>[12])|(?P<m>0[1-9]|1[0-2]))$")


def achievement(target: Decimal | None, actual: Decimal | None, direction: str) -> Decimal | None:
    """Return an indicator's achievement in percent (one decimal, half up), uncapped; None: 미산정."""
    if target is None or actual is None:
        return None
    if direction == DECREASE:
        if actual == 0:
            return CAP
        value = target / actual * 100
    else:
        if target == 0:
            return None
        value = actual / target * 100
    return value.quantize(ONE_DECIMAL, rounding=ROUND_HALF_UP)


def clamped(rate: Decimal) -> Decimal:
    """Clamp an achievement to 0–100 for the roll-up."""
    return min(max(rate, FLOOR), CAP)


def rollup(rates: Iterable[Decimal | None]) -> Decimal | None:
    """Return the unweighted mean of the computed rates, each clamped to 0–100; None if none."""
    counted = [clamped(r) for r in rates if r is not None]
    if not counted:
        return None
    return (sum(counted, Decimal(0)) / len(counted)).quantize(ONE_DECIMAL, rounding=ROUND_HALF_UP)


def _period_end_month(period: str) -> int | None:
    """Return the last month a sub-period of a year covers ("2021-Q3" → 9); None if not one."""
    match = _SUB_PERIOD.match(period)
    if match is None:
        return None
    if match["q"]:
        return 3 * int(match["q"])
    if match["h"]:
        return 6 * int(match["h"])
    return int(match["m"])


def actual_of_year(actuals: Mapping[str, Decimal], year: int) -> tuple[str, Decimal] | None:
    """Return (period, value) of a year's actual: the annual figure, else the latest sub-period.

    Among sub-periods ending in the same month the coarser wins (a quarter over its last month).
    """
    annual = str(year)
    if annual in actuals:
        return annual, actuals[annual]
    best: tuple[int, int, str] | None = None
    for period in actuals:
        if not period.startswith(f"{year}-"):
            continue
        end = _period_end_month(period)
        if end is None:
            continue
        coarseness = 2 if "H" in period else 1 if "Q" in period else 0
        key = (end, coarseness, period)
        if best is None or key > best:
            best = key
    if best is None:
        return None
    return best[2], actuals[best[2]]
