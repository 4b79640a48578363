"""Behaviour of the Korean printed-date parser, on forms found in the seed documents."""

from __future__ import annotations

import contextlib
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rtis.lib.kdate import (
    KoreanDate,
    KoreanDateError,
    expand_year,
    find_as_of,
    half_bounds,
    parse_date_range,
    parse_half,
    parse_korean_date,
    parse_quarter,
    parse_year_range,
    quarter_bounds,
)

APOSTROPHES = ["’", "‘", "'", "`", ""]


# --- single dates ---------------------------------------------------------------------------


@pytest.mark.parametrize("apostrophe", APOSTROPHES)
def test_it_reads_two_digit_years_with_any_apostrophe_or_none(apostrophe: str) -> None:
    assert parse_korean_date(f"{apostrophe}22.3.") == KoreanDate(2022, 3)


def test_it_reads_two_digit_years_with_a_curly_apostrophe() -> None:
    parsed = parse_korean_date("’22.3.")
    assert (parsed.year, parsed.month, parsed.day, parsed.precision) == (2022, 3, None, "month")


def test_it_puts_90_to_99_in_the_1900s_and_00_to_89_in_the_2000s() -> None:
    assert parse_korean_date("'99.12.").year == 1999
    assert parse_korean_date("'90.1.").year == 1990
    assert parse_korean_date("'00.1.").year == 2000
    assert parse_korean_date("'89.1.").year == 2089
    assert [expand_year(n) for n in (0, 18, 89, 90, 99)] == [2000, 2018, 2089, 1990, 1999]


def test_it_reads_a_month_written_with_wol() -> None:
    assert parse_korean_date("'18.1월") == KoreanDate(2018, 1)
    assert parse_korean_date("’18.6월") == KoreanDate(2018, 6)


def test_it_reads_the_approval_date_of_the_2018_plan() -> None:
    parsed = parse_korean_date("2018.2.24.")
    assert parsed == KoreanDate(2018, 2, 24)
    assert parsed.precision == "day"
    assert parsed.first_day() == parsed.last_day() == date(2018, 2, 24)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2017. 11. 1.", KoreanDate(2017, 11, 1)),
        ("2021. 11. 3.", KoreanDate(2021, 11, 3)),
        ("’15. 4. 1.", KoreanDate(2015, 4, 1)),
        ("2021.07.26", KoreanDate(2021, 7, 26)),
        ("'21.05.28.", KoreanDate(2021, 5, 28)),
        ("2018-02-24", KoreanDate(2018, 2, 24)),
        ("2021년 11월 3일", KoreanDate(2021, 11, 3)),
        ("'21년 11월", KoreanDate(2021, 11)),
        ("2022.2", KoreanDate(2022, 2)),
        ("2022. 2.", KoreanDate(2022, 2)),
        ("'22.2", KoreanDate(2022, 2)),
        ("’16년", KoreanDate(2016)),
        ("'22년도", KoreanDate(2022)),
        ("2022", KoreanDate(2022)),
        ("’22.", KoreanDate(2022)),
    ],
)
def test_it_reads_the_date_forms_of_the_seed_documents(text: str, expected: KoreanDate) -> None:
    assert parse_korean_date(text) == expected


def test_it_reads_an_as_of_date_in_parentheses() -> None:
    assert parse_korean_date("(’22.1.21. 기준)") == KoreanDate(2022, 1, 21)
    assert parse_korean_date("’22.1.21. 기준") == KoreanDate(2022, 1, 21)
    assert parse_korean_date("2021년 12월 31일 현재") == KoreanDate(2021, 12, 31)


def test_it_finds_the_as_of_date_inside_a_table_caption() -> None:
    assert find_as_of("(단위 : 백만원, %, '22.1.21. 기준)") == KoreanDate(2022, 1, 21)
    assert find_as_of("정원 307 / 현원 295명 (’22.1.21. 기준)") == KoreanDate(2022, 1, 21)
    assert find_as_of("(단위 : 억원, %)") is None


def test_it_checks_a_printed_weekday_against_the_calendar() -> None:
    assert parse_korean_date("'22.2.9.(수)") == KoreanDate(2022, 2, 9)
    assert parse_korean_date("22.3.18(금)") == KoreanDate(2022, 3, 18)
    with pytest.raises(KoreanDateError, match="수요일"):
        parse_korean_date("'22.2.9.(목)")


