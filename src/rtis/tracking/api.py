"""Performance tracking over JSON: periods, execution, indicator actuals, milestones, status.

Every operation is for signed-in staff (session cookie; writes also need the CSRF token in the
X-CSRFToken header): execution figures are internal until published. Money is integer won.
The schema documents the domain of each value (e.g. amounts ≥ 0); the actions check it and
their bilingual messages come back in a 422 naming the field. A stale `version` is a 409
carrying the stored values and the current version.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from typing import Annotated, Any, Literal

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from ninja import Field, Path, Query, Router, Schema, Status
from ninja.security import SessionAuth
from pydantic import AfterValidator

from rtis.orgs.access import is_internal
from rtis.plans import paging
from rtis.plans.access import get_node_for_user, get_plan_for_user
from rtis.plans.api import ErrorOut, InvalidOut
from rtis.plans.models import MAX_AMOUNT_WON, Indicator, Node, Plan
from rtis.tracking import actions, queries
from rtis.tracking.models import (
    AMOUNT_FIELDS,
    ApprovalEntry,
    ExecutionRecord,
    IndicatorReport,
    Milestone,
    PeriodKind,
    ReportingPeriod,
    StatusChange,
)
from rtis.tracking.notify import entry_label


class StaffSession(SessionAuth):
    """Signed-in, active staff by Django's session cookie (CSRF checked on writes)."""

    def authenticate(self, request: HttpRequest, key: str | None) -> Any | None:
        return request.user if is_internal(request.user) else None


router = Router(auth=StaffSession())

MAX_ID = 2**63 - 1
MAX_VERSION = 2**31 - 1
RATE_PATTERN = r"^[0-9]+\.[0-9]$"
MONTH_PATTERN = r"^[0-9]{4}-(0[1-9]|1[0-2])$"
VALUE_PATTERN = r"^-?[0-9][0-9,]*(\.[0-9]{1,4})?$"


def _no_nul(text: str) -> str:
    if "\x00" in text:
        raise ValueError("NUL 문자는 쓸 수 없습니다 / NUL characters are not allowed")
    return text


Text = Annotated[str, AfterValidator(_no_nul)]
Id = Annotated[int, Field(ge=1, le=MAX_ID)]
Version = Annotated[int | None, Field(
    ge=1, le=MAX_VERSION,
    description="화면에 보인 버전; 새로 만들 때는 null / the version you saw; null to create")]
Rate = Annotated[Annotated[str, Field(pattern=RATE_PATTERN)] | None, Field(
    description="예산현액 대비 % (소수 첫째 자리, 사사오입), 예산현액 0이면 null / percent of the "
                "current budget as a decimal string with one place, rounded half up; null "
                "without a budget")]
EntryStatus = Literal["draft", "submitted", "approved", "returned"]
EntryKind = Literal["execution", "indicator", "milestone"]


def _won(description: str, minimum: int = 0) -> Any:
    # The range is documented, and the action checks it with a message people can act on.
    return Field(strict=True, description=f"{description} (원, 정수 / integer won)",
                 json_schema_extra={"minimum": minimum, "maximum": MAX_AMOUNT_WON})


# --- schemas ------------------------------------------------------------------------------------


class ConflictOut(Schema):
    detail: str
    current: dict[str, Any] = Field(
        description="저장된 현재 값(금액은 원) / the stored values (money in won)")
    version: int = Field(description="현재 버전: 다시 저장할 때 보내십시오 / send this to save again")
    changed_by: str


class PeriodOut(Schema):
    id: int
    kind: Literal["month", "quarter"]
    year: int
    number: int
    label: str = Field(description='"2019-07" 또는 "2019-Q3" / month or quarter label')
    due_on: dt.date
    state: Literal["open", "closed", "locked"]


