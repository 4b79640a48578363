"""Writes to reporting periods and execution records: permission, validation, audit, atomic."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal, InvalidOperation
from typing import Any, TypeVar

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.http import Http404
from django.utils import timezone, translation

from rtis.audit.log import (
    field_values,
    record_change,
    record_changes,
    record_create,
    record_creates,
    record_delete,
)
from rtis.audit.versioned import conflict_for, update_versioned
from rtis.config import clock
from rtis.lib.conflict import EditConflict
from rtis.lib.korean import josa, particle
from rtis.orgs.access import is_planner
from rtis.plans.access import require_node_editor, require_planner
from rtis.plans.actions import validate_year
from rtis.plans.models import MAX_AMOUNT_WON, Indicator, IndicatorActual, Node, Plan
from rtis.tracking import notify
from rtis.tracking.models import (
    AMOUNT_FIELDS,
    MONTHS_PER_YEAR,
    QUARTERS_PER_YEAR,
    STATUSES_NEEDING_REASON,
    ApprovalEntry,
    ExecutionRecord,
    ExecutionStatus,
    IndicatorReport,
    Milestone,
    MilestoneState,
    NodeStatus,
    Notification,
    ParticipationEvent,
    ParticipationKind,
    PeriodKind,
    PeriodState,
    ReportingPeriod,
    StatusChange,
    TrackingSettings,
    period_end,
)
from rtis.tracking.queries import editable_node_ids

E = TypeVar("E", bound=ApprovalEntry)

MAX_COMMENT = 2000  # characters of a return comment or a correction reason
# Only transfers (예산이체) may be negative: money moved out of the project.
SIGNED_FIELDS = {"transfers"}
LABELS = {"original_budget": "본예산", "transfers": "예산이체", "carryover": "이월액",
          "committed": "원인행위액", "spent": "지출액"}
ENGLISH_LABELS = {"original_budget": "the original budget", "transfers": "the transfers",
                  "carryover": "the carry-over", "committed": "the amount committed",
                  "spent": "the amount spent"}


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
        raise ValidationError({"state": f"{period.label}{josa(period.label, '은는')} 확정되어 다시 열 수 없습니다 / "
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
            f"{period.label}{josa(period.label, '은는')} '{period.get_state_display()}' 상태라서 "
            f"'{PeriodState(to).label}'{josa(PeriodState(to).label, '으로')} 바꿀 수 없습니다 / {period.label} is {period.state} "
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
        value, label, english = values[name], LABELS[name], ENGLISH_LABELS[name]
        if isinstance(value, bool) or not isinstance(value, int):
            errors[name] = (f"{particle(label, '은는')} 원 단위 정수여야 합니다: {value!r} / "
                            f"{english} must be a whole number of won: {value!r}")
        elif value < 0 and name not in SIGNED_FIELDS:
            errors[name] = (f"{particle(label, '은는')} 음수일 수 없습니다: {value:,} / "
                            f"{english} cannot be negative: {value:,}")
        elif abs(value) > MAX_AMOUNT_WON:
            errors[name] = (f"{particle(label, '이가')} 너무 큽니다(1경 원 초과): {value:,} / "
                            f"{english} is too large (over 10 quadrillion won): {value:,}")
    if errors:
        raise ValidationError(errors)
    budget = values["original_budget"] + values["transfers"] + values["carryover"]
    if budget < 0:
        errors["transfers"] = (f"예산이체로 예산현액이 음수가 됩니다: {budget:,} / "
                               f"the transfers make the current budget negative: {budget:,}")
    elif values["committed"] > budget:
        errors["committed"] = (
            f"원인행위액({values['committed']:,})이 예산현액({budget:,})보다 큽니다 / "
            f"the amount committed ({values['committed']:,}) exceeds the current budget "
            f"({budget:,})")
    if values["spent"] > values["committed"]:
        errors["spent"] = (f"지출액({values['spent']:,})이 원인행위액({values['committed']:,})보다 "
                           f"큽니다 / the amount spent ({values['spent']:,}) exceeds the amount "
                           f"committed ({values['committed']:,})")
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
    _check_period_kind(period, node.plan_id, tracking_settings(node.plan).execution_period,
                       "집행실적")
    if node.children.exists():
        raise ValidationError({"node": f"'{node.code}'{josa(node.code, '은는')} 단위사업이 아닙니다(하위 과제가 있음) / "
                                       f"'{node.code}' is not a unit project (it has children)"})


def _check_period_open_for(actor: Any, period: ReportingPeriod) -> None:
    """Refuse a locked period to everyone, a closed one to all but planners."""
    if period.state == PeriodState.LOCKED:
        raise ValidationError({"period": (
            f"{period.label}{josa(period.label, '은는')} 확정되었습니다. 기획 담당자의 정정으로만 바꿀 수 있습니다 / "
            f"{period.label} is locked; only a planner's recorded correction can change it")})
    if period.state == PeriodState.CLOSED and not is_planner(actor):
        raise ValidationError({"period": f"{period.label}{josa(period.label, '은는')} 마감되었습니다 / "
                                         f"{period.label} is closed for entry"})


def _check_status_editable_by(actor: Any, record: ApprovalEntry) -> None:
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
    only creates: a saved record needs the version its editor saw (the XLSX upload goes through
    `do_save_executions`, which keeps its own changed-since-download check).
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
    return update_versioned(actor, record, _required_version(record, expected_version,
                                                              list(AMOUNT_FIELDS)), dict(values))


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


class BatchRefused(Exception):
    """Some items of a batch were refused; nothing was saved. `problems` maps index → error."""

    def __init__(self, problems: dict[int, Exception]) -> None:
        self.problems = problems
        super().__init__(f"{len(problems)}건이 거부되어 아무것도 저장하지 않았습니다 / "
                         f"{len(problems)} items refused; nothing saved")


ExecutionItem = tuple[Node, int | None, dict[str, Any]]  # node, expected version, amounts


@transaction.atomic
def do_save_executions(actor: Any, period: ReportingPeriod,
                       items: Sequence[ExecutionItem]) -> list[ExecutionRecord]:
    """Save many unit projects' execution for one period at once, all or nothing.

    The same rules as do_save_execution, applied item by item (department, unit project,
    status, amounts, version); the period is checked and locked once, and the records and
    their audit events are written in bulk. Items equal to what is saved are left alone.
    Any refused item raises BatchRefused naming every refused item by index.
    """
    period = ReportingPeriod.objects.select_for_update().select_related("plan").get(pk=period.pk)
    _check_period_kind(period, period.plan_id, tracking_settings(period.plan).execution_period,
                       "집행실적")
    _check_period_open_for(actor, period)
    editable = None if is_planner(actor) else editable_node_ids(actor)
    has_children = set(Node.objects.filter(plan_id=period.plan_id, parent__isnull=False)
                       .values_list("parent_id", flat=True))
    existing = {r.node_id: r for r in ExecutionRecord.objects.select_for_update().filter(
        period=period, node_id__in=[node.pk for node, _, _ in items])}
    for node, _, _ in items:  # their audit labels name the node and period already loaded
        if node.pk in existing:
            existing[node.pk].node, existing[node.pk].period = node, period
    problems: dict[int, Exception] = {}
    creates: list[ExecutionRecord] = []
    updates: list[tuple[ExecutionRecord, dict[str, list[Any]]]] = []
    now = timezone.now()
    for index, (node, expected_version, amounts) in enumerate(items):
        try:
            if editable is not None and node.pk not in editable:
                raise PermissionDenied(
                    f"'{node.code} {node.title}'{josa(node.title, '은는')} 소속 부서의 과제가 아니어서 수정할 수 없습니다 "
                    f"/ '{node.code}' is not owned by your department")
            if node.plan_id != period.plan_id:
                raise ValidationError({"period": "과제와 보고 기간의 계획이 다릅니다 / "
                                                 "the period belongs to another plan"})
            if node.pk in has_children:
                raise ValidationError({"node": f"'{node.code}'{josa(node.code, '은는')} 단위사업이 아닙니다 / "
                                               f"'{node.code}' is not a unit project"})
            record = existing.get(node.pk)
            if record is not None:
                _check_status_editable_by(actor, record)
            values = _merged_amounts(record, amounts)
            if record is None:
                if expected_version is not None:
                    raise ValidationError({"version": "저장된 실적이 없습니다 / there is no "
                                                      "saved record"})
                creates.append(ExecutionRecord(node=node, period=period, **values))
                continue
            if expected_version is not None and expected_version != record.version:
                raise EditConflict(str(record), field_values(record, list(AMOUNT_FIELDS)),
                                   record.version)
            changes = {k: [getattr(record, k), v] for k, v in values.items()
                       if getattr(record, k) != v}
            if changes:
                for name, (_, new) in changes.items():
                    setattr(record, name, new)
                record.version += 1
                record.updated_at = now
                updates.append((record, changes))
        except (ValidationError, PermissionDenied, EditConflict) as exc:
            problems[index] = exc
    if problems:
        raise BatchRefused(problems)
    created = ExecutionRecord.objects.bulk_create(creates)
    _update_versions_in_bulk([r for r, _ in updates])
    record_creates(actor, created)
    record_changes(actor, updates)
    return created + [r for r, _ in updates]


def _update_versions_in_bulk(records: list[ExecutionRecord]) -> None:
    """Write changed records (version already raised) in one executemany, versions checked.

    Django's bulk_update builds one CASE per field over all rows, which costs seconds for a
    thousand rows; a parameterised UPDATE run for each row in one executemany costs
    milliseconds. Each row must still hold the version it was read with (the rows are locked
    by the caller, so a mismatch means a bug, not a race).
    """
    if not records:
        return
    quote = connection.ops.quote_name
    columns = [*AMOUNT_FIELDS, "version", "updated_at"]
    sets = ", ".join(f"{quote(c)} = %s" for c in columns)
    sql = (f"UPDATE {quote(ExecutionRecord._meta.db_table)} SET {sets} "
           f"WHERE {quote('id')} = %s AND {quote('version')} = %s")
    updated_at = ExecutionRecord._meta.get_field("updated_at")
    rows = [[*(getattr(r, f) for f in AMOUNT_FIELDS), r.version,
             updated_at.get_db_prep_value(r.updated_at, connection), r.pk, r.version - 1]
            for r in records]
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)
        if cursor.rowcount not in (-1, len(rows)):  # -1: the driver does not count
            raise EditConflict("집행실적", {}, 0)


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


# --- approval (결재), shared by execution, indicator actuals and milestones ---------------------


def _transition(actor: Any, entry: E, allowed_from: set[str], to: str,
                expected_version: int | None, changes: dict[str, Any], reason: str) -> E:
    entry = type(entry)._default_manager.select_for_update().get(pk=entry.pk)
    if entry.status not in allowed_from:
        raise ValidationError({"status": (
            f"'{entry.get_status_display()}' 상태에서는 '{ExecutionStatus(to).label}'{josa(ExecutionStatus(to).label, '으로')} "
            f"바꿀 수 없습니다 / a {entry.status} entry cannot become {to}")})
    version = entry.version if expected_version is None else expected_version
    return update_versioned(actor, entry, version, {"status": to, **changes}, reason)


@transaction.atomic
def do_submit_entry(actor: Any, entry: E, expected_version: int | None = None) -> E:
    """Send a draft or returned entry for approval (결재 요청); planners are told."""
    require_node_editor(actor, entry.owner_node())
    _check_period_open_for(actor, ReportingPeriod.objects.get(pk=entry.period_id))
    entry = _transition(actor, entry, {ExecutionStatus.DRAFT, ExecutionStatus.RETURNED},
                        ExecutionStatus.SUBMITTED, expected_version, {}, "submit")
    notify.entry_submitted(entry)
    return entry


@transaction.atomic
def do_approve_entry(actor: Any, entry: E, expected_version: int | None = None) -> E:
    """Approve a submitted entry; an indicator actual becomes the plan's figure of record."""
    require_planner(actor)
    entry = _transition(actor, entry, {ExecutionStatus.SUBMITTED}, ExecutionStatus.APPROVED,
                        expected_version, {"return_comment": ""}, "approve")
    if isinstance(entry, IndicatorReport):
        _publish_indicator_actual(actor, entry)
    notify.entry_approved(entry)
    return entry


