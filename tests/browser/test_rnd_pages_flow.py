"""rnd-pages in Chromium: an evaluator declares conflicts and recuses on their own page; an
applicant names a person to avoid before submitting and the manager's screening excludes that
evaluator; a second account of a registered organisation is approved by its applicant; an R&D
manager imports applications from XLSX, reads the list, registers an applicant and closes the
call after its deadline. No Content-Security-Policy violation anywhere."""

from __future__ import annotations

import datetime as dt
import io
import re
from typing import Any

import pytest
from django.core import mail
from openpyxl import Workbook

from rtis.config import clock
from rtis.lib.bizno import business_check_digit, format_business_number
from rtis.orgs.actions import do_create_user
from rtis.orgs.models import Role, User
from rtis.plans.models import Plan
from rtis.review.actions import do_assign, do_create_evaluator, do_create_panel
from rtis.review.models import Assignment, AvoidedPerson, ConflictFinding, DeclaredConflict
from rtis.rnd.actions import (
    do_create_applicant,
    do_create_call,
    do_create_organisation,
    do_create_programme,
    do_publish_call,
    do_save_application,
    do_submit_application,
)
from rtis.rnd.models import Applicant, Application, Call, CallState, JoinRequest, Organisation
from tests.browser.conftest import log_in
from tests.browser.test_csp import watched_page
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
STAGES = [{"name": "서면평가", "criteria": [{"name": "기술성", "weight": 100, "max_score": 100}]}]


def number(nine: str) -> str:
    return format_business_number(nine + str(business_check_digit(nine)))


def open_call(planner: User, title: str = "기술상용화 공고") -> Call:
    programme = do_create_programme(planner, name=f"{title} 사업", kind="commercialisation")
    now = clock.now()
    call = do_create_call(planner, programme, year=now.year, title=title, budget_won=10**9,
                          opens_at=now - dt.timedelta(days=1), closes_at=now + dt.timedelta(days=30),
                          eligibility=["seoul_sme", "startup"], stages=STAGES)
    return do_publish_call(planner, call, call.version)


def organisation(planner: User, name: str, nine: str) -> Organisation:
    return do_create_organisation(planner, name=name, kind="seoul_sme", business_number=number(nine))


def submitted(planner: User, call: Call, org: Organisation, title: str) -> Application:
    application = do_save_application(planner, call, org, title=title, principal_investigator="책임자",
                                      requested_funds={str(call.year): 100_000_000})
    return do_submit_application(planner, application, application.version)


def evaluator(planner: User, username: str, name: str, org: str) -> Any:
    user = do_create_user(None, username, PASSWORD, Role.EVALUATOR, [])
    return do_create_evaluator(planner, user, name=name, organisation=org, department="연구소")


def accept_dialogs(page: Any) -> list[str]:
    asked: list[str] = []

    def answer(dialog: Any) -> None:
        asked.append(dialog.message)
        dialog.accept()

    page.on("dialog", answer)
    return asked


def test_an_evaluator_declares_conflicts_and_recuses_on_their_page(
        browser: Any, live_server: Any, plan: Plan, planner: User) -> None:
    call = open_call(planner)
    first = submitted(planner, call, organisation(planner, "주식회사 가온", "220870002"), "물류 로봇")
    second = submitted(planner, call, organisation(planner, "주식회사 다온", "120810003"), "진단 키트")
    judge = evaluator(planner, "judge", "가상위원", "연세대학교")
    other = evaluator(planner, "judge2", "다른위원", "고려대학교")
    panel = do_create_panel(planner, call.stages.get(), name="제1분과", applications=[first, second])
    for application in (first, second):
        do_assign(planner, panel, judge, application)
    do_assign(planner, panel, other, first)
    context, page, errors = watched_page(browser)
    asked = accept_dialogs(page)
    log_in(page, live_server, "judge", PASSWORD)
    page.goto(f"{live_server.url}/review/my/")
    page.get_by_test_id("my-conflicts-link").click()
    page.get_by_test_id("declare-application-choice").select_option(label="물류 로봇 (주식회사 가온)")
    page.get_by_test_id("declare-application-reason").fill("대표이사가 친족")
    page.get_by_role("button", name="신고하고 회피").click()
    page.get_by_test_id("declared").get_by_text("대표이사가 친족").wait_for()
    assert asked and "회피" in asked[-1]
    mine = Assignment.objects.get(evaluator=judge, application=second)
    page.get_by_test_id(f"recuse-reason-{mine.pk}").fill("공동연구 이력")
    page.get_by_test_id(f"recuse-{mine.pk}").click()
    page.wait_for_url(f"{live_server.url}/review/my/")
    page.goto(f"{live_server.url}/review/my/conflicts/")
    page.get_by_test_id("declare-organisation-name").fill("(주)라온소프트")
    page.get_by_test_id("declare-organisation-reason").fill("자문 계약")
    page.get_by_test_id("declare-organisation").get_by_role("button", name="신고").click()
    page.get_by_test_id("declared").get_by_text("(주)라온소프트").wait_for()
    assert page.get_by_test_id("recusable").get_by_text("다른위원").count() == 0
    violations = page.evaluate("window.__csp")
    context.close()
    states = dict(Assignment.objects.filter(evaluator=judge).values_list("application_id", "state"))
    assert states == {first.pk: "recused", second.pk: "recused"}
    assert Assignment.objects.get(evaluator=other).state == "open"  # another's, untouched
    assert DeclaredConflict.objects.filter(evaluator=judge).count() == 2
    assert violations == [] and errors == []


