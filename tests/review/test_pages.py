"""Evaluation pages: a permission matrix for every page and write, the evaluator's own view,
the score form, the ranking and its XLSX, and the disclosure."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from rtis.audit.models import AuditEvent
from rtis.orgs.models import User
from rtis.review.actions import do_assign, do_create_panel, do_run_selection
from rtis.review.models import ScoreRevision, SheetState
from tests.review.conftest import EVALUATOR, MANAGER, ROLES, Scenario, World, client_as, refused

pytestmark = pytest.mark.django_db

def pages(world: World) -> list[tuple[str, str, frozenset[str]]]:
    s = world.scenario
    stage, call = s.stage.pk, s.call.pk
    app = s.applications[1].pk
    return [
        ("GET", reverse("review:calls"), MANAGER),
        ("GET", reverse("review:pool"), MANAGER),
        ("GET", reverse("review:stage", args=[stage]), MANAGER),
        ("POST", reverse("review:stage_rule", args=[stage]), MANAGER),
        ("POST", reverse("review:panel_create", args=[stage]), MANAGER),
        ("GET", reverse("review:ranking", args=[stage]), MANAGER),
        ("GET", reverse("review:ranking_xlsx", args=[call]), MANAGER),
        ("GET", reverse("review:panel", args=[world.panel.pk]), MANAGER),
        ("POST", reverse("review:panel_screen", args=[world.panel.pk]), MANAGER),
        ("POST", reverse("review:panel_auto", args=[world.panel.pk]), MANAGER),
        ("POST", reverse("review:panel_assign", args=[world.panel.pk]), MANAGER),
        ("GET", reverse("review:mine"), MANAGER | {"evaluator", "other_evaluator"}),
        ("GET", reverse("review:sheet", args=[world.mine.pk]), MANAGER | EVALUATOR),
        ("POST", reverse("review:sheet", args=[world.mine.pk]), EVALUATOR),
        ("POST", reverse("review:recuse", args=[world.mine.pk]), EVALUATOR),
        ("POST", reverse("review:select", args=[stage]), MANAGER),
        ("GET", reverse("review:disclosure", args=[app]), MANAGER | {"applicant"}),
    ]


@pytest.mark.parametrize("role", ROLES)
def test_each_role_opens_exactly_the_pages_it_may(selected: World, role: str) -> None:
    """After selection (so the disclosure exists and writes are refused or rejected)."""
    world = selected
    wrong = []
    for method, url, allowed in pages(world):
        writes = AuditEvent.objects.count()
        client = client_as(world, role)
        response = client.get(url) if method == "GET" else client.post(url, {})
        if response.status_code >= 500:
            wrong.append(f"{method} {url}: {response.status_code}")
        elif role in allowed and refused(response):
            wrong.append(f"{method} {url}: refused ({response.status_code}) but allowed"
                         f" {response.content[:300].decode(errors='replace')}")
        elif role not in allowed:
            if not refused(response):
                wrong.append(f"{method} {url}: {response.status_code}, should be refused")
            if AuditEvent.objects.count() != writes:
                wrong.append(f"{method} {url}: refused but something was written")
    assert not wrong, "\n".join(wrong)


def test_an_evaluator_never_sees_another_panels_assignment(world: World) -> None:
    client = client_as(world, "evaluator")
    page = client.get(reverse("review:mine")).content.decode()
    assert world.scenario.applications[1].title in page
    assert world.scenario.applications[3].title not in page
    assert client.get(reverse("review:sheet", args=[world.theirs.pk])).status_code == 404
    assert client.get(reverse("review:panel", args=[world.other_panel.pk])).status_code == 403


def test_the_evaluator_scores_submits_and_revises_with_a_reason_on_the_form(
        scenario: Scenario, planner: User) -> None:
    panel = do_create_panel(planner, scenario.stage, name="분과", applications=scenario.applications)
    b = scenario.evaluators[1]
    assignment = do_assign(planner, panel, b, scenario.applications[2])
    client = Client()
    client.force_login(b.user)
    url = reverse("review:sheet", args=[assignment.pk])
    form = {f"score_{k}": v for k, v in scenario.full(70, 30, 10).items()}
    response = client.post(url, {**form, "version": assignment.version, "submit": "1",
                                 f"score_{scenario.criteria()[1].pk}": "60"})
    assert response.status_code == 400 and "0~50" in response.content.decode()
    response = client.post(url, {**form, "version": assignment.version, "submit": "1",
                                 "comment": "양호"})
    assert response.status_code == 302
    assignment.refresh_from_db()
    assert assignment.state == SheetState.SUBMITTED
    response = client.post(url, {**form, "version": assignment.version, "reason": ""})
    assert response.status_code == 400
    changed = {**form, f"score_{scenario.criteria()[0].pk}": "75"}
    response = client.post(url, {**changed, "version": assignment.version,
                                 "reason": "발표자료 재확인"})
    assert response.status_code == 302
    page = client.get(url).content.decode()
    assert "발표자료 재확인" in page
    assert ScoreRevision.objects.get().new_scores[str(scenario.criteria()[0].pk)] == 75


def test_the_ranking_page_and_workbook_list_every_application_in_bounded_queries(
        world: World) -> None:
    client = client_as(world, "manager")
    url = reverse("review:ranking", args=[world.scenario.stage.pk])
    with CaptureQueriesContext(connection) as queries:
        page = client.get(url).content.decode()
    assert "물류 로봇 군집 제어" in page and "미리보기" in page
    assert len(queries) <= 20
    do_run_selection(world.users["manager"], world.scenario.stage)
    book = load_workbook(io.BytesIO(client.get(
        reverse("review:ranking_xlsx", args=[world.scenario.call.pk])).content))
    rows = list(book.active.iter_rows(values_only=True))
    assert rows[0][0] == "순위" and len(rows) == 3
    assert {r[2] for r in rows[1:]} == {"물류 로봇 군집 제어", "공공데이터 품질 진단"}


@pytest.mark.parametrize("name", ["review:calls", "review:pool", "review:mine"])
def test_list_pages_take_a_bounded_number_of_queries(world: World, name: str) -> None:
    role = "evaluator" if name == "review:mine" else "manager"
    client = client_as(world, role)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse(name)).status_code == 200
    assert len(queries) <= 15


def test_the_applicant_sees_scores_anonymised_comments_reason_and_panel_list(
        selected: World) -> None:
    world = selected
    url = reverse("review:disclosure", args=[world.scenario.applications[1].pk])
    page = client_as(world, "applicant").get(url).content.decode()
    assert "위원 A" in page and "의견" in page
    assert "가상위원나 (연세대학교)" in page  # the member list, not tied to the letters
    assert "선정되었습니다" in page
    assert client_as(world, "other_applicant").get(url).status_code == 404


def test_the_disclosure_is_hidden_before_selection(world: World) -> None:
    url = reverse("review:disclosure", args=[world.scenario.applications[1].pk])
    assert client_as(world, "applicant").get(url).status_code == 404



def test_the_console_command_writes_the_ranking_workbook(selected: World, tmp_path: Any) -> None:
    from django.core.management import CommandError, call_command

    target = tmp_path / "순위표.xlsx"
    call_command("review", "ranking", str(selected.scenario.call.pk), "-o", str(target))
    rows = list(load_workbook(target).active.iter_rows(values_only=True))
    assert rows[1][0] == 1 and rows[1][9] == "확정"
    with pytest.raises(CommandError, match="공고 999999번이 없습니다"):
        call_command("review", "ranking", "999999", "-o", str(target))
