"""Lineage: planners link nodes across plans, a cycle is refused, an undertaking year by year."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from rtis.lineage.actions import do_link_nodes
from rtis.lineage.models import NodeLink
from rtis.lineage.queries import group_of, lineage_of, portfolio
from rtis.plans.models import Plan
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def later_plan(plan: Plan, private_plan: Plan) -> Plan:
    """The unpublished copy, approved two years after the sample plan."""
    import datetime as dt

    Plan.objects.filter(pk=private_plan.pk).update(approved_on=dt.date(2020, 2, 24))
    private_plan.refresh_from_db()
    return private_plan


def test_a_link_that_closes_a_cycle_is_refused(plan: Plan, later_plan: Plan, planner: Any) -> None:
    a, b = plan.nodes.get(code="2-1"), later_plan.nodes.get(code="2-1")
    do_link_nodes(planner, a, b, kind="successor", note="이어짐", evidence="문서")
    with pytest.raises(ValidationError) as caught:
        do_link_nodes(planner, b, a, kind="same")
    assert "순환" in caught.value.message_dict["later"][0]
    assert NodeLink.objects.count() == 1


def test_a_longer_cycle_is_refused_too(plan: Plan, later_plan: Plan, planner: Any) -> None:
    third = Plan.objects.create(slug="third", title="셋째 계획", period_start=2022,
                                period_end=2024)
    from rtis.plans.models import Node

    c = Node.objects.create(plan=third, code="1", title="셋째", depth=1, level_name="과제",
                            position=1)
    a, b = plan.nodes.get(code="1"), later_plan.nodes.get(code="1")
    do_link_nodes(planner, a, b, kind="successor")
    do_link_nodes(planner, b, c, kind="successor")
    with pytest.raises(ValidationError):
        do_link_nodes(planner, c, a, kind="merged")
    assert NodeLink.objects.count() == 2


def test_nodes_of_one_plan_and_unknown_kinds_are_refused(plan: Plan, later_plan: Plan,
                                                         planner: Any) -> None:
    with pytest.raises(ValidationError) as caught:
        do_link_nodes(planner, plan.nodes.get(code="1"), plan.nodes.get(code="2"), kind="same")
    assert "later" in caught.value.message_dict
    with pytest.raises(ValidationError):
        do_link_nodes(planner, plan.nodes.get(code="1"), later_plan.nodes.get(code="1"),
                      kind="cousin")
    assert not NodeLink.objects.exists()


def test_only_planners_link(plan: Plan, later_plan: Plan, officer: Any) -> None:
    with pytest.raises(PermissionDenied):
        do_link_nodes(officer, plan.nodes.get(code="1"), later_plan.nodes.get(code="1"),
                      kind="same")


def test_the_lineage_sums_each_plans_subtree_and_measures_the_slippage(
        plan: Plan, later_plan: Plan, planner: Any) -> None:
    from rtis.plans.models import BudgetLine

    later_unit = later_plan.nodes.get(code="2-1-1")
    BudgetLine.objects.filter(node=later_unit).update(amount_won=1_000)  # 2018, 2019 lines
    BudgetLine.objects.create(node=later_unit, year=2021, source_id="city", amount_won=5_000)
    do_link_nodes(planner, plan.nodes.get(code="2-1"), later_plan.nodes.get(code="2-1"),
                  kind="successor")
    lineage = lineage_of(group_of(plan.nodes.get(code="2-1")))
    first, last = lineage.columns
    assert first.money == {2018: 1_500_000_000, 2019: 2_250_000_000}
    assert last.money == {2018: 1_000, 2019: 1_000, 2021: 5_000}
    assert lineage.amount_change == 7_000 - 3_750_000_000
    assert lineage.delay_years == 2  # last funded year 2019 → 2021
    assert portfolio()[0]["amount_change"] == lineage.amount_change


def test_staff_read_the_page_the_public_does_not(plan: Plan, later_plan: Plan, planner: Any,
                                                 viewer: Any) -> None:
    node = plan.nodes.get(code="2-1")
    do_link_nodes(planner, node, later_plan.nodes.get(code="2-1"), kind="successor")
    url = reverse("lineage:node", args=[node.pk])
    page = client_for(viewer).get(url)
    assert page.status_code == 200 and "비공개 계획" in page.content.decode()
    assert client_for(None).get(url).status_code == 302
    assert client_for(viewer).get(reverse("lineage:portfolio")).status_code == 200


def test_a_planner_links_from_the_page_and_a_cycle_is_shown_as_a_refusal(
        plan: Plan, later_plan: Plan, planner: Any) -> None:
    node = plan.nodes.get(code="2-1")
    client = client_for(planner)
    url = reverse("lineage:link", args=[node.pk])
    response = client.post(url, {"plan": "private-plan", "code": "2-1", "kind": "successor",
                                 "note": "", "evidence": "시험"})
    assert response.status_code == 302
    link = NodeLink.objects.get()
    assert (link.earlier.plan.slug, link.later.plan.slug) == ("sample-plan", "private-plan")
    again = client.post(url, {"plan": "private-plan", "code": "2-1", "kind": "same"})
    assert again.status_code == 400 and NodeLink.objects.count() == 1


def test_the_lineage_page_reads_in_a_bounded_number_of_queries(
        plan: Plan, later_plan: Plan, planner: Any, viewer: Any) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    node = plan.nodes.get(code="2")  # with an indicator, as the node added below
    do_link_nodes(planner, node, later_plan.nodes.get(code="2"), kind="successor")
    client = client_for(viewer)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("lineage:node", args=[node.pk])).status_code == 200
        return len(queries)

    few = count()
    do_link_nodes(planner, plan.nodes.get(code="1"), later_plan.nodes.get(code="2"),
                  kind="merged")
    assert count() == few <= 20


def test_a_department_renamed_between_plans_is_shown_by_both_names(
        plan: Plan, later_plan: Plan, planner: Any, viewer: Any) -> None:
    import datetime as dt

    from rtis.orgs.models import Department, DepartmentName

    department = Department.objects.get(name="신성장산업과")
    DepartmentName.objects.filter(department=department).delete()
    DepartmentName.objects.create(department=department, name="신성장산업과",
                                  valid_to=dt.date(2019, 12, 31))
    DepartmentName.objects.create(department=department, name="바이오산업과",
                                  valid_from=dt.date(2020, 1, 1))
    Department.objects.filter(pk=department.pk).update(name="바이오산업과")
    node = plan.nodes.get(code="2-1")
    do_link_nodes(planner, node, later_plan.nodes.get(code="2-1"), kind="successor")
    lineage = lineage_of(group_of(node))
    assert lineage.columns[0].departments[node.pk] == [("신성장산업과", "바이오산업과")]
    text = client_for(viewer).get(reverse("lineage:node", args=[node.pk])).content.decode()
    assert "신성장산업과" in text and "바이오산업과" in text
