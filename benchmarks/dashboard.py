"""Benchmark: server time of the dashboard pages on the seed plus 5 years of synthetic execution.

Loads the full Seoul seed, then gives every unit project (leaf node) of every seeded plan five
years (2018–2022) of SYNTHETIC approved monthly execution and a synthetic quarterly milestone
per quarter (rtis.dashboards.synthetic). Measures, in one run and one process, the median and
p95 wall time of each dashboard page through the Django test client, logged in as a planner,
with its query count, against a baseline: the login page (template and session, no domain
queries). Target (issue): p95 ≤ 150 ms and ≤ 15 queries per page. Run: `make bench`.
"""

from __future__ import annotations

import os
import sys
import time

from _setup import measure as timed_get
from _setup import seeded_django

ROUNDS = max(30, int(os.environ.get("RTIS_BENCH_ROUNDS", "60")))
TARGET_P95_MS = 150
TARGET_QUERIES = 15
AS_OF = "2022-09-30"  # month 9 of 2022: four past years of pattern for every unit project
PLAN = "innovation-growth-2018"


def measure(client: object, path: str) -> tuple[float, float, int]:
    return timed_get(client, path, ROUNDS)


def main() -> None:
    seeded_django(RTIS_DEBUG="0", RTIS_ALLOWED_HOSTS="testserver",
                  RTIS_SECRET_KEY="benchmark-only-secret-key-" + "x" * 40)
    from django.test import Client

    from rtis.dashboards.synthetic import (
        generate_synthetic_execution,
        generate_synthetic_milestones,
    )
    from rtis.orgs.actions import do_create_user
    from rtis.orgs.models import Role

    start = time.perf_counter()
    made = generate_synthetic_execution()
    milestones = generate_synthetic_milestones()
    generated = time.perf_counter() - start
    user = do_create_user(None, "bench", "bench-password-1", Role.PLANNER)
    client = Client()
    client.force_login(user)
    day = f"as_of={AS_OF}"
    pages = [
        ("baseline: login page", "/login/"),
        ("index", f"/dashboards/?{day}"),
        ("execution, all plans", f"/dashboards/execution/?{day}"),
        ("execution, one plan", f"/dashboards/execution/?plan={PLAN}&{day}"),
        ("execution records, all", f"/dashboards/execution/records/?{day}"),
        ("execution XLSX, all", f"/dashboards/execution/?{day}&format=xlsx"),
        ("projection, all plans", f"/dashboards/projection/?{day}"),
        ("projection records, all", f"/dashboards/projection/records/?{day}"),
        ("indicators, all plans", f"/dashboards/indicators/?{day}"),
        ("indicator records, all", f"/dashboards/indicators/records/?{day}"),
        ("milestones, all plans", f"/dashboards/milestones/?{day}"),
        ("milestone records, all", f"/dashboards/milestones/records/?{day}"),
        ("milestone records CSV, all", f"/dashboards/milestones/records/?{day}&format=csv"),
    ]
    print(f"rounds per page: {ROUNDS}; python {sys.version.split()[0]}; synthetic: "
          f"{made.unit_projects} unit projects × {made.periods // max(made.plans, 1)} months = "
          f"{made.records:,} records, {milestones:,} milestones ({generated:.1f} s)")
    print(f"{'page':30} {'median ms':>10} {'p95 ms':>8} {'queries':>8} {'× baseline':>11} target")
    base_median = None
    for label, path in pages:
        median, p95, queries = measure(client, path)
        base_median = base_median or median
        met = p95 * 1000 <= TARGET_P95_MS and queries <= TARGET_QUERIES
        print(f"{label:30} {median * 1000:10.1f} {p95 * 1000:8.1f} {queries:8d} "
              f"{median / base_median:11.1f} {'met' if met else 'NOT met'}")


if __name__ == "__main__":
    main()
