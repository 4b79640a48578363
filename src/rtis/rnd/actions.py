"""Writes to the R&D context: permission, validation, audit and one transaction each.

Every refusal names the field and the value, Korean then English. Times of the application window
are aware datetimes; a refusal names them in Asia/Seoul ("2026-03-31 18:00 KST").
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from rtis.audit.log import record_create, record_creates
from rtis.audit.versioned import update_versioned
from rtis.config import clock
from rtis.lib.bizno import BizNoError, normalise_business_number, normalise_corporate_number
from rtis.lib.kdate import MAX_YEAR, MIN_YEAR
from rtis.lib.korean import josa, particle
from rtis.lib.money import MAX_WON
from rtis.plans.models import Node
from rtis.rnd.access import require_rnd_manager
from rtis.rnd.models import (
    Application,
    ApplicationStatus,
    Call,
    CallStage,
    CallState,
    Eligibility,
    EvaluationCriterion,
    Organisation,
    OrganisationKind,
    Programme,
    ProgrammeBudget,
    ProgrammeKind,
)
from rtis.search.index import index_objects

SEOUL = ZoneInfo("Asia/Seoul")
MAX_TEXT = 8000  # characters of an RFP or an application summary
MAX_FUNDED_YEARS = 5  # a call funds at most five years from its own


def seoul_time(moment: dt.datetime) -> str:
    """Return '2026-03-31 18:00 KST' for an aware datetime."""
    return moment.astimezone(SEOUL).strftime("%Y-%m-%d %H:%M KST")


def _won(value: Any, field: str, label: str, english: str, errors: dict[str, str]) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_WON:
        errors[field] = (f"{particle(label, '은는')} 0 이상의 원 단위 정수여야 합니다: {value!r} / "
                         f"{english} must be a whole number of won, 0 or more: {value!r}")
        return 0
    return value


def _year(value: Any, field: str, errors: dict[str, str]) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not MIN_YEAR <= value <= MAX_YEAR:
        errors[field] = (f"연도는 {MIN_YEAR}~{MAX_YEAR} 사이여야 합니다: {value!r} / "
                         f"the year must be within {MIN_YEAR}–{MAX_YEAR}: {value!r}")
        return MIN_YEAR
    return value


def _text(value: Any, field: str, label: str, english: str, errors: dict[str, str], *,
          required: bool, limit: int) -> str:
    text = value.strip() if isinstance(value, str) else ""
    if required and not text:
        errors[field] = f"{particle(label, '을를')} 입력하세요 / enter {english}"
    elif len(text) > limit:
        errors[field] = (f"{particle(label, '은는')} {limit:,}자 이내여야 합니다 (입력 {len(text):,}자) / "
                         f"{english}: at most {limit:,} characters, got {len(text):,}")
    return text


@transaction.atomic
def do_create_programme(actor: Any | None, *, name: str, kind: str, operator: str = "",
                        node: Node | None = None, description: str = "",
                        budgets: Mapping[int, int] | None = None) -> Programme:
    """Create a programme (사업) with its yearly budgets; None is the system (seed)."""
    if actor is not None:
        require_rnd_manager(actor)
    errors: dict[str, str] = {}
    name = _text(name, "name", "사업명", "the programme's name", errors, required=True, limit=200)
    if kind not in ProgrammeKind.values:
        errors["kind"] = (f"사업 유형은 {', '.join(ProgrammeKind.values)} 중 하나입니다: {kind!r} / "
                          f"the kind must be one of {', '.join(ProgrammeKind.values)}: {kind!r}")
    if name and Programme.objects.filter(name=name).exists():
        errors["name"] = f"같은 이름의 사업이 이미 있습니다: '{name}' / a programme named '{name}' exists"
    rows = []
    for year, amount in sorted((budgets or {}).items()):
        rows.append((_year(year, "budgets", errors),
                     _won(amount, "budgets", f"{year}년 예산", f"the {year} budget", errors)))
    if errors:
        raise ValidationError(errors)
    programme = Programme.objects.create(name=name, kind=kind, operator=operator.strip(),
                                         node=node, description=description.strip())
    record_create(actor, programme)
    created = ProgrammeBudget.objects.bulk_create(
        [ProgrammeBudget(programme=programme, year=y, amount_won=a) for y, a in rows])
    record_creates(actor, created)
    index_objects("programme", [programme.pk])
    return programme


def _eligibility(values: Iterable[Any], errors: dict[str, str]) -> list[str]:
    chosen = list(dict.fromkeys(values))
    unknown = [v for v in chosen if v not in Eligibility.values]
    if unknown or not chosen:
        errors["eligibility"] = (f"신청 자격을 하나 이상 고르세요 ({', '.join(Eligibility.values)}): "
                                 f"{unknown or '없음'} / choose at least one eligibility among "
                                 f"{', '.join(Eligibility.values)}: {unknown or 'none'}")
    return [v for v in Eligibility.values if v in chosen]


def _check_stages(stages: list[dict[str, Any]], errors: dict[str, str]) -> None:
    if not stages:
        errors["stages"] = "평가 단계가 하나 이상 필요합니다 / a call needs at least one stage"
        return
    for number, stage in enumerate(stages, start=1):
        criteria = stage.get("criteria") or []
        label = stage.get("name") or f"{number}단계"
        if not str(stage.get("name") or "").strip():
            errors[f"stages[{number}].name"] = (f"{number}단계의 이름을 입력하세요 / "
                                                f"stage {number} needs a name")
        weights = [c.get("weight") for c in criteria]
        if not criteria or any(not isinstance(w, int) or isinstance(w, bool) or w <= 0
                               for w in weights) or sum(weights) != 100:
            errors[f"stages[{number}].criteria"] = (
                f"'{label}'의 평가항목 가중치는 양의 정수로 합이 100이어야 합니다: {weights} / "
                f"the criteria weights of '{label}' must be positive and add up to 100: {weights}")
        for c in criteria:
            score = c.get("max_score")
            if not isinstance(score, int) or isinstance(score, bool) or not 1 <= score <= 1000:
                errors[f"stages[{number}].criteria"] = (
                    f"'{label}'의 배점은 1~1000 사이의 정수여야 합니다: {score!r} / the maximum "
                    f"score of a criterion of '{label}' must be 1–1000: {score!r}")


@transaction.atomic
def do_create_call(actor: Any | None, programme: Programme, *, year: int, title: str,
                   budget_won: int, opens_at: dt.datetime, closes_at: dt.datetime,
                   eligibility: Iterable[str], stages: list[dict[str, Any]],
                   rfp: str = "") -> Call:
    """Create a draft call with its stages and their criteria (weights add up to 100)."""
    if actor is not None:
        require_rnd_manager(actor)
    errors: dict[str, str] = {}
    title = _text(title, "title", "공고명", "the call's title", errors, required=True, limit=200)
    rfp = _text(rfp, "rfp", "제안요청 내용", "the RFP", errors, required=False, limit=MAX_TEXT)
    year = _year(year, "year", errors)
    budget_won = _won(budget_won, "budget_won", "지원 예산", "the budget", errors)
    chosen = _eligibility(eligibility, errors)
    for field, moment in (("opens_at", opens_at), ("closes_at", closes_at)):
        if not isinstance(moment, dt.datetime) or moment.tzinfo is None:
            errors[field] = (f"접수 시각은 시간대가 있는 일시여야 합니다: {moment!r} / "
                             f"the window needs timezone-aware times: {moment!r}")
    if "opens_at" not in errors and "closes_at" not in errors and closes_at <= opens_at:
        errors["closes_at"] = (f"접수 마감({seoul_time(closes_at)})은 접수 시작"
                               f"({seoul_time(opens_at)}) 뒤여야 합니다 / the call must close "
                               f"({seoul_time(closes_at)}) after it opens ({seoul_time(opens_at)})")
    _check_stages(stages, errors)
    if errors:
        raise ValidationError(errors)
    call = Call.objects.create(programme=programme, year=year, title=title, budget_won=budget_won,
                               opens_at=opens_at, closes_at=closes_at, rfp=rfp,
                               eligibility=chosen)
    record_create(actor, call)
    for order, stage in enumerate(stages, start=1):
        row = CallStage.objects.create(call=call, order=order, name=str(stage["name"]).strip())
        record_create(actor, row)
        criteria = EvaluationCriterion.objects.bulk_create([
            EvaluationCriterion(stage=row, order=n, name=str(c["name"]).strip(),
                                weight=c["weight"], max_score=c["max_score"])
            for n, c in enumerate(stage["criteria"], start=1)])
        record_creates(actor, criteria)
    index_objects("call", [call.pk])
    return call


@transaction.atomic
def do_publish_call(actor: Any, call: Call, expected_version: int) -> Call:
    """Publish a draft call (공고): the public sees it from now; refuses a stale version."""
    require_rnd_manager(actor)
    if call.state != CallState.DRAFT:
        raise ValidationError({"state": f"작성중인 공고만 게시할 수 있습니다: '{call}' "
                                        f"({call.get_state_display()}) / only a draft call can be "
                                        f"published: '{call}' ({call.state})"})
    if call.closes_at <= clock.now():
        raise ValidationError({"closes_at": f"접수 마감({seoul_time(call.closes_at)})이 지난 "
                                            f"공고는 게시할 수 없습니다 / the call closed "
                                            f"({seoul_time(call.closes_at)}): it cannot be published"})
    call = update_versioned(actor, call, expected_version,
                            {"state": CallState.PUBLISHED, "published_at": clock.now()})
    index_objects("call", [call.pk])  # the public finds it from now
    return call


@transaction.atomic
def do_create_organisation(actor: Any | None, *, name: str, kind: str, business_number: str = "",
                           corporate_number: str = "") -> Organisation:
    """Create an applicant organisation, its numbers checked by their check digits."""
    if actor is not None:
        require_rnd_manager(actor)
    errors: dict[str, str] = {}
    name = _text(name, "name", "기관명", "the organisation's name", errors, required=True,
                 limit=200)
    if kind not in OrganisationKind.values:
        errors["kind"] = (f"기관 유형은 {', '.join(OrganisationKind.values)} 중 하나입니다: {kind!r} / "
                          f"the kind must be one of {', '.join(OrganisationKind.values)}: {kind!r}")
    business = ""
    if business_number.strip():
        try:
            business = normalise_business_number(business_number)
        except BizNoError as exc:
            errors["business_number"] = str(exc)
    elif kind != OrganisationKind.PRE_FOUNDER:
        errors["business_number"] = ("사업자등록번호를 입력하세요 (예비창업자만 생략) / enter the "
                                     "business registration number (only pre-founders have none)")
    corporate = ""
    if corporate_number.strip():
        try:
            corporate = normalise_corporate_number(corporate_number)
        except BizNoError as exc:
            errors["corporate_number"] = str(exc)
    if business and Organisation.objects.filter(business_number=business).exists():
        errors["business_number"] = (f"사업자등록번호 {business_number}의 기관이 이미 있습니다 / "
                                     f"an organisation with business number {business_number} "
                                     f"exists")
    if errors:
        raise ValidationError(errors)
    organisation = Organisation.objects.create(name=name, kind=kind, business_number=business,
                                               corporate_number=corporate)
    record_create(actor, organisation)
    return organisation


def _requested_funds(call: Call, funds: Mapping[Any, Any], errors: dict[str, str]) -> dict[str, int]:
    clean: dict[str, int] = {}
    last = call.year + MAX_FUNDED_YEARS - 1
    for raw_year, amount in funds.items():
        year = int(raw_year) if str(raw_year).isdigit() else None
        if year is None or not call.year <= year <= last:
            errors["requested_funds"] = (f"신청 시비의 연도는 {call.year}~{last}년이어야 합니다: "
                                         f"{raw_year!r} / the years of the requested funds must be "
                                         f"within {call.year}–{last}: {raw_year!r}")
            continue
        clean[str(year)] = _won(amount, "requested_funds", f"{year}년 신청 시비",
                                f"the city funds requested for {year}", errors)
    return dict(sorted(clean.items()))


def _application_fields(call: Call, *, title: Any, summary: Any, principal_investigator: Any,
                        requested_funds: Mapping[Any, Any], private_matching_won: Any
                        ) -> dict[str, Any]:
    errors: dict[str, str] = {}
    fields = {
        "title": _text(title, "title", "과제명", "the title", errors, required=True, limit=200),
        "summary": _text(summary, "summary", "과제 요약", "the summary", errors, required=False,
                         limit=MAX_TEXT),
        "principal_investigator": _text(principal_investigator, "principal_investigator",
                                        "연구책임자", "the principal investigator", errors,
                                        required=True, limit=100),
        "requested_funds": _requested_funds(call, requested_funds, errors),
        "private_matching_won": _won(private_matching_won, "private_matching_won", "민간부담금",
                                     "the private matching funds", errors),
    }
    if errors:
        raise ValidationError(errors)
    return fields


def _require_open(call: Call, verb: str, english: str) -> None:
    """Refuse unless the call is published and its window is open now."""
    now = clock.now()
    if call.state != CallState.PUBLISHED:
        raise ValidationError({"call": f"공고중인 공고가 아니어서 {verb} 수 없습니다: '{call}' / "
                                       f"'{call}' is not open for applications: cannot {english}"})
    if now < call.opens_at:
        raise ValidationError({"call": f"접수 시작({seoul_time(call.opens_at)}) 전이어서 {verb} 수 "
                                       f"없습니다 / applications open at "
                                       f"{seoul_time(call.opens_at)}: cannot {english} yet"})
    if now >= call.closes_at:
        raise ValidationError({"call": f"접수 마감({seoul_time(call.closes_at)})이 지나 {verb} 수 "
                                       f"없습니다 (지금 {seoul_time(now)}) / the call closed at "
                                       f"{seoul_time(call.closes_at)} (now {seoul_time(now)}): "
                                       f"cannot {english}"})


@transaction.atomic
def do_save_application(actor: Any, call: Call, organisation: Organisation,
                        application: Application | None = None,
                        expected_version: int | None = None, *, title: str, summary: str = "",
                        principal_investigator: str, requested_funds: Mapping[Any, Any],
                        private_matching_won: int = 0) -> Application:
    """Create or update a draft application (entered by a planner on the applicant's behalf)."""
    require_rnd_manager(actor)
    _require_open(call, "저장할", "save an application")
    fields = _application_fields(call, title=title, summary=summary,
                                 principal_investigator=principal_investigator,
                                 requested_funds=requested_funds,
                                 private_matching_won=private_matching_won)
    if application is None:
        if Application.objects.filter(call=call, organisation=organisation).exclude(
                status=ApplicationStatus.WITHDRAWN).exists():
            raise ValidationError({"organisation": f"'{organisation}'{josa(organisation, '은는')} 이 공고에 이미 신청했습니다 / "
                                                   f"'{organisation}' has already applied to "
                                                   f"this call"})
        try:
            with transaction.atomic():
                created = Application.objects.create(call=call, organisation=organisation,
                                                     created_by=actor, **fields)
        except IntegrityError as exc:  # the same organisation saved at the same moment
            raise ValidationError({"organisation": f"'{organisation}'{josa(organisation, '은는')} 이 공고에 이미 "
                                                   f"신청했습니다 / '{organisation}' has already "
                                                   f"applied to this call"}) from exc
        record_create(actor, created)
        return created
    if application.call_id != call.pk or application.organisation_id != organisation.pk:
        raise ValidationError({"application": "다른 공고나 기관의 신청입니다 / the application "
                                              "belongs to another call or organisation"})
    if application.status != ApplicationStatus.DRAFT:
        raise ValidationError({"status": f"작성중인 신청만 고칠 수 있습니다: '{application}' "
                                         f"({application.get_status_display()}) / only a draft "
                                         f"can be changed: '{application}' ({application.status})"})
    if expected_version is None:
        raise ValidationError({"version": "저장하려면 읽은 버전이 필요합니다 / the version read "
                                          "is required to save"})
    return update_versioned(actor, application, expected_version, fields)


@transaction.atomic
def do_submit_application(actor: Any, application: Application,
                          expected_version: int) -> Application:
    """Submit a draft before the call closes, for an organisation the call admits."""
    require_rnd_manager(actor)
    call = application.call
    _require_open(call, "제출할", "submit")
    if application.status != ApplicationStatus.DRAFT:
        raise ValidationError({"status": f"작성중인 신청만 제출할 수 있습니다: '{application}' "
                                         f"({application.get_status_display()}) / only a draft "
                                         f"can be submitted: '{application}' "
                                         f"({application.status})"})
    organisation = application.organisation
    if organisation.kind not in call.eligibility:
        allowed = ", ".join(call.eligibility_labels())
        kind_label = str(organisation.get_kind_display())
        raise ValidationError({"organisation": (
            f"'{organisation}'({kind_label}){josa(kind_label, '은는')} 이 공고의 신청 자격"
            f"({allowed})이 없습니다 / '{organisation}' ({organisation.kind}) is not eligible: "
            f"the call admits {', '.join(call.eligibility)}")})
    if not application.requested_funds or application.requested_total_won <= 0:
        raise ValidationError({"requested_funds": "신청 시비를 한 해 이상 입력해야 제출할 수 있습니다 / "
                                                  "enter the city funds requested for at least "
                                                  "one year before submitting"})
    return update_versioned(actor, application, expected_version,
                            {"status": ApplicationStatus.SUBMITTED,
                             "submitted_at": clock.now()})
