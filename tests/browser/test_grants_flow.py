"""After selection, in Chromium: the SBA manager makes the agreement → the performer files the
annual report → the manager records the annual evaluation → the final evaluation → an output →
the performer enters the follow-up survey; no policy violation on any page.

The selection is made the way the evaluation (rnd-review) will make it: the submitted
application's status becomes `selected` with its `awarded_won` (tests/grants/conftest.select)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from rtis.config import clock
from rtis.grants.models import (
    Agreement,
    AnnualEvaluation,
    AnnualReport,
    FinalEvaluation,
    FollowUpSurvey,
    Output,
    PrintedFigure,
)
from rtis.lib.bizno import business_check_digit
from rtis.orgs.models import Role
from rtis.plans.models import Plan
from rtis.rnd.actions import (
    do_create_call,
    do_create_organisation,
    do_create_programme,
    do_publish_call,
)
from tests.browser.conftest import log_in
from tests.browser.test_csp import watched_page
from tests.conftest import PASSWORD, _user
from tests.grants.conftest import applied, ensure_printed_figures, select

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_agreement_to_follow_up_survey(browser: Any, live_server: Any, plan: Plan,
                                       planner: Any) -> None:
    manager = _user("sba", Role.RND_MANAGER)
    performer = _user("seoultech", Role.APPLICANT)
    now = clock.now()
    last = now.year - 1  # the project ran last year, so its first survey is open now
    programme = do_create_programme(planner, name="기술상용화 R&D", kind="commercialisation")
    call = do_create_call(planner, programme, year=last, title="기술상용화 공고", budget_won=10**9,
                          opens_at=now - dt.timedelta(days=1),
                          closes_at=now + dt.timedelta(days=30), eligibility=["seoul_sme"],
                          stages=[{"name": "서면", "criteria": [
                              {"name": "기술성", "weight": 100, "max_score": 100}]}])
    call = do_publish_call(planner, call, call.version)
    nine = "211880153"
    organisation = do_create_organisation(planner, name="(주)서울테크", kind="seoul_sme",
                                          business_number=nine + str(business_check_digit(nine)))
    application = select(applied(planner, call, organisation, performer), 200_000_000)

    context, page, errors = watched_page(browser)
    log_in(page, live_server, manager.username, PASSWORD)
    page.goto(f"{live_server.url}/grants/agreements/")
    page.get_by_test_id("waiting").get_by_role("link", name="협약 체결").click()
    page.get_by_label("협약 시작일").fill(f"{last}-02-01")
    page.get_by_label("협약 종료일").fill(f"{last}-12-31")
    page.get_by_label(f"{last}년 시비(원)").fill("200000001")
    page.get_by_role("button", name="협약 체결").click()
    page.get_by_text("200,000,001").first.wait_for()  # refused: above the award
    assert not Agreement.objects.exists()
    page.get_by_label(f"{last}년 시비(원)").fill("200000000")
    page.get_by_label(f"{last}년 민간부담금 현금(원)").fill("40000000")
    page.get_by_label("성과지표").fill("특허 출원")
    page.get_by_label("목표값").fill("1")
    page.get_by_role("button", name="협약 체결").click()
    agreement = Agreement.objects.get(application=application)
    page.get_by_test_id("agreement-number").filter(has_text=agreement.number).wait_for()
    violations = page.evaluate("window.__csp")
    refusal = f"{live_server.url}/grants/applications/{application.pk}/agreement/"
    # the refused form answers 400 (and the browser logs it): expected, nothing else is
    errors = [e for e in errors if e != f"400 {refusal}" and not (
        e.startswith("console:") and "400" in e)]
    context.close()

    context, page, more = watched_page(browser)
    errors += more
    log_in(page, live_server, performer.username, PASSWORD)
    page.goto(f"{live_server.url}/grants/agreements/{agreement.pk}/")
    page.get_by_text("연차보고서 제출").first.click()  # opens the details
    form = page.get_by_test_id("report-form")
    form.get_by_label("추진 실적").fill("시제품 설계와 현장 시험")
    form.get_by_label("시비 집행액(원)").fill("180000000")
    form.get_by_label("민간부담금 집행액(원)").fill("40000000")
    form.get_by_role("button", name="연차보고서 제출").click()
    page.get_by_test_id("reports").get_by_text("시제품 설계와 현장 시험").wait_for()
    assert AnnualReport.objects.get(agreement=agreement).state == "submitted"
    violations += page.evaluate("window.__csp")
    context.close()

    context, page, more = watched_page(browser)
    errors += more
    log_in(page, live_server, manager.username, PASSWORD)
    page.goto(f"{live_server.url}/grants/agreements/{agreement.pk}/")
    evaluate = page.get_by_test_id("evaluate-form")
    evaluate.get_by_label("평가 결과").select_option("continue")
    evaluate.get_by_label("평가 의견").fill("계획대로 진행")
    evaluate.get_by_role("button", name="연차평가 기록").click()
    page.get_by_test_id(f"evaluation-{last}").filter(has_text="계속").wait_for()
    assert AnnualEvaluation.objects.get().decision == "continue"
    final = page.get_by_test_id("final-form")
    final.get_by_label("평가 등급").select_option("A")
    final.get_by_label("종합 의견").fill("목표 달성")
    final.get_by_role("button", name="최종평가 기록").click()
    page.get_by_test_id("final").filter(has_text="성공").wait_for()
    assert FinalEvaluation.objects.get().grade == "A"
    page.get_by_text("성과 등록").first.click()
    output = page.get_by_test_id("output-form")
    output.get_by_label("성과 구분").select_option("patent_application")
    output.get_by_label("성과명").fill("미세유체 칩 구조")
    output.get_by_label("발생일").fill(f"{last}-11-02")
    output.get_by_label("증빙").fill("출원서 사본")
    output.get_by_role("button", name="성과 등록").click()
    page.get_by_test_id("outputs").get_by_text("미세유체 칩 구조").wait_for()
    assert Output.objects.get().kind == "patent_application"
    violations += page.evaluate("window.__csp")
    context.close()

    context, page, more = watched_page(browser)
    errors += more
    log_in(page, live_server, performer.username, PASSWORD)
    page.goto(f"{live_server.url}/grants/agreements/{agreement.pk}/")
    survey = page.get_by_test_id("survey-form")
    survey.get_by_label("사업화 여부").check()
    survey.get_by_label("해당 연도 매출(원)").fill("150000000")
    survey.get_by_label("고용 인원(명)").fill("3")
    survey.get_by_role("button", name="추적조사 제출").click()
    page.get_by_text("추적조사를 제출했습니다.").wait_for()
    answered = FollowUpSurvey.objects.get(agreement=agreement, round=1)
    assert answered.state == "submitted" and answered.sales_won == 150_000_000
    assert answered.submitted_by == performer
    violations += page.evaluate("window.__csp")
    context.close()
    assert violations == [] and errors == []


def test_the_public_statistics_draw_their_charts_from_the_printed_figures(
        browser: Any, live_server: Any, plan: Plan) -> None:
    ensure_printed_figures()
    assert PrintedFigure.objects.filter(year=2014, measure="projects").exists()
    context, page, errors = watched_page(browser)
    page.goto(f"{live_server.url}/grants/statistics/")
    page.locator("[data-chart='chart-projects'][data-rendered='true']").wait_for()
    page.locator("[data-chart='chart-funds'][data-rendered='true']").wait_for()
    table = page.get_by_test_id("totals")
    assert "2014" in table.inner_text() and "64" in table.inner_text()
    violations = page.evaluate("window.__csp")
    context.close()
    assert violations == [] and errors == []
