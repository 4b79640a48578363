"""The overdue list: items not 완료 whose due date has passed, latest first, by a fixed day."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from rtis.orgs.actions import find_department
from rtis.oversight.queries import overdue_items
from rtis.plans.models import Plan
from tests.conftest import client_for
from tests.oversight.conftest import item, overdue_url

pytestmark = pytest.mark.django_db


def listed(response: Any) -> list[tuple[str, int, int]]:
    return [(r.item.category, r.item.number, r.days_late) for r in response.context["rows"]]


def department_id(name: str) -> int:
    department = find_department(name)
    assert department is not None
    return department.pk


def test_it_lists_items_past_their_due_date_latest_first(council: Any) -> None:
    response = client_for(None).get(overdue_url(), {"on": "2022-06-01"})
    assert response.status_code == 200
    # 공동 협의체 due 2-28, 캠퍼스 due 3-31, 개관 due 5-31; 창업허브 (due 1-31) is 완료.
    assert listed(response) == [("recommendation", 3, 93), ("corrective", 1, 62),
                                ("corrective", 2, 1)]
    assert '<td class="num" data-testid="days-late">93</td>' in response.text


def test_an_item_is_not_late_on_its_due_date(council: Any) -> None:
    response = client_for(None).get(overdue_url(), {"on": "2022-05-31"})
    assert ("corrective", 2) not in [(c, n) for c, n, _ in listed(response)]


def test_completed_items_and_items_without_a_due_date_are_never_late(council: Any) -> None:
    rows = overdue_items(council, dt.date(2030, 1, 1))
    assert [(r.item.category, r.item.number) for r in rows] == [
        ("recommendation", 3), ("corrective", 1), ("corrective", 2), ("recommendation", 1),
        ("recommendation", 2)]


def test_it_filters_by_department(council: Any) -> None:
    response = client_for(None).get(overdue_url(), {
        "on": "2022-07-01", "department": department_id("신성장산업과")})
    assert listed(response) == [("recommendation", 3, 123), ("corrective", 2, 31)]
    names = [d.name for d in response.context["departments"]]
    assert names == sorted(["경제정책과", "신성장산업과", "문화융합경제과"])


def test_completing_an_item_takes_it_off_the_list(council: Any, officer: Any) -> None:
    target = item("corrective", 2)
    client_for(officer).post(
        "/oversight/audit-test/items/corrective/2/edit/",
        {"status": "완료", "actions": "개관", "next_steps": target.next_steps,
         "due_on": "2022-05-31", "version": 1})
    response = client_for(None).get(overdue_url(), {"on": "2022-06-01"})
    assert ("corrective", 2) not in [(c, n) for c, n, _ in listed(response)]


def test_without_a_day_it_uses_today_in_seoul(council: Any, monkeypatch: Any) -> None:
    monkeypatch.setattr(timezone, "localdate", lambda *args: dt.date(2022, 4, 1))
    response = client_for(None).get(overdue_url())
    assert response.context["day"] == dt.date(2022, 4, 1)
    assert listed(response) == [("recommendation", 3, 32), ("corrective", 1, 1)]


def test_a_malformed_day_is_400_naming_the_parameter(council: Any) -> None:
    response = client_for(None).get(overdue_url(), {"on": "2022-02-30"})
    assert response.status_code == 400
    [error] = response.context["errors"]
    assert error.startswith("on: '2022-02-30'") and "YYYY-MM-DD" in error
    assert 'role="alert"' in response.text


def test_an_unknown_department_is_400_naming_the_parameter(council: Any) -> None:
    response = client_for(None).get(overdue_url(), {"on": "2022-06-01", "department": "x"})
    assert response.status_code == 400
    assert response.context["errors"][0].startswith("department: 'x'")


def test_the_list_follows_the_sessions_visibility(council: Any, viewer: Any) -> None:
    Plan.objects.filter(slug="sample-plan").update(published=False)
    assert client_for(None).get(overdue_url(), {"on": "2022-06-01"}).status_code == 404
    assert client_for(viewer).get(overdue_url(), {"on": "2022-06-01"}).status_code == 200
    assert client_for(viewer).get(overdue_url("nope")).status_code == 404


def test_the_list_refuses_post(council: Any, officer: Any) -> None:
    assert client_for(officer).post(overdue_url()).status_code == 405


def test_the_list_keeps_a_constant_number_of_queries(
    council: Any, officer: Any, django_assert_max_num_queries: Any
) -> None:
    public, staff = client_for(None), client_for(officer)
    chosen = department_id("경제정책과")
    with django_assert_max_num_queries(4):
        public.get(overdue_url(), {"on": "2030-01-01"})
    with django_assert_max_num_queries(7):  # 6 + the menu's counts
        staff.get(overdue_url(), {"on": "2030-01-01", "department": chosen})
