"""Versions, ids and years typed with digits str.isdigit() takes but int() refuses ('²') or reads
differently ('٢٠٢٦') are refused the way any unreadable value is — never a 500."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.contrib.messages import get_messages
from django.core import mail
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from rtis.orgs.models import User
from rtis.rnd.actions import do_save_application
from rtis.rnd.models import Application, Call, JoinRequest, JoinState, Organisation
from tests.conftest import client_for
from tests.rnd.conftest import FUNDS
from tests.rnd.test_avoid_and_join import confirm_link, sign_up

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("code_lists")]


def test_requested_funds_for_a_year_int_refuses_or_misreads_are_refused_naming_the_years(
        call: Call, sme: Organisation, planner: User, during_the_window: dt.datetime) -> None:
    for odd in ("²", "٢٠٢٦"):  # int() refuses the first and reads the second as 2026
        with pytest.raises(ValidationError) as info:
            do_save_application(planner, call, sme, title="과제", principal_investigator="김연구",
                                requested_funds={odd: 100_000_000})
        assert "2026–2030" in info.value.message_dict["requested_funds"][0], odd
    assert not Application.objects.exists()


def test_a_submission_with_an_unreadable_version_is_a_conflict(
        applicant: User, sme: Organisation, call: Call) -> None:
    application = do_save_application(applicant, call, sme, title="과제", pi=sme.people.first(),
                                      requested_funds=FUNDS)
    response = client_for(applicant).post(
        reverse("rnd:application_submit", args=[application.pk]), {"version": "²"})
    assert response.status_code == 409  # as for a stale or missing version
    assert Application.objects.get(pk=application.pk).status == "draft"


def test_closing_a_call_with_an_unreadable_version_says_so_and_keeps_it_open(
        planner: User, call: Call) -> None:
    response = client_for(planner).post(reverse("rnd:call_close", args=[call.pk]),
                                        {"version": "²"})
    assert response.status_code == 302
    assert [m.level_tag for m in get_messages(response.wsgi_request)] == ["error"]
    assert Call.objects.get(pk=call.pk).state == "published"


def test_deciding_a_join_request_with_an_unreadable_version_decides_nothing(
        plan: Any, applicant: User, sme: Organisation) -> None:
    sign_up(Client())
    Client().get(confirm_link(mail.outbox[0]))
    join = JoinRequest.objects.get()
    response = client_for(applicant).post(reverse("rnd:join_decide", args=[join.pk]),
                                          {"version": "²", "decision": "approve"})
    assert response.status_code == 302
    assert [m.level_tag for m in get_messages(response.wsgi_request)] == ["error"]
    join.refresh_from_db()
    assert join.state == JoinState.PENDING


def test_a_manager_naming_an_organisation_int_refuses_gets_the_form_without_one(
        planner: User, sme: Organisation, call: Call) -> None:
    arabic = str(sme.pk).translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩"))
    for odd in ("²", arabic):  # int() refuses '²' and reads the other as the organisation's id
        response = client_for(planner).get(reverse("rnd:apply", args=[call.pk]),
                                           {"organisation": odd})
        assert response.status_code == 200, odd
        assert response.context["organisation"] is None, odd
