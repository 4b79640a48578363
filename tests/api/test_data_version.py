"""The data version changes after every committed write, and the cache follows it.

These tests commit for real (transactional database): the version moves only after a commit,
so a test inside one rolled-back transaction could not see it.
"""

from __future__ import annotations

import threading
from typing import Any

import orjson
import pytest
from django.db import connection, transaction

from rtis.apicache import version
from rtis.apicache.cache import Answer, AnswerCache
from rtis.orgs.models import User
from rtis.plans.actions import do_set_budget_line, do_set_plan_published
from rtis.plans.models import BudgetLine, Plan
from rtis.portal.actions import do_release_node, do_withhold_node
from tests.api.fastreads import apps, call
from tests.conftest import import_doc
from tests.factories import sample_plan_doc

LINES = "/api/v1/plans/sample-plan/budget-lines"
SUMMARY = "/api/v1/plans/sample-plan/budget-summary"


def _items(fast: Any, path: str = LINES) -> list[dict[str, Any]]:
    got = call(fast, path)
    assert got.code == 200, got.body
    return orjson.loads(got.body)["items"]


@pytest.fixture
def committed(transactional_db: Any, keep_test_connection: Any) -> None:
    """A transactional test: writes commit, so on-commit bumps run."""


@pytest.mark.usefixtures("committed")
class TestInvalidationAfterWrites:
    def test_an_edited_budget_line_is_seen_at_once(self, plan: Plan, planner: User) -> None:
        _, fast = apps()
        before = _items(fast)
        assert _items(fast) == before and fast.cache.hits == 1
        summary = orjson.loads(call(fast, SUMMARY).body)
        stamp = version.current()
        line = BudgetLine.objects.get(node__plan=plan, node__code="1-1-1", year=2018)
        do_set_budget_line(planner, line.node, year=2018, source_code="city",
                           amount_won=123_456, expected_version=line.version)
        assert version.current() != stamp
        after = _items(fast)
        assert [i["amount_won"] for i in after if i["node"] == "1-1-1" and i["year"] == 2018] \
            == [123_456]
        new_summary = orjson.loads(call(fast, SUMMARY).body)
        assert new_summary["by_source"]["total"] == \
            summary["by_source"]["total"] - line.amount_won + 123_456
        assert fast.cache.dropped >= 2

    def test_withholding_and_releasing_a_node(self, plan: Plan, planner: User) -> None:
        _, fast = apps()
        assert {i["node"] for i in _items(fast)} == {"1-1-1", "2-1-1"}
        node = plan.nodes.get(code="2-1")
        assert call(fast, "/api/v1/plans/sample-plan/nodes/2-1").code == 200
        do_withhold_node(planner, node, "협의 중")
        assert {i["node"] for i in _items(fast)} == {"1-1-1"}  # never the cached answer
        assert call(fast, "/api/v1/plans/sample-plan/nodes/2-1").code == 404
        do_release_node(planner, node)
        assert {i["node"] for i in _items(fast)} == {"1-1-1", "2-1-1"}

    def test_unpublishing_a_plan_hides_it_at_once(self, plan: Plan, planner: User) -> None:
        _, fast = apps()
        assert _items(fast) and call(fast, "/api/v1/plans/sample-plan").code == 200
        listed = orjson.loads(call(fast, "/api/v1/plans").body)["items"]
        assert [p["slug"] for p in listed] == ["sample-plan"]
        do_set_plan_published(planner, Plan.objects.get(pk=plan.pk), False)
        assert call(fast, LINES).code == 404
        assert call(fast, SUMMARY).code == 404
        assert call(fast, "/api/v1/plans/sample-plan").code == 404
        assert orjson.loads(call(fast, "/api/v1/plans").body)["items"] == []

    def test_an_imported_plan_appears(self, plan: Plan) -> None:
        _, fast = apps()
        assert [p["slug"] for p in orjson.loads(call(fast, "/api/v1/plans").body)["items"]] \
            == ["sample-plan"]
        import_doc(sample_plan_doc(slug="second-plan", title="둘째 계획"))
        slugs = [p["slug"] for p in orjson.loads(call(fast, "/api/v1/plans").body)["items"]]
        assert slugs == ["sample-plan", "second-plan"]

    def test_raw_sql_in_autocommit_bumps(self, plan: Plan) -> None:
        _, fast = apps()
        assert _items(fast)
        stamp = version.current()
        with connection.cursor() as cursor:
            cursor.execute("UPDATE plans_budgetline SET amount_won = 7 WHERE year = 2019")
        assert version.current() != stamp
        assert {i["amount_won"] for i in _items(fast) if i["year"] == 2019} == {7}

    def test_a_rolled_back_write_bumps_nothing(self, plan: Plan) -> None:
        stamp = version.current()

        class Undo(Exception):
            pass

        with pytest.raises(Undo), transaction.atomic():
            BudgetLine.objects.filter(year=2019).update(amount_won=1)
            raise Undo
        assert version.current() == stamp
        with transaction.atomic():  # one bump per transaction, after its commit
            BudgetLine.objects.filter(year=2019).update(amount_won=1)
            BudgetLine.objects.filter(year=2018).update(amount_won=2)
            assert version.current() == stamp
        assert version.current() != stamp

    def test_reads_and_session_writes_do_not_bump(self, plan: Plan, planner: User) -> None:
        from django.test import Client

        client = Client()
        client.force_login(planner)  # writes a session row (and a sign-in event: a bump)
        stamp = version.current()
        list(BudgetLine.objects.all())
        assert client.get("/api/v1/plans/sample-plan/budget-lines").status_code == 200
        session = client.session
        session["something"] = 1
        session.save()
        assert version.current() == stamp


