"""R&D managers (SBA), evaluators and applicants sign in, but are outsiders to the city's plans."""

from __future__ import annotations

import pytest

from rtis.orgs.access import is_internal
from rtis.orgs.models import Role, User
from rtis.plans.models import Plan
from tests.conftest import _user, client_for

pytestmark = pytest.mark.django_db

OUTSIDE = [Role.RND_MANAGER, Role.EVALUATOR, Role.APPLICANT]


@pytest.mark.parametrize("role", OUTSIDE)
def test_an_outside_role_is_not_internal(plan: Plan, role: str) -> None:
    assert not is_internal(_user(f"outside-{role}", role))


@pytest.mark.parametrize("role", [Role.ADMIN, Role.PLANNER, Role.OFFICER, Role.VIEWER])
def test_the_citys_roles_are_internal(plan: Plan, role: str) -> None:
    assert is_internal(_user(f"inside-{role}", role))


@pytest.mark.parametrize("role", OUTSIDE)
def test_an_outside_role_does_not_see_an_unpublished_plan(private_plan: Plan, role: str) -> None:
    client = client_for(_user(f"outside-{role}", role))
    assert client.get(f"/plans/{private_plan.slug}/").status_code == 404
    assert client.get(f"/api/v1/plans/{private_plan.slug}").status_code == 404
    listing = client.get("/plans/").content.decode()
    assert private_plan.title not in listing


@pytest.mark.parametrize("role", OUTSIDE)
def test_an_outside_role_lands_on_the_rnd_calls(plan: Plan, role: str) -> None:
    response = client_for(_user(f"outside-{role}", role)).get("/start/")
    assert response.status_code == 302 and response["Location"] == "/rnd/calls/"


def test_an_outside_role_cannot_open_internal_pages(plan: Plan) -> None:
    client = client_for(_user("applicant-x", Role.APPLICANT))
    assert client.get("/dashboards/").status_code in {302, 403, 404}
    assert User.objects.filter(username="applicant-x").exists()
