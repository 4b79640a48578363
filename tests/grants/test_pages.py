"""The grants pages per role: R&D managers run agreements, the performer (the applicant who
acts for the selected organisation) reports, answers surveys and records outputs; another
applicant, officers, viewers and the public see no agreement. Statistics are public."""

from __future__ import annotations

import csv
import datetime as dt
import html
import io
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from rtis.audit.models import AuditEvent
from rtis.grants.actions import (
    do_final_evaluation,
    do_make_agreement,
    do_record_output,
    do_request_change,
    do_save_annual_report,
    do_submit_annual_report,
)
from rtis.grants.models import Agreement, AnnualEvaluation, AnnualReport, FollowUpSurvey
from rtis.orgs.models import User
from rtis.rnd.models import Application
from tests.conftest import client_for
from tests.grants.conftest import applied, select

pytestmark = pytest.mark.django_db

ROLES = ["public", "viewer", "officer", "other_applicant", "applicant", "manager", "planner"]
MANAGERS = {"manager", "planner"}
PERFORMER = {"applicant"}


def as_role(role: str, request: Any) -> Client:
    return client_for(None if role == "public" else request.getfixturevalue(role))


def refused(response: Any) -> bool:
    if response.status_code in {401, 403, 404}:
        return True
    return response.status_code == 302 and "/login/" in response.get("Location", "")


@pytest.fixture
def world(agreement: Agreement, applicant: User, manager: User, other_selected: Application,
          waiting: Application, on_day: Callable[[dt.date], None]) -> dict[str, int]:
    """The applicant's agreement with a pending change and a submitted 2026 report; the other
    applicant's agreement finished (its surveys open); a third selection awaiting agreement."""
    other = do_make_agreement(manager, other_selected, starts_on="2026-05-01",
                              ends_on="2026-12-31", amounts={2026: {"city": 100_000_000}})
    change = do_request_change(applicant, agreement, agreement.version, kind="approval",
                               reason="감액", amounts={2027: {"city": 120_000_000}})
    report = do_save_annual_report(applicant, agreement, year=2026, progress="설계 완료",
                                   spent_city_won=100_000_000)
    report = do_submit_annual_report(applicant, report, report.version)
    on_day(dt.date(2028, 4, 20))
    do_final_evaluation(manager, other, grade="A", comment="우수", evaluated_on="2027-02-01")
    survey = FollowUpSurvey.objects.get(agreement=other, round=1)
    return {"agreement": agreement.pk, "change": change.pk, "report": report.pk,
            "application": waiting.pk, "survey": survey.pk}


@pytest.fixture
def waiting(planner: User, call: Any, manager: User) -> Application:
    """A third organisation's application, selected and still without an agreement."""
    from rtis.lib.bizno import business_check_digit
    from rtis.rnd.actions import do_create_organisation

    nine = "206512345"
    organisation = do_create_organisation(planner, name="주식회사 성수수제화", kind="seoul_sme",
                                          business_number=nine + str(business_check_digit(nine)))
    return select(applied(planner, call, organisation, manager), 50_000_000)


def pages(world: dict[str, int]) -> dict[str, tuple[str, str, set[str]]]:
    """name → (method, url, roles allowed)."""
    a, c, r = world["agreement"], world["change"], world["report"]
    public = set(ROLES)
    return {
        # both applicants perform an agreement: each lists only their own (tested below)
        "agreements": ("GET", reverse("grants:agreements"),
                       MANAGERS | PERFORMER | {"other_applicant"}),
        "agreement": ("GET", reverse("grants:agreement", args=[a]), MANAGERS | PERFORMER),
        "agreement_new": ("GET", reverse("grants:agreement_new", args=[world["application"]]),
                          MANAGERS),
        "survey_submit": ("POST", reverse("grants:survey_submit", args=[world["survey"]]),
                          MANAGERS | {"other_applicant"}),
        "change_request": ("POST", reverse("grants:change_request", args=[a]),
                           MANAGERS | PERFORMER),
        "change_decide": ("POST", reverse("grants:change_decide", args=[c]), MANAGERS),
        "report_save": ("POST", reverse("grants:report_save", args=[a]), MANAGERS | PERFORMER),
        "annual_evaluate": ("POST", reverse("grants:annual_evaluate", args=[r]), MANAGERS),
        "final_evaluate": ("POST", reverse("grants:final_evaluate", args=[a]), MANAGERS),
        "output_add": ("POST", reverse("grants:output_add", args=[a]), MANAGERS | PERFORMER),
        "surveys": ("GET", reverse("grants:surveys"), MANAGERS),
        "survey_remind": ("POST", reverse("grants:survey_remind"), MANAGERS),
        "statistics": ("GET", reverse("grants:statistics"), public),
        "statistics_download": ("GET", reverse("grants:statistics_download"), public),
    }


