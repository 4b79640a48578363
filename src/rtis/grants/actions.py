"""Writes after selection: agreements and their changes, annual reports and evaluations, the
final evaluation, outputs and the follow-up survey. Each is one transaction with its permission
check, its audit and (where users edit) a version check; every refusal names the field and the
value, Korean then English, and nothing is partly saved.

The contract with the evaluation: an agreement is made only for an application whose status is
`selected`, and the city funds (시비) it agrees over all years stay within `awarded_won`.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse

from rtis.audit.log import record_change, record_create, record_creates
from rtis.audit.versioned import update_versioned
from rtis.config import clock
from rtis.grants.access import people_acting_for, require_performer_or_manager
from rtis.grants.models import (
    SUCCESS_GRADES,
    Agreement,
    AgreementAmount,
    AgreementChange,
    AgreementState,
    AgreementTarget,
    AnnualEvaluation,
    AnnualReport,
    ChangeKind,
    ChangeState,
    Decision,
    FailureCause,
    FinalEvaluation,
    FollowUpSurvey,
    FundSource,
    Grade,
    Output,
    OutputKind,
    ReportState,
    SurveyState,
    TargetKind,
)
from rtis.lib.money import MAX_WON
from rtis.lib.numbers import ascii_int
from rtis.rnd.access import require_rnd_manager
from rtis.rnd.models import Application, ApplicationStatus

MAX_TEXT = 8000
MAX_YEARS = 5  # an agreement runs at most five calendar years
FOLLOW_UP_ROUNDS = 5  # 추적조사: five years after the project ends
MONEY_OUTPUTS = frozenset({OutputKind.ROYALTY, OutputKind.SALES, OutputKind.INVESTMENT,
                           OutputKind.TECH_TRANSFER})
COUNT_OUTPUTS = frozenset({OutputKind.JOBS})
REMIND_DAYS_BEFORE = 30


def eok(won: int) -> str:
    """Return won as '1.5억원 (150,000,000원)' for messages."""
    return f"{won / 100_000_000:,.2f}억원 ({won:,}원)"


def _won(value: Any, field: str, label: str, english: str, errors: dict[str, str]) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_WON:
        errors[field] = (f"{label}은(는) 0 이상의 원 단위 정수여야 합니다: {value!r} / "
                         f"{english} must be a whole number of won, 0 or more: {value!r}")
        return 0
    return value


def _text(value: Any, field: str, label: str, english: str, errors: dict[str, str], *,
          required: bool, limit: int = MAX_TEXT) -> str:
    text = value.strip() if isinstance(value, str) else ""
    if required and not text:
        errors[field] = f"{label}을(를) 입력하세요 / enter {english}"
    elif len(text) > limit:
        errors[field] = (f"{label}은(는) {limit:,}자 이내여야 합니다 (입력 {len(text):,}자) / "
                         f"{english}: at most {limit:,} characters, got {len(text):,}")
    return text


def _date(value: Any, field: str, label: str, english: str, errors: dict[str, str]) -> dt.date:
    if isinstance(value, str):
        with contextlib.suppress(ValueError):
            value = dt.date.fromisoformat(value)
    if not isinstance(value, dt.date) or isinstance(value, dt.datetime):
        errors[field] = (f"{label}은(는) 날짜(YYYY-MM-DD)여야 합니다: {value!r} / {english} must be "
                         f"a date (YYYY-MM-DD): {value!r}")
        return dt.date(2000, 1, 1)
    return value


def _amounts(raw: Mapping[Any, Any], starts_on: dt.date, ends_on: dt.date,
             errors: dict[str, str]) -> dict[tuple[int, str], int]:
    """{year: {source: won}} → {(year, source): won}, years within the period."""
    clean: dict[tuple[int, str], int] = {}
    if not isinstance(raw, Mapping):
        errors["amounts"] = "연도별·재원별 금액이 필요합니다 / amounts by year and source needed"
        return clean
    for raw_year, by_source in raw.items():
        year = ascii_int(str(raw_year))
        if year is None or not starts_on.year <= year <= ends_on.year:
            errors["amounts"] = (f"금액의 연도는 협약기간({starts_on.year}~{ends_on.year}년) 안이어야 "
                                 f"합니다: {raw_year!r} / the years of the amounts must be within "
                                 f"the period {starts_on.year}–{ends_on.year}: {raw_year!r}")
            continue
        if not isinstance(by_source, Mapping):
            errors["amounts"] = (f"{year}년 금액은 재원별로 입력하세요 / give {year}'s amounts "
                                 f"by source")
            continue
        for source, won in by_source.items():
            if source not in FundSource.values:
                errors["amounts"] = (f"재원은 {', '.join(FundSource.values)} 중 하나입니다: "
                                     f"{source!r} / the source must be one of "
                                     f"{', '.join(FundSource.values)}: {source!r}")
                continue
            label = str(FundSource(source).label)
            clean[(year, source)] = _won(won, "amounts", f"{year}년 {label}",
                                         f"the {year} {source} amount", errors)
    return clean


def _city_total(amounts: Mapping[tuple[int, str], int]) -> int:
    return sum(won for (_, source), won in amounts.items() if source == FundSource.CITY)


def _check_award(application: Application, city_total: int, errors: dict[str, str]) -> None:
    award = application.awarded_won or 0
    if city_total > award:
        errors["amounts"] = (f"협약 시비 합계 {eok(city_total)}이(가) 선정 지원금 {eok(award)}을(를) "
                             f"넘습니다 / the agreed city funds {city_total:,} won exceed the "
                             f"award of {award:,} won")


def _period(starts_on: Any, ends_on: Any, errors: dict[str, str]) -> tuple[dt.date, dt.date]:
    start = _date(starts_on, "starts_on", "협약 시작일", "the start", errors)
    end = _date(ends_on, "ends_on", "협약 종료일", "the end", errors)
    if "starts_on" not in errors and "ends_on" not in errors:
        if end <= start:
            errors["ends_on"] = (f"협약 종료일({end})은 시작일({start}) 뒤여야 합니다 / the agreement "
                                 f"must end ({end}) after it starts ({start})")
        elif end.year - start.year + 1 > MAX_YEARS:
            errors["ends_on"] = (f"협약기간은 {MAX_YEARS}개 연도 이내입니다: {start}~{end} / an "
                                 f"agreement spans at most {MAX_YEARS} years: {start}–{end}")
    return start, end


def _targets(raw: Iterable[Mapping[str, Any]], errors: dict[str, str]) -> list[dict[str, Any]]:
    clean = []
    for number, item in enumerate(raw, start=1):
        kind = item.get("kind")
        if kind not in TargetKind.values:
            errors[f"targets[{number}].kind"] = (f"목표 구분은 deliverable(산출물) 또는 indicator(성과지표)"
                                                 f"입니다: {kind!r} / the kind must be deliverable "
                                                 f"or indicator: {kind!r}")
            continue
        name = _text(item.get("name"), f"targets[{number}].name", f"{number}번째 목표의 이름",
                     f"target {number}'s name", errors, required=True, limit=200)
        target = item.get("target")
        value: Decimal | None = None
        if kind == TargetKind.INDICATOR:
            try:
                value = Decimal(str(target))
                if not value.is_finite() or value < 0 or value >= Decimal(10) ** 16:
                    raise InvalidOperation
            except (InvalidOperation, ValueError):
                errors[f"targets[{number}].target"] = (
                    f"성과지표 '{name}'의 목표값은 0 이상의 수여야 합니다: {target!r} / the target "
                    f"of indicator '{name}' must be a number, 0 or more: {target!r}")
        due = item.get("due_on")
        due_on = (_date(due, f"targets[{number}].due_on", f"산출물 '{name}'의 기한",
                        f"the due date of '{name}'", errors) if due else None)
        clean.append({"kind": kind, "name": name, "unit": str(item.get("unit") or "")[:20],
                      "target": value, "due_on": due_on})
    return clean


def agreement_number(application: Application) -> str:
    return f"SR{application.call.year}-{application.pk:05d}"


@transaction.atomic
def do_make_agreement(actor: Any | None, application: Application, *, starts_on: Any,
                      ends_on: Any, amounts: Mapping[Any, Any],
                      targets: Iterable[Mapping[str, Any]] = (), conditions: str = ""
                      ) -> Agreement:
    """Make the agreement (협약) of a selected application, its city funds within the award."""
    if actor is not None:
        require_rnd_manager(actor)
    application = Application.objects.select_for_update().select_related(
        "call__programme", "organisation").get(pk=application.pk)
    if application.status != ApplicationStatus.SELECTED or application.awarded_won is None:
        raise ValidationError({"application": (
            f"선정된 과제만 협약할 수 있습니다: '{application}' ({application.get_status_display()}) "
            f"/ only a selected application can get an agreement: '{application}' "
            f"({application.status})")})
    if Agreement.objects.filter(application=application).exists():
        raise ValidationError({"application": f"'{application}'의 협약이 이미 있습니다 / "
                                              f"'{application}' already has an agreement"})
    errors: dict[str, str] = {}
    start, end = _period(starts_on, ends_on, errors)
    conditions = _text(conditions, "conditions", "협약 조건", "the conditions", errors,
                       required=False)
    rows = _amounts(amounts, start, end, errors) if not errors.keys() & {"starts_on",
                                                                           "ends_on"} else {}
    city = _city_total(rows)
    if "amounts" not in errors and city <= 0 and "ends_on" not in errors:
        errors["amounts"] = "시비를 한 해 이상 입력하세요 / enter the city funds of at least one year"
    _check_award(application, city, errors)
    goals = _targets(targets, errors)
    if errors:
        raise ValidationError(errors)
    agreement = Agreement.objects.create(
        application=application, number=agreement_number(application), starts_on=start,
        ends_on=end, conditions=conditions, made_by=actor if actor is not None else None,
        made_at=clock.now())
    record_create(actor, agreement)
    record_creates(actor, AgreementAmount.objects.bulk_create([
        AgreementAmount(agreement=agreement, year=y, source=s, amount_won=w)
        for (y, s), w in sorted(rows.items())]))
    record_creates(actor, AgreementTarget.objects.bulk_create([
        AgreementTarget(agreement=agreement, **goal) for goal in goals]))
    return agreement


def amounts_of(agreement: Agreement) -> dict[tuple[int, str], int]:
    return {(a.year, a.source): a.amount_won for a in agreement.amounts.all()}


def _write_amounts(actor: Any | None, agreement: Agreement,
                   new: Mapping[tuple[int, str], int], reason: str) -> None:
    """Set the given (year, source) amounts, auditing each change."""
    current = {(a.year, a.source): a for a in agreement.amounts.all()}
    for key, won in sorted(new.items()):
        row = current.get(key)
        if row is None:
            if won:
                created = AgreementAmount.objects.create(agreement=agreement, year=key[0],
                                                         source=key[1], amount_won=won)
                record_create(actor, created, reason=reason)
        elif row.amount_won != won:
            old = row.amount_won
            row.amount_won = won
            row.save(update_fields=["amount_won"])
            record_change(actor, row, {"amount_won": [old, won]}, reason)


def _require_active(agreement: Agreement, english: str) -> None:
    if agreement.state != AgreementState.ACTIVE:
        raise ValidationError({"state": f"수행중인 협약이 아닙니다: {agreement.number} "
                                        f"({agreement.get_state_display()}) / the agreement is "
                                        f"not active ({agreement.state}): cannot {english}"})


def _proposal(agreement: Agreement, kind: str, *, ends_on: Any, conditions: Any,
              amounts: Mapping[Any, Any] | None, errors: dict[str, str]) -> dict[str, Any]:
    proposed: dict[str, Any] = {}
    end = agreement.ends_on
    if ends_on not in (None, ""):
        _, end = _period(agreement.starts_on, ends_on, errors)
        if end != agreement.ends_on:
            proposed["ends_on"] = end.isoformat()
    if conditions is not None:
        text = _text(conditions, "conditions", "협약 조건", "the conditions", errors,
                     required=False)
        if text != agreement.conditions:
            proposed["conditions"] = text
    if amounts:
        rows = _amounts(amounts, agreement.starts_on, end, errors)
        merged = {**amounts_of(agreement), **rows}
        merged = {k: v for k, v in merged.items() if k[0] <= end.year}
        _check_award(agreement.application, _city_total(merged), errors)
        changed = {k: v for k, v in rows.items() if amounts_of(agreement).get(k, 0) != v}
        if changed:
            proposed["amounts"] = {f"{y}:{s}": w for (y, s), w in sorted(changed.items())}
    if not errors and not proposed:
        errors["proposed"] = "바뀌는 내용이 없습니다 / nothing would change"
    if kind == ChangeKind.NOTIFICATION and (proposed.keys() & {"ends_on", "amounts"}):
        errors["kind"] = ("협약기간이나 금액의 변경은 승인 사항입니다 (통보로 할 수 없습니다) / a change of "
                          "the period or the amounts needs approval (승인), not a notification")
    if kind not in ChangeKind.values:
        errors["kind"] = (f"변경 구분은 approval(승인) 또는 notification(통보)입니다: {kind!r} / the "
                          f"kind must be approval or notification: {kind!r}")
    return proposed


def _apply(actor: Any | None, agreement: Agreement, change: AgreementChange) -> dict[str, Any]:
    """Apply a change's proposal to the agreement; return the values it replaced."""
    proposed = change.proposed
    previous: dict[str, Any] = {}
    fields: dict[str, Any] = {}
    if "ends_on" in proposed:
        previous["ends_on"] = agreement.ends_on.isoformat()
        fields["ends_on"] = dt.date.fromisoformat(proposed["ends_on"])
    if "conditions" in proposed:
        previous["conditions"] = agreement.conditions
        fields["conditions"] = proposed["conditions"]
    if "amounts" in proposed:
        current = amounts_of(agreement)
        new = {(int(k.split(":")[0]), k.split(":")[1]): int(v)
               for k, v in proposed["amounts"].items()}
        previous["amounts"] = {f"{y}:{s}": current.get((y, s), 0) for (y, s) in new}
        end = fields.get("ends_on", agreement.ends_on)
        merged = {k: v for k, v in {**current, **new}.items() if k[0] <= end.year}
        errors: dict[str, str] = {}
        _check_award(agreement.application, _city_total(merged), errors)
        if errors:
            raise ValidationError(errors)
        _write_amounts(actor, agreement, new, f"협약 변경 {change.pk}")
    if "ends_on" in fields:  # years after a shortened period lose their amounts
        dropped = [a for a in agreement.amounts.all() if a.year > fields["ends_on"].year]
        for row in dropped:
            previous.setdefault("amounts", {})[f"{row.year}:{row.source}"] = row.amount_won
        _write_amounts(actor, agreement, {(a.year, a.source): 0 for a in dropped},
                       f"협약 변경 {change.pk}")
    update_versioned(actor, agreement, agreement.version, fields or {"state": agreement.state},
                     reason=f"협약 변경 {change.pk}: {change.reason}")
    return previous