class DepartmentRowOut(Schema):
    department: str | None = Field(
        description="소관부서; 합계 행과 소관부서 없는 사업은 null / owning department")
    current_budget: int = Field(description="예산현액 (원) / current budget, won")
    committed: int = Field(description="원인행위액 (원) / committed, won")
    spent: int = Field(description="지출액 (원) / spent, won")
    committed_rate: Rate
    spent_rate: Rate


class ExecutionTableOut(Schema):
    as_of: str = Field(description="기준 월 / the month, YYYY-MM")
    period_id: int
    rows: list[DepartmentRowOut] = Field(
        description="부서명 순, 소관부서 없는 사업은 끝; 승인된 실적만 / approved figures only")
    total: DepartmentRowOut = Field(description="합계 / the total row")


class ExecutionOut(Schema):
    id: int
    plan: str
    node: str
    node_title: str
    period_id: int
    period: str
    original_budget: int = Field(description="본예산 (원) / won")
    transfers: int = Field(description="예산이체 (원, 음수 가능) / won, may be negative")
    carryover: int = Field(description="이월액 (원) / won")
    committed: int = Field(description="원인행위액 (원) / won")
    spent: int = Field(description="지출액 (원) / won")
    current_budget: int = Field(description="예산현액 = 본예산 + 예산이체 + 이월액 (원) / won")
    committed_rate: Rate
    spent_rate: Rate
    status: EntryStatus
    return_comment: str
    version: int


class ExecutionIn(Schema):
    plan: Text = Field(description="계획 slug / plan slug")
    node: Text = Field(description="단위사업 번호 / unit project code, e.g. 2-1-1")
    period_id: Id
    original_budget: int = _won("본예산")
    transfers: int = _won("예산이체, 음수 가능 / may be negative", -MAX_AMOUNT_WON)
    carryover: int = _won("이월액")
    committed: int = _won("원인행위액 ≤ 예산현액")
    spent: int = _won("지출액 ≤ 원인행위액")
    version: Version = None


class EntryOut(Schema):
    kind: EntryKind
    id: int
    label: str
    plan: str
    node: str
    status: EntryStatus
    return_comment: str
    period_id: int
    period: str
    version: int


class VersionIn(Schema):
    version: Version = None


class ReturnIn(Schema):
    comment: Text = Field(description="반려 사유 / what to fix (at most 2000 characters)")
    version: Version = None


class IndicatorReportIn(Schema):
    indicator_id: Id
    period_id: Id
    value: Text = Field(description="실적값, 소수 넷째 자리까지 / a decimal number as a string",
                        json_schema_extra={"pattern": VALUE_PATTERN, "maxLength": 40})
    unit: Text = Field(description="지표의 단위와 같아야 함 / must be the indicator's unit")
    evidence: Text = Field(default="", description="근거 / evidence (at most 2000 characters)")
    version: Version = None


class IndicatorReportOut(Schema):
    id: int
    indicator_id: int
    indicator: str
    plan: str
    node: str
    period_id: int
    period: str
    value: str = Field(description="실적값 / the value as a decimal string")
    unit: str
    evidence: str
    status: EntryStatus
    return_comment: str
    version: int


MilestoneStateName = Literal["done", "in_progress", "delayed", "not_started"]


class MilestoneIn(Schema):
    plan: Text
    node: Text
    period_id: Id
    planned: Text | None = Field(
        default=None, description="계획; null이면 저장된 계획 유지 / null keeps the saved plan")
    achieved: Text = ""
    state: MilestoneStateName
    delay_reason: Text = ""
    completed_on: dt.date | None = None
    version: Version = None


class MilestoneOut(Schema):
    id: int
    plan: str
    node: str
    period_id: int
    period: str
    planned: str
    achieved: str
    state: MilestoneStateName
    delay_reason: str
    completed_on: dt.date | None
    status: EntryStatus
    return_comment: str
    version: int


NodeStatusName = Literal["normal", "in_progress", "completed", "continuing", "partial",
                         "delayed", "on_hold", "abandoned"]


