"""Seoul-type R&D over JSON: calls (public), applications (their applicant and R&D managers).

Reading published calls needs no sign-in. Applications need a session cookie (writes also the
CSRF token in the X-CSRFToken header): an applicant account sees and writes only its own
organisation's applications (another organisation's answer 404), R&D managers all. Money is
integer won; times are ISO 8601 with offset (the deadline is shown in Asia/Seoul). A late
submission, a duplicate, a bad file or a bad code is a 422 naming the field and the reason; a
stale `version` is a 409 with the stored values.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from ninja import Field, File, Query, Router, Schema, Status, UploadedFile
from ninja.security import SessionAuth

from rtis.plans.api import ErrorOut, InvalidOut
from rtis.rnd import actions
from rtis.rnd.access import (
    applicant_organisation,
    can_manage_rnd,
    get_application_for_user,
    get_call_for_user,
    get_join_request_for_user,
    join_requests_for_user,
)
from rtis.rnd.join_views import notify_decision
from rtis.rnd.models import Application, Attachment, Call, JoinRequest, Organisation, Person
from rtis.rnd.queries import calls_for_user, organisation_people
from rtis.tracking.api import ConflictOut

MAX_ID = 2**63 - 1
MAX_VERSION = 2**31 - 1
PAGE_MAX = 100
MAX_WON = 10**15
Id = Annotated[int, Field(ge=1, le=MAX_ID)]


class RndSession(SessionAuth):
    """Signed-in R&D managers and confirmed applicant accounts (CSRF checked on writes)."""

    def authenticate(self, request: HttpRequest, key: str | None) -> Any | None:
        user = request.user
        if can_manage_rnd(user) or applicant_organisation(user) is not None:
            return user
        return None


router = Router()
session = RndSession()

FOUND: dict[int, Any] = {404: ErrorOut, 422: InvalidOut}
AUTHED: dict[int, Any] = {**FOUND, 401: ErrorOut}
WRITE: dict[int, Any] = {**AUTHED, 400: ErrorOut, 403: ErrorOut, 409: ConflictOut}


class Paging(Schema):
    limit: int = Field(default=50, ge=1, le=PAGE_MAX, description="한 쪽의 건수 / page size")
    offset: int = Field(default=0, ge=0, le=MAX_ID, description="건너뛸 건수 / rows to skip")


class ApplicationFilter(Paging):
    call: int | None = Field(default=None, ge=1, le=MAX_ID,
                             description="이 공고의 신청만 / only this call's applications")


class StageOut(Schema):
    order: int
    name: str


class CallOut(Schema):
    id: int
    programme: str
    year: int
    title: str
    budget_won: int = Field(description="지원 예산 (원) / won")
    opens_at: dt.datetime
    closes_at: dt.datetime = Field(description="접수 마감 (Asia/Seoul) / the deadline")
    eligibility: list[str]
    state: Literal["draft", "published", "closed"]
    is_open: bool = Field(description="지금 접수중인지 / accepting applications now")
    stages: list[StageOut]


class CallPage(Schema):
    count: int
    items: list[CallOut]
    next_offset: int | None


class IndicatorIn(Schema):
    name: str = Field(max_length=100)
    unit: str = Field(default="", max_length=20)
    target: int = Field(ge=0, le=MAX_WON)


class ApplicationIn(Schema):
    title: str = Field(max_length=200)
    summary: str = Field(default="", max_length=8000)
    pi: Id | None = Field(default=None, description="연구책임자: 기관 인력의 id / the PI, a person id")
    participants: list[Id] = Field(default_factory=list, max_length=30,
                                   description="참여 인력 id / people ids")
    requested_funds: dict[str, Annotated[int, Field(ge=0, le=MAX_WON)]] = Field(
        description='연차별 신청 시비 {"2026": 원} / city funds by year, won')
    private_matching_won: int = Field(default=0, ge=0, le=MAX_WON,
                                      description="민간부담금 (원) / won")
    period_start: dt.date | None = None
    period_end: dt.date | None = None
    science_class: str = Field(default="", max_length=20, description="과학기술표준분류 코드")
    six_t: str = Field(default="", max_length=20, description="6T 코드")
    development_phase: str = Field(default="", max_length=20, description="연구개발단계 코드")
    performer_type: str = Field(default="", max_length=20, description="연구수행주체 코드")
    indicators: list[IndicatorIn] = Field(default_factory=list, max_length=10)


class NewApplicationIn(ApplicationIn):
    organisation: Id | None = Field(
        default=None, description="R&D 관리자가 대리 입력할 기관 id (신청자는 생략) / the "
                                  "organisation, for managers entering on its behalf")


class SaveApplicationIn(ApplicationIn):
    version: int = Field(ge=1, le=MAX_VERSION, description="읽은 버전 / the version you read")


class VersionIn(Schema):
    version: int = Field(ge=1, le=MAX_VERSION)


class AttachmentOut(Schema):
    id: int
    name: str
    size: int
    sha256: str
    uploaded_at: dt.datetime


class PersonOut(Schema):
    id: int
    name: str
    organisation: str
    position: str
    department: str = Field(description="부서·학과: 평가위원과 같은 기관·같은 학과(부서)이면 "
                                        "이해충돌 / the department (학과·부서) screening compares")


class PersonIn(Schema):
    name: str = Field(max_length=100)
    position: str = Field(default="", max_length=100)
    department: str = Field(default="", max_length=100)
    email: str = Field(default="", max_length=254)
    organisation: Id | None = Field(
        default=None, description="R&D 관리자가 대리 입력할 기관 id (신청자는 생략) / the "
                                  "organisation, for managers entering on its behalf")


class PersonFilter(Paging):
    organisation: int | None = Field(default=None, ge=1, le=MAX_ID,
                                     description="R&D 관리자: 이 기관의 인력 / managers: this "
                                                 "organisation's people")


class PersonPage(Schema):
    count: int
    items: list[PersonOut]
    next_offset: int | None


class ApplicationOut(Schema):
    id: int
    call: int
    organisation: str
    stage: str | None
    title: str
    summary: str
    principal_investigator: str
    pi: int | None
    participants: list[int]
    team: list[PersonOut] = Field(description="연구책임자와 참여 인력 (소속 부서 포함: 이해충돌 "
                                              "확인에 쓰임) / the PI and participants with their "
                                              "department, as conflict screening reads them")
    requested_funds: dict[str, int]
    private_matching_won: int
    period_start: dt.date | None
    period_end: dt.date | None
    science_class: str
    six_t: str
    development_phase: str
    performer_type: str
    indicators: list[dict[str, Any]]
    status: Literal["draft", "submitted", "withdrawn", "selected", "not_selected"]
    submitted_at: dt.datetime | None
    attachments: list[AttachmentOut]
    version: int


class ApplicationPage(Schema):
    count: int
    items: list[ApplicationOut]
    next_offset: int | None


def _call_out(call: Call) -> dict[str, Any]:
    from rtis.config import clock

    now = clock.now()
    return {"id": call.pk, "programme": call.programme.name, "year": call.year,
            "title": call.title, "budget_won": call.budget_won, "opens_at": call.opens_at,
            "closes_at": call.closes_at, "eligibility": list(call.eligibility),
            "state": call.state,
            "is_open": call.state == "published" and call.opens_at <= now < call.closes_at,
            "stages": [{"order": s.order, "name": s.name} for s in call.stages.all()]}


def _attachment_out(row: Attachment) -> dict[str, Any]:
    return {"id": row.pk, "name": row.original_name, "size": row.size, "sha256": row.sha256,
            "uploaded_at": row.uploaded_at}


def _person_out(p: Person, organisation: Organisation) -> dict[str, Any]:
    return {"id": p.pk, "name": p.name, "organisation": organisation.name,
            "position": p.position, "department": p.department}


def _application_out(a: Application, participants: list[Person] | None = None,
                     attachments: list[Attachment] | None = None) -> dict[str, Any]:
    """The application as the API shows it; `participants` and `attachments` given when the
    caller knows them already (a draft just created), else read."""
    if participants is None:
        participants = list(a.participants.all())
    if attachments is None:
        attachments = list(a.attachments.all())
    return {"id": a.pk, "call": a.call_id, "organisation": a.organisation.name,
            "stage": a.stage.name if a.stage else None, "title": a.title, "summary": a.summary,
            "principal_investigator": a.principal_investigator, "pi": a.pi_id,
            "participants": [p.pk for p in participants],
            "team": [_person_out(p, a.organisation) for p in
                     ([a.pi] if a.pi is not None else []) + participants],
            "requested_funds": a.requested_funds,
            "private_matching_won": a.private_matching_won, "period_start": a.period_start,
            "period_end": a.period_end, "science_class": a.science_class, "six_t": a.six_t,
            "development_phase": a.development_phase, "performer_type": a.performer_type,
            "indicators": a.indicators, "status": a.status, "submitted_at": a.submitted_at,
            "attachments": [_attachment_out(f) for f in attachments],
            "version": a.version}


def _one_application_out(a: Application) -> dict[str, Any]:
    """One application's answer, its participants and files read in their own order (the
    models' default orderings join the call and the organisation to sort one application's
    rows; participants are all of the application's organisation)."""
    return _application_out(a, list(a.participants.order_by("name", "pk")),
                            list(a.attachments.order_by("uploaded_at", "pk")))


