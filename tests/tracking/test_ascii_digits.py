"""Period ids, department ids and entry tokens typed with digits str.isdigit() takes but int()
refuses ('²') or reads differently ('٧') are treated like any unreadable value — never a 500."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from rtis.orgs.actions import find_department
from rtis.orgs.models import User
from rtis.plans.models import Node, Plan
from rtis.tracking.models import ExecutionStatus, ReportingPeriod
from tests.conftest import client_for
from tests.tracking.conftest import open_month
from tests.tracking.test_queue import _messages, _token, entries  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db
ARABIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")


def test_the_node_page_shows_the_due_period_for_a_period_id_it_cannot_read(
        officer: User, plan: Plan, unit: Node, month: ReportingPeriod, planner: User) -> None:
    august = open_month(planner, plan, 8)
    url = reverse("tracking:node", args=[plan.slug, unit.code])
    asked = client_for(officer).get(url, {"period": august.pk})
    assert asked.status_code == 200 and asked.context["period"] == august
    due = client_for(officer).get(url).context["period"]
    for odd in ("²", str(august.pk).translate(ARABIC), "9" * 5000):
        for name in ("period", "iperiod", "mperiod"):
            response = client_for(officer).get(url, {name: odd})
            assert response.status_code == 200, (name, odd[:5])
            assert response.context["period"] == due, (name, odd[:5])


def test_the_queue_ignores_a_department_id_it_cannot_read(planner: User,
                                                          entries: dict[str, Any]) -> None:  # noqa: F811
    department = find_department("신성장산업과")
    assert department is not None
    for odd in ("²", str(department.pk).translate(ARABIC)):
        response = client_for(planner).get(reverse("tracking:approvals"), {"department": odd})
        assert response.status_code == 200, odd
        page = response.content.decode()  # unfiltered, as for ?department=x
        assert f'queue-execution-{entries["july"].pk}"' in page, odd
        assert f'queue-execution-{entries["other"].pk}"' in page, odd


def test_a_bulk_decision_reports_an_unreadable_token_and_decides_the_others(
        planner: User, entries: dict[str, Any]) -> None:  # noqa: F811
    july = entries["july"]
    odd = f"execution:{july.pk}:²"
    response = client_for(planner).post(reverse("tracking:approvals_decide"), {
        "decision": "approve", "entry": [odd, _token(entries["august"])]})
    assert response.status_code == 302
    failures = [m for m in _messages(response) if m.startswith("처리하지 못했습니다")]
    assert len(failures) == 1 and odd in failures[0] and "unknown entry" in failures[0]
    entries["august"].refresh_from_db()
    july.refresh_from_db()
    assert entries["august"].status == ExecutionStatus.APPROVED
    assert july.status == ExecutionStatus.SUBMITTED
