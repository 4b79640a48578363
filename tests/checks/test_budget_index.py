"""The checker's budget index: the same sums as a scan of every line, and work linear in the data."""

from __future__ import annotations

import itertools
import sys
from pathlib import Path
from typing import Any

import pytest

from rtis.checks import data as checks_data
from rtis.checks.data import PlanData, _Line
from rtis.checks.run import check_plan
from rtis.plans.models import Plan
from tests.conftest import ensure_funding_sources, import_doc
from tests.factories import sample_plan_doc


def _scan(lines: list[_Line], filters: dict[str, Any]) -> tuple[int, int]:
    """The checker's former way: test every line against every filter of the cell."""
    checks = {
        "year": lambda line, v: line.year == int(v),
        "source": lambda line, v: line.source == v,
        "area": lambda line, v: line.area == str(v),
        "node": lambda line, v: str(v) in line.lineage,
        "scope": lambda line, v: str(v) in line.lineage,
    }
    chosen = [line for line in lines
              if all(checks[k](line, v) for k, v in filters.items() if k in checks)]
    return sum(line.won for line in chosen), min((line.unit for line in chosen), default=1)


@pytest.fixture
def seeded_2018(db: Any) -> Plan:
    from rtis.ingest.seed import load_seed

    ensure_funding_sources()
    load_seed(only="innovation-growth-2018")
    return Plan.objects.get(slug="innovation-growth-2018")


def test_every_indexed_sum_equals_a_scan_of_the_lines(seeded_2018: Plan) -> None:
    data = PlanData(seeded_2018)
    codes = [*(n.code for n in data.nodes), "9-9-9"]
    years = [*sorted({line.year for line in data.lines}), 1999]
    sources = [*sorted({line.source for line in data.lines}), "nowhere", 3]
    cases: list[dict[str, Any]] = [{}]
    for code, year, source in itertools.product([None, *codes], [None, *years],
                                                [None, *sources]):
        filters = {k: v for k, v in (("node", code), ("year", year), ("source", source))
                   if v is not None}
        cases.append(filters)
    for code, scope, area in itertools.product(codes[:20], ["1", "2", "1-1", "3-2"],
                                               ["1", "2", "1-1", 3]):
        cases += [{"node": code, "scope": scope}, {"node": code, "area": area},
                  {"scope": scope, "area": area, "year": "2019"}]
    assert len(cases) > 3000
    for filters in cases:
        assert data.budget(filters) == _scan(data.lines, filters), filters


def _plan_doc(areas: int) -> dict[str, Any]:
    """A plan of `areas` areas × 2 tasks × 2 unit projects, each unit 3 years × 2 sources, and a
    printed table with one row per unit project and per area, one column per year."""
    doc = sample_plan_doc(slug=f"scaled-{areas}", title=f"규모 시험 {areas}")
    nodes, lines, rows, mapping = [], [], [], {}
    for a in range(1, areas + 1):
        nodes.append({"code": f"{a}", "title": f"분야 {a}", "depth": 1, "parent": None,
                      "level_name": "프로젝트", "kind": None, "departments": [],
                      "cooperating_departments": [], "description": "", "provenance": {}})
        rows.append({"label": f"분야 {a} 계", "values": [None, None, None]})
        mapping[f"분야 {a} 계"] = f"{a}"
        for t in (1, 2):
            nodes.append({"code": f"{a}-{t}", "title": f"과제 {a}-{t}", "depth": 2,
                          "parent": f"{a}", "level_name": "전략과제", "kind": "신규",
                          "departments": [], "cooperating_departments": [], "description": "",
                          "provenance": {}})
            for u in (1, 2):
                code = f"{a}-{t}-{u}"
                nodes.append({"code": code, "title": f"사업 {code}", "depth": 3,
                              "parent": f"{a}-{t}", "level_name": "단위사업", "kind": None,
                              "departments": [], "cooperating_departments": [],
                              "description": "", "provenance": {}})
                rows.append({"label": f"사업 {code}", "values": [None, None, None]})
                mapping[f"사업 {code}"] = code
                for year, source in itertools.product((2018, 2019, 2020), ("city", "national")):
                    lines.append({"node": code, "year": year, "source": source,
                                  "amount_won": 1_000_000 * (a + t + u + year - 2017),
                                  "note": "", "provenance": {"unit": "백만원"}})
    doc.update(nodes=nodes, budget_lines=lines, indicators=[], stated_figures=[])
    doc["stated_tables"] = [{
        "key": "by-node", "title": "단위사업별 소요예산", "unit_as_printed": "백만원",
        "as_of": None, "columns": ["2018", "2019", "2020"], "rows": rows, "note": "",
        "provenance": {},
        "claims": [{"kind": "data", "measure": "budget", "rows": "node", "columns": "year",
                    "map": mapping}]}]
    return doc


def _checker_work(plan: Plan) -> int:
    """Count the calls the checker's data module makes (Python and built-in) for one plan."""
    module = str(Path(checks_data.__file__))
    count = 0

    def profile(frame: Any, event: str, arg: Any) -> None:
        nonlocal count
        if event in ("call", "c_call") and frame.f_code.co_filename == module:
            count += 1

    sys.setprofile(profile)
    try:
        findings = check_plan(plan)
    finally:
        sys.setprofile(None)
    assert any(f.rule == "data-budget" for f in findings)  # the printed "-" cells differ
    return count


def test_the_checkers_work_grows_linearly_with_the_plan(db: Any) -> None:
    ensure_funding_sources()
    small = import_doc(_plan_doc(areas=4))     # 28 nodes, 96 lines, 60 checked cells
    large = import_doc(_plan_doc(areas=40))    # 280 nodes, 960 lines, 600 checked cells
    small_work, large_work = _checker_work(small), _checker_work(large)
    # Ten times the lines and ten times the cells: a scan per cell does 100× the work,
    # an index built once does about 10×.
    assert large_work < 15 * small_work, (small_work, large_work)


def test_the_checkers_query_count_is_the_same_at_ten_times_the_plan(db: Any) -> None:
    """One query per kind of data (nodes, lines, targets, tables ...), never one per row."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from rtis.checks.run import run_checks

    ensure_funding_sources()
    counts = []
    for areas in (4, 40):  # 28 and 280 nodes, 96 and 960 lines
        plan = import_doc(_plan_doc(areas=areas))
        with CaptureQueriesContext(connection) as queries:
            findings = run_checks(plan.slug)
        assert any(f.rule == "data-budget" for f in findings)  # the cells were checked
        counts.append(len(queries))
    assert counts[0] == counts[1] <= 12, counts
