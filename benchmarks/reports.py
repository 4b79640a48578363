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
from typing import Any

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
    pdf_before_and_after(report)


def _split_every_cell(pdf: Any, table: Any, header: list[str], rows: list[Any],
                      widths: list[float], size: float, line: float) -> list[Any]:
    """The row splitter before issue 13: every cell of a long row wrapped (the baseline)."""
    from rtis.reports.render import pdf as module

    inner = [w - 2 * module.CELL_PAD_X - 0.8 for w in widths]
    pdf.set_font(module.FAMILY, "B", size)
    header_lines = max((len(module._wrapped(pdf, h, inner[j], line))
                        for j, h in enumerate(header)), default=1)
    page_height = pdf.h - pdf.t_margin - pdf.b_margin
    room = (page_height - (max(header_lines, 1) * line + 2 * module.CELL_PAD_Y)
            - 2 * module.CELL_PAD_Y - 4)
    most = max(int(room // line), 1)
    out: list[Any] = []
    for row in rows:
        pdf.set_font(module.FAMILY, "B" if row.style != "normal" else "", size)
        texts = [module._cell_text(table, j, v) for j, v in enumerate(row.cells)]
        if max((len(t) for t in texts), default=0) + 1 <= most:
            out.append(row)
            continue
        lines = [module._wrapped(pdf, t, inner[j] - (module._indent(row) if j == 0 else 0), line)
                 for j, t in enumerate(texts)]
        if max(len(ls) for ls in lines) <= most:
            out.append(row)
            continue
        parts = (max(len(ls) for ls in lines) + most - 1) // most
        for k in range(parts):
            cells: list[Any] = []
            for j, value in enumerate(row.cells):
                if module._is_number(value) or value is None:
                    cells.append(value if k == 0 else "")
                else:
                    cells.append("\n".join(lines[j][k * most:(k + 1) * most]))
            out.append(module.Row(cells, row.style, row.indent))
    return out


def pdf_before_and_after(report: Any) -> None:
    """The PDF with the row splitter before (every cell of a long row wrapped) and now, the
    rounds interleaved; the two documents must be the same bytes."""
    from rtis.reports.render import pdf as module

    now = module._split_tall_rows
    seconds: dict[str, list[float]] = {"before": [], "now": []}
    documents = {}
    for _ in range(ROUNDS):
        for label, splitter in (("before", _split_every_cell), ("now", now)):
            module._split_tall_rows = splitter  # type: ignore[assignment]
            start = time.perf_counter()
            documents[label] = module.render_pdf(report)
            seconds[label].append(time.perf_counter() - start)
    module._split_tall_rows = now
    assert documents["before"] == documents["now"], "the row splitter changed the PDF"
    before, after = (statistics.median(seconds[k]) for k in ("before", "now"))
    print(f"{'pdf, before (interleaved)':28} {before:9.3f}")
    print(f"{'pdf, now (interleaved)':28} {after:9.3f} {after / before:11.2f} × before; "
          f"same bytes")


if __name__ == "__main__":
    main()
