"""FastReads: the public's plan reads from memory give Django's own answers, and nothing more.

Every endpoint it serves is asked through Django alone and through FastReads (a miss, then a
hit): status, headers and body must be byte-identical. Staff (a session cookie) and other
requests are never served from, nor stored in, the cache; unpublished plans and withheld nodes
never leak through it.
"""

from __future__ import annotations

import gzip
from typing import Any

import orjson
import pytest
from django.test import Client

from rtis.apicache import version
from rtis.apicache.wsgi import CACHED_PATHS, eligible
from rtis.orgs.models import User
from rtis.plans.models import Plan
from rtis.portal.actions import do_withhold_node
from tests.api.fastreads import Got, apps, call, environ

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("keep_test_connection")]

LINES = "/api/v1/plans/sample-plan/budget-lines"
SERVED = [
    "/api/v1/plans",
    "/api/v1/plans?limit=1",
    "/api/v1/plans/sample-plan",
    "/api/v1/plans/sample-plan/nodes",
    "/api/v1/plans/sample-plan/nodes?format=csv",
    "/api/v1/plans/sample-plan/nodes?limit=2&format=json",
    "/api/v1/plans/sample-plan/nodes/2-1",
    LINES,
    f"{LINES}?limit=1",
    f"{LINES}?node=1&year=2019",
    f"{LINES}?format=csv",
    f"{LINES}?format=ndjson&source=city",
    f"{LINES}?cursor=bogus",
    f"{LINES}?limit=0",
    "/api/v1/plans/sample-plan/budget-summary",
    "/api/v1/plans/sample-plan/indicators",
    "/api/v1/plans/sample-plan/indicators?format=csv",
    "/api/v1/plans/no-such-plan/budget-lines",
    "/api/v1/plans/sample-plan/nodes/9-9",
]


def _session_cookie(user: User) -> str:
    client = Client()
    client.force_login(user)
    return f"sessionid={client.cookies['sessionid'].value}"


def _same(a: Got, b: Got) -> None:
    assert (a.status, a.headers, a.body) == (b.status, b.headers, b.body)


@pytest.mark.parametrize("path", SERVED)
def test_miss_and_hit_answer_exactly_as_django_does(plan: Plan, path: str) -> None:
    django_app, fast = apps()
    full = call(django_app, path)
    miss = call(fast, path)
    hit = call(fast, path)
    _same(full, miss)
    _same(full, hit)
    if full.code == 200:
        assert fast.cache.hits == 1 and len(fast.cache) == 1
    else:  # refusals (400, 404, 422) are always Django's, never stored
        assert fast.cache.hits == 0 and len(fast.cache) == 0


@pytest.mark.parametrize("path", ["/api/v1/plans/sample-plan/nodes",
                                  "/api/v1/plans/sample-plan/nodes?limit=6"])
def test_gzip_and_not_modified_are_kept_apart(plan: Plan, path: str) -> None:
    django_app, fast = apps()
    plain = call(fast, path)
    assert len(plain.body) > 1024  # big enough to be gzipped when asked
    zipped = call(fast, path, accept_encoding="gzip, deflate")
    _same(call(django_app, path, accept_encoding="gzip, deflate"), zipped)
    _same(call(fast, path, accept_encoding="gzip, deflate"), zipped)
    _same(call(fast, path), plain)
    assert zipped.header("Content-Encoding") == "gzip" and plain.header("Content-Encoding") is None
    assert gzip.decompress(zipped.body) == plain.body
    etag = plain.header("ETag")
    assert etag
    for _ in range(2):  # a miss, then a hit: both Django's 304
        not_modified = call(fast, path, if_none_match=etag)
        _same(call(django_app, path, if_none_match=etag), not_modified)
        assert not_modified.code == 304 and not_modified.body == b""
    assert fast.cache.hits == 3  # gzip again, plain again, the second 304


