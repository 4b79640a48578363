"""Who an applicant acts for is read once per request, and read again after its link changes."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.test.utils import CaptureQueriesContext

from rtis.config import clock
from rtis.orgs.models import Role, User
from rtis.rnd.access import applicant_organisation
from rtis.rnd.models import Applicant, Call, Organisation
from rtis.web.requestmemo import RequestMemoMiddleware, request_memo
from tests.rnd.test_api import BASE, Api, new_application

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("code_lists")]


def link_reads(queries: CaptureQueriesContext) -> int:
    return sum('FROM "rnd_applicant"' in q["sql"] for q in queries.captured_queries)


def in_a_request(work: Any) -> Any:
    """Run `work` as a view behind the memo middleware; return what it returned."""
    seen: list[Any] = []

    def view(request: HttpRequest) -> HttpResponse:
        seen.append(work())
        return HttpResponse()

    RequestMemoMiddleware(view)(HttpRequest())
    return seen[0]


def test_an_api_write_reads_the_applicants_link_once(applicant: User, sme: Organisation,
                                                     call: Call) -> None:
    api = Api(applicant)
    with CaptureQueriesContext(connection) as created:
        data = api.call("post", f"{BASE}/calls/{call.pk}/applications",
                        new_application(sme)).json()
    with CaptureQueriesContext(connection) as submitted:
        answer = api.call("post", f"{BASE}/applications/{data['id']}/submit",
                          {"version": data["version"]})
    assert answer.status_code == 200 and answer.json()["status"] == "submitted"
    # authentication, view and action each ask; the database is asked once per request
    assert link_reads(created) == 1 and link_reads(submitted) == 1
    assert answer.json()["organisation"] == sme.name and answer.json()["stage"] == "예선"


def test_outside_a_request_nothing_is_kept(applicant: User, sme: Organisation) -> None:
    assert request_memo() is None
    with CaptureQueriesContext(connection) as queries:
        assert applicant_organisation(applicant) == sme
        assert applicant_organisation(applicant) == sme
    assert link_reads(queries) == 2


def test_a_link_saved_during_the_request_is_seen(planner: User, sme: Organisation) -> None:
    user = User.objects.create(username="newcomer", role=Role.APPLICANT)

    def work() -> tuple[Any, Any, Any]:
        before = applicant_organisation(user)
        with CaptureQueriesContext(connection) as cached:
            assert applicant_organisation(user) is before
        Applicant.objects.create(user=user, organisation=sme, confirmed_at=clock.now())
        return before, link_reads(cached), applicant_organisation(user)

    before, cached_reads, after = in_a_request(work)
    assert before is None and cached_reads == 0
    assert after == sme