class StatusIn(Schema):
    status: NodeStatusName
    effective_on: dt.date = Field(description="기준일 (미래 불가) / from this date, not future")
    reason: Text = Field(default="", description="지연·보류·폐기·일부추진은 필수 / required for "
                                                 "partial, delayed, on_hold, abandoned")


class StatusOut(Schema):
    id: int
    node: str
    status: NodeStatusName
    status_label: str
    reason: str
    effective_on: dt.date
    recorded_by: str | None
    created_at: dt.datetime


# Documented refusals: 400 a body that is not JSON, 401 anonymous, 403 not allowed (or no CSRF
# token), 404 unknown, 422 invalid (naming the field), 409 stale version.
FOUND: dict[int, Any] = {401: ErrorOut, 404: ErrorOut}
READ: dict[int, Any] = {**FOUND, 422: InvalidOut}
RECORD: dict[int, Any] = {**READ, 400: ErrorOut, 403: ErrorOut}
WRITE: dict[int, Any] = {**RECORD, 409: ConflictOut}


# --- lookups --------------------------------------------------------------------------------


def _plan(request: HttpRequest, slug: str) -> Plan:
    if "\x00" in slug:
        raise Http404("no plan")
    return get_plan_for_user(request.user, slug)


def _node(request: HttpRequest, plan: Plan, code: str) -> Node:
    if "\x00" in code:
        raise Http404("no node")
    return get_node_for_user(request.user, plan, code)


def _period(plan: Plan, period_id: int) -> ReportingPeriod:
    period = ReportingPeriod.objects.filter(pk=period_id, plan=plan).first()
    if period is None:
        raise Http404(f"'{plan.slug}' 계획에 보고 기간 {period_id}이(가) 없습니다 / "
                      f"no reporting period {period_id} in '{plan.slug}'")
    return period


ENTRY_SETS: dict[str, Any] = {
    "execution": lambda: ExecutionRecord.objects.select_related("node__plan", "period"),
    "indicator": lambda: IndicatorReport.objects.select_related("indicator__node__plan",
                                                                "period"),
    "milestone": lambda: Milestone.objects.select_related("node__plan", "period"),
}
KIND_OF = {ExecutionRecord: "execution", IndicatorReport: "indicator", Milestone: "milestone"}


def _entry(kind: str, entry_id: int) -> ApprovalEntry:
    entries: QuerySet[Any] = ENTRY_SETS[kind]()
    entry = entries.filter(pk=entry_id).first()
    if entry is None:
        raise Http404(f"{kind} 항목 {entry_id}이(가) 없습니다 / no {kind} entry {entry_id}")
    return entry


def _reload(entry: ApprovalEntry) -> Any:
    return ENTRY_SETS[KIND_OF[type(entry)]]().get(pk=entry.pk)


@contextmanager
def _named_as(names: dict[str, str]) -> Iterator[None]:
    """Report an action's field errors under the request body's field names."""
    try:
        yield
    except ValidationError as exc:
        if not hasattr(exc, "error_dict"):
            raise
        raise ValidationError({names.get(k, k): v for k, v in exc.error_dict.items()}) from None


# --- representations ----------------------------------------------------------------------------


def _rate(rate: Decimal | None) -> str | None:
    return None if rate is None else str(rate)


def _decimal_text(value: Decimal) -> str:
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def _period_out(p: ReportingPeriod) -> dict[str, Any]:
    return {"id": p.pk, "kind": p.kind, "year": p.year, "number": p.number, "label": p.label,
            "due_on": p.due_on, "state": p.state}


def _row_out(row: queries.DepartmentExecution) -> dict[str, Any]:
    return {"department": row.department.name if row.department else None,
            "current_budget": row.current_budget, "committed": row.committed,
            "spent": row.spent, "committed_rate": _rate(row.committed_rate),
            "spent_rate": _rate(row.spent_rate)}


