"""Refused node and budget line edits keep what was typed, with messages in one language."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from rtis.plans.models import BudgetLine, Node, Plan
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def test_a_refused_node_edit_keeps_the_version_and_the_text(plan: Plan, officer: Any) -> None:
    node = Node.objects.get(plan=plan, code="2-1")
    url = reverse("plans:node_edit", args=[plan.slug, node.code])
    response = client_for(officer).post(url, {"title": "", "kind": "", "description": "새 설명",
                                              "version": node.version})
    assert response.status_code == 400
    body = response.content.decode()
    assert f'name="version" value="{node.version}"' in body and "새 설명" in body


@pytest.mark.parametrize("language", ["ko", "en"])
def test_a_refused_budget_line_keeps_the_figures_in_one_language(
        plan: Plan, planner: Any, language: str) -> None:
    client = client_for(planner)
    client.cookies["django_language"] = language
    url = reverse("plans:line_save", args=[plan.slug, "2-1-1"])
    before = list(BudgetLine.objects.values_list("id", "amount_won"))
    response = client.post(url, {"year": 2020, "source": "city", "amount": "999999999999",
                                 "unit": "억원", "note": "추경"})
    assert response.status_code == 400
    body = response.content.decode()
    assert 'value="999999999999"' in body and 'value="추경"' in body
    assert "64-bit" not in body
    error = body[body.index('<span class="error"'):].split("</span>")[0]
    if language == "ko":
        assert "금액이 너무 큽니다" in error and "too large" not in error
    else:
        assert "too large" in error and "금액" not in error
    assert list(BudgetLine.objects.values_list("id", "amount_won")) == before