@transaction.atomic
def do_return_entry(actor: Any, entry: E, comment: str, expected_version: int | None = None) -> E:
    """Return a submitted entry to its department with a comment saying what to fix."""
    require_planner(actor)
    comment = comment.strip()
    if not comment:
        raise ValidationError({"return_comment": "반려 사유를 입력하십시오 / "
                                                 "say why the entry is returned"})
    if len(comment) > MAX_COMMENT:
        raise ValidationError({"return_comment": f"반려 사유는 {MAX_COMMENT}자 이내여야 합니다 / "
                                                 f"at most {MAX_COMMENT} characters"})
    entry = _transition(actor, entry, {ExecutionStatus.SUBMITTED}, ExecutionStatus.RETURNED,
                        expected_version, {"return_comment": comment}, f"return: {comment}")
    notify.entry_returned(entry, comment)
    return entry


def do_submit_execution(actor: Any, record: ExecutionRecord,
                        expected_version: int | None = None) -> ExecutionRecord:
    """Send a draft or returned execution record for approval (결재 요청)."""
    return do_submit_entry(actor, record, expected_version)


def do_approve_execution(actor: Any, record: ExecutionRecord,
                         expected_version: int | None = None) -> ExecutionRecord:
    """Approve a submitted execution record (the return comment, kept in the trail, is cleared)."""
    return do_approve_entry(actor, record, expected_version)


