"""The bulk entry pages: who may choose, download and upload, and what each answer says."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from rtis.orgs.models import User
from rtis.plans.models import Node, Plan
from rtis.tracking.actions import do_save_execution
from rtis.tracking.bulk import SHEET, XLSX_MEDIA_TYPE
from rtis.tracking.models import ExecutionRecord, ReportingPeriod
from tests.conftest import client_for
from tests.tracking.conftest import AMOUNTS, saved_amounts
from tests.tracking.test_bulk import counts, department, fill, template_for

pytestmark = pytest.mark.django_db

INDEX = reverse("tracking:bulk_index")
TEMPLATE = reverse("tracking:bulk_template")
UPLOAD = reverse("tracking:bulk_upload")


def template_query(name: str, period: ReportingPeriod) -> dict[str, Any]:
    return {"department": department(name).pk, "period": period.pk}


def post_file(client: Client, data: bytes, name: str = "집행실적.xlsx") -> Any:
    upload = io.BytesIO(data)
    upload.name = name
    return client.post(UPLOAD, {"file": upload})


def who(request: pytest.FixtureRequest, name: str) -> User | None:
    return None if name == "anonymous" else request.getfixturevalue(name)


# --- the permission matrix ----------------------------------------------------------------------


@pytest.mark.parametrize(("name", "status"), [
    ("anonymous", 302), ("viewer", 403), ("other_officer", 200), ("officer", 200),
    ("planner", 200)])
def test_the_index_is_for_officers_and_planners(request: pytest.FixtureRequest,
                                                month: ReportingPeriod, name: str,
                                                status: int) -> None:
    response = client_for(who(request, name)).get(INDEX)
    assert response.status_code == status
    if status == 302:
        assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize(("name", "status"), [
    ("anonymous", 302), ("viewer", 403), ("other_officer", 403), ("officer", 200),
    ("planner", 200)])
def test_the_template_of_a_department_is_for_its_officers_and_planners(
        request: pytest.FixtureRequest, month: ReportingPeriod, name: str, status: int) -> None:
    response = client_for(who(request, name)).get(TEMPLATE,
                                                  template_query("신성장산업과", month))
    assert response.status_code == status
    if status == 200:
        assert response["Content-Type"] == XLSX_MEDIA_TYPE
        book = load_workbook(io.BytesIO(response.content))
        assert book[SHEET]["A3"].value == "2-1-1"


@pytest.mark.parametrize(("name", "status", "saved"), [
    ("anonymous", 302, False), ("viewer", 403, False), ("other_officer", 403, False),
    ("officer", 302, True), ("planner", 302, True)])
def test_uploading_a_departments_template_is_for_its_officers_and_planners(
        request: pytest.FixtureRequest, plan: Plan, unit: Node, month: ReportingPeriod,
        name: str, status: int, saved: bool) -> None:
    data = fill(template_for(plan, "신성장산업과", month), {"2-1-1": AMOUNTS})
    response = post_file(client_for(who(request, name)), data)
    assert response.status_code == status
    assert ExecutionRecord.objects.filter(node=unit).exists() == saved
    if saved:
        assert response["Location"] == INDEX
    elif status == 302:
        assert response["Location"].startswith(reverse("login"))


def test_an_officer_may_download_their_own_department_even_if_it_owns_nothing(
        other_officer: User, plan: Plan, month: ReportingPeriod) -> None:
    response = client_for(other_officer).get(TEMPLATE, template_query("문화융합경제과", month))
    assert response.status_code == 200
    assert load_workbook(io.BytesIO(response.content))[SHEET].max_row == 2  # headers only


def test_a_planner_downloads_any_departments_template(planner: User,
                                                      month: ReportingPeriod) -> None:
    response = client_for(planner).get(TEMPLATE, template_query("경제정책과", month))
    assert load_workbook(io.BytesIO(response.content))[SHEET]["A3"].value == "1-1-1"


# --- methods, unknown ids, invalid input --------------------------------------------------------


def test_wrong_methods_are_refused(officer: User, month: ReportingPeriod) -> None:
    client = client_for(officer)
    assert client.post(INDEX).status_code == 405
    assert client.post(TEMPLATE, template_query("신성장산업과", month)).status_code == 405
    assert client.get(UPLOAD).status_code == 405


@pytest.mark.parametrize("query", [{"department": 999_999}, {"period": 999_999}])
def test_an_unknown_department_or_period_is_404(officer: User, month: ReportingPeriod,
                                                query: dict[str, int]) -> None:
    params = {**template_query("신성장산업과", month), **query}
    assert client_for(officer).get(TEMPLATE, params).status_code == 404


def test_a_quarter_period_is_not_a_month_404(officer: User, plan: Plan, planner: User) -> None:
    import datetime as dt

    from rtis.tracking.actions import do_open_period

    quarter = do_open_period(planner, plan, kind="quarter", year=2019, number=3,
                             due_on=dt.date(2019, 10, 10))
    response = client_for(officer).get(TEMPLATE, template_query("신성장산업과", quarter))
    assert response.status_code == 404


@pytest.mark.parametrize("query", [{}, {"department": "abc", "period": "1"},
                                   {"department": "1"}])
def test_an_incomplete_choice_is_400_with_a_message(officer: User, month: ReportingPeriod,
                                                    query: dict[str, str]) -> None:
    response = client_for(officer).get(TEMPLATE, query)
    assert response.status_code == 400
    assert "부서와 기간을 고르십시오" in response.text


def test_an_upload_without_a_file_is_400(officer: User, month: ReportingPeriod) -> None:
    response = client_for(officer).post(UPLOAD, {})
    assert response.status_code == 400 and "올릴 XLSX 파일을 고르십시오" in response.text


def test_a_file_that_is_not_xlsx_gets_a_report(officer: User, month: ReportingPeriod) -> None:
    response = post_file(client_for(officer), b"%PDF-1.7 not a workbook", "report.pdf")
    assert response.status_code == 400
    assert "report.pdf: 문제 1건이 있어 아무것도 저장하지 않았습니다." in response.text
    assert "XLSX 파일이 아니거나 손상되었습니다" in response.text


# --- the pages ----------------------------------------------------------------------------------


def test_an_officer_chooses_among_their_departments_and_the_months(
        officer: User, month: ReportingPeriod, django_assert_max_num_queries: Any) -> None:
    client = client_for(officer)
    with django_assert_max_num_queries(7):  # 6 + the menu's counts
        response = client.get(INDEX)
    assert [d.name for d in response.context["departments"]] == ["신성장산업과"]
    groups = response.context["period_groups"]
    assert {title: [p.label for p in periods] for title, periods in groups.items()} == {
        "표본 혁신성장 계획": ["2019-07"]}
    assert f'<option value="{month.pk}" selected>2019-07 (입력 중)</option>' in response.text


def test_a_planner_chooses_among_every_owning_department(planner: User,
                                                         month: ReportingPeriod) -> None:
    response = client_for(planner).get(INDEX)
    assert [d.name for d in response.context["departments"]] == ["경제정책과", "신성장산업과"]


def test_the_download_is_named_after_period_department_and_plan(
        officer: User, month: ReportingPeriod) -> None:
    response = client_for(officer).get(TEMPLATE, template_query("신성장산업과", month))
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment; filename*=utf-8''")
    assert "2019-07" in disposition and "sample-plan.xlsx" in disposition


def test_a_clean_upload_saves_and_says_how_many_rows(plan: Plan, officer: User, unit: Node,
                                                     month: ReportingPeriod) -> None:
    data = fill(template_for(plan, "신성장산업과", month), {"2-1-1": AMOUNTS})
    client = client_for(officer)
    response = post_file(client, data)
    assert response.status_code == 302
    page = client.get(response["Location"])
    assert "2019-07 신성장산업과 실적 1건을 저장했습니다(바뀌지 않은 행 0건은 건너뛰었습니다)." \
        in page.text
    assert saved_amounts(ExecutionRecord.objects.get(node=unit)) == AMOUNTS
    assert "저장했습니다" not in client.get(INDEX).text  # said once


def test_a_bad_upload_shows_the_report_and_saves_nothing(plan: Plan, officer: User,
                                                         month: ReportingPeriod) -> None:
    data = fill(template_for(plan, "신성장산업과", month),
                {"2-1-1": {**AMOUNTS, "carryover": "1.5", "spent": "많이"}})
    before = counts()
    response = post_file(client_for(officer), data)
    assert response.status_code == 400 and counts() == before
    problems = response.context["problems"]
    assert [(p.sheet, p.row, p.column) for p in problems] == [
        ("집행실적", 3, "G 이월액(원)"), ("집행실적", 3, "I 지출액(원)")]
    assert "문제 2건이 있어 아무것도 저장하지 않았습니다." in response.text
    assert ('<td class="nowrap">집행실적</td><td class="num">3</td>'
            '<td class="nowrap">G 이월액(원)</td>') in response.text
    assert "원 단위 정수여야 합니다(소수 불가): &#x27;1.5&#x27;" in response.text


def test_a_conflict_is_reported_with_who_changed_the_row(plan: Plan, officer: User,
                                                         planner: User, unit: Node,
                                                         month: ReportingPeriod) -> None:
    record = do_save_execution(officer, unit, month, None, **AMOUNTS)
    client = client_for(officer)
    downloaded = client.get(TEMPLATE, template_query("신성장산업과", month)).content
    do_save_execution(planner, unit, month, record.version, spent=1)
    response = post_file(client, fill(downloaded, {"2-1-1": {"spent": 2}}))
    assert response.status_code == 400
    assert "충돌: 내려받은 뒤 planner가" in response.text and "D 버전" in response.text
    assert saved_amounts(record)["spent"] == 1


def test_an_oversized_upload_is_refused_before_it_is_read(
        officer: User, month: ReportingPeriod, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("rtis.tracking.bulk_views.MAX_FILE_BYTES", 10)
    response = post_file(client_for(officer), b"x" * 11)
    assert response.status_code == 400 and "파일이 너무 큽니다" in response.text