def _page(rows: QuerySet[Any], paging: Paging) -> tuple[int, list[Any], int | None]:
    count = rows.count()
    items = list(rows[paging.offset:paging.offset + paging.limit])
    following = paging.offset + len(items)
    return count, items, following if following < count else None


def _people(organisation: Organisation, pi: int | None,
            participants: list[int]) -> tuple[Person | None, list[Person]]:
    """Resolve person ids among the organisation's people (an unknown id is a 422)."""
    wanted = {*participants, *([pi] if pi else [])}
    found = {p.pk: p for p in organisation.people.filter(pk__in=wanted)}
    missing = sorted(wanted - set(found))
    if missing:
        raise ValidationError({"participants": f"이 기관의 인력이 아닙니다: {missing} / not people "
                                               f"of this organisation: {missing}"})
    return (found[pi] if pi else None), [found[p] for p in participants]


def _fields(organisation: Organisation, body: ApplicationIn) -> dict[str, Any]:
    pi, participants = _people(organisation, body.pi, body.participants)
    return {"title": body.title, "summary": body.summary, "pi": pi,
            "participants": participants, "requested_funds": body.requested_funds,
            "private_matching_won": body.private_matching_won,
            "period_start": body.period_start, "period_end": body.period_end,
            "codes": {"science_class": body.science_class, "six_t": body.six_t,
                      "development_phase": body.development_phase,
                      "performer_type": body.performer_type},
            "indicators": [i.dict() for i in body.indicators]}