def do_return_execution(actor: Any, record: ExecutionRecord, comment: str,
                        expected_version: int | None = None) -> ExecutionRecord:
    """Return a submitted execution record to its department with a comment."""
    return do_return_entry(actor, record, comment, expected_version)


def _reason(reason: str) -> str:
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": "정정 사유를 입력하십시오 / the reason is required"})
    if len(reason) > MAX_COMMENT:
        raise ValidationError({"reason": f"정정 사유는 {MAX_COMMENT}자 이내여야 합니다 / "
                                         f"at most {MAX_COMMENT} characters"})
    return reason


# --- per-plan settings and period generation ------------------------------------------------


def tracking_settings(plan: Plan) -> TrackingSettings:
    """Return the plan's tracking settings, unsaved defaults when none were set."""
    found = TrackingSettings.objects.filter(plan=plan).first()
    return found or TrackingSettings(plan=plan)


SETTING_FIELDS = ("execution_period", "indicator_period", "milestone_period", "due_days",
                  "reminder_days", "projection_threshold")


@transaction.atomic
def do_update_tracking_settings(actor: Any, plan: Plan, expected_version: int | None,
                                **values: Any) -> TrackingSettings:
    """Set how a plan is tracked (planners): period kinds, due days, reminders, threshold."""
    require_planner(actor)
    unknown = set(values) - set(SETTING_FIELDS)
    if unknown:
        raise TypeError(f"unknown settings: {sorted(unknown)}")
    current = TrackingSettings.objects.select_for_update().filter(plan=plan).first()
    candidate = current or TrackingSettings(plan=plan)
    for name, value in values.items():
        setattr(candidate, name, value)
    candidate.full_clean(exclude=["plan"])
    if current is None:
        candidate.save()
        record_create(actor, candidate)
        return candidate
    version = _required_version(current, expected_version, list(values))
    new_values = {name: getattr(candidate, name) for name in values}
    current.refresh_from_db()  # candidate is current: the audit needs the old values
    return update_versioned(actor, current, version, new_values)


