"""Indicator actuals, milestones, node status, participation, settings and period generation."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from hypothesis import given
from hypothesis import strategies as st

from rtis.lib.conflict import EditConflict
from rtis.orgs.models import User
from rtis.plans.models import Indicator, IndicatorActual, Node, Plan
from rtis.tracking import notify
from rtis.tracking.actions import (
    current_status,
    do_approve_entry,
    do_correct_indicator_report,
    do_delete_participation,
    do_generate_periods,
    do_lock_period,
    do_open_period,
    do_record_status,
    do_return_entry,
    do_save_execution,
    do_save_indicator_report,
    do_save_milestone,
    do_save_participation,
    do_submit_entry,
    do_update_tracking_settings,
    parse_indicator_value,
    tracking_settings,
)
from rtis.tracking.models import (
    ExecutionStatus,
    IndicatorReport,
    Milestone,
    MilestoneState,
    NodeStatus,
    Notification,
    NotificationKind,
    ParticipationEvent,
    PeriodKind,
    ReportingPeriod,
    StatusChange,
    period_end,
)

from .conftest import AMOUNTS, events_of

TODAY = dt.date(2019, 12, 1)


@pytest.fixture
def quarter(plan: Plan, planner: User) -> ReportingPeriod:
    return do_open_period(planner, plan, kind="quarter", year=2019, number=3,
                          due_on=dt.date(2019, 10, 10))


@pytest.fixture
def indicator(unit: Node) -> Indicator:
    return Indicator.objects.create(node=unit, name="창업기업 수", unit="개")


# --- periods and settings ------------------------------------------------------------------


def test_period_end_covers_months_and_quarters() -> None:
    assert period_end("month", 2020, 2) == dt.date(2020, 2, 29)
    assert period_end("month", 2019, 12) == dt.date(2019, 12, 31)
    assert period_end("quarter", 2019, 1) == dt.date(2019, 3, 31)
    assert period_end("quarter", 2019, 4) == dt.date(2019, 12, 31)


def test_generate_periods_follows_the_settings(plan: Plan, planner: User) -> None:
    do_update_tracking_settings(planner, plan, None, due_days=15, indicator_period="month")
    created = do_generate_periods(planner, plan, 2021)
    kinds = sorted({(p.kind) for p in created})
    # execution monthly, indicators monthly, milestones quarterly
    assert kinds == ["month", "quarter"]
    assert len(created) == 12 + 4
    march = ReportingPeriod.objects.get(plan=plan, kind="month", year=2021, number=3)
    assert march.due_on == dt.date(2021, 4, 15)
    assert do_generate_periods(planner, plan, 2021) == []  # idempotent


def test_only_planners_configure(plan: Plan, officer: User) -> None:
    with pytest.raises(PermissionDenied):
        do_update_tracking_settings(officer, plan, None, due_days=5)
    with pytest.raises(PermissionDenied):
        do_generate_periods(officer, plan, 2021)


def test_settings_are_validated_and_versioned(plan: Plan, planner: User) -> None:
    with pytest.raises(ValidationError) as bad:
        do_update_tracking_settings(planner, plan, None, projection_threshold=Decimal("120"))
    assert "projection_threshold" in bad.value.message_dict
    saved = do_update_tracking_settings(planner, plan, None, projection_threshold=Decimal("85"))
    do_update_tracking_settings(planner, plan, saved.version, reminder_days=5)
    with pytest.raises(EditConflict):
        do_update_tracking_settings(planner, plan, saved.version, reminder_days=7)
    assert tracking_settings(plan).reminder_days == 5


def test_execution_period_kind_follows_the_settings(plan: Plan, planner: User, officer: User,
                                                    unit: Node, quarter: ReportingPeriod) -> None:
    with pytest.raises(ValidationError) as wrong:
        do_save_execution(officer, unit, quarter, None, **AMOUNTS)
    assert "period" in wrong.value.message_dict
    do_update_tracking_settings(planner, plan, None, execution_period="quarter")
    record = do_save_execution(officer, unit, quarter, None, **AMOUNTS)
    assert record.spent == AMOUNTS["spent"]


# --- indicator actuals ------------------------------------------------------------------------


def test_indicator_report_round_trip_becomes_the_actual(
        officer: User, planner: User, indicator: Indicator, quarter: ReportingPeriod) -> None:
    report = do_save_indicator_report(officer, indicator, quarter, None, value="1,234.5",
                                      unit=" 개 ", evidence="창업지원단 실적 보고")
    assert report.value == Decimal("1234.5") and report.unit == "개"
    report = do_submit_entry(officer, report)
    assert not IndicatorActual.objects.filter(indicator=indicator).exists()
    do_approve_entry(planner, report)
    actual = IndicatorActual.objects.get(indicator=indicator, period="2019-Q3")
    assert actual.value == Decimal("1234.5") and actual.note == "창업지원단 실적 보고"
    do_correct_indicator_report(planner, report, "오타 정정", value=1200)
    actual.refresh_from_db()
    assert actual.value == Decimal("1200")
    assert [e.reason for e in events_of(report)][-1] == "정정: 오타 정정"


def test_indicator_report_refuses_the_wrong_unit(officer: User, indicator: Indicator,
                                                 quarter: ReportingPeriod) -> None:
    with pytest.raises(ValidationError) as bad:
        do_save_indicator_report(officer, indicator, quarter, None, value=3, unit="명")
    assert "unit" in bad.value.message_dict
    assert "'개'" in bad.value.message_dict["unit"][0]
    assert not IndicatorReport.objects.exists()


def test_indicator_report_refuses_monthly_entry_by_default(officer: User, indicator: Indicator,
                                                           month: ReportingPeriod) -> None:
    with pytest.raises(ValidationError) as bad:
        do_save_indicator_report(officer, indicator, month, None, value=3, unit="개")
    assert "period" in bad.value.message_dict


def test_indicator_report_other_department_refused(other_officer: User, indicator: Indicator,
                                                   quarter: ReportingPeriod) -> None:
    with pytest.raises(PermissionDenied):
        do_save_indicator_report(other_officer, indicator, quarter, None, value=3, unit="개")


@given(st.one_of(st.integers(-10**15, 10**15),
                 st.decimals(allow_nan=False, allow_infinity=False, places=4,
                             min_value=-10**12, max_value=10**12)))
def test_parse_indicator_value_accepts_numbers_it_can_store(value: object) -> None:
    assert parse_indicator_value(value) == Decimal(str(value))


@given(st.sampled_from(["", "abc", "1.23456", "NaN", "Infinity", "1e30", None, True, "--1"]))
def test_parse_indicator_value_refuses_the_rest(value: object) -> None:
    with pytest.raises(ValidationError) as bad:
        parse_indicator_value(value)
    assert "value" in bad.value.message_dict


# --- milestones -------------------------------------------------------------------------------


def test_milestone_needs_a_reason_when_late(officer: User, unit: Node,
                                            quarter: ReportingPeriod) -> None:
    with pytest.raises(ValidationError) as bad:
        do_save_milestone(officer, unit, quarter, None, planned="협약 체결", achieved="",
                          state=MilestoneState.IN_PROGRESS, today=TODAY)
    assert "delay_reason" in bad.value.message_dict
    milestone = do_save_milestone(officer, unit, quarter, None, planned="협약 체결", achieved="",
                                  state=MilestoneState.DELAYED, delay_reason="예산 이체 지연",
                                  today=TODAY)
    assert milestone.state == MilestoneState.DELAYED
    assert Milestone.objects.count() == 1


def test_milestone_done_needs_achievement_and_a_past_date(officer: User, unit: Node,
                                                          quarter: ReportingPeriod) -> None:
    with pytest.raises(ValidationError) as bad:
        do_save_milestone(officer, unit, quarter, None, planned="협약 체결", achieved="",
                          state=MilestoneState.DONE, completed_on=dt.date(2020, 1, 1),
                          today=TODAY)
    assert set(bad.value.message_dict) == {"achieved", "completed_on"}


def test_officers_cannot_rewrite_the_planned_activity(officer: User, planner: User, unit: Node,
                                                      quarter: ReportingPeriod) -> None:
    milestone = do_save_milestone(planner, unit, quarter, None, planned="협약 체결", achieved="",
                                  state=MilestoneState.NOT_STARTED, delay_reason="공고 지연",
                                  today=TODAY)
    with pytest.raises(ValidationError) as bad:
        do_save_milestone(officer, unit, quarter, milestone.version, planned="다른 계획",
                          achieved="협약 3건", state=MilestoneState.DONE, today=TODAY)
    assert "planned" in bad.value.message_dict
    done = do_save_milestone(officer, unit, quarter, milestone.version, achieved="협약 3건",
                             state=MilestoneState.DONE, completed_on=dt.date(2019, 9, 20),
                             today=TODAY)
    assert done.planned == "협약 체결" and done.achieved == "협약 3건"


def test_milestone_stale_version_is_a_conflict(officer: User, planner: User, unit: Node,
                                               quarter: ReportingPeriod) -> None:
    first = do_save_milestone(officer, unit, quarter, None, planned="협약", achieved="",
                              state=MilestoneState.DELAYED, delay_reason="a", today=TODAY)
    do_save_milestone(planner, unit, quarter, first.version, achieved="", delay_reason="b",
                      state=MilestoneState.DELAYED, today=TODAY)
    with pytest.raises(EditConflict) as conflict:
        do_save_milestone(officer, unit, quarter, first.version, achieved="", delay_reason="c",
                          state=MilestoneState.DELAYED, today=TODAY)
    assert conflict.value.current["delay_reason"] == "b"


def test_locked_quarter_refuses_milestones(officer: User, planner: User, unit: Node,
                                           quarter: ReportingPeriod) -> None:
    do_lock_period(planner, quarter)
    with pytest.raises(ValidationError) as bad:
        do_save_milestone(officer, unit, quarter, None, planned="협약", achieved="완료",
                          state=MilestoneState.DONE, today=TODAY)
    assert "period" in bad.value.message_dict


# --- approval of any entry ------------------------------------------------------------------


def test_return_notifies_the_department_and_mails_once(
        officer: User, planner: User, unit: Node, month: ReportingPeriod,
        django_capture_on_commit_callbacks: object) -> None:
    officer.email = "officer@seoul.go.kr"
    officer.save()
    record = do_save_execution(officer, unit, month, None, **AMOUNTS)
    record = do_submit_entry(officer, record)
    assert Notification.objects.filter(user=planner, kind=NotificationKind.SUBMITTED).count() == 1
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        do_return_entry(planner, record, "지출액 확인 바랍니다")
    note = Notification.objects.get(user=officer, kind=NotificationKind.RETURNED)
    assert "지출액 확인 바랍니다" in note.message and "2-1-1" in note.message
    assert note.url.endswith(f"?period={month.pk}")
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["officer@seoul.go.kr"]
    note.refresh_from_db()
    assert note.emailed_at is not None


def test_submit_requires_draft_or_returned(officer: User, planner: User, unit: Node,
                                           month: ReportingPeriod) -> None:
    record = do_submit_entry(officer, do_save_execution(officer, unit, month, None, **AMOUNTS))
    with pytest.raises(ValidationError):
        do_submit_entry(officer, record)
    record = do_approve_entry(planner, record)
    assert record.status == ExecutionStatus.APPROVED
    with pytest.raises(ValidationError):
        do_return_entry(planner, record, "늦은 반려")


# --- reminders --------------------------------------------------------------------------------


def test_due_reminders_once_per_department_and_period(officer: User, planner: User, plan: Plan,
                                                      unit: Node) -> None:
    period = do_open_period(planner, plan, kind="month", year=2019, number=11,
                            due_on=dt.date(2019, 12, 10))
    assert notify.send_due_reminders(dt.date(2019, 12, 1)) == 0  # 9 days ahead: too early
    assert notify.send_due_reminders(dt.date(2019, 12, 8)) == 1
    assert notify.send_due_reminders(dt.date(2019, 12, 8)) == 0
    note = Notification.objects.get(user=officer)
    assert note.kind == NotificationKind.DUE_SOON and "D-2" in note.message
    # Submitting everything the department owes stops the overdue reminder.
    units = [n for n in plan.nodes.filter(children__isnull=True) if n.code.startswith("2-1")]
    for node in units:
        do_submit_entry(officer, do_save_execution(officer, node, period, None, **AMOUNTS))
    assert notify.send_due_reminders(dt.date(2019, 12, 12)) == 0
    assert not Notification.objects.filter(kind=NotificationKind.OVERDUE,
                                           user=officer).exists()


def test_overdue_reminder_names_the_delay(officer: User, planner: User, plan: Plan,
                                          unit: Node) -> None:
    do_open_period(planner, plan, kind="month", year=2019, number=10,
                   due_on=dt.date(2019, 11, 10))
    assert notify.send_due_reminders(dt.date(2019, 11, 13)) >= 1
    note = Notification.objects.get(user=officer, kind=NotificationKind.OVERDUE)
    assert "3일 지났습니다" in note.message


# --- node status ------------------------------------------------------------------------------


def test_status_history_and_reason_rules(officer: User, other_officer: User, unit: Node) -> None:
    do_record_status(officer, unit, status=NodeStatus.NORMAL, effective_on=dt.date(2019, 3, 1),
                     today=TODAY)
    with pytest.raises(ValidationError) as bad:
        do_record_status(officer, unit, status=NodeStatus.DELAYED,
                         effective_on=dt.date(2019, 9, 1), today=TODAY)
    assert "reason" in bad.value.message_dict
    do_record_status(officer, unit, status=NodeStatus.DELAYED, reason="부지 협의 지연",
                     effective_on=dt.date(2019, 9, 1), today=TODAY)
    assert current_status(unit).status == NodeStatus.DELAYED  # type: ignore[union-attr]
    assert current_status(unit, dt.date(2019, 6, 30)).status == NodeStatus.NORMAL  # type: ignore[union-attr]
    assert StatusChange.objects.filter(node=unit).count() == 2
    with pytest.raises(ValidationError) as future:
        do_record_status(officer, unit, status=NodeStatus.NORMAL,
                         effective_on=dt.date(2020, 1, 1), today=TODAY)
    assert "effective_on" in future.value.message_dict
    with pytest.raises(PermissionDenied):
        do_record_status(other_officer, unit, status=NodeStatus.NORMAL,
                         effective_on=dt.date(2019, 3, 1), today=TODAY)


# --- participation ---------------------------------------------------------------------------


def test_participation_save_change_delete(officer: User, unit: Node) -> None:
    event = do_save_participation(officer, unit, None, None, kind="briefing", count=2,
                                  held_on=dt.date(2019, 5, 1), description="사업설명회",
                                  today=TODAY)
    event = do_save_participation(officer, unit, event, event.version, kind="briefing", count=3,
                                  held_on=dt.date(2019, 5, 1), description="사업설명회",
                                  today=TODAY)
    assert event.count == 3
    with pytest.raises(EditConflict):
        do_delete_participation(officer, event, event.version - 1)
    do_delete_participation(officer, event, event.version)
    assert not ParticipationEvent.objects.exists()
    assert [e.action for e in events_of(event, "delete")] == ["delete"]


@pytest.mark.parametrize("changes,field", [({"count": 0}, "count"), ({"kind": "party"}, "kind"),
                                           ({"held_on": dt.date(2020, 5, 1)}, "held_on")])
def test_participation_refuses_bad_input(officer: User, unit: Node, changes: dict[str, object],
                                         field: str) -> None:
    values: dict[str, object] = {"kind": "briefing", "count": 1, "held_on": None, **changes}
    with pytest.raises(ValidationError) as bad:
        do_save_participation(officer, unit, None, None, today=TODAY, **values)  # type: ignore[arg-type]
    assert field in bad.value.message_dict
    assert not ParticipationEvent.objects.exists()


def test_period_kind_labels() -> None:
    assert PeriodKind.QUARTER.label == "분기"


def test_replacing_a_plan_that_holds_reported_figures_is_refused(
        officer: User, plan: Plan, unit: Node, month: ReportingPeriod) -> None:
    from rtis.ingest.actions import import_plan_text
    from rtis.ingest.export import dumps, export_plan
    from rtis.ingest.planfile import PlanFileError

    do_save_execution(officer, unit, month, None, **AMOUNTS)
    with pytest.raises(PlanFileError) as refused:
        import_plan_text(None, dumps(export_plan(plan)), "sample.json", replace=True)
    assert "집행실적 1건" in str(refused.value)
    assert Node.objects.filter(pk=unit.pk).exists()


def test_a_save_without_a_version_never_overwrites_a_saved_entry(
    officer: User, planner: User, unit: Node, quarter: ReportingPeriod, indicator: Indicator
) -> None:
    report = do_save_indicator_report(officer, indicator, quarter, None, value=3, unit="개")
    with pytest.raises(EditConflict) as stale_report:
        do_save_indicator_report(planner, indicator, quarter, None, value=9, unit="개")
    assert stale_report.value.current["value"] == Decimal("3")
    milestone = do_save_milestone(officer, unit, quarter, None, planned="협약", achieved="",
                                  state=MilestoneState.DELAYED, delay_reason="a", today=TODAY)
    with pytest.raises(EditConflict):
        do_save_milestone(planner, unit, quarter, None, achieved="", delay_reason="b",
                          state=MilestoneState.DELAYED, today=TODAY)
    event = do_save_participation(officer, unit, None, None, kind="survey", count=3,
                                  today=TODAY)
    with pytest.raises(EditConflict):
        do_save_participation(planner, unit, event, None, kind="survey", count=9, today=TODAY)
    report.refresh_from_db()
    milestone.refresh_from_db()
    event.refresh_from_db()
    assert (report.value, milestone.delay_reason, event.count) == (Decimal("3"), "a", 3)