def _applications_for(request: HttpRequest) -> QuerySet[Application]:
    rows = (Application.objects.select_related("organisation", "stage", "pi")
            .prefetch_related("participants", "attachments").order_by("pk"))
    if can_manage_rnd(request.user):
        return rows
    return rows.filter(organisation=applicant_organisation(request.user))


def _acting_for(request: HttpRequest, organisation_id: int | None) -> Organisation:
    """The organisation a write is for: an applicant's own (naming another is a 403), or the
    one an R&D manager names (required; an unknown id is a 404)."""
    if can_manage_rnd(request.user):
        if organisation_id is None:
            raise ValidationError({"organisation": "대리 입력할 기관(organisation)을 고르세요 / "
                                                   "name the organisation to enter it for"})
        organisation = Organisation.objects.filter(pk=organisation_id).first()
        if organisation is None:
            raise Http404(f"기관 {organisation_id}번이 없습니다 / no organisation "
                          f"{organisation_id}")
        return organisation
    organisation = applicant_organisation(request.user)
    if organisation is None or (organisation_id not in (None, organisation.pk)):
        raise PermissionDenied("자기 기관의 신청과 인력만 다룰 수 있습니다 / applicants work on their "
                               "own organisation's applications and people only")
    return organisation


# --- calls ---------------------------------------------------------------------------------------

