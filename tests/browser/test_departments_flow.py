"""A reader follows a 2018 plan's department to the organisation of that day, and finds council
items printed under a misspelt department name through the department filter."""

from __future__ import annotations

from typing import Any

import pytest

from rtis.ingest.seed import load_seed
from tests.conftest import ensure_funding_sources

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def seeded(transactional_db: Any) -> None:
    ensure_funding_sources()
    load_seed()


def test_a_reader_sees_the_2018_hierarchy_and_filters_council_items_by_department(
        page: Any, live_server: Any, seeded: None) -> None:
    page.goto(f"{live_server.url}/plans/innovation-growth-2018/")
    department = page.get_by_test_id("plan-department")
    assert "경제진흥본부 → 경제기획관 → 경제정책과" in department.inner_text()
    assert "서울특별시장 방침 제29호" in page.get_by_test_id("policy-number").inner_text()
    department.get_by_role("link", name="경제기획관").click()
    page.get_by_test_id("chain-on-day").wait_for()
    assert page.get_by_test_id("name-on-day").inner_text() == "경제기획관"
    assert "경제진흥본부 → 경제기획관" in page.get_by_test_id("chain-on-day").inner_text()

    page.goto(f"{live_server.url}/oversight/audit-2021/")
    page.get_by_test_id("department-filter").select_option(label="바이오 AI산업과")
    page.get_by_role("button", name="보기").click()
    page.wait_for_url("**department=*")
    links = page.get_by_role("link", name="양재 화물터미널 부지의 개발사업", exact=False)
    assert links.count() >= 1  # 시정 36, printed "(바이오시산업과)"
    other = page.get_by_role("link", name="2022년 신규 캠퍼스 조성 사업", exact=False)
    assert other.count() == 0  # 캠퍼스타운활성화과's item is filtered out
