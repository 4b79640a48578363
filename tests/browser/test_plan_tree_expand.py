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