def test_a_cursor_page_keeps_its_own_next_link(plan: Plan) -> None:
    _, fast = apps()
    first = orjson.loads(call(fast, f"{LINES}?limit=1").body)
    second = orjson.loads(call(fast, first["next"]).body)
    assert second["items"] != first["items"]
    assert orjson.loads(call(fast, first["next"]).body) == second
    # the same query in another order is another key: its next link keeps that order
    swapped = orjson.loads(call(fast, f"{LINES}?year=2019&limit=1").body)
    assert swapped["next"].startswith(f"{LINES}?year=2019&limit=1&cursor=")


def test_staff_and_other_requests_go_to_django_and_are_not_stored(plan: Plan,
                                                                  private_plan: Plan,
                                                                  planner: User) -> None:
    cookie = _session_cookie(planner)
    _, fast = apps()
    private = "/api/v1/plans/private-plan/budget-lines"
    staff = call(fast, private, cookie=cookie)
    assert staff.code == 200 and orjson.loads(staff.body)["items"]
    assert len(fast.cache) == 0
    assert call(fast, private).code == 404  # the public: no such plan
    assert call(fast, private, cookie=cookie).code == 200
    assert call(fast, private).code == 404
    listing = orjson.loads(call(fast, "/api/v1/plans").body)
    assert [p["slug"] for p in listing["items"]] == ["sample-plan"]
    staff_list = orjson.loads(call(fast, "/api/v1/plans", cookie=cookie).body)
    assert {p["slug"] for p in staff_list["items"]} == {"sample-plan", "private-plan"}
    assert orjson.loads(call(fast, "/api/v1/plans").body) == listing
    assert fast.cache.hits == 1


def test_withheld_nodes_stay_withheld_for_the_public_only(plan: Plan, planner: User) -> None:
    node = plan.nodes.get(code="2-1")
    do_withhold_node(planner, node, "협의 중")
    cookie = _session_cookie(planner)
    _, fast = apps()
    staff = orjson.loads(call(fast, LINES, cookie=cookie).body)
    assert {i["node"] for i in staff["items"]} >= {"1-1-1", "2-1-1"}
    for _ in range(2):  # a miss, then a hit
        public = orjson.loads(call(fast, LINES).body)
        assert {i["node"] for i in public["items"]} == {"1-1-1"}
        assert call(fast, "/api/v1/plans/sample-plan/nodes/2-1").code == 404
        assert call(fast, f"{LINES}?node=2").code == 200
        assert orjson.loads(call(fast, f"{LINES}?node=2").body)["items"] == []
        assert call(fast, f"{LINES}?node=2-1").code == 404
        codes = {n["code"] for n in orjson.loads(
            call(fast, "/api/v1/plans/sample-plan/nodes").body)["items"]}
        assert "2-1" not in codes and "2-1-1" not in codes
    assert orjson.loads(call(fast, LINES, cookie=cookie).body) == staff


def test_only_the_plan_reads_without_cookie_or_authorization_are_eligible() -> None:
    assert eligible(environ("/api/v1/plans/x/budget-lines"))
    assert not eligible(environ("/api/v1/plans/x/budget-lines", cookie="django_language=en"))
    assert not eligible(environ("/api/v1/plans/x/budget-lines", authorization="Bearer t"))
    assert not eligible(environ("/api/v1/plans/x/export"))
    assert not eligible(environ("/api/v1/tracking/my-entries"))
    assert not eligible(environ("/plans/x/"))
    post = environ("/api/v1/plans/x/budget-lines")
    post["REQUEST_METHOD"] = "POST"
    assert not eligible(post)
    for path in ("/api/v1/plans", "/api/v1/plans/x", "/api/v1/plans/x/nodes",
                 "/api/v1/plans/x/nodes/1-2", "/api/v1/plans/x/budget-summary",
                 "/api/v1/plans/x/indicators"):
        assert CACHED_PATHS.fullmatch(path)


def test_no_version_table_means_no_cache(plan: Plan, monkeypatch: Any) -> None:
    monkeypatch.setattr(version, "current", lambda using="default": None)
    _, fast = apps()
    assert call(fast, LINES).code == 200
    assert call(fast, LINES).code == 200
    assert len(fast.cache) == 0 and fast.cache.hits == 0
