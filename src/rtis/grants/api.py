"""Agreements, monitoring, outputs, follow-up surveys and statistics over JSON.

Signed-in R&D managers and performers only (session cookie; writes need the CSRF token in the
X-CSRFToken header), except the programme statistics, which are public. Money is integer won.
A performer (the applicant acting for the selected organisation) sees only its agreements; an
agreement anyone else asks for is a 404. Refusals by the actions come back as 422 naming the
field in both languages; a stale `version` is a 409 with the stored values.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any, Literal

from django.http import Http404, HttpRequest
from ninja import Field, Path, Query, Router, Schema, Status
from ninja.security import SessionAuth
from pydantic import AfterValidator

from rtis.config import clock
from rtis.grants import actions, queries
from rtis.grants.access import (
    agreements_for_user,
    get_agreement_for_user,
    performer_organisation_ids,
)
from rtis.grants.models import (
    Agreement,
    AgreementChange,
    AnnualEvaluation,
    AnnualReport,
    FinalEvaluation,
    FollowUpSurvey,
    Output,
)
from rtis.lib.money import MAX_WON
from rtis.plans.api import ErrorOut, InvalidOut
from rtis.rnd.access import can_manage_rnd, require_rnd_manager
from rtis.rnd.models import Application


class GrantsSession(SessionAuth):
    """Signed-in R&D managers and performers by Django's session cookie."""

    def authenticate(self, request: HttpRequest, key: str | None) -> Any | None:
        user = request.user
        if can_manage_rnd(user) or performer_organisation_ids(user):
            return user
        return None


router = Router(auth=GrantsSession())
MAX_ID = 2**63 - 1
MAX_VERSION = 2**31 - 1


def _no_nul(text: str) -> str:
    if "\x00" in text:
        raise ValueError("NUL 문자는 쓸 수 없습니다 / NUL characters are not allowed")
    return text


Text = Annotated[str, AfterValidator(_no_nul), Field(max_length=8000)]
Id = Annotated[int, Path(..., ge=1, le=MAX_ID)]
Version = Annotated[int, Field(ge=1, le=MAX_VERSION, description="화면에 보인 버전 / the "
                                                                 "version you saw")]
Won = Annotated[int, Field(strict=True, ge=0, le=MAX_WON, description="원 / integer won")]
Year = Annotated[int, Field(ge=2000, le=2100)]
Day = Annotated[dt.date, Field(ge=dt.date(2000, 1, 1), le=dt.date(2100, 12, 31))]
Source = Literal["city", "private_cash", "private_in_kind", "other"]
Kind = Literal["paper", "patent_application", "patent_registration", "prototype", "software",
               "tech_transfer", "royalty", "commercialisation", "sales", "jobs", "investment"]


class ConflictOut(Schema):
    detail: str
    current: dict[str, Any]
    version: int
    changed_by: str


READ: dict[int, Any] = {401: ErrorOut, 404: ErrorOut, 422: InvalidOut}
WRITE: dict[int, Any] = {**READ, 400: ErrorOut, 403: ErrorOut, 409: ConflictOut}


class AmountIn(Schema):
    year: Year
    source: Source = Field(description="city 시비, private_cash·private_in_kind 민간부담금, other")
    amount_won: Won


class AmountOut(Schema):
    year: int
    source: str
    amount_won: int


class TargetIn(Schema):
    kind: Literal["deliverable", "indicator"]
    name: Annotated[str, AfterValidator(_no_nul), Field(max_length=200)]
    unit: Annotated[str, AfterValidator(_no_nul), Field(max_length=20)] = ""
    target: Annotated[Decimal, Field(ge=0, lt=10**15, decimal_places=2)] | None = None
    due_on: Day | None = None


class AgreementIn(Schema):
    starts_on: Day
    ends_on: Day
    amounts: list[AmountIn] = Field(max_length=40, description="시비 합계 ≤ 선정 지원금 / city "
                                                               "funds in total within the award")
    targets: list[TargetIn] = Field(default_factory=list, max_length=40)
    conditions: Text = ""