@transaction.atomic
def do_generate_periods(actor: Any, plan: Plan, year: int) -> list[ReportingPeriod]:
    """Create a year's reporting periods of the kinds the plan's settings name (open).

    Due date = the period's last day + the settings' due days. Existing periods are left
    as they are; the new ones are returned.
    """
    require_planner(actor)
    validate_year(year)
    conf = tracking_settings(plan)
    kinds = {conf.execution_period, conf.indicator_period, conf.milestone_period}
    existing = set(ReportingPeriod.objects.filter(plan=plan, year=year)
                   .values_list("kind", "number"))
    created = []
    for kind in sorted(kinds):
        top = MONTHS_PER_YEAR if kind == PeriodKind.MONTH else QUARTERS_PER_YEAR
        for number in range(1, top + 1):
            if (kind, number) in existing:
                continue
            due_on = period_end(kind, year, number) + dt.timedelta(days=conf.due_days)
            period = ReportingPeriod.objects.create(plan=plan, kind=kind, year=year,
                                                    number=number, due_on=due_on)
            record_create(actor, period)
            created.append(period)
    return created


def _in_english(label: Any) -> str:
    """Return a choice's label in English for the English half of a message."""
    with translation.override("en"):
        return str(label)


WHAT_IN_ENGLISH = {"집행실적": "budget execution", "성과지표 실적": "an indicator actual",
                   "추진일정": "a milestone"}


