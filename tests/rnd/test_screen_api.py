"""rnd-screen: the rnd-pages' writes over JSON, through the same actions — a join request
decided by the organisation's applicant (409 on a stale version, 422 naming the field), and
the people an applicant names to avoid before submission."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.core import mail
from django.test import Client

from rtis.audit.models import AuditEvent
from rtis.orgs.models import User
from rtis.review.actions import MAX_AVOIDED_PEOPLE
from rtis.review.models import AvoidedPerson
from rtis.rnd.actions import (
    do_confirm_join_request,
    do_request_to_join,
    do_save_application,
    do_submit_application,
    join_token,
)
from rtis.rnd.models import Applicant, Application, Call, JoinRequest, JoinState, Organisation
from tests.conftest import PASSWORD
from tests.openapi import assert_matches_openapi
from tests.rnd.conftest import FUNDS

pytestmark = pytest.mark.django_db
RND = "/api/v1/rnd"
REVIEW = "/api/v1/review"


def send(user: User | None, method: str, path: str, body: Any = None) -> Any:
    client = Client()
    if user is not None:
        client.force_login(user)
    if method == "get":
        response = client.get(path)
    else:
        response = client.generic(method.upper(), path, json.dumps(body or {}),
                                  content_type="application/json")
    assert_matches_openapi(method, path, response)
    return response


def fields(response: Any) -> list[str]:
    return [e["field"] for e in response.json()["errors"]]


@pytest.fixture
def pending(plan: Any, sme: Organisation) -> JoinRequest:
    join = do_request_to_join(username="choi", password=PASSWORD, email="choi@x.example",
                              name="최신입", business_number=sme.business_number)
    return do_confirm_join_request(join_token(join))


def test_the_organisations_applicant_decides_a_join_request_over_json(
        pending: JoinRequest, applicant: User, other_applicant: User) -> None:
    listed = send(applicant, "get", f"{RND}/join-requests?state=pending").json()
    assert [(r["id"], r["name"], r["version"]) for r in listed["items"]] == [
        (pending.pk, "최신입", pending.version)]
    assert send(other_applicant, "get", f"{RND}/join-requests").json()["count"] == 0
    path = f"{RND}/join-requests/{pending.pk}/decision"
    before = AuditEvent.objects.count()
    assert send(other_applicant, "post", path, {"version": pending.version,
                                                "approve": True}).status_code == 404
    refused = send(applicant, "post", path, {"version": pending.version, "approve": False})
    assert refused.status_code == 422 and fields(refused) == ["reason"]
    bad = send(applicant, "post", path, {"version": 0, "approve": True})
    assert bad.status_code == 422 and "version" in bad.json()["detail"]
    stale = send(applicant, "post", path, {"version": pending.version - 1, "approve": True})
    assert stale.status_code == 409 and stale.json()["version"] == pending.version
    assert AuditEvent.objects.count() == before  # nothing written by any refusal
    approved = send(applicant, "post", path, {"version": pending.version, "approve": True})
    assert approved.status_code == 200 and approved.json()["state"] == "approved"
    join = JoinRequest.objects.get()
    assert join.state == JoinState.APPROVED and join.decided_by == applicant
    assert join.user.is_active and Applicant.objects.filter(user=join.user).exists()
    assert mail.outbox[-1].to == ["choi@x.example"]
    again = send(applicant, "post", path, {"version": join.version, "approve": False,
                                           "reason": "x"})
    assert again.status_code == 422 and fields(again) == ["state"]


def test_an_applicant_names_and_withdraws_people_to_avoid_over_json(
        applicant: User, other_applicant: User, sme: Organisation, call: Call) -> None:
    draft = do_save_application(applicant, call, sme, title="AI 하수관로 진단",
                                pi=sme.people.first(), requested_funds=FUNDS)
    path = f"{REVIEW}/applications/{draft.pk}/avoided-people"
    made = send(applicant, "post", path, {"name": "김가상", "organisation": "(주)가온",
                                          "reason": "경쟁사 자문"})
    assert made.status_code == 201 and made.json()["name"] == "김가상"
    twice = send(applicant, "post", path, {"name": "김 가상", "organisation": "주식회사 가온",
                                           "reason": "x"})
    assert twice.status_code == 422 and fields(twice) == ["name"]
    blank = send(applicant, "post", path, {"name": "이예시", "organisation": "", "reason": "x"})
    assert blank.status_code == 422 and fields(blank) == ["organisation"]
    assert send(other_applicant, "get", path).status_code == 404
    listed = send(applicant, "get", path).json()
    assert listed["editable"] and listed["limit"] == MAX_AVOIDED_PEOPLE
    assert [r["name"] for r in listed["items"]] == ["김가상"]
    row = AvoidedPerson.objects.get()
    assert send(other_applicant, "delete", f"{REVIEW}/avoided-people/{row.pk}").status_code == 404
    left = send(applicant, "delete", f"{REVIEW}/avoided-people/{row.pk}")
    assert left.status_code == 200 and left.json()["items"] == []
    send(applicant, "post", path, {"name": "박예시", "organisation": "KAIST", "reason": "공동연구"})
    draft = Application.objects.get(pk=draft.pk)
    do_submit_application(applicant, draft, draft.version)
    late = send(applicant, "post", path, {"name": "최예시", "organisation": "KAIST",
                                          "reason": "x"})
    assert late.status_code == 422 and fields(late) == ["application"]
    row = AvoidedPerson.objects.get()
    gone = send(applicant, "delete", f"{REVIEW}/avoided-people/{row.pk}")
    assert gone.status_code == 422 and AvoidedPerson.objects.count() == 1
    assert send(applicant, "get", path).json()["editable"] is False


def test_an_applicant_adds_people_over_json_and_the_application_shows_their_departments(
        applicant: User, other_applicant: User, planner: User, sme: Organisation,
        call: Call) -> None:
    made = send(applicant, "post", f"{RND}/people", {"name": "박책임", "department": "AI연구소",
                                                     "position": "연구책임자"})
    assert made.status_code == 201 and made.json()["department"] == "AI연구소"
    blank = send(applicant, "post", f"{RND}/people", {"name": " "})
    assert blank.status_code == 422 and fields(blank) == ["name"]
    other = send(applicant, "post", f"{RND}/people", {"name": "x", "organisation": 10**6})
    assert other.status_code == 403
    lead = made.json()["id"]
    member = send(applicant, "post", f"{RND}/people", {"name": "김참여",
                                                       "department": "생산기술팀"}).json()["id"]
    listed = send(applicant, "get", f"{RND}/people").json()
    assert {p["name"] for p in listed["items"]} >= {"박책임", "김참여"}
    assert "박책임" not in json.dumps(send(other_applicant, "get", f"{RND}/people").json(),
                                      ensure_ascii=False)
    needs = send(planner, "get", f"{RND}/people")
    assert needs.status_code == 422 and fields(needs) == ["organisation"]
    assert send(planner, "get", f"{RND}/people?organisation={sme.pk}").json()["count"] == \
        listed["count"]
    created = send(applicant, "post", f"{RND}/calls/{call.pk}/applications",
                   {"title": "AI 하수관로 진단", "pi": lead, "participants": [member],
                    "requested_funds": {"2026": 100_000_000}})
    assert created.status_code == 201, created.content
    assert [(p["name"], p["organisation"], p["department"]) for p in created.json()["team"]] == [
        ("박책임", "(주)서울테크", "AI연구소"), ("김참여", "(주)서울테크", "생산기술팀")]
