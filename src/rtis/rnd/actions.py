"""Writes to the R&D context: permission, validation, audit and one transaction each.

Every refusal names the field and the value, Korean then English. Times of the application window
are aware datetimes; a refusal names them in Asia/Seoul ("2026-03-31 18:00 KST").
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable, Mapping
from typing import Any
from zoneinfo import ZoneInfo

from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.validators import validate_email
from django.db import IntegrityError, transaction

from rtis.audit.log import field_values, record_change, record_create, record_creates, record_delete
from rtis.audit.versioned import update_versioned
from rtis.config import clock
from rtis.lib.bizno import BizNoError, normalise_business_number, normalise_corporate_number
from rtis.lib.filesig import FileTypeError, check_upload, safe_display_name
from rtis.lib.kdate import MAX_YEAR, MIN_YEAR
from rtis.lib.korean import josa, particle
from rtis.lib.money import MAX_WON
from rtis.lib.numbers import ascii_int
from rtis.orgs.models import Role
from rtis.plans.models import Node
from rtis.refdata.queries import PERFORMER, RND_STAGE, SCIENCE_CLASS, SIX_T, resolve
from rtis.rnd.access import require_act_for, require_rnd_manager
from rtis.rnd.importing import SHEET, ImportRefused, Problem, Row, read_applications
from rtis.rnd.models import (
    ATTACHMENTS,
    Applicant,
    Application,
    ApplicationStatus,
    Attachment,
    Call,
    CallStage,
    CallState,
    Eligibility,
    EvaluationCriterion,
    JoinRequest,
    JoinState,
    Organisation,
    OrganisationKind,
    Person,
    Programme,
    ProgrammeBudget,
    ProgrammeKind,
    attachment_name,
)
from rtis.search.index import index_objects

SEOUL = ZoneInfo("Asia/Seoul")
MAX_TEXT = 8000  # characters of an RFP or an application summary
MAX_FUNDED_YEARS = 5  # a call funds at most five years from its own
MAX_INDICATORS = 10
MAX_PARTICIPANTS = 30
MAX_PEOPLE = 500  # people of one organisation
MAX_ATTACHMENTS = 10  # files of one application
MAX_ATTACHMENT_BYTES = 20 * 1024 * 1024
CONFIRM_SALT = "rtis.rnd.applicant-confirm"
CONFIRM_MAX_AGE = 3 * 24 * 3600  # seconds an e-mail confirmation link stays valid
# The rtis.refdata code list of each classification field.
CODE_LISTS = {"science_class": SCIENCE_CLASS, "six_t": SIX_T, "development_phase": RND_STAGE,
              "performer_type": PERFORMER}
# The NTIS classification fields of an application: (Korean label, English).
CODE_FIELDS = {
    "science_class": ("과학기술표준분류", "the national S&T standard classification"),
    "six_t": ("6T 분류", "the 6T classification"),
    "development_phase": ("연구개발단계", "the R&D phase"),
    "performer_type": ("연구수행주체", "the performing organisation type"),
}


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
        year = ascii_int(str(raw_year))
        if year is None or not call.year <= year <= last:
            errors["requested_funds"] = (f"신청 시비의 연도는 {call.year}~{last}년이어야 합니다: "
                                         f"{raw_year!r} / the years of the requested funds must be "
                                         f"within {call.year}–{last}: {raw_year!r}")
            continue
        clean[str(year)] = _won(amount, "requested_funds", f"{year}년 신청 시비",
                                f"the city funds requested for {year}", errors)
    return dict(sorted(clean.items()))


def _code(value: Any, field: str, label: str, english: str, errors: dict[str, str]) -> str:
    """A classification code: blank, or a code (or its name) of the field's NTIS code list in
    force today (rtis.refdata); stored as the list's code."""
    code = value.strip() if isinstance(value, str) else ""
    if not code:
        return ""
    if len(code) > 50:
        errors[field] = f"{label} 코드가 너무 깁니다 / the code of {english} is too long"
        return ""
    found = resolve(CODE_LISTS[field], code)
    if found is None:
        errors[field] = (f"{label} 코드표(현행)에 없는 값입니다: {code!r} / {code!r} is not in the "
                         f"current code list of {english}")
        return ""
    return found.code