def test_an_applicant_names_a_person_to_avoid_and_screening_excludes_them(
        browser: Any, live_server: Any, plan: Plan, planner: User) -> None:
    call = open_call(planner)
    org = organisation(planner, "주식회사 홍릉테크", "211880153")
    applicant = do_create_applicant(planner, org, username="hong", password=PASSWORD,
                                    email="hong@example.com", name="이담당").user
    draft = do_save_application(applicant, call, org, title="도시 영상 분석", pi=org.people.first(),
                                requested_funds={str(call.year): 100_000_000})
    avoided = evaluator(planner, "judge", "김가상", "주식회사 가온")
    evaluator(planner, "judge2", "김가상", "연세대학교")  # a namesake elsewhere stays free
    context, page, errors = watched_page(browser)
    accept_dialogs(page)
    log_in(page, live_server, "hong", PASSWORD)
    page.goto(f"{live_server.url}/rnd/applications/{draft.pk}/")
    page.get_by_test_id("avoid-link").click()
    assert "연세대학교" not in page.content()
    page.get_by_test_id("avoid-name").fill("김가상")
    page.get_by_test_id("avoid-organisation").fill("(주)가온")
    page.get_by_test_id("avoid-reason").fill("경쟁 기업 대표")
    page.get_by_role("button", name="추가").click()
    page.get_by_test_id("avoided").get_by_text("경쟁 기업 대표").wait_for()
    page.goto(f"{live_server.url}/rnd/applications/{draft.pk}/")
    page.get_by_test_id("submit").click()
    page.get_by_test_id("application-status").filter(has_text="제출").wait_for()
    page.goto(f"{live_server.url}/review/applications/{draft.pk}/avoid/")
    page.get_by_test_id("avoid-closed").wait_for()
    violations = page.evaluate("window.__csp")
    context.close()

    panel = do_create_panel(planner, call.stages.get(), name="제1분과",
                            applications=[Application.objects.get(pk=draft.pk)])
    manager, page, manager_errors = watched_page(browser)
    log_in(page, live_server, planner.username, PASSWORD)
    page.goto(f"{live_server.url}/review/panels/{panel.pk}/")
    page.get_by_test_id("screen").click()
    page.get_by_text("신청자의 회피 요청").first.wait_for()
    violations += page.evaluate("window.__csp")
    manager.close()
    [finding] = ConflictFinding.objects.filter(panel=panel)
    assert finding.evaluator_id == avoided.pk and AvoidedPerson.objects.count() == 1
    assert violations == [] and errors == [] and manager_errors == []


def test_a_second_account_joins_a_registered_organisation_once_its_applicant_approves(
        browser: Any, live_server: Any, plan: Plan, planner: User) -> None:
    org = organisation(planner, "주식회사 홍릉테크", "211880153")
    do_create_applicant(planner, org, username="hong", password=PASSWORD,
                        email="hong@example.com", name="이담당")
    context, page, errors = watched_page(browser)
    asked = accept_dialogs(page)
    page.goto(f"{live_server.url}/rnd/sign-up/")
    page.get_by_label("사업자등록번호").fill(org.business_number)
    page.get_by_label("성명").fill("최신입")
    page.get_by_label("이메일").fill("choi@hongtech.example")
    page.get_by_label("아이디").fill("choi")
    page.get_by_label("비밀번호").fill(PASSWORD)
    page.get_by_role("button", name="가입").click()
    page.get_by_test_id("join-sent").wait_for()
    assert "홍릉테크" not in page.content()
    link = re.search(r"https?://\S+/rnd/sign-up/join/confirm/\?token=\S+", mail.outbox[0].body)
    assert link is not None
    page.goto(link.group(0))
    page.get_by_test_id("join-confirmed").wait_for()
    assert Organisation.objects.count() == 1 and not Applicant.objects.filter(
        user__username="choi").exists()

    log_in(page, live_server, "hong", PASSWORD)
    page.goto(f"{live_server.url}/rnd/my/")
    page.get_by_test_id("join-requests-link").click()
    join = JoinRequest.objects.get()
    page.get_by_test_id("join-pending").get_by_text("choi@hongtech.example").wait_for()
    page.get_by_test_id(f"join-approve-{join.pk}").click()
    page.get_by_test_id("join-decided").get_by_text("승인").wait_for()
    assert asked and "승인할까요" in asked[-1]
    assert mail.outbox[-1].to == ["choi@hongtech.example"]
    page.context.clear_cookies()
    log_in(page, live_server, "choi", PASSWORD)
    page.goto(f"{live_server.url}/rnd/my/")
    page.get_by_role("heading", name=re.compile("주식회사 홍릉테크")).wait_for()
    violations = page.evaluate("window.__csp")
    context.close()
    assert violations == [] and errors == []


