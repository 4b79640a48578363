"""결재: draft → submitted → returned (with a comment) → resubmitted → approved, all audited."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from rtis.lib.conflict import EditConflict
from rtis.orgs.models import User
from rtis.plans.models import Node
from rtis.tracking.actions import (
    do_approve_execution,
    do_close_period,
    do_lock_period,
    do_return_execution,
    do_save_execution,
    do_submit_execution,
)
from rtis.tracking.models import ExecutionRecord, ExecutionStatus, ReportingPeriod
from tests.tracking.conftest import AMOUNTS, events_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(officer: User, unit: Node, month: ReportingPeriod) -> ExecutionRecord:
    return do_save_execution(officer, unit, month, None, **AMOUNTS)


def test_the_whole_round_of_approval(officer: User, planner: User, unit: Node,
                                     month: ReportingPeriod, draft: ExecutionRecord) -> None:
    record = do_submit_execution(officer, draft)
    assert record.status == ExecutionStatus.SUBMITTED
    record = do_return_execution(planner, record, "지출액 증빙 확인 바랍니다")
    assert record.status == ExecutionStatus.RETURNED
    assert record.return_comment == "지출액 증빙 확인 바랍니다"
    record = do_save_execution(officer, unit, month, record.version, spent=450_000_000)
    assert record.status == ExecutionStatus.RETURNED
    record = do_submit_execution(officer, record)
    record = do_approve_execution(planner, record)
    assert record.status == ExecutionStatus.APPROVED
    assert record.return_comment == ""
    statuses = [e.changes["status"] for e in events_of(record) if "status" in e.changes]
    assert statuses == [["draft", "submitted"], ["submitted", "returned"],
                        ["returned", "submitted"], ["submitted", "approved"]]
    returned = next(e for e in events_of(record) if e.changes.get("status") == ["submitted",
                                                                                 "returned"])
    assert returned.changes["return_comment"] == ["", "지출액 증빙 확인 바랍니다"]
    assert "지출액 증빙 확인 바랍니다" in returned.reason


def test_a_planner_may_submit_too(planner: User, draft: ExecutionRecord) -> None:
    assert do_submit_execution(planner, draft).status == ExecutionStatus.SUBMITTED


@pytest.mark.parametrize("who", ["other_officer", "viewer"])
def test_only_the_owning_department_or_a_planner_submits(
        who: str, draft: ExecutionRecord, request: pytest.FixtureRequest) -> None:
    with pytest.raises(PermissionDenied):
        do_submit_execution(request.getfixturevalue(who), draft)
    draft.refresh_from_db()
    assert draft.status == ExecutionStatus.DRAFT


@pytest.mark.parametrize("who", ["officer", "other_officer", "viewer"])
def test_only_planners_approve_or_return(who: str, officer: User, draft: ExecutionRecord,
                                         request: pytest.FixtureRequest) -> None:
    record = do_submit_execution(officer, draft)
    user = request.getfixturevalue(who)
    with pytest.raises(PermissionDenied):
        do_approve_execution(user, record)
    with pytest.raises(PermissionDenied):
        do_return_execution(user, record, "다시")
    record.refresh_from_db()
    assert record.status == ExecutionStatus.SUBMITTED


def test_a_return_needs_a_comment(officer: User, planner: User, draft: ExecutionRecord) -> None:
    record = do_submit_execution(officer, draft)
    with pytest.raises(ValidationError) as raised:
        do_return_execution(planner, record, "   ")
    assert "return_comment" in raised.value.message_dict
    record.refresh_from_db()
    assert record.status == ExecutionStatus.SUBMITTED


def test_only_submitted_records_are_approved_or_returned(planner: User,
                                                         draft: ExecutionRecord) -> None:
    with pytest.raises(ValidationError) as raised:
        do_approve_execution(planner, draft)
    assert "status" in raised.value.message_dict
    with pytest.raises(ValidationError):
        do_return_execution(planner, draft, "왜")


def test_a_submitted_record_is_not_submitted_again(officer: User, draft: ExecutionRecord) -> None:
    record = do_submit_execution(officer, draft)
    with pytest.raises(ValidationError) as raised:
        do_submit_execution(officer, record)
    assert "status" in raised.value.message_dict


@pytest.mark.parametrize("approve", [False, True])
def test_officers_cannot_change_a_submitted_or_approved_record(
        approve: bool, officer: User, planner: User, unit: Node, month: ReportingPeriod,
        draft: ExecutionRecord) -> None:
    record = do_submit_execution(officer, draft)
    if approve:
        record = do_approve_execution(planner, record)
    with pytest.raises(ValidationError) as raised:
        do_save_execution(officer, unit, month, record.version, spent=1)
    assert "status" in raised.value.message_dict
    record.refresh_from_db()
    assert record.spent == AMOUNTS["spent"]


def test_a_planner_may_fix_a_submitted_record_in_an_open_period(
        officer: User, planner: User, unit: Node, month: ReportingPeriod,
        draft: ExecutionRecord) -> None:
    record = do_submit_execution(officer, draft)
    record = do_save_execution(planner, unit, month, record.version, spent=1)
    assert record.spent == 1


def test_officers_cannot_submit_into_a_closed_period(officer: User, planner: User,
                                                     month: ReportingPeriod,
                                                     draft: ExecutionRecord) -> None:
    do_close_period(planner, month)
    with pytest.raises(ValidationError) as raised:
        do_submit_execution(officer, draft)
    assert "period" in raised.value.message_dict


def test_a_locked_period_still_lets_a_planner_approve(officer: User, planner: User,
                                                      month: ReportingPeriod,
                                                      draft: ExecutionRecord) -> None:
    record = do_submit_execution(officer, draft)
    do_lock_period(planner, month)
    assert do_approve_execution(planner, record).status == ExecutionStatus.APPROVED


def test_a_stale_transition_is_refused(officer: User, planner: User,
                                       draft: ExecutionRecord) -> None:
    seen = draft.version
    do_submit_execution(officer, draft)
    with pytest.raises(EditConflict):
        do_approve_execution(planner, draft, expected_version=seen)