def _indicators(values: Any, errors: dict[str, str]) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for number, item in enumerate(values or [], start=1):
        name = str(item.get("name", "")).strip() if isinstance(item, Mapping) else ""
        unit = str(item.get("unit", "")).strip() if isinstance(item, Mapping) else ""
        target = item.get("target") if isinstance(item, Mapping) else None
        if not name and not unit and target in (None, ""):
            continue  # an empty line of the form
        if not name or len(name) > 100 or len(unit) > 20:
            errors["indicators"] = (f"{number}번째 성과지표의 이름(100자 이내)과 단위(20자 이내)를 "
                                    f"확인하세요 / indicator {number}: a name (≤ 100 characters) "
                                    f"and a unit (≤ 20) are needed")
        elif isinstance(target, bool) or not isinstance(target, int) or not 0 <= target <= MAX_WON:
            errors["indicators"] = (f"{number}번째 성과지표 '{name}'의 목표는 0 이상의 정수여야 "
                                    f"합니다: {target!r} / indicator {number} '{name}': the "
                                    f"target must be a whole number, 0 or more: {target!r}")
        else:
            rows.append({"name": name, "unit": unit, "target": target})
    if len(rows) > MAX_INDICATORS:
        errors["indicators"] = (f"성과지표는 {MAX_INDICATORS}개까지입니다 ({len(rows)}개) / at "
                                f"most {MAX_INDICATORS} indicators ({len(rows)})")
    return rows


def _period(call: Call, start: Any, end: Any, funds: Mapping[str, int],
            errors: dict[str, str]) -> tuple[dt.date | None, dt.date | None]:
    if start is None and end is None:
        return None, None
    if not isinstance(start, dt.date) or not isinstance(end, dt.date) or end < start:
        errors["period_end"] = (f"수행 기간은 시작일과 그 뒤의 종료일이 필요합니다: {start} ~ {end} / "
                                f"the period needs a start and a later end: {start} – {end}")
        return None, None
    last = call.year + MAX_FUNDED_YEARS - 1
    if start.year < call.year or end.year > last:
        errors["period_end"] = (f"수행 기간은 {call.year}~{last}년 안이어야 합니다: {start} ~ {end} / "
                                f"the period must lie within {call.year}–{last}: {start} – {end}")
    outside = [y for y in funds if not start.year <= int(y) <= end.year]
    if outside:
        errors["requested_funds"] = (f"신청 시비의 연도 {', '.join(outside)}년이 수행 기간({start} ~ "
                                     f"{end}) 밖입니다 / the funds for {', '.join(outside)} lie "
                                     f"outside the period {start} – {end}")
    return start, end


def _people(organisation: Organisation, pi: Person | None, participants: Iterable[Person],
            errors: dict[str, str]) -> list[Person]:
    chosen = list(dict.fromkeys(participants))
    foreign = [p for p in [pi, *chosen] if p is not None and p.organisation_id != organisation.pk]
    if foreign:
        errors["participants"] = (f"다른 기관의 인력입니다: {', '.join(p.name for p in foreign)} / "
                                  f"people of another organisation: "
                                  f"{', '.join(p.name for p in foreign)}")
    if len(chosen) > MAX_PARTICIPANTS:
        errors["participants"] = (f"참여 인력은 {MAX_PARTICIPANTS}명까지입니다 / at most "
                                  f"{MAX_PARTICIPANTS} participants")
    return [p for p in chosen if p != pi]


