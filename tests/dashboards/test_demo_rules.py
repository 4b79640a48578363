"""Dashboards on a day years after a plan: the default indicator year, slipped milestones."""

from __future__ import annotations

import datetime as dt

from rtis.dashboards import queries
from rtis.plans.models import Indicator, IndicatorActual, Plan


def scope(plan: Plan | None, day: dt.date) -> queries.Scope:
    return queries.Scope(list(Plan.objects.order_by("slug")), plan, day)


def test_the_default_indicator_year_is_the_latest_with_an_achievement(plan: Plan) -> None:
    # 입주기업수 has targets for 2018 and 2019 and an actual for 2018.
    indicator = Indicator.objects.get(node__plan=plan, name="입주기업수")
    IndicatorActual.objects.create(indicator=indicator, period="2020-01", value=3)  # no target
    assert queries.latest_indicator_year(scope(plan, dt.date(2020, 3, 1))) == 2018


def test_a_plan_that_ended_before_the_as_of_year_has_no_slipping_milestones(
        milestones: Plan) -> None:
    # The sample plan runs 2018–2020; its 2019-Q1 milestone is late while the plan runs.
    assert queries.slipped_milestones(scope(milestones, dt.date(2020, 12, 31)))
    assert queries.slipped_milestones(scope(milestones, dt.date(2021, 1, 5))) == []
    assert queries.slipped_milestones(scope(None, dt.date(2026, 12, 6))) == []