def test_it_keeps_end_of_month_and_during_the_year_at_their_precision() -> None:
    end_of_december = parse_korean_date("’21년 12월말")
    assert end_of_december.last_day() == date(2021, 12, 31)
    assert parse_korean_date("'24년중") == KoreanDate(2024)


def test_it_spans_the_whole_month_or_year_it_was_printed_with() -> None:
    february = parse_korean_date("’24.2.")
    assert (february.first_day(), february.last_day()) == (date(2024, 2, 1), date(2024, 2, 29))
    year = parse_korean_date("’23년")
    assert (year.first_day(), year.last_day()) == (date(2023, 1, 1), date(2023, 12, 31))
    assert year.contains(date(2023, 7, 1))
    assert not year.contains(date(2024, 1, 1))


def test_it_prints_a_date_back_the_way_seoul_documents_do() -> None:
    assert KoreanDate(2022, 3, 21).short() == "’22.3.21."
    assert KoreanDate(2022, 3).short() == "’22.3."
    assert KoreanDate(2022).short() == "’22년"
    assert KoreanDate(2095, 1).short() == "2095.1."
    assert str(KoreanDate(2022, 3)) == "2022-03"


def test_it_refuses_a_thirteenth_month_quoting_the_input_in_korean_then_english() -> None:
    with pytest.raises(KoreanDateError) as caught:
        parse_korean_date("’22.13.")
    assert str(caught.value) == "월은 1~12 사이여야 합니다 / month must be 1–12: '’22.13.'"
    assert isinstance(caught.value, ValueError)


@pytest.mark.parametrize("text", ["2022.2.30.", "’23.2.29.", "'21.4.31.", "2021년 6월 0일"])
def test_it_refuses_days_the_month_does_not_have(text: str) -> None:
    with pytest.raises(KoreanDateError, match="일이 없습니다"):
        parse_korean_date(text)


def test_it_accepts_the_29th_of_february_in_a_leap_year() -> None:
    assert parse_korean_date("’24.2.29.") == KoreanDate(2024, 2, 29)


def test_it_refuses_years_before_1990_like_the_founding_date_of_ksea() -> None:
    with pytest.raises(KoreanDateError, match="1990~2100"):
        parse_korean_date("1971. 12. 11.")
    with pytest.raises(KoreanDateError, match="1990~2100"):
        parse_korean_date("2101.1.1.")


@pytest.mark.parametrize(
    "text",
    [
        "",
        "abc",
        "’21.6/12",
        "'2022.3.",
        "2.3.",
        "10.19.(화)",
        "'22.3.~",
        "20223",
        "2018-2.3",
        "’22.3.5(수)",
        "'22년예산",
        "'22년까지",
        "’22.(수)",
    ],
)
def test_it_refuses_text_that_is_not_one_date(text: str) -> None:
    with pytest.raises(KoreanDateError):
        parse_korean_date(text)


def test_it_refuses_a_korean_date_built_with_an_impossible_day() -> None:
    with pytest.raises(KoreanDateError):
        KoreanDate(2022, 2, 30)
    with pytest.raises(KoreanDateError):
        KoreanDate(2022, None, 3)


# --- ranges ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("’15~’23", (2015, 2023)),
        ("(~23)", (None, 2023)),
        ("(~’23)", (None, 2023)),
        ("(~'23년)", (None, 2023)),
        ("2018~2022", (2018, 2022)),
        ("2018-2022", (2018, 2022)),
        ("(2019-2021)", (2019, 2021)),
        ("(’18~’22)", (2018, 2022)),
        ("’18년~’23년", (2018, 2023)),
        ("’13~’16년", (2013, 2016)),
        ("2018~22", (2018, 2022)),
        ("’22년까지", None),
    ],
)
def test_it_reads_spans_of_years(text: str, expected: tuple[int | None, int] | None) -> None:
    if expected is None:
        with pytest.raises(KoreanDateError):
            parse_year_range(text)
        return
    assert parse_year_range(text) == expected