@pytest.mark.usefixtures("committed")
class TestTheThinPathAfterWrites:
    """No answer cache (size 0): every request is computed by the thin path, whose kept scope
    (readable plan, withheld nodes, subtree root) must follow every committed write."""

    def test_withholding_unpublishing_and_editing(self, plan: Plan, planner: User) -> None:
        _, fast = apps(0)
        node = plan.nodes.get(code="2-1")
        assert {i["node"] for i in _items(fast)} == {"1-1-1", "2-1-1"}
        assert call(fast, f"{LINES}?node=2-1").code == 200
        do_withhold_node(planner, node, "협의 중")
        assert {i["node"] for i in _items(fast)} == {"1-1-1"}
        assert call(fast, f"{LINES}?node=2-1").code == 404
        assert b"2-1-1" not in call(fast, f"{LINES}?format=csv").body
        do_release_node(planner, node)
        assert {i["node"] for i in _items(fast, f"{LINES}?node=2-1")} == {"2-1-1"}
        line = BudgetLine.objects.get(node__plan=plan, node__code="1-1-1", year=2018)
        do_set_budget_line(planner, line.node, year=2018, source_code="city",
                           amount_won=654_321, expected_version=line.version)
        assert 654_321 in {i["amount_won"] for i in _items(fast)}
        do_set_plan_published(planner, Plan.objects.get(pk=plan.pk), False)
        assert call(fast, LINES).code == 404 and call(fast, SUMMARY).code == 404
        assert fast.thin.answered >= 9 and fast.cache.hits == 0


@pytest.mark.parametrize(("sql", "writes"), [
    ("SELECT 1", False),
    ("  select * from plans_plan", False),
    ("INSERT INTO plans_plan VALUES (1)", True),
    ("update plans_plan set x = 1", True),
    ("DELETE FROM plans_node", True),
    ("CREATE TABLE t (x int)", True),
    ("ALTER TABLE t ADD y int", True),
    ("DROP TABLE t", True),
    ("REPLACE INTO t VALUES (1)", True),
    ("WITH RECURSIVE s(id) AS (SELECT 1) SELECT * FROM s", False),
    ("WITH gone AS (SELECT 1) DELETE FROM t WHERE id IN (SELECT * FROM gone)", True),
    ("UPDATE django_session SET expire_date = now()", False),
    ('UPDATE "django_session" SET "session_data" = %s', False),
])
def test_what_counts_as_a_write(sql: str, writes: bool) -> None:
    assert version.is_write(sql) is writes


def _answer(size: int) -> Answer:
    return Answer("200 OK", (("Content-Type", "text/plain"),), b"x" * size)


def test_the_cache_is_bounded_by_bytes_least_recently_used_out() -> None:
    cache = AnswerCache(max_bytes=3_000, max_answer_bytes=2_000)
    assert cache.get(1, ("a",)) is None  # a lookup adopts the version; answers are put after
    for key in "abc":
        assert cache.put(1, (key,), _answer(700))
    assert cache.get(1, ("a",)) is not None  # a is now the most recent
    assert cache.put(1, ("d",), _answer(700))  # over 3,000 bytes: b goes
    assert cache.get(1, ("b",)) is None and cache.get(1, ("a",)) is not None
    assert cache.size <= 3_000
    assert not cache.put(1, ("huge",), _answer(2_500))  # over one answer's limit
    assert cache.get(1, ("huge",)) is None


def test_a_new_version_drops_every_answer_and_old_ones_are_refused() -> None:
    cache = AnswerCache(max_bytes=10_000, max_answer_bytes=5_000)
    assert cache.get(1, ("a",)) is None
    assert cache.put(1, ("a",), _answer(10))
    assert cache.get(2, ("a",)) is None and len(cache) == 0
    assert not cache.put(1, ("a",), _answer(10))  # computed at the old version: not kept
    assert cache.put(2, ("a",), _answer(10)) and cache.get(2, ("a",)) is not None


def test_an_answer_older_than_its_max_age_is_computed_again() -> None:
    """A write the version cannot see (another program, a kill between commit and bump) is
    served stale for at most max_age seconds."""
    now = [100.0]
    cache = AnswerCache(max_bytes=10_000, max_answer_bytes=5_000, max_age=60, clock=lambda: now[0])
    assert cache.get(1, ("a",)) is None
    assert cache.put(1, ("a",), _answer(10))
    now[0] += 60
    kept = cache.get(1, ("a",))
    assert kept is not None and kept.stored_at == 100.0  # 60 s old: still kept
    assert kept == _answer(10)  # the time it was stored is no part of the answer's content
    now[0] += 0.5
    assert cache.get(1, ("a",)) is None and len(cache) == 0 and cache.size == 0
    assert cache.put(1, ("a",), _answer(10)) and cache.get(1, ("a",)) is not None


def test_one_request_computes_while_the_others_wait() -> None:
    cache = AnswerCache(max_bytes=10_000, max_answer_bytes=5_000)
    assert cache.claim(("k",)) is None  # the first computes
    waiting = cache.claim(("k",))
    assert waiting is not None and not waiting.is_set()
    done: list[bool] = []
    waiter = threading.Thread(target=lambda: done.append(waiting.wait(5)))
    waiter.start()
    cache.release(("k",))
    waiter.join()
    assert done == [True]
    assert cache.claim(("k",)) is None  # released: the next miss computes again