def _check_period_kind(period: ReportingPeriod, plan_id: int, expected: str, what: str) -> None:
    if period.plan_id != plan_id:
        raise ValidationError({"period": "과제와 보고 기간의 계획이 다릅니다 / "
                                         "the period belongs to another plan"})
    if period.kind != expected:
        label = PeriodKind(expected).label
        english = WHAT_IN_ENGLISH.get(what, "this entry")
        raise ValidationError({"period": f"{what}{josa(what, '은는')} {label} 단위로 입력합니다: "
                                         f"{period.label} / {english} is entered per {expected}: "
                                         f"{period.label}"})


def _locked_period(actor: Any, period: ReportingPeriod) -> ReportingPeriod:
    """Return the period row-locked, refusing it if it is locked (or closed for officers)."""
    period = ReportingPeriod.objects.select_for_update().get(pk=period.pk)
    _check_period_open_for(actor, period)
    return period


# --- indicator actuals ------------------------------------------------------------------------

MAX_INDICATOR_VALUE = Decimal("1e19")


def parse_indicator_value(value: Any) -> Decimal:
    """Return a finite decimal with at most 4 places, or raise ValidationError naming `value`."""
    if isinstance(value, bool):
        value = None
    try:
        number = Decimal(str(value).replace(",", "").strip()) if value is not None else None
    except InvalidOperation:
        number = None
    if number is None or not number.is_finite():
        raise ValidationError({"value": f"실적값은 숫자여야 합니다: {value!r} / "
                                        f"the value must be a number: {value!r}"})
    if abs(number) >= MAX_INDICATOR_VALUE:
        raise ValidationError({"value": f"실적값이 너무 큽니다: {value!r} / the value is too large"})
    if number != number.quantize(Decimal("0.0001")):
        raise ValidationError({"value": f"실적값은 소수 넷째 자리까지입니다: {value!r} / "
                                        f"at most 4 decimal places: {value!r}"})
    return number


def _normal_unit(unit: str) -> str:
    return "".join(unit.split()).casefold()