@transaction.atomic
def do_request_change(actor: Any, agreement: Agreement, expected_version: int, *, kind: str,
                      reason: str, ends_on: Any = None, conditions: Any = None,
                      amounts: Mapping[Any, Any] | None = None) -> AgreementChange:
    """Ask for a change: 승인 waits for a manager; 통보 (conditions only) applies at once."""
    require_performer_or_manager(actor, agreement)
    agreement = Agreement.objects.select_for_update().select_related(
        "application__call__programme").get(pk=agreement.pk)
    if agreement.version != expected_version:
        from rtis.audit.versioned import conflict_for
        raise conflict_for(agreement, ["ends_on", "conditions"])
    _require_active(agreement, "change it")
    errors: dict[str, str] = {}
    reason = _text(reason, "reason", "변경 사유", "the reason", errors, required=True)
    proposed = _proposal(agreement, kind, ends_on=ends_on, conditions=conditions,
                         amounts=amounts, errors=errors)
    if errors:
        raise ValidationError(errors)
    if kind == ChangeKind.APPROVAL and agreement.changes.filter(
            state=ChangeState.PENDING).exists():
        raise ValidationError({"kind": "승인 대기 중인 변경이 이미 있습니다. 먼저 처리하세요 / a change is "
                                       "already awaiting approval: decide it first"})
    now = clock.now()
    change = AgreementChange.objects.create(
        agreement=agreement, kind=kind, reason=reason, proposed=proposed, requested_by=actor,
        requested_at=now,
        state=ChangeState.PENDING if kind == ChangeKind.APPROVAL else ChangeState.NOTIFIED)
    record_create(actor, change)
    if kind == ChangeKind.NOTIFICATION:
        change.previous = _apply(actor, agreement, change)
        change.decided_at = now
        change.save(update_fields=["previous", "decided_at"])
    return change


