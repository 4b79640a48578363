"""Benchmark: extracting and staging a 20-table HWPX document, against merely unzipping it.

Target (issue): HWPX table import of a 20-table document in ≤ 2 s. The document is generated
here with RTIS's own HWPX writer (20 tables × 12 rows × 7 columns, like a work report's budget
tables). Prints medians and the ratio to the baseline (reading every zip entry).
"""

from __future__ import annotations

import datetime as dt
import io
import os
import statistics
import sys
import time
import zipfile

from _setup import seeded_django

ROUNDS = int(os.environ.get("RTIS_BENCH_ROUNDS", "5"))


def document() -> bytes:
    from rtis.lib.report_model import Report, Row, Section, TableBlock
    from rtis.reports.render.hwpx import render_hwpx

    tables = [TableBlock(key=f"t{i}", caption=f"연차별 소요예산 {i + 1}", unit="백만원",
                         columns=["사업명", "계", "2018", "2019", "2020", "2021", "2022"],
                         decimals=[None, 0, 0, 0, 0, 0, 0],
                         rows=[Row([f"사업 {i}-{r}", *[(r + 1) * 1000 + c for c in range(6)]])
                               for r in range(12)]) for i in range(20)]
    return render_hwpx(Report(kind="bench", title="벤치마크", as_of=dt.date(2022, 1, 21),
                              sections=[Section("표", 1, list(tables))]))


def timed(action: object) -> float:
    start = time.perf_counter()
    action()  # type: ignore[operator]
    return time.perf_counter() - start


def unzip_all(data: bytes) -> None:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for name in archive.namelist():
            archive.read(name)


def main() -> None:
    seeded_django()
    from rtis.ingest.staging import do_stage_import
    from rtis.ingest.tables import extract_tables
    from rtis.orgs.actions import do_create_user
    from rtis.orgs.models import Role
    from rtis.plans.models import Plan

    data = document()
    planner = do_create_user(None, "bench", "bench-password-1", Role.PLANNER)
    plan = Plan.objects.get(slug="innovation-growth-2018")
    assert len(extract_tables(data, "bench.hwpx")) == 20
    base = statistics.median(timed(lambda: unzip_all(data)) for _ in range(ROUNDS))
    extract = statistics.median(timed(lambda: extract_tables(data, "bench.hwpx"))
                                for _ in range(ROUNDS))
    stage = statistics.median(timed(lambda: do_stage_import(planner, plan, "bench.hwpx", data))
                              for _ in range(ROUNDS))
    print(f"rounds: {ROUNDS}; python {sys.version.split()[0]}; document {len(data):,} bytes, "
          "20 tables × 13 rows × 7 columns")
    print(f"{'step':36} {'median s':>9} {'× baseline':>11}")
    print(f"{'baseline: unzip every entry':36} {base:9.4f} {1.0:11.1f}")
    print(f"{'extract tables (safe, checked)':36} {extract:9.4f} {extract / base:11.1f}")
    print(f"{'stage import (extract + guess + save)':36} {stage:9.4f} {stage / base:11.1f}   "
          f"target ≤ 2 s: {'met' if stage <= 2 else 'NOT met'}")


if __name__ == "__main__":
    main()