@pytest.mark.parametrize("text", ["2015~2013", "’18~", "’22", "2018-03", "-2022", "’22.3.~’23"])
def test_it_refuses_backwards_open_ended_or_month_spans_of_years(text: str) -> None:
    with pytest.raises(KoreanDateError):
        parse_year_range(text)


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("’19.10~’22.6", KoreanDate(2019, 10), KoreanDate(2022, 6)),
        ("’16.6.25.~26.", KoreanDate(2016, 6, 25), KoreanDate(2016, 6, 26)),
        ("’16.3.~5.", KoreanDate(2016, 3), KoreanDate(2016, 5)),
        ("('18.1.~3.)", KoreanDate(2018, 1), KoreanDate(2018, 3)),
        ("'21. 10. 18~11.5", KoreanDate(2021, 10, 18), KoreanDate(2021, 11, 5)),
        ("2017.10 ~ 2022.9", KoreanDate(2017, 10), KoreanDate(2022, 9)),
        ("'22.1~6월", KoreanDate(2022, 1), KoreanDate(2022, 6)),
        ("'22. 3.~12.", KoreanDate(2022, 3), KoreanDate(2022, 12)),
        ("'20. 2. ~ '21. 12.", KoreanDate(2020, 2), KoreanDate(2021, 12)),
        ("(’19.1~9)", KoreanDate(2019, 1), KoreanDate(2019, 9)),
        ("’15.12.~’16.12", KoreanDate(2015, 12), KoreanDate(2016, 12)),
        ("’18~’22", KoreanDate(2018), KoreanDate(2022)),
        ("'22.3.~", KoreanDate(2022, 3), None),
        ("’18~", KoreanDate(2018), None),
        ("(~'22.8)", None, KoreanDate(2022, 8)),
        ("’22년까지", None, KoreanDate(2022)),
    ],
)
def test_it_reads_periods_taking_the_omitted_year_from_the_start(
    text: str, start: KoreanDate | None, end: KoreanDate | None
) -> None:
    assert parse_date_range(text) == (start, end)


@pytest.mark.parametrize(
    "text", ["~", "’22.3.~’21.1.", "’22.3~2~4", "’22.6.~30.", "'22.1 ~ 6.(6개월간)"]
)
def test_it_refuses_periods_that_cannot_be_read(text: str) -> None:
    with pytest.raises(KoreanDateError):
        parse_date_range(text)


# --- quarters and halves --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("'21. 4분기", (2021, 4)),
        ("2021년 3분기", (2021, 3)),
        ("21.1Q", (2021, 1)),
        ("('21.1Q)", (2021, 1)),
        ("('21.3분기)", (2021, 3)),
        ("2022년 1/4분기", (2022, 1)),
        ("2021 Q3", (2021, 3)),
    ],
)
def test_it_reads_quarters(text: str, expected: tuple[int, int]) -> None:
    assert parse_quarter(text) == expected


def test_it_reads_a_bare_quarter_only_when_given_the_year() -> None:
    assert parse_quarter("3분기", default_year=2021) == (2021, 3)
    assert parse_quarter("(3Q)", default_year=2021) == (2021, 3)
    with pytest.raises(KoreanDateError, match="연도가 없습니다"):
        parse_quarter("3분기")


@pytest.mark.parametrize("text", ["5분기", "0분기", "20213분기", "'21. 4", "분기별", "'21.12분기"])
def test_it_refuses_quarters_outside_one_to_four(text: str) -> None:
    with pytest.raises(KoreanDateError):
        parse_quarter(text, default_year=2021)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("22년 상반기", (2022, 1)),
        ("'22년 하반기", (2022, 2)),
        ("'22.상반기", (2022, 1)),
        ("'22. 상반기", (2022, 1)),
        ("('22년 상반기 중)", (2022, 1)),
        ("('20년 하반기)", (2020, 2)),
        ("2022년 후반기", (2022, 2)),
    ],
)
def test_it_reads_half_years(text: str, expected: tuple[int, int]) -> None:
    assert parse_half(text) == expected


def test_it_refuses_a_text_naming_both_halves() -> None:
    with pytest.raises(KoreanDateError):
        parse_half("상·하반기", default_year=2022)


def test_it_gives_the_calendar_days_of_quarters_and_halves() -> None:
    assert quarter_bounds(2024, 1) == (date(2024, 1, 1), date(2024, 3, 31))
    assert quarter_bounds(2021, 4) == (date(2021, 10, 1), date(2021, 12, 31))
    assert half_bounds(2022, 2) == (date(2022, 7, 1), date(2022, 12, 31))
    with pytest.raises(KoreanDateError):
        quarter_bounds(2021, 5)


