"""Benchmark: the budget-lines API on the 2018 plan at 1×, 10× and 100× its size.

The plan is scaled as in `checks.py` (copies of the tree, its lines and tables in one plan).
Measures through Django's test client (no network), logged in as a planner, `RTIS_DEBUG=0`:
  - a 100-line page (the first, and one deep in the plan by cursor),
  - one year's lines of one subtree (area 2 of the last copy, `limit=1000`),
  - the whole plan as streamed CSV (read to the end), and the peak Python memory meanwhile,
the median and p95 over rounds, the query count of one request, and the ratio to 1×.
Run: `make bench`.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from typing import Any

from _setup import seeded_django

from checks import scaled_plan

ROUNDS = int(os.environ.get("RTIS_BENCH_ROUNDS", "30"))
SIZES = [int(n) for n in os.environ.get("RTIS_BENCH_SIZES", "1,10,100").split(",")]


def timed(client: Any, path: str, params: dict[str, str]) -> tuple[float, float, int, int]:
    """Median and p95 seconds, queries and bytes of GET path (streams read to the end)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def once() -> int:
        response = client.get(path, params)
        assert response.status_code == 200, (path, params, response.status_code)
        body = b"".join(response.streaming_content) if response.streaming else response.content
        return len(body)

    times = []
    for _ in range(ROUNDS):
        start = time.perf_counter()
        size = once()
        times.append(time.perf_counter() - start)
    with CaptureQueriesContext(connection) as queries:
        once()
    times.sort()
    return statistics.median(times), times[int(len(times) * 0.95) - 1], len(queries), size


def csv_peak(client: Any, path: str) -> tuple[int, int]:
    """Peak Python memory (tracemalloc) while the whole CSV streams, and the bytes streamed."""
    import tracemalloc

    tracemalloc.start()
    response = client.get(path, {"format": "csv"})
    size = sum(len(chunk) for chunk in response.streaming_content)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak, size


def main() -> None:
    seeded_django(RTIS_DEBUG="0", RTIS_ALLOWED_HOSTS="testserver",
                  RTIS_SECRET_KEY="benchmark-only-secret-key-" + "x" * 40)
    from django.test import Client

    from rtis.orgs.actions import do_create_user
    from rtis.orgs.models import Role
    from rtis.plans.api import encode_cursor
    from rtis.plans.models import BudgetLine

    user = do_create_user(None, "bench", "bench-password-1", Role.PLANNER)
    client = Client()
    client.force_login(user)
    print(f"rounds per request: {ROUNDS}; python {sys.version.split()[0]}")
    print(f"{'request':44} {'size':>5} {'median ms':>10} {'p95 ms':>8} {'queries':>8} "
          f"{'KB':>7} {'× 1×':>6}")
    base: dict[str, float] = {}
    for times in SIZES:
        plan = scaled_plan(times)
        path = f"/api/v1/plans/{plan.slug}/budget-lines"
        places = list(BudgetLine.objects.filter(node__plan=plan)
                      .order_by("node_id", "year", "source_id")
                      .values_list("node_id", "year", "source_id"))
        last_area = str(2 + (times - 1) * 6)
        cases = [
            ("page of 100, first", {}),
            ("page of 100, 90 % in (cursor)", {"cursor": encode_cursor(*places[len(places) * 9 // 10])}),
            (f"subtree {last_area} × 2020, limit 1000",
             {"node": last_area, "year": "2020", "limit": "1000"}),
            ("whole plan as CSV (streamed)", {"format": "csv"}),
        ]
        for label, params in cases:
            median, p95, queries, size = timed(client, path, params)
            key = label.split(",")[0].split(" ")[0] + label[-10:]
            base.setdefault(key, median)
            print(f"{label:44} {times:>4}× {median * 1000:10.1f} {p95 * 1000:8.1f} "
                  f"{queries:8d} {size / 1024:7.0f} {median / base[key]:6.1f}")
        peak, size = csv_peak(client, path)
        print(f"{'  CSV: peak traced memory while streaming':44} {times:>4}× "
              f"{peak / 1024:>10.0f} KB for {size / 1024:.0f} KB streamed")


if __name__ == "__main__":
    main()
