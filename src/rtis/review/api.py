"""The evaluation over JSON: pool, panels, conflicts, assignments, score sheets, ranking,
selection and the applicant's disclosure.

For signed-in R&D users (session cookie; writes need the CSRF token in X-CSRFToken): managers
(planners, SBA) see and run everything; an evaluator only their own assignments; an applicant
only their organisation's disclosure after selection and the people it names to avoid (before
submission). An evaluator declares conflicts in their own area (/my-conflicts). Everyone else
gets 401. Money is integer won. Refusals come back as 422 with the bilingual reason per field
(e.g. a conflict of interest, with what matched), a stale version as 409.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Path, Router, Schema, Status
from ninja.security import SessionAuth

from rtis.orgs.models import Role
from rtis.plans.api import ErrorOut, InvalidOut
from rtis.review import actions
from rtis.review.access import (
    assigned_application,
    assignments_for_user,
    avoidance_editable,
    can_manage_rnd,
    evaluator_of,
    get_assignment_for_user,
    get_avoided_person_for_user,
    get_disclosure_for_user,
    require_own_assignment,
    require_own_evaluator,
    require_rnd_manager,
)
from rtis.review.models import (
    Assignment,
    ConflictFinding,
    DeclaredConflict,
    Evaluator,
    Panel,
)
from rtis.review.queries import disclosure, panels_with_progress, ranking
from rtis.rnd.access import get_application_for_user
from rtis.rnd.models import Application, CallStage

R_AND_D_ROLES = {Role.PLANNER, Role.RND_MANAGER, Role.EVALUATOR, Role.APPLICANT}
MAX_ID = 2**63 - 1
MAX_VERSION = 2**31 - 1


class RndSession(SessionAuth):
    """Signed-in R&D users (managers, evaluators, applicants) by the session cookie."""

    def authenticate(self, request: HttpRequest, key: str | None) -> Any | None:
        user = request.user
        if getattr(user, "is_authenticated", False) and user.is_active \
                and getattr(user, "role", "") in R_AND_D_ROLES:
            return user
        return None


router = Router(auth=RndSession())


class ConflictOut(Schema):
    detail: str
    current: dict[str, Any]
    version: int
    changed_by: str


FOUND: dict[int, Any] = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: InvalidOut}
WRITE: dict[int, Any] = {**FOUND, 400: ErrorOut, 409: ConflictOut}


class EvaluatorOut(Schema):
    id: int
    name: str
    organisation: str
    department: str
    expertise: list[str]
    active: bool


class PanelOut(Schema):
    id: int
    name: str
    size: int
    fields: list[str]
    members: int
    applications: int
    open: int = Field(description="평가중 / sheets being scored")
    submitted: int
    recused: int


class ConflictRowOut(Schema):
    evaluator_id: int
    evaluator: str
    application_id: int
    application: str
    reasons: list[str] = Field(description="사유 코드 / reason codes: same_department, "
                                           "same_organisation, participant, declared, avoided, "
                                           "past_cowork")
    reason_text: str = Field(description="사유 (한국어 / English)")
    found_at: dt.datetime


class AssignIn(Schema):
    evaluator_id: int = Field(ge=1, le=MAX_ID)
    application_id: int = Field(ge=1, le=MAX_ID)


class AssignmentOut(Schema):
    id: int
    panel: str
    stage_id: int
    application_id: int
    application: str
    organisation: str
    state: str = Field(description="open | submitted | recused")
    scores: dict[str, int] = Field(description="평가항목 id → 점수 / criterion id → score")
    comments: dict[str, str]
    comment: str
    submitted_at: dt.datetime | None
    recusal_reason: str
    version: int


class ScoresIn(Schema):
    version: int = Field(ge=1, le=MAX_VERSION, description="읽은 버전 / the version you read")
    scores: dict[str, int | None] = Field(description="평가항목 id → 점수(0~배점) / criterion id "
                                                       "→ score within 0..max")
    comments: dict[str, str] = Field(default_factory=dict)
    comment: str = ""
    submit: bool = Field(False, description="제출(잠김) / submit and lock")
    reason: str = Field("", description="제출 후 수정 사유(필수) / the reason, required to revise a "
                                        "submitted sheet")


class ReasonIn(Schema):
    reason: str


class RankOut(Schema):
    rank: int
    application_id: int
    application: str
    organisation: str
    total: str = Field(description="종합 점수(100점 만점, 소수 셋째 자리) / total out of 100")
    evaluators: int
    requested_won: int
    outcome: str = Field(description="selected | below_pass_mark | over_budget")
    awarded_won: int
    tie: str = Field(description="동점 처리 규칙 / the tie rule that placed it, or ''")


class RankingOut(Schema):
    stage_id: int
    decided: bool = Field(description="선정 확정 여부(아니면 미리보기) / final, or a preview")
    pass_mark: int
    aggregation: str
    remaining_budget_won: int
    missing: list[str]
    rows: list[RankOut]


class CriterionScoreOut(Schema):
    criterion: str
    weight: int
    max_score: int
    scores: list[int | None] = Field(description="위원 A, B, C … 순 / by evaluator A, B, C …")
    aggregate: str | None


class CommentOut(Schema):
    evaluator: str = Field(description="위원 A, B … (익명) / anonymised")
    comment: str
    per_criterion: dict[str, str]


class MemberOut(Schema):
    name: str
    organisation: str


class DisclosureOut(Schema):
    application_id: int
    title: str
    outcome: str
    total: str
    rank: int
    awarded_won: int
    reason: str
    criteria: list[CriterionScoreOut]
    comments: list[CommentOut]
    panel: list[MemberOut] = Field(description="공고의 공개 기준에 따라 / per the call's policy")


def _stage(request: HttpRequest, stage_id: int) -> CallStage:
    require_rnd_manager(request.user)
    return get_object_or_404(CallStage.objects.select_related("call"), pk=stage_id)


def _panel(request: HttpRequest, panel_id: int) -> Panel:
    require_rnd_manager(request.user)
    return get_object_or_404(Panel.objects.select_related("stage__call"), pk=panel_id)


def _assignment_out(a: Assignment) -> dict[str, Any]:
    return {"id": a.pk, "panel": a.panel.name, "stage_id": a.panel.stage_id,
            "application_id": a.application_id, "application": a.application.title,
            "organisation": a.application.organisation.name, "state": a.state,
            "scores": a.scores, "comments": a.comments, "comment": a.comment,
            "submitted_at": a.submitted_at, "recusal_reason": a.recusal_reason,
            "version": a.version}


@router.get("/evaluators", response={200: list[EvaluatorOut], **FOUND},
            summary="평가위원 풀 / the evaluator pool (managers)")
def list_evaluators(request: HttpRequest) -> list[dict[str, Any]]:
    require_rnd_manager(request.user)
    return [{"id": e.pk, "name": e.name, "organisation": e.organisation,
             "department": e.department, "expertise": e.expertise, "active": e.active}
            for e in Evaluator.objects.order_by("name", "pk")]


@router.get("/stages/{stage_id}/panels", response={200: list[PanelOut], **FOUND},
            summary="단계의 평가위원회와 진행 / a stage's panels and progress (managers)")
def list_panels(request: HttpRequest,
                stage_id: int = Path(..., ge=1, le=MAX_ID)) -> list[dict[str, Any]]:
    stage = _stage(request, stage_id)
    return [{"id": p.pk, "name": p.name, "size": p.size, "fields": p.fields,
             "members": getattr(p, "n_members", 0), "applications": getattr(p, "n_applications", 0),
             "open": getattr(p, "n_open", 0), "submitted": getattr(p, "n_submitted", 0),
             "recused": getattr(p, "n_recused", 0)} for p in panels_with_progress(stage)]


@router.get("/panels/{panel_id}/conflicts", response={200: list[ConflictRowOut], **FOUND},
            summary="이해충돌 목록과 사유 / conflicts found with their reasons (managers)")
def list_conflicts(request: HttpRequest,
                   panel_id: int = Path(..., ge=1, le=MAX_ID)) -> list[dict[str, Any]]:
    panel = _panel(request, panel_id)
    rows = ConflictFinding.objects.filter(panel=panel).select_related("evaluator", "application")
    return [{"evaluator_id": c.evaluator_id, "evaluator": c.evaluator.name,
             "application_id": c.application_id, "application": c.application.title,
             "reasons": c.reasons, "reason_text": actions.reason_text(c.reasons, c.matched),
             "found_at": c.found_at} for c in rows]


@router.post("/panels/{panel_id}/assignments", response={201: AssignmentOut, **WRITE},
             summary="평가위원 배정 / assign an evaluator to an application (managers)",
             description="이해충돌이 있으면 422와 사유 / a conflict of interest is a 422 with its "
                         "reasons.")
def assign(request: HttpRequest, payload: AssignIn,
           panel_id: int = Path(..., ge=1, le=MAX_ID)) -> Status[dict[str, Any]]:
    panel = _panel(request, panel_id)
    evaluator = get_object_or_404(Evaluator, pk=payload.evaluator_id)
    application = get_object_or_404(Application, pk=payload.application_id)
    created = actions.do_assign(request.user, panel, evaluator, application)
    return Status(201, _assignment_out(get_assignment_for_user(request.user, created.pk)))


@router.get("/my-assignments", response={200: list[AssignmentOut], **FOUND},
            summary="내 평가 / the signed-in evaluator's own assignments")
def my_assignments(request: HttpRequest) -> list[dict[str, Any]]:
    if evaluator_of(request.user) is None and not can_manage_rnd(request.user):
        raise PermissionDenied("평가위원만 볼 수 있습니다 / for evaluators only")
    rows = assignments_for_user(request.user).filter(evaluator__user_id=request.user.pk or 0)
    return [_assignment_out(a) for a in rows.order_by("pk")]


@router.get("/assignments/{assignment_id}", response={200: AssignmentOut, **FOUND},
            summary="평가표 / one score sheet (its evaluator, managers)")
def get_assignment(request: HttpRequest,
                   assignment_id: int = Path(..., ge=1, le=MAX_ID)) -> dict[str, Any]:
    return _assignment_out(get_assignment_for_user(request.user, assignment_id))


@router.put("/assignments/{assignment_id}/scores", response={200: AssignmentOut, **WRITE},
            summary="점수 저장·제출·수정 / save, submit, or revise (with a reason) a score sheet",
            description="제출 전: 저장(submit=false, 빠진 항목 허용) 또는 제출(submit=true, 모든 "
                        "항목). 제출 후: reason과 함께 수정 이력으로 저장. / Before submission: "
                        "save a draft or submit (every criterion); after: a revision with its "
                        "reason.")
def save_scores(request: HttpRequest, payload: ScoresIn,
                assignment_id: int = Path(..., ge=1, le=MAX_ID)) -> dict[str, Any]:
    assignment = get_assignment_for_user(request.user, assignment_id)
    require_own_assignment(request.user, assignment)
    if assignment.state == "submitted":
        actions.do_revise_scores(request.user, assignment, payload.version,
                                 scores=payload.scores, comments=payload.comments,
                                 comment=payload.comment, reason=payload.reason)
    else:
        actions.do_save_scores(request.user, assignment, payload.version, scores=payload.scores,
                               comments=payload.comments, comment=payload.comment,
                               submit=payload.submit)
    return _assignment_out(get_assignment_for_user(request.user, assignment_id))


@router.post("/assignments/{assignment_id}/recuse", response={200: AssignmentOut, **WRITE},
             summary="평가 회피 / recuse oneself from an assignment, with the reason")
def recuse(request: HttpRequest, payload: ReasonIn,
           assignment_id: int = Path(..., ge=1, le=MAX_ID)) -> dict[str, Any]:
    assignment = get_assignment_for_user(request.user, assignment_id)
    require_own_assignment(request.user, assignment)
    actions.do_recuse(request.user, assignment, reason=payload.reason)
    return _assignment_out(get_assignment_for_user(request.user, assignment_id))


def _ranking_out(stage: CallStage) -> dict[str, Any]:
    rows, decided, missing = ranking(stage)
    rule = actions.stage_rule(stage)
    return {"stage_id": stage.pk, "decided": decided, "pass_mark": rule.pass_mark,
            "aggregation": rule.aggregation,
            "remaining_budget_won": actions.remaining_budget(stage), "missing": missing,
            "rows": [{"rank": r.rank, "application_id": r.application.pk,
                      "application": r.application.title,
                      "organisation": r.application.organisation.name, "total": str(r.total),
                      "evaluators": r.evaluators,
                      "requested_won": r.application.requested_total_won,
                      "outcome": r.outcome, "awarded_won": r.awarded_won, "tie": r.tie}
                     for r in rows]}


@router.get("/stages/{stage_id}/ranking", response={200: RankingOut, **FOUND},
            summary="순위표 / a stage's ranking: final after selection, else a preview")
def get_ranking(request: HttpRequest,
                stage_id: int = Path(..., ge=1, le=MAX_ID)) -> dict[str, Any]:
    return _ranking_out(_stage(request, stage_id))


@router.post("/stages/{stage_id}/selection", response={200: RankingOut, **WRITE},
             summary="선정 확정 / aggregate, rank, cut at the pass mark and select within the "
                     "call's remaining budget (managers)")
def run_selection(request: HttpRequest,
                  stage_id: int = Path(..., ge=1, le=MAX_ID)) -> dict[str, Any]:
    stage = _stage(request, stage_id)
    actions.do_run_selection(request.user, stage)
    return _ranking_out(stage)


@router.get("/applications/{application_id}/disclosure", response={200: DisclosureOut, **FOUND},
            summary="평가 결과 공개 / the applicant's disclosure after selection (its "
                    "organisation's applicants, managers)")
def get_disclosure(request: HttpRequest,
                   application_id: int = Path(..., ge=1, le=MAX_ID)) -> dict[str, Any]:
    application = get_disclosure_for_user(request.user, application_id)
    shown = disclosure(application)
    if shown is None:
        raise Http404(f"평가 결과가 없습니다 / no evaluation result: {application_id}")
    result = shown["result"]
    return {"application_id": application.pk, "title": application.title,
            "outcome": result.outcome, "total": str(result.total), "rank": result.rank,
            "awarded_won": result.awarded_won, "reason": shown["reason"],
            "criteria": [{"criterion": row["criterion"].name, "weight": row["criterion"].weight,
                          "max_score": row["criterion"].max_score, "scores": row["values"],
                          "aggregate": None if row["aggregate"] is None
                          else str(row["aggregate"])} for row in shown["criteria_rows"]],
            "comments": [{"evaluator": f"위원 {c['who']}", "comment": c["comment"],
                          "per_criterion": dict(c["notes"])} for c in shown["comments"]],
            "panel": [{"name": n, "organisation": o} for n, o in shown["members"]]}


# --- rnd-screen: the evaluator's own declarations, the applicant's people to avoid -------------

class DeclarationOut(Schema):
    id: int
    organisation: str = Field(description="신고한 기관 (과제 하나에 대한 신고는 빈 값) / the "
                                          "organisation declared; empty for one application")
    application_id: int | None
    application: str | None
    reason: str


class MyAssignedOut(Schema):
    assignment_id: int
    application_id: int
    application: str
    organisation: str
    state: str = Field(description="open | submitted | recused")


class MyConflictsOut(Schema):
    declared: list[DeclarationOut]
    assignments: list[MyAssignedOut]


class DeclareOrganisationIn(Schema):
    organisation: str = Field(max_length=200, description="기관명 / the organisation")
    reason: str = Field(max_length=300)


class DeclareApplicationIn(Schema):
    application_id: int = Field(ge=1, le=MAX_ID, description="배정받은 과제 / an assigned "
                                                             "application")
    reason: str = Field(max_length=300)


class DeclaredOut(Schema):
    declaration: DeclarationOut
    recused: list[int] = Field(description="이 신고로 회피 처리된 평가 배정 id / the assignments "
                                           "recused by it")


def _declaration_out(d: Any) -> dict[str, Any]:
    return {"id": d.pk, "organisation": d.organisation, "application_id": d.application_id,
            "application": d.application.title if d.application_id else None,
            "reason": d.reason}


def _declared(row: Any, recused: list[Assignment]) -> Status[dict[str, Any]]:
    return Status(201, {"declaration": _declaration_out(row), "recused": [a.pk for a in recused]})


@router.get("/my-conflicts", response={200: MyConflictsOut, **FOUND},
            summary="내 이해관계 신고 / the signed-in evaluator's declarations and assignments")
def my_conflicts(request: HttpRequest) -> dict[str, Any]:
    evaluator = require_own_evaluator(request.user)
    declared = (DeclaredConflict.objects.filter(evaluator=evaluator)
                .select_related("application").order_by("pk"))
    assigned = (Assignment.objects.filter(evaluator=evaluator)
                .select_related("application__organisation").order_by("pk"))
    return {"declared": [_declaration_out(d) for d in declared],
            "assignments": [{"assignment_id": a.pk, "application_id": a.application_id,
                             "application": a.application.title,
                             "organisation": a.application.organisation.name,
                             "state": a.state} for a in assigned]}


@router.post("/my-conflicts/organisations", response={201: DeclaredOut, **WRITE},
             summary="기관과의 이해관계 신고 / declare a conflict with an organisation (the "
                     "evaluator recuses from its assigned applications)")
def declare_organisation(request: HttpRequest,
                         payload: DeclareOrganisationIn) -> Status[dict[str, Any]]:
    evaluator = require_own_evaluator(request.user)
    return _declared(*actions.do_declare_organisation_conflict(
        request.user, evaluator, organisation=payload.organisation, reason=payload.reason))


@router.post("/my-conflicts/applications", response={201: DeclaredOut, **WRITE},
             summary="배정 과제와의 이해관계 신고 / declare a conflict with one assigned application "
                     "and recuse from it")
def declare_application(request: HttpRequest,
                        payload: DeclareApplicationIn) -> Status[dict[str, Any]]:
    evaluator = require_own_evaluator(request.user)
    application = assigned_application(evaluator, payload.application_id, "application_id")
    return _declared(*actions.do_declare_application_conflict(
        request.user, evaluator, application, reason=payload.reason))


class AvoidedPersonOut(Schema):
    id: int
    name: str
    organisation: str
    reason: str


class AvoidedPeopleOut(Schema):
    editable: bool = Field(description="아직 바꿀 수 있는지 (신청자: 제출 전) / whether the list "
                                       "may still change (applicants: before submission)")
    limit: int = Field(description="과제당 최대 인원 / at most this many per application")
    items: list[AvoidedPersonOut]


class AvoidedPersonIn(Schema):
    name: str = Field(max_length=100)
    organisation: str = Field(max_length=200)
    reason: str = Field(max_length=300)


def _avoided_out(row: Any) -> dict[str, Any]:
    return {"id": row.pk, "name": row.name, "organisation": row.organisation,
            "reason": row.reason}


@router.get("/applications/{application_id}/avoided-people",
            response={200: AvoidedPeopleOut, **FOUND},
            summary="기피 신청 인물 / people the applicant named to avoid (its organisation's "
                    "applicants, managers)")
def list_avoided_people(request: HttpRequest,
                        application_id: int = Path(..., ge=1, le=MAX_ID)) -> dict[str, Any]:
    return _avoided_people_out(request, get_application_for_user(request.user, application_id))


def _avoided_people_out(request: HttpRequest, application: Application) -> dict[str, Any]:
    return {"editable": avoidance_editable(request.user, application),
            "limit": actions.MAX_AVOIDED_PEOPLE,
            "items": [_avoided_out(r) for r in application.avoided_people.all()]}


@router.post("/applications/{application_id}/avoided-people",
             response={201: AvoidedPersonOut, **WRITE},
             summary="기피 신청 / name a person not to be evaluated by (before submission; the "
                     "pool is never shown)")
def name_avoided_person(request: HttpRequest, payload: AvoidedPersonIn,
                        application_id: int = Path(..., ge=1, le=MAX_ID)
                        ) -> Status[dict[str, Any]]:
    application = get_application_for_user(request.user, application_id)
    row = actions.do_name_avoided_person(request.user, application, name=payload.name,
                                         organisation=payload.organisation,
                                         reason=payload.reason)
    return Status(201, _avoided_out(row))


@router.delete("/avoided-people/{avoided_id}", response={200: AvoidedPeopleOut, **WRITE},
               summary="기피 신청 취소 / withdraw a person from the list (before submission); "
                       "answers the list left")
def remove_avoided_person(request: HttpRequest,
                          avoided_id: int = Path(..., ge=1, le=MAX_ID)) -> dict[str, Any]:
    row = get_avoided_person_for_user(request.user, avoided_id)
    application = row.application
    actions.do_remove_avoided_person(request.user, row)
    return _avoided_people_out(request, application)
