"""Benchmark: the plan page, its subtree partial, the plan export and `rtis check` at 1×, 10×
and 100× the 2018 plan (issue 13: plan page ≤ 300 ms, export ≤ 1 s, check ≤ 1 s, all linear).

The plan is scaled as in `checks.py` (copy k renumbers the areas; the tree, its lines and its
printed tables are copied: 6,300 nodes, 19,800 lines and 1,801 tables at 100×). Server time
through Django's test client (no network), logged in as a planner, `RTIS_DEBUG=0`, SQLite; the
median over RTIS_BENCH_ROUNDS rounds (default 5) after a warm-up, the query count of one
request, the size of the answer and the ratio to 1×. The baseline of the streamed export is the
document built whole as before (`dumps(export_plan(plan))`), timed in the same run; for both,
the peak of Python's allocations while one export is written (tracemalloc, a separate call).
Run: `python benchmarks/plan_scale.py`.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
import tracemalloc
from typing import Any

from _setup import seeded_django

from checks import scaled_plan

ROUNDS = int(os.environ.get("RTIS_BENCH_ROUNDS", "5"))
SIZES = [int(n) for n in os.environ.get("RTIS_BENCH_SIZES", "1,10,100").split(",")]


def timed(call: Any) -> tuple[float, int, int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    size = call()  # warm-up
    seconds = []
    for _ in range(ROUNDS):
        start = time.perf_counter()
        call()
        seconds.append(time.perf_counter() - start)
    with CaptureQueriesContext(connection) as queries:
        call()
    return statistics.median(seconds), len(queries), size


def peak_mb(call: Any) -> float:
    """The peak of Python's allocations (MB) during one call."""
    tracemalloc.start()
    try:
        call()
        return tracemalloc.get_traced_memory()[1] / 1e6
    finally:
        tracemalloc.stop()


def main() -> None:
    seeded_django(RTIS_DEBUG="0", RTIS_ALLOWED_HOSTS="testserver",
                  RTIS_SECRET_KEY="benchmark-only-secret-key-" + "x" * 40)
    from django.test import Client

    from rtis.checks.run import run_checks
    from rtis.ingest.export import dumps, export_plan
    from rtis.orgs.actions import do_create_user
    from rtis.orgs.models import Role
    from rtis.plans.models import Node

    user = do_create_user(None, "bench", "bench-password-1", Role.PLANNER)
    client = Client()
    client.force_login(user)

    def get(path: str) -> Any:
        def call() -> int:
            response = client.get(path)
            assert response.status_code == 200, (path, response.status_code)
            if response.streaming:  # read as a client would, a block at a time
                return sum(len(block) for block in response.streaming_content)
            return len(response.content)
        return call

    print(f"rounds: {ROUNDS}; python {sys.version.split()[0]}")
    print(f"{'size':>5} {'nodes':>6} {'what':28} {'median s':>9} {'queries':>8} {'bytes':>10} "
          f"{'× 1×':>6}  (exports: peak of Python allocations)")
    base: dict[str, float] = {}
    for times in SIZES:
        plan = scaled_plan(times)
        nodes = Node.objects.filter(plan=plan).count()
        cases = [
            ("plan page", get(f"/plans/{plan.slug}/")),
            ("subtree of area 2 (htmx)", get(f"/plans/{plan.slug}/nodes/2/subtree/")),
            ("plan export (JSON, streamed)", get(f"/api/v1/plans/{plan.slug}/export")),
            ("export built whole (before)",
             lambda plan=plan: len(dumps(export_plan(plan)).encode())),
            ("rtis check", lambda slug=plan.slug: len(run_checks(slug))),
        ]
        for label, call in cases:
            median, queries, size = timed(call)
            base.setdefault(label, median)
            memory = f" peak {peak_mb(call):7.1f} MB" if "export" in label else ""
            print(f"{times:>4}× {nodes:6d} {label:28} {median:9.3f} {queries:8d} {size:10d} "
                  f"{median / base[label]:6.1f}{memory}", flush=True)


if __name__ == "__main__":
    main()
