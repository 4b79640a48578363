"""The tracking API's lists in keyset pages: periods in order, status history latest first."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from rtis.orgs.models import User
from rtis.plans.models import Plan
from rtis.tracking.actions import do_record_status
from tests.api.test_tracking_api import Api
from tests.tracking.conftest import open_month

pytestmark = pytest.mark.django_db


def _all(api: Api, path: str, **params: Any) -> tuple[list[dict[str, Any]], int]:
    body = api.get(path, **params).json()
    items, pages = list(body["items"]), 1
    while body["next"]:
        body = api.client.get(body["next"]).json()
        items += body["items"]
        pages += 1
    return items, pages


def test_periods_page_in_year_kind_number_order(plan: Plan, planner: User) -> None:
    for number in (9, 3, 12, 1, 5):
        open_month(planner, plan, number)
    api = Api(planner)
    items, pages = _all(api, "/plans/sample-plan/periods", limit=2)
    assert pages == 3 and [p["number"] for p in items] == [1, 3, 5, 9, 12]
    assert items == api.get("/plans/sample-plan/periods").json()["items"]


def test_status_history_pages_latest_first_and_a_new_change_does_not_shift_them(
        plan: Plan, planner: User, officer: User) -> None:
    unit = plan.nodes.get(code="2-1-1")
    for month in (1, 3, 5, 7, 9):
        do_record_status(officer, unit, status="normal", effective_on=dt.date(2019, month, 1))
    do_record_status(officer, unit, status="delayed", effective_on=dt.date(2019, 5, 1),
                     reason="같은 날 두 번")
    api = Api(planner)
    path = "/plans/sample-plan/nodes/2-1-1/status"
    first = api.get(path, limit=2).json()
    do_record_status(officer, unit, status="normal", effective_on=dt.date(2020, 1, 1))
    body, rest = first, []
    while body["next"]:
        body = api.client.get(body["next"]).json()
        rest += body["items"]
    seen = [(s["effective_on"], s["status"]) for s in first["items"] + rest]
    assert seen == [("2019-09-01", "normal"), ("2019-07-01", "normal"),
                    ("2019-05-01", "delayed"), ("2019-05-01", "normal"),
                    ("2019-03-01", "normal"), ("2019-01-01", "normal")]


@pytest.mark.parametrize("path", ["/plans/sample-plan/periods",
                                  "/plans/sample-plan/nodes/2-1-1/status"])
def test_a_bad_cursor_is_400(plan: Plan, planner: User, path: str) -> None:
    response = Api(planner).get(path, cursor="bm90IGEgY3Vyc29y")
    assert response.status_code == 400 and "cursor" in response.json()["detail"]


def test_list_queries_stay_the_same_at_ten_times_the_rows(
        plan: Plan, planner: User, officer: User) -> None:
    unit = plan.nodes.get(code="2-1-1")
    api = Api(planner)
    counts: dict[str, list[int]] = {"periods": [], "status": []}
    for months in ((1,), range(2, 11)):
        for number in months:
            open_month(planner, plan, number)
            do_record_status(officer, unit, status="normal",
                             effective_on=dt.date(2019, number, 1))
        for name, path in (("periods", "/plans/sample-plan/periods"),
                           ("status", "/plans/sample-plan/nodes/2-1-1/status")):
            with CaptureQueriesContext(connection) as queries:
                assert api.get(path).status_code == 200
            counts[name].append(len(queries))
    assert counts["periods"][0] == counts["periods"][1]
    assert counts["status"][0] == counts["status"][1]