# --- properties -----------------------------------------------------------------------------

two_digit_dates = st.dates(min_value=date(1990, 1, 1), max_value=date(2089, 12, 31))
all_dates = st.dates(min_value=date(1990, 1, 1), max_value=date(2100, 12, 31))


@given(two_digit_dates, st.sampled_from(APOSTROPHES), st.sampled_from(["", " "]))
def test_any_valid_date_printed_with_a_two_digit_year_reads_back(
    day: date, apostrophe: str, space: str
) -> None:
    text = f"{apostrophe}{day.year % 100:02d}.{space}{day.month}.{space}{day.day}."
    assert parse_korean_date(text) == KoreanDate(day.year, day.month, day.day)


@given(all_dates, st.sampled_from(["{y}.{m}.{d}.", "{y}. {m}. {d}.", "{y}년 {m}월 {d}일"]))
def test_any_valid_date_printed_with_a_four_digit_year_reads_back(day: date, form: str) -> None:
    text = form.format(y=day.year, m=day.month, d=day.day)
    assert parse_korean_date(text) == KoreanDate(day.year, day.month, day.day)
    assert parse_korean_date(day.isoformat()).first_day() == day


@given(all_dates, st.sampled_from(["year", "month", "day"]))
def test_printing_a_date_short_and_reading_it_gives_it_back(day: date, precision: str) -> None:
    original = KoreanDate(
        day.year,
        None if precision == "year" else day.month,
        day.day if precision == "day" else None,
    )
    assert parse_korean_date(original.short()) == original
    assert original.first_day() <= day <= original.last_day()


@given(two_digit_dates, two_digit_dates)
def test_any_period_between_two_days_reads_back(first: date, second: date) -> None:
    start, end = sorted((first, second))
    text = f"’{start.year % 100:02d}.{start.month}.{start.day}.~’{end.year % 100:02d}.{end.month}."
    assert parse_date_range(text) == (
        KoreanDate(start.year, start.month, start.day),
        KoreanDate(end.year, end.month),
    )


@given(st.integers(1990, 2089), st.integers(0, 30), st.sampled_from(APOSTROPHES))
def test_any_span_of_years_reads_back(start: int, length: int, apostrophe: str) -> None:
    end = min(start + length, 2089)
    text = f"({apostrophe}{start % 100:02d}~{apostrophe}{end % 100:02d})"
    assert parse_year_range(text) == (start, end)
    assert parse_year_range(f"{start}-{end}") == (start, end)


@given(st.integers(1990, 2089), st.integers(1, 4), st.integers(1, 2))
def test_any_quarter_and_half_read_back(year: int, quarter: int, half: int) -> None:
    assert parse_quarter(f"'{year % 100:02d}. {quarter}분기") == (year, quarter)
    assert parse_quarter(f"{year}년 {quarter}분기") == (year, quarter)
    assert parse_half(f"{year % 100:02d}년 {'상하'[half - 1]}반기") == (year, half)
    first, last = quarter_bounds(year, quarter)
    assert first.year == last.year == year and (last - first).days in range(89, 92)


DATE_ALPHABET = "0123456789.'’`~-–() 년월일도기준현재초중말분기상하반Q/H수목금까지부터:%"


@given(st.one_of(st.text(max_size=30), st.text(alphabet=DATE_ALPHABET, max_size=24)))
def test_garbage_never_raises_anything_but_korean_date_error(text: str) -> None:
    for parse in (
        parse_korean_date,
        parse_year_range,
        parse_date_range,
        parse_quarter,
        parse_half,
        find_as_of,
    ):
        with contextlib.suppress(KoreanDateError):
            parse(text)


@given(st.one_of(st.none(), st.integers(), st.floats(), st.binary()))
def test_non_text_is_refused_with_korean_date_error(value: object) -> None:
    with pytest.raises(KoreanDateError):
        parse_korean_date(value)  # type: ignore[arg-type]


def test_it_scans_a_long_page_for_an_as_of_date_without_backtracking() -> None:
    page = "2022" + ". " * 20_000 + "'22" + " . " * 20_000 + "(’22.1.21. 기준)"
    assert find_as_of(page) == KoreanDate(2022, 1, 21)
    with pytest.raises(KoreanDateError):
        parse_date_range("'22.3.~" + "1" * 60 + "x")
