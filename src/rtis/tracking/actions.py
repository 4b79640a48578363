"""Writes to reporting periods and execution records: permission, validation, audit, atomic."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from rtis.audit.log import field_values, record_create
from rtis.audit.versioned import update_versioned
from rtis.lib.conflict import EditConflict
from rtis.orgs.access import is_planner
from rtis.plans.access import require_node_editor, require_planner
from rtis.plans.actions import validate_year
from rtis.plans.models import MAX_AMOUNT_WON, Node, Plan
from rtis.tracking.models import (
    AMOUNT_FIELDS,
    MONTHS_PER_YEAR,
    QUARTERS_PER_YEAR,
    ExecutionRecord,
    ExecutionStatus,
    PeriodKind,
    PeriodState,
    ReportingPeriod,
)

MAX_COMMENT = 2000  # characters of a return comment or a correction reason
# Only transfers (예산이체) may be negative: money moved out of the project.
SIGNED_FIELDS = {"transfers"}
LABELS = {"original_budget": "본예산", "transfers": "예산이체", "carryover": "이월액",
          "committed": "원인행위액", "spent": "지출액"}


# --- reporting periods ----------------------------------------------------------------------


def _validate_period_key(kind: str, year: int, number: int, due_on: Any) -> None:
    if kind not in PeriodKind.values:
        raise ValidationError({"kind": f"구분은 월(month) 또는 분기(quarter)입니다: {kind!r} / "
                                       f"kind must be month or quarter: {kind!r}"})
    validate_year(year)
    top = MONTHS_PER_YEAR if kind == PeriodKind.MONTH else QUARTERS_PER_YEAR
    if isinstance(number, bool) or not isinstance(number, int) or not 1 <= number <= top:
        raise ValidationError({"number": f"번호는 1~{top} 사이여야 합니다: {number!r} / "
                                         f"the number must be within 1–{top}: {number!r}"})
    if not isinstance(due_on, dt.date) or isinstance(due_on, dt.datetime):
        raise ValidationError({"due_on": f"제출 기한은 날짜여야 합니다: {due_on!r} / "
                                         f"the due date must be a date: {due_on!r}"})


@transaction.atomic
def do_open_period(actor: Any, plan: Plan, *, kind: str, year: int, number: int,
                   due_on: dt.date) -> ReportingPeriod:
    """Open a reporting period: create it, or reopen a closed one (a locked one stays locked)."""
    require_planner(actor)
    _validate_period_key(kind, year, number, due_on)
    period = (ReportingPeriod.objects.select_for_update()
              .filter(plan=plan, kind=kind, year=year, number=number).first())
    if period is None:
        period = ReportingPeriod.objects.create(plan=plan, kind=kind, year=year, number=number,
                                                due_on=due_on, state=PeriodState.OPEN)
        record_create(actor, period)
        return period
    if period.state == PeriodState.LOCKED:
        raise ValidationError({"state": f"{period.label}은(는) 확정되어 다시 열 수 없습니다 / "
                                        f"{period.label} is locked and cannot be reopened"})
    changes: dict[str, Any] = {"state": PeriodState.OPEN, "due_on": due_on}
    reason = "reopen" if period.state == PeriodState.CLOSED else ""
    return update_versioned(actor, period, period.version, changes, reason)


def _move_period(actor: Any, period: ReportingPeriod, allowed_from: set[str], to: str,
                 reason: str) -> ReportingPeriod:
    require_planner(actor)
    period = ReportingPeriod.objects.select_for_update().get(pk=period.pk)
    if period.state not in allowed_from:
        raise ValidationError({"state": (
            f"{period.label}은(는) '{period.get_state_display()}' 상태라서 "
            f"'{PeriodState(to).label}'(으)로 바꿀 수 없습니다 / {period.label} is {period.state} "
            f"and cannot become {to}")})
    return update_versioned(actor, period, period.version, {"state": to}, reason)


@transaction.atomic
def do_close_period(actor: Any, period: ReportingPeriod) -> ReportingPeriod:
    """Close an open period: officers can no longer enter figures in it."""
    return _move_period(actor, period, {PeriodState.OPEN}, PeriodState.CLOSED, "close")


@transaction.atomic
def do_lock_period(actor: Any, period: ReportingPeriod) -> ReportingPeriod:
    """Lock a period for good: its figures change only through a recorded correction."""
    return _move_period(actor, period, {PeriodState.OPEN, PeriodState.CLOSED},
                        PeriodState.LOCKED, "lock")


# --- execution records ----------------------------------------------------------------------


def validate_execution_amounts(values: dict[str, Any]) -> dict[str, int]:
    """Return the five amounts if 0 ≤ spent ≤ committed ≤ current budget, else name each bad field."""
    errors: dict[str, str] = {}
    for name in AMOUNT_FIELDS:
        value, label = values[name], LABELS[name]
        if isinstance(value, bool) or not isinstance(value, int):
            errors[name] = (f"{label}은(는) 원 단위 정수여야 합니다: {value!r} / "
                            f"{name} must be a whole number of won: {value!r}")
        elif value < 0 and name not in SIGNED_FIELDS:
            errors[name] = (f"{label}은(는) 음수일 수 없습니다: {value:,} / "
                            f"{name} cannot be negative: {value}")
        elif abs(value) > MAX_AMOUNT_WON:
            errors[name] = (f"{label}이(가) 비정상적으로 큽니다(10^16원 초과): {value:,} / "
                            f"{name} is absurdly large (over 10^16 won): {value}")
    if errors:
        raise ValidationError(errors)
    budget = values["original_budget"] + values["transfers"] + values["carryover"]
    if budget < 0:
        errors["transfers"] = (f"예산이체로 예산현액이 음수가 됩니다: {budget:,} / "
                               f"the transfers make the current budget negative: {budget}")
    elif values["committed"] > budget:
        errors["committed"] = (
            f"원인행위액({values['committed']:,})이 예산현액({budget:,})보다 큽니다 / "
            f"committed ({values['committed']}) exceeds the current budget ({budget})")
    if values["spent"] > values["committed"]:
        errors["spent"] = (f"지출액({values['spent']:,})이 원인행위액({values['committed']:,})보다 "
                           f"큽니다 / spent ({values['spent']}) exceeds committed "
                           f"({values['committed']})")
    if errors:
        raise ValidationError(errors)
    return {name: values[name] for name in AMOUNT_FIELDS}


def _merged_amounts(record: ExecutionRecord | None, amounts: dict[str, Any]) -> dict[str, int]:
    unknown = set(amounts) - set(AMOUNT_FIELDS)
    if unknown:
        raise TypeError(f"unknown execution amounts: {sorted(unknown)}")
    values: dict[str, Any] = {name: getattr(record, name) if record else 0
                              for name in AMOUNT_FIELDS}
    values.update(amounts)
    return validate_execution_amounts(values)


def _check_target(node: Node, period: ReportingPeriod) -> None:
    if period.kind != PeriodKind.MONTH:
        raise ValidationError({"period": f"집행실적은 월별로 입력합니다: {period.label} / "
                                         f"execution is entered per month: {period.label}"})
    if period.plan_id != node.plan_id:
        raise ValidationError({"period": "과제와 보고 기간의 계획이 다릅니다 / "
                                         "the period belongs to another plan"})
    if node.children.exists():
        raise ValidationError({"node": f"'{node.code}'은(는) 단위사업이 아닙니다(하위 과제가 있음) / "
                                       f"'{node.code}' is not a unit project (it has children)"})


def _check_period_open_for(actor: Any, period: ReportingPeriod) -> None:
    """Refuse a locked period to everyone, a closed one to all but planners."""
    if period.state == PeriodState.LOCKED:
        raise ValidationError({"period": (
            f"{period.label}은(는) 확정되었습니다. 기획 담당자의 정정으로만 바꿀 수 있습니다 / "
            f"{period.label} is locked; only a planner's recorded correction can change it")})
    if period.state == PeriodState.CLOSED and not is_planner(actor):
        raise ValidationError({"period": f"{period.label}은(는) 마감되었습니다 / "
                                         f"{period.label} is closed for entry"})


def _check_status_editable_by(actor: Any, record: ExecutionRecord) -> None:
    if record.status in {ExecutionStatus.SUBMITTED, ExecutionStatus.APPROVED} \
            and not is_planner(actor):
        raise ValidationError({"status": (
            f"'{record.get_status_display()}' 상태의 실적은 부서에서 고칠 수 없습니다 / "
            f"a {record.status} record cannot be changed by the department")})


@transaction.atomic
def do_save_execution(actor: Any, node: Node, period: ReportingPeriod,
                      expected_version: int | None, **amounts: Any) -> ExecutionRecord:
    """Create or change a unit project's execution for a month, refusing a stale version.

    Amounts not given keep their saved value (0 for a new record). `expected_version=None`
    means "whatever is saved now" (bulk imports); pages pass the version they showed.
    """
    require_node_editor(actor, node)
    _check_target(node, period)
    # Its state now, not when it was loaded; the row lock orders us against a concurrent lock.
    period = ReportingPeriod.objects.select_for_update().get(pk=period.pk)
    _check_period_open_for(actor, period)
    record = ExecutionRecord.objects.filter(node=node, period=period).first()
    if record is not None:
        _check_status_editable_by(actor, record)
    values = _merged_amounts(record, amounts)
    if record is None:
        if expected_version is not None:
            raise ValidationError({"version": "저장된 실적이 없습니다 / there is no saved record"})
        return _create_execution(actor, node, period, values)
    version = record.version if expected_version is None else expected_version
    return update_versioned(actor, record, version, dict(values))


def _create_execution(actor: Any, node: Node, period: ReportingPeriod,
                      values: dict[str, int]) -> ExecutionRecord:
    try:
        with transaction.atomic():
            record = ExecutionRecord.objects.create(node=node, period=period, **values)
    except IntegrityError:
        # Someone created the same month's record between our read and our insert.
        current = ExecutionRecord.objects.get(node=node, period=period)
        raise EditConflict(str(current), field_values(current, list(AMOUNT_FIELDS)),
                           current.version) from None
    record_create(actor, record)
    return record


@transaction.atomic
def do_correct_execution(actor: Any, record: ExecutionRecord, reason: str,
                         **amounts: Any) -> ExecutionRecord:
    """Correct a record in any period, locked ones included, keeping the reason in the trail."""
    require_planner(actor)
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": "정정 사유를 입력하십시오 / the reason is required"})
    if len(reason) > MAX_COMMENT:
        raise ValidationError({"reason": f"정정 사유는 {MAX_COMMENT}자 이내여야 합니다 / "
                                         f"at most {MAX_COMMENT} characters"})
    record = ExecutionRecord.objects.select_related("node", "period").get(pk=record.pk)
    values = _merged_amounts(record, amounts)
    return update_versioned(actor, record, record.version, dict(values), f"정정: {reason}")


def _transition(actor: Any, record: ExecutionRecord, allowed_from: set[str], to: str,
                expected_version: int | None, changes: dict[str, Any],
                reason: str) -> ExecutionRecord:
    record = ExecutionRecord.objects.select_related("node", "period").get(pk=record.pk)
    if record.status not in allowed_from:
        raise ValidationError({"status": (
            f"'{record.get_status_display()}' 상태에서는 '{ExecutionStatus(to).label}'(으)로 "
            f"바꿀 수 없습니다 / a {record.status} record cannot become {to}")})
    version = record.version if expected_version is None else expected_version
    return update_versioned(actor, record, version, {"status": to, **changes}, reason)


@transaction.atomic
def do_submit_execution(actor: Any, record: ExecutionRecord,
                        expected_version: int | None = None) -> ExecutionRecord:
    """Send a draft or returned record for approval (결재 요청)."""
    require_node_editor(actor, record.node)
    _check_period_open_for(actor, ReportingPeriod.objects.get(pk=record.period_id))
    return _transition(actor, record, {ExecutionStatus.DRAFT, ExecutionStatus.RETURNED},
                       ExecutionStatus.SUBMITTED, expected_version, {}, "submit")


@transaction.atomic
def do_approve_execution(actor: Any, record: ExecutionRecord,
                         expected_version: int | None = None) -> ExecutionRecord:
    """Approve a submitted record (the return comment, kept in the trail, is cleared)."""
    require_planner(actor)
    return _transition(actor, record, {ExecutionStatus.SUBMITTED}, ExecutionStatus.APPROVED,
                       expected_version, {"return_comment": ""}, "approve")


@transaction.atomic
def do_return_execution(actor: Any, record: ExecutionRecord, comment: str,
                        expected_version: int | None = None) -> ExecutionRecord:
    """Return a submitted record to its department with a comment saying what to fix."""
    require_planner(actor)
    comment = comment.strip()
    if not comment:
        raise ValidationError({"return_comment": "반려 사유를 입력하십시오 / "
                                                 "say why the record is returned"})
    if len(comment) > MAX_COMMENT:
        raise ValidationError({"return_comment": f"반려 사유는 {MAX_COMMENT}자 이내여야 합니다 / "
                                                 f"at most {MAX_COMMENT} characters"})
    return _transition(actor, record, {ExecutionStatus.SUBMITTED}, ExecutionStatus.RETURNED,
                       expected_version, {"return_comment": comment}, f"return: {comment}")
