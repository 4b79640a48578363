"""Planners open, close and lock reporting periods; states only move forward, audited."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from rtis.orgs.models import User
from rtis.plans.models import Plan
from rtis.tracking.actions import do_close_period, do_lock_period, do_open_period
from rtis.tracking.models import PeriodState, ReportingPeriod
from tests.tracking.conftest import events_of

pytestmark = pytest.mark.django_db


def test_a_planner_opens_a_month(month: ReportingPeriod) -> None:
    assert month.state == PeriodState.OPEN
    assert month.label == "2019-07"
    assert month.due_on == dt.date(2019, 8, 10)
    assert events_of(month, "create")


def test_a_quarter_is_labelled_like_indicator_actuals(plan: Plan, planner: User) -> None:
    quarter = do_open_period(planner, plan, kind="quarter", year=2019, number=3,
                             due_on=dt.date(2019, 10, 10))
    assert quarter.label == "2019-Q3"


@pytest.mark.parametrize("who", ["officer", "other_officer", "viewer"])
def test_it_refuses_everyone_but_planners(who: str, plan: Plan, month: ReportingPeriod,
                                          request: pytest.FixtureRequest) -> None:
    user = request.getfixturevalue(who)
    with pytest.raises(PermissionDenied):
        do_open_period(user, plan, kind="month", year=2019, number=8, due_on=dt.date(2019, 9, 10))
    with pytest.raises(PermissionDenied):
        do_close_period(user, month)
    with pytest.raises(PermissionDenied):
        do_lock_period(user, month)
    month.refresh_from_db()
    assert month.state == PeriodState.OPEN


@pytest.mark.parametrize(("kind", "year", "number", "due_on", "field"), [
    ("week", 2019, 1, dt.date(2019, 1, 1), "kind"),
    ("month", 1980, 1, dt.date(2019, 1, 1), "year"),
    ("month", 2019, 13, dt.date(2019, 1, 1), "number"),
    ("month", 2019, 0, dt.date(2019, 1, 1), "number"),
    ("quarter", 2019, 5, dt.date(2019, 1, 1), "number"),
    ("month", 2019, 1, "2019-01-01", "due_on"),
])
def test_it_refuses_an_impossible_period(plan: Plan, planner: User, kind: str, year: int,
                                         number: int, due_on: object, field: str) -> None:
    with pytest.raises(ValidationError) as raised:
        do_open_period(planner, plan, kind=kind, year=year, number=number,
                       due_on=due_on)  # type: ignore[arg-type]
    assert field in raised.value.message_dict
    assert not ReportingPeriod.objects.exists()


def test_a_period_closes_then_locks_with_old_and_new_in_the_trail(
        planner: User, month: ReportingPeriod) -> None:
    do_close_period(planner, month)
    do_lock_period(planner, month)
    month.refresh_from_db()
    assert month.state == PeriodState.LOCKED
    changes = [e.changes["state"] for e in events_of(month)]
    assert changes == [["open", "closed"], ["closed", "locked"]]


def test_an_open_period_can_be_locked_directly(planner: User, month: ReportingPeriod) -> None:
    assert do_lock_period(planner, month).state == PeriodState.LOCKED


def test_a_planner_reopens_a_closed_period(plan: Plan, planner: User,
                                           month: ReportingPeriod) -> None:
    do_close_period(planner, month)
    reopened = do_open_period(planner, plan, kind="month", year=2019, number=7,
                              due_on=dt.date(2019, 8, 20))
    assert reopened.pk == month.pk
    assert reopened.state == PeriodState.OPEN
    assert reopened.due_on == dt.date(2019, 8, 20)
    assert events_of(month)[-1].reason == "reopen"


def test_a_locked_period_is_final(plan: Plan, planner: User, month: ReportingPeriod) -> None:
    do_lock_period(planner, month)
    with pytest.raises(ValidationError) as raised:
        do_open_period(planner, plan, kind="month", year=2019, number=7,
                       due_on=dt.date(2019, 8, 10))
    assert "state" in raised.value.message_dict
    for move in (do_close_period, do_lock_period):
        with pytest.raises(ValidationError):
            move(planner, month)
    month.refresh_from_db()
    assert month.state == PeriodState.LOCKED


def test_a_closed_period_cannot_be_closed_again(planner: User, month: ReportingPeriod) -> None:
    do_close_period(planner, month)
    with pytest.raises(ValidationError) as raised:
        do_close_period(planner, month)
    assert "state" in raised.value.message_dict


def test_periods_are_unique_per_plan_kind_year_and_number(
        plan: Plan, planner: User, month: ReportingPeriod) -> None:
    again = do_open_period(planner, plan, kind="month", year=2019, number=7,
                           due_on=dt.date(2019, 8, 10))
    assert again.pk == month.pk
    assert ReportingPeriod.objects.count() == 1