def _execution_out(r: ExecutionRecord) -> dict[str, Any]:
    return {"id": r.pk, "plan": r.node.plan.slug, "node": r.node.code,
            "node_title": r.node.title, "period_id": r.period_id, "period": r.period.label,
            **{name: getattr(r, name) for name in AMOUNT_FIELDS},
            "current_budget": r.current_budget, "committed_rate": _rate(r.committed_rate()),
            "spent_rate": _rate(r.spent_rate()), "status": r.status,
            "return_comment": r.return_comment, "version": r.version}


def _entry_out(e: ApprovalEntry) -> dict[str, Any]:
    node = e.owner_node()
    return {"kind": KIND_OF[type(e)], "id": e.pk, "label": entry_label(e),
            "plan": node.plan.slug, "node": node.code, "status": e.status,
            "return_comment": e.return_comment, "period_id": e.period_id,
            "period": e.period.label, "version": e.version}


def _report_out(r: IndicatorReport) -> dict[str, Any]:
    node = r.indicator.node
    return {"id": r.pk, "indicator_id": r.indicator_id, "indicator": r.indicator.name,
            "plan": node.plan.slug, "node": node.code, "period_id": r.period_id,
            "period": r.period.label, "value": _decimal_text(r.value), "unit": r.unit,
            "evidence": r.evidence, "status": r.status, "return_comment": r.return_comment,
            "version": r.version}


def _milestone_out(m: Milestone) -> dict[str, Any]:
    return {"id": m.pk, "plan": m.node.plan.slug, "node": m.node.code,
            "period_id": m.period_id, "period": m.period.label, "planned": m.planned,
            "achieved": m.achieved, "state": m.state, "delay_reason": m.delay_reason,
            "completed_on": m.completed_on, "status": m.status,
            "return_comment": m.return_comment, "version": m.version}


def _status_out(s: StatusChange, node: Node) -> dict[str, Any]:
    return {"id": s.pk, "node": node.code, "status": s.status,
            "status_label": str(s.get_status_display()), "reason": s.reason,
            "effective_on": s.effective_on,
            "recorded_by": s.recorded_by.username if s.recorded_by else None,
            "created_at": s.created_at}


def _saved(entry: ApprovalEntry) -> int:
    # A new entry starts at version 1; every update moves the version on.
    return 201 if entry.version == 1 else 200


# --- periods and the execution table ----------------------------------------------------------


class PeriodPageOut(Schema):
    items: list[PeriodOut]
    next: str | None = Field(description=paging.NEXT_DESCRIPTION)


class StatusPageOut(Schema):
    items: list[StatusOut]
    next: str | None = Field(description=paging.NEXT_DESCRIPTION)


_PAGED = ("쪽 단위(기본 100개, 최대 1000개)로 돌려줍니다. 다음 쪽은 `next` 주소를 그대로 "
          "요청합니다. 잘못된 커서는 400. / Pages (default 100, at most 1000); request `next` "
          "as given for the following page; a bad cursor is 400. The answer is an object "
          "`{items, next}`.")
_PERIOD_KEYS = paging.Keyset("periods", ("year", "kind", "number", "id"))
_STATUS_KEYS = paging.Keyset("status", ("-effective_on", "-id"))


@router.get("/plans/{slug}/periods",
            response={200: PeriodPageOut, 400: ErrorOut, 422: InvalidOut, **FOUND},
            summary="보고 기간 / a plan's reporting periods, a page at a time",
            description=_PAGED)
def list_periods(request: HttpRequest, slug: str, query: Query[paging.PageQuery]) -> Any:
    plan = _plan(request, slug)
    periods = ReportingPeriod.objects.filter(plan=plan).order_by(*_PERIOD_KEYS.fields)
    found = paging.page(request, periods, _PERIOD_KEYS, query,
                        lambda p: (p.year, p.kind, p.number, p.pk))
    if isinstance(found, Status):
        return found
    rows, following = found
    return {"items": [_period_out(p) for p in rows], "next": following}