@transaction.atomic
def do_decide_change(actor: Any, change: AgreementChange, expected_version: int, *,
                     approve: bool, comment: str = "") -> AgreementChange:
    """A manager approves (the change applies now) or rejects a pending 승인 change."""
    require_rnd_manager(actor)
    change = AgreementChange.objects.select_for_update().select_related(
        "agreement__application__call__programme").get(pk=change.pk)
    if change.state != ChangeState.PENDING:
        raise ValidationError({"state": f"승인 대기 중인 변경이 아닙니다 ({change.get_state_display()}) "
                                        f"/ the change is not awaiting approval ({change.state})"})
    errors: dict[str, str] = {}
    comment = _text(comment, "comment", "처리 의견", "a comment", errors, required=not approve)
    if errors:
        raise ValidationError(errors)
    agreement = change.agreement
    _require_active(agreement, "change it")
    previous = _apply(actor, agreement, change) if approve else {}
    return update_versioned(actor, change, expected_version, {
        "state": ChangeState.APPROVED if approve else ChangeState.REJECTED,
        "decided_by": actor, "decided_at": clock.now(), "decision_comment": comment,
        "previous": previous})


# --- monitoring ---------------------------------------------------------------------------------


@transaction.atomic
def do_save_annual_report(actor: Any, agreement: Agreement, report: AnnualReport | None = None,
                          expected_version: int | None = None, *, year: int, progress: str,
                          spent_city_won: int = 0, spent_private_won: int = 0,
                          issues: str = "") -> AnnualReport:
    """The performer writes (or rewrites, while a draft) the annual report of one year; an R&D
    manager may enter it on the performer's behalf (a report handed in on paper)."""
    require_performer_or_manager(actor, agreement)
    _require_active(agreement, "report")
    errors: dict[str, str] = {}
    if isinstance(year, bool) or not isinstance(year, int) or year not in agreement.years:
        errors["year"] = (f"연도는 협약기간({agreement.starts_on.year}~{agreement.ends_on.year}년) "
                          f"안이어야 합니다: {year!r} / the year must be within the agreement "
                          f"({agreement.starts_on.year}–{agreement.ends_on.year}): {year!r}")
    fields: dict[str, Any] = {
        "progress": _text(progress, "progress", "추진 실적", "the progress", errors, required=True),
        "spent_city_won": _won(spent_city_won, "spent_city_won", "시비 집행액",
                               "the city funds spent", errors),
        "spent_private_won": _won(spent_private_won, "spent_private_won", "민간부담금 집행액",
                                  "the private funds spent", errors),
        "issues": _text(issues, "issues", "애로사항", "the issues", errors, required=False),
    }
    if not errors:
        agreed = amounts_of(agreement).get((year, FundSource.CITY), 0)
        if fields["spent_city_won"] > agreed:
            errors["spent_city_won"] = (f"{year}년 시비 집행액 {eok(fields['spent_city_won'])}이(가) "
                                        f"협약 시비 {eok(agreed)}을(를) 넘습니다 / the city funds "
                                        f"spent exceed the {year} agreement ({agreed:,} won)")
    if errors:
        raise ValidationError(errors)
    if report is None:
        if AnnualReport.objects.filter(agreement=agreement, year=year).exists():
            raise ValidationError({"year": f"{year}년 연차보고서가 이미 있습니다 / the {year} report "
                                           f"exists: edit it"})
        created = AnnualReport.objects.create(agreement=agreement, year=year, **fields)
        record_create(actor, created)
        return created
    if report.agreement_id != agreement.pk or report.year != year:
        raise ValidationError({"report": "다른 협약이나 연도의 보고서입니다 / the report belongs to "
                                         "another agreement or year"})
    if report.state != ReportState.DRAFT:
        raise ValidationError({"state": "제출한 보고서는 고칠 수 없습니다 / a submitted report "
                                        "cannot be changed"})
    if expected_version is None:
        raise ValidationError({"version": "읽은 버전이 필요합니다 / the version read is required"})
    return update_versioned(actor, report, expected_version, fields)


