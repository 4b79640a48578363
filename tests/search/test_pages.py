"""The search page and GET /api/v1/search: results, hostile input (400, never 500), query counts."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from rtis.plans.models import Plan
from tests.conftest import client_for

pytestmark = pytest.mark.django_db
PAGE = "/search/"
API = "/api/v1/search"

HOSTILE = [
    ({"q": "허브" * 5000}, "200"),  # 10,000 characters
    ({"q": "허브", "per_page": "1000000"}, "per_page"),
    ({"q": "허브", "per_page": "-1"}, "per_page"),
    ({"q": "허브", "page": "99999999999999999999"}, "page"),
    ({"q": "허브", "page": "1 OR 1=1"}, "page"),
    ({"q": "허브", "page": "9" * 5000}, "page"),  # more digits than int() reads: ValueError
    ({"q": "허브", "per_page": "²"}, "per_page"),
    ({"q": "허브", "kind": "node'; DROP TABLE search_tokens; --"}, "kind"),
    ({"q": "허브", "order": "id"}, "order"),
    ({"q": "허브", "cursor": "eyJpZCI6IDF9"}, "cursor"),
    ({"q": "'\";--"}, "q"),
    ({"q": "허브\x00"}, "q"),
]


def test_the_page_groups_results_by_kind_with_the_match_marked(plan: Plan) -> None:
    response = Client().get(PAGE, {"q": "허브를"})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-testid="group-node"' in html
    assert "홍릉 서울바이오<mark>허브</mark> 조성" in html
    assert reverse("plans:node", args=["sample-plan", "2-1"]) in html


def test_the_page_without_a_query_explains_what_it_finds(plan: Plan) -> None:
    response = Client().get(PAGE)
    assert response.status_code == 200
    assert "두 글자 낱말" in response.content.decode()


def test_the_page_says_when_nothing_matches(plan: Plan) -> None:
    response = Client().get(PAGE, {"q": "없는낱말"})
    assert response.status_code == 200 and 'data-testid="no-results"' in response.content.decode()


def test_the_header_of_every_page_has_a_search_box(plan: Plan) -> None:
    html = Client().get(reverse("plans:list")).content.decode()
    assert 'data-testid="site-search"' in html and f'action="{PAGE}"' in html


def test_a_kind_is_paged(plan: Plan) -> None:
    html = Client().get(PAGE, {"q": "조성", "kind": "node", "per_page": "2"}).content.decode()
    assert 'data-testid="pager"' in html and "1 / 2" in html


def test_the_public_does_not_see_unpublished_plans_on_the_page(private_plan: Plan,
                                                               viewer: Any) -> None:
    assert "group-plan" not in Client().get(PAGE, {"q": "비공개"}).content.decode()
    assert "<mark>비공개</mark> 계획" in client_for(viewer).get(PAGE, {"q": "비공개"}).content.decode()


@pytest.mark.parametrize(("params", "named"), HOSTILE)
def test_hostile_input_on_the_page_is_a_400_with_a_message(plan: Plan, params: dict[str, str],
                                                            named: str) -> None:
    response = Client().get(PAGE, params)
    assert response.status_code == 400
    html = response.content.decode()
    assert 'data-testid="search-error"' in html and named in html
    assert "<script" not in html.split("<main", 1)[1].split("</main>", 1)[0]


@pytest.mark.parametrize(("params", "named"), HOSTILE)
def test_hostile_input_on_the_api_is_a_400_with_a_message(plan: Plan, api: Any,
                                                           params: dict[str, str],
                                                           named: str) -> None:
    response = api.get(API, **params)
    assert response.status_code == 400
    detail = response.json()["detail"]
    assert named in detail and " / " in detail


def test_invalid_utf8_is_a_400_not_a_500(plan: Plan) -> None:
    for path in (PAGE, API):
        response = Client().get(f"{path}?q=%ED%97%88%FF%FE")
        assert response.status_code == 400, path
        assert "UTF-8" in response.content.decode()


def test_sql_in_a_query_is_only_words(plan: Plan, api: Any) -> None:
    response = api.get(API, q="허브' OR '1'='1")
    assert response.status_code == 200
    assert response.json()["groups"] == []
    assert api.get(API, q="허브")["Content-Type"].startswith("application/json")


def test_the_api_answers_with_groups_and_escaped_snippets(plan: Plan, api: Any) -> None:
    response = api.get(API, q="창업")
    assert response.status_code == 200
    body = response.json()
    assert body["terms"] == ["창업"]
    node = next(g for g in body["groups"] if g["kind"] == "node")
    assert node["count"] == 1 and node["hits"][0]["title"] == "홍릉 서울바이오허브 조성"
    assert node["hits"][0]["snippet"] == "바이오 <mark>창업</mark> 거점"
    assert node["hits"][0]["public"] is True


def test_the_api_requires_a_query(plan: Plan, api: Any) -> None:
    response = api.get(API)
    assert response.status_code == 400 and "q" in response.json()["detail"]


def test_the_api_refuses_other_methods(plan: Plan) -> None:
    assert Client().post(API, {"q": "허브"}).status_code == 405


def test_the_api_shows_staff_internal_results_marked_as_such(private_plan: Plan, api: Any,
                                                            viewer: Any) -> None:
    assert api.get(API, q="비공개").json()["groups"] == []
    api.login(viewer)
    plans = api.get(API, q="비공개").json()["groups"][0]
    assert plans["kind"] == "plan" and plans["hits"][0]["public"] is False


def test_the_page_and_the_api_use_a_fixed_number_of_queries(
        private_plan: Plan, viewer: Any, django_assert_max_num_queries: Any) -> None:
    client = client_for(viewer)
    with django_assert_max_num_queries(9):  # session, user, menu counts + 3 searching
        assert client.get(PAGE, {"q": "조성"}).status_code == 200
    with django_assert_max_num_queries(9):
        assert client.get(PAGE, {"q": "조성", "kind": "node"}).status_code == 200
    with django_assert_max_num_queries(6):
        assert client.get(API, {"q": "조성"}).status_code == 200
