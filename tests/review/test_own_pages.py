"""An evaluator declares conflicts of interest and recuses on their own page (rnd-pages):
with one assigned application (that one only) or an organisation (all of its applications),
seeing only their own assignments; screening honours both declarations."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from rtis.audit.models import AuditEvent
from rtis.lib import review_rules as rules
from rtis.orgs.models import User
from rtis.review.actions import (
    conflicts_of,
    do_assign,
    do_create_panel,
    do_declare_application_conflict,
    do_declare_organisation_conflict,
)
from rtis.review.models import Assignment, DeclaredConflict, Panel, SheetState
from tests.review.conftest import ROLES, Scenario, World, client_as, refused

pytestmark = pytest.mark.django_db


@pytest.fixture
def open_panel(scenario: Scenario, planner: User) -> Panel:
    """Evaluator B (연세대학교) assigned, sheets open, to 다온바이오 and 마루에너지."""
    apps = scenario.applications
    chosen = [apps[2], apps[4]]
    panel = do_create_panel(planner, scenario.stage, name="제3분과", applications=chosen)
    for application in chosen:
        do_assign(planner, panel, scenario.evaluators[1], application)
    return panel


def test_the_page_lists_only_the_evaluators_own_assignments(world: World) -> None:
    response = client_as(world, "evaluator").get(reverse("review:my_conflicts"))
    page = response.content.decode()
    assert response.status_code == 200
    assert world.mine.application.title in page
    assert world.theirs.application.title not in page  # another evaluator's, another panel


@pytest.mark.parametrize("role", [r for r in ROLES if r not in {"evaluator", "other_evaluator"}])
def test_only_evaluators_open_the_conflict_pages(world: World, role: str) -> None:
    client = client_as(world, role)
    before = AuditEvent.objects.count()
    assert refused(client.get(reverse("review:my_conflicts")))
    assert refused(client.post(reverse("review:declare_conflict"),
                               {"kind": "organisation", "organisation": "가온", "reason": "x"}))
    assert AuditEvent.objects.count() == before


def test_declaring_an_assigned_application_recuses_from_it_and_screening_keeps_it_out(
        open_panel: Panel, scenario: Scenario, world: World) -> None:
    apps, b = scenario.applications, scenario.evaluators[1]
    response = client_as(world, "evaluator").post(reverse("review:declare_conflict"), {
        "kind": "application", "application": apps[2].pk, "reason": "대표이사가 친족"})
    assert response.status_code == 302
    row = DeclaredConflict.objects.get(evaluator=b)
    assert row.application_id == apps[2].pk and row.organisation == "" \
        and row.reason == "대표이사가 친족"
    states = dict(Assignment.objects.filter(panel=open_panel, evaluator=b)
                  .values_list("application_id", "state"))
    assert states == {apps[4].pk: SheetState.OPEN, apps[2].pk: SheetState.RECUSED}
    found = conflicts_of(open_panel)
    assert found[(b.pk, apps[2].pk)] == [rules.DECLARED]
    assert (b.pk, apps[4].pk) not in found


def test_declaring_an_organisation_recuses_each_of_its_applications_however_spelled(
        open_panel: Panel, scenario: Scenario, world: World) -> None:
    apps, b = scenario.applications, scenario.evaluators[1]
    response = client_as(world, "evaluator").post(reverse("review:declare_conflict"), {
        "kind": "organisation", "organisation": "(주) 가온로보틱스", "reason": "자문 계약 중"})
    assert response.status_code == 302
    # B's submitted sheet of 가온로보틱스 is recused: a conflicted sheet must not count
    recused = Assignment.objects.filter(evaluator=b, state=SheetState.RECUSED)
    assert list(recused.values_list("pk", flat=True)) == [world.mine.pk]
    assert recused.get().recusal_reason == "자문 계약 중"
    assert not Assignment.objects.filter(panel=open_panel, state=SheetState.RECUSED).exists()
    assert conflicts_of(world.panel)[(b.pk, apps[1].pk)] == [rules.DECLARED]
    with pytest.raises(ValidationError, match="이미 신고한 기관"):
        do_declare_organisation_conflict(b.user, b, organisation="주식회사 가온로보틱스",
                                         reason="다시")


def test_an_application_not_assigned_to_the_evaluator_cannot_be_named(
        world: World, scenario: Scenario) -> None:
    before = AuditEvent.objects.count()
    other = scenario.applications[3]  # the other evaluator's, in another panel
    response = client_as(world, "evaluator").post(reverse("review:declare_conflict"), {
        "kind": "application", "application": other.pk, "reason": "x"})
    assert response.status_code == 400 and "배정받은 과제를 고르세요" in response.content.decode()
    for odd in ("²", "١٢", "-1", ""):  # digits int() refuses, a sign, nothing: the same refusal
        response = client_as(world, "evaluator").post(reverse("review:declare_conflict"), {
            "kind": "application", "application": odd, "reason": "x"})
        assert response.status_code == 400, odd
    assert AuditEvent.objects.count() == before and not DeclaredConflict.objects.exists()
    b = scenario.evaluators[1]
    with pytest.raises(ValidationError):
        do_declare_application_conflict(b.user, b, other, reason="x")


def test_a_declaration_needs_a_reason_and_saves_nothing_without(
        open_panel: Panel, scenario: Scenario, world: World) -> None:
    response = client_as(world, "evaluator").post(reverse("review:declare_conflict"), {
        "kind": "application", "application": scenario.applications[2].pk, "reason": " "})
    assert response.status_code == 400 and "사유" in response.content.decode()
    assert not DeclaredConflict.objects.exists()
    assert not Assignment.objects.filter(state=SheetState.RECUSED).exists()


def test_recusing_from_the_list_keeps_the_reason(open_panel: Panel, scenario: Scenario,
                                                 world: World) -> None:
    client = client_as(world, "evaluator")
    assignment = Assignment.objects.get(panel=open_panel, application=scenario.applications[2])
    page = client.get(reverse("review:my_conflicts")).content.decode()
    assert f'data-testid="recuse-{assignment.pk}"' in page
    client.post(reverse("review:recuse", args=[assignment.pk]), {"reason": "공동연구 이력"})
    assignment.refresh_from_db()
    assert assignment.state == SheetState.RECUSED and assignment.recusal_reason == "공동연구 이력"


def test_the_pool_shows_a_declaration_on_one_application_by_its_title_in_fixed_queries(
        open_panel: Panel, scenario: Scenario, world: World, planner: User) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    b, e = scenario.evaluators[1], scenario.evaluators[4]
    client = client_as(world, "manager")
    do_declare_application_conflict(b.user, b, scenario.applications[2], reason="친족")
    with CaptureQueriesContext(connection) as one:
        page = client.get(reverse("review:pool")).content.decode()
    assert f"{scenario.applications[2].title} (친족)" in page
    do_declare_application_conflict(planner, e, scenario.applications[4], reason="전 직장")
    with CaptureQueriesContext(connection) as two:
        page = client.get(reverse("review:pool")).content.decode()
    assert f"{scenario.applications[4].title} (전 직장)" in page
    assert len(two) == len(one)
