"""A citizen searches from the header: 창업, then 허브를, and opens a result; on a desktop and
on a 390 px phone, where the search box sits in the folded menu."""

from __future__ import annotations

from typing import Any

import pytest

from rtis.search.index import reindex
from tests.oversight.conftest import COUNCIL_ITEMS, KEY

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def searchable(plan: Any) -> None:
    """The sample plan and a council session, indexed from scratch (a flush keeps no tokens)."""
    from rtis.oversight.actions import do_import_council_session

    do_import_council_session(
        None, {"key": KEY, "title": "시험 행정사무감사", "year": 2021, "plan": "sample-plan",
               "committee": "기획경제위원회"}, COUNCIL_ITEMS,
        summary={"columns": [], "rows": [], "claims": []})
    reindex()


@pytest.fixture
def phone(browser: Any) -> Any:
    context = browser.new_context(locale="ko-KR", viewport=PHONE, is_mobile=True,
                                  has_touch=True)
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def search_from_header(page: Any, words: str) -> None:
    box = page.get_by_test_id("site-search").get_by_role("searchbox")
    box.fill(words)
    box.press("Enter")
    page.wait_for_url("**/search/?q=*")


def citizen_searches(page: Any, live_server: Any, *, phone: bool = False) -> None:
    page.goto(f"{live_server.url}/plans/")
    if phone:
        page.get_by_test_id("menu-toggle").click()
    search_from_header(page, "창업")
    node = page.get_by_test_id("group-node")
    assert node.locator("mark").first.inner_text() == "창업"
    assert "홍릉 서울바이오허브 조성" in node.inner_text()
    assert "창업허브 공간 부족" in page.get_by_test_id("group-audititem").inner_text()
    if phone:
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        page.get_by_test_id("menu-toggle").click()
    search_from_header(page, "허브를")
    hit = page.get_by_test_id("group-node").get_by_role("link",
                                                        name="홍릉 서울바이오허브 조성")
    assert hit.locator("mark").inner_text() == "허브"
    hit.click()
    page.wait_for_url("**/plans/sample-plan/nodes/2-1/")
    assert "홍릉 서울바이오허브 조성" in page.locator("h1").inner_text()


@pytest.mark.each_database
def test_a_citizen_searches_two_syllables_and_a_noun_with_a_particle(
        page: Any, live_server: Any, searchable: None) -> None:
    citizen_searches(page, live_server)


def test_the_same_on_a_390_px_phone(phone: Any, live_server: Any, searchable: None) -> None:
    citizen_searches(phone, live_server, phone=True)


@pytest.mark.each_database
def test_the_page_refuses_a_hostile_query_with_a_message(page: Any, live_server: Any,
                                                        searchable: None) -> None:
    response = page.goto(f"{live_server.url}/search/?q={'x' * 10_000}")  # 10,000 characters
    assert response.status == 400
    assert "200" in page.get_by_test_id("search-error").inner_text()
