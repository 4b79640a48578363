"""The slipped-milestone rows are read in one query however many there are (the CSV of a large
portfolio grew 8 → 12 → 50 queries when ids went 900 to a query)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from rtis.dashboards.queries import SlippedMilestone, id_batch, milestone_details
from rtis.plans.models import Plan
from rtis.tracking.models import Milestone, PeriodKind, ReportingPeriod

pytestmark = pytest.mark.django_db


def slipped(plan: Plan, count: int) -> list[SlippedMilestone]:
    """`count` late milestones of one node, one a month from January 2010."""
    node = plan.nodes.order_by("position").last()
    assert node is not None
    periods = ReportingPeriod.objects.bulk_create([
        ReportingPeriod(plan=plan, kind=PeriodKind.MONTH, year=2010 + n // 12, number=n % 12 + 1,
                        due_on=dt.date(2010 + n // 12, n % 12 + 1, 10)) for n in range(count)])
    if not all(p.pk for p in periods):  # backends that return no ids from bulk_create
        periods = list(ReportingPeriod.objects.filter(plan=plan, year__gte=2010)
                       .order_by("year", "number"))
    milestones = Milestone.objects.bulk_create([
        Milestone(node=node, period=p, planned=f"일정 {n}") for n, p in enumerate(periods)])
    if not all(m.pk for m in milestones):
        milestones = list(Milestone.objects.filter(node=node, period__year__gte=2010)
                          .order_by("period__year", "period__number"))
    return [SlippedMilestone(m.pk, node.pk, plan, None, dt.date(2010, 1, 31), 30)
            for m in milestones]


@pytest.mark.parametrize("count", [12, 1_008])
def test_the_rows_of_slipped_milestones_take_one_query_at_any_size(
        plan: Plan, count: int, django_assert_num_queries: Any) -> None:
    items = slipped(plan, count)
    assert count <= id_batch()
    with django_assert_num_queries(1):
        rows = milestone_details(items)
    assert [r.item.pk for r in rows] == [i.pk for i in items]
    assert rows[-1].planned == f"일정 {count - 1}"


def test_a_batch_is_never_smaller_than_the_old_safe_size(db: Any) -> None:
    assert id_batch() >= 900
