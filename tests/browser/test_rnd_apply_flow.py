"""An applicant signs up in Chromium, confirms by the e-mail link, fills and submits an
application with an attachment; a later attempt on another call after its deadline is refused
with the deadline and the time. No policy violation on the way."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import pytest
from django.core import mail

from rtis.config import clock
from rtis.orgs.actions import do_create_user
from rtis.orgs.models import Role
from rtis.plans.models import Plan
from rtis.review.actions import do_create_evaluator
from rtis.rnd.actions import do_create_call, do_create_programme, do_publish_call
from rtis.rnd.models import Application, Attachment, Call
from tests.browser.conftest import log_in
from tests.browser.test_csp import watched_page
from tests.browser.test_review_flow import build_and_assign_panel
from tests.conftest import PASSWORD
from tests.rnd.conftest import code_lists  # noqa: F401  (the NTIS code lists, a fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
STAGES = [{"name": "서면평가", "criteria": [{"name": "기술성", "weight": 100, "max_score": 100}]}]


def open_call(planner: Any, programme: Any, title: str, closes: dt.datetime) -> Call:
    now = clock.now()
    call = do_create_call(planner, programme, year=now.year, title=title, budget_won=10**9,
                          opens_at=now - dt.timedelta(days=1), closes_at=closes,
                          eligibility=["startup"], stages=STAGES)
    return do_publish_call(planner, call, call.version)


def fill_application(page: Any, title: str, year: int) -> None:
    page.get_by_label("과제명").fill(title)
    page.get_by_label("연구책임자").select_option(label="이담당")
    page.get_by_label(f"{year}년 신청 시비(원)").fill("150000000")
    page.get_by_label("민간부담금(원)").fill("30000000")
    page.get_by_label("6T 분류").select_option("IT")
    page.get_by_test_id("save").click()
    page.get_by_test_id("application-status").wait_for()


@pytest.mark.usefixtures("code_lists")
def test_an_applicant_signs_up_applies_online_and_is_refused_after_a_deadline(
        browser: Any, live_server: Any, plan: Plan, planner: Any, settings: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    settings.VAR_DIR = tmp_path
    programme = do_create_programme(planner, name="기술상용화 R&D", kind="commercialisation")
    now = clock.now()
    call = open_call(planner, programme, "창업기업 기술상용화 공고", now + dt.timedelta(days=30))
    early = open_call(planner, programme, "조기 마감 공고", now + dt.timedelta(hours=2))
    context, page, errors = watched_page(browser)
    page.on("dialog", lambda dialog: dialog.accept())

    page.goto(f"{live_server.url}/rnd/sign-up/")
    page.get_by_label("기관명").fill("주식회사 홍릉테크")
    page.get_by_label("기관 유형").select_option("startup")
    page.get_by_label("사업자등록번호").fill("211-88-01534")
    page.get_by_label("성명").fill("이담당")
    page.get_by_label("부서·학과").fill("AI연구소")  # the PI's department, screened later
    page.get_by_label("이메일").fill("lee@hongtech.example")
    page.get_by_label("아이디").fill("hongtech")
    page.get_by_label("비밀번호").fill(PASSWORD)
    page.get_by_role("button", name="가입").click()
    page.get_by_test_id("sign-up-sent").wait_for()
    link = re.search(r"https?://\S+/rnd/sign-up/confirm/\?token=\S+", mail.outbox[0].body)
    assert link is not None
    page.goto(link.group(0))
    page.get_by_test_id("confirmed").wait_for()

    log_in(page, live_server, "hongtech", PASSWORD)
    page.goto(f"{live_server.url}/rnd/calls/{call.pk}/")
    page.get_by_test_id("apply").click()
    fill_application(page, "도시 교통 영상 분석 AI 실증", call.year)
    page.locator('input[name="file"]').set_input_files(
        files=[{"name": "사업계획서.pdf", "mimeType": "application/pdf",
                "buffer": b"%PDF-1.4\n% plan\n%%EOF\n"}])
    page.get_by_role("button", name="올리기").click()
    page.get_by_test_id("attachments").get_by_text("사업계획서.pdf").wait_for()
    page.get_by_test_id("submit").click()
    page.get_by_test_id("application-status").filter(has_text="제출").wait_for()
    submitted = Application.objects.get(call=call)
    assert submitted.status == "submitted" and Attachment.objects.get().application == submitted
    assert submitted.pi is not None and submitted.pi.department == "AI연구소"

    page.goto(f"{live_server.url}/rnd/calls/{early.pk}/")
    page.get_by_test_id("apply").click()
    fill_application(page, "조기 마감 공고용 과제", early.year)
    late = early.closes_at + dt.timedelta(minutes=7)
    monkeypatch.setattr("rtis.config.clock.now", lambda: late)
    page.reload()
    page.get_by_test_id("form-closed").wait_for()
    page.get_by_test_id("submit").click()
    refusal = page.get_by_test_id("error").first
    refusal.wait_for()
    deadline = early.closes_at.astimezone(dt.timezone(dt.timedelta(hours=9)))
    text = refusal.inner_text()
    assert f"접수 마감({deadline:%Y-%m-%d %H:%M} KST)" in text
    assert f"지금 {late.astimezone(deadline.tzinfo):%Y-%m-%d %H:%M} KST" in text
    assert Application.objects.get(call=early).status == "draft"
    page.goto(f"{live_server.url}/rnd/my/")
    statuses = page.get_by_test_id("my-applications").inner_text()
    assert "제출" in statuses and "작성중" in statuses
    violations = page.evaluate("window.__csp")
    context.close()
    assert violations == []
    # The late refusal is a 400 by design; nothing else failed.
    assert [e for e in errors if not e.startswith("400 ") and "status of 400" not in e] == []

    # The manager screens the pool against the submitted application: the evaluator of the
    # PI's organisation and department (as the applicant gave them online) is excluded with
    # what matched; a colleague of another department and a namesake elsewhere are not.
    monkeypatch.setattr("rtis.config.clock.now", lambda: now)
    for username, name, org, dept in (("eval_same", "가상위원가", "(주)홍릉테크", "AI 연구소"),
                                      ("eval_other", "가상위원나", "주식회사 홍릉테크", "경영지원팀"),
                                      ("eval_namesake", "이담당", "연세대학교", "AI연구소")):
        do_create_evaluator(planner, do_create_user(None, username, PASSWORD, Role.EVALUATOR, []),
                            name=name, organisation=org, department=dept, expertise=["AI"])
    context, page, errors = watched_page(browser)
    log_in(page, live_server, planner.username, PASSWORD)
    conflicts = build_and_assign_panel(page, live_server, call.stages.get().pk, "온라인 신청 분과",
                                       "AI")
    conflicts.get_by_text("같은 기관·같은 학과(부서) 소속: 주식회사 홍릉테크 AI연구소").wait_for()
    shown = conflicts.inner_text()
    assert "가상위원가" in shown and "가상위원나" not in shown and "연세대학교" not in shown
    assert page.evaluate("window.__csp") == [] and errors == []
    context.close()