@router.get("/plans/{slug}/execution-by-department",
            response={200: ExecutionTableOut, **READ},
            summary="부서별 집행 현황 / approved execution by owning department as of a month",
            description="금액은 원(정수), 집행률은 소수 첫째 자리 문자열입니다. 그 달의 보고 기간이 "
                        "없으면 404. / Money in integer won; rates are decimal strings with one "
                        "place (half up). 404 when the month has no reporting period.")
def execution_table(request: HttpRequest, slug: str,
                    as_of: str = Query(..., pattern=MONTH_PATTERN,
                                       description="기준 월 / YYYY-MM")) -> dict[str, Any]:
    plan = _plan(request, slug)
    year, number = (int(part) for part in as_of.split("-"))
    period = ReportingPeriod.objects.filter(plan=plan, kind=PeriodKind.MONTH, year=year,
                                            number=number).first()
    if period is None:
        raise Http404(f"'{plan.slug}' 계획에 {as_of} 보고 기간이 없습니다 / "
                      f"'{plan.slug}' has no reporting period for {as_of}")
    rows = queries.execution_by_department(plan, period)
    return {"as_of": period.label, "period_id": period.pk, "rows": [_row_out(r) for r in rows],
            "total": _row_out(queries.execution_total(rows))}


# --- execution records ------------------------------------------------------------------------


@router.get("/execution/{record_id}", response={200: ExecutionOut, **READ},
            summary="집행실적 / one execution record (won)")
def get_execution(request: HttpRequest,
                  record_id: int = Path(..., ge=1, le=MAX_ID)) -> dict[str, Any]:
    record = _entry("execution", record_id)
    assert isinstance(record, ExecutionRecord)
    return _execution_out(record)


@router.put("/execution", response={200: ExecutionOut, 201: ExecutionOut, **WRITE},
            summary="집행실적 저장 / create (201) or change (200) a month's execution",
            description="금액은 원(정수)이며 누계입니다. 0 ≤ 지출액 ≤ 원인행위액 ≤ 예산현액. / "
                        "Year-to-date amounts in integer won; 0 ≤ spent ≤ committed ≤ current "
                        "budget. version null only creates (a saved record answers 409 with "
                        "what it holds); a stale version is a 409.")
def save_execution(request: HttpRequest, payload: ExecutionIn) -> Status[dict[str, Any]]:
    plan = _plan(request, payload.plan)
    node = _node(request, plan, payload.node)
    period = _period(plan, payload.period_id)
    amounts = {name: getattr(payload, name) for name in AMOUNT_FIELDS}
    record = actions.do_save_execution(request.user, node, period, payload.version, **amounts)
    return Status(_saved(record), _execution_out(_reload(record)))


# --- approval (결재) ------------------------------------------------------------------------


@router.post("/entries/{kind}/{entry_id}/submit", response={200: EntryOut, **WRITE},
             summary="결재 요청 / submit a draft or returned entry")
def submit_entry(request: HttpRequest, kind: EntryKind, payload: VersionIn,
                 entry_id: int = Path(..., ge=1, le=MAX_ID)) -> dict[str, Any]:
    entry = actions.do_submit_entry(request.user, _entry(kind, entry_id), payload.version)
    return _entry_out(_reload(entry))


@router.post("/entries/{kind}/{entry_id}/approve", response={200: EntryOut, **WRITE},
             summary="승인 / approve a submitted entry (planners)")
def approve_entry(request: HttpRequest, kind: EntryKind, payload: VersionIn,
                  entry_id: int = Path(..., ge=1, le=MAX_ID)) -> dict[str, Any]:
    entry = actions.do_approve_entry(request.user, _entry(kind, entry_id), payload.version)
    return _entry_out(_reload(entry))


@router.post("/entries/{kind}/{entry_id}/return", response={200: EntryOut, **WRITE},
             summary="반려 / return a submitted entry with a comment (planners)")
