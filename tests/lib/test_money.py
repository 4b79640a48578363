"""Behaviour of the money-unit helpers, on amounts found in the seed documents."""

from __future__ import annotations

import contextlib
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rtis.lib.money import (
    MAX_WON,
    UNITS,
    MoneyError,
    format_won,
    from_won,
    parse_amount,
    parse_money,
    parse_unit,
    rounding_tolerance_won,
    to_won,
)

POWERS = {unit: len(str(factor)) - 1 for unit, factor in UNITS.items()}


# --- to_won / from_won ----------------------------------------------------------------------


def test_it_knows_the_five_units_of_the_glossary() -> None:
    assert UNITS == {
        "원": 1,
        "천원": 1_000,
        "백만원": 1_000_000,
        "억원": 100_000_000,
        "조원": 1_000_000_000_000,
    }


def test_it_converts_a_printed_cell_in_millions_of_won_to_won() -> None:
    assert to_won("7,900", "백만원") == 7_900_000_000
    assert to_won("85,035", "백만원") == 85_035_000_000


def test_it_converts_ints_decimals_and_negative_strings() -> None:
    assert to_won(300, "억원") == 30_000_000_000
    assert to_won(Decimal("1.5"), "억원") == 150_000_000
    assert to_won("-1,200", "천원") == -1_200_000
    assert to_won("△1,200", "천원") == -1_200_000
    assert to_won(Decimal("0.001"), "천원") == 1
    assert to_won(Decimal("7.9E+3"), "백만원") == 7_900_000_000


def test_it_refuses_a_fraction_of_a_won_naming_the_value_and_unit() -> None:
    with pytest.raises(MoneyError) as caught:
        to_won("0.0000001", "백만원")
    message = str(caught.value)
    assert "원 단위 정수가 아닙니다 / not a whole number of won" in message
    assert "'0.0000001'" in message and "백만원" in message
    assert isinstance(caught.value, ValueError)


def test_it_refuses_unknown_units_such_as_man_won() -> None:
    with pytest.raises(MoneyError, match=r"unknown unit.*'만원'"):
        to_won("300", "만원")


@pytest.mark.parametrize(
    "value",
    [Decimal("NaN"), Decimal("Infinity"), Decimal("-Infinity"), "NaN", "inf", "1e3", 1.5, True],
)
def test_it_refuses_non_finite_values_floats_and_booleans(value: object) -> None:
    with pytest.raises(MoneyError):
        to_won(value, "원")  # type: ignore[arg-type]


@pytest.mark.parametrize("value", ["79,00", "7,9000", "1,2,3", "7 900", "12%", "", "-", "(△12)"])
def test_it_refuses_misgrouped_or_empty_strings(value: str) -> None:
    with pytest.raises(MoneyError):
        to_won(value, "원")


def test_it_refuses_amounts_that_do_not_fit_a_bigint_column() -> None:
    assert to_won(MAX_WON, "원") == MAX_WON
    with pytest.raises(MoneyError, match="too large"):
        to_won(MAX_WON + 1, "원")
    with pytest.raises(MoneyError, match="too large"):
        to_won(Decimal("1E+30"), "조원")
    with pytest.raises(MoneyError, match="too large"):
        to_won("10,000,000", "조원")


def test_it_expresses_won_exactly_in_a_unit() -> None:
    assert from_won(7_900_000_000, "백만원") == Decimal("7900")
    assert str(from_won(7_900_000_000, "백만원")) == "7900"
    assert str(from_won(1_500_000, "백만원")) == "1.5"
    assert from_won(1, "조원") == Decimal("1E-12")
    assert from_won(-5, "원") == Decimal(-5)
    assert from_won(0, "억원") == 0


# --- format_won -----------------------------------------------------------------------------


def test_it_prints_won_in_millions_with_thousands_separators_by_default() -> None:
    assert format_won(7_900_000_000) == "7,900"
    assert format_won(1_234_567_890_123) == "1,234,568"


def test_it_rounds_half_up_like_korean_public_documents() -> None:
    assert format_won(2_500_000) == "3"
    assert format_won(3_500_000) == "4"
    assert format_won(2_499_999) == "2"
    assert format_won(-2_500_000) == "-3"
    assert format_won(1_250_000_000, "억원", decimals=1) == "12.5"
    assert format_won(1_225_000_000, "억원", decimals=1) == "12.3"


