"""A planner publishes an R&D call in Chromium (confirming first); the public then reads it,
with no policy violation on either page."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from rtis.config import clock
from rtis.plans.models import Plan
from rtis.rnd.actions import do_create_call, do_create_programme
from rtis.rnd.models import Call, CallState
from tests.browser.conftest import log_in
from tests.browser.test_csp import watched_page
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_planner_publishes_a_call_and_the_public_reads_it(browser: Any, live_server: Any,
                                                             plan: Plan, planner: Any) -> None:
    programme = do_create_programme(planner, name="서울혁신챌린지", kind="innovation_challenge")
    now = clock.now()
    call = do_create_call(planner, programme, year=now.year, title="혁신챌린지 공고",
                          budget_won=2_940_000_000, opens_at=now - dt.timedelta(days=1),
                          closes_at=now + dt.timedelta(days=30), eligibility=["consortium"],
                          stages=[{"name": "예선", "criteria": [
                              {"name": "혁신성", "weight": 100, "max_score": 100}]}])
    context, page, errors = watched_page(browser)
    log_in(page, live_server, planner.username, PASSWORD)
    page.goto(f"{live_server.url}/rnd/calls/{call.pk}/")
    asked: list[str] = []

    def answer(dialog: Any) -> None:
        asked.append(dialog.message)
        dialog.accept()

    page.on("dialog", answer)
    page.get_by_role("button", name="공고 게시").click()
    page.get_by_test_id("call-state").filter(has_text="접수중").wait_for()
    assert asked and "게시할까요" in asked[0]
    assert Call.objects.get(pk=call.pk).state == CallState.PUBLISHED
    violations = page.evaluate("window.__csp")
    context.close()

    public, public_page, public_errors = watched_page(browser)
    public_page.goto(f"{live_server.url}/rnd/calls/")
    public_page.get_by_role("link", name="혁신챌린지 공고").click()
    public_page.get_by_text("혁신성").wait_for()
    violations += public_page.evaluate("window.__csp")
    public.close()
    assert violations == [] and errors == [] and public_errors == []
