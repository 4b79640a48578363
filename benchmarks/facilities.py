"""Benchmark: the facilities dashboard with 500 facilities, 20,000 tenants, 10 years of outcomes.

Loads the Seoul seed (14 facilities, 4 funds), then adds SYNTHETIC data: 486 more facilities
(500 in all) spread over the clusters and linked to the 2018 plan's items, 20,000 tenants with
one tenancy each (a third have moved out), and ten years (2012–2021) of outcomes for each
tenancy's years — about 200,000 outcome rows. The 2018 plan's 입주기업수, 앵커시설조성 and
조성연면적 indicators of every project are declared computed.

Measures in one run: the dashboard's median and p95 (Django test client, a planner, as of
2022-03-15) and its query count; `do_recompute_indicators` over the whole portfolio; and a naive
baseline of the same dashboard figures computed with one query per facility (the N+1 shape the
house avoids), printing the ratio. Targets (issue 15): p95 ≤ 150 ms, ≤ 15 queries, recompute ≤ 1 s.
Run: `PYTHONPATH=src python benchmarks/facilities.py`.
"""

from __future__ import annotations

import datetime as dt
import os
import random
import sys
import time

from _setup import measure, seeded_django

ROUNDS = max(30, int(os.environ.get("RTIS_BENCH_ROUNDS", "60")))
FACILITIES, TENANTS, YEARS = 500, 20_000, range(2012, 2022)
TARGET_P95_MS, TARGET_QUERIES, TARGET_RECOMPUTE_S = 150, 15, 1.0


def business_number(serial: int) -> str:
    from rtis.lib.bizno import business_check_digit

    first = f"{100 + serial // 1_000_000:03d}{serial % 1_000_000:06d}"
    return first + str(business_check_digit(first))


def synthesise() -> None:
    """Bulk-insert the synthetic portfolio (benchmark data, not through the actions)."""
    from rtis.facilities.actions import do_declare_computed
    from rtis.facilities.models import (
        Cluster,
        Facility,
        Formula,
        Occupancy,
        Tenant,
        TenantOutcome,
    )
    from rtis.plans.models import Indicator, Node

    rng = random.Random(15)
    nodes = list(Node.objects.filter(plan__slug="innovation-growth-2018", depth=2))
    clusters = [c for c in Cluster.values if c != "other"]
    existing = Facility.objects.count()
    Facility.objects.bulk_create([
        Facility(name=f"가상 시설 {i:03d}", cluster=clusters[i % len(clusters)], published=True,
                 floor_area_m2=rng.randint(500, 30000), tenant_spaces=rng.randint(10, 120),
                 phase="open", opened_on=dt.date(2012 + i % 10, 1 + i % 12, 1),
                 provenance={"synthetic": True})
        for i in range(FACILITIES - existing)])
    facilities = list(Facility.objects.all())
    links = Facility.nodes.through
    links.objects.bulk_create([links(facility_id=f.pk, node_id=nodes[i % len(nodes)].pk)
                               for i, f in enumerate(facilities)], ignore_conflicts=True)
    Tenant.objects.bulk_create([Tenant(name=f"가상 기업 {i:05d}", business_number=business_number(i))
                                for i in range(TENANTS)], batch_size=2000)
    occupancies = []
    for i, tenant_id in enumerate(Tenant.objects.values_list("id", flat=True)):
        start = dt.date(rng.choice(YEARS), rng.randint(1, 12), 1)
        end = start + dt.timedelta(days=rng.randint(400, 2500)) if i % 3 == 0 else None
        occupancies.append(Occupancy(
            facility=facilities[i % len(facilities)], tenant_id=tenant_id, space=f"{i}호",
            moved_in_on=start, moved_out_on=end, exit_kind="graduated" if end else ""))
    Occupancy.objects.bulk_create(occupancies, batch_size=2000)
    outcomes = []
    for occ in Occupancy.objects.values("id", "moved_in_on", "moved_out_on"):
        last = occ["moved_out_on"].year if occ["moved_out_on"] else YEARS[-1]
        for year in range(occ["moved_in_on"].year, min(last, YEARS[-1]) + 1):
            outcomes.append(TenantOutcome(occupancy_id=occ["id"], year=year,
                                          sales_won=rng.randint(0, 5_000_000_000),
                                          employees=rng.randint(1, 50),
                                          investment_won=rng.randint(0, 1_000_000_000),
                                          patents=rng.randint(0, 3)))
    TenantOutcome.objects.bulk_create(outcomes, batch_size=5000)
    from rtis.facilities.compute import refresh_outcome_summaries

    refresh_outcome_summaries()
    formulas = {"입주기업수": Formula.TENANTS_AT_YEAR_END, "앵커시설조성": Formula.FACILITIES_OPENED,
                "조성연면적": Formula.FLOOR_AREA_OPENED}
    for indicator in Indicator.objects.filter(node__plan__slug="innovation-growth-2018",
                                              name__in=formulas):
        do_declare_computed(None, indicator, formulas[indicator.name])
    print(f"synthetic: {Facility.objects.count()} facilities, {Tenant.objects.count()} tenants, "
          f"{TenantOutcome.objects.count()} outcomes")