@router.get("/calls", response={200: CallPage, 422: InvalidOut},
            summary="공고 목록 / list calls")
def list_calls(request: HttpRequest, paging: Query[Paging]) -> dict[str, Any]:
    rows = calls_for_user(request.user).prefetch_related("stages").order_by("-opens_at", "pk")
    count, items, following = _page(rows, paging)
    return {"count": count, "items": [_call_out(c) for c in items], "next_offset": following}


@router.get("/calls/{call_id}", response={200: CallOut, **FOUND}, summary="공고 / a call")
def read_call(request: HttpRequest, call_id: Id) -> dict[str, Any]:
    return _call_out(get_call_for_user(request.user, call_id))


# --- applications --------------------------------------------------------------------------------

@router.get("/applications", response={200: ApplicationPage, 401: ErrorOut, 422: InvalidOut},
            auth=session, summary="신청 목록 (신청자는 자기 기관 것만) / list applications")
def list_applications(request: HttpRequest, filters: Query[ApplicationFilter]) -> dict[str, Any]:
    rows = _applications_for(request)
    if filters.call is not None:
        rows = rows.filter(call_id=filters.call)
    count, items, following = _page(rows, filters)
    return {"count": count, "items": [_application_out(a) for a in items],
            "next_offset": following}


@router.get("/applications/{application_id}", response={200: ApplicationOut, **AUTHED},
            auth=session, summary="신청 / an application")
def read_application(request: HttpRequest, application_id: Id) -> dict[str, Any]:
    return _one_application_out(get_application_for_user(request.user, application_id))


@router.post("/calls/{call_id}/applications", response={201: ApplicationOut, **WRITE},
             auth=session, summary="신청서 작성(임시 저장) / create a draft application")
def create_application(request: HttpRequest, call_id: Id, body: NewApplicationIn) -> Any:
    call = get_call_for_user(request.user, call_id)
    organisation = _acting_for(request, body.organisation)
    fields = _fields(organisation, body)
    application = actions.do_save_application(request.user, call, organisation, **fields)
    # A new draft has no attachments yet, and no participants unless some were given.
    if fields["participants"]:
        return Status(201, _one_application_out(application))
    return Status(201, _application_out(application, [], []))


@router.put("/applications/{application_id}", response={200: ApplicationOut, **WRITE},
            auth=session, summary="신청서 저장 / save a draft application")
def save_application(request: HttpRequest, application_id: Id,
                     body: SaveApplicationIn) -> dict[str, Any]:
    application = get_application_for_user(request.user, application_id)
    organisation = application.organisation
    saved = actions.do_save_application(request.user, application.call, organisation,
                                        application, body.version, **_fields(organisation, body))
    return _one_application_out(saved)


@router.post("/applications/{application_id}/submit", response={200: ApplicationOut, **WRITE},
             auth=session, summary="신청서 제출 (마감 전) / submit before the deadline")
def submit_application(request: HttpRequest, application_id: Id,
                       body: VersionIn) -> dict[str, Any]:
    application = get_application_for_user(request.user, application_id)
    organisation, stage = application.organisation, application.stage
    submitted = actions.do_submit_application(request.user, application, body.version)
    # Reloading the row dropped the related objects read with it; submitting changes neither.
    submitted.organisation, submitted.stage = organisation, stage
    return _one_application_out(submitted)


@router.post("/applications/{application_id}/attachments",
             response={201: AttachmentOut, **WRITE}, auth=session,
             summary="첨부파일 올리기 (pdf, hwp, hwpx, docx, xlsx, zip; 20MB) / attach a file")
def attach_file(request: HttpRequest, application_id: Id,
                file: File[UploadedFile]) -> Any:
    application = get_application_for_user(request.user, application_id)
    size = file.size or 0
    data = (b"\0" * (actions.MAX_ATTACHMENT_BYTES + 1) if size > actions.MAX_ATTACHMENT_BYTES
            else file.read())
    attachment = actions.do_attach_file(request.user, application, file.name or "file", data)
    return Status(201, _attachment_out(attachment))


