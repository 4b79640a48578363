"""Benchmark: the full work report (seed 004) in all four formats, against building its content.

Target (issue): all four formats together in ≤ 5 s. Prints medians of several rounds, each format's
ratio to the baseline (building the Report from the database), and the total.

Then the work report of the 2018 plan at 1×, 10× and 100× its size (the plan copied as in
`checks.py`: 21, 210 and 2,100 tables) as PDF: median wall and CPU seconds of the rendering
(RTIS_BENCH_SIZES, default 1,10,100; RTIS_BENCH_PDF_ROUNDS rounds, default 3), pages, bytes and
the ratio to 1× (issue 13: long reports as PDF).
"""

from __future__ import annotations

import datetime as dt
import os
import statistics
import sys
import time

from _setup import seeded_django

ROUNDS = int(os.environ.get("RTIS_BENCH_ROUNDS", "5"))
PDF_ROUNDS = int(os.environ.get("RTIS_BENCH_PDF_ROUNDS", "3"))
SIZES = [int(n) for n in os.environ.get("RTIS_BENCH_SIZES", "1,10,100").split(",")]


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
    scaled_pdfs()


def scaled_pdfs() -> None:
    """The 2018 plan's work report as PDF at each size: wall and CPU seconds, pages, bytes."""
    import io

    import pypdf

    from checks import scaled_plan
    from rtis.reports.actions import build_report
    from rtis.reports.render.pdf import render_pdf

    print(f"\nwork report of the 2018 plan as PDF; rounds: {PDF_ROUNDS}")
    print(f"{'size':>5} {'tables':>7} {'median s':>9} {'CPU s':>7} {'pages':>6} {'bytes':>10} "
          f"{'× 1×':>6}")
    base = None
    for times in SIZES:
        report = build_report("work-report", scaled_plan(times), dt.date(2022, 1, 21))
        walls, cpus = [], []
        for _ in range(PDF_ROUNDS):
            start, cpu = time.perf_counter(), time.process_time()
            pdf = render_pdf(report)
            walls.append(time.perf_counter() - start)
            cpus.append(time.process_time() - cpu)
        median = statistics.median(walls)
        base = base or median
        pages = len(pypdf.PdfReader(io.BytesIO(pdf)).pages)
        print(f"{times:>4}× {len(report.tables()):7d} {median:9.3f} {statistics.median(cpus):7.3f} "
              f"{pages:6d} {len(pdf):10,} {median / base:6.1f}", flush=True)


if __name__ == "__main__":
    main()