@transaction.atomic
def do_submit_annual_report(actor: Any, report: AnnualReport,
                            expected_version: int) -> AnnualReport:
    require_performer_or_manager(actor, report.agreement)
    _require_active(report.agreement, "report")
    if report.state != ReportState.DRAFT:
        raise ValidationError({"state": "이미 제출한 보고서입니다 / the report was already "
                                        "submitted"})
    return update_versioned(actor, report, expected_version, {
        "state": ReportState.SUBMITTED, "submitted_at": clock.now(), "submitted_by": actor})


@transaction.atomic
def do_evaluate_annual(actor: Any, report: AnnualReport, *, decision: str, comment: str,
                       score: int | None = None,
                       next_year_city_won: int | None = None) -> AnnualEvaluation:
    """Record the annual evaluation (계속/조정/중단) of a submitted report; it sets next year's
    city funds: 계속 keeps them, 조정 sets them (within the award), 중단 stops the project and
    drops the city funds of the years after."""
    require_rnd_manager(actor)
    report = AnnualReport.objects.select_for_update().select_related(
        "agreement__application__call__programme").get(pk=report.pk)
    agreement = report.agreement
    _require_active(agreement, "evaluate it")
    if report.state != ReportState.SUBMITTED:
        raise ValidationError({"report": "제출된 연차보고서만 평가할 수 있습니다 / only a submitted "
                                         "report can be evaluated"})
    if AnnualEvaluation.objects.filter(report=report).exists():
        raise ValidationError({"report": f"{report.year}년 연차평가가 이미 있습니다 / the {report.year} "
                                         f"evaluation exists"})
    errors: dict[str, str] = {}
    if decision not in Decision.values:
        errors["decision"] = (f"평가 결과는 continue(계속)·adjust(조정)·stop(중단) 중 하나입니다: "
                              f"{decision!r} / the decision must be continue, adjust or stop: "
                              f"{decision!r}")
    comment = _text(comment, "comment", "평가 의견", "a comment", errors, required=True)
    if score is not None and (isinstance(score, bool) or not isinstance(score, int)
                              or not 0 <= score <= 100):
        errors["score"] = f"점수는 0~100입니다: {score!r} / the score must be 0–100: {score!r}"
    next_year = report.year + 1
    if decision == Decision.ADJUST:
        if next_year not in agreement.years:
            errors["decision"] = (f"{next_year}년은 협약기간 밖이어서 조정할 수 없습니다 / {next_year} is "
                                  f"outside the agreement: nothing to adjust")
        elif next_year_city_won is None:
            errors["next_year_city_won"] = (f"조정하려면 {next_year}년 시비를 입력하세요 / enter the "
                                            f"{next_year} city funds to adjust")
        else:
            won = _won(next_year_city_won, "next_year_city_won", f"{next_year}년 시비",
                       f"the {next_year} city funds", errors)
            merged = {**amounts_of(agreement), (next_year, FundSource.CITY.value): won}
            before = len(errors)
            _check_award(agreement.application, _city_total(merged), errors)
            if len(errors) > before or "amounts" in errors:
                errors["next_year_city_won"] = errors.pop("amounts")
    elif next_year_city_won is not None:
        errors["next_year_city_won"] = ("차년도 시비는 조정(adjust)일 때만 입력합니다 / the next year's "
                                        "city funds are given only to adjust")
    if errors:
        raise ValidationError(errors)
    evaluation = AnnualEvaluation.objects.create(
        report=report, decision=decision, score=score, comment=comment,
        next_year_city_won=next_year_city_won, evaluated_by=actor, evaluated_at=clock.now())
    record_create(actor, evaluation)
    reason = f"{report.year}년 연차평가: {Decision(decision).label}"
    if decision == Decision.ADJUST:
        assert next_year_city_won is not None
        _write_amounts(actor, agreement, {(next_year, FundSource.CITY.value): next_year_city_won},
                       reason)
    elif decision == Decision.STOP:
        later = {(a.year, a.source): 0 for a in agreement.amounts.all()
                 if a.year > report.year and a.source == FundSource.CITY}
        _write_amounts(actor, agreement, later, reason)
        update_versioned(actor, agreement, agreement.version, {"state": AgreementState.STOPPED},
                         reason=reason)
    return evaluation


