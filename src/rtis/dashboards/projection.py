"""Project a unit project's year-end spending from its monthly pattern: pure arithmetic, no Django.

Records hold year-to-date amounts. A past year tells what share of its year-end (December)
spending had been reached by each month; the mean of those shares at the as-of month turns
this year's spending so far into a year-end projection:

    projected year-end spent = spent so far ÷ mean past share at this month

With no usable past year (none, no December, nothing spent by December, or a mean share of 0)
the projection is a straight line: spent so far ÷ months elapsed × 12. The projection never
falls below what is already spent and never rises above 예산현액 (spent ≤ committed ≤ budget),
so the projected execution rate is capped at 100 %.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

MONTHS_PER_YEAR = 12
PATTERN = "pattern"
STRAIGHT_LINE = "straight_line"
CAP_PERCENT = Decimal(100)


def _check_month(month: int) -> None:
    if isinstance(month, bool) or not isinstance(month, int) or not 1 <= month <= MONTHS_PER_YEAR:
        raise ValueError(f"월은 1~12여야 합니다 / month must be 1–12: {month!r}")


def _check_won(name: str, value: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"{name}은(는) 원 단위 정수여야 합니다 / {name} must be int won: {value!r}")
    if value < 0:
        raise ValueError(f"{name}은(는) 음수일 수 없습니다 / {name} cannot be negative: {value}")


def round_half_up(value: Fraction) -> int:
    """Round a non-negative exact fraction to whole won, half up (반올림)."""
    whole, remainder = divmod(value.numerator, value.denominator)
    return whole + (1 if 2 * remainder >= value.denominator else 0)


def percent(part: int, whole: int) -> Decimal | None:
    """Return part ÷ whole in percent to one decimal, half up; None when whole is 0."""
    if whole == 0:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def spent_by_month(ytd_by_month: Mapping[int, int], month: int) -> int:
    """Return a year's year-to-date spending at a month: its latest record up to that month."""
    _check_month(month)
    reached = [m for m in ytd_by_month if m <= month]
    return ytd_by_month[max(reached)] if reached else 0


def year_end_share(ytd_by_month: Mapping[int, int], month: int) -> Fraction | None:
    """Return the share of a past year's December spending reached by a month; None if unusable.

    A year without a December record, or that spent nothing by December, says nothing about
    the pattern. A correction can leave a month above December; the share is then above 1.
    """
    _check_month(month)
    year_end = ytd_by_month.get(MONTHS_PER_YEAR, 0)
    if year_end <= 0:
        return None
    return Fraction(spent_by_month(ytd_by_month, month), year_end)


def mean_share(shares: Iterable[Fraction | None]) -> Fraction | None:
    """Return the mean of the usable shares (None for none)."""
    usable = [s for s in shares if s is not None]
    if not usable:
        return None
    return sum(usable, Fraction(0)) / len(usable)


@dataclass(frozen=True)
class Projection:
    """A unit project's projected year-end spending and rate, and how it was projected."""

    spent: int
    budget: int
    projected: int
    rate: Decimal | None  # projected ÷ 예산현액, % (one decimal, capped at 100); None without budget
    method: str  # PATTERN or STRAIGHT_LINE
    past_years: int  # past years whose pattern was used (0 for a straight line)

    def is_below(self, threshold: Decimal) -> bool:
        """Tell whether the projected rate falls short of the plan's threshold (no budget: no)."""
        return self.rate is not None and self.rate < threshold


def project_year_end(spent: int, budget: int, month: int,
                     past_years: Iterable[Mapping[int, int]] = ()) -> Projection:
    """Project year-end spending from spending so far at a month and past years' monthly curves.

    `past_years` holds, per past year, month → year-to-date spent of its approved records.
    """
    _check_won("spent", spent)
    _check_won("budget", budget)
    _check_month(month)
    shares = [year_end_share(curve, month) for curve in past_years]
    share = mean_share(shares)
    if share is not None and share > 0:
        raw, method, used = Fraction(spent) / share, PATTERN, sum(s is not None for s in shares)
    else:
        raw, method, used = Fraction(spent * MONTHS_PER_YEAR, month), STRAIGHT_LINE, 0
    # Already spent is a floor; the budget a ceiling (spent ≤ committed ≤ budget on every record).
    projected = max(spent, min(round_half_up(raw), budget))
    rate = percent(projected, budget)
    if rate is not None:
        rate = min(rate, CAP_PERCENT)
    return Projection(spent, budget, projected, rate, method, used)
