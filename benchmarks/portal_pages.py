"""Benchmark: server time and queries of the public portal's pages on the demo data.

A fresh SQLite database gets the seed and the demo's past reporting (`rtis demo`'s set-up, demo
day 2022-03-15); then the home page (public, officer, planner), a plan's progress, a node's
progress, a dataset page and a CSV are rendered ROUNDS times each. Run:
`PYTHONPATH=src python benchmarks/portal_pages.py`.
"""

from __future__ import annotations

import os
import statistics
import sys
import time

from _setup import seeded_django

ROUNDS = int(os.environ.get("RTIS_BENCH_ROUNDS", "60"))


def measure(client: object, path: str, rounds: int) -> tuple[float, float, float, float, int]:
    """Return wall median and p95, CPU median and p95 (seconds) of GET path, and its queries.

    The CPU time of this process (client, view, SQLite: all in-process) is the page's own
    work whatever else the machine runs; the wall time grows with the machine's load.
    """
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(3):  # warm: templates compiled, translations loaded
        client.get(path)  # type: ignore[attr-defined]
    walls, cpus = [], []
    for _ in range(rounds):
        start, cpu = time.perf_counter(), time.process_time()
        response = client.get(path)  # type: ignore[attr-defined]
        walls.append(time.perf_counter() - start)
        cpus.append(time.process_time() - cpu)
        assert response.status_code == 200, (path, response.status_code)
    with CaptureQueriesContext(connection) as queries:
        client.get(path)  # type: ignore[attr-defined]
    walls.sort()
    cpus.sort()
    p95 = max(0, round(rounds * 0.95) - 1)
    return (statistics.median(walls), walls[p95], statistics.median(cpus), cpus[p95],
            len(queries))


def main() -> None:
    seeded_django(RTIS_DEBUG="0", RTIS_ALLOWED_HOSTS="testserver", RTIS_TODAY="2022-03-15",
                  RTIS_SECRET_KEY="benchmark-only-secret-key-" + "x" * 40)
    from django.test import Client

    from rtis.orgs.models import User
    from rtis.web.management.commands.rtis_demo import setup_demo

    setup_demo(lambda _line: None)
    clients = {"public": Client()}
    for name in ("officer", "planner"):
        clients[name] = Client()
        clients[name].force_login(User.objects.get(username=name))
    pages = [
        ("public", "baseline: login page", "/login/"),
        ("public", "home (public)", "/"),
        ("officer", "home (officer)", "/"),
        ("planner", "home (planner)", "/"),
        ("public", "plan progress (2018, 63 nodes)", "/plans/innovation-growth-2018/progress/"),
        ("public", "node progress (2-1)", "/plans/innovation-growth-2018/progress/2-1/"),
        ("public", "dataset page: milestones", "/data/milestones/"),
        ("public", "dataset CSV: budget", "/data/budget/?format=csv"),
    ]
    print(f"rounds per page: {ROUNDS}; python {sys.version.split()[0]}; load average "
          f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    print(f"{'page':34} {'median ms':>10} {'p95 ms':>8} {'CPU med':>8} {'CPU p95':>8} "
          f"{'queries':>8}")
    for who, label, path in pages:
        median, p95, cpu, cpu95, queries = measure(clients[who], path, ROUNDS)
        print(f"{label:34} {median * 1000:10.1f} {p95 * 1000:8.1f} {cpu * 1000:8.1f} "
              f"{cpu95 * 1000:8.1f} {queries:8d}")
    print(f"load average after: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
