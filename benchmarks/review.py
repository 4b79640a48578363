"""Benchmark: R&D evaluation — ranking and selection, and conflict-of-interest screening.

Targets (issue 11): ranking and selection for 2,000 applications × 7 evaluators × 6 criteria
≤ 1 s; conflict screening of a 5,000-person pool against 2,000 applications ≤ 5 s.

Each figure is compared in the same run with a naive baseline:
  - ranking: one query per application for its sheets and exact arithmetic on Fractions per
    score (the first version of the rules), against the indexed read of all sheets at once and
    integer arithmetic until one division per application;
  - screening: comparing every (evaluator, application) pair, against indexes by organisation,
    declared and co-work organisations and user (the naive one is timed on a slice of the
    applications and scaled up, since 10 million pairs take minutes).
Rules-only figures run at 1× and 10×; the database figures at 1× (SQLite by default; set
RTIS_DATABASE_URL for PostgreSQL). Usage: PYTHONPATH=src python benchmarks/review.py
[--database-only]

The selection (`do_run_selection`, rolled back each round) is also timed against its previous
version (kept below as the baseline, interleaved round by round) and checked to write the same
results, statuses and audit events.
"""

from __future__ import annotations

import datetime as dt
import os
import random
import sys
import tempfile
import time
from fractions import Fraction
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

from rtis.lib import review_rules as rules

APPLICATIONS = 2_000
EVALUATORS_PER_APPLICATION = 7
CRITERIA = 6
POOL = 5_000
T0 = dt.datetime(2021, 9, 1, 9, 0, tzinfo=dt.UTC)


def timed(function: Any, *args: Any, **kwargs: Any) -> tuple[float, Any]:
    start = time.perf_counter()
    result = function(*args, **kwargs)
    return time.perf_counter() - start, result


def best_of(rounds: int, function: Any, *args: Any, **kwargs: Any) -> tuple[float, Any]:
    results = [timed(function, *args, **kwargs) for _ in range(rounds)]
    return min(r[0] for r in results), results[0][1]


# --- rules only ---------------------------------------------------------------------------------

def criteria() -> list[rules.Criterion]:
    weights = [25, 20, 20, 15, 10, 10]
    return [rules.Criterion(n, w, m) for n, (w, m) in enumerate(zip(weights, [100, 100, 50, 50,
                                                                              20, 20],
                                                                    strict=True))]