def applications_workbook(year: int, *rows: tuple[str, str, str, str]) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "신청"
    sheet.append(["기관명", "사업자등록번호", "기관 유형", "과제명", "연구책임자", f"{year}년 신청 시비(원)"])
    for name, nine, title, funds in rows:
        sheet.append([name, number(nine), "seoul_sme", title, "책임자", funds])
    data = io.BytesIO()
    book.save(data)
    return data.getvalue()


def xlsx(name: str, data: bytes) -> dict[str, Any]:
    return {"name": name, "buffer": data,
            "mimeType": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


def test_a_manager_imports_applications_registers_an_applicant_and_closes_the_call(
        browser: Any, live_server: Any, plan: Plan, planner: User,
        monkeypatch: pytest.MonkeyPatch) -> None:
    call = open_call(planner, "도시문제해결 공고")
    context, page, errors = watched_page(browser)
    log_in(page, live_server, planner.username, PASSWORD)
    page.goto(f"{live_server.url}/rnd/calls/")
    page.get_by_role("link", name="도시문제해결 공고").click()
    page.get_by_role("link", name="신청 가져오기 (XLSX)").click()
    bad = applications_workbook(call.year, ("주식회사 가져옴", "410810001", "하수 진단", "많이"))
    page.locator('input[name="file"]').set_input_files(files=[xlsx("접수.xlsx", bad)])
    page.get_by_role("button", name="가져오기").click()
    problems = page.get_by_test_id("import-problems")
    problems.wait_for()
    assert "접수.xlsx · 신청 · 2행" in problems.inner_text() and "많이" in problems.inner_text()
    assert not Application.objects.exists()
    # the refusal answers 400, by design (the response and the console both say so)
    errors[:] = [e for e in errors if not e.startswith("400 ") and "status of 400" not in e]
    good = applications_workbook(call.year, ("주식회사 가져옴", "410810001", "하수 진단", "100,000,000"),
                                 ("주식회사 가져옴둘", "410810002", "교통 분석", "50,000,000"))
    page.locator('input[name="file"]').set_input_files(files=[xlsx("접수.xlsx", good)])
    page.get_by_role("button", name="가져오기").click()
    page.wait_for_url(re.compile(rf"/rnd/calls/{call.pk}/applications/"))
    table = page.get_by_test_id("applications")
    table.get_by_text("하수 진단").wait_for()
    assert table.get_by_text("교통 분석").count() == 1
    assert Application.objects.filter(status="submitted").count() == 2

    page.goto(f"{live_server.url}/rnd/calls/{call.pk}/")
    page.get_by_role("link", name="신청자 계정 만들기").click()
    page.get_by_label("사업자등록번호").fill(number("410810001"))
    page.get_by_label("성명").fill("가져옴 담당")
    page.get_by_label("이메일").fill("import@example.com")
    page.get_by_label("아이디").fill("imported")
    page.get_by_label("비밀번호").fill(PASSWORD)
    page.get_by_role("button", name=re.compile("만들기")).click()
    page.get_by_text("신청자 계정 imported").wait_for()
    assert Applicant.objects.get(user__username="imported").organisation.name == "주식회사 가져옴"

    later = call.closes_at + dt.timedelta(minutes=5)
    monkeypatch.setattr("rtis.config.clock.now", lambda: later)
    page.goto(f"{live_server.url}/rnd/calls/{call.pk}/")
    page.get_by_test_id("close-call").click()
    page.get_by_test_id("call-state").filter(has_text="마감").wait_for()
    assert Call.objects.get(pk=call.pk).state == CallState.CLOSED
    violations = page.evaluate("window.__csp")
    context.close()
    assert violations == [] and errors == []
