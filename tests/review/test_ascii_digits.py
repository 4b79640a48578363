"""A score sheet posted with digits str.isdigit() takes and int() refuses ('²') is refused with
the sheet's own messages (400), as for any other unreadable value — never a 500."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from rtis.orgs.models import User
from rtis.review.actions import do_assign, do_create_panel
from rtis.review.models import SheetState
from tests.review.conftest import Scenario

pytestmark = pytest.mark.django_db


@pytest.fixture
def sheet(scenario: Scenario, planner: User) -> tuple[Client, str, dict[str, object]]:
    panel = do_create_panel(planner, scenario.stage, name="분과", applications=scenario.applications)
    b = scenario.evaluators[1]
    assignment = do_assign(planner, panel, b, scenario.applications[2])
    client = Client()
    client.force_login(b.user)
    form: dict[str, object] = {f"score_{k}": v for k, v in scenario.full(70, 30, 10).items()}
    form.update(version=assignment.version, submit="1")
    return client, reverse("review:sheet", args=[assignment.pk]), form


@pytest.mark.parametrize("odd, expected", [
    ({"score_²": "10"}, "이 단계에 없는 평가항목"),  # a criterion id int() refuses
    ({"comment_²": "좋음"}, "이 단계에 없는 평가항목"),
    ({"version": "²"}, "읽은 버전이 없습니다"),
    ({"version": "-²"}, "읽은 버전이 없습니다"),  # a sign, then a digit int() refuses
], ids=["score-key", "comment-key", "version", "signed-version"])
def test_a_sheet_with_unreadable_digits_is_refused_and_not_saved(
        sheet: tuple[Client, str, dict[str, object]], odd: dict[str, str], expected: str) -> None:
    client, url, form = sheet
    response = client.post(url, {**form, **odd})
    assert response.status_code == 400 and expected in response.content.decode()
    assert response.context["assignment"].state != SheetState.SUBMITTED


def test_a_score_of_minus_two_squared_counts_as_missing(
        sheet: tuple[Client, str, dict[str, object]], scenario: Scenario) -> None:
    client, url, form = sheet
    first = scenario.criteria()[0]
    response = client.post(url, {**form, f"score_{first.pk}": "-²"})
    assert response.status_code == 400 and first.name in response.content.decode()