class AgreementOut(Schema):
    id: int
    number: str
    programme: str
    organisation: str
    title: str
    starts_on: dt.date
    ends_on: dt.date
    state: Literal["active", "stopped", "finished"]
    conditions: str
    awarded_won: int
    amounts: list[AmountOut]
    version: int


class ChangeIn(Schema):
    version: Version
    kind: Literal["approval", "notification"] = Field(
        description="approval 승인(기간·금액), notification 통보(즉시 반영) / approval for the "
                    "period or amounts, notification takes effect at once")
    reason: Text
    ends_on: Day | None = None
    conditions: Text | None = None
    amounts: list[AmountIn] = Field(default_factory=list, max_length=40)


class ChangeOut(Schema):
    id: int
    agreement_id: int
    kind: str
    state: Literal["pending", "approved", "rejected", "notified"]
    reason: str
    proposed: dict[str, Any]
    previous: dict[str, Any]
    requested_at: dt.datetime
    decided_at: dt.datetime | None
    decision_comment: str
    version: int


class DecisionIn(Schema):
    version: Version
    approve: bool
    comment: Text = ""


class ReportIn(Schema):
    year: Year
    progress: Text
    spent_city_won: Won = 0
    spent_private_won: Won = 0
    issues: Text = ""


class ReportOut(Schema):
    id: int
    agreement_id: int
    year: int
    progress: str
    spent_city_won: int
    spent_private_won: int
    issues: str
    state: Literal["draft", "submitted"]
    version: int


class AnnualEvaluationIn(Schema):
    decision: Literal["continue", "adjust", "stop"]
    comment: Text
    score: Annotated[int, Field(ge=0, le=100)] | None = None
    next_year_city_won: Won | None = None


class AnnualEvaluationOut(Schema):
    id: int
    report_id: int
    decision: str
    score: int | None
    comment: str
    next_year_city_won: int | None


class FinalIn(Schema):
    grade: Literal["S", "A", "B", "C", "D"] = Field(description="S·A·B 성공, C·D 실패 / S, A, B "
                                                                "succeed; C, D fail")
    comment: Text
    evaluated_on: Day
    failure_causes: list[Literal["technology", "market", "funding", "team", "regulation",
                                 "partner", "management", "other"]] = Field(
        default_factory=list, max_length=8)
    failure_analysis: Text = ""


class FinalOut(Schema):
    id: int
    agreement_id: int
    grade: str
    succeeded: bool
    comment: str
    evaluated_on: dt.date
    failure_causes: list[str]
    failure_analysis: str


class OutputIn(Schema):
    kind: Kind
    title: Annotated[str, AfterValidator(_no_nul), Field(max_length=300)]
    occurred_on: Day
    evidence: Text
    reference: Annotated[str, AfterValidator(_no_nul), Field(max_length=100)] = ""
    amount_won: Won | None = None
    quantity: Annotated[int, Field(ge=0, le=10**6)] | None = None


class OutputOut(Schema):
    id: int
    agreement_id: int
    kind: str
    ntis_category: Literal["논문", "특허", "사업화", "기술료", "기타"] = Field(
        description="NTIS 성과 분류 / the NTIS category")
    title: str
    occurred_on: dt.date
    reference: str
    amount_won: int | None
    quantity: int | None
    evidence: str


class SurveyOut(Schema):
    id: int
    agreement_id: int
    agreement: str
    organisation: str
    round: int
    year: int
    due_on: dt.date
    state: Literal["due", "submitted"]
    overdue: bool
    commercialised: bool
    sales_won: int
    jobs: int
    investment_won: int
    reminders_sent: int
    version: int


class SurveyAnswerIn(Schema):
    version: Version
    commercialised: bool
    sales_won: Won = 0
    jobs: Annotated[int, Field(ge=0, le=100_000)] = 0
    investment_won: Won = 0
    note: Text = ""


class StatisticOut(Schema):
    kind: Literal["computed", "printed"]
    programme: str
    year: int
    applications: int | None
    selected: int | None = Field(description="선정(기록) 또는 지원 과제 수(인쇄) / selected or "
                                             "printed project count")
    selection_rate: str | None
    city_funds_won: int | None
    outputs: int | None
    outputs_per_eok: str | None
    commercialisation_rate: str | None
    response_rate: str | None
    source: str


