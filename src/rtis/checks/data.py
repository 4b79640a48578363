"""The plan's data as the claims checker sees it: budget sums, node counts, indicator targets."""

from __future__ import annotations

import operator
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, NamedTuple

from django.db.models import TextField
from django.db.models.fields.json import KT
from django.db.models.functions import Cast

from rtis.ingest.export import _json as json_column
from rtis.lib.claims import fold
from rtis.lib.consistency import Table
from rtis.lib.money import UNITS
from rtis.plans.models import BudgetLine, IndicatorTarget, Node, Plan


@dataclass(frozen=True)
class _Line:
    node: str
    lineage: frozenset[str]  # the node's code and all its ancestors' codes
    area: str
    year: int
    source: str
    won: int
    unit: int  # the unit the line was printed in, in won (1 for amounts entered in won)


class _Node(NamedTuple):
    """A node as the checker reads it (a values row, not a model object)."""

    pk: int
    parent_id: int | None
    code: str
    title: str
    depth: int
    kind: str


_ANY = None  # a year or source the cell does not name: every year, every source
_Cell = tuple[int | None, str | None]  # (year, source)


# (node id, year, source, won, printed unit in won): a budget line as the index reads it
_Row = tuple[int, int, str, int, int]


class PlanData:
    """Loads a plan's lines, nodes, targets and tables once: one values query for each, no
    model object per row."""

    def __init__(self, plan: Plan) -> None:
        self.plan = plan
        # only the fields the checker reads: no provenance or description decoded per node
        nodes = [_Node(*row) for row in Node.objects.filter(plan=plan).order_by("position")
                 .values_list("id", "parent_id", "code", "title", "depth", "kind")]
        self.nodes = nodes
        self.lineage = _lineages(nodes)
        # a values query reading only the printed unit out of the provenance: one tuple a line
        units: dict[Any, int] = {}  # a printed unit's size in won, looked up once per unit
        rows: list[_Row] = []
        for node_id, year, source, won, unit in (
                BudgetLine.objects.filter(node__plan=plan).order_by()  # sums need no order
                .values_list("node_id", "year", "source_id", "amount_won",
                             KT("provenance__unit"))):
            size = units.get(unit)
            if size is None:
                size = units[unit] = UNITS.get("" if unit is None else str(unit), 1)
            rows.append((node_id, year, source, won, size))
        self._rows = rows
        self._lines: list[_Line] | None = None
        code_of = {n.pk: n.code for n in nodes}
        self.targets = [
            (self.lineage[node_id], code_of[node_id], name, year, value)
            for node_id, name, year, value in IndicatorTarget.objects
            .filter(indicator__node__plan=plan)
            .values_list("indicator__node_id", "indicator__name", "year", "value")
        ]
        # each printed table with its claims, read once, in print order
        # (JSON columns read as text and decoded by orjson: a third of the standard library's time)
        self.claimed_tables: list[tuple[Table, list[dict[str, Any]]]] = [
            (Table(plan=plan.slug, key=key, title=title, unit=unit,
                   columns=list(json_column(columns)),
                   rows=[(r["label"], r["values"]) for r in json_column(table_rows)],
                   provenance=json_column(provenance)), json_column(claims))
            for key, title, unit, columns, table_rows, provenance, claims
            in plan.stated_tables.values_list(
                "key", "title", "unit_as_printed",
                *(Cast(field, TextField()) for field in ("columns", "rows", "provenance",
                                                         "claims")))
        ]
        self.tables = {t.key: t for t, _ in self.claimed_tables}
        self.areas = [(n.code, n.title) for n in nodes if n.depth == 1]
        self._index: _BudgetIndex | None = None
        self._by_name: dict[str, list[Any]] | None = None

    @property
    def lines(self) -> list[_Line]:
        """The budget lines one by one, with their node's lineage and area (for tests)."""
        if self._lines is None:
            code_of = {n.pk: n.code for n in self.nodes}
            depth_of = {n.code: n.depth for n in self.nodes}
            area_of = {pk: next(c for c in lineage if depth_of[c] == 1)
                       for pk, lineage in self.lineage.items()}
            self._lines = [_Line(node=code_of[node_id], lineage=self.lineage[node_id],
                                 area=area_of[node_id], year=year, source=source, won=won,
                                 unit=unit)
                           for node_id, year, source, won, unit in self._rows]
        return self._lines

    def budget(self, filters: dict[str, Any]) -> tuple[int, int]:
        """Sum the lines a claim cell names: a lookup in the index built once per plan."""
        return self._budget_index().lookup(filters)

    def _budget_index(self) -> _BudgetIndex:
        if self._index is None:
            self._index = _BudgetIndex(self._rows, self.nodes, self.lineage)
        return self._index

    def node_count(self, filters: dict[str, Any]) -> int:
        scope = filters.get("scope")
        return sum(
            1 for n in self.nodes
            if ("depth" not in filters or n.depth == filters["depth"])
            and ("node_kind" not in filters or n.kind == filters["node_kind"])
            and (scope is None or (scope in self.lineage[n.pk] and n.code != scope))
        )

    def indicator_target(self, filters: dict[str, Any]) -> Decimal | None:
        name = filters.get("indicator")
        node = filters.get("node")
        if isinstance(name, str) and "|" in name:
            node, name = name.split("|", 1)
        targets = self.targets if name is None else self._targets_named().get(name, [])
        chosen = [value for lineage, code, ind_name, year, value in targets
                  if (name is None or ind_name == name)
                  and (node is None or code == node)
                  and (filters.get("scope") is None or filters["scope"] in lineage)
                  and (filters.get("year") is None or year == filters["year"])]
        return sum(chosen, Decimal(0)) if chosen else None

    def _targets_named(self) -> dict[str, list[Any]]:
        if self._by_name is None:
            self._by_name = {}
            for target in self.targets:
                self._by_name.setdefault(target[2], []).append(target)
        return self._by_name

    def area_code(self, label: str) -> str | None:
        folded = fold(label)
        found = [code for code, title in self.areas
                 if fold(title).startswith(folded) or folded.startswith(fold(title))]
        return found[0] if len(found) == 1 else None

    def table(self, key: str) -> Table | None:
        return self.tables.get(key)

    def audit_items(self, filters: dict[str, Any]) -> int:
        from rtis.oversight.models import AuditItem

        items = AuditItem.objects.filter(session__plan=self.plan)
        for key, field in (("session", "session__key"), ("category", "category"),
                           ("status", "status")):
            if filters.get(key) is not None:
                items = items.filter(**{field: filters[key]})
        return items.count()


