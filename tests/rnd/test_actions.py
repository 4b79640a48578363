"""Programmes, calls and applications: every write checked, versioned and audited."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from rtis.audit.models import AuditEvent
from rtis.lib.conflict import EditConflict
from rtis.orgs.models import User
from rtis.rnd.actions import (
    do_create_call,
    do_create_organisation,
    do_create_programme,
    do_publish_call,
    do_save_application,
    do_submit_application,
)
from rtis.rnd.models import Application, Call, CallState, Organisation, Programme
from tests.rnd.conftest import CLOSES, FUNDS, OPENS, SEOUL, STAGES, at

pytestmark = pytest.mark.django_db


def draft(planner: User, call: Call, organisation: Organisation, **changes: Any) -> Application:
    fields: dict[str, Any] = {"title": "AI 기반 하수관로 진단", "summary": "관로 영상 자동 판독",
                              "principal_investigator": "김연구", "requested_funds": FUNDS,
                              "private_matching_won": 50_000_000}
    fields.update(changes)
    return do_save_application(planner, call, organisation, **fields)


# --- programmes and calls ----------------------------------------------------------------------


def test_a_planner_creates_a_programme_with_its_budget_audited(planner: User) -> None:
    programme = do_create_programme(planner, name="도시문제해결 R&D", kind="urban_problem",
                                    operator="서울산업진흥원", budgets={2025: 5_000_000_000})
    assert [(b.year, b.amount_won) for b in programme.budgets.all()] == [(2025, 5_000_000_000)]
    assert AuditEvent.objects.filter(target_type="rnd.programme", target_id=str(programme.pk),
                                     action="create", actor=planner).exists()
    assert AuditEvent.objects.filter(target_type="rnd.programmebudget").count() == 1


@pytest.mark.parametrize("role", ["officer", "viewer"])
def test_it_refuses_a_programme_from_anyone_but_a_planner(role: str, request: Any) -> None:
    user = request.getfixturevalue(role)
    with pytest.raises(PermissionDenied):
        do_create_programme(user, name="기술상용화 R&D", kind="commercialisation")
    assert not Programme.objects.exists()


def test_it_refuses_an_unknown_kind_and_a_negative_budget(planner: User) -> None:
    with pytest.raises(ValidationError) as info:
        do_create_programme(planner, name="x", kind="space", budgets={2025: -1})
    assert set(info.value.message_dict) == {"kind", "budgets"}
    assert not Programme.objects.exists()


def test_it_refuses_stage_weights_that_do_not_add_up_to_100(programme: Programme,
                                                            planner: User) -> None:
    stages = [{"name": "서면평가", "criteria": [{"name": "기술성", "weight": 60, "max_score": 100},
                                              {"name": "사업성", "weight": 30, "max_score": 100}]}]
    with pytest.raises(ValidationError) as info:
        do_create_call(planner, programme, year=2026, title="공고", budget_won=1, opens_at=OPENS,
                       closes_at=CLOSES, eligibility=["seoul_sme"], stages=stages)
    assert "[60, 30]" in str(info.value) and "add up to 100" in str(info.value)
    assert not Call.objects.exists()


def test_it_refuses_a_window_that_closes_before_it_opens_or_is_naive(programme: Programme,
                                                                     planner: User) -> None:
    with pytest.raises(ValidationError) as info:
        do_create_call(planner, programme, year=2026, title="공고", budget_won=1, opens_at=CLOSES,
                       closes_at=OPENS, eligibility=["seoul_sme"], stages=STAGES)
    assert "2026-03-01 09:00 KST" in str(info.value)
    with pytest.raises(ValidationError, match="timezone-aware"):
        do_create_call(planner, programme, year=2026, title="공고", budget_won=1,
                       opens_at=OPENS.replace(tzinfo=None), closes_at=CLOSES,
                       eligibility=["seoul_sme"], stages=STAGES)


def test_a_call_is_created_with_its_stages_and_criteria(draft_call: Call) -> None:
    stages = list(draft_call.stages.all())
    assert [s.name for s in stages] == ["예선", "결선"]
    assert [(c.name, c.weight) for c in stages[0].criteria.all()] == [("기술성", 60), ("사업성", 40)]
    assert draft_call.state == CallState.DRAFT and draft_call.eligibility == ["seoul_sme", "startup"]


def test_publishing_a_call_bumps_its_version_and_is_audited(draft_call: Call, planner: User,
                                                           during_the_window: dt.datetime) -> None:
    published = do_publish_call(planner, draft_call, draft_call.version)
    assert published.state == CallState.PUBLISHED and published.version == 2
    assert published.published_at == during_the_window
    assert AuditEvent.objects.filter(target_type="rnd.call", action="update").count() == 1


def test_it_refuses_publishing_with_a_stale_version(draft_call: Call, planner: User,
                                                    during_the_window: dt.datetime) -> None:
    stale = Call.objects.get(pk=draft_call.pk)
    do_publish_call(planner, draft_call, draft_call.version)
    Call.objects.filter(pk=draft_call.pk).update(state=CallState.DRAFT)  # drafted again
    with pytest.raises(EditConflict) as info:
        do_publish_call(planner, stale, 1)
    assert info.value.current_version == 2


def test_it_refuses_publishing_by_an_officer(draft_call: Call, officer: User,
                                             during_the_window: dt.datetime) -> None:
    with pytest.raises(PermissionDenied):
        do_publish_call(officer, draft_call, draft_call.version)
    assert Call.objects.get(pk=draft_call.pk).state == CallState.DRAFT


def test_it_refuses_publishing_a_call_whose_deadline_has_passed(
        draft_call: Call, planner: User, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("rtis.config.clock.now", at(CLOSES + dt.timedelta(minutes=1)))
    with pytest.raises(ValidationError, match="2026-03-31 18:00 KST"):
        do_publish_call(planner, draft_call, draft_call.version)


# --- organisations ----------------------------------------------------------------------------


def test_it_stores_the_bare_digits_of_a_valid_business_number(sme: Organisation) -> None:
    assert sme.business_number == "1248100998" and sme.corporate_number == "1301110006246"


def test_it_refuses_an_organisation_with_a_wrong_check_digit(planner: User) -> None:
    with pytest.raises(ValidationError) as info:
        do_create_organisation(planner, name="(주)오타", kind="seoul_sme",
                               business_number="124-81-00999", corporate_number="130111-0006247")
    assert set(info.value.message_dict) == {"business_number", "corporate_number"}
    assert "124-81-00999" in str(info.value)
    assert not Organisation.objects.exists()


def test_it_refuses_a_second_organisation_with_the_same_business_number(
        sme: Organisation, planner: User) -> None:
    with pytest.raises(ValidationError, match="exists"):
        do_create_organisation(planner, name="다른 이름", kind="startup",
                               business_number="1248100998")


def test_only_a_pre_founder_may_have_no_business_number(planner: User) -> None:
    founder = do_create_organisation(planner, name="홍길동(예비창업자)", kind="pre_founder")
    assert founder.business_number == ""
    with pytest.raises(ValidationError, match="pre-founders"):
        do_create_organisation(planner, name="(주)무번호", kind="seoul_sme")


# --- applications -----------------------------------------------------------------------------


def test_a_planner_saves_a_draft_then_submits_it(call: Call, sme: Organisation, planner: User,
                                                 during_the_window: dt.datetime) -> None:
    application = draft(planner, call, sme)
    assert application.status == "draft" and application.requested_total_won == 350_000_000
    application = do_save_application(planner, call, sme, application, application.version,
                                      title="AI 기반 하수관로 진단 (수정)", summary="",
                                      principal_investigator="김연구", requested_funds=FUNDS)
    assert application.version == 2 and application.title.endswith("(수정)")
    submitted = do_submit_application(planner, application, application.version)
    assert submitted.status == "submitted" and submitted.submitted_at == during_the_window
    actions = list(AuditEvent.objects.filter(target_type="rnd.application").order_by("id")
                   .values_list("action", flat=True))
    assert actions == ["create", "update", "update"]


def test_it_refuses_a_submission_after_the_deadline_naming_the_time_in_seoul(
        call: Call, sme: Organisation, planner: User, monkeypatch: pytest.MonkeyPatch) -> None:
    application = draft(planner, call, sme)
    monkeypatch.setattr("rtis.config.clock.now",
                        at(dt.datetime(2026, 3, 31, 9, 0, 1, tzinfo=dt.UTC)))  # 18:00:01 KST
    with pytest.raises(ValidationError) as info:
        do_submit_application(planner, application, application.version)
    message = str(info.value)
    assert "접수 마감(2026-03-31 18:00 KST)" in message and "closed at 2026-03-31 18:00 KST" in message
    assert "지금 2026-03-31 18:00 KST" in message
    assert Application.objects.get(pk=application.pk).status == "draft"


def test_a_submission_one_second_before_the_deadline_is_accepted(
        call: Call, sme: Organisation, planner: User, monkeypatch: pytest.MonkeyPatch) -> None:
    application = draft(planner, call, sme)
    monkeypatch.setattr("rtis.config.clock.now", at(CLOSES - dt.timedelta(seconds=1)))
    assert do_submit_application(planner, application, application.version).status == "submitted"


def test_it_refuses_saving_a_draft_after_the_deadline(call: Call, sme: Organisation,
                                                      planner: User,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("rtis.config.clock.now", at(CLOSES))
    with pytest.raises(ValidationError, match="2026-03-31 18:00 KST"):
        draft(planner, call, sme)
    assert not Application.objects.exists()


def test_it_refuses_an_application_before_the_call_opens(call: Call, sme: Organisation,
                                                         planner: User,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("rtis.config.clock.now", at(OPENS - dt.timedelta(minutes=1)))
    with pytest.raises(ValidationError, match="2026-03-01 09:00 KST"):
        draft(planner, call, sme)


def test_it_refuses_an_application_to_a_draft_call(draft_call: Call, sme: Organisation,
                                                   planner: User,
                                                   during_the_window: dt.datetime) -> None:
    with pytest.raises(ValidationError, match="not open for applications"):
        draft(planner, draft_call, sme)


def test_it_refuses_submitting_for_an_ineligible_organisation(
        call: Call, university: Organisation, planner: User,
        during_the_window: dt.datetime) -> None:
    application = draft(planner, call, university)
    with pytest.raises(ValidationError) as info:
        do_submit_application(planner, application, application.version)
    message = str(info.value)
    assert "'서울대학교 산학협력단'(대학)은 이 공고의 신청 자격(서울 소재 중소기업, 창업기업)이 없습니다" in message
    assert "not eligible" in message
    assert Application.objects.get(pk=application.pk).status == "draft"


def test_it_refuses_a_stale_version_on_save_and_on_submit(call: Call, sme: Organisation,
                                                          planner: User,
                                                          during_the_window: dt.datetime) -> None:
    application = draft(planner, call, sme)
    stale = Application.objects.get(pk=application.pk)
    do_save_application(planner, call, sme, application, 1, title="먼저 고친 제목",
                        principal_investigator="김연구", requested_funds=FUNDS)
    with pytest.raises(EditConflict) as info:
        do_save_application(planner, call, sme, stale, 1, title="늦게 고친 제목",
                            principal_investigator="김연구", requested_funds=FUNDS)
    assert info.value.current["title"] == "먼저 고친 제목" and info.value.current_version == 2
    with pytest.raises(EditConflict):
        do_submit_application(planner, stale, 1)
    assert Application.objects.get(pk=application.pk).status == "draft"


@pytest.mark.parametrize("role", ["officer", "other_officer", "viewer"])
def test_it_refuses_applications_from_anyone_but_a_planner(
        role: str, request: Any, call: Call, sme: Organisation, planner: User,
        during_the_window: dt.datetime) -> None:
    user = request.getfixturevalue(role)
    with pytest.raises(PermissionDenied):
        draft(user, call, sme)
    application = draft(planner, call, sme)
    with pytest.raises(PermissionDenied):
        do_submit_application(user, application, application.version)
    assert Application.objects.get(pk=application.pk).status == "draft"


def test_it_refuses_a_second_application_of_the_same_organisation(
        call: Call, sme: Organisation, planner: User, during_the_window: dt.datetime) -> None:
    draft(planner, call, sme)
    with pytest.raises(ValidationError, match="already applied"):
        draft(planner, call, sme, title="두 번째")
    assert Application.objects.count() == 1


def test_it_refuses_a_submitted_application_being_changed_or_resubmitted(
        call: Call, sme: Organisation, planner: User, during_the_window: dt.datetime) -> None:
    application = draft(planner, call, sme)
    application = do_submit_application(planner, application, application.version)
    with pytest.raises(ValidationError, match="only a draft"):
        do_save_application(planner, call, sme, application, application.version, title="x",
                            principal_investigator="김연구", requested_funds=FUNDS)
    with pytest.raises(ValidationError, match="only a draft"):
        do_submit_application(planner, application, application.version)


def test_it_refuses_funds_outside_the_calls_years_or_not_in_won(
        call: Call, sme: Organisation, planner: User, during_the_window: dt.datetime) -> None:
    with pytest.raises(ValidationError) as info:
        draft(planner, call, sme, requested_funds={"2019": 1}, private_matching_won=1.5)
    assert set(info.value.message_dict) == {"requested_funds", "private_matching_won"}
    assert "2026–2030" in str(info.value)


def test_it_refuses_submitting_without_requested_funds(call: Call, sme: Organisation,
                                                       planner: User,
                                                       during_the_window: dt.datetime) -> None:
    application = draft(planner, call, sme, requested_funds={})
    with pytest.raises(ValidationError, match="at least one year"):
        do_submit_application(planner, application, application.version)


def test_the_deadline_is_shown_in_seoul_time_whatever_the_stored_zone() -> None:
    from rtis.rnd.actions import seoul_time

    assert seoul_time(dt.datetime(2026, 3, 31, 9, 0, tzinfo=dt.UTC)) == "2026-03-31 18:00 KST"
    assert seoul_time(CLOSES.astimezone(SEOUL)) == "2026-03-31 18:00 KST"