@transaction.atomic
def do_save_indicator_report(actor: Any, indicator: Indicator, period: ReportingPeriod,
                             expected_version: int | None, *, value: Any, unit: str,
                             evidence: str = "") -> IndicatorReport:
    """Create or change an indicator's actual for a period, in the indicator's own unit."""
    node = indicator.node
    require_node_editor(actor, node)
    _check_period_kind(period, node.plan_id, tracking_settings(node.plan).indicator_period,
                       "성과지표 실적")
    period = _locked_period(actor, period)
    number = parse_indicator_value(value)
    if _normal_unit(unit or "") != _normal_unit(indicator.unit):
        raise ValidationError({"unit": (
            f"'{indicator.name}'의 단위는 '{indicator.unit}'입니다. '{unit}'{josa(unit, '으로')} 입력할 수 없습니다 / "
            f"'{indicator.name}' is measured in '{indicator.unit}', not '{unit}'")})
    evidence = (evidence or "").strip()
    if len(evidence) > MAX_COMMENT:
        raise ValidationError({"evidence": f"근거는 {MAX_COMMENT}자 이내여야 합니다 / "
                                           f"at most {MAX_COMMENT} characters"})
    values = {"value": number, "unit": indicator.unit, "evidence": evidence}
    report = IndicatorReport.objects.filter(indicator=indicator, period=period).first()
    if report is None:
        return _create_entry(actor, IndicatorReport, {"indicator": indicator, "period": period},
                             values, expected_version)
    _check_status_editable_by(actor, report)
    version = _required_version(report, expected_version, list(values))
    return update_versioned(actor, report, version, values)


def _publish_indicator_actual(actor: Any, report: IndicatorReport) -> None:
    """Make an approved report the plan's IndicatorActual for its period (audited)."""
    note = report.evidence[:300]
    actual = IndicatorActual.objects.filter(indicator_id=report.indicator_id,
                                            period=report.period.label).first()
    if actual is None:
        actual = IndicatorActual.objects.create(indicator_id=report.indicator_id,
                                                period=report.period.label, value=report.value,
                                                note=note)
        record_create(actor, actual, reason="approve")
        return
    old = {"value": actual.value, "note": actual.note}
    actual.value, actual.note = report.value, note
    actual.save(update_fields=["value", "note"])
    record_change(actor, actual, {k: [old[k], getattr(actual, k)] for k in old}, "approve")


@transaction.atomic
def do_correct_indicator_report(actor: Any, report: IndicatorReport, reason: str, *,
                                value: Any, evidence: str | None = None) -> IndicatorReport:
    """Correct an indicator actual in any period, locked ones included (planners, with reason)."""
    require_planner(actor)
    reason = _reason(reason)
    report = IndicatorReport.objects.select_related("indicator", "period").get(pk=report.pk)
    changes: dict[str, Any] = {"value": parse_indicator_value(value)}
    if evidence is not None:
        changes["evidence"] = evidence.strip()
    report = update_versioned(actor, report, report.version, changes, f"정정: {reason}")
    if report.status == ExecutionStatus.APPROVED:
        _publish_indicator_actual(actor, report)
    return report


# --- milestones ---------------------------------------------------------------------------------


