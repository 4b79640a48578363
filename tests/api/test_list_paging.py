"""Every list of the plans API in keyset pages: next links, stable cursors, 400, streams, pins."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from rtis.plans.models import Indicator, Node, Plan
from rtis.plans.paging import Keyset
from tests.api.scaled import scaled_doc
from tests.conftest import ensure_funding_sources, import_doc
from tests.openapi import assert_matches_openapi, openapi_document

pytestmark = pytest.mark.django_db

LISTS = ["/api/v1/plans", "/api/v1/plans/{slug}/nodes", "/api/v1/plans/{slug}/indicators"]
STREAMED = ["/api/v1/plans/{slug}/nodes", "/api/v1/plans/{slug}/indicators"]


@pytest.fixture
def plans(db: Any) -> dict[int, Plan]:
    ensure_funding_sources()
    return {n: import_doc(scaled_doc(n)) for n in (1, 10)}


def _all_pages(api: Any, path: str, **params: Any) -> tuple[list[dict[str, Any]], int]:
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


def test_node_pages_follow_next_to_the_last_page_in_document_order(
        api: Any, plans: dict[int, Plan]) -> None:
    path = "/api/v1/plans/sample-x10/nodes"
    whole = api.get(path, limit=1000).json()
    assert whole["total"] == 60 and whole["next"] is None and len(whole["items"]) == 60
    items, pages = _all_pages(api, path, limit=7)
    assert pages == 9 and items == whole["items"]
    assert [n["code"] for n in items[:6]] == ["1", "1-1", "1-1-1", "2", "2-1", "2-1-1"]
    assert items[4]["departments"] == ["신성장산업과"] and items[4]["parent"] == "2"
    exact = api.get(path, limit=60).json()
    assert len(exact["items"]) == 60 and exact["next"] is None


def test_indicator_and_plan_pages_add_up_to_the_whole_list(
        api: Any, plans: dict[int, Plan]) -> None:
    path = "/api/v1/plans/sample-x10/indicators"
    items, pages = _all_pages(api, path, limit=3)
    assert pages == 7 and len(items) == 20 == api.get(path).json()["total"]
    assert items == api.get(path, limit=1000).json()["items"]
    assert items[0] == {"node": "1", "name": "입주기업수", "unit": "개", "direction": "increase",
                        "definition": "", "targets": {"2018": 100, "2019": 200},
                        "actuals": {"2018": 110}}
    slugs, pages = _all_pages(api, "/api/v1/plans", limit=1)
    assert [p["slug"] for p in slugs] == ["sample-x1", "sample-x10"] and pages == 2


def test_a_node_cursor_neither_skips_nor_repeats_when_nodes_come_and_go(
        api: Any, plans: dict[int, Plan]) -> None:
    plan = plans[1]
    path = f"/api/v1/plans/{plan.slug}/nodes"
    first = api.get(path, limit=3).json()
    Node.objects.create(plan=plan, code="9", title="새 분야", depth=1, level_name="프로젝트",
                        position=100)
    Node.objects.filter(plan=plan, code="1-1-1").delete()  # already read: the rest is unmoved
    rest, _ = _all_pages(api, first["next"])
    codes = [n["code"] for n in first["items"] + rest]
    assert codes == ["1", "1-1", "1-1-1", "2", "2-1", "2-1-1", "9"]


def test_an_indicator_cursor_survives_inserts_before_and_after_it(
        api: Any, plans: dict[int, Plan]) -> None:
    plan = plans[1]
    path = f"/api/v1/plans/{plan.slug}/indicators"
    first = api.get(path, limit=1).json()
    node = Node.objects.get(plan=plan, code="2")
    Indicator.objects.create(node=node, name="새 지표", unit="건", direction="increase",
                             position=99)
    rest, _ = _all_pages(api, first["next"])
    assert [i["name"] for i in first["items"] + rest] == ["입주기업수", "조성연면적", "새 지표"]


@pytest.mark.parametrize("path", LISTS)
@pytest.mark.parametrize("cursor", ["garbage!", "W10", Keyset("budget", ("id",)).encode((1,)),
                                    Keyset("nodes", ("position",)).encode((1,))[:-2] + "%%",
                                    Keyset("nodes", ("position", "id")).encode((1, 2))])
def test_a_bad_cursor_is_a_documented_400_in_both_languages(
        client: Client, plans: dict[int, Plan], path: str, cursor: str) -> None:
    url = path.format(slug="sample-x1")
    response = client.get(url, {"cursor": cursor})
    assert response.status_code == 400
    assert "커서" in response.json()["detail"] and "cursor" in response.json()["detail"]
    assert_matches_openapi("get", path.replace("{slug}", "sample-x1"), response)


def test_a_cursor_of_another_list_is_refused() -> None:
    nodes = Keyset("nodes", ("position",))
    assert nodes.decode(nodes.encode((5,))) == (5,)
    assert Keyset("plans", ("slug",)).decode(nodes.encode((5,))) is None
    assert nodes.decode(Keyset("nodes", ("position",)).encode(("x" * 400,))) is None


@pytest.mark.parametrize("path", LISTS)
def test_the_page_size_has_a_maximum(client: Client, plans: dict[int, Plan], path: str) -> None:
    url = path.format(slug="sample-x1")
    assert client.get(url, {"limit": "1001"}).status_code == 422
    assert client.get(url, {"limit": "0"}).status_code == 422
    assert client.get(url, {"limit": "1000"}).status_code == 200


@pytest.mark.parametrize("path", STREAMED)
def test_the_streams_hold_the_same_items_as_the_pages(
        api: Any, client: Client, plans: dict[int, Plan], path: str,
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("rtis.plans.paging.STREAM_CHUNK", 7)  # several chunks
    url = path.format(slug="sample-x10")
    items, _ = _all_pages(api, url, limit=5)
    ndjson = client.get(url, {"format": "ndjson"})
    assert ndjson["Content-Type"].startswith("application/x-ndjson")
    assert [json.loads(line) for line in _streamed(ndjson).splitlines()] == items
    response = client.get(url, {"format": "csv", "limit": "1", "cursor": "ignored"})
    assert "attachment" in response["Content-Disposition"]
    text = _streamed(response)
    assert text.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))
    assert len(rows) == len(items)
    key = "code" if "nodes" in path else "name"
    assert [r[key] for r in rows] == [i[key] for i in items]


def test_walk_uses_the_chunk_size_it_is_given(plans: dict[int, Plan]) -> None:
    from rtis.plans.paging import walk
    rows = Node.objects.filter(plan=plans[10]).order_by("position")
    chunks = list(walk(rows, Keyset("nodes", ("position",)), lambda n: (n.position,), chunk=25))
    assert [len(c) for c in chunks] == [25, 25, 10]
    assert [n.pk for c in chunks for n in c] == [n.pk for n in rows]


def test_the_openapi_documents_every_paging_parameter_and_the_400() -> None:
    document = openapi_document()
    for path in LISTS:
        operation = document["paths"][path]["get"]
        parameters = {p["name"]: p for p in operation["parameters"]}
        assert {"limit", "cursor"} <= set(parameters), path
        assert parameters["limit"]["schema"]["maximum"] == 1000
        assert "400" in operation["responses"]
        content = operation["responses"]["200"]["content"]
        page = content["application/json"]["schema"]["$ref"].rsplit("/", 1)[1]
        assert set(document["components"]["schemas"][page]["properties"]) == {
            "items", "next", "total"}
    for path in STREAMED:
        operation = document["paths"][path]["get"]
        formats = {p["name"]: p for p in operation["parameters"]}["format"]["schema"]["enum"]
        assert set(formats) == {"json", "csv", "ndjson"}
        assert {"text/csv", "application/x-ndjson"} <= set(
            operation["responses"]["200"]["content"])


@pytest.mark.parametrize("path,params", [
    ("/api/v1/plans/{slug}/nodes", {"limit": 1000}),
    ("/api/v1/plans/{slug}/nodes", {"format": "csv"}),
    ("/api/v1/plans/{slug}/indicators", {"limit": 1000}),
    ("/api/v1/plans/{slug}/indicators", {"format": "ndjson"}),
    ("/api/v1/plans/{slug}/nodes/2-1", {}),
    ("/api/v1/plans/{slug}/budget-lines", {"limit": 1000}),
    ("/api/v1/plans/{slug}/budget-lines", {"format": "csv"}),
    ("/api/v1/plans", {}),
])
def test_lists_take_the_same_queries_at_ten_times_the_data(
        client: Client, plans: dict[int, Plan], path: str, params: dict[str, Any]) -> None:
    counts, sizes = {}, {}
    for n, plan in plans.items():
        if path == "/api/v1/plans" and n == 10:
            for k in range(2, 11):  # ten times the plans
                import_doc({**scaled_doc(1), "plan": {**scaled_doc(1)["plan"],
                                                     "slug": f"more-{k}"}})
        with CaptureQueriesContext(connection) as queries:
            response = client.get(path.format(slug=plan.slug), params)
            body = (b"".join(response.streaming_content) if response.streaming
                    else response.content)
        counts[n], sizes[n] = len(queries), len(body)
    assert counts[1] == counts[10] <= 8, counts
    assert sizes[10] > sizes[1] or path.endswith("2-1")


@pytest.mark.parametrize("path", ["/api/v1/plans/{slug}/budget-lines",
                                  "/api/v1/plans/{slug}/budget-summary",
                                  "/api/v1/plans/{slug}/nodes"])
def test_an_unchanged_answer_is_a_304_and_a_changed_one_is_not(
        client: Client, plans: dict[int, Plan], path: str) -> None:
    url = path.format(slug="sample-x10")
    first = client.get(url)
    etag = first["ETag"]
    assert etag.startswith('"') and first.status_code == 200
    again = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304 and again.content == b"" and again["ETag"] == etag
    Node.objects.filter(plan=plans[10], code="1-1-1").update(title="바뀐 이름")
    from rtis.plans.models import BudgetLine
    BudgetLine.objects.filter(node__plan=plans[10]).update(amount_won=7)
    changed = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200 and changed["ETag"] != etag


def test_a_large_answer_is_gzipped_when_the_client_asks(
        client: Client, plans: dict[int, Plan]) -> None:
    import gzip

    url = "/api/v1/plans/sample-x10/nodes"
    plain = client.get(url)
    packed = client.get(url, HTTP_ACCEPT_ENCODING="gzip, deflate")
    assert "Content-Encoding" not in plain and packed["Content-Encoding"] == "gzip"
    assert gzip.decompress(packed.content) == plain.content
    assert len(packed.content) < len(plain.content) / 3
    assert "Accept-Encoding" in packed["Vary"]