def _application_fields(call: Call, organisation: Organisation, *, title: Any, summary: Any,
                        principal_investigator: Any, pi: Person | None,
                        requested_funds: Mapping[Any, Any], private_matching_won: Any,
                        period_start: Any, period_end: Any, codes: Mapping[str, Any],
                        indicators: Any) -> dict[str, Any]:
    errors: dict[str, str] = {}
    fields: dict[str, Any] = {
        "title": _text(title, "title", "과제명", "the title", errors, required=True, limit=200),
        "summary": _text(summary, "summary", "과제 요약", "the summary", errors, required=False,
                         limit=MAX_TEXT),
        "principal_investigator": _text(pi.name if pi is not None else principal_investigator,
                                        "pi", "연구책임자", "the principal investigator", errors,
                                        required=True, limit=100),
        "pi": pi,
        "requested_funds": _requested_funds(call, requested_funds, errors),
        "private_matching_won": _won(private_matching_won, "private_matching_won", "민간부담금",
                                     "the private matching funds", errors),
        "indicators": _indicators(indicators, errors),
    }
    fields["period_start"], fields["period_end"] = _period(
        call, period_start, period_end, fields["requested_funds"], errors)
    for field, (label, english) in CODE_FIELDS.items():
        fields[field] = _code(codes.get(field, ""), field, label, english, errors)
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


def _duplicate(organisation: Organisation) -> ValidationError:
    return ValidationError({"organisation": f"'{organisation}'{josa(str(organisation), '은는')} "
                                            f"이 공고(단계)에 이미 신청했습니다 / '{organisation}' "
                                            f"has already applied to this call and stage"})


@transaction.atomic
def do_save_application(actor: Any, call: Call, organisation: Organisation,
                        application: Application | None = None,
                        expected_version: int | None = None, *, title: str, summary: str = "",
                        principal_investigator: str = "", pi: Person | None = None,
                        participants: Iterable[Person] = (),
                        requested_funds: Mapping[Any, Any], private_matching_won: int = 0,
                        period_start: dt.date | None = None, period_end: dt.date | None = None,
                        codes: Mapping[str, Any] | None = None,
                        indicators: Iterable[Mapping[str, Any]] = ()) -> Application:
    """Create or update a draft application, by the organisation's applicant or an R&D manager.

    The PI and participants are the organisation's people (`pi` wins over the typed name);
    `codes` holds the NTIS classification codes by field name.
    """
    require_act_for(actor, organisation)
    _require_open(call, "저장할", "save an application")
    errors: dict[str, str] = {}
    team = _people(organisation, pi, participants, errors)
    if errors:
        raise ValidationError(errors)
    fields = _application_fields(call, organisation, title=title, summary=summary,
                                 principal_investigator=principal_investigator, pi=pi,
                                 requested_funds=requested_funds,
                                 private_matching_won=private_matching_won,
                                 period_start=period_start, period_end=period_end,
                                 codes=codes or {}, indicators=list(indicators))
    if application is None:
        stage = call.stages.order_by("order").first()
        live = Application.objects.filter(call=call, organisation=organisation, stage=stage)
        if live.exclude(status=ApplicationStatus.WITHDRAWN).exists():
            raise _duplicate(organisation)
        try:
            with transaction.atomic():
                created = Application.objects.create(call=call, organisation=organisation,
                                                     stage=stage, created_by=actor, **fields)
        except IntegrityError as exc:  # the same organisation saved at the same moment
            raise _duplicate(organisation) from exc
        if team:  # a new draft has none yet: nothing to read back before adding
            created.participants.add(*team)
        record_create(actor, created, fields={**field_values(created),
                                              "participants": [p.pk for p in team]})
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
    before = sorted(application.participants.values_list("pk", flat=True))
    saved = update_versioned(actor, application, expected_version, fields)
    after = sorted(p.pk for p in team)
    if before != after:
        saved.participants.set(team)
        record_change(actor, saved, {"participants": [before, after]})
    return saved


@transaction.atomic
def do_submit_application(actor: Any, application: Application,
                          expected_version: int) -> Application:
    """Submit a draft before the call closes, for an organisation the call admits."""
    require_act_for(actor, application.organisation)
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


