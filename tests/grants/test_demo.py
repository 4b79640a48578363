"""The demo's part: agreements, a first report and outputs for selections of closed calls."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest

from rtis.grants.demo import do_demo_grants
from rtis.grants.models import Agreement, AnnualReport, Output
from rtis.orgs.models import User
from rtis.rnd.models import Application

pytestmark = pytest.mark.django_db
DEMO_DAY = dt.date(2027, 3, 15)  # the fixture's call closed on 2026-03-31


def test_nothing_selected_means_nothing_done(planner: User, plan: object) -> None:
    assert do_demo_grants(planner, dt.date(2022, 3, 15)) == []
    assert not Agreement.objects.exists()


def test_a_selection_of_a_closed_call_gets_its_agreement_report_and_outputs(
        planner: User, selected: Application, on_day: Callable[[dt.date], None]) -> None:
    on_day(DEMO_DAY)
    done = do_demo_grants(planner, DEMO_DAY)
    agreement = Agreement.objects.get(application=selected)
    assert agreement.starts_on == dt.date(2026, 4, 30) and agreement.ends_on.year == 2027
    city = sum(a.amount_won for a in agreement.amounts.all() if a.source == "city")
    assert city == selected.awarded_won
    assert AnnualReport.objects.get(agreement=agreement).year == 2026
    outputs = list(Output.objects.filter(agreement=agreement))
    assert sorted(o.kind for o in outputs) == ["commercialisation", "patent_application"]
    assert all(agreement.starts_on <= o.occurred_on < DEMO_DAY for o in outputs)
    assert len(done) == 3
    assert do_demo_grants(planner, DEMO_DAY) == []  # once


def test_an_open_call_is_left_alone(planner: User, selected: Application,
                                    on_day: Callable[[dt.date], None]) -> None:
    on_day(dt.date(2026, 3, 20))
    assert do_demo_grants(planner, dt.date(2026, 3, 20)) == []
