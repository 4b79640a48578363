"""The plan's data as the claims checker sees it: budget sums, node counts, indicator targets."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models.fields.json import KT

from rtis.lib.claims import fold
from rtis.lib.consistency import Table
from rtis.lib.money import UNITS
from rtis.plans.models import BudgetLine, IndicatorTarget, Node, Plan, StatedTable


@dataclass(frozen=True)
class _Line:
    node: str
    lineage: frozenset[str]  # the node's code and all its ancestors' codes
    area: str
    year: int
    source: str
    won: int
    unit: int  # the unit the line was printed in, in won (1 for amounts entered in won)


def as_table(stated: StatedTable) -> Table:
    """Turn a stored stated table into the checker's plain Table."""
    return Table(plan=stated.plan.slug, key=stated.key, title=stated.title,
                 unit=stated.unit_as_printed, columns=list(stated.columns),
                 rows=[(r["label"], r["values"]) for r in stated.rows],
                 provenance=stated.provenance)


class PlanData:
    """Loads a plan's lines, nodes, targets and tables once (a handful of queries)."""

    def __init__(self, plan: Plan) -> None:
        self.plan = plan
        # only the fields the checker reads: no provenance or description decoded per node
        nodes = list(Node.objects.filter(plan=plan).order_by("position")
                     .only("id", "plan_id", "parent_id", "code", "title", "depth", "kind",
                           "position"))
        by_id = {n.pk: n for n in nodes}
        self.nodes = nodes
        self.lineage: dict[int, frozenset[str]] = {}
        for n in nodes:
            codes: list[str] = []
            current: Node | None = n
            while current is not None:
                codes.append(current.code)
                current = by_id.get(current.parent_id) if current.parent_id else None
            self.lineage[n.pk] = frozenset(codes)
        depth_of = {n.code: n.depth for n in nodes}
        self.area_of = {n.pk: next(c for c in self.lineage[n.pk] if depth_of[c] == 1)
                        for n in nodes}
        # a values query reading only the printed unit out of the provenance: one tuple a line
        rows = (BudgetLine.objects.filter(node__plan=plan).order_by()  # sums need no order
                .values_list("node_id", "year", "source_id", "amount_won", KT("provenance__unit")))
        self.lines = [
            _Line(node=by_id[node_id].code, lineage=self.lineage[node_id],
                  area=self.area_of[node_id], year=year, source=source, won=won,
                  unit=UNITS.get("" if unit is None else str(unit), 1))
            for node_id, year, source, won, unit in rows
        ]
        self.targets = [
            (self.lineage[t.indicator.node_id], by_id[t.indicator.node_id].code,
             t.indicator.name, t.year, t.value)
            for t in IndicatorTarget.objects.filter(indicator__node__plan=plan)
            .select_related("indicator")
        ]
        self.stated_tables = list(plan.stated_tables.select_related("plan"))  # read once
        self.tables = {t.key: as_table(t) for t in self.stated_tables}
        self.areas = [(n.code, n.title) for n in nodes if n.depth == 1]
        self._index: _BudgetIndex | None = None
        self._by_name: dict[str, list[Any]] | None = None

    def budget(self, filters: dict[str, Any]) -> tuple[int, int]:
        """Sum the lines a claim cell names: a lookup in the index built once per plan."""
        return self._budget_index().lookup(filters)

    def _budget_index(self) -> _BudgetIndex:
        if self._index is None:
            self._index = _BudgetIndex(self.lines, self.nodes, self.lineage)
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


_ANY = None  # a year or source the cell does not name: every year, every source
_Cell = tuple[int | None, str | None]  # (year, source)


class _BudgetIndex:
    """The plan's budget lines summed once by (subtree, year, source), each also over all years
    and all sources, so that every claim cell is one dictionary lookup instead of a scan of the
    lines (cells × lines grew quadratically with the tree). Built bottom-up: each node's own
    lines, then each node's totals added to its parent's, deepest first (node codes are unique
    in a plan, so "the line's lineage holds code c" is "the line lies in c's subtree")."""

    def __init__(self, lines: list[_Line], nodes: list[Node],
                 lineage: dict[int, frozenset[str]]) -> None:
        own: dict[str | None, dict[_Cell, list[int]]] = {}
        for line in lines:
            cells = own.setdefault(line.node, {})
            keys: tuple[_Cell, ...] = ((line.year, line.source), (line.year, _ANY),
                                       (_ANY, line.source), (_ANY, _ANY))
            for key in keys:
                total = cells.get(key)
                if total is None:
                    cells[key] = [line.won, line.unit]
                else:
                    total[0] += line.won
                    total[1] = min(total[1], line.unit)
        code_of = {n.pk: n.code for n in nodes}
        parent_code = {n.code: code_of.get(n.parent_id) if n.parent_id else None for n in nodes}
        self.depth = {n.code: n.depth for n in nodes}
        self.lineage = {n.code: lineage[n.pk] for n in nodes}
        whole: dict[_Cell, list[int]] = {}
        for node in sorted(nodes, key=lambda n: -len(lineage[n.pk])):  # deepest first
            mine = own.get(node.code)
            if not mine:
                continue
            up = parent_code[node.code]
            target = own.setdefault(up, {}) if up is not None else whole
            for key, (won, unit) in mine.items():
                total = target.get(key)
                if total is None:
                    target[key] = [won, unit]
                else:
                    total[0] += won
                    total[1] = min(total[1], unit)
        # code (None for the whole plan) → (year or None, source or None) → [won, finest unit]
        own[None] = whole
        self.totals = own

    def lookup(self, filters: dict[str, Any]) -> tuple[int, int]:
        """(won, finest printed unit) of the lines matching year, source, area, node, scope."""
        year = int(filters["year"]) if "year" in filters else _ANY
        source = filters.get("source", _ANY)
        if "source" in filters and not isinstance(source, str):
            return 0, 1  # no line's source is anything but a code
        codes = {str(filters[key]) for key in ("node", "scope") if key in filters}
        if "area" in filters:
            area = str(filters["area"])
            if self.depth.get(area) != 1:
                return 0, 1  # a line's area is always a top-level code
            codes.add(area)
        code: str | None = None
        if codes:
            if any(c not in self.depth for c in codes):
                return 0, 1
            # lines whose lineage holds every code: the subtree of the deepest, if the others
            # are its ancestors; none otherwise
            code = max(codes, key=lambda c: self.depth[c])
            if not codes <= self.lineage[code]:
                return 0, 1
        total = self.totals.get(code, {}).get((year, source))
        return (total[0], total[1]) if total is not None else (0, 1)
