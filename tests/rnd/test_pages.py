"""The call pages per role: the public reads published calls, planners also drafts and the
applications; officers and viewers read what the public reads."""

from __future__ import annotations

import datetime as dt
import html
import re
from typing import Any

import pytest
from django.urls import reverse

from rtis.orgs.models import User
from rtis.rnd.actions import do_save_application, do_submit_application
from rtis.rnd.models import Call, CallState, Organisation
from tests.conftest import client_for
from tests.rnd.conftest import FUNDS, at

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "viewer", "officer", "planner"]


def user_of(role: str, request: Any) -> User | None:
    return None if role == "anonymous" else request.getfixturevalue(role)


@pytest.mark.parametrize("role", ROLES)
def test_everyone_sees_a_published_call_in_the_list_and_on_its_page(
        role: str, request: Any, call: Call) -> None:
    client = client_for(user_of(role, request))
    listing = client.get(reverse("rnd:calls"))
    assert listing.status_code == 200 and call.title in html.unescape(listing.content.decode())
    page = client.get(reverse("rnd:call", args=[call.pk]))
    body = html.unescape(page.content.decode())
    assert page.status_code == 200
    assert "2026-03-31 18:00" in body and "예선" in body and "기술성" in body
    assert "서울 소재 중소기업, 창업기업" in body
    assert "접수중" in body
    manage_link = reverse("rnd:call_applications", args=[call.pk])
    assert (manage_link in body) == (role == "planner")


@pytest.mark.parametrize("role", ["anonymous", "viewer", "officer"])
def test_a_draft_call_is_hidden_from_everyone_but_planners(role: str, request: Any,
                                                           draft_call: Call) -> None:
    client = client_for(user_of(role, request))
    assert draft_call.title not in html.unescape(client.get(reverse("rnd:calls")).content.decode())
    assert client.get(reverse("rnd:call", args=[draft_call.pk])).status_code == 404


def test_a_planner_sees_a_draft_call_and_its_publish_button(planner: User,
                                                            draft_call: Call) -> None:
    client = client_for(planner)
    assert draft_call.title in html.unescape(client.get(reverse("rnd:calls")).content.decode())
    body = html.unescape(client.get(reverse("rnd:call", args=[draft_call.pk])).content.decode())
    assert reverse("rnd:call_publish", args=[draft_call.pk]) in body and "작성중" in body


def test_the_page_says_the_call_has_closed_after_its_deadline(
        call: Call, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("rtis.config.clock.now", at(call.closes_at + dt.timedelta(seconds=1)))
    body = html.unescape(client_for(None).get(reverse("rnd:call", args=[call.pk])).content.decode())
    assert "접수 마감" in body and "접수중" not in body


def test_a_planner_publishes_a_call_from_its_page(planner: User, draft_call: Call,
                                                  during_the_window: dt.datetime) -> None:
    response = client_for(planner).post(reverse("rnd:call_publish", args=[draft_call.pk]),
                                        {"version": draft_call.version})
    assert response.status_code == 302
    assert Call.objects.get(pk=draft_call.pk).state == CallState.PUBLISHED


def test_publishing_with_a_stale_version_answers_409(planner: User, draft_call: Call,
                                                     during_the_window: dt.datetime) -> None:
    Call.objects.filter(pk=draft_call.pk).update(version=5)
    response = client_for(planner).post(reverse("rnd:call_publish", args=[draft_call.pk]),
                                        {"version": 1})
    assert response.status_code == 409
    assert "다른 사람이 먼저 수정했습니다" in html.unescape(response.content.decode())
    assert Call.objects.get(pk=draft_call.pk).state == CallState.DRAFT


@pytest.mark.parametrize("role", ["viewer", "officer"])
def test_it_refuses_publishing_to_anyone_but_planners(role: str, request: Any,
                                                      draft_call: Call) -> None:
    response = client_for(user_of(role, request)).post(
        reverse("rnd:call_publish", args=[draft_call.pk]), {"version": draft_call.version})
    assert response.status_code in {403, 404}
    assert Call.objects.get(pk=draft_call.pk).state == CallState.DRAFT


def test_a_planner_sees_the_applications_of_a_call_with_their_status(
        planner: User, call: Call, sme: Organisation, university: Organisation,
        during_the_window: dt.datetime) -> None:
    first = do_save_application(planner, call, sme, title="하수관로 진단",
                                principal_investigator="김연구", requested_funds=FUNDS)
    do_submit_application(planner, first, first.version)
    do_save_application(planner, call, university, title="보행 안전 센서",
                        principal_investigator="이교수", requested_funds={"2026": 1})
    response = client_for(planner).get(reverse("rnd:call_applications", args=[call.pk]))
    body = html.unescape(response.content.decode())
    assert response.status_code == 200
    assert "하수관로 진단" in body and "보행 안전 센서" in body
    assert "2026-03-15 10:00" in body  # the submission time, in Seoul
    assert "작성중 1 · 제출 1 · 철회 0" in body


@pytest.mark.parametrize("role", ["viewer", "officer"])
def test_the_applications_are_refused_to_staff_who_are_not_planners(role: str, request: Any,
                                                                    call: Call) -> None:
    response = client_for(user_of(role, request)).get(
        reverse("rnd:call_applications", args=[call.pk]))
    assert response.status_code == 403


def test_the_public_is_sent_to_sign_in_for_the_applications(call: Call) -> None:
    response = client_for(None).get(reverse("rnd:call_applications", args=[call.pk]))
    assert response.status_code == 302 and "/login/" in response["Location"]


@pytest.mark.parametrize("role", ["anonymous", "viewer", "officer", "planner"])
def test_every_link_on_the_call_pages_opens_for_whoever_sees_it(role: str, request: Any,
                                                                call: Call) -> None:
    client = client_for(user_of(role, request))
    links: set[str] = set()
    for url in (reverse("rnd:calls"), reverse("rnd:call", args=[call.pk])):
        page = client.get(url)
        links |= {link.replace("&amp;", "&") for link in re.findall(r'href="(/[^"#]*)', page.text)
                  if not link.startswith(("/static/", "/i18n/", "/logout/"))}
    assert reverse("rnd:call", args=[call.pk]) in links
    assert {link: client.get(link).status_code for link in sorted(links)
            if client.get(link).status_code != 200} == {}


def test_the_call_pages_turn_english_when_chosen(call: Call) -> None:
    client = client_for(None)
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    text = html.unescape(client.get(reverse("rnd:call", args=[call.pk])).text)
    for english in ("R&D calls", "Application window", "Eligibility", "Seoul-based SME, Startup",
                    "Evaluation stages and criteria", "Open for applications"):
        assert english in text
    assert "접수 기간" not in text
