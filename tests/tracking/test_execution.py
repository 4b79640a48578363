"""Departments enter monthly execution of their unit projects; bad figures are refused whole."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rtis.audit.models import AuditEvent
from rtis.lib.conflict import EditConflict
from rtis.orgs.models import User
from rtis.plans.models import MAX_AMOUNT_WON, Node, Plan
from rtis.tracking.actions import (
    do_close_period,
    do_correct_execution,
    do_lock_period,
    do_open_period,
    do_save_execution,
)
from rtis.tracking.models import ExecutionRecord, ExecutionStatus, ReportingPeriod
from tests.tracking.conftest import AMOUNTS, events_of, saved_amounts

pytestmark = pytest.mark.django_db


def test_an_officer_enters_a_month_for_a_unit_project_of_their_department(
        officer: User, unit: Node, month: ReportingPeriod) -> None:
    record = do_save_execution(officer, unit, month, None, **AMOUNTS)
    assert saved_amounts(record) == AMOUNTS
    assert record.status == ExecutionStatus.DRAFT
    assert record.current_budget == 1_100_000_000
    assert events_of(record, "create")[0].changes["committed"] == [None, 800_000_000]


def test_a_planner_enters_for_any_department(planner: User, other_unit: Node,
                                             month: ReportingPeriod) -> None:
    assert do_save_execution(planner, other_unit, month, None, **AMOUNTS).pk


@pytest.mark.parametrize("who", ["other_officer", "viewer"])
def test_it_refuses_another_departments_unit_project(who: str, unit: Node, month: ReportingPeriod,
                                                     request: pytest.FixtureRequest) -> None:
    with pytest.raises(PermissionDenied):
        do_save_execution(request.getfixturevalue(who), unit, month, None, **AMOUNTS)
    assert not ExecutionRecord.objects.exists()


def test_an_officer_cannot_enter_for_a_unit_their_department_does_not_own(
        officer: User, other_unit: Node, month: ReportingPeriod) -> None:
    with pytest.raises(PermissionDenied):
        do_save_execution(officer, other_unit, month, None, **AMOUNTS)


def test_it_refuses_a_node_that_is_not_a_unit_project(planner: User, plan: Plan,
                                                      month: ReportingPeriod) -> None:
    with pytest.raises(ValidationError) as raised:
        do_save_execution(planner, plan.nodes.get(code="2-1"), month, None, **AMOUNTS)
    assert "node" in raised.value.message_dict


def test_it_refuses_a_quarter(plan: Plan, planner: User, officer: User, unit: Node) -> None:
    import datetime as dt

    quarter = do_open_period(planner, plan, kind="quarter", year=2019, number=3,
                             due_on=dt.date(2019, 10, 10))
    with pytest.raises(ValidationError) as raised:
        do_save_execution(officer, unit, quarter, None, **AMOUNTS)
    assert "period" in raised.value.message_dict


@pytest.mark.parametrize(("changes", "field"), [
    ({"original_budget": -1}, "original_budget"),
    ({"carryover": -1}, "carryover"),
    ({"committed": -1}, "committed"),
    ({"spent": -1, "committed": 0}, "spent"),
    ({"original_budget": MAX_AMOUNT_WON + 1}, "original_budget"),
    ({"transfers": -(MAX_AMOUNT_WON + 1)}, "transfers"),
    ({"transfers": -2_000_000_000}, "transfers"),
    ({"spent": 900_000_000}, "spent"),
    ({"committed": 1_300_000_001}, "committed"),
    ({"committed": "800"}, "committed"),
    ({"spent": 1.5}, "spent"),
    ({"spent": True}, "spent"),
])
def test_it_refuses_bad_figures_naming_the_field_and_saving_nothing(
        officer: User, unit: Node, month: ReportingPeriod, changes: dict[str, Any],
        field: str) -> None:
    with pytest.raises(ValidationError) as raised:
        do_save_execution(officer, unit, month, None, **{**AMOUNTS, **changes})
    assert field in raised.value.message_dict
    assert not ExecutionRecord.objects.exists()


def test_a_bad_change_leaves_the_saved_record_as_it_was(officer: User, unit: Node,
                                                        month: ReportingPeriod) -> None:
    record = do_save_execution(officer, unit, month, None, **AMOUNTS)
    with pytest.raises(ValidationError):
        do_save_execution(officer, unit, month, record.version, spent=900_000_000)
    assert saved_amounts(record) == AMOUNTS
    assert record.version == 1
    assert not events_of(record)


def test_a_negative_transfer_is_allowed(officer: User, unit: Node, month: ReportingPeriod) -> None:
    record = do_save_execution(officer, unit, month, None, **{**AMOUNTS, "transfers": -1})
    assert record.transfers == -1


def test_the_database_also_refuses_spent_over_committed(unit: Node,
                                                        month: ReportingPeriod) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        ExecutionRecord.objects.create(node=unit, period=month, original_budget=10,
                                       committed=5, spent=6)


def test_a_change_keeps_unmentioned_amounts_and_records_old_and_new(
        officer: User, unit: Node, month: ReportingPeriod) -> None:
    record = do_save_execution(officer, unit, month, None, **AMOUNTS)
    record = do_save_execution(officer, unit, month, record.version, spent=600_000_000)
    assert saved_amounts(record) == {**AMOUNTS, "spent": 600_000_000}
    assert record.version == 2
    assert events_of(record)[-1].changes == {"spent": [500_000_000, 600_000_000]}


def test_a_stale_version_is_refused_with_the_other_persons_change(
        officer: User, planner: User, unit: Node, month: ReportingPeriod) -> None:
    record = do_save_execution(officer, unit, month, None, **AMOUNTS)
    seen = record.version
    do_save_execution(planner, unit, month, seen, spent=550_000_000)
    with pytest.raises(EditConflict) as raised:
        do_save_execution(officer, unit, month, seen, spent=600_000_000)
    assert raised.value.current["spent"] == 550_000_000
    assert raised.value.changed_by == "planner"
    assert saved_amounts(record)["spent"] == 550_000_000


def test_a_version_for_a_record_that_does_not_exist_is_refused(
        officer: User, unit: Node, month: ReportingPeriod) -> None:
    with pytest.raises(ValidationError) as raised:
        do_save_execution(officer, unit, month, 3, **AMOUNTS)
    assert "version" in raised.value.message_dict


def test_officers_cannot_enter_into_a_closed_period_but_planners_can(
        officer: User, planner: User, unit: Node, month: ReportingPeriod) -> None:
    do_close_period(planner, month)
    with pytest.raises(ValidationError) as raised:
        do_save_execution(officer, unit, month, None, **AMOUNTS)
    assert "period" in raised.value.message_dict
    assert do_save_execution(planner, unit, month, None, **AMOUNTS).pk


@pytest.mark.parametrize("who", ["officer", "planner"])
def test_nobody_enters_into_a_locked_period(who: str, planner: User, unit: Node,
                                            month: ReportingPeriod,
                                            request: pytest.FixtureRequest) -> None:
    do_lock_period(planner, month)
    with pytest.raises(ValidationError) as raised:
        do_save_execution(request.getfixturevalue(who), unit, month, None, **AMOUNTS)
    assert "period" in raised.value.message_dict
    assert not ExecutionRecord.objects.exists()


def test_a_planner_corrects_a_locked_period_with_a_recorded_reason(
        officer: User, planner: User, unit: Node, month: ReportingPeriod) -> None:
    record = do_save_execution(officer, unit, month, None, **AMOUNTS)
    do_lock_period(planner, month)
    record = do_correct_execution(planner, record, "지출결의 누락분 반영", spent=510_000_000)
    assert record.spent == 510_000_000
    event = events_of(record)[-1]
    assert event.changes == {"spent": [500_000_000, 510_000_000]}
    assert "지출결의 누락분 반영" in event.reason


def test_a_correction_needs_a_reason_and_valid_figures(
        planner: User, officer: User, unit: Node, month: ReportingPeriod) -> None:
    record = do_save_execution(officer, unit, month, None, **AMOUNTS)
    with pytest.raises(ValidationError) as raised:
        do_correct_execution(planner, record, "  ", spent=1)
    assert "reason" in raised.value.message_dict
    with pytest.raises(ValidationError) as raised:
        do_correct_execution(planner, record, "정정", spent=900_000_000)
    assert "spent" in raised.value.message_dict
    assert saved_amounts(record) == AMOUNTS


@pytest.mark.parametrize("who", ["officer", "other_officer", "viewer"])
def test_only_planners_correct(who: str, officer: User, unit: Node, month: ReportingPeriod,
                               request: pytest.FixtureRequest) -> None:
    record = do_save_execution(officer, unit, month, None, **AMOUNTS)
    with pytest.raises(PermissionDenied):
        do_correct_execution(request.getfixturevalue(who), record, "정정", spent=1)


WON = st.integers(min_value=-(MAX_AMOUNT_WON + 10), max_value=MAX_AMOUNT_WON + 10)
SMALL = st.integers(min_value=-1_000, max_value=3_000)
AMOUNT = st.one_of(SMALL, WON)


@settings(deadline=None, database=None, max_examples=120,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(original=AMOUNT, transfers=AMOUNT, carryover=AMOUNT, committed=AMOUNT, spent=AMOUNT)
def test_a_save_succeeds_exactly_when_spent_committed_and_budget_are_in_order(
        officer: User, unit: Node, month: ReportingPeriod, original: int, transfers: int,
        carryover: int, committed: int, spent: int) -> None:
    ExecutionRecord.objects.all().delete()
    components_valid = (0 <= original <= MAX_AMOUNT_WON and 0 <= carryover <= MAX_AMOUNT_WON
                        and abs(transfers) <= MAX_AMOUNT_WON and committed <= MAX_AMOUNT_WON)
    valid = components_valid and 0 <= spent <= committed <= original + transfers + carryover
    try:
        do_save_execution(officer, unit, month, None, original_budget=original,
                          transfers=transfers, carryover=carryover, committed=committed,
                          spent=spent)
    except ValidationError:
        assert not valid
        assert not ExecutionRecord.objects.exists()
    else:
        assert valid
        assert ExecutionRecord.objects.get().spent == spent


# --- batch saving (bulk entry) -----------------------------------------------------------------


def second_unit(unit: Node) -> Node:
    """Another unit project of task 2-1 (owned by 신성장산업과 through the task)."""
    return Node.objects.create(plan=unit.plan, parent=unit.parent, code="2-1-2",
                               title="실증 지원", depth=3, level_name=unit.level_name,
                               position=unit.position + 1)


def test_batch_save_creates_updates_and_audits_in_bulk(officer: User, plan: Plan, unit: Node,
                                                       month: ReportingPeriod) -> None:
    from rtis.tracking.actions import do_save_executions

    first = do_save_execution(officer, unit, month, None, **AMOUNTS)
    second = second_unit(unit)
    saved = do_save_executions(officer, month, [
        (unit, first.version, {**AMOUNTS, "spent": 600_000_000}),
        (second, None, {"original_budget": 50, "committed": 40, "spent": 30}),
    ])
    assert {r.node_id for r in saved} == {unit.pk, second.pk}
    first.refresh_from_db()
    assert first.spent == 600_000_000
    assert events_of(first)[-1].changes == {"spent": [500_000_000, 600_000_000]}
    created = ExecutionRecord.objects.get(node=second, period=month)
    assert created.current_budget == 50 and len(events_of(created, "create")) == 1


def test_batch_save_refuses_everything_when_one_item_is_bad(officer: User, plan: Plan,
                                                            unit: Node, other_unit: Node,
                                                            month: ReportingPeriod) -> None:
    from rtis.tracking.actions import BatchRefused, do_save_executions

    record = do_save_execution(officer, unit, month, None, **AMOUNTS)
    before = AuditEvent.objects.count()
    with pytest.raises(BatchRefused) as refused:
        do_save_executions(officer, month, [
            (unit, record.version - 1, AMOUNTS),  # stale
            (second_unit(unit), None, {"committed": 5, "spent": 9}),  # spent > committed
            (other_unit, None, AMOUNTS),  # another department's
        ])
    problems = refused.value.problems
    assert isinstance(problems[0], EditConflict)
    assert isinstance(problems[1], ValidationError) and "spent" in problems[1].message_dict
    assert isinstance(problems[2], PermissionDenied)
    assert AuditEvent.objects.count() == before
    assert ExecutionRecord.objects.count() == 1
