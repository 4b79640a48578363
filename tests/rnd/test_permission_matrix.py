"""Who may open each R&D application page and API operation: an SBA R&D manager, an evaluator,
the applicant of the organisation, another organisation's applicant, a department officer, a
council viewer and the public. The allowed get an answer; everyone else is refused (login page,
401, 403 or 404) and nothing is written."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from rtis.audit.models import AuditEvent
from rtis.orgs.actions import do_create_user
from rtis.orgs.models import Role, User
from rtis.rnd.actions import do_attach_file, do_save_application
from rtis.rnd.models import Call, Organisation
from tests.conftest import PASSWORD
from tests.rnd.conftest import FUNDS, PDF

pytestmark = pytest.mark.django_db

ROLES = ("manager", "evaluator", "applicant", "other_applicant", "officer", "viewer", "public")
EVERYONE = frozenset(ROLES)
MANAGER = frozenset({"manager"})
OWNER = frozenset({"manager", "applicant"})  # the organisation's own applicant and managers
APPLICANTS = frozenset({"applicant", "other_applicant"})
ANY_APPLICANT = frozenset({"manager", "applicant", "other_applicant"})

# (route, url kwargs key, method, allowed). Downloads come before the deletion.
PAGES: list[tuple[str, str | None, str, frozenset[str]]] = [
    ("rnd:calls", None, "GET", EVERYONE),
    ("rnd:call", "call", "GET", EVERYONE),
    ("rnd:sign_up", None, "GET", EVERYONE),
    ("rnd:sign_up_confirm", None, "GET", EVERYONE),  # a bad token answers 400, not a refusal
    ("rnd:call_applications", "call", "GET", MANAGER),
    ("rnd:call_publish", "call", "POST", MANAGER),
    ("rnd:call_close", "call", "POST", MANAGER),
    ("rnd:call_import", "call", "GET", MANAGER),
    ("rnd:call_import", "call", "POST", MANAGER),
    ("rnd:applicant_new", None, "GET", MANAGER),
    ("rnd:applicant_new", None, "POST", MANAGER),
    ("rnd:apply", "call", "GET", ANY_APPLICANT),
    ("rnd:my_applications", None, "GET", APPLICANTS),
    ("rnd:person_add", None, "POST", APPLICANTS),
    ("rnd:application", "application", "GET", OWNER),
    ("rnd:application", "application", "POST", OWNER),
    ("rnd:application_submit", "application", "POST", OWNER),
    ("rnd:attachment_upload", "application", "POST", OWNER),
    ("rnd:attachment", "attachment", "GET", OWNER),
    ("rnd:attachment_delete", "attachment", "POST", OWNER),
    # rnd-pages
    ("rnd:join_confirm", None, "GET", EVERYONE),  # a bad token answers 400, not a refusal
    ("rnd:join_requests", None, "GET", ANY_APPLICANT),  # each organisation sees its own
    ("rnd:join_decide", "join", "POST", OWNER),  # the organisation's applicant and managers
    ("review:avoid", "application", "GET", OWNER),
    ("review:avoid", "application", "POST", OWNER),
    ("review:avoid_delete", "avoided", "POST", OWNER),
    ("review:my_conflicts", None, "GET", frozenset({"evaluator"})),
    ("review:declare_conflict", None, "POST", frozenset({"evaluator"})),
]
API = "/api/v1/rnd"


@pytest.fixture
def world(planner: User, officer: User, viewer: User, applicant: User, other_applicant: User,
          sme: Organisation, call: Call) -> dict[str, Any]:
    application = do_save_application(applicant, call, sme, title="기관 비밀 과제",
                                      pi=sme.people.first(), requested_funds=FUNDS)
    attachment = do_attach_file(applicant, application, "계획서.pdf", PDF)
    users = {"manager": do_create_user(None, "sba", PASSWORD, Role.RND_MANAGER),
             "evaluator": do_create_user(None, "judge", PASSWORD, Role.EVALUATOR),
             "applicant": applicant, "other_applicant": other_applicant,
             "officer": officer, "viewer": viewer}
    return {"users": users, "call": call.pk, "application": application.pk,
            "organisation": sme.pk,
            "attachment": attachment.pk, **rnd_pages_world(users, application)}


def client_as(role: str, world: dict[str, Any]) -> Client:
    client = Client()
    if role != "public":
        client.force_login(world["users"][role])
    return client


def refused(response: Any) -> bool:
    if response.status_code in {401, 403, 404}:
        return True
    location = response.get("Location", "") if response.status_code == 302 else ""
    return "/login/" in location


def judge(wrong: list[str], what: str, role: str, allowed: frozenset[str], response: Any,
          writes_before: int) -> None:
    if response.status_code >= 500:
        wrong.append(f"{what}: {response.status_code}")
    elif role in allowed and refused(response):
        wrong.append(f"{what}: refused ({response.status_code}) but allowed")
    elif role not in allowed:
        if not refused(response):
            wrong.append(f"{what}: {response.status_code}, should be refused")
        if AuditEvent.objects.count() != writes_before:
            wrong.append(f"{what}: refused but something was written")


@pytest.mark.parametrize("role", ROLES)
def test_each_role_opens_exactly_the_pages_its_rules_allow(role: str,
                                                           world: dict[str, Any]) -> None:
    wrong: list[str] = []
    for name, key, method, allowed in PAGES:
        url = reverse(name, args=[world[key]] if key else [])
        client = client_as(role, world)
        before = AuditEvent.objects.count()
        response = client.get(url) if method == "GET" else client.post(url, {})
        judge(wrong, f"{method} {name}", role, allowed, response, before)
    assert not wrong, "\n".join(wrong)


def api_operations(world: dict[str, Any]) -> list[tuple[str, str, Any, frozenset[str]]]:
    application = world["application"]
    body = {"title": "x", "requested_funds": {"2026": 1}}
    return [
        ("get", f"{API}/calls", None, EVERYONE),
        ("get", f"{API}/calls/{world['call']}", None, EVERYONE),
        ("get", f"{API}/applications", None, ANY_APPLICANT),
        ("get", f"{API}/applications/{application}", None, OWNER),
        ("post", f"{API}/calls/{world['call']}/applications", body, ANY_APPLICANT),
        ("put", f"{API}/applications/{application}", {**body, "version": 1}, OWNER),
        ("post", f"{API}/applications/{application}/submit", {"version": 999}, OWNER),
        ("post", f"{API}/applications/{application}/attachments", "file", OWNER),
        # rnd-screen: the rnd-pages' operations over JSON (writes that the allowed make with
        # bad values answer 422 naming the field, or 409 on the stale version; nothing saved)
        *screen_operations(world),
    ]


REVIEW_API = "/api/v1/review"
EVALUATOR_ONLY = frozenset({"evaluator"})


def screen_operations(world: dict[str, Any]) -> list[tuple[str, str, Any, frozenset[str]]]:
    application, join, avoided = world["application"], world["join"], world["avoided"]
    return [
        ("get", f"{API}/join-requests", None, ANY_APPLICANT),  # each organisation its own
        ("post", f"{API}/join-requests/{join}/decision", {"version": 999, "approve": True},
         OWNER),
        ("get", f"{REVIEW_API}/applications/{application}/avoided-people", None, OWNER),
        ("post", f"{REVIEW_API}/applications/{application}/avoided-people",
         {"name": " ", "organisation": "가온", "reason": "경쟁사"}, OWNER),
        ("get", f"{REVIEW_API}/my-conflicts", None, EVALUATOR_ONLY),
        ("post", f"{REVIEW_API}/my-conflicts/organisations",
         {"organisation": "", "reason": "전 직장"}, EVALUATOR_ONLY),
        ("post", f"{REVIEW_API}/my-conflicts/applications",
         {"application_id": application, "reason": "자문"}, EVALUATOR_ONLY),
        ("get", f"{API}/people", None, ANY_APPLICANT),  # a manager: 422 naming organisation
        ("get", f"{API}/people?organisation={world['organisation']}", None, OWNER),
        ("post", f"{API}/people", {"name": " ", "department": "연구소"}, ANY_APPLICANT),
        ("delete", f"{REVIEW_API}/avoided-people/{avoided}", None, OWNER),  # last: it deletes
    ]


@pytest.mark.parametrize("role", ROLES)
def test_each_role_uses_exactly_the_api_operations_its_rules_allow(
        role: str, world: dict[str, Any]) -> None:
    wrong: list[str] = []
    for method, path, body, allowed in api_operations(world):
        client = client_as(role, world)
        before = AuditEvent.objects.count()
        if body == "file":
            response = client.post(path, {"file": SimpleUploadedFile("a.txt", b"text")})
        elif method == "get":
            response = client.get(path)
        else:
            response = client.generic(method.upper(), path, json.dumps(body),
                                      content_type="application/json")
        judge(wrong, f"{method} {path}", role, allowed, response, before)
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize("role", ["other_applicant", "evaluator", "officer", "viewer", "public"])
def test_nobody_but_its_applicant_and_managers_reads_the_application_anywhere(
        role: str, world: dict[str, Any]) -> None:
    client = client_as(role, world)
    for url in (reverse("rnd:my_applications"), reverse("rnd:call", args=[world["call"]]),
                f"{API}/applications", f"{API}/calls"):
        response = client.get(url)
        assert "기관 비밀 과제" not in response.content.decode(), (role, url)


def test_the_window_is_open_for_the_matrix(world: dict[str, Any], call: Call,
                                           during_the_window: dt.datetime) -> None:
    # The matrix above runs inside the call's window: writes reach the actions' own checks.
    assert call.opens_at <= during_the_window < call.closes_at


# rnd-pages --------------------------------------------------------------------------------------

def rnd_pages_world(users: dict[str, Any], application: Any) -> dict[str, int]:
    """A confirmed join request to the applicant's organisation, a person named to avoid on
    its draft, and the evaluator's pool record."""
    from rtis.review.actions import do_create_evaluator, do_name_avoided_person
    from rtis.rnd.actions import do_confirm_join_request, do_request_to_join, join_token

    join = do_request_to_join(username="newcomer", password=PASSWORD, email="new@example.com",
                              name="신입", business_number=application.organisation.business_number)
    join = do_confirm_join_request(join_token(join))
    avoided = do_name_avoided_person(users["applicant"], application, name="김가상",
                                     organisation="가온", reason="경쟁사")
    do_create_evaluator(None, users["evaluator"], name="심사위원", organisation="한빛대학교")
    return {"join": join.pk, "avoided": avoided.pk}


@pytest.mark.parametrize("role", ROLES)
def test_the_rnd_pages_operations_answer_as_the_openapi_document_says(
        role: str, world: dict[str, Any]) -> None:
    """Every answer of the join, avoidance and declaration operations, to every role (allowed,
    refused, 409 or 422), fits the OpenAPI document."""
    from tests.openapi import assert_matches_openapi

    for method, path, body, _allowed in screen_operations(world):
        client = client_as(role, world)
        response = (client.get(path) if method == "get" else client.generic(
            method.upper(), path, json.dumps(body or {}), content_type="application/json"))
        assert_matches_openapi(method, path, response)
