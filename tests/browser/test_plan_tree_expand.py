"""A large plan's tree opens an area's subtree in place (htmx), under the strict CSP."""

from __future__ import annotations

from typing import Any

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_folded_tree_opens_an_area_in_place(page: Any, live_server: Any, plan: Any,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("rtis.plans.views.TREE_FULL_MAX", 3)
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(f"{live_server.url}/plans/sample-plan/")
    tree = page.get_by_test_id("node-tree")
    assert tree.locator("td.code").all_inner_texts() == ["1", "2"]
    tree.get_by_test_id("expand-subtree").nth(1).click()
    page.locator("td.code", has_text="2-1-1").wait_for()
    assert tree.locator("td.code").all_inner_texts() == ["1", "2", "2-1", "2-1-1"]
    assert "신성장산업과" in tree.inner_text()
    assert not errors, errors


def test_the_areas_pager_and_the_unit_switch_keep_the_page(page: Any, live_server: Any,
                                                           plan: Any,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("rtis.plans.views.TREE_FULL_MAX", 3)
    monkeypatch.setattr("rtis.plans.views.AREAS_PER_PAGE", 1)
    monkeypatch.setattr("rtis.plans.views.AREA_COLUMNS_MAX", 1)
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(f"{live_server.url}/plans/sample-plan/")
    tree = page.get_by_test_id("node-tree")
    assert tree.locator("td.code").all_inner_texts() == ["1"]
    page.get_by_test_id("areas-pager").first.get_by_role("link", name="다음").click()
    page.wait_for_url("**areas=2**")
    assert page.get_by_test_id("node-tree").locator("td.code").all_inner_texts() == ["2"]
    assert page.get_by_test_id("by-area").locator("tbody th").first.inner_text().startswith("2 ")
    page.locator('#budget a[data-unit="억원"]').click()
    page.wait_for_url("**unit=**")
    assert "areas=2" in page.url
    assert page.locator("#budget").get_attribute("data-unit") == "억원"
    assert page.get_by_test_id("node-tree").locator("td.code").all_inner_texts() == ["2"]
    page.get_by_test_id("node-tree").get_by_test_id("expand-subtree").click()
    page.locator("td.code", has_text="2-1-1").wait_for()
    assert not errors, errors