def _validate_milestone(period: ReportingPeriod, values: dict[str, Any], today: dt.date) -> None:
    errors: dict[str, str] = {}
    state = values["state"]
    if state not in MilestoneState.values:
        errors["state"] = (f"추진 상태는 완료·진행·지연·미착수 중 하나입니다: {state!r} / "
                           f"the state must be done, in progress, delayed or not started: "
                           f"{state!r}")
    if not values["planned"].strip():
        errors["planned"] = "계획 내용을 입력하십시오 / the planned activity is required"
    for name in ("planned", "achieved", "delay_reason"):
        if len(values[name]) > MAX_COMMENT:
            errors[name] = f"{MAX_COMMENT}자 이내여야 합니다 / at most {MAX_COMMENT} characters"
    late = state == MilestoneState.DELAYED or (
        state in {MilestoneState.NOT_STARTED, MilestoneState.IN_PROGRESS}
        and today > period.ends_on)
    if late and not values["delay_reason"].strip():
        errors["delay_reason"] = (
            f"{period.label}의 일정이 지났거나 지연되었습니다. 지연 사유를 입력하십시오 / "
            f"the quarter has passed or the item is late: give the reason")
    completed_on = values["completed_on"]
    if completed_on is not None:
        if state != MilestoneState.DONE:
            errors["completed_on"] = ("완료일은 '완료' 상태에서만 입력합니다 / "
                                      "a completion date needs the state 완료")
        elif completed_on > today:
            errors["completed_on"] = (f"완료일이 미래입니다: {completed_on} / "
                                      f"the completion date is in the future")
    if state == MilestoneState.DONE and not values["achieved"].strip():
        errors["achieved"] = "완료한 일정은 실적을 입력하십시오 / say what was achieved"
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def do_save_milestone(actor: Any, node: Node, period: ReportingPeriod,
                      expected_version: int | None, *, achieved: str, state: str,
                      delay_reason: str = "", completed_on: dt.date | None = None,
                      planned: str | None = None, today: dt.date | None = None) -> Milestone:
    """Create or report on a node's quarterly milestone: planned vs achieved, state, reason.

    The planned activity comes from the plan: the department may write it when it creates
    the milestone; afterwards only planners change it.
    """
    require_node_editor(actor, node)
    _check_period_kind(period, node.plan_id, tracking_settings(node.plan).milestone_period,
                       "추진일정")
    period = _locked_period(actor, period)
    today = today or clock.today()
    milestone = Milestone.objects.filter(node=node, period=period).first()
    if milestone is not None:
        _check_status_editable_by(actor, milestone)
        if planned is not None and planned.strip() != milestone.planned and not is_planner(actor):
            raise ValidationError({"planned": "계획 내용은 기획 담당자만 바꿀 수 있습니다 / "
                                              "only planners change the planned activity"})
    values = {"planned": (planned if planned is not None
                          else milestone.planned if milestone else "").strip(),
              "achieved": (achieved or "").strip(), "state": state,
              "delay_reason": (delay_reason or "").strip(), "completed_on": completed_on}
    _validate_milestone(period, values, today)
    if milestone is None:
        return _create_entry(actor, Milestone, {"node": node, "period": period}, values,
                             expected_version)
    version = _required_version(milestone, expected_version, list(values))
    return update_versioned(actor, milestone, version, values)


# --- node status ------------------------------------------------------------------------------


@transaction.atomic
def do_record_status(actor: Any, node: Node, *, status: str, effective_on: dt.date,
                     reason: str = "", today: dt.date | None = None) -> StatusChange:
    """Record a node's 추진 상황 from a date on; earlier statuses stay as history."""
    require_node_editor(actor, node)
    errors: dict[str, str] = {}
    if status not in NodeStatus.values:
        errors["status"] = (f"추진 상황이 올바르지 않습니다: {status!r} / "
                            f"unknown status {status!r}")
    reason = (reason or "").strip()
    if status in STATUSES_NEEDING_REASON and not reason:
        errors["reason"] = (f"'{NodeStatus(status).label}'에는 사유가 필요합니다 / "
                            f"the status '{_in_english(NodeStatus(status).label)}' needs a "
                            f"reason")
    if len(reason) > MAX_COMMENT:
        errors["reason"] = f"{MAX_COMMENT}자 이내여야 합니다 / at most {MAX_COMMENT} characters"
    today = today or clock.today()
    if not isinstance(effective_on, dt.date) or isinstance(effective_on, dt.datetime):
        errors["effective_on"] = (f"기준일은 날짜여야 합니다: {effective_on!r} / "
                                  f"the date must be a date")
    elif effective_on > today:
        errors["effective_on"] = (f"기준일이 미래입니다: {effective_on} / "
                                  f"the date is in the future")
    if errors:
        raise ValidationError(errors)
    change = StatusChange.objects.create(node=node, status=status, reason=reason,
                                         effective_on=effective_on,
                                         recorded_by=actor if getattr(actor, "pk", None) else None)
    record_create(actor, change)
    return change


def current_status(node: Node, on: dt.date | None = None) -> StatusChange | None:
    """Return the node's status in force on a date (the latest recorded on or before it)."""
    changes = StatusChange.objects.filter(node=node)
    if on is not None:
        changes = changes.filter(effective_on__lte=on)
    return changes.order_by("-effective_on", "-id").first()


