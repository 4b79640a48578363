"""A citizen on the public portal: the home page, a plan's progress, English, a CSV that opens
with Korean intact; the same on a 390 px phone; and axe-core finds no serious or critical
accessibility violation on the main public pages."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from tests.portal.conftest import tracked  # noqa: F401  (a fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = Path(__file__).parent / "vendor" / "axe.min.js"
PHONE = {"width": 390, "height": 844}
PUBLIC_PAGES = ["/", "/plans/sample-plan/progress/", "/plans/sample-plan/progress/2-1/",
                "/data/", "/data/plans/", "/data/budget/?plan=sample-plan",
                # portal: search, the council follow-up and published reports
                "/search/?q=창업", "/oversight/", "/data/reports/"]


@pytest.fixture(autouse=True)
def portal_settings(settings: Any, tmp_path: Any) -> None:
    settings.VAR_DIR = tmp_path
    settings.RTIS_TODAY = dt.date(2019, 12, 31)


@pytest.fixture(autouse=True)
def indexed(tracked: Any) -> None:  # noqa: F811
    """The search index rebuilt (a flush between browser tests keeps no tokens)."""
    from rtis.search.index import reindex

    reindex()


def _context(browser: Any, **options: Any) -> Any:
    # axe is injected as a script: the page's strict CSP would refuse it, so the test's own
    # context bypasses CSP (the site's pages are unchanged).
    context = browser.new_context(locale="ko-KR", accept_downloads=True, bypass_csp=True, **options)
    page = context.new_page()
    page.set_default_timeout(15_000)
    return context, page


def _citizen_flow(page: Any, live_server: Any, width: int | None) -> None:
    page.goto(f"{live_server.url}/")
    assert page.get_by_role("heading", level=1).inner_text() == "서울 R&D·혁신성장 정책 한눈에"
    assert page.get_by_test_id("key-figures").is_visible()
    if width is not None:
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        assert page.get_by_test_id("menu-toggle").is_visible()
        page.get_by_test_id("menu-toggle").click()
    # a 2-syllable word from the header's search box, then back to the home page
    box = page.get_by_test_id("site-search").get_by_role("searchbox")
    box.fill("창업")
    box.press("Enter")
    page.wait_for_url("**/search/?q=*")
    assert page.get_by_test_id("group-node").locator("mark").first.inner_text() == "창업"
    if width is not None:
        assert page.evaluate("document.documentElement.scrollWidth") <= width
    page.go_back()
    page.wait_for_url(f"{live_server.url}/")
    page.get_by_test_id("progress-link").first.click()
    page.wait_for_url("**/plans/sample-plan/progress/")
    assert "표본 혁신성장 계획" in page.get_by_test_id("progress-title").inner_text()
    assert page.get_by_test_id("plain-summary").inner_text().count("계획") >= 1
    page.locator("details summary").first.click()
    if width is not None:
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        page.get_by_test_id("menu-toggle").click()
    page.select_option("select[name=language]", "en")
    page.wait_for_load_state()
    page.wait_for_function("document.documentElement.lang === 'en'")
    assert page.get_by_role("heading", name="At a glance").is_visible()
    assert "million won" in page.get_by_test_id("years-table").inner_text()
    page.goto(f"{live_server.url}/data/nodes/?plan=sample-plan")
    with page.expect_download() as info:
        page.get_by_test_id("download-csv").click()
    raw = Path(info.value.path()).read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    text = raw.decode("utf-8-sig")
    assert "글로벌협력동 신축" in text and "sample-plan" in text


def test_a_citizen_reads_progress_in_english_and_downloads_korean_csv(
        browser: Any, live_server: Any, tracked: Any) -> None:  # noqa: F811
    context, page = _context(browser)
    try:
        _citizen_flow(page, live_server, None)
    finally:
        context.close()


def test_the_same_on_a_390_px_phone(browser: Any, live_server: Any, tracked: Any) -> None:  # noqa: F811
    context, page = _context(browser, viewport=PHONE, is_mobile=True, has_touch=True)
    try:
        _citizen_flow(page, live_server, PHONE["width"])
    finally:
        context.close()


def test_axe_finds_no_serious_violation_on_the_public_pages(browser: Any, live_server: Any,
                                                            tracked: Any) -> None:  # noqa: F811
    context, page = _context(browser)
    found = {}
    try:
        for path in PUBLIC_PAGES:
            page.goto(f"{live_server.url}{path}")
            page.add_script_tag(path=str(AXE))
            violations = page.evaluate(
                "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
                ".filter(v => v.impact === 'serious' || v.impact === 'critical')"
                ".map(v => v.id + ': ' + v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(', '))")
            if violations:
                found[path] = violations
    finally:
        context.close()
    assert not found, found
