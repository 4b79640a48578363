"""The national-project row parsers: amounts in won and years read ASCII digits only.

Before, a year such as '²' passed str.isdigit() and crashed int(), and an amount too large for
the column reached the database; both are now a record's problem with its reason.
"""

from __future__ import annotations

import pytest

from rtis.ntis.rows import parse_won


@pytest.mark.parametrize(("text", "value"), [("1,234", 1234), ("1234.0", 1234), ("+5", 5),
                                             ("-0", 0), (" 7 ", 7), ("", None)])
def test_an_amount_in_won_reads_digits_commas_and_a_trailing_point_zero(text: str,
                                                                      value: int | None) -> None:
    assert parse_won(text) == value


@pytest.mark.parametrize("text", ["1_000", "１０", "1.5", "9" * 19, "+", ".0", "1e3", "²"])
def test_an_amount_in_won_refuses_anything_else(text: str) -> None:
    with pytest.raises(ValueError):
        parse_won(text)