def naive_dashboard(day: dt.date) -> int:
    """The same figures with one query per facility per figure (the baseline); return queries."""
    from django.db import connection
    from django.db.models import Q, Sum
    from django.test.utils import CaptureQueriesContext

    from rtis.facilities.models import Facility, TenantOutcome

    with CaptureQueriesContext(connection) as queries:
        for facility in Facility.objects.all():
            facility.occupancies.filter(Q(moved_in_on__lte=day) & (
                Q(moved_out_on__isnull=True) | Q(moved_out_on__gt=day))).count()
            TenantOutcome.objects.filter(occupancy__facility=facility).aggregate(
                s=Sum("sales_won"), e=Sum("employees"))
    return len(queries)


def main() -> None:
    seeded_django(RTIS_TODAY="2022-03-15", RTIS_DEBUG="0", RTIS_ALLOWED_HOSTS="testserver",
                  RTIS_SECRET_KEY="benchmark-only-secret-key-" + "x" * 40)
    started = time.perf_counter()
    synthesise()
    print(f"set-up {time.perf_counter() - started:.1f} s; rounds {ROUNDS}; python "
          f"{sys.version.split()[0]}")
    from django.test import Client

    from rtis.facilities.compute import do_recompute_indicators
    from rtis.orgs.actions import do_create_user

    client = Client()
    client.force_login(do_create_user(None, "bench-planner", "bench-password-1234", "planner", []))
    median, p95, queries = measure(client, "/facilities/dashboard/", ROUNDS)
    naive_times = []
    for _ in range(5):
        start = time.perf_counter()
        naive_queries = naive_dashboard(dt.date(2022, 3, 15))
        naive_times.append(time.perf_counter() - start)
    naive = sorted(naive_times)[len(naive_times) // 2]
    recompute = []
    for _ in range(5):
        start = time.perf_counter()
        report = do_recompute_indicators()
        recompute.append(time.perf_counter() - start)
    start = time.perf_counter()
    from rtis.facilities.compute import refresh_outcome_summaries

    rows = refresh_outcome_summaries()
    refresh = time.perf_counter() - start
    print(f"{'measure':38} {'median ms':>10} {'p95 ms':>8} {'queries':>8} target")
    print(f"{'dashboard /facilities/dashboard/':38} {median * 1000:10.1f} {p95 * 1000:8.1f} "
          f"{queries:8d} p95 ≤ {TARGET_P95_MS} ms, ≤ {TARGET_QUERIES} queries "
          f"{'OK' if p95 * 1000 <= TARGET_P95_MS and queries <= TARGET_QUERIES else 'MISSED'}")
    print(f"{'naive baseline (query per facility)':38} {naive * 1000:10.1f} {'':8} "
          f"{naive_queries:8d} ratio naive ÷ dashboard median = {naive / median:.1f}×")
    worst = max(recompute)
    print(f"{'recompute (' + str(report.indicators) + ' indicators)':38} "
          f"{sorted(recompute)[2] * 1000:10.1f} {worst * 1000:8.1f} {'':8} ≤ {TARGET_RECOMPUTE_S} s "
          f"{'OK' if worst <= TARGET_RECOMPUTE_S else 'MISSED'}")
    print(f"{'outcome sums rebuilt (' + str(rows) + ' rows)':38} {refresh * 1000:10.1f}")


if __name__ == "__main__":
    main()
