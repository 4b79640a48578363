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


# -- the thin path (rtis.apicache.thin): misses computed without Django's request machinery ----

SUMMARY = "/api/v1/plans/sample-plan/budget-summary"
THIN = [  # (path, request headers): every one answered by the thin path itself
    (LINES, {}),
    (f"{LINES}?limit=1", {}),
    (f"{LINES}?limit=1000", {}),
    (f"{LINES}?node=1&year=2019", {}),
    (f"{LINES}?year=2019&node=1&limit=1", {}),
    (f"{LINES}?node=2-1&source=city", {}),
    (f"{LINES}?format=csv", {}),
    (f"{LINES}?node=1&format=csv", {}),
    (f"{LINES}?format=ndjson&source=city", {}),
    (f"{LINES}?format=json&year=2030", {}),
    (f"{LINES}?cursor=bogus", {}),  # 400, the view's body
    (f"{LINES}?cursor=", {}),
    (f"{LINES}?node=9-9", {}),  # 404: no such node
    ("/api/v1/plans/no-such-plan/budget-lines", {}),  # 404: no such plan
    ("/api/v1/plans/no-such-plan/budget-lines?format=csv", {}),
    (LINES, {"accept_encoding": "gzip, deflate"}),
    (f"{LINES}?limit=1", {"accept_encoding": "gzip"}),  # too small to be gzipped
    (SUMMARY, {}),
    (SUMMARY, {"accept_encoding": "gzip"}),
    ("/api/v1/plans/no-such-plan/budget-summary", {}),
]
TO_DJANGO = [  # requests the thin path does not fully understand
    f"{LINES}?limit=0",  # 422
    f"{LINES}?limit=1001",
    f"{LINES}?year=abc",
    f"{LINES}?year=1989",
    f"{LINES}?source=moon",
    f"{LINES}?format=xml",
    f"{LINES}?node=",
    f"{LINES}?limit=1&limit=2",
    f"{LINES}?callback=x",  # a parameter the view ignores
    f"{LINES}?cursor={'x' * 101}",
    f"{SUMMARY}?year=2019",
    "/api/v1/plans/sample-plan/nodes",  # another endpoint: the cache and Django only
    f"{LINES}?year=%322019",  # not ninja's rules for an integer: not ours to guess
]


@pytest.mark.parametrize(("path", "headers"), THIN)
@pytest.mark.parametrize("max_bytes", [0, 8 << 20], ids=["cache-off", "cache-on"])
def test_the_thin_path_answers_exactly_as_django_does(plan: Plan, path: str,
                                                      headers: dict[str, str],
                                                      max_bytes: int) -> None:
    django_app, fast = apps(max_bytes)
    full = call(django_app, path, **headers)
    thin = call(fast, path, **headers)
    _same(full, thin)
    assert fast.thin.answered == 1 and fast.thin.declined == 0
    _same(full, call(fast, path, **headers))  # again: a hit, or the thin path once more
    assert fast.thin.answered == (1 if max_bytes and full.code == 200 else 2)
    if full.code == 200 and (full.header("Content-Type") or "").startswith("application/json"):
        etag = full.header("ETag")
        assert etag
        not_modified = call(fast, path, if_none_match=etag, **headers)
        _same(call(django_app, path, if_none_match=etag, **headers), not_modified)
        assert not_modified.code == 304 and not_modified.body == b""


@pytest.mark.parametrize("path", TO_DJANGO)
def test_what_the_thin_path_does_not_understand_goes_to_django(plan: Plan, path: str) -> None:
    django_app, fast = apps(0)
    _same(call(django_app, path), call(fast, path))
    assert fast.thin.answered == 0


def test_the_thin_path_walks_the_pages_as_the_view_does(plan: Plan) -> None:
    django_app, fast = apps(0)
    path: str | None = f"{LINES}?limit=1&year=2019"
    pages = 0
    while path is not None:
        full = call(django_app, path)
        _same(full, call(fast, path))
        path = orjson.loads(full.body)["next"]
        pages += 1
    assert pages >= 2 and fast.thin.answered == pages


def test_the_thin_path_needs_the_middleware_it_was_written_for(plan: Plan, settings: Any) -> None:
    settings.MIDDLEWARE = [*settings.MIDDLEWARE, "django.middleware.gzip.GZipMiddleware"]
    django_app, fast = apps(0)
    _same(call(django_app, LINES), call(fast, LINES))
    assert not fast.thin.enabled and fast.thin.answered == 0


def test_the_thin_path_refuses_a_host_django_refuses(plan: Plan) -> None:
    django_app, fast = apps(0)
    bad = call(fast, LINES, host="evil.example")
    full = call(django_app, LINES, host="evil.example")  # an HTML page with a new CSRF token
    assert bad.code == full.code == 400 and b"<html" in bad.body
    assert fast.thin.answered == 0


def test_the_thin_path_never_shows_the_unpublished_or_the_withheld(plan: Plan,
                                                                   private_plan: Plan,
                                                                   planner: User) -> None:
    do_withhold_node(planner, plan.nodes.get(code="2-1"), "협의 중")
    cookie = _session_cookie(planner)
    django_app, fast = apps(0)
    private = "/api/v1/plans/private-plan/budget-lines"
    for path in (private, f"{private}?format=csv", "/api/v1/plans/private-plan/budget-summary"):
        _same(call(django_app, path), call(fast, path))
        assert call(fast, path).code == 404
        assert call(fast, path, cookie=cookie).code == 200  # staff: Django, unpublished shown
    for path in (LINES, f"{LINES}?node=2", f"{LINES}?format=ndjson", f"{LINES}?node=2-1",
                 f"{LINES}?node=2-1-1&format=csv"):
        _same(call(django_app, path), call(fast, path))
    assert {i["node"] for i in orjson.loads(call(fast, LINES).body)["items"]} == {"1-1-1"}
    assert b"2-1-1" not in call(fast, f"{LINES}?format=ndjson").body
    assert call(fast, f"{LINES}?node=2-1").code == 404
    staff = orjson.loads(call(fast, LINES, cookie=cookie).body)
    assert {i["node"] for i in staff["items"]} == {"1-1-1", "2-1-1"}
    assert fast.thin.answered >= 12
