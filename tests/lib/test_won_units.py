"""Won units as running text prints them (만원, 천만원, 억 ...): what one of them is worth in won."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rtis.lib.money import UNITS, parse_money, won_unit_factor

PRINTED_UNITS = ["원", "천원", "만원", "십만원", "백만원", "천만원", "억원", "십억원", "백억원",
                 "천억원", "조원", "억", "천억", "백만 원"]


@pytest.mark.parametrize(("unit", "won"), [
    ("만원", 10_000), ("천만원", 10_000_000), ("억", 100_000_000), ("천억", 10**11),
    ("백만 원", 1_000_000), ("조원", 10**12),
])
def test_it_knows_what_a_printed_won_unit_is_worth(unit: str, won: int) -> None:
    assert won_unit_factor(unit) == won


@pytest.mark.parametrize("unit", [None, "", "개", "명", "만", "천", "조", "만명", "억뷰", "만$",
                                  "만불", "명/10억원", "억원(추정)", "원화"])
def test_counts_views_dollars_and_rates_are_not_won(unit: str | None) -> None:
    assert won_unit_factor(unit) is None


def test_it_agrees_with_the_table_units() -> None:
    assert {unit: won_unit_factor(unit) for unit in UNITS} == UNITS


@given(st.integers(min_value=1, max_value=99_999), st.sampled_from(PRINTED_UNITS))
def test_it_agrees_with_reading_the_printed_amount(number: int, unit: str) -> None:
    factor = won_unit_factor(unit)
    assert factor is not None
    assert parse_money(f"{number:,}{unit.replace(' ', '')}") == number * factor