def _check_attachable(application: Application, *, count: bool = True) -> None:
    _require_open(application.call, "첨부할", "attach a file")
    if application.status != ApplicationStatus.DRAFT:
        raise ValidationError({"file": f"작성중인 신청에만 첨부할 수 있습니다 ({application.get_status_display()}) "
                                       f"/ files can be attached to a draft only "
                                       f"({application.status})"})
    if count and application.attachments.count() >= MAX_ATTACHMENTS:
        raise ValidationError({"file": f"첨부파일은 {MAX_ATTACHMENTS}개까지입니다 / at most "
                                       f"{MAX_ATTACHMENTS} files"})


def do_attach_file(actor: Any, application: Application, name: str, data: bytes) -> Attachment:
    """Attach a file to a draft while the call is open: size and type checked by content.

    The costly part (type check, hash, writing the file) runs before the transaction, so the
    database's write lock is held only for the row (SQLite serialises writers: at a deadline a
    megabyte written under the lock made other applicants wait); the rules are checked again
    inside it, and the file is removed if the row is not saved.
    """
    require_act_for(actor, application.organisation)
    # The number of files is counted once, under the row lock below (a query less per upload;
    # an eleventh file is written, refused there and removed).
    _check_attachable(application, count=False)
    try:
        extension = f".{check_upload(name, data, MAX_ATTACHMENT_BYTES)}"
    except FileTypeError as exc:
        raise ValidationError({"file": str(exc)}) from exc
    digest = hashlib.sha256(data).hexdigest()
    stored = ATTACHMENTS.save(attachment_name(application.pk, extension), ContentFile(data))
    try:
        with transaction.atomic():
            current = Application.objects.select_for_update().select_related("call").get(
                pk=application.pk)
            _check_attachable(current)
            attachment = Attachment.objects.create(
                application=current, original_name=safe_display_name(name),
                extension=extension, size=len(data), sha256=digest,
                uploaded_by=actor, uploaded_at=clock.now(), stored_name=stored)
            record_create(actor, attachment, fields={"application": application.pk,
                                                     "original_name": attachment.original_name,
                                                     "size": attachment.size,
                                                     "sha256": attachment.sha256})
    except BaseException:
        ATTACHMENTS.delete(stored)
        raise
    return attachment


@transaction.atomic
def do_remove_attachment(actor: Any, attachment: Attachment) -> None:
    """Remove a draft's attachment while the call is open (the file goes once committed)."""
    application = attachment.application
    require_act_for(actor, application.organisation)
    _require_open(application.call, "삭제할", "remove a file")
    if application.status != ApplicationStatus.DRAFT:
        raise ValidationError({"file": "작성중인 신청의 첨부파일만 지울 수 있습니다 / only a "
                                       "draft's files can be removed"})
    stored = attachment.stored_name
    record_delete(actor, attachment)
    attachment.delete()
    transaction.on_commit(lambda: ATTACHMENTS.delete(stored))


@transaction.atomic
def do_close_call(actor: Any, call: Call, expected_version: int) -> Call:
    """Close a published call once its deadline has passed (마감): no more applications."""
    require_rnd_manager(actor)
    if call.state != CallState.PUBLISHED:
        raise ValidationError({"state": f"공고중인 공고만 마감할 수 있습니다: '{call}' "
                                        f"({call.get_state_display()}) / only a published call "
                                        f"can be closed: '{call}' ({call.state})"})
    now = clock.now()
    if now < call.closes_at:
        raise ValidationError({"closes_at": f"접수 마감({seoul_time(call.closes_at)}) 전에는 마감할 "
                                            f"수 없습니다 (지금 {seoul_time(now)}) / the call "
                                            f"cannot be closed before its deadline "
                                            f"{seoul_time(call.closes_at)} (now {seoul_time(now)})"})
    return update_versioned(actor, call, expected_version, {"state": CallState.CLOSED})


# Applicant accounts ---------------------------------------------------------------------------

def confirmation_token(user: Any) -> str:
    """Return the signed token of an applicant's confirmation link (tied to user and e-mail)."""
    return signing.dumps({"u": user.pk, "e": user.email}, salt=CONFIRM_SALT, compress=True)


