"""Agreements, changes, monitoring, outputs and the follow-up survey through the actions."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rtis.audit.models import AuditEvent
from rtis.grants.access import acts_for_organisation, agreements_for_user
from rtis.grants.actions import (
    do_decide_change,
    do_evaluate_annual,
    do_final_evaluation,
    do_make_agreement,
    do_record_output,
    do_request_change,
    do_save_annual_report,
    do_send_survey_reminders,
    do_submit_annual_report,
    do_submit_survey,
)
from rtis.grants.models import (
    Agreement,
    AgreementAmount,
    AgreementState,
    AnnualEvaluation,
    AnnualReport,
    ChangeState,
    FollowUpSurvey,
    Output,
    SurveyState,
)
from rtis.lib.conflict import EditConflict
from rtis.orgs.models import User
from rtis.rnd.models import Application
from rtis.tracking.models import Notification
from tests.grants.conftest import AMOUNTS, AWARD, TARGETS

pytestmark = pytest.mark.django_db


def city(agreement: Agreement) -> dict[int, int]:
    return {a.year: a.amount_won for a in AgreementAmount.objects.filter(
        agreement=agreement, source="city")}


def test_an_agreement_records_its_amounts_targets_and_number(agreement: Agreement) -> None:
    assert agreement.number == f"SR2026-{agreement.application_id:05d}"
    assert city(agreement) == {2026: 150_000_000, 2027: 150_000_000}
    assert agreement.amounts.filter(source="private_cash").count() == 2
    assert sorted(agreement.targets.values_list("kind", flat=True)) == ["deliverable",
                                                                         "indicator"]
    assert AuditEvent.objects.filter(target_type="grants.agreement").count() == 1


def test_only_a_selected_application_gets_an_agreement(manager: User,
                                                       selected: Application) -> None:
    Application.objects.filter(pk=selected.pk).update(status="submitted")
    selected.refresh_from_db()
    with pytest.raises(ValidationError, match="선정된 과제만"):
        do_make_agreement(manager, selected, starts_on="2026-05-01", ends_on="2027-12-31",
                          amounts=AMOUNTS)
    assert not Agreement.objects.exists()


def test_city_funds_above_the_award_are_refused_and_nothing_is_saved(
        manager: User, selected: Application) -> None:
    amounts = {2026: {"city": 200_000_000}, 2027: {"city": 100_000_001}}
    with pytest.raises(ValidationError) as refused:
        do_make_agreement(manager, selected, starts_on="2026-05-01", ends_on="2027-12-31",
                          amounts=amounts, targets=TARGETS)
    message = refused.value.message_dict["amounts"][0]
    assert "300,000,001" in message and "300,000,000" in message and " / " in message
    assert not Agreement.objects.exists() and not AgreementAmount.objects.exists()


def test_amounts_outside_the_period_and_a_second_agreement_are_refused(
        manager: User, selected: Application, agreement: Agreement) -> None:
    with pytest.raises(ValidationError, match="이미 있습니다"):
        do_make_agreement(manager, selected, starts_on="2026-05-01", ends_on="2027-12-31",
                          amounts=AMOUNTS)
    Agreement.objects.all().delete()
    with pytest.raises(ValidationError, match="협약기간"):
        do_make_agreement(manager, selected, starts_on="2026-05-01", ends_on="2026-12-31",
                          amounts=AMOUNTS)


def test_applicants_officers_and_viewers_cannot_make_agreements(
        applicant: User, officer: User, viewer: User, selected: Application) -> None:
    for user in (applicant, officer, viewer):
        with pytest.raises(PermissionDenied):
            do_make_agreement(user, selected, starts_on="2026-05-01", ends_on="2027-12-31",
                              amounts=AMOUNTS)


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(first=st.integers(0, 400_000_000), second=st.integers(0, 400_000_000),
       private=st.integers(0, 10**9))
def test_an_agreement_is_made_exactly_when_the_city_total_is_within_the_award(
        manager: User, selected: Application, first: int, second: int, private: int) -> None:
    Agreement.objects.all().delete()
    amounts = {2026: {"city": first, "private_cash": private}, 2027: {"city": second}}
    allowed = 0 < first + second <= AWARD
    try:
        made = do_make_agreement(manager, selected, starts_on="2026-05-01",
                                 ends_on="2027-12-31", amounts=amounts)
    except ValidationError:
        assert not allowed
        assert not Agreement.objects.exists()
    else:
        assert allowed and sum(city(made).values()) == first + second


def test_the_performer_is_the_applicant_who_applied_for_the_organisation(
        applicant: User, other_applicant: User, agreement: Agreement,
        other_selected: Application) -> None:
    organisation = agreement.application.organisation
    assert acts_for_organisation(applicant, organisation)
    assert not acts_for_organisation(other_applicant, organisation)
    assert list(agreements_for_user(applicant)) == [agreement]
    assert list(agreements_for_user(other_applicant)) == []


def test_a_notified_change_applies_at_once_and_keeps_its_history(
        applicant: User, agreement: Agreement) -> None:
    change = do_request_change(applicant, agreement, agreement.version, kind="notification",
                               reason="연구원 교체 통보", conditions="민간부담금 현금 25% 이상")
    agreement.refresh_from_db()
    assert change.state == ChangeState.NOTIFIED
    assert agreement.conditions == "민간부담금 현금 25% 이상" and agreement.version == 2
    assert change.previous == {"conditions": "민간부담금 현금 20% 이상"}


def test_amounts_and_period_need_approval_not_a_notification(applicant: User,
                                                             agreement: Agreement) -> None:
    with pytest.raises(ValidationError, match="승인 사항"):
        do_request_change(applicant, agreement, agreement.version, kind="notification",
                          reason="기간 연장", ends_on="2028-06-30")
    assert Agreement.objects.get(pk=agreement.pk).ends_on == dt.date(2027, 12, 31)


def test_an_approval_change_waits_for_the_manager_then_applies(
        applicant: User, manager: User, agreement: Agreement) -> None:
    change = do_request_change(applicant, agreement, agreement.version, kind="approval",
                               reason="시제품 추가 제작", amounts={2027: {"city": 140_000_000}},
                               ends_on="2028-03-31")
    assert change.state == ChangeState.PENDING and city(agreement)[2027] == 150_000_000
    with pytest.raises(PermissionDenied):
        do_decide_change(applicant, change, change.version, approve=True)
    decided = do_decide_change(manager, change, change.version, approve=True, comment="승인")
    agreement.refresh_from_db()
    assert decided.state == ChangeState.APPROVED
    assert city(agreement)[2027] == 140_000_000 and agreement.ends_on == dt.date(2028, 3, 31)
    assert decided.previous["amounts"] == {"2027:city": 150_000_000}


def test_a_change_above_the_award_or_from_a_stale_version_is_refused(
        applicant: User, manager: User, agreement: Agreement) -> None:
    with pytest.raises(ValidationError, match="넘습니다"):
        do_request_change(applicant, agreement, agreement.version, kind="approval",
                          reason="증액", amounts={2027: {"city": 150_000_001}})
    with pytest.raises(EditConflict):
        do_request_change(applicant, agreement, agreement.version + 1, kind="notification",
                          reason="조건", conditions="새 조건")
    change = do_request_change(applicant, agreement, agreement.version, kind="approval",
                               reason="감액", amounts={2027: {"city": 100_000_000}})
    with pytest.raises(ValidationError, match="처리 의견"):
        do_decide_change(manager, change, change.version, approve=False)
    rejected = do_decide_change(manager, change, change.version, approve=False,
                                comment="사유 부족")
    assert rejected.state == ChangeState.REJECTED and city(agreement)[2027] == 150_000_000


def report_for(applicant: User, agreement: Agreement, year: int = 2026) -> object:
    report = do_save_annual_report(applicant, agreement, year=year, progress="시제품 설계 완료",
                                   spent_city_won=140_000_000, spent_private_won=30_000_000)
    return do_submit_annual_report(applicant, report, report.version)


def test_the_performer_or_a_manager_files_the_annual_report_another_applicant_cannot(
        applicant: User, other_applicant: User, manager: User, agreement: Agreement) -> None:
    with pytest.raises(PermissionDenied):
        do_save_annual_report(other_applicant, agreement, year=2026, progress="x")
    with pytest.raises(ValidationError, match="협약 시비"):
        do_save_annual_report(applicant, agreement, year=2026, progress="x",
                              spent_city_won=150_000_001)
    report = report_for(applicant, agreement)
    assert report.state == "submitted"  # type: ignore[attr-defined]


def test_an_adjusting_evaluation_sets_next_years_city_funds(
        applicant: User, manager: User, agreement: Agreement) -> None:
    report = report_for(applicant, agreement)
    with pytest.raises(ValidationError, match="넘습니다"):
        do_evaluate_annual(manager, report, decision="adjust", comment="증액",  # type: ignore
                           next_year_city_won=150_000_001)
    do_evaluate_annual(manager, report, decision="adjust", comment="목표 조정",  # type: ignore
                       score=72, next_year_city_won=100_000_000)
    assert city(agreement) == {2026: 150_000_000, 2027: 100_000_000}


def test_a_stopping_evaluation_ends_the_project_and_its_later_city_funds(
        applicant: User, manager: User, agreement: Agreement) -> None:
    report = report_for(applicant, agreement)
    do_evaluate_annual(manager, report, decision="stop", comment="목표 달성 불가")  # type: ignore
    agreement.refresh_from_db()
    assert agreement.state == AgreementState.STOPPED
    assert city(agreement) == {2026: 150_000_000, 2027: 0}
    with pytest.raises(ValidationError, match="수행중인 협약이 아닙니다"):
        do_save_annual_report(applicant, agreement, year=2027, progress="x")


def test_a_failed_final_evaluation_needs_its_causes_and_opens_five_surveys(
        manager: User, agreement: Agreement, on_day: Callable[[dt.date], None]) -> None:
    on_day(dt.date(2028, 1, 20))
    with pytest.raises(ValidationError) as refused:
        do_final_evaluation(manager, agreement, grade="D", comment="미흡",
                            evaluated_on="2028-01-15")
    assert set(refused.value.message_dict) == {"failure_causes", "failure_analysis"}
    with pytest.raises(ValidationError, match="성공"):
        do_final_evaluation(manager, agreement, grade="A", comment="우수",
                            evaluated_on="2028-01-15", failure_causes=["market"])
    final = do_final_evaluation(manager, agreement, grade="D", comment="미흡",
                                evaluated_on="2028-01-15", failure_causes=["market", "funding"],
                                failure_analysis="시장 검증 전에 후속 투자가 무산됨")
    assert not final.succeeded
    agreement.refresh_from_db()
    assert agreement.state == AgreementState.FINISHED
    surveys = list(FollowUpSurvey.objects.filter(agreement=agreement).order_by("round"))
    assert [(s.round, s.year, s.due_on) for s in surveys] == [
        (n, 2026 + n, dt.date(2027 + n, 3, 31)) for n in range(1, 6)]


def test_outputs_need_a_date_evidence_and_their_amount(
        applicant: User, other_applicant: User, agreement: Agreement,
        on_day: Callable[[dt.date], None]) -> None:
    on_day(dt.date(2026, 11, 1))
    with pytest.raises(ValidationError) as refused:
        do_record_output(applicant, agreement, kind="sales", title="첫 매출",
                         occurred_on="2026-12-01", evidence="")
    assert set(refused.value.message_dict) == {"occurred_on", "evidence", "amount_won"}
    with pytest.raises(PermissionDenied):
        do_record_output(other_applicant, agreement, kind="paper", title="논문",
                         occurred_on="2026-10-01", evidence="DOI")
    patent = do_record_output(applicant, agreement, kind="patent_application",
                              title="미세유체 칩 구조", occurred_on="2026-10-02",
                              reference="10-2026-0123456", evidence="출원서 사본")
    assert Output.objects.get().pk == patent.pk


def test_the_follow_up_survey_is_answered_once_and_reminders_go_once(
        applicant: User, manager: User, agreement: Agreement,
        on_day: Callable[[dt.date], None]) -> None:
    on_day(dt.date(2028, 1, 20))
    do_final_evaluation(manager, agreement, grade="A", comment="우수", evaluated_on="2028-01-15")
    first = FollowUpSurvey.objects.get(agreement=agreement, round=1)
    on_day(dt.date(2028, 3, 10))
    sent = do_send_survey_reminders(None)
    assert len(sent) == 1 and do_send_survey_reminders(None) == []
    assert Notification.objects.filter(user=applicant, kind="due_soon").count() == 1
    on_day(dt.date(2028, 4, 10))
    assert len(do_send_survey_reminders(None)) == 1  # now overdue
    assert FollowUpSurvey.objects.get(pk=first.pk).reminders_sent == 2
    answered = do_submit_survey(applicant, first, first.version, commercialised=True,
                                sales_won=250_000_000, jobs=3)
    assert answered.state == SurveyState.SUBMITTED
    with pytest.raises(ValidationError, match="이미 제출"):
        do_submit_survey(applicant, answered, answered.version, commercialised=True)
    second = FollowUpSurvey.objects.get(agreement=agreement, round=2)
    with pytest.raises(ValidationError, match="부터 제출"):
        do_submit_survey(applicant, second, second.version, commercialised=True)


def test_the_reminder_command_sends_each_reminder_once(
        applicant: User, manager: User, agreement: Agreement,
        on_day: Callable[[dt.date], None]) -> None:
    import io

    from django.core.management import call_command

    on_day(dt.date(2028, 1, 20))
    do_final_evaluation(manager, agreement, grade="A", comment="우수", evaluated_on="2028-01-15")
    on_day(dt.date(2028, 3, 20))
    out = io.StringIO()
    call_command("survey_reminders", stdout=out)
    assert "추적조사 독촉 1건" in out.getvalue()
    again = io.StringIO()
    call_command("survey_reminders", stdout=again)
    assert "추적조사 독촉 0건" in again.getvalue()


@settings(max_examples=20, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(next_year=st.integers(0, 300_000_000))
def test_an_adjustment_is_taken_exactly_when_the_new_total_stays_within_the_award(
        applicant: User, manager: User, selected: Application, next_year: int) -> None:
    AnnualEvaluation.objects.all().delete()
    AnnualReport.objects.all().delete()
    Agreement.objects.all().delete()
    made = do_make_agreement(manager, selected, starts_on="2026-05-01", ends_on="2027-12-31",
                             amounts=AMOUNTS)
    report = do_save_annual_report(applicant, made, year=2026, progress="진행")
    report = do_submit_annual_report(applicant, report, report.version)
    allowed = 150_000_000 + next_year <= AWARD
    try:
        do_evaluate_annual(manager, report, decision="adjust", comment="조정",
                           next_year_city_won=next_year)
    except ValidationError:
        assert not allowed and city(made)[2027] == 150_000_000
    else:
        assert allowed and city(made)[2027] == next_year