def survey_rounds(ends_on: dt.date) -> list[tuple[int, int, dt.date]]:
    """(round, surveyed year, due date): round n surveys the calendar year ends_on.year + n - 1
    and is due on 31 March of the year after it."""
    return [(n, ends_on.year + n - 1, dt.date(ends_on.year + n, 3, 31))
            for n in range(1, FOLLOW_UP_ROUNDS + 1)]


@transaction.atomic
def do_final_evaluation(actor: Any, agreement: Agreement, *, grade: str, comment: str,
                        evaluated_on: Any, failure_causes: Iterable[str] = (),
                        failure_analysis: str = "") -> FinalEvaluation:
    """Record the final evaluation (S–D; C and D are failures and need their causes), close the
    agreement and schedule its five-year follow-up survey."""
    require_rnd_manager(actor)
    agreement = Agreement.objects.select_for_update().select_related(
        "application__call__programme").get(pk=agreement.pk)
    if agreement.state == AgreementState.FINISHED or FinalEvaluation.objects.filter(
            agreement=agreement).exists():
        raise ValidationError({"agreement": f"{agreement.number}의 최종평가가 이미 있습니다 / the "
                                            f"final evaluation exists"})
    errors: dict[str, str] = {}
    if grade not in Grade.values:
        errors["grade"] = (f"등급은 {', '.join(Grade.values)} 중 하나입니다: {grade!r} / the grade "
                           f"must be one of {', '.join(Grade.values)}: {grade!r}")
    comment = _text(comment, "comment", "종합 의견", "a comment", errors, required=True)
    day = _date(evaluated_on, "evaluated_on", "평가일", "the evaluation date", errors)
    if "evaluated_on" not in errors and day > clock.today():
        errors["evaluated_on"] = (f"평가일({day})이 오늘({clock.today()}) 뒤입니다 / the evaluation "
                                  f"date {day} is in the future")
    causes = list(dict.fromkeys(failure_causes))
    analysis = _text(failure_analysis, "failure_analysis", "실패 원인 분석",
                     "the failure analysis", errors, required=False)
    unknown = [c for c in causes if c not in FailureCause.values]
    if unknown:
        errors["failure_causes"] = (f"실패 원인 유형은 {', '.join(FailureCause.values)} 중에서 "
                                    f"고르세요: {unknown} / unknown causes: {unknown}")
    elif grade in Grade.values and grade not in SUCCESS_GRADES:
        if not causes:
            errors["failure_causes"] = (f"{grade} 등급은 실패입니다: 실패 원인 유형을 하나 이상 "
                                        f"고르세요 / grade {grade} is a failure: choose at least "
                                        f"one cause")
        if not analysis:
            errors["failure_analysis"] = (f"{grade} 등급은 실패입니다: 실패 원인 분석을 입력하세요 / "
                                          f"grade {grade} is a failure: describe its causes")
    elif causes or analysis:
        errors["failure_causes"] = (f"{grade} 등급은 성공이어서 실패 원인을 적지 않습니다 / grade "
                                    f"{grade} is a success: no failure causes")
    if errors:
        raise ValidationError(errors)
    final = FinalEvaluation.objects.create(
        agreement=agreement, grade=grade, comment=comment, failure_causes=causes,
        failure_analysis=analysis, evaluated_by=actor, evaluated_on=day)
    record_create(actor, final)
    update_versioned(actor, agreement, agreement.version, {"state": AgreementState.FINISHED},
                     reason=f"최종평가 {grade}")
    record_creates(actor, FollowUpSurvey.objects.bulk_create([
        FollowUpSurvey(agreement=agreement, round=n, year=year, due_on=due)
        for n, year, due in survey_rounds(agreement.ends_on)]))
    return final


