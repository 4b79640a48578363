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


def test_many_areas_give_the_by_area_table_an_area_a_row_a_page_at_a_time(
        viewer: Any, plans: dict[int, Plan], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("rtis.plans.views.AREA_COLUMNS_MAX", 5)
    monkeypatch.setattr("rtis.plans.views.AREAS_PER_PAGE", 7)
    monkeypatch.setattr("rtis.plans.views.TREE_FULL_MAX", 20)
    html = _page(viewer, "sample-x10", unit="억원", areas="2")
    table = html.split('data-testid="by-area"', 1)[1].split("</table>", 1)[0]
    labels = re.findall(r"<tr><th>([^<]+)</th>", table)
    assert [label.split()[0] for label in labels[1:]] == [str(a) for a in range(8, 15)]
    assert "분야 8–14 / 전체 20개" in table
    # area 8 (a copy of area 2): 15 + 22.5 억원; the total row still sums all twenty areas
    assert re.search(r"<tr><th>8 [^<]+</th>(<td[^>]*>[^<]*</td>)*<td class=\"num total\">38</td>",
                     table)
    from django.db.models import Sum

    from rtis.plans.models import BudgetLine
    whole = BudgetLine.objects.filter(node__plan=plans[10]).aggregate(s=Sum("amount_won"))["s"]
    assert f'data-testid="by-area-total" title="{whole}원"' in table  # all twenty areas
    tree_codes = re.findall(r'<td class="code">([^<]+)</td>', _tree(html))
    assert tree_codes == [str(a) for a in range(8, 15)]  # the folded tree follows the page
    pager = html.split('data-testid="areas-pager"', 1)[1].split("</nav>", 1)[0]
    assert "areas=1" in pager and "areas=3" in pager and "unit=%EC%96%B5%EC%9B%90" in pager
    last = _page(viewer, "sample-x10", areas="99")  # beyond the end: the last page
    assert "분야 15–20 / 전체 20개" in last


def test_a_few_areas_keep_the_year_by_area_matrix(viewer: Any, plans: dict[int, Plan]) -> None:
    html = _page(viewer, "sample-x1")
    table = html.split('data-testid="by-area"', 1)[1].split("</table>", 1)[0]
    assert "<th>연도</th>" in table and 'data-testid="areas-pager"' not in html


def test_subtree_totals_from_sql_equal_the_lines_walked_up_their_parents(
        plans: dict[int, Plan]) -> None:
    from rtis.plans.models import BudgetLine, Node
    from rtis.plans.queries import subtree_totals

    plan = plans[10]
    parent_of = dict(Node.objects.filter(plan=plan).values_list("id", "parent_id"))
    expected: dict[int, int] = {}
    for node_id, won in BudgetLine.objects.filter(node__plan=plan).values_list("node_id",
                                                                               "amount_won"):
        current = node_id
        while current is not None:
            expected[current] = expected.get(current, 0) + won
            current = parent_of[current]
    assert expected and subtree_totals(plan) == expected
    root = Node.objects.get(plan=plan, code="2-1")
    below = {n for n in parent_of if n == root.pk or parent_of[n] == root.pk
             or parent_of.get(parent_of[n]) == root.pk}
    assert subtree_totals(plan, root=root) == {n: w for n, w in expected.items() if n in below}