def _lineages(nodes: list[_Node]) -> dict[int, frozenset[str]]:
    """Each node's code with all its ancestors' codes, a parent's set reused by its children."""
    parent_of = {n.pk: n.parent_id for n in nodes}
    code_of = {n.pk: n.code for n in nodes}
    lineage: dict[int, frozenset[str]] = {}
    for node in nodes:
        chain: list[int] = []
        pk: int | None = node.pk
        while pk is not None and pk in code_of and pk not in lineage:
            chain.append(pk)
            pk = parent_of[pk]
        above = lineage.get(pk, frozenset()) if pk is not None else frozenset()
        for pk in reversed(chain):
            above = above | {code_of[pk]}
            lineage[pk] = above
    return lineage


def _roll_up(values: Iterable[tuple[int, int, str, int]], nodes: list[_Node],
             lineage: dict[int, frozenset[str]],
             combine: Callable[[int, int], int]) -> dict[str | None, dict[_Cell, int]]:
    """Combine (node id, year, source, value) over each subtree by (year, source), each also over
    every year and every source: each node's own values, then each node's totals into its
    parent's, deepest first. Code (None for the whole plan) → (year or None, source or None)."""
    own: dict[int | None, dict[_Cell, int]] = {}
    for node_id, year, source, value in values:
        cells = own.get(node_id)
        if cells is None:
            cells = own[node_id] = {}
        keys: tuple[_Cell, ...] = ((year, source), (year, _ANY), (_ANY, source), (_ANY, _ANY))
        for key in keys:
            old = cells.get(key)
            cells[key] = value if old is None else combine(old, value)
    code_of = {n.pk: n.code for n in nodes}
    whole: dict[_Cell, int] = {}
    for node in sorted(nodes, key=lambda n: -len(lineage[n.pk])):  # deepest first
        mine = own.get(node.pk)
        if not mine:
            continue
        up = node.parent_id if node.parent_id in code_of else None
        target = whole if up is None else own.get(up)
        if target is None:
            own[up] = dict(mine)
            continue
        for key, value in mine.items():
            old = target.get(key)
            target[key] = value if old is None else combine(old, value)
    totals: dict[str | None, dict[_Cell, int]] = {
        code_of[pk]: cells for pk, cells in own.items() if pk is not None}
    totals[None] = whole
    return totals


class _BudgetIndex:
    """The plan's budget lines summed once by (subtree, year, source), each also over all years
    and all sources, so that every claim cell is one dictionary lookup instead of a scan of the
    lines (cells × lines grew quadratically with the tree). Built bottom-up: each node's own
    lines, then each node's totals added to its parent's, deepest first (node codes are unique
    in a plan, so "the line's lineage holds code c" is "the line lies in c's subtree"). The
    finest printed unit of each total is rolled up the same way, unless every line was printed
    in the same unit (then it is that unit wherever there are lines)."""

    def __init__(self, rows: list[_Row], nodes: list[_Node],
                 lineage: dict[int, frozenset[str]]) -> None:
        self.depth = {n.code: n.depth for n in nodes}
        self.lineage = {n.code: lineage[n.pk] for n in nodes}
        # code (None for the whole plan) → (year or None, source or None) → won
        self.totals = _roll_up(((node, year, source, won) for node, year, source, won, _ in rows),
                               nodes, lineage, operator.add)
        units = {row[4] for row in rows}
        self.unit = units.pop() if len(units) == 1 else None
        # ... and → the finest unit among those lines, when they were printed in several
        self.units = None if self.unit is not None else _roll_up(
            ((node, year, source, unit) for node, year, source, _, unit in rows),
            nodes, lineage, min)

    def lookup(self, filters: dict[str, Any]) -> tuple[int, int]:
        """(won, finest printed unit) of the lines matching year, source, area, node, scope."""
        year = int(filters["year"]) if "year" in filters else _ANY
        source = filters.get("source", _ANY)
        if "source" in filters and not isinstance(source, str):
            return 0, 1  # no line's source is anything but a code
        codes = [str(filters[key]) for key in ("node", "scope") if key in filters]
        if "area" in filters:
            area = str(filters["area"])
            if self.depth.get(area) != 1:
                return 0, 1  # a line's area is always a top-level code
            codes.append(area)
        code: str | None = None
        if len(codes) == 1:  # the usual cell: one subtree
            code = codes[0]
            if code not in self.depth:
                return 0, 1
        elif codes:
            if any(c not in self.depth for c in codes):
                return 0, 1
            # lines whose lineage holds every code: the subtree of the deepest, if the others
            # are its ancestors; none otherwise
            named = set(codes)
            code = max(named, key=lambda c: self.depth[c])
            if not named <= self.lineage[code]:
                return 0, 1
        won = self.totals.get(code, {}).get((year, source))
        if won is None:
            return 0, 1
        if self.units is None:
            return won, self.unit or 1  # one unit for every line: never None here
        return won, self.units[code][(year, source)]
