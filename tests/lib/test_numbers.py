"""Behaviour of rtis.lib.numbers: a typed whole number is ASCII digits, nothing else."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from rtis.lib.numbers import ascii_int, is_ascii_digits


def test_it_reads_ascii_digits_and_refuses_other_scripts_digits() -> None:
    assert ascii_int("2024") == 2024 and ascii_int("007") == 7
    for odd in ("²", "٣", "١٢", "１２", "", " 1", "1 ", "+1", "-1", "1_000", "1.0"):
        assert ascii_int(odd) is None, odd
        assert not is_ascii_digits(odd), odd


def test_a_page_of_digits_is_no_number_rather_than_a_value_error() -> None:
    assert ascii_int("9" * 100_000) is None and ascii_int("-" + "9" * 100_000, signed=True) is None
    assert is_ascii_digits("9" * 100_000)


def test_a_signed_read_takes_one_minus_sign_and_nothing_else() -> None:
    assert ascii_int("-12", signed=True) == -12 and ascii_int("12", signed=True) == 12
    for odd in ("-", "--1", "-²", "+1", "- 1", "-٣"):
        assert ascii_int(odd, signed=True) is None, odd


@given(st.text())
def test_it_agrees_with_isascii_and_isdigit_and_with_int(text: str) -> None:
    expected = text.isascii() and text.isdigit()
    assert is_ascii_digits(text) is expected
    assert ascii_int(text) == (int(text) if expected else None)  # int() accepts it whenever true


@given(st.text(alphabet=st.sampled_from("0123456789-²٣١ +_")))
def test_a_signed_read_is_int_on_an_optional_minus_and_ascii_digits(text: str) -> None:
    body = text.removeprefix("-")
    expected = int(text) if body.isascii() and body.isdigit() else None
    assert ascii_int(text, signed=True) == expected


@given(st.integers())
def test_it_round_trips_every_integer_it_prints(number: int) -> None:
    assert ascii_int(str(number), signed=True) == number
    assert ascii_int(str(number)) == (number if number >= 0 else None)
