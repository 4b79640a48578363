"""Every dashboard page, records page and download runs the same number of queries for the
sample plan and for ten copies of it (approved execution, milestones and indicator actuals on
every unit project): a count that grows with the data fails here."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from rtis.plans.models import Plan
from rtis.tracking.actions import do_open_period
from rtis.tracking.models import ExecutionRecord, ExecutionStatus, Milestone, MilestoneState
from tests.api.scaled import scaled_doc
from tests.conftest import client_for, ensure_funding_sources, import_doc
from tests.dashboards.test_views import PAGES

pytestmark = pytest.mark.django_db
M = 1_000_000


def tracked(planner: Any, copies: int) -> Plan:
    """The sample plan `copies` times, with records on every unit project (bulk: data only)."""
    plan = import_doc(scaled_doc(copies))
    units = list(plan.nodes.filter(depth=3).order_by("position"))
    months = [do_open_period(planner, plan, kind="month", year=2019, number=n,
                             due_on=dt.date(2019, n, 28)) for n in (6, 7)]
    quarters = [do_open_period(planner, plan, kind="quarter", year=2019, number=n,
                               due_on=dt.date(2019, n * 3, 28)) for n in (1, 2)]
    ExecutionRecord.objects.bulk_create([
        ExecutionRecord(node=u, period=p, status=ExecutionStatus.APPROVED,
                        original_budget=1000 * M, committed=(i % 9 + 1) * 100 * M, spent=50 * M)
        for p in months for i, u in enumerate(units)])
    Milestone.objects.bulk_create([
        Milestone(node=u, period=quarters[0], status=ExecutionStatus.APPROVED,
                  planned="착수", state=MilestoneState.IN_PROGRESS) for u in units] + [
        Milestone(node=u, period=quarters[1], status=ExecutionStatus.APPROVED, planned="완료",
                  state=MilestoneState.DONE, completed_on=dt.date(2019, 7, 10))
        for u in units])
    return plan


@pytest.fixture
def plans(planner: Any) -> dict[int, Plan]:
    ensure_funding_sources()
    return {n: tracked(planner, n) for n in (1, 10)}


def _count(client: Any, name: str, params: dict[str, str]) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse(f"dashboards:{name}"), params)
        assert response.status_code == 200, (name, params)
        if response.streaming:
            b"".join(response.streaming_content)
    return len(queries)


@pytest.mark.parametrize("fmt", ["html", "csv", "xlsx"])
def test_every_dashboard_takes_the_same_queries_at_ten_times_the_data(
        plans: dict[int, Plan], planner: Any, fmt: str) -> None:
    client = client_for(planner)
    client.get(reverse("dashboards:index"))  # the session warm
    grown = {}
    for name in PAGES:
        if fmt != "html" and name == "index":
            continue
        counts = {}
        for n, plan in plans.items():
            params = {"plan": plan.slug, "as_of": "2019-07-31"}
            if fmt != "html":
                params["format"] = fmt
            counts[n] = _count(client, name, params)
        if counts[1] != counts[10] or counts[1] > 12:
            grown[name] = counts
    assert not grown, grown