def test_it_never_prints_minus_zero() -> None:
    assert format_won(-400_000) == "0"
    assert format_won(-4, "천원", decimals=2) == "0.00"


def test_it_prints_negatives_with_a_triangle_when_asked() -> None:
    assert format_won(-1_234_567, "천원", minus="△") == "△1,235"
    with pytest.raises(MoneyError):
        format_won(1, "원", minus="▲")


def test_it_pads_decimals_with_zeros() -> None:
    assert format_won(5, "천원", decimals=3) == "0.005"
    assert format_won(12_000_000, "억원", decimals=2) == "0.12"
    assert format_won(5, "원", decimals=None) == "5"


def test_it_refuses_negative_decimals_and_unknown_units() -> None:
    with pytest.raises(MoneyError):
        format_won(1, "원", decimals=-1)
    with pytest.raises(MoneyError):
        format_won(1, "달러")


# --- parse_amount ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("7,900", Decimal("7900")),
        ("△1,200", Decimal("-1200")),
        ("(1,200)", Decimal("-1200")),
        ("Δ0.5", Decimal("-0.5")),
        ("-12", Decimal("-12")),
        ("+3", Decimal("3")),
        ("1,234.5", Decimal("1234.5")),
        (" 48,907 ", Decimal("48907")),
        ("0", Decimal("0")),
    ],
)
def test_it_reads_printed_cells(text: str, expected: Decimal) -> None:
    assert parse_amount(text) == expected


@pytest.mark.parametrize("text", ["-", "－", "", "…", "  ", "..."])
def test_it_reads_an_empty_cell_as_none(text: str) -> None:
    assert parse_amount(text) is None


@pytest.mark.parametrize("text", ["(△12)", "▲3", "▼3", "12%", "1,2345", "7,900백만원", "abc", "()"])
def test_it_refuses_cells_that_are_not_plain_amounts(text: str) -> None:
    with pytest.raises(MoneyError):
        parse_amount(text)


# --- tolerance, units and amounts in words --------------------------------------------------


def test_it_allows_half_a_printed_unit_per_rounded_term() -> None:
    assert rounding_tolerance_won("백만원", 1) == 500_000
    assert rounding_tolerance_won("백만원", 4) == 2_000_000
    assert rounding_tolerance_won("억원", 2, decimals=1) == 10_000_000
    assert rounding_tolerance_won("천원", 0) == 0


def test_it_allows_no_tolerance_for_figures_printed_in_whole_won() -> None:
    assert rounding_tolerance_won("원", 3) == 0
    assert rounding_tolerance_won("천원", 3, decimals=3) == 0


def test_it_refuses_a_negative_number_of_terms() -> None:
    with pytest.raises(MoneyError):
        rounding_tolerance_won("백만원", -1)


@pytest.mark.parametrize(
    ("text", "unit"),
    [
        ("(단위: 백만원)", "백만원"),
        ("(단위 : 억원, %)", "억원"),
        ("(단위 : 백만원, %, '22.1.21. 기준)", "백만원"),
        ("(단위:천원)", "천원"),
        ("억원", "억원"),
    ],
)
def test_it_finds_the_unit_of_a_table_caption(text: str, unit: str) -> None:
    assert parse_unit(text) == unit


@pytest.mark.parametrize("text", ["(단위 : 개)", "(단위 : 횟수)", "만원", ""])
def test_it_refuses_a_caption_without_a_money_unit(text: str) -> None:
    with pytest.raises(MoneyError):
        parse_unit(text)


@pytest.mark.parametrize(
    ("text", "won"),
    [
        ("85,035백만원", 85_035_000_000),
        ("300억원", 30_000_000_000),
        ("1,000억원", 100_000_000_000),
        ("289조 7,187억원", 289_718_700_000_000),
        ("3조 4천 4백억원", 3_440_000_000_000),
        ("1,500만원", 15_000_000),
        ("10,770원", 10_770),
        ("7천원", 7_000),
        ("1.5억원", 150_000_000),
        ("300억", 30_000_000_000),
        ("△300억원", -30_000_000_000),
    ],
)
def test_it_reads_amounts_written_with_korean_units(text: str, won: int) -> None:
    assert parse_money(text) == won


