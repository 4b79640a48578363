"""Shared helpers of the per-document seed tests: one seeded plan, its figures and findings."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from rtis.checks.run import run_checks
from rtis.plans.models import BudgetLine, Node, StatedFigure, StatedTable
from tests.conftest import load_seed_of, module_data


def seed_fixture(slug: str) -> Callable[..., None]:
    """Return a pytest fixture that loads only this plan's seed file (and its sessions), once
    for the module (built once per process, copied into later modules); each test runs in its own
    rolled-back transaction (tests.conftest.module_data)."""

    fixture: Callable[..., None] = module_data(load_seed_of(slug), share=True)
    return fixture


class SeedData:
    """Look-ups into one seeded plan, by the document's own codes and labels."""

    def __init__(self, slug: str) -> None:
        self.slug = slug

    def node(self, code: str) -> Node:
        return Node.objects.get(plan__slug=self.slug, code=code)

    def departments(self, code: str, role: str) -> list[str]:
        return [r.department.name for r in self.node(code).department_roles.filter(role=role)
                .select_related("department").order_by("position")]

    def lines(self, **filters: Any) -> Any:
        return BudgetLine.objects.filter(node__plan__slug=self.slug, **filters)

    def line(self, code: str, year: int, source: str = "city") -> int:
        return self.lines(node__code=code, year=year, source_id=source).get().amount_won

    def table(self, key: str) -> StatedTable:
        return StatedTable.objects.get(plan__slug=self.slug, key=key)

    def cell(self, key: str, row: str, column: str) -> Any:
        table = self.table(key)
        index = table.columns.index(column)
        return next(r["values"][index] for r in table.rows if r["label"] == row)

    def set_cell(self, key: str, row: str, column: str, value: Any) -> None:
        """Change one printed cell in the database (a perturbation for checker tests)."""
        table = self.table(key)
        index = table.columns.index(column)
        rows = table.rows
        next(r for r in rows if r["label"] == row)["values"][index] = value
        StatedTable.objects.filter(pk=table.pk).update(rows=rows)

    def figure(self, key: str) -> StatedFigure:
        return StatedFigure.objects.get(plan__slug=self.slug, key=key)

    def findings(self) -> list[dict[str, Any]]:
        return [f.as_dict() for f in run_checks(self.slug)]


def labels(finding: dict[str, Any]) -> list[str]:
    """The labels of the figures a finding names, in order."""
    return [figure["label"] for figure in finding["figures"]]