# --- outputs and the follow-up survey -----------------------------------------------------------


@transaction.atomic
def do_record_output(actor: Any, agreement: Agreement, *, kind: str, title: str,
                     occurred_on: Any, evidence: str, reference: str = "",
                     amount_won: int | None = None, quantity: int | None = None,
                     survey: FollowUpSurvey | None = None) -> Output:
    """Record an output (성과) of an agreement, dated and with its evidence."""
    require_performer_or_manager(actor, agreement)
    errors: dict[str, str] = {}
    if kind not in OutputKind.values:
        errors["kind"] = (f"성과 구분은 {', '.join(OutputKind.values)} 중 하나입니다: {kind!r} / "
                          f"the kind must be one of {', '.join(OutputKind.values)}: {kind!r}")
    title = _text(title, "title", "성과명", "the title", errors, required=True, limit=300)
    evidence = _text(evidence, "evidence", "증빙", "the evidence", errors, required=True)
    reference = _text(reference, "reference", "번호", "the reference", errors, required=False,
                      limit=100)
    day = _date(occurred_on, "occurred_on", "발생일", "the date", errors)
    if "occurred_on" not in errors:
        if day > clock.today():
            errors["occurred_on"] = (f"발생일({day})이 오늘({clock.today()}) 뒤입니다 / the date {day} "
                                     f"is in the future")
        elif day < agreement.starts_on:
            errors["occurred_on"] = (f"발생일({day})이 협약 시작일({agreement.starts_on}) 전입니다 / the "
                                     f"date {day} is before the agreement started")
    if kind in MONEY_OUTPUTS:
        if amount_won is None:
            errors["amount_won"] = "이 성과는 금액(원)을 입력하세요 / enter the amount in won"
        else:
            _won(amount_won, "amount_won", "금액", "the amount", errors)
    elif amount_won is not None:
        _won(amount_won, "amount_won", "금액", "the amount", errors)
    if kind in COUNT_OUTPUTS and (quantity is None or isinstance(quantity, bool)
                                  or not isinstance(quantity, int) or quantity <= 0):
        errors["quantity"] = (f"고용 창출은 인원(1명 이상)을 입력하세요: {quantity!r} / enter the "
                              f"number of jobs (1 or more): {quantity!r}")
    if survey is not None and survey.agreement_id != agreement.pk:
        errors["survey"] = "다른 협약의 추적조사입니다 / the survey belongs to another agreement"
    if errors:
        raise ValidationError(errors)
    output = Output.objects.create(
        agreement=agreement, kind=kind, title=title, occurred_on=day, reference=reference,
        amount_won=amount_won, quantity=quantity, evidence=evidence, survey=survey,
        recorded_by=actor, recorded_at=clock.now())
    record_create(actor, output)
    return output


