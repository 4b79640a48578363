"""The year-end projection is pure arithmetic: hand-computed cases and properties."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rtis.dashboards.projection import (
    PATTERN,
    STRAIGHT_LINE,
    mean_share,
    project_year_end,
    round_half_up,
    spent_by_month,
    year_end_share,
)

WON = st.integers(min_value=0, max_value=10**14)
MONTH = st.integers(min_value=1, max_value=12)
CURVE = st.dictionaries(MONTH, WON, max_size=12)


def test_without_past_years_it_is_a_straight_line() -> None:
    projection = project_year_end(spent=300, budget=1000, month=4)
    assert projection.projected == 900  # 300 ÷ 4 × 12
    assert projection.rate == Decimal("90.0")
    assert (projection.method, projection.past_years) == (STRAIGHT_LINE, 0)


def test_past_years_give_the_share_reached_by_the_month() -> None:
    # 2017 reached 25 % of its December by July, 2018 reached 50 %: mean 37.5 %.
    past = [{7: 100, 12: 400}, {3: 50, 6: 300, 12: 600}]
    projection = project_year_end(spent=300, budget=1000, month=7, past_years=past)
    assert projection.projected == 800  # 300 ÷ 0.375
    assert projection.rate == Decimal("80.0")
    assert (projection.method, projection.past_years) == (PATTERN, 2)


def test_the_share_carries_the_latest_month_forward() -> None:
    assert spent_by_month({3: 50, 6: 300, 12: 600}, 7) == 300
    assert spent_by_month({8: 50}, 7) == 0
    assert year_end_share({3: 50, 6: 300, 12: 600}, 7) == Fraction(1, 2)


def test_a_year_without_december_or_december_spending_says_nothing() -> None:
    assert year_end_share({7: 100, 11: 400}, 7) is None
    assert year_end_share({7: 0, 12: 0}, 7) is None
    projection = project_year_end(spent=100, budget=1000, month=6,
                                  past_years=[{7: 100, 11: 400}])
    assert projection.method == STRAIGHT_LINE and projection.projected == 200


def test_a_past_pattern_with_nothing_spent_by_the_month_falls_back_to_a_line() -> None:
    projection = project_year_end(spent=100, budget=1000, month=2, past_years=[{12: 500}])
    assert projection.method == STRAIGHT_LINE and projection.projected == 600


def test_it_is_capped_at_the_budget_and_floored_at_what_is_spent() -> None:
    capped = project_year_end(spent=900, budget=1000, month=3)
    assert (capped.projected, capped.rate) == (1000, Decimal("100.0"))
    # A correction left July above December: the share is above 1, but spending stays.
    floored = project_year_end(spent=500, budget=1000, month=7, past_years=[{7: 900, 12: 600}])
    assert floored.projected == 500


def test_no_budget_means_no_rate_and_no_flag() -> None:
    projection = project_year_end(spent=0, budget=0, month=5)
    assert projection.rate is None
    assert not projection.is_below(Decimal("90"))


def test_the_flag_compares_with_the_threshold() -> None:
    projection = project_year_end(spent=50, budget=400, month=6)  # 100 of 400: 25 %
    assert projection.is_below(Decimal("90.0")) and projection.is_below(Decimal("25.1"))
    assert not projection.is_below(Decimal("25.0"))


def test_rounding_is_half_up() -> None:
    assert round_half_up(Fraction(5, 2)) == 3
    assert round_half_up(Fraction(7, 3)) == 2
    assert project_year_end(spent=1, budget=10, month=8).projected == 2  # 1.5 → 2


@pytest.mark.parametrize("bad", [0, 13, True, 1.5])
def test_it_refuses_a_month_out_of_range(bad: object) -> None:
    with pytest.raises(ValueError, match="month"):
        project_year_end(spent=1, budget=10, month=bad)  # type: ignore[arg-type]


def test_it_refuses_negative_or_fractional_money() -> None:
    with pytest.raises(ValueError, match="spent"):
        project_year_end(spent=-1, budget=10, month=1)
    with pytest.raises(ValueError, match="budget"):
        project_year_end(spent=1, budget=10.0, month=1)  # type: ignore[arg-type]


def test_the_mean_ignores_unusable_years() -> None:
    assert mean_share([None, Fraction(1, 4), Fraction(3, 4)]) == Fraction(1, 2)
    assert mean_share([None]) is None


@st.composite
def cases(draw: st.DrawFn) -> tuple[int, int, int, list[dict[int, int]]]:
    budget = draw(WON)
    spent = draw(st.integers(min_value=0, max_value=budget))
    return spent, budget, draw(MONTH), draw(st.lists(CURVE, max_size=5))


@given(cases())
def test_the_projection_is_never_negative_below_spent_or_above_the_budget(
        case: tuple[int, int, int, list[dict[int, int]]]) -> None:
    spent, budget, month, past = case
    projection = project_year_end(spent, budget, month, past)
    assert 0 <= spent <= projection.projected <= budget
    if projection.rate is not None:
        assert Decimal(0) <= projection.rate <= Decimal(100)
    else:
        assert budget == 0


@given(cases(), st.integers(min_value=0, max_value=10**14))
def test_the_projection_is_monotone_in_spent(
        case: tuple[int, int, int, list[dict[int, int]]], more: int) -> None:
    spent, budget, month, past = case
    larger = min(budget, spent + more)
    low = project_year_end(spent, budget, month, past)
    high = project_year_end(larger, budget, month, past)
    assert low.projected <= high.projected
    assert (low.rate or 0) <= (high.rate or 0)


@given(st.integers(min_value=0, max_value=10**14), MONTH)
def test_a_full_year_straight_line_is_what_was_spent(spent: int, month: int) -> None:
    projection = project_year_end(spent, 10**15, 12)
    assert projection.projected == spent
    assert project_year_end(spent, 10**15, month).projected >= spent