@transaction.atomic
def do_sign_up_applicant(*, username: str, password: str, email: str, name: str,
                         department: str = "", position: str = "", organisation_name: str,
                         kind: str, business_number: str = "",
                         corporate_number: str = "") -> Applicant:
    """Sign up an applicant (public): an inactive account, its organisation and its first person.

    The account signs in only after its e-mail link is opened (do_confirm_applicant).
    """
    errors: dict[str, str] = {}
    email = _email(email, errors)
    person_name = _text(name, "name", "성명", "your name", errors, required=True, limit=100)
    try:
        organisation = do_create_organisation(None, name=organisation_name, kind=kind,
                                              business_number=business_number,
                                              corporate_number=corporate_number)
    except ValidationError as exc:
        for field, messages in exc.message_dict.items():
            errors[field if field != "name" else "organisation_name"] = messages[0]
        organisation = None
    if errors or organisation is None:
        raise ValidationError(errors)
    user = _applicant_user(username, password, email, person_name)
    applicant = Applicant.objects.create(user=user, organisation=organisation)
    record_create(None, applicant, fields={"user": user.username,
                                           "organisation": organisation.pk})
    do_add_person(None, organisation, name=person_name, department=department,
                  position=position, email=email)
    return applicant


def _email(value: Any, errors: dict[str, str]) -> str:
    email = value.strip() if isinstance(value, str) else ""
    try:
        validate_email(email)
    except ValidationError:
        errors["email"] = f"이메일 주소가 올바르지 않습니다: {email!r} / not an e-mail address: {email!r}"
    return email


def _applicant_user(username: str, password: str, email: str, name: str,
                    *, active: bool = False) -> Any:
    from rtis.orgs.actions import do_create_user
    from rtis.orgs.models import Role

    user = do_create_user(None, username.strip(), password, Role.APPLICANT, email=email)
    user.first_name = name[:150]
    user.is_active = active
    user.save(update_fields=["first_name", "is_active"])
    return user


def _signed_payload(token: str, salt: str) -> Any:
    """The payload of a signed e-mail link (sign-up or join request), or the reason it is refused."""
    try:
        payload = signing.loads(token, salt=salt, max_age=CONFIRM_MAX_AGE)
    except signing.SignatureExpired as exc:
        raise ValidationError({"token": "확인 링크의 유효 기간(3일)이 지났습니다 / the confirmation "
                                        "link has expired (3 days)"}) from exc
    except signing.BadSignature as exc:
        raise ValidationError({"token": "확인 링크가 올바르지 않습니다 / the confirmation link is "
                                        "not valid"}) from exc
    return payload


@transaction.atomic
def do_confirm_applicant(token: str) -> Applicant:
    """Confirm an applicant's e-mail by its signed link: the account may sign in from now."""
    payload = _signed_payload(token, CONFIRM_SALT)
    applicant = (Applicant.objects.select_for_update().select_related("user")
                 .filter(user_id=payload.get("u"), user__email=payload.get("e")).first())
    if applicant is None:
        raise ValidationError({"token": "확인 링크가 올바르지 않습니다 / the confirmation link is "
                                        "not valid"})
    if applicant.confirmed_at is None:
        applicant.confirmed_at = clock.now()
        applicant.save(update_fields=["confirmed_at"])
        applicant.user.is_active = True
        applicant.user.save(update_fields=["is_active"])
        record_change(None, applicant, {"confirmed_at": [None, applicant.confirmed_at]},
                      reason="e-mail confirmed")
    return applicant