# --- rnd-screen: join requests to a registered organisation -------------------------------------

class JoinRequestOut(Schema):
    id: int
    organisation: str
    name: str
    position: str
    department: str
    email: str
    state: Literal["pending", "approved", "refused"]
    requested_at: dt.datetime
    confirmed_at: dt.datetime | None
    decided_at: dt.datetime | None
    reason: str = Field(description="거절 사유 / the reason for a refusal")
    version: int


class JoinRequestPage(Schema):
    count: int
    items: list[JoinRequestOut]
    next_offset: int | None


class JoinFilter(Paging):
    state: Literal["pending", "approved", "refused"] | None = Field(
        default=None, description="이 상태만 / only this state")


class JoinDecisionIn(Schema):
    version: int = Field(ge=1, le=MAX_VERSION, description="읽은 버전 / the version you read")
    approve: bool = Field(description="승인(true) 또는 거절(false) / approve or refuse")
    reason: str = Field(default="", max_length=300,
                        description="거절 사유 (거절할 때 필수) / required to refuse")


def _join_out(row: JoinRequest) -> dict[str, Any]:
    return {"id": row.pk, "organisation": row.organisation.name, "name": row.name,
            "position": row.position, "department": row.department, "email": row.email,
            "state": row.state, "requested_at": row.requested_at,
            "confirmed_at": row.confirmed_at, "decided_at": row.decided_at,
            "reason": row.reason, "version": row.version}


@router.get("/join-requests", response={200: JoinRequestPage, 401: ErrorOut, 422: InvalidOut},
            auth=session, summary="기관 가입 요청 목록 (신청자는 자기 기관 것만, 이메일 확인된 것만) / "
                                  "join requests to decide (an applicant: its organisation's)")
def list_join_requests(request: HttpRequest, filters: Query[JoinFilter]) -> dict[str, Any]:
    rows = join_requests_for_user(request.user).order_by("-requested_at", "-pk")
    if filters.state is not None:
        rows = rows.filter(state=filters.state)
    count, items, following = _page(rows, filters)
    return {"count": count, "items": [_join_out(r) for r in items], "next_offset": following}


@router.post("/join-requests/{join_id}/decision", response={200: JoinRequestOut, **WRITE},
             auth=session, summary="가입 요청 승인·거절 / approve or refuse a join request (the "
                                   "organisation's applicant, R&D managers)")
def decide_join_request(request: HttpRequest, join_id: Id,
                        body: JoinDecisionIn) -> dict[str, Any]:
    join = get_join_request_for_user(request.user, join_id)
    join = actions.do_decide_join_request(request.user, join, body.version,
                                          approve=body.approve, reason=body.reason)
    notify_decision(join, request)
    return _join_out(join)


# --- rnd-screen: the organisation's people (the PI and participants an application names) ------

@router.get("/people", response={200: PersonPage, **AUTHED, 403: ErrorOut}, auth=session,
            summary="기관 인력 (신청자: 자기 기관; 관리자: organisation 지정) / an organisation's "
                    "people, to name as PI and participants")
def list_people(request: HttpRequest, filters: Query[PersonFilter]) -> dict[str, Any]:
    organisation = _acting_for(request, filters.organisation)
    count, items, following = _page(organisation_people(organisation), filters)
    return {"count": count, "items": [_person_out(p, organisation) for p in items],
            "next_offset": following}


@router.post("/people", response={201: PersonOut, **WRITE}, auth=session,
             summary="기관 인력 추가 (한 번 입력해 신청마다 재사용) / add a person to the "
                     "organisation (entered once, named in its applications)")
def add_person(request: HttpRequest, body: PersonIn) -> Any:
    organisation = _acting_for(request, body.organisation)
    person = actions.do_add_person(request.user, organisation, name=body.name,
                                   position=body.position, department=body.department,
                                   email=body.email)
    return Status(201, _person_out(person, organisation))
