"""The overlap rule of tenancies, against a day-by-day model (hypothesis)."""

from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from rtis.facilities.actions import _overlaps
from rtis.facilities.models import Occupancy

START = dt.date(2020, 1, 1)
HORIZON = 60  # days; an open tenancy runs past the horizon


@st.composite
def tenancy(draw: st.DrawFn) -> tuple[dt.date, dt.date | None]:
    begin = draw(st.integers(0, HORIZON - 1))
    length = draw(st.one_of(st.none(), st.integers(0, HORIZON)))
    start = START + dt.timedelta(days=begin)
    return start, None if length is None else start + dt.timedelta(days=length)


def days(span: tuple[dt.date, dt.date | None]) -> set[dt.date]:
    start, end = span
    last = end or START + dt.timedelta(days=3 * HORIZON)
    return {start + dt.timedelta(days=i) for i in range((last - start).days + 1)}


@given(tenancy(), tenancy())
def test_two_tenancies_overlap_exactly_when_they_share_a_day(
        first: tuple[dt.date, dt.date | None], second: tuple[dt.date, dt.date | None]) -> None:
    other = Occupancy(moved_in_on=second[0], moved_out_on=second[1])
    assert _overlaps(first[0], first[1], other) == bool(days(first) & days(second))


@given(tenancy(), tenancy())
def test_the_rule_is_symmetric(first: tuple[dt.date, dt.date | None],
                               second: tuple[dt.date, dt.date | None]) -> None:
    a = Occupancy(moved_in_on=first[0], moved_out_on=first[1])
    b = Occupancy(moved_in_on=second[0], moved_out_on=second[1])
    assert _overlaps(first[0], first[1], b) == _overlaps(second[0], second[1], a)
