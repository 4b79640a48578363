"""A citizen reads the council follow-up: 37 items over two pages, a text search, filters by
status, category and department, coloured statuses, and an item's dated history — with no name
of who changed it."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from rtis.oversight.actions import do_import_council_session, do_update_audit_item
from rtis.oversight.models import AuditItem
from tests.oversight.conftest import COUNCIL_ITEMS, KEY

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

EXTRA = [{"category": "recommendation", "number": n, "title": f"시험 권고 {n:02d}호",
          "departments": ["문화융합경제과"], "status": "검토중", "next_steps": "검토"}
         for n in range(4, 34)]  # 7 + 30 = 37 items: two pages of 30


@pytest.fixture
def council(plan: Any, officer: Any) -> Any:
    session = do_import_council_session(
        None, {"key": KEY, "title": "시험 행정사무감사", "year": 2021, "plan": "sample-plan",
               "committee": "기획경제위원회"}, COUNCIL_ITEMS + EXTRA,
        summary={"columns": [], "rows": [], "claims": []})
    item = AuditItem.objects.get(session=session, category="corrective", number=2)
    do_update_audit_item(officer, item, item.version, status="완료",
                         actions="서울바이오허브 개관('22.5.20.)", next_steps="",
                         due_on=dt.date(2022, 5, 20))
    return session


def _count(page: Any) -> str:
    return page.get_by_test_id("item-count").inner_text()


def _titles(page: Any) -> list[str]:
    return page.get_by_test_id("items").locator("tbody td.wide").all_inner_texts()


def test_a_citizen_pages_searches_filters_and_reads_an_items_history(
        page: Any, live_server: Any, council: Any) -> None:
    page.goto(f"{live_server.url}/oversight/{KEY}/")
    assert _count(page).startswith("37건") and "1–30번째" in _count(page)
    assert len(_titles(page)) == 30
    # coloured statuses: each status has its class
    classes = page.get_by_test_id("item-status").evaluate_all("els => els.map(e => e.className)")
    assert len(set(classes)) >= 2 and all(c.startswith("status") for c in classes)
    page.get_by_test_id("pager").get_by_role("link", name="2", exact=True).click()
    page.wait_for_url("**page=2*")
    assert "31–37번째" in _count(page) and len(_titles(page)) == 7

    filters = page.get_by_test_id("item-filters")
    filters.get_by_label("검색어").fill("허브")
    filters.get_by_role("button", name="보기").click()
    page.wait_for_url("**q=*")
    assert sorted(_titles(page)) == ["바이오허브 개관 지연", "창업허브 공간 부족"]

    page.goto(f"{live_server.url}/oversight/{KEY}/")
    filters.get_by_label("처리상황").select_option("완료")
    filters.get_by_role("button", name="보기").click()
    page.wait_for_url("**status=*")
    assert sorted(_titles(page)) == ["바이오허브 개관 지연", "창업허브 공간 부족"]

    page.goto(f"{live_server.url}/oversight/{KEY}/")
    filters.get_by_label("구분").select_option("corrective")
    filters.get_by_role("button", name="보기").click()
    page.wait_for_url("**category=corrective*")
    assert _count(page).startswith("3건")

    page.goto(f"{live_server.url}/oversight/{KEY}/")
    page.get_by_test_id("department-filter").select_option(label="문화융합경제과")
    filters.get_by_role("button", name="보기").click()
    page.wait_for_url("**department=*")
    assert _count(page).startswith("31건")  # 1 printed + 30 extra recommendations
    assert "바이오허브 개관 지연" not in _titles(page)

    page.goto(f"{live_server.url}/oversight/{KEY}/?q=바이오허브")
    page.get_by_test_id("items").get_by_role("link", name="바이오허브 개관 지연").click()
    page.get_by_test_id("title").wait_for()
    assert page.get_by_test_id("status").inner_text() == "완료"
    history = page.get_by_test_id("public-history").inner_text()
    assert "추진중 → 완료" in history and "서울바이오허브 개관('22.5.20.)" in history
    assert "officer" not in history  # who changed it is not public
    assert page.get_by_test_id("item-form").count() == 0
