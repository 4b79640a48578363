"""The demo's part of the portal: publication dates for the published plans, and the open data
bundle built. The dates are synthetic (the documents print no publication date): the day after
a plan's approval, never after the demo's day."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

from rtis.plans.models import Plan
from rtis.portal.actions import do_publish_plan
from rtis.portal.bundle import rebuild_if_stale
from rtis.portal.models import PlanPublication


def do_demo_portal(planner: Any, today: dt.date) -> Iterator[str]:
    """Give each published plan without one a publication date; build the bundle."""
    dated = set(PlanPublication._default_manager.values_list("plan_id", flat=True))
    for plan in Plan.objects.filter(published=True).order_by("slug"):
        if plan.pk in dated:
            continue
        day = min(today, (plan.approved_on or today) + dt.timedelta(days=1))
        do_publish_plan(planner, plan, True, day)
        yield f"{plan.slug}: 공개일 {day.isoformat()} / published on {day.isoformat()} (synthetic)"
    built = rebuild_if_stale()
    yield f"공개 자료 묶음 / open data bundle: {built.zip_path}"
