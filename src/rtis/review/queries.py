"""Reads of the evaluation: a stage's panels and progress, its ranking (preview or decided),
an evaluator's assignments and an applicant's disclosure."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet

from rtis.lib import review_rules as rules
from rtis.review.actions import (
    OUTCOME_OF,
    criteria_of,
    reason_for,
    remaining_budget,
    rounded,
    stage_candidates,
    stage_rule,
)
from rtis.review.models import Assignment, Outcome, Panel, Result, SheetState, StageRule
from rtis.rnd.models import Application, CallStage


def panels_with_progress(stage: CallStage) -> QuerySet[Panel]:
    """The stage's panels with counts of members, applications and sheets by state."""
    return (Panel.objects.filter(stage=stage)
            .annotate(n_members=Count("members", distinct=True),
                      n_applications=Count("applications", distinct=True),
                      n_open=Count("assignments", filter=Q(assignments__state=SheetState.OPEN),
                                   distinct=True),
                      n_submitted=Count("assignments",
                                        filter=Q(assignments__state=SheetState.SUBMITTED),
                                        distinct=True),
                      n_recused=Count("assignments",
                                      filter=Q(assignments__state=SheetState.RECUSED),
                                      distinct=True))
            .order_by("name"))


@dataclass
class RankRow:
    rank: int
    application: Application
    total: Decimal
    outcome: str
    outcome_label: str
    awarded_won: int
    tie: str
    evaluators: int


TIE_LABELS = {rules.TIE_TOP_CRITERION: "최고 가중 항목 점수", rules.TIE_REQUESTED: "신청액이 적은 순",
              rules.TIE_SUBMITTED: "먼저 제출한 순", rules.TIE_KEY: "접수 번호 순"}


def ranking(stage: CallStage) -> tuple[list[RankRow], bool, list[str]]:
    """The stage's ranking: the decided results once selection ran (True), else a preview from
    the submitted sheets (False) with the sheets still missing."""
    labels = dict(Outcome.choices)
    results = list(Result.objects.filter(stage=stage)
                   .select_related("application__organisation").order_by("rank"))
    if results:
        return [RankRow(r.rank, r.application, r.total, r.outcome, str(labels[r.outcome]),
                        r.awarded_won, r.tie, r.evaluators) for r in results], True, []
    candidates, missing = stage_candidates(stage)
    rule = stage_rule(stage)
    decisions = rules.select(candidates, pass_mark=rule.pass_mark,
                             budget_won=max(remaining_budget(stage), 0))
    apps = Application.objects.select_related("organisation").in_bulk([c.key for c in candidates])
    counts = dict(Assignment.objects.filter(panel__stage=stage, state=SheetState.SUBMITTED)
                  .values("application").annotate(n=Count("pk")).values_list("application", "n"))
    by_key = {c.key: c for c in candidates}
    rows = [RankRow(d.rank, apps[d.key], rounded(by_key[d.key].total), OUTCOME_OF[d.outcome],
                    str(labels[OUTCOME_OF[d.outcome]]), d.awarded_won, d.tie,
                    counts.get(d.key, 0)) for d in decisions]
    return rows, False, missing


def final_result(application: Application) -> tuple[Result | None, StageRule | None]:
    """The application's result in the last stage that decided it."""
    result = (Result.objects.filter(application=application)
              .select_related("stage").order_by("-stage__order").first())
    if result is None:
        return None, None
    return result, stage_rule(result.stage)


def disclosure(application: Application) -> dict[str, Any] | None:
    """What the applicant is shown: per criterion the aggregated score and each evaluator's,
    the comments (evaluators as 위원 A, B, C …), the reason and, per policy, the panel list."""
    result, rule = final_result(application)
    if result is None or rule is None:
        return None
    criteria = criteria_of(result.stage)
    sheets = list(Assignment.objects.filter(application=application, panel__stage=result.stage,
                                            state=SheetState.SUBMITTED)
                  .select_related("evaluator").order_by("pk"))
    letters = [chr(ord("A") + n) if n < 26 else str(n + 1) for n in range(len(sheets))]
    rows = []
    for c in criteria:
        values = [s.scores.get(str(c.pk)) for s in sheets]
        present = [v for v in values if v is not None]
        rows.append({"criterion": c, "values": values,
                     "aggregate": rounded(rules.aggregate(present, rule.aggregation))
                     if present else None})
    comments = []
    if rule.disclose_comments:
        by_pk = {c.pk: c.name for c in criteria}
        for letter, sheet in zip(letters, sheets, strict=True):
            notes = [(by_pk.get(int(k), k), v) for k, v in sheet.comments.items()]
            comments.append({"who": letter, "comment": sheet.comment, "notes": notes})
    members = []
    if rule.disclose_panel:
        members = sorted({(s.evaluator.name, s.evaluator.organisation) for s in sheets})
    return {"result": result, "rule": rule, "criteria_rows": rows, "letters": letters,
            "comments": comments, "members": members, "reason": reason_for(result, rule)}