def _amounts(rows: list[AmountIn]) -> dict[int, dict[str, int]]:
    found: dict[int, dict[str, int]] = {}
    for row in rows:
        found.setdefault(row.year, {})[row.source] = row.amount_won
    return found


def _agreement_out(a: Agreement) -> dict[str, Any]:
    return {"id": a.pk, "number": a.number, "programme": a.application.call.programme.name,
            "organisation": a.application.organisation.name, "title": a.application.title,
            "starts_on": a.starts_on, "ends_on": a.ends_on, "state": a.state,
            "conditions": a.conditions, "awarded_won": a.application.awarded_won or 0,
            "amounts": [{"year": x.year, "source": x.source, "amount_won": x.amount_won}
                        for x in a.amounts.all()], "version": a.version}


def _change_out(c: AgreementChange) -> dict[str, Any]:
    return {"id": c.pk, "agreement_id": c.agreement_id, "kind": c.kind, "state": c.state,
            "reason": c.reason, "proposed": c.proposed, "previous": c.previous,
            "requested_at": c.requested_at, "decided_at": c.decided_at,
            "decision_comment": c.decision_comment, "version": c.version}


def _report_out(r: AnnualReport) -> dict[str, Any]:
    return {"id": r.pk, "agreement_id": r.agreement_id, "year": r.year, "progress": r.progress,
            "spent_city_won": r.spent_city_won, "spent_private_won": r.spent_private_won,
            "issues": r.issues, "state": r.state, "version": r.version}


def _output_out(o: Output) -> dict[str, Any]:
    return {"id": o.pk, "agreement_id": o.agreement_id, "kind": o.kind,
            "ntis_category": queries.NTIS_CATEGORY[o.kind], "title": o.title,
            "occurred_on": o.occurred_on, "reference": o.reference, "amount_won": o.amount_won,
            "quantity": o.quantity, "evidence": o.evidence}


def _survey_out(s: FollowUpSurvey, today: dt.date) -> dict[str, Any]:
    return {"id": s.pk, "agreement_id": s.agreement_id, "agreement": s.agreement.number,
            "organisation": s.agreement.application.organisation.name, "round": s.round,
            "year": s.year, "due_on": s.due_on, "state": s.state,
            "overdue": s.state == "due" and s.due_on < today,
            "commercialised": s.commercialised, "sales_won": s.sales_won, "jobs": s.jobs,
            "investment_won": s.investment_won, "reminders_sent": s.reminders_sent,
            "version": s.version}


