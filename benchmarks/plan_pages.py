"""Benchmark: server time of the plan pages on the seeded portfolio, against a baseline page.

Measures, in one run and one process, the median and p95 wall time of rendering
  - the baseline: the login page (template, session, no domain queries),
  - the plan list, the 2018 plan page, a node page, the plan JSON export,
and prints each as a ratio to the baseline, with its query count. Run: `make bench`.
"""

from __future__ import annotations

import os
import sys

from _setup import measure as timed_get
from _setup import seeded_django

ROUNDS = int(os.environ.get("RTIS_BENCH_ROUNDS", "60"))


def measure(client: object, path: str) -> tuple[float, float, int]:
    return timed_get(client, path, ROUNDS)


def main() -> None:
    seeded_django(RTIS_DEBUG="0", RTIS_ALLOWED_HOSTS="testserver",
                  RTIS_SECRET_KEY="benchmark-only-secret-key-" + "x" * 40)
    from django.test import Client

    from rtis.orgs.actions import do_create_user
    from rtis.orgs.models import Role

    user = do_create_user(None, "bench", "bench-password-1", Role.PLANNER)
    client = Client()
    client.force_login(user)
    pages = [
        ("baseline: login page", "/login/"),
        ("plan list", "/plans/"),
        ("plan page (2018, 63 nodes)", "/plans/innovation-growth-2018/"),
        ("node page (2-1)", "/plans/innovation-growth-2018/nodes/2-1/"),
        ("plan JSON export (2018)", "/api/v1/plans/innovation-growth-2018/export"),
        ("budget summary API", "/api/v1/plans/innovation-growth-2018/budget-summary"),
    ]
    base_median = None
    print(f"rounds per page: {ROUNDS}; python {sys.version.split()[0]}")
    print(f"{'page':34} {'median ms':>10} {'p95 ms':>8} {'queries':>8} {'× baseline':>11}")
    for label, path in pages:
        median, p95, queries = measure(client, path)
        base_median = base_median or median
        print(f"{label:34} {median * 1000:10.1f} {p95 * 1000:8.1f} {queries:8d} "
              f"{median / base_median:11.1f}")


if __name__ == "__main__":
    main()
