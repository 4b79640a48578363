"""An officer records that a council demand of their department is done, and the summary follows."""

from __future__ import annotations

from typing import Any

import pytest

from rtis.oversight.actions import do_import_council_session
from tests.browser.conftest import log_in
from tests.conftest import PASSWORD
from tests.oversight.conftest import COUNCIL_ITEMS, KEY

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def council(plan: Any) -> Any:
    return do_import_council_session(
        None, {"key": KEY, "title": "시험 행정사무감사", "year": 2021, "plan": "sample-plan"},
        COUNCIL_ITEMS, summary={"columns": [], "rows": [], "claims": []})


def done_count(page: Any) -> str:
    """Return the 완료 cell of the computed summary's total row."""
    return page.get_by_test_id("computed-summary").locator("tr.total td").nth(1).inner_text()


def test_an_officer_completes_an_item_and_the_summary_changes(
    page: Any, live_server: Any, council: Any, officer: Any
) -> None:
    log_in(page, live_server, "officer", PASSWORD)
    page.goto(f"{live_server.url}/oversight/{KEY}/")
    assert done_count(page) == "1"
    page.get_by_test_id("items").get_by_role("link", name="바이오허브 개관 지연").click()
    page.get_by_test_id("item-form").wait_for()
    page.get_by_label("처리상황").select_option("완료")
    page.get_by_label("추진내용").fill("서울바이오허브 개관('22.5.20.)")
    page.get_by_role("button", name="저장").click()
    page.get_by_text("저장했습니다.").wait_for()
    assert page.get_by_test_id("status").inner_text() == "완료"
    history = page.get_by_test_id("history").inner_text()
    assert "추진중 → 완료" in history and "서울바이오허브 개관('22.5.20.)" in history
    assert "officer" in history
    page.get_by_role("navigation", name="위치").get_by_role("link", name="시험 행정사무감사").click()
    page.get_by_test_id("computed-summary").wait_for()
    assert done_count(page) == "2"


def test_an_officer_of_another_department_gets_no_form(
    page: Any, live_server: Any, council: Any, other_officer: Any
) -> None:
    log_in(page, live_server, "other", PASSWORD)
    page.goto(f"{live_server.url}/oversight/{KEY}/items/corrective/2/")
    page.get_by_test_id("title").wait_for()
    assert page.get_by_test_id("item-form").count() == 0
