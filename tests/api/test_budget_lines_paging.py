"""budget-lines: keyset pages with an opaque cursor, CSV and NDJSON streams, constant queries."""

from __future__ import annotations

import csv
import io
import itertools
import json
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from rtis.plans.api import encode_cursor
from rtis.plans.models import BudgetLine, Node, Plan
from tests.conftest import ensure_funding_sources, import_doc
from tests.factories import sample_plan_doc
from tests.openapi import assert_matches_openapi, openapi_document

pytestmark = pytest.mark.django_db

BASE = "/api/v1/plans/sample-plan/budget-lines"
PATH = "/api/v1/plans/{slug}/budget-lines"


def _all_pages(api: Any, path: str, **params: Any) -> tuple[list[dict[str, Any]], int]:
    """Follow `next` from the first page; return every item and the number of pages."""
    body = api.get(path, **params).json()
    items, pages = list(body["items"]), 1
    while body["next"]:
        body = api.get(body["next"]).json()
        items += body["items"]
        pages += 1
    return items, pages


def _streamed(response: Any) -> str:
    assert response.streaming
    return b"".join(response.streaming_content).decode("utf-8")


def test_pages_follow_next_links_until_the_last_page_which_has_none(api: Any, plan: Any) -> None:
    first = api.get(BASE, limit=3).json()
    assert len(first["items"]) == 3 and first["next"].startswith(BASE + "?")
    assert "limit=3" in first["next"]
    last = api.get(first["next"]).json()
    assert len(last["items"]) == 1 and last["next"] is None
    assert first["items"] + last["items"] == api.get(BASE).json()["items"]
    exact = api.get(BASE, limit=4).json()
    assert len(exact["items"]) == 4 and exact["next"] is None


def test_filters_are_kept_in_the_next_link(api: Any, plan: Any) -> None:
    items, pages = _all_pages(api, BASE, limit=1, source="city")
    assert pages == 3
    assert [(i["node"], i["year"]) for i in items] == [("1-1-1", 2018), ("1-1-1", 2019),
                                                      ("2-1-1", 2018)]


def test_a_cursor_neither_skips_nor_repeats_lines_inserted_between_pages(
        api: Any, plan: Plan) -> None:
    first = api.get(BASE, limit=2).json()
    node = Node.objects.get(plan=plan, code="1-1-1")
    added = BudgetLine.objects.create(node=node, year=2020, source_id="national",
                                      amount_won=123, provenance={})
    BudgetLine.objects.filter(node=node, year=2018).delete()  # a line already read goes away
    rest, _ = _all_pages(api, first["next"])
    seen = [(i["node"], i["year"], i["source"]) for i in first["items"] + rest]
    assert len(seen) == len(set(seen)) == 5  # the four first lines and the new one, once each
    assert ("1-1-1", 2020, "national") in seen and added.amount_won == 123
    assert ("2-1-1", 2019, "national") in seen


@pytest.mark.parametrize("cursor", ["garbage!", "Zm9vOjE", encode_cursor(1, 2018, "city") + "%%",
                                    "YmwxOjE", encode_cursor(1, 2018, "city")[:-3]])
def test_a_bad_cursor_is_a_documented_400_in_both_languages(
        client: Client, plan: Any, cursor: str) -> None:
    response = client.get(BASE, {"cursor": cursor})
    assert response.status_code == 400
    assert "커서" in response.json()["detail"] and "cursor" in response.json()["detail"]
    assert_matches_openapi("get", BASE, response)


def test_the_page_size_has_a_maximum(client: Client, plan: Any) -> None:
    assert client.get(BASE, {"limit": "1001"}).status_code == 422
    assert client.get(BASE, {"limit": "0"}).status_code == 422
    assert client.get(BASE, {"limit": "1000"}).status_code == 200


def test_the_streamed_csv_equals_the_paged_json(api: Any, client: Client, plan: Any) -> None:
    items, _ = _all_pages(api, BASE, limit=1)
    response = client.get(BASE, {"format": "csv", "limit": "1", "cursor": "ignored"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    text = _streamed(response)
    assert text.startswith("\ufeffnode,year,source,amount_won,note,provenance\r\n")
    rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))
    assert [{**r, "year": int(r["year"]), "amount_won": int(r["amount_won"]),
             "provenance": json.loads(r["provenance"])} for r in rows] == items


def test_the_csv_keeps_a_note_that_looks_like_a_formula_as_text(client: Client, plan: Any) -> None:
    BudgetLine.objects.filter(node__code="2-1-1", year=2018).update(note="=HYPERLINK(1)")
    rows = list(csv.reader(io.StringIO(_streamed(client.get(BASE, {"format": "csv"})))))
    assert [r[4] for r in rows if r[4].startswith("'")] == ["'=HYPERLINK(1)"]