def return_entry(request: HttpRequest, kind: EntryKind, payload: ReturnIn,
                 entry_id: int = Path(..., ge=1, le=MAX_ID)) -> dict[str, Any]:
    with _named_as({"return_comment": "comment"}):
        entry = actions.do_return_entry(request.user, _entry(kind, entry_id), payload.comment,
                                        payload.version)
    return _entry_out(_reload(entry))


@router.get("/my-entries", response={200: list[EntryOut], 401: ErrorOut},
            summary="내 업무 / the caller's unapproved entries, returned ones first",
            description="반려, 작성 중, 결재 요청 순. 기획 담당자는 전체. / Returned, then drafts, "
                        "then submitted; planners get everyone's.")
def my_entries(request: HttpRequest) -> list[dict[str, Any]]:
    return [_entry_out(e) for e in queries.entries_for_user(request.user)]


# --- indicator actuals and milestones --------------------------------------------------------


@router.put("/indicator-reports", response={200: IndicatorReportOut, 201: IndicatorReportOut,
                                            **WRITE},
            summary="성과지표 실적 저장 / create (201) or change (200) an indicator's actual")
def save_indicator_report(request: HttpRequest,
                          payload: IndicatorReportIn) -> Status[dict[str, Any]]:
    indicator = (Indicator.objects.select_related("node__plan")
                 .filter(pk=payload.indicator_id).first())
    if indicator is None:
        raise Http404(f"성과지표 {payload.indicator_id}이(가) 없습니다 / "
                      f"no indicator {payload.indicator_id}")
    plan = _plan(request, indicator.node.plan.slug)
    period = _period(plan, payload.period_id)
    report = actions.do_save_indicator_report(
        request.user, indicator, period, payload.version, value=payload.value,
        unit=payload.unit, evidence=payload.evidence)
    return Status(_saved(report), _report_out(_reload(report)))


@router.put("/milestones", response={200: MilestoneOut, 201: MilestoneOut, **WRITE},
            summary="추진일정 저장 / create (201) or report on (200) a quarter's milestone")
def save_milestone(request: HttpRequest, payload: MilestoneIn) -> Status[dict[str, Any]]:
    plan = _plan(request, payload.plan)
    node = _node(request, plan, payload.node)
    period = _period(plan, payload.period_id)
    milestone = actions.do_save_milestone(
        request.user, node, period, payload.version, achieved=payload.achieved,
        state=payload.state, delay_reason=payload.delay_reason,
        completed_on=payload.completed_on, planned=payload.planned)
    return Status(_saved(milestone), _milestone_out(_reload(milestone)))


# --- node status ------------------------------------------------------------------------------


@router.post("/plans/{slug}/nodes/{code}/status", response={201: StatusOut, **RECORD},
             summary="추진 상황 기록 / record a node's status from a date on")
def record_status(request: HttpRequest, slug: str, code: str,
                  payload: StatusIn) -> Status[dict[str, Any]]:
    plan = _plan(request, slug)
    node = _node(request, plan, code)
    change = actions.do_record_status(request.user, node, status=payload.status,
                                      effective_on=payload.effective_on, reason=payload.reason)
    change = StatusChange.objects.select_related("recorded_by").get(pk=change.pk)
    return Status(201, _status_out(change, node))


@router.get("/plans/{slug}/nodes/{code}/status",
            response={200: StatusPageOut, 400: ErrorOut, 422: InvalidOut, **FOUND},
            summary="추진 상황 이력 / a node's status history, latest first, a page at a time",
            description=_PAGED)
def status_history(request: HttpRequest, slug: str, code: str,
                   query: Query[paging.PageQuery]) -> Any:
    plan = _plan(request, slug)
    node = _node(request, plan, code)
    changes = StatusChange.objects.filter(node=node).select_related("recorded_by") \
        .order_by(*_STATUS_KEYS.fields)
    found = paging.page(request, changes, _STATUS_KEYS, query,
                        lambda s: (s.effective_on.isoformat(), s.pk))
    if isinstance(found, Status):
        return found
    rows, following = found
    return {"items": [_status_out(s, node) for s in rows], "next": following}
