"""The selection writes set-wise: the same statements however many applications, and what it
writes (results, statuses, awarded funds, audit) matches the rules applied by hand."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from rtis.audit.models import AuditEvent
from rtis.lib import review_rules as rules
from rtis.orgs.models import Role, User
from rtis.review.actions import do_run_selection
from rtis.review.models import Assignment, Evaluator, Panel, Result, SheetState
from rtis.rnd.actions import do_create_call, do_create_programme
from rtis.rnd.models import Application, Organisation

T0 = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
WEIGHTS = [(50, 100), (30, 50), (20, 20)]  # (weight, max score)


def scored_stage(planner: User, applications: int, seed: int) -> Any:
    """A closed call whose one stage has `applications` submitted applications, each scored by
    five evaluators; requested amounts all differ (no two share an UPDATE by value)."""
    rng = random.Random(seed)
    programme = do_create_programme(planner, name=f"규모 시험 사업 {seed}", kind="other")
    call = do_create_call(planner, programme, year=2026, title=f"규모 시험 공고 {seed}",
                          budget_won=applications * 40_000_000, opens_at=T0,
                          closes_at=T0 + dt.timedelta(days=10), eligibility=["seoul_sme"],
                          stages=[{"name": "서면평가", "criteria": [
                              {"name": f"항목{n}", "weight": w, "max_score": m}
                              for n, (w, m) in enumerate(WEIGHTS)]}])
    stage = call.stages.get()
    criteria = list(stage.criteria.order_by("order"))
    orgs = Organisation.objects.bulk_create([
        Organisation(name=f"규모기관{seed}-{n:04}", kind="seoul_sme",
                     business_number=f"{seed}{n:09d}") for n in range(applications)])
    apps = Application.objects.bulk_create([
        Application(call=call, stage=stage, organisation=o, title=f"과제 {seed}-{n}",
                    principal_investigator=f"책임자{n}", status="submitted",
                    requested_funds={"2026": 50_000_000 + 1_000_000 * n},
                    submitted_at=T0 + dt.timedelta(minutes=n)) for n, o in enumerate(orgs)])
    users = User.objects.bulk_create([User(username=f"scale_eval_{seed}_{n}", role=Role.EVALUATOR)
                                      for n in range(5)])
    evaluators = Evaluator.objects.bulk_create([
        Evaluator(user=u, name=f"위원{seed}-{n}", organisation=f"가상대학{n}") for n, u in
        enumerate(users)])
    panel = Panel.objects.create(stage=stage, name="규모 분과", size=5)
    panel.applications.set(apps)
    Assignment.objects.bulk_create([
        Assignment(panel=panel, evaluator=e, application=a, state=SheetState.SUBMITTED,
                   submitted_at=T0, scores={str(c.pk): rng.randint(c.max_score // 2, c.max_score)
                                            for c in criteria})
        for a in apps for e in evaluators])
    return stage


def expected_decisions(stage: Any) -> dict[int, rules.Decision]:
    """The rules applied by hand to what the database holds (one sheet at a time)."""
    criteria = [rules.Criterion(c.pk, c.weight, c.max_score)
                for c in stage.criteria.order_by("order")]
    candidates = []
    for application in Application.objects.filter(call=stage.call):
        sheets = [{int(k): v for k, v in a.scores.items()}
                  for a in Assignment.objects.filter(application=application)]
        total, top = rules.evaluate(sheets, criteria, rules.TRIMMED_MEAN)
        candidates.append(rules.Candidate(application.pk, total, top,
                                          application.requested_total_won,
                                          application.submitted_at))
    decisions = rules.select(candidates, pass_mark=70, budget_won=stage.call.budget_won)
    return {d.key: d for d in decisions}


def selection_queries(planner: User, stage: Any) -> int:
    with CaptureQueriesContext(connection) as queries:
        do_run_selection(planner, stage)
    return len(queries.captured_queries)


@pytest.mark.django_db
def test_the_selection_runs_the_same_statements_for_6_and_60_applications(
        planner: User) -> None:
    small, large = scored_stage(planner, 6, seed=1), scored_stage(planner, 60, seed=2)
    counts = (selection_queries(planner, small), selection_queries(planner, large))
    # read: rule, criteria, sheets, applications; budget, counts; write: results, the run's
    # event, the statuses (lock, update, audit), the results read back; plus checks
    assert counts == (17, 17)


@pytest.mark.django_db
def test_the_set_wise_selection_writes_what_the_rules_decide(planner: User) -> None:
    stage = scored_stage(planner, 40, seed=3)
    expected = expected_decisions(stage)
    assert {d.outcome for d in expected.values()} == {rules.SELECTED, rules.OVER_BUDGET,
                                                      rules.BELOW_PASS_MARK}
    returned = do_run_selection(planner, stage)
    assert [r.rank for r in returned] == list(range(1, 41))
    assert all(r.pk for r in returned)
    stored = {r.application_id: r for r in Result.objects.filter(stage=stage)}
    assert {k: (r.rank, r.outcome, r.awarded_won, r.tie, r.evaluators)
            for k, r in stored.items()} == {
        k: (d.rank, d.outcome, d.awarded_won, d.tie, 5) for k, d in expected.items()}
    for application in Application.objects.filter(call=stage.call):
        decision = expected[application.pk]
        chosen = decision.outcome == rules.SELECTED
        assert application.status == ("selected" if chosen else "not_selected")
        assert application.awarded_won == (decision.awarded_won if chosen else None)
        assert application.version == 2
    events = {e.target_id: e for e in AuditEvent.objects.filter(target_type="rnd.application")}
    assert len(events) == 40
    first = min(expected.values(), key=lambda d: d.rank)
    event = events[str(first.key)]
    assert event.changes == {"status": ["submitted", "selected"],
                             "awarded_won": [None, first.awarded_won]}
    assert (event.actor_id, event.actor_name, event.reason) == (
        planner.pk, planner.username, "선정 / selection")
    assert event.target_repr == Application.objects.get(pk=first.key).title
