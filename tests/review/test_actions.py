"""Evaluation writes: conflicts refused with reasons, locked sheets, revisions, selection."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from rtis.audit.models import AuditEvent
from rtis.lib import review_rules as rules
from rtis.lib.conflict import EditConflict
from rtis.orgs.models import Role, User
from rtis.review.actions import (
    do_assign,
    do_auto_assign,
    do_award_passed_over,
    do_create_evaluator,
    do_create_panel,
    do_declare_conflict,
    do_record_cowork,
    do_recuse,
    do_revise_scores,
    do_run_selection,
    do_save_scores,
    do_screen_panel,
    do_set_avoid_requests,
    do_set_stage_rule,
)
from rtis.review.models import (
    Assignment,
    ConflictFinding,
    Outcome,
    Panel,
    Result,
    ScoreRevision,
    SheetState,
)
from rtis.rnd.models import Application, ApplicationStatus
from tests.review.conftest import Scenario, make_user, score_all

pytestmark = pytest.mark.django_db


def panel_of(scenario: Scenario, planner: User, size: int = 5) -> Panel:
    return do_create_panel(planner, scenario.stage, name="제1분과",
                           applications=scenario.applications, fields=["AI", "기계", "바이오"],
                           size=size)


def test_screening_finds_same_department_but_not_another_department(
        scenario: Scenario, planner: User) -> None:
    panel = panel_of(scenario, planner)
    other = do_create_evaluator(planner, make_user("eval_g", Role.EVALUATOR), name="가상위원사",
                                organisation="서울대학교 산학협력단", department="화학생물공학부")
    found = do_screen_panel(planner, panel)
    snu = scenario.applications[0]
    assert found[(scenario.evaluators[0].pk, snu.pk)] == [rules.SAME_DEPARTMENT]
    assert (other.pk, snu.pk) not in found
    row = ConflictFinding.objects.get(panel=panel, evaluator=scenario.evaluators[0])
    assert row.reasons == [rules.SAME_DEPARTMENT]


def test_an_evaluator_with_a_conflict_cannot_be_assigned_and_the_reason_is_given(
        scenario: Scenario, planner: User) -> None:
    panel = panel_of(scenario, planner)
    with pytest.raises(ValidationError, match="같은 기관·같은 학과") as refused:
        do_assign(planner, panel, scenario.evaluators[0], scenario.applications[0])
    assert "same organisation and department" in str(refused.value)
    assert not Assignment.objects.exists()


def test_declared_avoided_and_recent_cowork_conflicts_are_refused(
        scenario: Scenario, planner: User) -> None:
    panel = panel_of(scenario, planner)
    gaon, daon, raon = scenario.applications[1], scenario.applications[2], scenario.applications[3]
    b, c, d = scenario.evaluators[1], scenario.evaluators[2], scenario.evaluators[3]
    do_declare_conflict(b.user, b, organisation="(주)가온로보틱스", reason="전 직장")
    do_set_avoid_requests(planner, daon, [(c, "경쟁사 자문")])
    do_record_cowork(planner, d, organisation="라온소프트", year=2024, note="RTIS 과제 공동 수행")
    for evaluator, application, text in ((b, gaon, "신고한 이해관계"), (c, daon, "회피 요청"),
                                         (d, raon, "공동 수행")):
        with pytest.raises(ValidationError, match=text):
            do_assign(planner, panel, evaluator, application)
    # past the look-back the co-work no longer counts
    do_set_stage_rule(planner, scenario.stage, aggregation="mean", pass_mark=60, lookback_years=1)
    assert do_assign(planner, panel, d, raon).evaluator == d


def test_an_evaluator_cannot_declare_a_conflict_for_someone_else(
        scenario: Scenario) -> None:
    b, c = scenario.evaluators[1], scenario.evaluators[2]
    with pytest.raises(PermissionDenied):
        do_declare_conflict(b.user, c, organisation="가온", reason="x")


def test_automatic_assignment_balances_expertise_and_skips_conflicted_pairs(
        scenario: Scenario, planner: User) -> None:
    panel = panel_of(scenario, planner, size=4)
    created = do_auto_assign(planner, panel)
    members = set(panel.members.values_list("name", flat=True))
    assert len(members) == 4
    # AI, 기계 and 바이오 are each covered by some member
    fields = {f for e in panel.members.all() for f in e.expertise}
    assert {"AI", "기계", "바이오"} <= fields
    snu = scenario.applications[0]
    assert not any(a.evaluator_id == scenario.evaluators[0].pk and a.application_id == snu.pk
                   for a in created)
    assert ConflictFinding.objects.filter(panel=panel).exists()


def test_a_submitted_sheet_is_locked_and_a_revision_keeps_the_history(
        scenario: Scenario, planner: User) -> None:
    panel = panel_of(scenario, planner)
    b = scenario.evaluators[1]
    assignment = do_assign(planner, panel, b, scenario.applications[1])
    assignment = do_save_scores(b.user, assignment, assignment.version,
                                scores=scenario.full(80, 40, 15), comment="좋음", submit=True)
    assert assignment.state == SheetState.SUBMITTED
    with pytest.raises(ValidationError, match="잠겨"):
        do_save_scores(b.user, assignment, assignment.version, scores=scenario.full(1, 1, 1))
    with pytest.raises(ValidationError, match="수정 사유"):
        do_revise_scores(b.user, assignment, assignment.version, scores=scenario.full(90, 40, 15),
                         reason=" ")
    revised = do_revise_scores(b.user, assignment, assignment.version,
                               scores=scenario.full(90, 40, 15), reason="기술성 재검토")
    assert revised.scores[str(scenario.criteria()[0].pk)] == 90
    revision = ScoreRevision.objects.get(assignment=assignment)
    assert revision.old_scores[str(scenario.criteria()[0].pk)] == 80
    assert revision.reason == "기술성 재검토" and revision.revised_by == b.user
    assert AuditEvent.objects.filter(target_type="review.assignment", reason="기술성 재검토").exists()
    with pytest.raises(EditConflict):
        do_revise_scores(b.user, assignment, assignment.version - 1,
                         scores=scenario.full(1, 1, 1), reason="stale")


def test_scores_out_of_range_or_missing_criteria_are_refused_and_nothing_is_saved(
        scenario: Scenario, planner: User) -> None:
    panel = panel_of(scenario, planner)
    b = scenario.evaluators[1]
    assignment = do_assign(planner, panel, b, scenario.applications[1])
    with pytest.raises(ValidationError, match=r"사업성\(0~50\): 51"):
        do_save_scores(b.user, assignment, assignment.version, scores=scenario.full(80, 51, 15))
    partial = {str(scenario.criteria()[0].pk): 70}
    with pytest.raises(ValidationError, match="빠진 항목: 사업성, 수행역량"):
        do_save_scores(b.user, assignment, assignment.version, scores=partial, submit=True)
    saved = do_save_scores(b.user, assignment, assignment.version, scores=partial)
    assert saved.state == SheetState.OPEN and saved.scores == partial
    assignment.refresh_from_db()
    assert assignment.submitted_at is None


def test_only_the_assigned_evaluator_scores_and_recusal_needs_a_reason(
        scenario: Scenario, planner: User) -> None:
    panel = panel_of(scenario, planner)
    b, c = scenario.evaluators[1], scenario.evaluators[2]
    assignment = do_assign(planner, panel, b, scenario.applications[1])
    for intruder in (c.user, planner):
        with pytest.raises(PermissionDenied):
            do_save_scores(intruder, assignment, assignment.version, scores=scenario.full(1, 1, 1))
    with pytest.raises(ValidationError):
        do_recuse(b.user, assignment, reason="")
    recused = do_recuse(b.user, assignment, reason="최근 해당 기업 자문")
    assert recused.state == SheetState.RECUSED and recused.recusal_reason == "최근 해당 기업 자문"


def scored_panel(scenario: Scenario, planner: User) -> Panel:
    panel = panel_of(scenario, planner, size=5)
    do_auto_assign(planner, panel)
    # totals: app0 84, app1 84 (lower on 기술성), app2 92, app3 60 (below 70), app4 76
    score_all(scenario, Assignment.objects.filter(panel=panel).select_related("evaluator__user"),
              {0: (90, 40, 16), 1: (60, 50, 20), 2: (95, 45, 18), 3: (60, 30, 12),
               4: (80, 38, 14)})
    return panel


def test_selection_ranks_cuts_and_selects_within_the_budget(
        scenario: Scenario, planner: User) -> None:
    scored_panel(scenario, planner)
    do_set_stage_rule(planner, scenario.stage, aggregation="trimmed_mean", pass_mark=70)
    results = {r.application_id: r for r in do_run_selection(planner, scenario.stage)}
    a = scenario.applications
    assert [results[x.pk].rank for x in a] == [2, 3, 1, 5, 4]
    assert results[a[1].pk].tie == rules.TIE_TOP_CRITERION
    # budget 600M: 150M (#1) + 300M (#2) = 450M; #3 asks 200M → over; #4 asks 120M → fits
    assert [results[x.pk].outcome for x in a] == [
        Outcome.SELECTED, Outcome.OVER_BUDGET, Outcome.SELECTED, Outcome.BELOW_PASS_MARK,
        Outcome.SELECTED]
    statuses = dict(Application.objects.values_list("pk", "status"))
    assert statuses[a[1].pk] == ApplicationStatus.NOT_SELECTED
    assert Application.objects.get(pk=a[0].pk).awarded_won == 300_000_000
    total = sum(x.awarded_won or 0 for x in Application.objects.all())
    assert total == 570_000_000 <= scenario.call.budget_won
    with pytest.raises(ValidationError, match="이미 선정"):
        do_run_selection(planner, scenario.stage)


def test_an_award_beyond_the_remaining_budget_is_refused(
        scenario: Scenario, planner: User) -> None:
    scored_panel(scenario, planner)
    do_run_selection(planner, scenario.stage)
    passed_over = Result.objects.get(outcome=Outcome.OVER_BUDGET)
    with pytest.raises(ValidationError, match="잔여 예산\\(30,000,000원\\)"):
        do_award_passed_over(planner, passed_over, awarded_won=30_000_001, reason="추가 선정")
    assert Application.objects.get(pk=passed_over.application_id).status == "not_selected"
    do_award_passed_over(planner, passed_over, awarded_won=30_000_000, reason="감액 추가 선정")
    assert Application.objects.get(pk=passed_over.application_id).awarded_won == 30_000_000


def test_selection_is_refused_while_sheets_are_open(scenario: Scenario, planner: User) -> None:
    panel = panel_of(scenario, planner)
    do_assign(planner, panel, scenario.evaluators[1], scenario.applications[1])
    with pytest.raises(ValidationError, match="제출되지 않은 평가표가 5건 있습니다: 가상위원나 → 물류"):
        do_run_selection(planner, scenario.stage)
    assert not Result.objects.exists()


def test_only_managers_build_panels_and_select(scenario: Scenario, officer: User) -> None:
    with pytest.raises(PermissionDenied):
        panel_of(scenario, officer)
    with pytest.raises(PermissionDenied):
        do_run_selection(scenario.evaluators[0].user, scenario.stage)


def test_a_stage_rule_outside_its_range_is_refused(scenario: Scenario, planner: User) -> None:
    with pytest.raises(ValidationError) as refused:
        do_set_stage_rule(planner, scenario.stage, aggregation="mode", pass_mark=101)
    assert set(refused.value.message_dict) == {"aggregation", "pass_mark"}