@transaction.atomic
def do_submit_survey(actor: Any, survey: FollowUpSurvey, expected_version: int, *,
                     commercialised: bool, sales_won: int = 0, jobs: int = 0,
                     investment_won: int = 0, note: str = "") -> FollowUpSurvey:
    """The performer answers one round of the follow-up survey (추적조사), once the surveyed year
    has ended; a late answer is taken (and counted late in the statistics)."""
    require_performer_or_manager(actor, survey.agreement)
    if survey.state != SurveyState.DUE:
        raise ValidationError({"state": f"이미 제출한 추적조사입니다: {survey} / already answered"})
    opens = dt.date(survey.year + 1, 1, 1)
    if clock.today() < opens:
        raise ValidationError({"year": f"{survey.year}년 추적조사는 {opens}부터 제출합니다 / the "
                                       f"{survey.year} survey opens on {opens}"})
    errors: dict[str, str] = {}
    fields = {
        "commercialised": bool(commercialised),
        "sales_won": _won(sales_won, "sales_won", "매출", "the sales", errors),
        "investment_won": _won(investment_won, "investment_won", "투자 유치", "the investment",
                               errors),
        "note": _text(note, "note", "비고", "the note", errors, required=False),
    }
    if isinstance(jobs, bool) or not isinstance(jobs, int) or not 0 <= jobs <= 100_000:
        errors["jobs"] = f"고용 인원은 0 이상의 정수입니다: {jobs!r} / jobs must be 0 or more: {jobs!r}"
    if errors:
        raise ValidationError(errors)
    return update_versioned(actor, survey, expected_version, {
        **fields, "jobs": jobs, "state": SurveyState.SUBMITTED, "submitted_at": clock.now(),
        "submitted_by": actor})