@pytest.mark.parametrize(
    "text", ["27억$", "천원", "1,200", "억원", "1.5원", "3억 2조원", "4백 4천원"]
)
def test_it_refuses_amounts_in_words_that_are_not_whole_won(text: str) -> None:
    with pytest.raises(MoneyError):
        parse_money(text)


# --- properties -----------------------------------------------------------------------------

units = st.sampled_from(sorted(UNITS))
wons = st.integers(-MAX_WON, MAX_WON)


@given(wons, units)
def test_from_won_then_to_won_gives_back_the_won(won: int, unit: str) -> None:
    assert to_won(from_won(won, unit), unit) == won


@given(st.data(), units)
def test_to_won_then_from_won_gives_back_the_printed_value(data: st.DataObject, unit: str) -> None:
    power = POWERS[unit]
    limit = Decimal(MAX_WON).scaleb(-power).to_integral_value() - 1
    value = data.draw(st.decimals(min_value=-limit, max_value=limit, places=power, allow_nan=False))
    assert from_won(to_won(value, unit), unit) == value


@given(wons, units, st.sampled_from(["-", "△"]))
def test_formatting_with_enough_decimals_then_parsing_is_exact(
    won: int, unit: str, minus: str
) -> None:
    printed = format_won(won, unit, decimals=POWERS[unit], minus=minus)
    assert parse_amount(printed) == from_won(won, unit)
    assert to_won(printed, unit) == won


@given(wons, units)
def test_formatting_whole_units_then_parsing_is_within_the_rounding_tolerance(
    won: int, unit: str
) -> None:
    parsed = parse_amount(format_won(won, unit))
    assert parsed is not None
    assert abs(int(parsed) * UNITS[unit] - won) <= rounding_tolerance_won(unit, 1)


@given(st.integers(-(10**12), 10**12), units)
def test_rounding_is_half_up_and_symmetric(printed: int, unit: str) -> None:
    factor = UNITS[unit]
    if factor == 1:
        return
    half = printed * factor + (factor // 2 if printed >= 0 else -(factor // 2))
    expected = printed + (1 if printed >= 0 else -1)
    assert parse_amount(format_won(half, unit)) == expected
    assert parse_amount(format_won(-half, unit)) == -expected


@given(st.integers(-(MAX_WON // 10**6), MAX_WON // 10**6))
def test_amounts_in_words_agree_with_cells_in_millions(millions: int) -> None:
    printed = format_won(millions * 1_000_000, "백만원", minus="△")
    assert parse_money(f"{printed}백만원") == millions * 1_000_000


MONEY_ALPHABET = "0123456789,.-−△Δ▲()+ 원천백만억조십단위:%…－eE"


@given(st.one_of(st.text(max_size=30), st.text(alphabet=MONEY_ALPHABET, max_size=24)))
def test_garbage_never_raises_anything_but_money_error(text: str) -> None:
    for call in (
        lambda: parse_amount(text),
        lambda: parse_money(text),
        lambda: parse_unit(text),
        lambda: to_won(text, "백만원"),
        lambda: to_won("1", text),
    ):
        with contextlib.suppress(MoneyError):
            call()


@given(
    st.one_of(
        st.none(),
        st.floats(),
        st.decimals(),
        st.integers(),
        st.booleans(),
        st.binary(),
        st.lists(st.integers(), max_size=2),
    ),
    units,
)
def test_odd_values_never_raise_anything_but_money_error(value: object, unit: str) -> None:
    for call in (
        lambda: to_won(value, unit),  # type: ignore[arg-type]
        lambda: from_won(value, unit),  # type: ignore[arg-type]
        lambda: format_won(value, unit),  # type: ignore[arg-type]
        lambda: parse_amount(value),  # type: ignore[arg-type]
        lambda: rounding_tolerance_won(unit, value),  # type: ignore[arg-type]
    ):
        with contextlib.suppress(MoneyError):
            call()