def _text(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


# --- agreements ---------------------------------------------------------------------------------


@router.get("/agreements", response={200: list[AgreementOut], 401: ErrorOut},
            summary="협약 목록 / agreements (managers: all; performers: their own)")
def list_agreements(request: HttpRequest) -> list[dict[str, Any]]:
    agreements = agreements_for_user(request.user).prefetch_related("amounts").order_by("pk")
    return [_agreement_out(a) for a in agreements]


@router.get("/agreements/{agreement_id}", response={200: AgreementOut, **READ},
            summary="협약 / one agreement")
def get_agreement(request: HttpRequest, agreement_id: Id) -> dict[str, Any]:
    return _agreement_out(get_agreement_for_user(request.user, agreement_id))


@router.post("/applications/{application_id}/agreement", response={201: AgreementOut, **WRITE},
             summary="협약 체결 / make the agreement of a selected application (managers)")
def make_agreement(request: HttpRequest, application_id: Id,
                   payload: AgreementIn) -> Status[dict[str, Any]]:
    require_rnd_manager(request.user)
    application = Application.objects.filter(pk=application_id).first()
    if application is None:
        raise Http404(f"신청 {application_id}번이 없습니다 / no application {application_id}")
    agreement = actions.do_make_agreement(
        request.user, application, starts_on=payload.starts_on, ends_on=payload.ends_on,
        amounts=_amounts(payload.amounts), conditions=payload.conditions,
        targets=[t.dict() for t in payload.targets])
    return Status(201, _agreement_out(agreement))


@router.post("/agreements/{agreement_id}/changes", response={201: ChangeOut, **WRITE},
             summary="협약 변경 / request a change (승인) or notify one (통보)")
def request_change(request: HttpRequest, agreement_id: Id,
                   payload: ChangeIn) -> Status[dict[str, Any]]:
    agreement = get_agreement_for_user(request.user, agreement_id)
    change = actions.do_request_change(
        request.user, agreement, payload.version, kind=payload.kind, reason=payload.reason,
        ends_on=payload.ends_on, conditions=payload.conditions,
        amounts=_amounts(payload.amounts) or None)
    return Status(201, _change_out(change))


@router.post("/changes/{change_id}/decision", response={200: ChangeOut, **WRITE},
             summary="협약 변경 승인·반려 / approve or reject a pending change (managers)")
def decide_change(request: HttpRequest, change_id: Id, payload: DecisionIn) -> dict[str, Any]:
    change = AgreementChange.objects.filter(pk=change_id).first()
    if change is None:
        raise Http404(f"협약 변경 {change_id}번이 없습니다 / no change {change_id}")
    get_agreement_for_user(request.user, change.agreement_id)
    decided = actions.do_decide_change(request.user, change, payload.version,
                                       approve=payload.approve, comment=payload.comment)
    return _change_out(decided)


# --- monitoring ---------------------------------------------------------------------------------


@router.post("/agreements/{agreement_id}/reports", response={201: ReportOut, **WRITE},
             summary="연차보고서 제출 / the performer files a year's annual report")
def file_report(request: HttpRequest, agreement_id: Id,
                payload: ReportIn) -> Status[dict[str, Any]]:
    agreement = get_agreement_for_user(request.user, agreement_id)
    report = actions.do_save_annual_report(
        request.user, agreement, year=payload.year, progress=payload.progress,
        spent_city_won=payload.spent_city_won, spent_private_won=payload.spent_private_won,
        issues=payload.issues)
    report = actions.do_submit_annual_report(request.user, report, report.version)
    return Status(201, _report_out(report))


@router.post("/reports/{report_id}/evaluation", response={201: AnnualEvaluationOut, **WRITE},
             summary="연차평가 / annual evaluation: continue, adjust (next year's city funds) "
                     "or stop (managers)")
def evaluate_report(request: HttpRequest, report_id: Id,
                    payload: AnnualEvaluationIn) -> Status[dict[str, Any]]:
    report = AnnualReport.objects.filter(pk=report_id).first()
    if report is None:
        raise Http404(f"연차보고서 {report_id}번이 없습니다 / no report {report_id}")
    get_agreement_for_user(request.user, report.agreement_id)
    evaluation: AnnualEvaluation = actions.do_evaluate_annual(
        request.user, report, decision=payload.decision, comment=payload.comment,
        score=payload.score, next_year_city_won=payload.next_year_city_won)
    return Status(201, {"id": evaluation.pk, "report_id": report.pk, "decision": evaluation.decision,
                 "score": evaluation.score, "comment": evaluation.comment,
                 "next_year_city_won": evaluation.next_year_city_won})


@router.post("/agreements/{agreement_id}/final-evaluation", response={201: FinalOut, **WRITE},
             summary="최종평가 / final evaluation with grade; C and D need failure causes "
                     "(managers)")
def final_evaluation(request: HttpRequest, agreement_id: Id,
                     payload: FinalIn) -> Status[dict[str, Any]]:
    agreement = get_agreement_for_user(request.user, agreement_id)
    final: FinalEvaluation = actions.do_final_evaluation(
        request.user, agreement, grade=payload.grade, comment=payload.comment,
        evaluated_on=payload.evaluated_on, failure_causes=payload.failure_causes,
        failure_analysis=payload.failure_analysis)
    return Status(201, {"id": final.pk, "agreement_id": agreement.pk, "grade": final.grade,
                 "succeeded": final.succeeded, "comment": final.comment,
                 "evaluated_on": final.evaluated_on, "failure_causes": final.failure_causes,
                 "failure_analysis": final.failure_analysis})


# --- outputs and surveys ------------------------------------------------------------------------


@router.get("/agreements/{agreement_id}/outputs", response={200: list[OutputOut], **READ},
            summary="성과 목록 / an agreement's outputs with their NTIS category")
def list_outputs(request: HttpRequest, agreement_id: Id) -> list[dict[str, Any]]:
    agreement = get_agreement_for_user(request.user, agreement_id)
    return [_output_out(o) for o in agreement.outputs.order_by("occurred_on", "pk")]


@router.post("/agreements/{agreement_id}/outputs", response={201: OutputOut, **WRITE},
             summary="성과 등록 / record an output, dated, with its evidence")
def record_output(request: HttpRequest, agreement_id: Id,
                  payload: OutputIn) -> Status[dict[str, Any]]:
    agreement = get_agreement_for_user(request.user, agreement_id)
    output = actions.do_record_output(request.user, agreement, **payload.dict())
    return Status(201, _output_out(output))


@router.get("/surveys", response={200: list[SurveyOut], 401: ErrorOut, 403: ErrorOut,
                                  422: InvalidOut},
            summary="추적조사 / follow-up surveys due in a year, or all unanswered past due")
def list_surveys(request: HttpRequest,
                 year: int | None = Query(None, ge=2000, le=2100,
                                          description="제출 기한 연도 / year due"),
                 overdue: bool = Query(False, description="미응답만 / unanswered past due")
                 ) -> list[dict[str, Any]]:
    today = clock.today()
    if can_manage_rnd(request.user):
        surveys = (queries.non_responses(today) if overdue
                   else queries.surveys_due_in(year or today.year))
    else:
        surveys = FollowUpSurvey.objects.filter(
            agreement__in=agreements_for_user(request.user)).select_related(
            "agreement__application__organisation").order_by("due_on")
    return [_survey_out(s, today) for s in surveys]


@router.post("/surveys/{survey_id}/answer", response={200: SurveyOut, **WRITE},
             summary="추적조사 입력 / answer one round of the follow-up survey")
def answer_survey(request: HttpRequest, survey_id: Id, payload: SurveyAnswerIn
                  ) -> dict[str, Any]:
    survey = FollowUpSurvey.objects.filter(pk=survey_id).first()
    if survey is None:
        raise Http404(f"추적조사 {survey_id}번이 없습니다 / no survey {survey_id}")
    get_agreement_for_user(request.user, survey.agreement_id)
    answered = actions.do_submit_survey(
        request.user, survey, payload.version, commercialised=payload.commercialised,
        sales_won=payload.sales_won, jobs=payload.jobs, investment_won=payload.investment_won,
        note=payload.note)
    answered = FollowUpSurvey.objects.select_related(
        "agreement__application__organisation").get(pk=answered.pk)
    return _survey_out(answered, clock.today())


# --- statistics (public) ------------------------------------------------------------------------


@router.get("/statistics", auth=None, response={200: list[StatisticOut]},
            summary="사업·연도별 통계 / statistics per programme and year, computed from the "
                    "records and printed in the seed documents (with their source)")
def statistics(request: HttpRequest) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for r in queries.computed_statistics(clock.today()):
        rows.append({"kind": "computed", "programme": r.programme, "year": r.year,
                     "applications": r.applications, "selected": r.selected,
                     "selection_rate": _text(r.selection_rate),
                     "city_funds_won": r.city_funds_won, "outputs": r.outputs,
                     "outputs_per_eok": _text(r.outputs_per_eok),
                     "commercialisation_rate": _text(r.commercialisation_rate),
                     "response_rate": _text(r.response_rate), "source": "RTIS"})
    for p in queries.printed_statistics():
        rows.append({"kind": "printed", "programme": p.label, "year": p.year,
                     "applications": None, "selected": p.projects, "selection_rate": None,
                     "city_funds_won": p.funds_won, "outputs": None, "outputs_per_eok": None,
                     "commercialisation_rate": None, "response_rate": None,
                     "source": "; ".join(p.sources)})
    return rows


