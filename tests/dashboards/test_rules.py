"""Indicator achievement and milestone slippage rules: pure, hand-computed, and properties."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from rtis.dashboards.achievement import achievement, actual_of_year, clamped, rollup
from rtis.dashboards.slippage import days_late, quarter_end

D = Decimal


def test_achievement_is_actual_over_target_for_increasing_indicators() -> None:
    assert achievement(D(200), D(50), "increase") == D("25.0")
    assert achievement(D(100), D(110), "increase") == D("110.0")
    assert achievement(D(3), D(2), "maintain") == D("66.7")


def test_achievement_is_target_over_actual_for_decreasing_indicators() -> None:
    assert achievement(D(10), D(20), "decrease") == D("50.0")
    assert achievement(D(10), D(0), "decrease") == D(100)


def test_without_target_or_actual_or_with_a_zero_target_it_is_not_computed() -> None:
    assert achievement(None, D(5), "increase") is None
    assert achievement(D(5), None, "decrease") is None
    assert achievement(D(0), D(5), "increase") is None


def test_the_rollup_is_an_unweighted_mean_of_capped_rates_without_the_uncomputed() -> None:
    assert rollup([D("110.0"), D("50.0"), None]) == D("75.0")  # (100 + 50) ÷ 2
    assert rollup([D("-20"), D("60")]) == D("30.0")  # (0 + 60) ÷ 2
    assert rollup([None, None]) is None
    assert rollup([D("33.3"), D("33.3"), D("33.4")]) == D("33.3")


@given(st.lists(st.one_of(st.none(), st.decimals(min_value=-10**6, max_value=10**6,
                                                   allow_nan=False, places=1))))
def test_the_rollup_stays_within_0_and_100(rates: list[Decimal | None]) -> None:
    result = rollup(rates)
    if all(r is None for r in rates):
        assert result is None
    else:
        assert result is not None and D(0) <= result <= D(100)
        assert min(clamped(r) for r in rates if r is not None) - D("0.05") <= result


def test_the_years_actual_is_the_annual_figure_else_the_latest_period() -> None:
    assert actual_of_year({"2019": D(7), "2019-Q4": D(9)}, 2019) == ("2019", D(7))
    assert actual_of_year({"2019-Q2": D(5), "2019-07": D(6), "2020": D(1)}, 2019) == (
        "2019-07", D(6))
    assert actual_of_year({"2019-Q3": D(5), "2019-09": D(6)}, 2019) == ("2019-Q3", D(5))
    assert actual_of_year({"2019-H2": D(5), "2019-Q4": D(6)}, 2019) == ("2019-H2", D(5))
    assert actual_of_year({"2018": D(5)}, 2019) is None


def test_an_open_milestone_is_late_from_the_quarter_end_to_the_as_of_date() -> None:
    end = quarter_end(2019, 1)
    assert end == dt.date(2019, 3, 31)
    assert days_late(end, dt.date(2019, 7, 31), False, None) == 122
    assert days_late(end, dt.date(2019, 3, 31), False, None) is None  # the quarter runs on


def test_a_done_milestone_is_late_from_the_quarter_end_to_its_completion() -> None:
    end = quarter_end(2019, 1)
    assert days_late(end, dt.date(2019, 7, 31), True, dt.date(2019, 4, 20)) == 20
    assert days_late(end, dt.date(2019, 7, 31), True, dt.date(2019, 3, 15)) is None
    assert days_late(end, dt.date(2019, 7, 31), True, None) is None


def test_a_milestone_done_after_the_as_of_date_was_still_open_then() -> None:
    end = quarter_end(2019, 1)
    assert days_late(end, dt.date(2019, 4, 10), True, dt.date(2019, 4, 20)) == 10
