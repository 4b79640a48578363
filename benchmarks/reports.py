"""Benchmark: the full work report (seed 004) in all four formats, against building its content.

Target (issue): all four formats together in ≤ 5 s. Prints medians of several rounds, each format's
ratio to the baseline (building the Report from the database), and the total.
"""

from __future__ import annotations

import datetime as dt
import os
import statistics
import sys
import time

from _setup import seeded_django

ROUNDS = int(os.environ.get("RTIS_BENCH_ROUNDS", "5"))


def timed(action: object) -> float:
    start = time.perf_counter()
    action()  # type: ignore[operator]
    return time.perf_counter() - start


def main() -> None:
    seeded_django()
    from rtis.plans.models import Plan
    from rtis.reports.actions import build_report
    from rtis.reports.render import FORMATS, renderer

    plan = Plan.objects.get(slug="econ-office-report-2022")
    as_of = dt.date(2022, 1, 21)
    report = build_report("work-report", plan, as_of)
    for fmt in FORMATS:
        renderer(fmt)(report)  # warm up imports and fonts once
    base = statistics.median(timed(lambda: build_report("work-report", plan, as_of))
                             for _ in range(ROUNDS))
    print(f"rounds: {ROUNDS}; python {sys.version.split()[0]}; "
          f"{len(report.tables())} tables, {sum(len(t.rows) for t in report.tables())} rows")
    print(f"{'step':28} {'median s':>9} {'× baseline':>11} {'size':>10}")
    print(f"{'baseline: build content':28} {base:9.3f} {1.0:11.1f}")
    total = base
    for fmt in FORMATS:
        render = renderer(fmt)
        seconds = statistics.median(timed(lambda r=render: r(report))  # type: ignore[misc]
                                    for _ in range(ROUNDS))
        size = len(render(report))
        total += seconds
        print(f"{'render ' + fmt:28} {seconds:9.3f} {seconds / base:11.1f} {size:10,}")
    print(f"{'all four formats + content':28} {total:9.3f}   target ≤ 5 s: "
          f"{'met' if total <= 5 else 'NOT met'}")


if __name__ == "__main__":
    main()