# --- citizen participation ----------------------------------------------------------------------

MAX_PARTICIPATION_COUNT = 1_000_000


def _validate_participation(values: dict[str, Any], today: dt.date) -> None:
    errors: dict[str, str] = {}
    if values["kind"] not in ParticipationKind.values:
        errors["kind"] = (f"참여 유형이 올바르지 않습니다: {values['kind']!r} / "
                          f"unknown kind {values['kind']!r}")
    count = values["count"]
    if isinstance(count, bool) or not isinstance(count, int) or not \
            1 <= count <= MAX_PARTICIPATION_COUNT:
        errors["count"] = (f"횟수는 1 이상의 정수여야 합니다: {count!r} / "
                           f"the count must be a whole number ≥ 1: {count!r}")
    held_on = values["held_on"]
    if held_on is not None and held_on > today:
        errors["held_on"] = f"일자가 미래입니다: {held_on} / the date is in the future"
    if len(values["description"]) > MAX_COMMENT:
        errors["description"] = f"{MAX_COMMENT}자 이내여야 합니다 / at most {MAX_COMMENT} characters"
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def do_save_participation(actor: Any, node: Node, event: ParticipationEvent | None,
                          expected_version: int | None, *, kind: str, count: int,
                          held_on: dt.date | None = None, description: str = "",
                          today: dt.date | None = None) -> ParticipationEvent:
    """Record a citizen participation event (or change one) of a node."""
    require_node_editor(actor, node)
    values = {"kind": kind, "count": count, "held_on": held_on,
              "description": (description or "").strip()}
    _validate_participation(values, today or clock.today())
    if event is None:
        created = ParticipationEvent.objects.create(node=node, **values)
        record_create(actor, created)
        return created
    if event.node_id != node.pk:
        raise ValidationError({"node": "다른 과제의 참여실적입니다 / the event belongs to "
                                       "another node"})
    version = _required_version(event, expected_version, list(values))
    return update_versioned(actor, event, version, values)


@transaction.atomic
def do_delete_participation(actor: Any, event: ParticipationEvent,
                            expected_version: int) -> None:
    """Delete a participation event entered by mistake (the trail keeps its values)."""
    require_node_editor(actor, event.node)
    current = ParticipationEvent.objects.select_for_update().get(pk=event.pk)
    if current.version != expected_version:
        raise EditConflict(str(current), field_values(current), current.version)
    record_delete(actor, current)
    current.delete()


# --- shared ---------------------------------------------------------------------------------


def _required_version(current: Any, expected_version: int | None, fields: list[str]) -> int:
    """Return the editor's version of a saved record; none given means a stale "create"."""
    if expected_version is None:
        # Null only creates: the record exists, so the editor has not seen what it holds.
        raise conflict_for(current, fields)
    return expected_version


def _create_entry(actor: Any, model: type[E], keys: dict[str, Any], values: dict[str, Any],
                  expected_version: int | None) -> E:
    """Create an entry, turning a concurrent creation of the same key into an EditConflict."""
    if expected_version is not None:
        raise ValidationError({"version": "저장된 항목이 없습니다 / there is no saved entry"})
    try:
        with transaction.atomic():
            entry = model._default_manager.create(**keys, **values)
    except IntegrityError:
        current = model._default_manager.get(**keys)
        raise EditConflict(str(current), field_values(current, list(values)),
                           current.version) from None
    record_create(actor, entry)
    return entry


# --- notifications ------------------------------------------------------------------------------


def do_mark_notification_read(actor: Any, pk: int) -> Notification:
    """Mark one of the actor's own notifications read (someone else's does not exist: 404)."""
    note = Notification.objects.filter(pk=pk, user_id=getattr(actor, "pk", None) or 0).first()
    if note is None:
        raise Http404(f"알림 {pk}{josa(pk, '이가')} 없습니다 / no notification {pk}")
    if note.read_at is None:
        note.read_at = timezone.now()
        note.save(update_fields=["read_at"])
    return note
