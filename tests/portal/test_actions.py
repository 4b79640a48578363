"""Publishing control: planners publish with a date and withhold nodes; nobody else may."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied

from rtis.audit.models import AuditEvent
from rtis.orgs.models import User
from rtis.plans.models import Plan
from rtis.portal.actions import do_publish_plan, do_release_node, do_withhold_node
from rtis.portal.models import PlanPublication, WithheldNode
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def test_a_planner_publishes_a_plan_with_its_date(private_plan: Plan, planner: User) -> None:
    do_publish_plan(planner, private_plan, True, dt.date(2019, 5, 1))
    private_plan.refresh_from_db()
    assert private_plan.published
    assert PlanPublication.objects.get(plan=private_plan).published_on == dt.date(2019, 5, 1)
    page = client_for(None).get(f"/plans/{private_plan.slug}/progress/").content.decode()
    assert "2019-05-01" in page
    assert AuditEvent.objects.filter(target_type="portal.planpublication").exists()


def test_it_refuses_a_publication_date_in_the_future(private_plan: Plan, planner: User) -> None:
    with pytest.raises(ValueError, match="published_on"):
        do_publish_plan(planner, private_plan, True, dt.date(2030, 1, 1))


def test_officers_may_not_publish_or_withhold(plan: Plan, officer: User) -> None:
    with pytest.raises(PermissionDenied):
        do_publish_plan(officer, plan, False, None)
    with pytest.raises(PermissionDenied):
        do_withhold_node(officer, plan.nodes.get(code="1"), "사유")
    assert client_for(officer).post(f"/plans/{plan.slug}/progress/1/withhold/",
                                     {"withhold": "1", "reason": "x"}).status_code == 403


def test_withholding_needs_a_reason_and_can_be_undone(plan: Plan, planner: User) -> None:
    node = plan.nodes.get(code="1")
    with pytest.raises(ValueError, match="reason"):
        do_withhold_node(planner, node, "  ")
    response = client_for(planner).post(f"/plans/{plan.slug}/progress/1/withhold/",
                                        {"withhold": "1", "reason": "협의 중"})
    assert response.status_code == 302 and WithheldNode.objects.filter(node=node).exists()
    assert client_for(None).get(f"/plans/{plan.slug}/progress/1/").status_code == 404
    do_release_node(planner, node)
    assert client_for(None).get(f"/plans/{plan.slug}/progress/1/").status_code == 200


def test_the_demo_dates_published_plans_once(plan: Plan, private_plan: Plan, planner: User) -> None:
    from rtis.portal.demo import do_demo_portal

    lines = list(do_demo_portal(planner, dt.date(2019, 12, 31)))
    assert PlanPublication.objects.get(plan=plan).published_on == dt.date(2018, 2, 25)
    assert not PlanPublication.objects.filter(plan=private_plan).exists()
    assert any("rtis-open-data.zip" in line for line in lines)
    assert len(list(do_demo_portal(planner, dt.date(2019, 12, 31)))) == 1  # only the bundle


def test_the_plan_page_links_its_budget_downloads(plan: Plan) -> None:
    page = client_for(None).get(f"/plans/{plan.slug}/").content.decode()
    assert f"/data/budget/?plan={plan.slug}&amp;format=csv" in page
