"""Roll-ups summed by the database: the same money as the lines, a fixed number of queries."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from rtis.plans.models import BudgetLine, Node, Plan
from rtis.plans.queries import budget_by_area, budget_by_source, descendant_ids, plan_nodes
from tests.api.scaled import scaled_doc
from tests.conftest import ensure_funding_sources, import_doc

pytestmark = pytest.mark.django_db


@pytest.fixture
def plans(db: Any) -> dict[int, Plan]:
    ensure_funding_sources()
    return {n: import_doc(scaled_doc(n)) for n in (1, 10)}


def _python_sums(plan: Plan, key: Any) -> dict[tuple[int, str], int]:
    sums: dict[tuple[int, str], int] = defaultdict(int)
    for line in BudgetLine.objects.filter(node__plan=plan).select_related("node"):
        sums[(line.year, key(line))] += line.amount_won
    return dict(sums)


def test_sums_by_year_and_source_equal_the_lines(plans: dict[int, Plan]) -> None:
    plan = plans[10]
    matrix = budget_by_source(plan)
    assert matrix.cells == _python_sums(plan, lambda line: line.source_id)
    assert matrix.grand_total == 10 * 21_650_000_000


def test_sums_by_area_roll_every_line_up_to_its_top_level_area(plans: dict[int, Plan]) -> None:
    plan = plans[10]
    nodes = plan_nodes(plan)
    by_id = {n.pk: n for n in nodes}

    def area(line: BudgetLine) -> str:
        node = by_id[line.node_id]
        while node.parent_id is not None:
            node = by_id[node.parent_id]
        return str(node.pk)

    matrix = budget_by_area(plan)
    assert matrix.cells == _python_sums(plan, area)
    assert len(matrix.columns) == 20 and matrix.columns[2][1].startswith("3 ")


def test_a_subtree_sum_counts_the_node_and_everything_below_it(plans: dict[int, Plan]) -> None:
    plan = plans[10]
    root = Node.objects.get(plan=plan, code="4")
    below = descendant_ids(plan_nodes(plan), root.pk)
    lines = BudgetLine.objects.filter(node_id__in=below)
    matrix = budget_by_source(plan, root=root)
    assert matrix.grand_total == sum(x.amount_won for x in lines) == 3_750_000_000
    assert matrix.cells == {(2018, "city"): 1_500_000_000, (2019, "national"): 2_250_000_000}


@pytest.mark.parametrize("path", ["/api/v1/plans/{slug}/budget-summary"])
def test_the_budget_summary_takes_the_same_queries_at_ten_times_the_data(
        api: Any, plans: dict[int, Plan], path: str) -> None:
    counts, totals = {}, {}
    for n, plan in plans.items():
        with CaptureQueriesContext(connection) as queries:
            body = api.get(path.format(slug=plan.slug)).json()
        counts[n], totals[n] = len(queries), body["by_source"]["total"]
    assert counts[1] == counts[10] <= 5
    assert totals[10] == 10 * totals[1]


def test_the_one_query_summary_equals_the_separate_roll_ups(plans: dict[int, Plan]) -> None:
    from rtis.plans.queries import budget_summary

    plan = plans[10]
    Node.objects.create(plan=plan, code="99", title="예산 없는 분야", depth=1,
                        level_name="프로젝트", position=999)
    by_source, by_area, codes = budget_summary(plan)
    for mine, theirs in ((by_source, budget_by_source(plan)), (by_area, budget_by_area(plan))):
        assert (mine.years, mine.columns, mine.cells) == (theirs.years, theirs.columns,
                                                          theirs.cells)
    assert by_area.columns[-1][1] == "99 예산 없는 분야" and by_area.column_total(
        by_area.columns[-1][0]) == 0
    assert list(codes.values())[:3] == ["1", "2", "3"]


def test_the_summary_is_one_query(plans: dict[int, Plan],
                                  django_assert_num_queries: Any) -> None:
    from rtis.plans.queries import budget_summary

    with django_assert_num_queries(1):
        budget_summary(plans[10])