def sheets_for(n_apps: int, rng: random.Random) -> dict[int, list[dict[int, int]]]:
    crit = criteria()
    return {a: [{c.key: rng.randint(c.max_score // 3, c.max_score) for c in crit}
                for _ in range(EVALUATORS_PER_APPLICATION)] for a in range(n_apps)}


def rank_and_select(sheets: dict[int, list[dict[int, int]]], requested: dict[int, int],
                    budget: int) -> list[rules.Decision]:
    crit = criteria()
    candidates = []
    for key, rows in sheets.items():
        total, top = rules.evaluate(rows, crit, rules.TRIMMED_MEAN)
        candidates.append(rules.Candidate(key, total, top, requested[key], T0))
    return rules.select(candidates, pass_mark=70, budget_won=budget)


def naive_rank_and_select(sheets: dict[int, list[dict[int, int]]], requested: dict[int, int],
                          budget: int) -> list[tuple[int, str]]:
    """Fractions per score, sorting the whole list per tie rule (the baseline)."""
    crit = criteria()
    top = max(crit, key=lambda c: c.weight)
    rows = []
    for key, sheet_rows in sheets.items():
        totals = sorted(sum((Fraction(s[c.key] * c.weight, c.max_score) for c in crit),
                            Fraction(0)) for s in sheet_rows)
        kept = totals[1:-1] if len(totals) >= 5 else totals
        tops = sorted(Fraction(s[top.key], top.max_score) for s in sheet_rows)
        tops = tops[1:-1] if len(tops) >= 5 else tops
        rows.append((key, sum(kept, Fraction(0)) / len(kept), sum(tops, Fraction(0)) / len(tops)))
    rows.sort(key=lambda r: r[0])
    rows.sort(key=lambda r: requested[r[0]])
    rows.sort(key=lambda r: r[2], reverse=True)
    rows.sort(key=lambda r: r[1], reverse=True)
    remaining, out = budget, []
    for key, total, _top in rows:
        if total < 70:
            out.append((key, "below"))
        elif requested[key] <= remaining:
            remaining -= requested[key]
            out.append((key, "selected"))
        else:
            out.append((key, "over"))
    return out


def pool_and_applications(n_pool: int, n_apps: int, rng: random.Random
                          ) -> tuple[list[rules.EvaluatorFacts], list[rules.ApplicationFacts]]:
    orgs = [f"가상기관{n:04}" for n in range(max(n_apps // 2, 300))]
    depts = [f"학과{n:02}" for n in range(20)]
    evaluators = []
    for key in range(n_pool):
        declared = frozenset({rules.name_key(rng.choice(orgs))}) if rng.random() < 0.05 else \
            frozenset()
        cowork = {rules.name_key(rng.choice(orgs)): rng.randint(2012, 2021)} \
            if rng.random() < 0.1 else {}
        evaluators.append(rules.EvaluatorFacts(key, key + 100_000, f"위원{key}",
                                               rng.choice(orgs), rng.choice(depts), declared,
                                               cowork))
    applications = []
    for key in range(n_apps):
        avoid = frozenset({rng.randrange(n_pool)}) if rng.random() < 0.1 else frozenset()
        org, dept = rng.choice(orgs), rng.choice([*depts, ""])
        # the PI and two participants (one named like a pool member, of a random organisation)
        team = frozenset({rules.Member(f"책임자{key}", org, dept),
                          rules.Member(f"위원{rng.randrange(n_pool)}", rng.choice(orgs),
                                       rng.choice(depts)),
                          rules.Member(f"연구원{key}", org, rng.choice(depts))})
        applications.append(rules.ApplicationFacts(
            key, org, dept, team,
            rng.randrange(n_pool) + 100_000 if rng.random() < 0.01 else None, avoid))
    return evaluators, applications


def rules_benchmarks() -> None:
    print("## 규칙만 / rules only (no database)")
    for scale in (1, 10):
        rng = random.Random(scale)
        n_apps = APPLICATIONS * scale
        sheets = sheets_for(n_apps, rng)
        requested = {a: rng.randint(5, 30) * 10_000_000 for a in sheets}
        budget = sum(requested.values()) // 3
        fast, decisions = best_of(3, rank_and_select, sheets, requested, budget)
        slow, baseline = best_of(1, naive_rank_and_select, sheets, requested, budget)
        same = [(d.key, d.outcome) for d in decisions] == [
            (k, {"selected": rules.SELECTED, "below": rules.BELOW_PASS_MARK,
                 "over": rules.OVER_BUDGET}[o]) for k, o in baseline]
        print(f"ranking+selection {scale:>3}× ({n_apps:,} × {EVALUATORS_PER_APPLICATION} × "
              f"{CRITERIA}): {fast:.3f} s; naive {slow:.3f} s; ratio {slow / fast:.1f}×; "
              f"same order: {same}")
    for scale in (1, 10):
        rng = random.Random(100 + scale)
        evaluators, applications = pool_and_applications(POOL * scale, APPLICATIONS * scale, rng)
        fast, found = best_of(3, rules.screen, evaluators, applications, year=2021,
                              lookback_years=3)
        part = max(len(applications) // (20 * scale), 1)
        slow, sample = timed(rules.screen_naive, evaluators, applications[:part], year=2021,
                             lookback_years=3)
        scaled = slow * len(applications) / part
        subset = {k: v for k, v in found.items() if k[1] < part}
        print(f"conflict screening {scale:>3}× ({POOL * scale:,} pool × "
              f"{APPLICATIONS * scale:,} applications): {fast:.3f} s, {len(found):,} conflicts; "
              f"naive every pair ≈ {scaled:.1f} s (timed on {part} applications: {slow:.2f} s); "
              f"ratio ≈ {scaled / fast:.0f}×; same on the slice: {subset == sample}")


# --- through the database -------------------------------------------------------------------------

def django_setup() -> None:
    tmp = Path(tempfile.mkdtemp(prefix="rtis-bench-review-"))
    os.environ.setdefault("RTIS_DATABASE_URL", f"sqlite:///{tmp / 'bench.sqlite3'}")
    os.environ.setdefault("RTIS_VAR_DIR", str(tmp))
    os.environ.setdefault("RTIS_DEBUG", "0")
    os.environ.setdefault("RTIS_SECRET_KEY", "benchmark-only-secret-key-not-for-use-anywhere-else")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rtis.config.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def build_world() -> dict[str, Any]:
    """A call stage with 2,000 submitted applications, each scored by 7 of 200 evaluators."""
    from rtis.orgs.actions import do_create_user
    from rtis.orgs.models import Role, User
    from rtis.review.models import Assignment, Evaluator, Panel, SheetState
    from rtis.rnd.actions import do_create_call, do_create_programme
    from rtis.rnd.models import Application, Organisation, Person

    rng = random.Random(7)
    planner = do_create_user(None, "bench_planner", "bench-planner-password", Role.PLANNER, [])
    programme = do_create_programme(planner, name="벤치마크 사업", kind="other")
    stages = [{"name": "서면평가", "criteria": [
        {"name": f"항목{n}", "weight": w, "max_score": m}
        for n, (w, m) in enumerate(zip([25, 20, 20, 15, 10, 10], [100, 100, 50, 50, 20, 20],
                                       strict=True))]}]
    call = do_create_call(planner, programme, year=2021, title="벤치마크 공고",
                          budget_won=100_000_000_000, opens_at=T0,
                          closes_at=T0 + dt.timedelta(days=30), eligibility=["seoul_sme"],
                          stages=stages)
    stage = call.stages.get()
    crit = list(stage.criteria.order_by("order"))
    orgs = Organisation.objects.bulk_create([
        Organisation(name=f"가상기관{n:04}", kind="seoul_sme", business_number=f"{n:010d}")
        for n in range(APPLICATIONS)])
    apps = Application.objects.bulk_create([
        Application(call=call, organisation=o, title=f"과제 {n}", principal_investigator=f"책임자{n}",
                    requested_funds={"2022": rng.randint(5, 30) * 10_000_000},
                    status="submitted", submitted_at=T0 + dt.timedelta(minutes=n))
        for n, o in enumerate(orgs)])
    # each application's people as the online form gives them: the PI with a department and
    # two participants (one named like a pool member, so participation is screened too)
    people = Person.objects.bulk_create([
        Person(organisation=o, name=name, department=f"학과{rng.randrange(20)}")
        for n, o in enumerate(orgs)
        for name in (f"책임자{n}", f"위원{rng.randrange(POOL)}", f"연구원{n}")])
    for n, application in enumerate(apps):
        application.pi = people[3 * n]
    Application.objects.bulk_update(apps, ["pi"], batch_size=500)
    Application.participants.through.objects.bulk_create([
        Application.participants.through(application_id=a.pk, person_id=people[3 * n + k].pk)
        for n, a in enumerate(apps) for k in (1, 2)], batch_size=2000)
    users = User.objects.bulk_create([User(username=f"bench_eval_{n}", role=Role.EVALUATOR)
                                      for n in range(POOL)])
    org_names = [o.name for o in orgs] + [f"가상대학{n}" for n in range(500)]
    evaluators = Evaluator.objects.bulk_create([
        Evaluator(user=u, name=f"위원{n}", organisation=rng.choice(org_names),
                  department=f"학과{rng.randrange(20)}", expertise=["AI"])
        for n, u in enumerate(users)])
    panel = Panel.objects.create(stage=stage, name="벤치마크 분과", size=7)
    panel.applications.set(apps)
    assignments = []
    for application in apps:
        for evaluator in rng.sample(evaluators[:200], EVALUATORS_PER_APPLICATION):
            assignments.append(Assignment(
                panel=panel, evaluator=evaluator, application=application,
                state=SheetState.SUBMITTED, submitted_at=T0,
                scores={str(c.pk): rng.randint(c.max_score // 3, c.max_score) for c in crit}))
    Assignment.objects.bulk_create(assignments, batch_size=2000)
    return {"planner": planner, "call": call, "stage": stage, "panel": panel, "criteria": crit}


# --- the previous selection (commit 2b78df8), the baseline of the set-wise one -----------------

def previous_stage_candidates(stage: Any) -> tuple[list[rules.Candidate], list[str]]:
    """stage_candidates as it was: the sheets read in the models' default order (joins)."""
    from rtis.config import clock
    from rtis.review.actions import criteria_of, stage_rule
    from rtis.review.models import Assignment, SheetState
    from rtis.rnd.models import Application

    rule = stage_rule(stage)
    criteria = [rules.Criterion(c.pk, c.weight, c.max_score) for c in criteria_of(stage)]
    sheets: dict[int, list[dict[int, int]]] = {}
    open_ids: list[int] = []
    assigned: set[int] = set()
    rows = (Assignment.objects.filter(panel__stage=stage).exclude(state=SheetState.RECUSED)
            .values_list("pk", "application_id", "state", "scores"))
    for pk, app_id, state, scores in rows:
        assigned.add(app_id)
        if state != SheetState.SUBMITTED:
            open_ids.append(pk)
            continue
        sheets.setdefault(app_id, []).append({int(k): v for k, v in scores.items()})
    missing = [f"{who} → {title}" for who, title in Assignment.objects.filter(
        pk__in=open_ids[:20]).values_list("evaluator__name", "application__title")]
    missing += ["…"] * max(len(open_ids) - 20, 0)
    apps = {a["pk"]: a for a in Application.objects.filter(panels__stage=stage)
            .values("pk", "title", "requested_funds", "submitted_at")}
    missing += [f"'{a['title']}' (평가표 없음 / no sheet)" for pk, a in apps.items()
                if pk not in assigned]
    candidates = []
    for pk, app in apps.items():
        if pk not in sheets:
            continue
        total, top = rules.evaluate(sheets[pk], criteria, rule.aggregation)
        candidates.append(rules.Candidate(
            key=pk, total=total, top_criterion=top,
            requested_won=sum(int(v) for v in app["requested_funds"].values()),
            submitted_at=app["submitted_at"] or clock.now()))
    return candidates, missing


def previous_run_selection(actor: Any, stage: Any) -> list[Any]:
    """do_run_selection as it was: results by bulk_create, applications read as objects, one
    UPDATE per outcome and amount, the audit events built as objects (record_changes)."""
    from collections import defaultdict

    from django.db.models import Count, F

    from rtis.audit.log import record_change, record_changes
    from rtis.config import clock
    from rtis.review.actions import OUTCOME_OF, _chunks, remaining_budget, rounded, stage_rule
    from rtis.review.models import Assignment, Result, SheetState
    from rtis.rnd.models import Application, ApplicationStatus, CallStage

    candidates, missing = previous_stage_candidates(stage)
    assert not missing and candidates
    rule = stage_rule(stage)
    is_last = not CallStage.objects.filter(call_id=stage.call_id, order__gt=stage.order).exists()
    budget = remaining_budget(stage) if is_last else sum(c.requested_won for c in candidates)
    decisions = rules.select(candidates, pass_mark=rule.pass_mark, budget_won=max(budget, 0))
    counts = dict(Assignment.objects.filter(panel__stage=stage, state=SheetState.SUBMITTED)
                  .values("application").annotate(n=Count("pk"))
                  .values_list("application", "n"))
    by_key = {c.key: c for c in candidates}
    now = clock.now()
    results = Result.objects.bulk_create([
        Result(stage=stage, application_id=d.key, total=rounded(by_key[d.key].total), rank=d.rank,
               outcome=OUTCOME_OF[d.outcome], tie=d.tie, awarded_won=d.awarded_won,
               evaluators=counts.get(d.key, 0), decided_at=now) for d in decisions])
    record_change(actor, stage, {"selection": [None, {
        "results": len(results), "selected": sum(d.outcome == rules.SELECTED for d in decisions),
        "awarded_won": sum(d.awarded_won for d in decisions), "budget_won": budget,
        "pass_mark": rule.pass_mark, "aggregation": rule.aggregation}]},
        reason="선정 / selection")
    if is_last:
        applications = Application.objects.select_for_update().in_bulk(
            [d.key for d in decisions])
        changed: list[tuple[Any, dict[str, list[Any]]]] = []
        for d in decisions:
            application = applications[d.key]
            old = (application.status, application.awarded_won)
            application.status = (ApplicationStatus.SELECTED if d.outcome == rules.SELECTED
                                   else ApplicationStatus.NOT_SELECTED)
            application.awarded_won = d.awarded_won if d.outcome == rules.SELECTED else None
            application.version += 1
            changed.append((application, {"status": [old[0], application.status],
                                          "awarded_won": [old[1], application.awarded_won]}))
        groups: dict[tuple[str, int | None], list[int]] = defaultdict(list)
        for application, _change in changed:
            groups[(application.status, application.awarded_won)].append(application.pk)
        for (status, awarded), ids in groups.items():
            for chunk in _chunks(ids):
                Application.objects.filter(pk__in=chunk).update(
                    status=status, awarded_won=awarded, version=F("version") + 1)
        record_changes(actor, changed, reason="선정 / selection")
    return results


def database_benchmarks() -> None:
    from django.db import connection, transaction

    from rtis.review import actions
    from rtis.review.models import Assignment, Result, SheetState
    from rtis.rnd.models import Application

    print(f"## 데이터베이스 / database ({connection.vendor}), 1×")
    world = build_world()
    planner, call, stage, panel, crit = (world[k] for k in ("planner", "call", "stage", "panel",
                                                            "criteria"))

    def read_rank_select() -> list[rules.Decision]:
        candidates, _missing = actions.stage_candidates(stage)
        return rules.select(candidates, pass_mark=70, budget_won=actions.remaining_budget(stage))

    def naive_read_rank_select() -> list[tuple[int, str]]:
        sheets = {}
        requested = {}
        for application in Application.objects.filter(panels=panel):
            requested[application.pk] = application.requested_total_won
            sheets[application.pk] = [
                {int(k): v for k, v in a.scores.items()}
                for a in Assignment.objects.filter(application=application,
                                                   state=SheetState.SUBMITTED)]
        ids = {c.pk: n for n, c in enumerate(crit)}
        sheets = {k: [{ids[c]: v for c, v in s.items()} for s in rows] for k, rows in sheets.items()}
        return naive_rank_and_select(sheets, requested, call.budget_won)

    def previous_read_rank_select() -> list[rules.Decision]:
        candidates, _missing = previous_stage_candidates(stage)
        return rules.select(candidates, pass_mark=70, budget_won=actions.remaining_budget(stage))

    previous, before = best_of(3, previous_read_rank_select)
    fast, decisions = best_of(3, read_rank_select)
    slow, _baseline = best_of(1, naive_read_rank_select)
    print(f"read sheets + rank + select (2,000 × 7 × 6): {fast:.3f} s; previous (sorted by the "
          f"models' default order) {previous:.3f} s, ratio {previous / fast:.1f}×; naive (a "
          f"query per application, Fractions) {slow:.3f} s, ratio {slow / fast:.1f}×; same "
          f"decisions: {decisions == before}")

    def outcome() -> tuple[Any, ...]:
        from rtis.audit.models import AuditEvent

        return (sorted(Result.objects.values_list("application_id", "total", "rank", "outcome",
                                                  "tie", "awarded_won", "evaluators")),
                sorted(Application.objects.values_list("pk", "status", "awarded_won",
                                                        "version")),
                sorted(AuditEvent.objects.filter(target_type="rnd.application").values_list(
                    "target_id", "target_repr", "changes", "reason", "actor_name")))

    def run(selection: Any) -> tuple[int, Any, float]:
        with transaction.atomic():
            cpu = time.process_time()
            results = selection(planner, stage)
            cpu = time.process_time() - cpu
            written = outcome()
            transaction.set_rollback(True)
        return len(results), written, cpu

    rounds = []
    for _ in range(3):  # interleaved, so both see the same load
        rounds.append((timed(run, previous_run_selection), timed(run, actions.do_run_selection)))
    old_s = min(r[0][0] for r in rounds)
    new_s = min(r[1][0] for r in rounds)
    old_cpu = min(r[0][1][2] for r in rounds)
    new_cpu = min(r[1][1][2] for r in rounds)
    (count, old_written, _), (_count, new_written, _) = rounds[0][0][1], rounds[0][1][1]
    print(f"do_run_selection (reads, ranks, writes {count:,} results, statuses and audit, "
          f"rolled back): {new_s:.3f} s (this process's CPU {new_cpu:.3f} s); previous "
          f"{old_s:.3f} s (CPU {old_cpu:.3f} s); ratio {old_s / new_s:.1f}×; same results, "
          f"statuses and audit: {old_written == new_written}; target ≤ 1 s")
    assert not Result.objects.exists()
    assert old_written == new_written

    def screen() -> dict[tuple[int, int], list[str]]:
        return actions.conflicts_of(panel)

    rounds = []
    for _ in range(3):
        cpu = time.process_time()
        wall, found = timed(screen)
        rounds.append((wall, time.process_time() - cpu))
    fast, cpu = min(rounds)
    print(f"conflict screening from the database ({POOL:,} pool with declared conflicts and "
          f"co-work prefetched × {APPLICATIONS:,} applications with their PI and two "
          f"participants each): {fast:.3f} s (this process's CPU {cpu:.3f} s), "
          f"{len(found):,} conflicts; target ≤ 5 s")


if __name__ == "__main__":
    if "--database-only" not in sys.argv[1:]:
        rules_benchmarks()
    django_setup()
    database_benchmarks()
