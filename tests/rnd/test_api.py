"""The R&D JSON API: calls for everyone, applications for their applicant and R&D managers;
every answer checked against the OpenAPI document."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from rtis.orgs.models import User
from rtis.rnd.models import Application, Call, Organisation
from tests.openapi import assert_matches_openapi
from tests.rnd.conftest import PDF, at

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("code_lists")]
BASE = "/api/v1/rnd"


class Api:
    def __init__(self, user: User | None = None, enforce_csrf: bool = False) -> None:
        self.client = Client(enforce_csrf_checks=enforce_csrf)
        if user is not None:
            self.client.force_login(user)

    def call(self, method: str, path: str, body: Any = None, **extra: Any) -> Any:
        if method == "get":
            response = self.client.get(path, body or {})
        elif "files" in extra:
            response = self.client.post(path, extra["files"])
        else:
            response = self.client.generic(method.upper(), path, json.dumps(body or {}),
                                           content_type="application/json")
        assert_matches_openapi(method, path, response)
        return response


def new_application(sme: Organisation, **changes: Any) -> dict[str, Any]:
    person = sme.people.first()
    body = {"title": "API 과제", "pi": person.pk if person else None,
            "requested_funds": {"2026": 100_000_000}, "private_matching_won": 20_000_000,
            "science_class": "EA", "indicators": [{"name": "특허", "unit": "건", "target": 1}]}
    body.update(changes)
    return body


def test_the_public_lists_and_reads_published_calls_with_paging(call: Call,
                                                                draft_call: Any) -> None:
    api = Api()
    page = api.call("get", f"{BASE}/calls", {"limit": 1}).json()
    assert page["count"] == 1 and page["items"][0]["title"] == call.title
    assert page["items"][0]["is_open"] and page["next_offset"] is None
    assert api.call("get", f"{BASE}/calls/{call.pk}").json()["stages"][0]["name"] == "예선"
    assert api.call("get", f"{BASE}/calls/999999").status_code == 404


def test_an_applicant_creates_saves_attaches_and_submits(applicant: User, sme: Organisation,
                                                         call: Call) -> None:
    api = Api(applicant)
    created = api.call("post", f"{BASE}/calls/{call.pk}/applications", new_application(sme))
    assert created.status_code == 201, created.content
    data = created.json()
    saved = api.call("put", f"{BASE}/applications/{data['id']}",
                     new_application(sme, title="고친 과제", version=data["version"]))
    assert saved.status_code == 200 and saved.json()["title"] == "고친 과제"
    upload = SimpleUploadedFile("계획서.pdf", PDF)
    attached = api.call("post", f"{BASE}/applications/{data['id']}/attachments",
                        files={"file": upload})
    assert attached.status_code == 201, attached.content
    assert attached.json()["size"] == len(PDF)
    submitted = api.call("post", f"{BASE}/applications/{data['id']}/submit",
                         {"version": saved.json()["version"]})
    assert submitted.status_code == 200 and submitted.json()["status"] == "submitted"
    listing = api.call("get", f"{BASE}/applications", {"call": call.pk}).json()
    assert listing["count"] == 1 and listing["items"][0]["attachments"][0]["name"] == "계획서.pdf"


def test_a_stale_version_is_a_409_and_a_late_submission_a_422_with_the_time(
        applicant: User, sme: Organisation, call: Call,
        monkeypatch: pytest.MonkeyPatch) -> None:
    api = Api(applicant)
    data = api.call("post", f"{BASE}/calls/{call.pk}/applications", new_application(sme)).json()
    api.call("put", f"{BASE}/applications/{data['id']}", new_application(sme, version=1))
    stale = api.call("put", f"{BASE}/applications/{data['id']}",
                     new_application(sme, version=1))
    assert stale.status_code == 409 and stale.json()["version"] == 2
    monkeypatch.setattr("rtis.config.clock.now", at(call.closes_at + dt.timedelta(seconds=1)))
    late = api.call("post", f"{BASE}/applications/{data['id']}/submit", {"version": 2})
    assert late.status_code == 422 and "2026-03-31 18:00 KST" in late.json()["detail"]
    assert Application.objects.get().status == "draft"


def test_a_duplicate_and_a_wrong_file_are_422_naming_the_reason(
        applicant: User, sme: Organisation, call: Call) -> None:
    api = Api(applicant)
    data = api.call("post", f"{BASE}/calls/{call.pk}/applications", new_application(sme)).json()
    again = api.call("post", f"{BASE}/calls/{call.pk}/applications", new_application(sme))
    assert again.status_code == 422 and "이미 신청" in again.json()["detail"]
    bad = api.call("post", f"{BASE}/applications/{data['id']}/attachments",
                   files={"file": SimpleUploadedFile("a.docx", b"not a zip")})
    assert bad.status_code == 422 and "내용이 docx" in bad.json()["detail"]


def test_another_organisations_applicant_sees_nothing_of_it(
        applicant: User, other_applicant: User, sme: Organisation, call: Call) -> None:
    data = Api(applicant).call("post", f"{BASE}/calls/{call.pk}/applications",
                               new_application(sme)).json()
    api = Api(other_applicant)
    assert api.call("get", f"{BASE}/applications").json()["count"] == 0
    assert api.call("get", f"{BASE}/applications/{data['id']}").status_code == 404
    assert api.call("put", f"{BASE}/applications/{data['id']}",
                    new_application(sme, version=1)).status_code == 404
    assert api.call("post", f"{BASE}/applications/{data['id']}/submit",
                    {"version": 1}).status_code == 404
    forged = api.call("post", f"{BASE}/calls/{call.pk}/applications",
                      new_application(sme, organisation=sme.pk))
    assert forged.status_code == 403
    assert Application.objects.count() == 1


def test_a_manager_enters_an_application_for_an_organisation(planner: User, sme: Organisation,
                                                             call: Call) -> None:
    from rtis.rnd.actions import do_add_person

    api = Api(planner)
    created = api.call("post", f"{BASE}/calls/{call.pk}/applications",
                       new_application(sme, pi=None, organisation=sme.pk))
    do_add_person(planner, sme, name="김책임")
    assert created.status_code == 422  # a PI is needed: none named
    created = api.call("post", f"{BASE}/calls/{call.pk}/applications",
                       new_application(sme, organisation=sme.pk))
    assert created.status_code == 201 and created.json()["organisation"] == sme.name


def test_writes_need_the_csrf_token(applicant: User, sme: Organisation, call: Call) -> None:
    api = Api(applicant, enforce_csrf=True)
    response = api.call("post", f"{BASE}/calls/{call.pk}/applications", new_application(sme))
    assert response.status_code in {401, 403} and not Application.objects.exists()
