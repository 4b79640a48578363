"""Benchmark: checking and saving a 1,000-row bulk entry workbook, against merely opening it.

Target (issue): a 1,000-row XLSX upload validated and saved in ≤ 2 s. A plan with 1,000 unit
projects (10 areas × 10 tasks × 10 units, every task owned by one department) is imported into
the seeded database; each round opens a new month, downloads that month's template, fills every
row with openpyxl (not timed) and uploads it as the department's officer. Prints medians and the
ratio to the baseline: openpyxl loading the same workbook, nothing else.

Rows are saved one by one through `do_save_execution` (permission, period lock, checks, audit),
as every write must be. For scale, the last line is a lower bound of a batch action: the same
1,000 records and their audit events written with two bulk inserts, no checks.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import statistics
import sys
import time
from typing import Any

from _setup import seeded_django

ROUNDS = int(os.environ.get("RTIS_BENCH_ROUNDS", "5"))
SIDE = 10  # areas, tasks per area, units per task: SIDE ** 3 unit projects
DEPARTMENT = "일괄입력시험과"


def plan_doc() -> dict[str, Any]:
    nodes: list[dict[str, Any]] = []

    def node(code: str, depth: int, parent: str | None, level: str, owners: list[str]) -> None:
        nodes.append({"code": code, "title": f"{level} {code}", "depth": depth, "parent": parent,
                      "level_name": level, "kind": None, "departments": owners,
                      "cooperating_departments": [], "description": "", "provenance": {}})

    for a in range(1, SIDE + 1):
        node(f"{a}", 1, None, "프로젝트", [])
        for t in range(1, SIDE + 1):
            node(f"{a}-{t}", 2, f"{a}", "전략과제", [DEPARTMENT])
            for u in range(1, SIDE + 1):
                node(f"{a}-{t}-{u}", 3, f"{a}-{t}", "단위사업", [])
    return {"format": "rtis-plan/1",
            "plan": {"slug": "bulk-bench", "title": "일괄 입력 벤치마크", "period": [2024, 2024],
                     "published": False},
            "departments": [{"name": DEPARTMENT, "parent": None, "kind": "department"}],
            "nodes": nodes, "budget_lines": [], "indicators": [], "stated_figures": [],
            "stated_tables": []}


def filled(template: bytes, seed: int) -> bytes:
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(template))
    sheet = book["집행실적"]
    for row in range(3, sheet.max_row + 1):
        budget = 1_000_000_000 + row * 1_000 + seed
        for column, value in zip("EFGHI", (budget, -row, row * 7, budget // 2, budget // 3),
                                 strict=True):
            sheet[f"{column}{row}"] = value
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def bulk_insert(actor: Any, period: Any, plan: Any) -> None:
    """Write a month's 1,000 records and their audit events in two inserts (a lower bound)."""
    from django.db import transaction

    from rtis.audit.log import record_creates
    from rtis.tracking.models import ExecutionRecord

    with transaction.atomic():
        units = list(plan.nodes.filter(children__isnull=True))
        records = ExecutionRecord.objects.bulk_create([
            ExecutionRecord(node=node, period=period, original_budget=1_000, committed=500,
                            spent=300) for node in units], batch_size=500)
        record_creates(actor, records, reason="bench")


def timed(action: Any) -> tuple[float, Any]:
    start = time.perf_counter()
    result = action()
    return time.perf_counter() - start, result


def main() -> None:
    seeded_django()
    from openpyxl import load_workbook

    from rtis.ingest.actions import do_import_plan, known_department_names
    from rtis.ingest.planfile import parse_plan_doc
    from rtis.orgs.actions import do_create_user, find_department
    from rtis.orgs.models import Role
    from rtis.plans.models import FundingSource
    from rtis.tracking.actions import do_open_period
    from rtis.tracking.bulk import build_template, do_save_bulk_upload, read_upload
    from rtis.tracking.models import ExecutionRecord

    planner = do_create_user(None, "bench-planner", "bench-password-1", Role.PLANNER)
    doc = parse_plan_doc(plan_doc(), "bench", set(FundingSource.objects.values_list("code", flat=True)),
                         known_department_names())
    plan = do_import_plan(planner, doc)
    department = find_department(DEPARTMENT)
    assert department is not None
    officer = do_create_user(None, "bench-officer", "bench-password-1", Role.OFFICER, [department])
    base, check, save, update, download = [], [], [], [], []
    for month in range(1, ROUNDS + 1):
        period = do_open_period(planner, plan, kind="month", year=2024, number=month,
                                due_on=dt.date(2024, month, 28))
        seconds, template = timed(lambda: build_template(plan, department, period))  # noqa: B023
        download.append(seconds)
        data = filled(template, 0)
        base.append(timed(lambda: load_workbook(io.BytesIO(data)).close())[0])  # noqa: B023
        seconds, upload = timed(lambda: read_upload(officer, data, "bench.xlsx"))  # noqa: B023
        check.append(seconds)
        assert not upload.problems and len(upload.changes) == SIDE ** 3
        seconds, saved = timed(lambda: do_save_bulk_upload(officer, upload))  # noqa: B023
        save.append(check[-1] + seconds)
        assert saved == SIDE ** 3
        # the same month again, every row changed: 1,000 versioned updates
        again = filled(build_template(plan, department, period), 1)
        seconds, saved = timed(lambda: do_save_bulk_upload(
            officer, read_upload(officer, again, "bench.xlsx")))  # noqa: B023
        update.append(seconds)
        assert saved == SIDE ** 3
    assert ExecutionRecord.objects.filter(node__plan=plan).count() == SIDE ** 3 * ROUNDS
    batch = []
    for month in range(ROUNDS + 1, 2 * ROUNDS + 1):
        period = do_open_period(planner, plan, kind="month", year=2024, number=month,
                                due_on=dt.date(2024, month, 28))
        batch.append(timed(lambda: bulk_insert(officer, period, plan))[0])  # noqa: B023
    baseline = statistics.median(base)
    rows = [("baseline: openpyxl opens the workbook", baseline),
            ("download: build the template", statistics.median(download)),
            ("upload: safety checks + parse + validate", statistics.median(check)),
            ("upload: validate + save 1,000 new", statistics.median(save)),
            ("upload: validate + save 1,000 updates", statistics.median(update)),
            ("reference: 2 bulk inserts (records, audit)", statistics.median(batch))]
    print(f"rounds: {ROUNDS}; python {sys.version.split()[0]}; {SIDE ** 3:,} unit projects, "
          f"workbook {len(data):,} bytes")
    print(f"{'step':42} {'median s':>9} {'× baseline':>11}")
    for label, seconds in rows:
        print(f"{label:42} {seconds:9.3f} {seconds / baseline:11.1f}")
    worst = max(statistics.median(save), statistics.median(update))
    print(f"target ≤ 2 s for validate + save: {'met' if worst <= 2 else 'NOT met'} "
          f"({worst:.2f} s)")


if __name__ == "__main__":
    main()