def test_the_streamed_ndjson_equals_the_paged_json_with_filters(
        api: Any, client: Client, plan: Any) -> None:
    items, _ = _all_pages(api, BASE, node="2")
    response = client.get(BASE, {"format": "ndjson", "node": "2"})
    assert response["Content-Type"].startswith("application/x-ndjson")
    assert [json.loads(line) for line in _streamed(response).splitlines()] == items
    assert {i["node"] for i in items} == {"2-1-1"}


def test_the_openapi_documents_paging_streams_and_the_400() -> None:
    operation = openapi_document()["paths"][PATH]["get"]
    parameters = {p["name"]: p for p in operation["parameters"]}
    assert {"limit", "cursor", "format", "year", "source", "node"} <= set(parameters)
    assert parameters["limit"]["schema"]["maximum"] == 1000
    assert parameters["limit"]["schema"]["default"] == 100
    assert set(parameters["format"]["schema"]["enum"]) == {"json", "csv", "ndjson"}
    assert "400" in operation["responses"]
    content = operation["responses"]["200"]["content"]
    assert {"application/json", "text/csv", "application/x-ndjson"} <= set(content)
    page = content["application/json"]["schema"]["$ref"].rsplit("/", 1)[1]
    assert set(openapi_document()["components"]["schemas"][page]["properties"]) == {
        "items", "next"}
    assert "{items, next}" in operation["description"]


def _wide_plan(units: int) -> Plan:
    """A plan of one area, one task and `units` unit projects of 2018–2020 × city, national."""
    doc = sample_plan_doc(slug=f"wide-{units}", title=f"넓은 계획 {units}")
    nodes = [{"code": "1", "title": "분야", "depth": 1, "parent": None},
             {"code": "1-1", "title": "과제", "depth": 2, "parent": "1"}]
    nodes += [{"code": f"1-1-{u}", "title": f"사업 {u}", "depth": 3, "parent": "1-1"}
              for u in range(1, units + 1)]
    for node in nodes:
        node.update(level_name="단계", kind=None, departments=[], cooperating_departments=[],
                    description="", provenance={})
    doc.update(nodes=nodes, indicators=[], stated_figures=[], stated_tables=[])
    doc["budget_lines"] = [
        {"node": f"1-1-{u}", "year": y, "source": s, "amount_won": u * 1000 + y, "note": "",
         "provenance": {}}
        for u in range(1, units + 1)
        for y, s in itertools.product((2018, 2019, 2020), ("city", "national"))]
    return import_doc(doc)


def test_the_query_count_does_not_grow_with_the_plan(client: Client, planner: Any) -> None:
    ensure_funding_sources()
    client.force_login(planner)
    counts = []
    for units in (10, 100):  # 60 and 600 lines
        _wide_plan(units)
        path = f"/api/v1/plans/wide-{units}/budget-lines"
        per_request = []
        requests: list[dict[str, str]] = [
            {}, {"node": "1-1", "year": "2019", "limit": "1000"}, {"cursor": encode_cursor(5, 2019, "city")},
            {"format": "csv"}, {"format": "ndjson", "node": "1"}]
        for params in requests:
            with CaptureQueriesContext(connection) as queries:
                response = client.get(path, params)
                if response.streaming:
                    lines = _streamed(response).splitlines()
                    assert len(lines) == (units * 6 + (1 if params["format"] == "csv" else 0))
            assert response.status_code == 200
            per_request.append(len(queries))
        page = client.get(path, {"node": "1-1", "year": "2019", "limit": "1000"}).json()
        assert len(page["items"]) == units * 2
        counts.append(per_request)
    assert counts[0] == counts[1]
    assert max(counts[0]) <= 6, counts


@pytest.mark.parametrize("subtree", [False, True])
def test_a_page_walks_the_index_without_sorting_the_plans_lines(plan: Plan, subtree: bool) -> None:
    from rtis.plans.api import line_page_sql

    if connection.vendor != "sqlite":
        pytest.skip("reads SQLite's query plan")
    root = Node.objects.get(plan=plan, code="2") if subtree else None
    sql, params = line_page_sql(plan, root, 2019, None, (1, 2018, "city"), 101)
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN QUERY PLAN " + sql, params)
        steps = " | ".join(str(row[-1]) for row in cursor.fetchall())
    assert "TEMP B-TREE" not in steps, steps
    assert "sqlite_autoindex_plans_budgetline_1" in steps, steps
