"""Bulk entry: the month that is due is preselected, and a refused choice stays chosen."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse

from rtis.orgs.models import User
from rtis.plans.models import Plan
from tests.conftest import client_for
from tests.tracking.conftest import open_month
from tests.tracking.test_bulk import department

pytestmark = pytest.mark.django_db

INDEX = reverse("tracking:bulk_index")
TEMPLATE = reverse("tracking:bulk_template")


def test_the_month_that_is_due_is_preselected(officer: User, planner: User, plan: Plan,
                                              settings: Any) -> None:
    months = [open_month(planner, plan, n) for n in (9, 10, 11)]  # due the 28th of each
    settings.RTIS_TODAY = dt.date(2019, 10, 15)
    text = client_for(officer).get(INDEX).text
    assert f'<option value="{months[1].pk}" selected>' in text
    assert text.count(" selected>") == 2  # the department and the month


def test_a_refused_choice_stays_chosen_in_one_language(officer: User, planner: User,
                                                       plan: Plan) -> None:
    months = [open_month(planner, plan, n) for n in (9, 10, 11)]
    own = department("신성장산업과")
    response = client_for(officer).get(TEMPLATE, {"department": own.pk, "period": "x"})
    assert response.status_code == 400
    assert f'<option value="{own.pk}" selected>' in response.text
    assert "부서와 기간을 고르십시오." in response.text
    assert "choose a department" not in response.text
    client = client_for(officer)
    client.cookies["django_language"] = "en"
    response = client.get(TEMPLATE, {"department": "abc", "period": months[2].pk})
    assert response.status_code == 400
    assert "Choose a department and a period." in response.text
    assert f'<option value="{months[2].pk}" selected>' in response.text
    assert "부서와 기간을 고르십시오" not in response.text.split('data-testid="bulk-error"')[1][:200]
