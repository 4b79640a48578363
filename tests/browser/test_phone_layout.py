"""A 390 px phone: no page scrolls sideways, wide tables scroll in their own box, the menu
folds behind a button; and the unit switch changes every amount of the plan page."""

from __future__ import annotations

from typing import Any

import pytest

from rtis.oversight.actions import do_import_council_session
from tests.browser.conftest import log_in
from tests.conftest import PASSWORD
from tests.oversight.conftest import COUNCIL_ITEMS, KEY

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
# The main pages, on the Seoul dataset (long titles, seven funding sources, 180 council items).
PAGES = ["/plans/", "/plans/innovation-growth-2018/", "/plans/innovation-growth-2018/nodes/1-1/",
         "/plans/econ-office-report-2022/", "/plans/st-promotion-5th/", "/plans/pledge-5-3-6/",
         "/oversight/", "/oversight/audit-2021/", "/oversight/audit-2021/items/corrective/2/",
         "/oversight/audit-2021/overdue/", "/orgs/", "/tracking/", "/tracking/approvals/",
         "/tracking/bulk/", "/tracking/plans/pledge-5-3-6/",
         "/tracking/plans/innovation-growth-2018/nodes/1-1-1/", "/dashboards/",
         "/dashboards/execution/", "/reports/", "/checks/", "/imports/"]


@pytest.fixture
def council(plan: Any) -> Any:
    return do_import_council_session(
        None, {"key": KEY, "title": "시험 행정사무감사", "year": 2021, "plan": "sample-plan",
               "committee": "기획경제위원회"}, COUNCIL_ITEMS,
        summary={"columns": [], "rows": [], "claims": []})


@pytest.fixture
def phone(browser: Any) -> Any:
    context = browser.new_context(locale="ko-KR", viewport=PHONE, is_mobile=True,
                                  has_touch=True)
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def page_width(page: Any) -> int:
    return int(page.evaluate("document.documentElement.scrollWidth"))


def test_no_main_page_scrolls_sideways_on_a_phone(phone: Any, live_server: Any,
                                                  planner: Any) -> None:
    from rtis.ingest.seed import load_seed

    load_seed()
    phone.goto(f"{live_server.url}/plans/innovation-growth-2018/")
    assert page_width(phone) <= PHONE["width"], "public plan page"
    log_in(phone, live_server, "planner", PASSWORD)
    too_wide = {}
    for path in PAGES:
        response = phone.goto(f"{live_server.url}{path}")
        assert response is not None and response.status == 200, path
        if page_width(phone) > PHONE["width"]:
            too_wide[path] = page_width(phone)
    assert too_wide == {}
    # the wide council table scrolls inside its own box
    phone.goto(f"{live_server.url}/oversight/audit-2021/")
    box = phone.get_by_test_id("items").locator("xpath=..")
    assert box.evaluate("el => el.scrollWidth > el.clientWidth")
    assert box.evaluate("el => getComputedStyle(el).overflowX") == "auto"


def test_the_menu_folds_behind_a_button_on_a_phone(
    phone: Any, live_server: Any, council: Any, viewer: Any
) -> None:
    log_in(phone, live_server, "viewer", PASSWORD)
    menu = phone.get_by_test_id("main-nav")
    toggle = phone.get_by_test_id("menu-toggle")
    assert toggle.is_visible() and not menu.is_visible()
    assert toggle.get_attribute("aria-expanded") == "false"
    toggle.click()
    assert menu.is_visible() and toggle.get_attribute("aria-expanded") == "true"
    assert page_width(phone) <= PHONE["width"]
    menu.get_by_role("link", name="의회 지적사항").click()
    phone.get_by_role("heading", name="의회 지적사항").wait_for()
    assert not phone.get_by_test_id("main-nav").is_visible()


def test_the_menu_is_open_on_a_desktop_and_the_page_has_a_favicon(
    page: Any, live_server: Any, plan: Any
) -> None:
    page.goto(f"{live_server.url}/plans/")
    assert page.get_by_test_id("main-nav").is_visible()
    assert not page.get_by_test_id("menu-toggle").is_visible()
    icon = page.locator('link[rel="icon"]').get_attribute("href")
    assert icon and icon.endswith(".svg")
    response = page.request.get(f"{live_server.url}{icon}")
    assert response.status == 200 and b"<svg" in response.body()


def test_the_unit_switch_changes_every_amount_on_the_plan_page(
    page: Any, live_server: Any, plan: Any
) -> None:
    page.goto(f"{live_server.url}/plans/sample-plan/")
    tree = page.get_by_test_id("node-tree")
    assert "소요예산 (백만원)" in tree.inner_text()
    page.locator('#budget a[data-unit="억원"]').click()
    page.locator('#plan-money[data-unit="억원"]').wait_for()
    assert "소요예산 (억원)" in page.get_by_test_id("node-tree").inner_text()
    assert page.get_by_test_id("by-source-total").inner_text() == "217"
    assert page.url.endswith("?unit=%EC%96%B5%EC%9B%90") or page.url.endswith("?unit=억원")
