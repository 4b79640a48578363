"""rnd-pages: an applicant names people to avoid before submission (never seeing the pool) and
screening uses them; a second account of a registered organisation joins only once the
organisation's applicant or an R&D manager approves."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from rtis.audit.models import AuditEvent
from rtis.lib import review_rules as rules
from rtis.orgs.actions import do_create_user
from rtis.orgs.models import Role, User
from rtis.review.actions import (
    MAX_AVOIDED_PEOPLE,
    do_assign,
    do_auto_assign,
    do_create_evaluator,
    do_create_panel,
    do_name_avoided_person,
    do_screen_panel,
)
from rtis.review.models import Assignment, AvoidedPerson, ConflictFinding, Evaluator
from rtis.rnd.actions import (
    do_decide_join_request,
    do_request_to_join,
    do_save_application,
    do_submit_application,
)
from rtis.rnd.models import (
    Applicant,
    Application,
    Call,
    JoinRequest,
    JoinState,
    Organisation,
)
from tests.conftest import PASSWORD
from tests.rnd.conftest import CLOSES, FUNDS, at

pytestmark = pytest.mark.django_db


def body(response: Any) -> str:
    return response.content.decode()


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def draft(applicant: User, sme: Organisation, call: Call) -> Application:
    return do_save_application(applicant, call, sme, title="AI 하수관로 진단",
                               pi=sme.people.first(), requested_funds=FUNDS)


def pool_member(planner: User, username: str, name: str, organisation: str) -> Evaluator:
    user = do_create_user(None, username, PASSWORD, Role.EVALUATOR, [])
    return do_create_evaluator(planner, user, name=name, organisation=organisation,
                               department="연구소")


# --- people to avoid ---------------------------------------------------------------------------

def test_an_applicant_names_a_person_to_avoid_without_seeing_the_pool(
        applicant: User, draft: Application, planner: User) -> None:
    pool_member(planner, "judge1", "박비공개", "한빛대학교")
    client = client_for(applicant)
    page = client.get(reverse("review:avoid", args=[draft.pk]))
    assert page.status_code == 200 and "박비공개" not in body(page) and "한빛대학교" not in body(page)
    response = client.post(reverse("review:avoid", args=[draft.pk]), {
        "name": "김가상", "organisation": "(주)가온", "reason": "경쟁 기업 대표"})
    assert response.status_code == 302
    [row] = AvoidedPerson.objects.filter(application=draft)
    assert (row.name, row.organisation, row.reason, row.named_by) == (
        "김가상", "(주)가온", "경쟁 기업 대표", applicant)
    page = body(client.get(reverse("review:avoid", args=[draft.pk])))
    assert "김가상" in page and "박비공개" not in page
    assert 'data-testid="avoid-link"' in body(client.get(reverse("rnd:application",
                                                                 args=[draft.pk])))


def test_naming_is_refused_after_submission_and_beyond_the_limit(
        applicant: User, draft: Application) -> None:
    for n in range(MAX_AVOIDED_PEOPLE):
        do_name_avoided_person(applicant, draft, name=f"위원{n}", organisation="가온",
                               reason="이해관계")
    with pytest.raises(ValidationError, match=f"{MAX_AVOIDED_PEOPLE}명까지"):
        do_name_avoided_person(applicant, draft, name="하나 더", organisation="가온", reason="x")
    with pytest.raises(ValidationError, match="이미 기피 신청한"):
        do_name_avoided_person(applicant, AvoidedPerson.objects.first().application,  # type: ignore[union-attr]
                               name="위원 0", organisation="주식회사 가온", reason="x")
    submitted = do_submit_application(applicant, draft, draft.version)
    before = AuditEvent.objects.count()
    client = client_for(applicant)
    row = AvoidedPerson.objects.first()
    assert row is not None
    response = client.post(reverse("review:avoid_delete", args=[row.pk]))
    assert response.status_code == 400 and "제출 전에만" in body(response)
    page = body(client.get(reverse("review:avoid", args=[submitted.pk])))
    assert 'data-testid="avoid-closed"' in page and 'data-testid="avoid-form"' not in page
    assert AuditEvent.objects.count() == before
    assert AvoidedPerson.objects.count() == MAX_AVOIDED_PEOPLE


def test_another_organisation_never_sees_or_changes_the_list(
        applicant: User, other_applicant: User, draft: Application) -> None:
    row = do_name_avoided_person(applicant, draft, name="김가상", organisation="가온",
                                 reason="경쟁사")
    client = client_for(other_applicant)
    assert client.get(reverse("review:avoid", args=[draft.pk])).status_code == 404
    assert client.post(reverse("review:avoid", args=[draft.pk]), {
        "name": "x", "organisation": "y", "reason": "z"}).status_code == 404
    assert client.post(reverse("review:avoid_delete", args=[row.pk])).status_code == 404
    assert AvoidedPerson.objects.count() == 1
    with pytest.raises(PermissionDenied):
        do_name_avoided_person(other_applicant, draft, name="x", organisation="y", reason="z")


def test_screening_excludes_the_named_person_and_no_namesake_elsewhere(
        applicant: User, draft: Application, planner: User, monkeypatch: Any) -> None:
    named = pool_member(planner, "judge1", "김가상", "주식회사 가온")
    namesake = pool_member(planner, "judge2", "김가상", "연세대학교")
    do_name_avoided_person(applicant, draft, name="김 가상", organisation="(주)가온",
                           reason="경쟁 기업 대표")
    application = do_submit_application(applicant, draft, draft.version)
    monkeypatch.setattr("rtis.config.clock.now", at(CLOSES + dt.timedelta(days=3)))
    panel = do_create_panel(planner, application.stage, name="제1분과",  # type: ignore[arg-type]
                            applications=[application], size=2)
    found = do_screen_panel(planner, panel)
    assert found == {(named.pk, application.pk): [rules.AVOIDED]}
    finding = ConflictFinding.objects.get(panel=panel)
    assert finding.evaluator_id == named.pk and finding.reasons == [rules.AVOIDED]
    with pytest.raises(ValidationError, match="the applicant asked to avoid"):
        do_assign(planner, panel, named, application)
    created = do_auto_assign(planner, panel)
    assert [a.evaluator_id for a in created] == [namesake.pk]
    assert not Assignment.objects.filter(evaluator=named).exists()


# --- join requests ------------------------------------------------------------------------------

def sign_up(client: Client, **changes: Any) -> Any:
    data = {"organisation_name": "", "kind": "", "business_number": "124-81-00998",
            "corporate_number": "", "name": "최신입", "department": "연구소", "position": "연구원",
            "email": "choi@seoultech.example", "username": "choi", "password": PASSWORD}
    data.update(changes)
    return client.post(reverse("rnd:sign_up"), data)


def confirm_link(message: Any) -> str:
    link = re.search(r"http://testserver(/rnd/sign-up/join/confirm/\?token=\S+)", message.body)
    assert link is not None, message.body
    return link.group(1)


def test_signing_up_with_a_registered_number_asks_to_join_and_grants_nothing(
        plan: Any, applicant: User, sme: Organisation) -> None:
    client = Client()
    response = sign_up(client)
    assert response.status_code == 200 and 'data-testid="join-sent"' in body(response)
    assert "(주)서울테크" not in body(response)  # the organisation is not shown before approval
    join = JoinRequest.objects.get()
    assert join.organisation == sme and join.state == JoinState.UNCONFIRMED
    assert Organisation.objects.count() == 1 and not Applicant.objects.filter(
        user=join.user).exists()
    assert not join.user.is_active and not client.login(username="choi", password=PASSWORD)
    [message] = mail.outbox
    assert message.to == ["choi@seoultech.example"] and "(주)서울테크" not in message.body
    # not shown to the organisation before the e-mail is confirmed
    page = body(client_for(applicant).get(reverse("rnd:join_requests")))
    assert "최신입" not in page
    confirmed = client.get(confirm_link(message))
    assert confirmed.status_code == 200 and 'data-testid="join-confirmed"' in body(confirmed)
    join.refresh_from_db()
    assert join.state == JoinState.PENDING and join.confirmed_at is not None
    notice = mail.outbox[-1]
    assert notice.to == [applicant.email] and "최신입" in notice.body
    assert not client.login(username="choi", password=PASSWORD)  # still waiting


def test_the_organisations_applicant_approves_and_the_new_account_acts_for_it(
        plan: Any, applicant: User, sme: Organisation) -> None:
    sign_up(Client())
    Client().get(confirm_link(mail.outbox[0]))
    join = JoinRequest.objects.get()
    owner = client_for(applicant)
    page = body(owner.get(reverse("rnd:join_requests")))
    assert "최신입" in page and "choi@seoultech.example" in page
    response = owner.post(reverse("rnd:join_decide", args=[join.pk]),
                          {"version": join.version, "decision": "approve"})
    assert response.status_code == 302
    join.refresh_from_db()
    assert join.state == JoinState.APPROVED and join.decided_by == applicant
    link = Applicant.objects.get(user=join.user)
    assert link.organisation == sme and link.confirmed_at is not None
    assert sme.people.filter(email="choi@seoultech.example", name="최신입").exists()
    assert mail.outbox[-1].to == ["choi@seoultech.example"]
    client = Client()
    assert client.login(username="choi", password=PASSWORD)
    assert "(주)서울테크" in body(client.get(reverse("rnd:my_applications")))


def test_a_refusal_needs_a_reason_and_leaves_the_account_shut(
        plan: Any, applicant: User, sme: Organisation) -> None:
    sign_up(Client())
    Client().get(confirm_link(mail.outbox[0]))
    join = JoinRequest.objects.get()
    owner = client_for(applicant)
    owner.post(reverse("rnd:join_decide", args=[join.pk]),
               {"version": join.version, "decision": "refuse", "reason": ""})
    join.refresh_from_db()
    assert join.state == JoinState.PENDING
    owner.post(reverse("rnd:join_decide", args=[join.pk]),
               {"version": join.version, "decision": "refuse", "reason": "재직자가 아님"})
    join.refresh_from_db()
    assert join.state == JoinState.REFUSED and join.reason == "재직자가 아님"
    assert "재직자가 아님" in mail.outbox[-1].body
    assert not Client().login(username="choi", password=PASSWORD)
    assert not Applicant.objects.filter(user=join.user).exists()
    with pytest.raises(ValidationError, match="승인 대기"):
        do_decide_join_request(applicant, join, join.version, approve=True)


def test_another_organisation_neither_sees_nor_decides_a_request(
        plan: Any, applicant: User, other_applicant: User, sme: Organisation) -> None:
    sign_up(Client())
    Client().get(confirm_link(mail.outbox[0]))
    join = JoinRequest.objects.get()
    client = client_for(other_applicant)
    assert "최신입" not in body(client.get(reverse("rnd:join_requests")))
    before = AuditEvent.objects.count()
    response = client.post(reverse("rnd:join_decide", args=[join.pk]),
                           {"version": join.version, "decision": "approve"})
    assert response.status_code == 404 and AuditEvent.objects.count() == before
    with pytest.raises(PermissionDenied):
        do_decide_join_request(other_applicant, join, join.version, approve=True)


def test_an_rnd_manager_decides_any_organisations_request(
        plan: Any, planner: User, sme: Organisation) -> None:
    join = do_request_to_join(username="choi", password=PASSWORD, email="choi@x.example",
                              name="최신입", business_number="1248100998")
    client = client_for(planner)
    # unconfirmed: not listed, not decidable
    assert client.post(reverse("rnd:join_decide", args=[join.pk]),
                       {"version": join.version, "decision": "approve"}).status_code == 404
    from rtis.rnd.actions import do_confirm_join_request, join_token

    join = do_confirm_join_request(join_token(join))
    assert "(주)서울테크" in body(client.get(reverse("rnd:join_requests")))
    client.post(reverse("rnd:join_decide", args=[join.pk]),
                {"version": join.version, "decision": "approve"})
    join.refresh_from_db()
    assert join.state == JoinState.APPROVED and join.decided_by == planner


def test_a_join_request_for_an_unknown_number_or_a_bad_address_saves_nothing(plan: Any) -> None:
    with pytest.raises(ValidationError) as refused:
        do_request_to_join(username="x", password=PASSWORD, email="not-an-address", name="x",
                           business_number="124-81-00998")
    assert set(refused.value.message_dict) == {"business_number", "email"}
    assert not JoinRequest.objects.exists() and not User.objects.filter(username="x").exists()