@transaction.atomic
def do_send_survey_reminders(actor: Any | None, today: dt.date | None = None) -> list[str]:
    """Remind the performers of surveys due within 30 days (once) or overdue (once a month),
    through the in-app notifications and mail of tracking; return what was sent."""
    from rtis.tracking.models import NotificationKind
    from rtis.tracking.notify import notify

    if actor is not None:
        require_rnd_manager(actor)
    today = today or clock.today()
    sent: list[str] = []
    surveys = FollowUpSurvey.objects.filter(
        state=SurveyState.DUE, year__lt=today.year,
        due_on__lte=today + dt.timedelta(days=REMIND_DAYS_BEFORE)).select_related(
        "agreement__application__organisation")
    for survey in surveys:
        overdue = survey.due_on < today
        kind = NotificationKind.OVERDUE if overdue else NotificationKind.DUE_SOON
        key = (f"grants-survey-{survey.pk}-overdue-{today:%Y-%m}" if overdue
               else f"grants-survey-{survey.pk}-due")
        text = (f"[추적조사] {survey.agreement.number} {survey.year}년 추적조사 "
                f"{'기한 경과' if overdue else '제출 기한'}: {survey.due_on}")
        people = people_acting_for(survey.agreement.application.organisation)
        created = notify(people, kind, key, text,
                         reverse("grants:agreement", args=[survey.agreement_id]))
        if created:
            FollowUpSurvey.objects.filter(pk=survey.pk).update(
                reminders_sent=survey.reminders_sent + 1, last_reminded_on=today)
            sent.append(f"{survey}: {len(created)}")
    return sent

