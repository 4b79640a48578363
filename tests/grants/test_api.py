"""The grants API: managers make agreements and evaluate, the performer reports and records
outputs, another applicant sees nothing, the public reads only the statistics."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from rtis.grants.actions import do_final_evaluation
from rtis.grants.models import Agreement, AgreementAmount, FollowUpSurvey
from rtis.orgs.models import User
from rtis.rnd.models import Application
from tests.conftest import client_for

pytestmark = pytest.mark.django_db
BASE = "/api/v1/grants"


def post(client: Client, path: str, body: dict[str, Any]) -> Any:
    return client.post(BASE + path, json.dumps(body), content_type="application/json")


def test_a_manager_makes_an_agreement_within_the_award(manager: User,
                                                       selected: Application) -> None:
    client = client_for(manager)
    body = {"starts_on": "2026-05-01", "ends_on": "2027-12-31",
            "amounts": [{"year": 2026, "source": "city", "amount_won": 200_000_000},
                        {"year": 2027, "source": "city", "amount_won": 100_000_001}],
            "targets": [{"kind": "indicator", "name": "특허 출원", "unit": "건", "target": "2"}]}
    refused = post(client, f"/applications/{selected.pk}/agreement", body)
    assert refused.status_code == 422 and "300,000,001" in refused.json()["detail"]
    assert not AgreementAmount.objects.exists()
    body["amounts"][1]["amount_won"] = 100_000_000
    made = post(client, f"/applications/{selected.pk}/agreement", body)
    assert made.status_code == 201
    assert made.json()["awarded_won"] == 300_000_000
    assert sorted(a["amount_won"] for a in made.json()["amounts"]) == [100_000_000, 200_000_000]


def test_who_sees_the_agreement(agreement: Agreement, applicant: User, other_applicant: User,
                                other_selected: Application, officer: User) -> None:
    mine = client_for(applicant).get(f"{BASE}/agreements")
    assert [a["number"] for a in mine.json()] == [agreement.number]
    assert client_for(other_applicant).get(f"{BASE}/agreements").json() == []
    assert client_for(other_applicant).get(
        f"{BASE}/agreements/{agreement.pk}").status_code == 404
    assert client_for(officer).get(f"{BASE}/agreements").status_code == 401
    assert Client().get(f"{BASE}/agreements").status_code == 401
    assert Client().get(f"{BASE}/statistics").status_code == 200


def test_report_evaluation_output_and_survey_through_the_api(
        agreement: Agreement, applicant: User, manager: User, other_applicant: User,
        other_selected: Application,
        on_day: Callable[[dt.date], None]) -> None:
    performer, sba = client_for(applicant), client_for(manager)
    on_day(dt.date(2026, 12, 20))
    report = post(performer, f"/agreements/{agreement.pk}/reports",
                  {"year": 2026, "progress": "설계 완료", "spent_city_won": 140_000_000})
    assert report.status_code == 201 and report.json()["state"] == "submitted"
    assert post(client_for(other_applicant), f"/agreements/{agreement.pk}/reports",
                {"year": 2027, "progress": "x"}).status_code == 404
    evaluated = post(sba, f"/reports/{report.json()['id']}/evaluation",
                     {"decision": "adjust", "comment": "감액",
                      "next_year_city_won": 120_000_000})
    assert evaluated.status_code == 201
    amounts = client_for(applicant).get(f"{BASE}/agreements/{agreement.pk}").json()["amounts"]
    assert {"year": 2027, "source": "city", "amount_won": 120_000_000} in amounts
    output = post(performer, f"/agreements/{agreement.pk}/outputs",
                  {"kind": "patent_application", "title": "칩 구조", "occurred_on": "2026-12-01",
                   "evidence": "출원서", "reference": "10-2026-0000001"})
    assert output.status_code == 201 and output.json()["ntis_category"] == "특허"
    on_day(dt.date(2028, 2, 1))
    final = post(sba, f"/agreements/{agreement.pk}/final-evaluation",
                 {"grade": "C", "comment": "미흡", "evaluated_on": "2028-01-30"})
    assert final.status_code == 422 and "failure_causes" in {
        e["field"] for e in final.json()["errors"]}
    do_final_evaluation(manager, agreement, grade="B", comment="보통", evaluated_on="2028-01-30")
    survey = FollowUpSurvey.objects.get(agreement=agreement, round=1)
    answered = post(performer, f"/surveys/{survey.pk}/answer",
                    {"version": survey.version, "commercialised": True, "sales_won": 5_000_000})
    assert answered.status_code == 200 and answered.json()["state"] == "submitted"
    stale = post(performer, f"/surveys/{survey.pk}/answer",
                 {"version": survey.version, "commercialised": True})
    assert stale.status_code == 422  # answered already
    listed = sba.get(f"{BASE}/surveys?year=2028").json()
    assert [(s["round"], s["state"]) for s in listed] == [(1, "submitted")]


def test_a_change_through_the_api_waits_for_approval(agreement: Agreement, applicant: User,
                                                    manager: User) -> None:
    change = post(client_for(applicant), f"/agreements/{agreement.pk}/changes",
                  {"version": agreement.version, "kind": "approval", "reason": "연장",
                   "ends_on": "2028-06-30"})
    assert change.status_code == 201 and change.json()["state"] == "pending"
    assert post(client_for(applicant), f"/changes/{change.json()['id']}/decision",
                {"version": 1, "approve": True}).status_code == 403
    decided = post(client_for(manager), f"/changes/{change.json()['id']}/decision",
                   {"version": 1, "approve": True, "comment": "승인"})
    assert decided.status_code == 200
    assert Agreement.objects.get(pk=agreement.pk).ends_on == dt.date(2028, 6, 30)
