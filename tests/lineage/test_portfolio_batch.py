"""The lineage portfolio reads all undertakings in a fixed number of queries and gives the same
figures as each undertaking's own lineage."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from rtis.lineage.actions import do_link_nodes
from rtis.lineage.queries import components, lineage_of, portfolio
from rtis.plans.models import BudgetLine, Plan
from tests.conftest import client_for

pytestmark = pytest.mark.django_db
CODES = ["1", "1-1", "2", "2-1", "2-1-1"]


@pytest.fixture
def later_plan(plan: Plan, private_plan: Plan) -> Plan:
    Plan.objects.filter(pk=private_plan.pk).update(approved_on=dt.date(2020, 2, 24))
    private_plan.refresh_from_db()
    # The later plan moves money: one line doubled and pushed a year.
    line = BudgetLine.objects.filter(node__plan=private_plan).order_by("pk").first()
    assert line is not None
    BudgetLine.objects.filter(pk=line.pk).update(amount_won=line.amount_won * 2,
                                                 year=2029)
    return private_plan


def link(planner: Any, plan: Plan, later: Plan, codes: list[str]) -> None:
    for code in codes:
        do_link_nodes(planner, plan.nodes.get(code=code), later.nodes.get(code=code),
                      kind="successor")


def reference() -> list[tuple[Any, ...]]:
    """The portfolio as one lineage per undertaking computes it (the unbatched way)."""
    rows = []
    for group in components():
        lineage = lineage_of(group)
        funded = lineage.funded
        rows.append((lineage.title(), len(lineage.columns),
                     funded[0].total if funded else None, funded[-1].total if funded else None,
                     lineage.amount_change, lineage.delay_years))
    return sorted(rows)


def test_the_batched_portfolio_equals_each_lineage(plan: Plan, later_plan: Plan,
                                                  planner: Any) -> None:
    link(planner, plan, later_plan, CODES)
    rows = portfolio()
    assert sorted((r["title"], r["plans"], r["first_total"], r["last_total"],
                   r["amount_change"], r["delay_years"]) for r in rows) == reference()
    assert len(rows) == len(CODES) and any(r["amount_change"] for r in rows)


@pytest.mark.parametrize("size", [1, len(CODES)])
def test_the_portfolio_page_reads_in_a_fixed_number_of_queries(
        plan: Plan, later_plan: Plan, planner: Any, viewer: Any, size: int) -> None:
    link(planner, plan, later_plan, CODES[:size])
    client = client_for(viewer)
    client.get(reverse("lineage:portfolio"))  # the session and the language settle first
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("lineage:portfolio"))
    assert response.status_code == 200
    assert response.content.decode().count('href="/lineage/nodes/') == size
    portfolio_queries = [q["sql"] for q in queries.captured_queries
                         if "lineage" in q["sql"] or "plans_" in q["sql"]]
    # links, linked nodes, the plans' node trees, planned money: the same four at both sizes
    assert len(portfolio_queries) == 4, portfolio_queries
    assert len(queries) <= 12, [q["sql"] for q in queries.captured_queries]


def test_a_linked_node_page_links_to_its_lineage_for_staff_only(
        plan: Plan, later_plan: Plan, planner: Any, viewer: Any) -> None:
    link(planner, plan, later_plan, ["2-1"])
    linked = reverse("plans:node", args=[plan.slug, "2-1"])
    node = plan.nodes.get(code="2-1")
    assert f'href="/lineage/nodes/{node.pk}/"' in client_for(viewer).get(linked).content.decode()
    assert "계획 간 이력" not in client_for(None).get(linked).content.decode()
    unlinked = reverse("plans:node", args=[plan.slug, "1"])
    assert "계획 간 이력" not in client_for(viewer).get(unlinked).content.decode()