@pytest.mark.parametrize("role", ROLES)
def test_each_role_gets_exactly_its_pages(role: str, request: Any, world: dict[str, int],
                                          planner: User, officer: User, viewer: User,
                                          other_applicant: User) -> None:
    wrong = []
    for name, (method, url, allowed) in pages(world).items():
        writes = AuditEvent.objects.count()
        client = as_role(role, request)
        response = client.get(url) if method == "GET" else client.post(url, {})
        if response.status_code >= 500:
            wrong.append(f"{name}: {response.status_code}")
        elif role in allowed and refused(response):
            wrong.append(f"{name}: refused ({response.status_code}) but allowed")
        elif role not in allowed:
            if not refused(response):
                wrong.append(f"{name}: {response.status_code}, should be refused")
            if AuditEvent.objects.count() != writes:
                wrong.append(f"{name}: refused but something was written")
    assert not wrong, "\n".join(wrong)


def test_another_applicant_never_sees_the_agreement(other_applicant: User,
                                                    world: dict[str, int]) -> None:
    client = client_for(other_applicant)
    assert client.get(reverse("grants:agreement", args=[world["agreement"]])).status_code == 404
    body = html.unescape(client.get(reverse("grants:agreements")).content.decode())
    mine = Agreement.objects.get(pk=world["agreement"]).number
    assert mine not in body and "SR2026" in body  # only their own agreement


def test_a_manager_makes_an_agreement_from_the_form_within_the_award(
        manager: User, selected: Application) -> None:
    client = client_for(manager)
    url = reverse("grants:agreement_new", args=[selected.pk])
    form = {"starts_on": "2026-05-01", "ends_on": "2027-12-31", "conditions": "조건",
            "city_2026": "200000000", "city_2027": "100000001",
            "private_cash_2026": "30000000", "indicator": "특허 출원", "indicator_unit": "건",
            "indicator_target": "2"}
    refused_page = client.post(url, form)
    assert refused_page.status_code == 400
    assert "300,000,001" in html.unescape(refused_page.content.decode())
    assert not Agreement.objects.exists()
    response = client.post(url, {**form, "city_2027": "100000000"})
    agreement = Agreement.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(
        reverse("grants:agreement", args=[agreement.pk]))
    body = html.unescape(client.get(response["Location"]).content.decode())
    assert agreement.number in body and "200,000,000" in body and "특허 출원" in body


def test_the_performer_files_a_report_and_the_manager_evaluates_it(
        applicant: User, manager: User, agreement: Agreement) -> None:
    response = client_for(applicant).post(
        reverse("grants:report_save", args=[agreement.pk]),
        {"year": 2026, "progress": "시제품 설계", "spent_city_won": 90_000_000,
         "spent_private_won": 10_000_000})
    assert response.status_code == 302
    report = AnnualReport.objects.get(agreement=agreement)
    assert report.state == "submitted" and report.submitted_by == applicant
    response = client_for(manager).post(
        reverse("grants:annual_evaluate", args=[report.pk]),
        {"decision": "adjust", "comment": "감액", "next_year_city_won": 90_000_000})
    assert response.status_code == 302
    assert AnnualEvaluation.objects.get().decision == "adjust"
    body = html.unescape(client_for(applicant).get(
        reverse("grants:agreement", args=[agreement.pk])).content.decode())
    assert "조정" in body and "90,000,000" in body


