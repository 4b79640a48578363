"""Benchmark: `rtis check` of the 2018 plan at 1×, 10× and 100× its size, with the ratios.

The 2018 plan (63 nodes, 198 budget lines, 19 printed tables) is copied N times into one plan:
copy k renumbers the areas (area a becomes a + k × 6, so "1-2-1" becomes "7-2-1" in copy 1), and
copies the budget lines and the printed tables with their claims pointing at the copy's nodes.
So the printed tables grow with the tree, as in a city's whole budget history: at 100× there
are 6,300 nodes, 19,800 lines and 1,801 printed tables. Indicators and figures are not copied,
nor the one table of the whole plan's money by year × source (its copies would each compare a
single plan's print with N plans' lines); the original's copy of it then reports N× the print,
as does the 계 row of every copy's table by area. The work is what is measured, not the findings.
Measures the median wall time of `run_checks(slug)` (what `rtis check --plan` runs) over rounds
at each size, with its query count, and prints the ratio to 1×. Run: `make bench`.
"""

from __future__ import annotations

import copy
import os
import statistics
import sys
import time
from typing import Any

from _setup import seeded_django

ROUNDS = int(os.environ.get("RTIS_BENCH_ROUNDS", "5"))
SIZES = [int(n) for n in os.environ.get("RTIS_BENCH_SIZES", "1,10,100").split(",")]
SLUG = "innovation-growth-2018"


def _recode(code: str, shift: int) -> str:
    head, _, rest = code.partition("-")
    return f"{int(head) + shift}" + (f"-{rest}" if rest else "")


def _recode_key(key: Any, shift: int) -> Any:
    if isinstance(key, str) and key[:1].isdigit():
        return _recode(key, shift)
    if isinstance(key, dict):
        return {k: _recode_key(v, shift) if k in ("node", "scope", "area") else v
                for k, v in key.items()}
    return key


def _claims(claims: list[dict[str, Any]], shift: int, areas: dict[str, str]) -> list[Any]:
    out = []
    for claim in copy.deepcopy(claims):
        if claim.get("kind") == "data":
            claim["map"] = {label: _recode_key(v, shift)
                            for label, v in claim.get("map", {}).items()}
            claim["filters"] = _recode_key(claim.get("filters", {}), shift)
            if "area" in (claim.get("rows"), claim.get("columns")):
                # the copies repeat the area titles; name the copy's areas by hand
                for label, code in areas.items():
                    claim["map"].setdefault(label, _recode(code, shift))
        out.append(claim)
    return out


def _whole_plan(claims: list[dict[str, Any]]) -> bool:
    """A table of the whole plan's money (by year × source): its copies would count N plans."""
    return any(c.get("kind") == "data" and not {c.get("rows"), c.get("columns")} & {"node", "area"}
               and not set(c.get("filters", {})) & {"node", "scope", "area"} for c in claims)


def scaled_plan(times: int) -> Any:
    """Return the 2018 plan copied `times` times into one new plan (see the module's text)."""
    from rtis.checks.data import PlanData
    from rtis.plans.models import BudgetLine, Node, Plan, StatedTable

    original = Plan.objects.get(slug=SLUG)
    if times == 1:
        return original
    nodes = list(Node.objects.filter(plan=original).order_by("depth", "position"))
    lines = list(BudgetLine.objects.filter(node__plan=original))
    tables = list(StatedTable.objects.filter(plan=original))
    data = PlanData(original)
    areas = {row["label"]: code for t in tables for row in t.rows
             if (code := data.area_code(row["label"])) is not None}
    area_count = max(int(n.code) for n in nodes if n.depth == 1)
    plan = copy.copy(original)
    plan.pk = None
    plan.slug = f"{SLUG}-x{times}"
    plan.save()
    per_copy = len(nodes)
    for k in range(times):
        shift = k * area_count
        made: dict[int, Node] = {}
        for depth in sorted({n.depth for n in nodes}):
            batch = []
            for n in nodes:
                if n.depth != depth:
                    continue
                twin = copy.copy(n)
                twin.pk = None
                twin.plan = plan
                twin.code = _recode(n.code, shift)
                twin.position = k * per_copy + n.position
                twin.parent = made[n.parent_id] if n.parent_id else None
                batch.append((n.pk, twin))
            Node.objects.bulk_create([t for _, t in batch])
            made.update(batch)
        BudgetLine.objects.bulk_create([
            BudgetLine(node=made[line.node_id], year=line.year, source_id=line.source_id,
                       amount_won=line.amount_won, note=line.note, provenance=line.provenance)
            for line in lines])
        StatedTable.objects.bulk_create([
            StatedTable(plan=plan, key=f"{t.key}-c{k}", title=t.title,
                        unit_as_printed=t.unit_as_printed, as_of=t.as_of, columns=t.columns,
                        rows=t.rows, note=t.note, provenance=t.provenance,
                        claims=_claims(t.claims, shift, areas), position=k * len(tables) + i)
            for i, t in enumerate(tables) if k == 0 or not _whole_plan(t.claims)])
    return plan


def main() -> None:
    seeded_django(RTIS_DEBUG="0")
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from rtis.checks.run import run_checks
    from rtis.plans.models import BudgetLine, Node

    print(f"rounds per size: {ROUNDS}; python {sys.version.split()[0]}")
    print(f"{'size':>5} {'nodes':>6} {'lines':>6} {'findings':>9} {'median s':>9} "
          f"{'min s':>7} {'queries':>8} {'× 1×':>7}")
    base = None
    for times in SIZES:
        plan = scaled_plan(times)
        run_checks(plan.slug)  # warm-up
        seconds = []
        for _ in range(ROUNDS):
            start = time.perf_counter()
            findings = run_checks(plan.slug)
            seconds.append(time.perf_counter() - start)
        with CaptureQueriesContext(connection) as queries:
            run_checks(plan.slug)
        median = statistics.median(seconds)
        base = base or median
        print(f"{times:>4}× {Node.objects.filter(plan=plan).count():6d} "
              f"{BudgetLine.objects.filter(node__plan=plan).count():6d} {len(findings):9d} "
              f"{median:9.3f} {min(seconds):7.3f} {len(queries):8d} {median / base:7.1f}")


if __name__ == "__main__":
    main()
