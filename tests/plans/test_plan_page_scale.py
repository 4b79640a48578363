"""The plan page at scale: a large tree shows its areas and opens subtrees on demand (htmx),
printed tables come a page at a time, and the page's queries do not grow with the data."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from rtis.plans.models import Plan, StatedTable
from tests.api.scaled import scaled_doc
from tests.conftest import client_for, ensure_funding_sources, import_doc

pytestmark = pytest.mark.django_db


@pytest.fixture
def plans(db: Any) -> dict[int, Plan]:
    ensure_funding_sources()
    return {n: import_doc(scaled_doc(n)) for n in (1, 10)}


def _page(viewer: Any, slug: str, **params: str) -> str:
    response = client_for(viewer).get(reverse("plans:detail", args=[slug]), params)
    assert response.status_code == 200
    return response.text


def _tree(html: str) -> str:
    return html.split('data-testid="node-tree"', 1)[1].split("</table>", 1)[0]


def test_a_small_tree_is_shown_whole(viewer: Any, plans: dict[int, Plan]) -> None:
    html = _page(viewer, "sample-x1")
    assert 'data-testid="expand-subtree"' not in html and "tree-folded" not in html
    assert "1-1-1" in _tree(html)


def test_a_large_tree_shows_its_areas_and_opens_one_on_demand(
        viewer: Any, plans: dict[int, Plan], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("rtis.plans.views.TREE_FULL_MAX", 20)
    tree = _tree(_page(viewer, "sample-x10", unit="억원"))
    codes = re.findall(r'<td class="code">([^<]+)</td>', tree)
    assert codes == [str(a) for a in range(1, 21)]  # the twenty areas, nothing below
    assert tree.count('data-testid="expand-subtree"') == 20
    subtree = reverse("plans:subtree", args=["sample-x10", "2"])
    assert f'hx-get="{subtree}?unit=%EC%96%B5%EC%9B%90"' in tree
    assert 'hx-target="closest tr" hx-swap="afterend"' in tree
    assert re.search(r'>179 <button', tree)  # area 1: 79 + 100 억원, its whole subtree
    rows = client_for(viewer).get(subtree, {"unit": "억원"})
    assert rows.status_code == 200
    assert re.findall(r'<td class="code">([^<]+)</td>', rows.text) == ["2-1", "2-1-1"]
    assert ">38</td>" in rows.text  # 15 + 22.5 억원 rounded, on both rows
    assert "신성장산업과" in rows.text and "expand-subtree" not in rows.text


def test_the_subtree_of_an_unknown_node_or_a_private_plan_is_404(
        viewer: Any, plans: dict[int, Plan], private_plan: Any) -> None:
    from django.test import Client
    assert client_for(viewer).get(
        reverse("plans:subtree", args=["sample-x10", "9-9"])).status_code == 404
    assert Client().get(reverse("plans:subtree", args=["private-plan", "1"])).status_code == 404


def test_printed_tables_come_a_page_at_a_time(
        viewer: Any, plans: dict[int, Plan], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("rtis.plans.views.TABLES_PER_PAGE", 2)
    plan = plans[1]
    for i in range(5):
        StatedTable.objects.create(plan=plan, key=f"t{i}", title=f"표 {i}", columns=["계"],
                                   rows=[{"label": "계", "values": [i]}], position=i)
    first = _page(viewer, plan.slug)
    assert first.count('data-testid="stated-table"') == 2 and "표 0" in first
    assert 'data-testid="tables-pager"' in first and "?tables=2" in first
    last = _page(viewer, plan.slug, tables="3")
    assert last.count('data-testid="stated-table"') == 1 and "표 4" in last
    assert "?tables=2" in last and "?tables=4" not in last


@pytest.mark.parametrize("folded", [False, True])
def test_the_plan_page_takes_the_same_queries_at_ten_times_the_data(
        viewer: Any, plans: dict[int, Plan], monkeypatch: pytest.MonkeyPatch,
        folded: bool) -> None:
    monkeypatch.setattr("rtis.plans.views.TREE_FULL_MAX", 3 if folded else 1000)
    client = client_for(viewer)
    counts = {}
    for n, plan in plans.items():
        for name, args in (("plans:detail", [plan.slug]), ("plans:subtree", [plan.slug, "2"])):
            client.get(reverse(name, args=args))  # session and caches warm
            with CaptureQueriesContext(connection) as queries:
                assert client.get(reverse(name, args=args)).status_code == 200
            counts[(name, n)] = len(queries)
    assert counts[("plans:detail", 1)] == counts[("plans:detail", 10)] <= 16
    assert counts[("plans:subtree", 1)] == counts[("plans:subtree", 10)] <= 10