@transaction.atomic
def do_link_applicant(actor: Any, organisation: Organisation, user: Any) -> Applicant:
    """Tie an existing applicant account to an organisation, confirmed (an R&D manager's act)."""
    require_rnd_manager(actor)
    if getattr(user, "role", "") != Role.APPLICANT:
        raise ValidationError({"user": f"신청자 역할의 사용자만 연결할 수 있습니다: {user} / only a "
                                       f"user with the applicant role can be linked: {user}"})
    existing = Applicant.objects.filter(user=user).first()
    if existing is not None:
        if existing.organisation_id != organisation.pk:
            raise ValidationError({"user": f"{user}은(는) 이미 다른 기관의 신청자입니다 / {user} "
                                           "already acts for another organisation"})
        return existing
    applicant = Applicant.objects.create(user=user, organisation=organisation,
                                         confirmed_at=clock.now())
    record_create(actor, applicant, fields={"user": user.username,
                                            "organisation": organisation.pk})
    return applicant


@transaction.atomic
def do_create_applicant(actor: Any, organisation: Organisation, *, username: str, password: str,
                        email: str, name: str, department: str = "",
                        position: str = "") -> Applicant:
    """Create a confirmed applicant account for an organisation (an R&D manager's act)."""
    require_rnd_manager(actor)
    errors: dict[str, str] = {}
    email = _email(email, errors)
    person_name = _text(name, "name", "성명", "the person's name", errors, required=True,
                        limit=100)
    if errors:
        raise ValidationError(errors)
    user = _applicant_user(username, password, email, person_name, active=True)
    applicant = Applicant.objects.create(user=user, organisation=organisation,
                                         confirmed_at=clock.now())
    record_create(actor, applicant, fields={"user": user.username,
                                            "organisation": organisation.pk})
    if not organisation.people.filter(email__iexact=email).exists():
        do_add_person(actor, organisation, name=person_name, department=department,
                      position=position, email=email)
    return applicant


@transaction.atomic
def do_register_applicant(actor: Any, *, username: str, password: str, email: str, name: str,
                          department: str = "", position: str = "", organisation_name: str,
                          kind: str, business_number: str = "",
                          corporate_number: str = "") -> Applicant:
    """Create a confirmed applicant account (an R&D manager's act) for the organisation with this
    business number, registering the organisation first when it is new."""
    require_rnd_manager(actor)
    organisation = None
    if business_number.strip():
        try:
            bare = normalise_business_number(business_number)
        except BizNoError as exc:
            raise ValidationError({"business_number": str(exc)}) from exc
        organisation = Organisation.objects.filter(business_number=bare).first()
    if organisation is None:
        organisation = do_create_organisation(actor, name=organisation_name, kind=kind,
                                              business_number=business_number,
                                              corporate_number=corporate_number)
    return do_create_applicant(actor, organisation, username=username, password=password,
                               email=email, name=name, department=department,
                               position=position)


@transaction.atomic
def do_add_person(actor: Any | None, organisation: Organisation, *, name: str,
                  position: str = "", department: str = "", email: str = "") -> Person:
    """Add a person to an organisation (kept for its later applications, never retyped)."""
    if actor is not None:
        require_act_for(actor, organisation)
    errors: dict[str, str] = {}
    name = _text(name, "name", "성명", "the name", errors, required=True, limit=100)
    position = _text(position, "position", "직위·역할", "the position", errors, required=False,
                     limit=100)
    department = _text(department, "department", "부서·학과", "the department", errors,
                       required=False, limit=100)
    if email.strip():
        email = _email(email, errors)
    if organisation.people.count() >= MAX_PEOPLE:
        errors["name"] = (f"한 기관의 인력은 {MAX_PEOPLE}명까지입니다 / an organisation holds at "
                          f"most {MAX_PEOPLE} people")
    if errors:
        raise ValidationError(errors)
    person = Person.objects.create(organisation=organisation, name=name, position=position,
                                   department=department, email=email.strip())
    record_create(actor, person)
    return person


# Import -----------------------------------------------------------------------------------------

