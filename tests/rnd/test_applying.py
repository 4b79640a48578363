"""Applicant accounts and online applications: sign-up confirmed by e-mail, the organisation's
people reused, the deadline, duplicates, eligibility, attachments checked by content, and one
organisation never reaching another's data."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from typing import Any

import pytest
from django.contrib.auth import authenticate
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from rtis.audit.models import AuditEvent
from rtis.lib.conflict import EditConflict
from rtis.orgs.models import User
from rtis.rnd.access import get_application_for_user, get_attachment_for_user
from rtis.rnd.actions import (
    confirmation_token,
    do_add_person,
    do_attach_file,
    do_close_call,
    do_confirm_applicant,
    do_remove_attachment,
    do_save_application,
    do_sign_up_applicant,
    do_submit_application,
)
from rtis.rnd.models import Applicant, Application, Attachment, Call, Organisation, Person
from tests.conftest import PASSWORD
from tests.rnd.conftest import FUNDS, PDF, at

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("code_lists")]

SIGN_UP = {"username": "hongtech", "password": PASSWORD, "email": "lee@hongtech.example",
           "name": "이담당", "department": "연구소", "position": "책임연구원",
           "organisation_name": "주식회사 홍릉테크", "kind": "startup",
           "business_number": "211-88-01534"}


def fill(actor: User, call: Call, organisation: Organisation, **changes: Any) -> Application:
    pi = organisation.people.first()
    fields: dict[str, Any] = {
        "title": "AI 기반 하수관로 진단", "summary": "관로 영상 자동 판독", "pi": pi,
        "requested_funds": FUNDS, "private_matching_won": 50_000_000,
        "period_start": dt.date(2026, 5, 1), "period_end": dt.date(2027, 12, 31),
        "codes": {"science_class": "EA", "six_t": "IT", "development_phase": "응용",
                  "performer_type": "04"},
        "indicators": [{"name": "특허 출원", "unit": "건", "target": 2}]}
    fields.update(changes)
    return do_save_application(actor, call, organisation, **fields)


# --- sign-up ---------------------------------------------------------------------------------


def test_a_signed_up_applicant_cannot_sign_in_until_the_email_link_is_opened(
        plan: Any, during_the_window: dt.datetime) -> None:
    applicant = do_sign_up_applicant(**SIGN_UP)
    assert authenticate(username="hongtech", password=PASSWORD) is None
    assert applicant.organisation.business_number == "2118801534"
    assert [p.name for p in applicant.organisation.people.all()] == ["이담당"]
    confirmed = do_confirm_applicant(confirmation_token(applicant.user))
    assert confirmed.confirmed_at == during_the_window
    assert authenticate(username="hongtech", password=PASSWORD) is not None


def test_a_tampered_or_foreign_confirmation_link_is_refused(plan: Any) -> None:
    applicant = do_sign_up_applicant(**SIGN_UP)
    token = confirmation_token(applicant.user)
    with pytest.raises(ValidationError, match="올바르지 않습니다"):
        do_confirm_applicant(token[:-2] + ("AA" if not token.endswith("AA") else "BB"))
    forged = signing.dumps({"u": applicant.user.pk, "e": "x@y.example"},
                           salt="another-salt", compress=True)
    with pytest.raises(ValidationError):
        do_confirm_applicant(forged)
    assert not User.objects.get(pk=applicant.user.pk).is_active


def test_an_expired_confirmation_link_is_refused(plan: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    applicant = do_sign_up_applicant(**SIGN_UP)
    token = confirmation_token(applicant.user)
    monkeypatch.setattr("rtis.rnd.actions.CONFIRM_MAX_AGE", -1)
    with pytest.raises(ValidationError, match="유효 기간"):
        do_confirm_applicant(token)


@pytest.mark.parametrize(("field", "value"), [("business_number", "211-88-01538"),
                                              ("corporate_number", "110111-1234568"),
                                              ("email", "not-an-address")])
def test_sign_up_with_a_bad_number_or_address_saves_nothing(plan: Any, field: str,
                                                           value: str) -> None:
    with pytest.raises(ValidationError) as info:
        do_sign_up_applicant(**{**SIGN_UP, field: value})
    assert field in info.value.message_dict
    assert " / " in info.value.message_dict[field][0]
    assert not Organisation.objects.exists() and not User.objects.filter(
        username="hongtech").exists()


def test_sign_up_for_an_organisation_already_registered_is_refused(plan: Any,
                                                                  sme: Organisation) -> None:
    with pytest.raises(ValidationError) as info:
        do_sign_up_applicant(**{**SIGN_UP, "business_number": "124-81-00998"})
    assert "business_number" in info.value.message_dict
    assert not Applicant.objects.exists()


def test_an_organisations_people_are_added_once_and_named_by_later_applications(
        applicant: User, sme: Organisation, call: Call) -> None:
    lee = do_add_person(applicant, sme, name="이참여", department="개발팀", email="lee@x.example")
    application = fill(applicant, call, sme, participants=[lee])
    assert application.principal_investigator == sme.people.first().name  # type: ignore[union-attr]
    assert list(application.participants.all()) == [lee]


def test_an_applicant_cannot_add_people_to_another_organisation(
        applicant: User, university: Organisation) -> None:
    with pytest.raises(PermissionDenied):
        do_add_person(applicant, university, name="침입자")
    assert not Person.objects.filter(name="침입자").exists()


# --- applications ----------------------------------------------------------------------------


def test_an_applicant_saves_and_submits_its_own_application_before_the_deadline(
        applicant: User, sme: Organisation, call: Call, during_the_window: dt.datetime) -> None:
    application = fill(applicant, call, sme)
    assert application.stage == call.stages.get(order=1)
    assert application.science_class == "EA"
    assert application.development_phase == "02"  # typed as its name 응용, stored as the code
    assert application.indicators == [{"name": "특허 출원", "unit": "건", "target": 2}]
    saved = fill(applicant, call, sme, application=application,
                 expected_version=application.version, title="고친 제목")
    submitted = do_submit_application(applicant, saved, saved.version)
    assert submitted.status == "submitted" and submitted.submitted_at == during_the_window
    assert AuditEvent.objects.filter(target_type="rnd.application", actor=applicant).count() == 3


def test_a_stale_save_is_a_conflict_and_changes_nothing(applicant: User, sme: Organisation,
                                                       call: Call) -> None:
    application = fill(applicant, call, sme)
    fill(applicant, call, sme, application=application, expected_version=1, title="먼저")
    with pytest.raises(EditConflict):
        fill(applicant, call, sme, application=application, expected_version=1, title="나중")
    assert Application.objects.get(pk=application.pk).title == "먼저"


def test_a_late_submission_is_refused_with_the_deadline_and_the_time(
        applicant: User, sme: Organisation, call: Call, monkeypatch: pytest.MonkeyPatch) -> None:
    application = fill(applicant, call, sme)
    monkeypatch.setattr("rtis.config.clock.now", at(call.closes_at + dt.timedelta(seconds=5)))
    with pytest.raises(ValidationError) as info:
        do_submit_application(applicant, application, application.version)
    message = info.value.message_dict["call"][0]
    assert "2026-03-31 18:00 KST" in message and "지금 2026-03-31 18:00 KST" in message
    with pytest.raises(ValidationError, match="접수 마감"):
        fill(applicant, call, sme, application=application, expected_version=1, title="늦게")
    assert Application.objects.get(pk=application.pk).status == "draft"


def test_a_second_application_of_the_organisation_to_the_same_call_is_refused(
        applicant: User, planner: User, sme: Organisation, call: Call) -> None:
    fill(applicant, call, sme)
    with pytest.raises(ValidationError, match="이미 신청"):
        fill(planner, call, sme, title="두 번째")
    assert Application.objects.count() == 1


def test_an_organisation_outside_the_calls_eligibility_cannot_submit(
        other_applicant: User, university: Organisation, call: Call) -> None:
    do_add_person(other_applicant, university, name="박교수")
    application = fill(other_applicant, call, university)
    with pytest.raises(ValidationError, match="신청 자격"):
        do_submit_application(other_applicant, application, application.version)
    assert Application.objects.get(pk=application.pk).status == "draft"


@pytest.mark.parametrize(("changes", "field"), [
    ({"codes": {"science_class": "EE 01!"}}, "science_class"),
    ({"codes": {"six_t": "QT"}}, "six_t"),
    ({"codes": {"performer_type": "99"}}, "performer_type"),
    ({"period_start": dt.date(2027, 1, 1), "period_end": dt.date(2026, 1, 1)}, "period_end"),
    ({"period_start": dt.date(2027, 1, 1), "period_end": dt.date(2027, 12, 31)},
     "requested_funds"),
    ({"indicators": [{"name": "특허", "unit": "건", "target": -1}]}, "indicators"),
    ({"private_matching_won": -5}, "private_matching_won"),
    ({"title": " "}, "title"),
])
def test_invalid_fields_are_refused_by_name_and_nothing_is_saved(
        applicant: User, sme: Organisation, call: Call, changes: dict[str, Any],
        field: str) -> None:
    with pytest.raises(ValidationError) as info:
        fill(applicant, call, sme, **changes)
    assert field in info.value.message_dict
    assert not Application.objects.exists()


def test_another_organisations_person_cannot_be_named(applicant: User, sme: Organisation,
                                                     university: Organisation,
                                                     call: Call) -> None:
    stranger = do_add_person(None, university, name="박교수")
    with pytest.raises(ValidationError) as info:
        fill(applicant, call, sme, participants=[stranger])
    assert "participants" in info.value.message_dict


# --- isolation -------------------------------------------------------------------------------


def test_an_applicant_never_reaches_another_organisations_application_or_files(
        applicant: User, other_applicant: User, sme: Organisation, call: Call) -> None:
    application = fill(applicant, call, sme)
    attachment = do_attach_file(applicant, application, "계획서.pdf", PDF)
    with pytest.raises(Http404):
        get_application_for_user(other_applicant, application.pk)
    with pytest.raises(Http404):
        get_attachment_for_user(other_applicant, attachment.pk)
    with pytest.raises(PermissionDenied):
        fill(other_applicant, call, sme, application=application, expected_version=1)
    with pytest.raises(PermissionDenied):
        do_submit_application(other_applicant, application, application.version)
    with pytest.raises(PermissionDenied):
        do_attach_file(other_applicant, application, "x.pdf", PDF)
    assert get_application_for_user(applicant, application.pk) == application


def test_an_unconfirmed_applicant_acts_for_no_organisation(plan: Any, call: Call) -> None:
    applicant = do_sign_up_applicant(**SIGN_UP)
    with pytest.raises(PermissionDenied):
        fill(applicant.user, call, applicant.organisation)


# --- attachments -----------------------------------------------------------------------------


def _zip(names: list[str]) -> bytes:
    data = io.BytesIO()
    with zipfile.ZipFile(data, "w") as archive:
        for name in names:
            archive.writestr(name, "x")
    return data.getvalue()


def test_an_attachment_is_stored_under_a_safe_name_and_read_back(
        applicant: User, sme: Organisation, call: Call, var_dir: Any) -> None:
    application = fill(applicant, call, sme)
    attachment = do_attach_file(applicant, application, "../../etc/계획서.PDF", PDF)
    assert attachment.original_name == "계획서.PDF"
    assert attachment.stored_name.startswith(f"rnd/applications/{application.pk}/")
    assert ".." not in attachment.stored_name and attachment.stored_name.endswith(".pdf")
    stored = var_dir / "media" / attachment.stored_name
    assert stored.read_bytes() == PDF


@pytest.mark.parametrize(("name", "data", "reason"), [
    ("계획서.pdf", b"MZ\x90\x00" + b"0" * 100, "내용이 pdf"),
    ("계획서.exe", b"MZ\x90\x00", "올릴 수 없는 형식"),
    ("표.xlsx", _zip(["word/document.xml", "[Content_Types].xml"]), "내용이 xlsx"),
    ("빈.pdf", b"", "빈 파일"),
])
def test_a_file_of_the_wrong_type_is_refused_and_nothing_is_stored(
        applicant: User, sme: Organisation, call: Call, var_dir: Any, name: str, data: bytes,
        reason: str) -> None:
    application = fill(applicant, call, sme)
    with pytest.raises(ValidationError, match=reason):
        do_attach_file(applicant, application, name, data)
    assert not Attachment.objects.exists()
    assert not list((var_dir / "media").rglob("*.*")) if (var_dir / "media").exists() else True


def test_a_file_over_the_limit_is_refused(applicant: User, sme: Organisation, call: Call,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    application = fill(applicant, call, sme)
    monkeypatch.setattr("rtis.rnd.actions.MAX_ATTACHMENT_BYTES", 1000)
    with pytest.raises(ValidationError, match="너무 큽니다"):
        do_attach_file(applicant, application, "계획서.pdf", PDF)


def test_an_eleventh_file_is_refused_and_leaves_no_file(applicant: User, sme: Organisation,
                                                         call: Call, var_dir: Any) -> None:
    # The number is counted under the row lock only: the eleventh file is written, refused
    # there, and its file removed.
    application = fill(applicant, call, sme)
    for n in range(10):
        do_attach_file(applicant, application, f"계획서{n}.pdf", PDF)
    with pytest.raises(ValidationError, match="첨부파일은 10개까지"):
        do_attach_file(applicant, application, "계획서10.pdf", PDF)
    assert Attachment.objects.filter(application=application).count() == 10
    assert len(list((var_dir / "media").rglob("*.pdf"))) == 10


def test_a_removed_attachment_leaves_no_file(applicant: User, sme: Organisation, call: Call,
                                            var_dir: Any,
                                            django_capture_on_commit_callbacks: Any) -> None:
    application = fill(applicant, call, sme)
    attachment = do_attach_file(applicant, application, "양식.docx",
                                _zip(["[Content_Types].xml", "word/document.xml"]))
    stored = var_dir / "media" / attachment.stored_name
    with django_capture_on_commit_callbacks(execute=True):
        do_remove_attachment(applicant, attachment)
    assert not stored.exists() and not Attachment.objects.exists()


# --- closing ---------------------------------------------------------------------------------


def test_a_call_is_closed_only_after_its_deadline(planner: User, call: Call,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(ValidationError, match=r"마감\(2026-03-31 18:00 KST\) 전"):
        do_close_call(planner, call, call.version)
    monkeypatch.setattr("rtis.config.clock.now", at(call.closes_at))
    assert do_close_call(planner, call, call.version).state == "closed"


def test_an_applicant_cannot_close_a_call(applicant: User, call: Call,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("rtis.config.clock.now", at(call.closes_at))
    with pytest.raises(PermissionDenied):
        do_close_call(applicant, call, call.version)