def test_list_pages_take_a_fixed_number_of_queries(
        manager: User, agreement: Agreement, applicant: User, other_selected: Application,
        on_day: Callable[[dt.date], None], django_assert_max_num_queries: Any) -> None:
    on_day(dt.date(2028, 4, 20))
    do_final_evaluation(manager, agreement, grade="B", comment="보통", evaluated_on="2028-01-10")
    do_record_output(applicant, agreement, kind="commercialisation", title="출시",
                     occurred_on="2027-11-01", evidence="판매 계약서")
    client = client_for(manager)
    for name in ("grants:agreements", "grants:surveys", "grants:statistics"):
        with django_assert_max_num_queries(14):
            assert client.get(reverse(name)).status_code == 200
    with django_assert_max_num_queries(20):  # the agreement page, all its sections
        assert client.get(reverse("grants:agreement", args=[agreement.pk])).status_code == 200


def test_a_failure_shows_its_causes_in_words(manager: User, agreement: Agreement,
                                            on_day: Callable[[dt.date], None]) -> None:
    on_day(dt.date(2028, 1, 20))
    do_final_evaluation(manager, agreement, grade="D", comment="미흡", evaluated_on="2028-01-10",
                        failure_causes=["market", "funding"], failure_analysis="투자 무산")
    body = html.unescape(client_for(manager).get(
        reverse("grants:agreement", args=[agreement.pk])).content.decode())
    assert "시장 수요 부족, 후속 자금 부족 — 투자 무산" in body and "실패" in body


def test_the_surveys_page_lists_due_and_unanswered_surveys(
        manager: User, agreement: Agreement, on_day: Callable[[dt.date], None]) -> None:
    on_day(dt.date(2028, 1, 20))
    do_final_evaluation(manager, agreement, grade="A", comment="우수", evaluated_on="2028-01-10")
    on_day(dt.date(2028, 5, 1))
    body = html.unescape(client_for(manager).get(
        reverse("grants:surveys") + "?year=2028").content.decode())
    assert agreement.number in body and "2028-03-31" in body
    assert FollowUpSurvey.objects.filter(state="due").count() == 5


def test_statistics_show_printed_figures_beside_computed_ones_and_download(
        manager: User, agreement: Agreement, applicant: User,
        on_day: Callable[[dt.date], None]) -> None:
    on_day(dt.date(2026, 12, 1))
    do_record_output(applicant, agreement, kind="patent_application", title="특허",
                     occurred_on="2026-11-01", evidence="출원서")
    client = client_for(None)
    body = html.unescape(client.get(reverse("grants:statistics")).content.decode())
    assert "003_f04f8081098ea554.txt p.368 l.533" in body  # 2014: 64 과제 149억
    assert "149" in body and "64" in body and "기술상용화 R&D" in body
    assert 'data-chart="chart-projects"' in body and 'id="chart-projects"' in body
    rows = list(csv.reader(io.StringIO(
        client.get(reverse("grants:statistics_download")).content.decode("utf-8-sig"))))
    computed = [r for r in rows if r[0] == "기록"]
    assert computed == [["기록", "기술상용화 R&D", "2026", "1", "1", "100.0", "1", "300000000",
                         "1", "0.33", "0", "0.0", "0", "0", "", "RTIS 과제 기록"]]
    printed = [r for r in rows if r[0] == "인쇄" and r[2] == "2014" and r[1].startswith("서울형 R&D(산학")]
    assert printed[0][4] == "64" and printed[0][7] == "14900000000"
    book = load_workbook(io.BytesIO(client.get(
        reverse("grants:statistics_download") + "?format=xlsx").content))
    assert book.active is not None and book.active.max_row == len(rows)