def _import_row(actor: Any, call: Call, row: Row) -> Application:
    values = row.values
    business = values.get("business_number", "")
    organisation = None
    if business:
        try:
            organisation = Organisation.objects.filter(
                business_number=normalise_business_number(business)).first()
        except BizNoError as exc:
            raise ValidationError({"business_number": str(exc)}) from exc
    if organisation is None:
        organisation = do_create_organisation(actor, name=values["organisation_name"],
                                              kind=values["kind"], business_number=business)
    pi = organisation.people.filter(name=values["pi_name"]).first() or do_add_person(
        actor, organisation, name=values["pi_name"], department=values.get("pi_department", ""),
        email=values.get("pi_email", ""))
    application = do_save_application(
        actor, call, organisation, title=values["title"], summary=values.get("summary", ""),
        pi=pi, requested_funds=row.funds,
        private_matching_won=values.get("private_matching_won", 0),
        period_start=values.get("period_start"), period_end=values.get("period_end"),
        codes={f: values.get(f, "") for f in CODE_FIELDS})
    return do_submit_application(actor, application, application.version)


# An action's field name -> the import row's field (whose column the problem names).
IMPORT_FIELDS = {"pi": "pi_name", "name": "organisation_name", "organisation": "organisation_name",
                 "email": "pi_email", "department": "pi_department"}


def do_import_applications(actor: Any, call: Call, file_name: str, data: bytes, *,
                           dry_run: bool = False) -> list[Application]:
    """Import received applications from XLSX, submitted, all or nothing.

    Raises ImportRefused naming file, sheet, row, column and reason for every problem found;
    with `dry_run` everything is checked and nothing is kept.
    """
    require_rnd_manager(actor)
    rows = read_applications(data, file_name)
    problems: list[Problem] = []
    created: list[Application] = []
    with transaction.atomic():
        for row in rows:
            try:
                with transaction.atomic():
                    created.append(_import_row(actor, call, row))
            except ValidationError as exc:
                named = exc.message_dict if hasattr(exc, "error_dict") else {"": exc.messages}
                for name, texts in named.items():
                    field = IMPORT_FIELDS.get(name, name)
                    column = row.columns.get(field, "")
                    problems.extend(Problem(file_name, SHEET, row.number, column, text)
                                    for text in texts)
        if problems or dry_run:
            transaction.set_rollback(True)
    if problems:
        raise ImportRefused(problems)
    return [] if dry_run else created


# rnd-pages: a second account of an already registered organisation (join request) -----------

JOIN_SALT = "rtis.rnd.join-confirm"
MAX_OPEN_JOIN_REQUESTS = 20  # unconfirmed or pending, per organisation: a bound on spam


def registered_organisation(business_number: Any) -> Organisation | None:
    """The organisation already registered with this business number, if any (None for an
    empty or malformed number: sign-up then reports it as it always did)."""
    if not isinstance(business_number, str) or not business_number.strip():
        return None
    try:
        bare = normalise_business_number(business_number)
    except BizNoError:
        return None
    return Organisation.objects.filter(business_number=bare).first()


def join_token(request: JoinRequest) -> str:
    """The signed token of a join request's e-mail link (tied to the request and the e-mail)."""
    return signing.dumps({"j": request.pk, "e": request.email}, salt=JOIN_SALT, compress=True)


@transaction.atomic
def do_request_to_join(*, username: str, password: str, email: str, name: str,
                       business_number: str, department: str = "",
                       position: str = "") -> JoinRequest:
    """Ask to join a registered organisation (public): an inactive account that acts for
    nobody; the e-mail is confirmed first, then the organisation's applicant or an R&D manager
    decides (do_decide_join_request)."""
    errors: dict[str, str] = {}
    organisation = registered_organisation(business_number)
    if organisation is None:
        errors["business_number"] = (f"등록된 기관의 사업자등록번호가 아닙니다: {business_number!r} / "
                                     f"no registered organisation has this business number: "
                                     f"{business_number!r}")
    email = _email(email, errors)
    person_name = _text(name, "name", "성명", "your name", errors, required=True, limit=100)
    position = _text(position, "position", "직위·역할", "the position", errors, required=False,
                     limit=100)
    department = _text(department, "department", "부서·학과", "the department", errors,
                       required=False, limit=100)
    if organisation is not None and JoinRequest.objects.filter(
            organisation=organisation,
            state__in=[JoinState.UNCONFIRMED, JoinState.PENDING]).count() \
            >= MAX_OPEN_JOIN_REQUESTS:
        errors["business_number"] = ("이 기관에 처리되지 않은 가입 요청이 너무 많습니다. 기관 담당자나 "
                                     "SBA에 문의하세요 / this organisation has too many open join "
                                     "requests; contact its applicant or SBA")
    if errors or organisation is None:
        raise ValidationError(errors)
    user = _applicant_user(username, password, email, person_name)
    request = JoinRequest.objects.create(
        organisation=organisation, user=user, name=person_name, position=position,
        department=department, email=email, requested_at=clock.now())
    record_create(None, request, fields={"user": user.username, "organisation": organisation.pk,
                                         "state": request.state})
    return request


