"""The JSON API: every response checked against /api/v1/openapi.json."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.openapi import assert_matches_openapi

pytestmark = pytest.mark.django_db


def test_the_openapi_document_is_served_and_documents_every_route(client: Any) -> None:
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    for path in ["/api/v1/plans", "/api/v1/plans/{slug}", "/api/v1/plans/{slug}/nodes",
                 "/api/v1/plans/{slug}/nodes/{code}", "/api/v1/plans/{slug}/budget-lines",
                 "/api/v1/plans/{slug}/budget-summary", "/api/v1/plans/{slug}/indicators",
                 "/api/v1/plans/{slug}/export"]:
        assert path in paths, path


def test_the_public_lists_only_published_plans(api: Any, plan: Any, private_plan: Any) -> None:
    slugs = [p["slug"] for p in api.get("/api/v1/plans").json()["items"]]
    assert slugs == ["sample-plan"]


def test_staff_list_every_plan(api: Any, viewer: Any, private_plan: Any) -> None:
    api.login(viewer)
    slugs = {p["slug"] for p in api.get("/api/v1/plans").json()["items"]}
    assert slugs == {"sample-plan", "private-plan"}


def test_an_unpublished_plan_is_404_with_a_json_message(api: Any, private_plan: Any) -> None:
    response = api.get("/api/v1/plans/private-plan")
    assert response.status_code == 404
    assert "private-plan" in response.json()["detail"]


def test_an_unknown_node_is_404(api: Any, plan: Any) -> None:
    response = api.get("/api/v1/plans/sample-plan/nodes/9-9")
    assert response.status_code == 404
    assert "9-9" in response.json()["detail"]


def test_the_node_tree_keeps_document_order_and_departments(api: Any, plan: Any) -> None:
    nodes = api.get("/api/v1/plans/sample-plan/nodes").json()["items"]
    assert [n["code"] for n in nodes] == ["1", "1-1", "1-1-1", "2", "2-1", "2-1-1"]
    task = nodes[4]
    assert task["departments"] == ["신성장산업과"]
    assert task["cooperating_departments"] == ["경제정책과"]
    assert task["parent"] == "2" and task["depth"] == 2 and task["kind"] == "확대"


def test_budget_lines_filter_by_year_source_and_subtree(api: Any, plan: Any) -> None:
    base = "/api/v1/plans/sample-plan/budget-lines"
    assert len(api.get(base).json()["items"]) == 4
    assert [line["amount_won"] for line in
            api.get(base, year=2019, source="national").json()["items"]] == [2_250_000_000]
    assert {line["node"] for line in api.get(base, node="2").json()["items"]} == {"2-1-1"}


def test_bad_filters_are_422_naming_the_field(api: Any, plan: Any) -> None:
    response = api.get("/api/v1/plans/sample-plan/budget-lines", year=1800)
    assert response.status_code == 422
    body = response.json()
    assert "year" in body["detail"]
    response = api.get("/api/v1/plans/sample-plan/budget-lines", source="bitcoin")
    assert response.status_code == 422 and "source" in response.json()["detail"]


def test_the_budget_summary_is_computed_from_lines(api: Any, plan: Any) -> None:
    summary = api.get("/api/v1/plans/sample-plan/budget-summary").json()
    by_source = summary["by_source"]
    assert by_source["columns"] == ["city", "national"]
    assert by_source["total"] == 21_650_000_000
    assert by_source["year_totals"] == [9_400_000_000, 12_250_000_000, 0]
    assert summary["by_area"]["columns"] == ["1", "2"]
    assert summary["by_area"]["column_totals"] == [17_900_000_000, 3_750_000_000]


def test_indicators_carry_targets_and_actuals(api: Any, plan: Any) -> None:
    indicators = api.get("/api/v1/plans/sample-plan/indicators").json()["items"]
    assert indicators[0]["targets"] == {"2018": 100, "2019": 200}
    assert indicators[0]["actuals"] == {"2018": 110}
    assert indicators[1]["targets"] == {"2019": 1234.5}


def test_the_export_is_the_documented_plan_format(api: Any, plan: Any) -> None:
    response = api.get("/api/v1/plans/sample-plan/export")
    assert response.status_code == 200 and response.streaming
    doc = json.loads(b"".join(response.streaming_content))
    assert doc["format"] == "rtis-plan/1"
    assert doc["plan"]["slug"] == "sample-plan"
    assert doc["budget_lines"][0] == {
        "node": "1-1-1", "year": 2018, "source": "city", "amount_won": 7_900_000_000, "note": "",
        "provenance": {"table": "연차별 소요예산", "unit": "백만원"}}


def test_api_routes_refuse_writes(api: Any, plan: Any) -> None:
    for path in ["/api/v1/plans", "/api/v1/plans/sample-plan", "/api/v1/plans/sample-plan/export"]:
        assert api.request("post", path).status_code == 405
        assert api.request("delete", path).status_code == 405


def test_list_endpoints_keep_a_constant_query_count(
    api: Any, plan: Any, django_assert_max_num_queries: Any
) -> None:
    # nodes: one query more for the nodes withheld from the public (portal)
    for path, limit in [("/api/v1/plans", 3), ("/api/v1/plans/sample-plan/nodes", 6),
                        ("/api/v1/plans/sample-plan/budget-lines", 4),
                        ("/api/v1/plans/sample-plan/indicators", 6),
                        # export: streamed; the departments it names are read first (+1)
                        ("/api/v1/plans/sample-plan/export", 15)]:
        with django_assert_max_num_queries(limit):
            api.get(path)


def test_an_out_of_range_year_is_a_documented_422(client: Any, plan: Any) -> None:
    response = client.get("/api/v1/plans/sample-plan/budget-lines", {"year": 0})
    assert response.status_code == 422
    assert "query.year" in response.json()["errors"][0]["field"]
    assert_matches_openapi("get", "/api/v1/plans/sample-plan/budget-lines", response)