@transaction.atomic
def do_confirm_join_request(token: str) -> JoinRequest:
    """Confirm a join request's e-mail by its signed link: it now waits for a decision."""
    payload = _signed_payload(token, JOIN_SALT)
    request = (JoinRequest.objects.select_for_update().select_related("organisation")
               .filter(pk=payload.get("j"), email=payload.get("e")).first())
    if request is None:
        raise ValidationError({"token": "확인 링크가 올바르지 않습니다 / the confirmation link is "
                                        "not valid"})
    if request.state == JoinState.UNCONFIRMED:
        request = update_versioned(None, request, request.version,
                                   {"state": JoinState.PENDING, "confirmed_at": clock.now()},
                                   reason="e-mail confirmed")
    return request


def can_decide_join(user: Any, request: JoinRequest) -> bool:
    """The organisation's own confirmed applicant, or an R&D manager."""
    from rtis.rnd.access import applicant_organisation, can_manage_rnd

    if can_manage_rnd(user):
        return True
    own = applicant_organisation(user)
    return own is not None and own.pk == request.organisation_id


@transaction.atomic
def do_decide_join_request(actor: Any, request: JoinRequest, expected_version: int, *,
                           approve: bool, reason: str = "") -> JoinRequest:
    """Approve (the account is activated and acts for the organisation) or refuse (with the
    reason; the account stays inactive) a confirmed join request."""
    if not can_decide_join(actor, request):
        raise PermissionDenied("이 기관의 신청자 또는 R&D 사업 관리자만 가입 요청을 처리합니다 / only "
                               "the organisation's applicant or an R&D manager decides a join "
                               "request")
    if request.state != JoinState.PENDING:
        raise ValidationError({"state": f"승인 대기 중인 요청만 처리할 수 있습니다 "
                                        f"({request.get_state_display()}) / only a pending "
                                        f"request can be decided ({request.state})"})
    errors: dict[str, str] = {}
    reason = _text(reason, "reason", "거절 사유", "the reason for refusing", errors,
                   required=not approve, limit=300)
    if errors:
        raise ValidationError(errors)
    now = clock.now()
    changes: dict[str, Any] = {"state": JoinState.APPROVED if approve else JoinState.REFUSED,
                               "decided_at": now, "reason": reason}
    request = update_versioned(actor, request, expected_version, changes,
                               reason=reason or "승인 / approved")
    request.decided_by = actor  # the audit event names the actor too
    request.save(update_fields=["decided_by"])
    if approve:
        user = request.user
        if Applicant.objects.filter(user=user).exists():
            raise ValidationError({"user": f"{user}은(는) 이미 신청자 계정입니다 / {user} already "
                                           f"acts for an organisation"})
        applicant = Applicant.objects.create(user=user, organisation=request.organisation,
                                             confirmed_at=now)
        record_create(actor, applicant, fields={"user": user.username,
                                                "organisation": request.organisation_id})
        user.is_active = True
        user.save(update_fields=["is_active"])
        record_change(actor, user, {"is_active": [False, True]}, reason="가입 승인 / join approved")
        if not request.organisation.people.filter(email__iexact=request.email).exists():
            do_add_person(None, request.organisation, name=request.name,
                          department=request.department, position=request.position,
                          email=request.email)
    return request
