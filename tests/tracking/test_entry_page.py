"""A node's entry page: a refused save stays on the period, record and version being edited."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from rtis.orgs.models import Role, User
from rtis.plans.models import Indicator, Node, Plan
from rtis.tracking.actions import (
    do_generate_periods,
    do_lock_period,
    do_open_period,
    do_save_execution,
    do_save_milestone,
    do_update_tracking_settings,
)
from rtis.tracking.models import (
    ExecutionRecord,
    IndicatorReport,
    Milestone,
    PeriodState,
    ReportingPeriod,
    StatusChange,
    TrackingSettings,
)
from rtis.tracking.queries import due_period

from .conftest import AMOUNTS, open_month

pytestmark = pytest.mark.django_db


def client_for(user: User, language: str = "ko") -> Client:
    client = Client()
    client.force_login(user)
    client.cookies["django_language"] = language
    return client


def won_form(**overrides: Any) -> dict[str, Any]:
    """The execution form as a page in 원 posts it."""
    data: dict[str, Any] = {**{k: f"{v:,}" for k, v in AMOUNTS.items()}, "version": "",
                            "amount_unit": "원", "action": "save"}
    data.update(overrides)
    return data


@pytest.fixture
def january(plan: Plan, planner: User) -> ReportingPeriod:
    return open_month(planner, plan, 1)


@pytest.fixture
def november(plan: Plan, planner: User, january: ReportingPeriod) -> ReportingPeriod:
    return open_month(planner, plan, 11)


def execution_action(body: str) -> str:
    found = re.search(r'action="(/tracking/plans/[^"]*/execution/\d+/[^"]*)" data-testid="execution-form"',
                      body)
    assert found, "no execution form on the page"
    return found.group(1).replace("&amp;", "&")


def selected_option(body: str, name: str) -> str:
    select = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', body, re.S)
    assert select
    chosen = re.search(r'<option value="(\d+)" selected>', select.group(1))
    assert chosen
    return chosen.group(1)


def test_it_stays_on_november_after_a_refused_save_and_saves_the_correction_there(
        officer: User, plan: Plan, unit: Node, january: ReportingPeriod,
        november: ReportingPeriod) -> None:
    client = client_for(officer)
    url = reverse("tracking:execution_save", args=[plan.slug, unit.code, november.pk])
    response = client.post(url, won_form(spent="900,000,000"))
    assert response.status_code == 400
    body = response.content.decode()
    assert 'data-testid="error-spent"' in body
    assert selected_option(body, "period") == str(november.pk)
    action = execution_action(body)
    assert f"/execution/{november.pk}/" in action
    assert 'value="900,000,000"' in body  # what I typed is still there

    response = client.post(action, won_form(spent="450,000,000"))
    assert response.status_code == 302
    assert f"period={november.pk}" in response["Location"]
    assert ExecutionRecord.objects.get(node=unit).period == november
    assert not ExecutionRecord.objects.filter(period=january).exists()


@pytest.mark.parametrize(("field", "typed"), [
    ("carryover", "-5"), ("spent", "오백만"), ("spent", "12abc"),
    ("original_budget", "99,999,999,999,999,999"), ("committed", "1.5"),
])
def test_every_refused_amount_keeps_the_period_and_the_value(
        officer: User, plan: Plan, unit: Node, november: ReportingPeriod, field: str,
        typed: str) -> None:
    url = reverse("tracking:execution_save", args=[plan.slug, unit.code, november.pk])
    response = client_for(officer).post(url, won_form(**{field: typed}))
    assert response.status_code == 400
    body = response.content.decode()
    assert f'data-testid="error-{field}"' in body
    assert f"/execution/{november.pk}/" in execution_action(body)
    assert f'value="{typed}"' in body
    assert not ExecutionRecord.objects.exists()


def test_a_stale_save_stays_on_the_period_with_the_stored_version(
        officer: User, planner: User, plan: Plan, unit: Node, november: ReportingPeriod) -> None:
    record = do_save_execution(officer, unit, november, None, **AMOUNTS)
    do_save_execution(planner, unit, november, record.version, spent=400_000_000)
    url = reverse("tracking:execution_save", args=[plan.slug, unit.code, november.pk])
    response = client_for(officer).post(url, won_form(spent="450,000,000",
                                                      version=record.version))
    assert response.status_code == 409
    body = response.content.decode()
    assert f"/execution/{november.pk}/" in execution_action(body)
    assert f'name="version" value="{record.version + 1}"' in body


def test_a_refused_correction_stays_on_the_locked_month(
        officer: User, planner: User, plan: Plan, unit: Node, november: ReportingPeriod) -> None:
    do_save_execution(officer, unit, november, None, **AMOUNTS)
    do_lock_period(planner, november)
    url = reverse("tracking:execution_correct", args=[plan.slug, unit.code, november.pk])
    response = client_for(planner).post(url, {**won_form(spent="999,000,000"),
                                              "reason": "결산 반영"})
    assert response.status_code == 400
    body = response.content.decode()
    assert selected_option(body, "period") == str(november.pk)
    assert f'/execution/{november.pk}/correct/' in body


@pytest.fixture
def quarters(plan: Plan, planner: User) -> list[ReportingPeriod]:
    return [do_open_period(planner, plan, kind="quarter", year=2019, number=n,
                           due_on=dt.date(2019, 3 * n, 28)) for n in (1, 2, 3)]


def test_a_refused_indicator_report_stays_on_its_quarter(
        planner: User, plan: Plan, quarters: list[ReportingPeriod]) -> None:
    officer = planner  # indicator 조성연면적 sits on project 2, which only planners edit
    node = plan.nodes.get(code="2")
    indicator = Indicator.objects.get(node=node)
    q3 = quarters[2]
    key = f"ind-{indicator.pk}"
    url = reverse("tracking:indicator_save", args=[plan.slug, node.code, indicator.pk, q3.pk])
    response = client_for(officer).post(url, {f"{key}-value": "많음", f"{key}-unit": "㎡",
                                              f"{key}-evidence": "준공 검사"})
    assert response.status_code == 400
    body = response.content.decode()
    assert selected_option(body, "iperiod") == str(q3.pk)
    assert f"/indicators/{indicator.pk}/{q3.pk}/" in body
    assert "준공 검사" in body
    client_for(officer).post(url, {f"{key}-value": "1,200.5", f"{key}-unit": "㎡",
                                   f"{key}-evidence": "준공 검사"})
    assert IndicatorReport.objects.get(indicator=indicator).period == q3


def test_a_refused_milestone_stays_on_its_quarter(
        officer: User, plan: Plan, quarters: list[ReportingPeriod], settings: Any) -> None:
    settings.RTIS_TODAY = dt.date(2019, 12, 1)
    node = plan.nodes.get(code="2-1")
    q3 = quarters[2]
    url = reverse("tracking:milestone_save", args=[plan.slug, node.code, q3.pk])
    # The quarter has passed: a delay reason is required.
    response = client_for(officer).post(url, {"planned": "착공", "achieved": "설계 중",
                                              "state": "in_progress", "delay_reason": ""})
    assert response.status_code == 400
    body = response.content.decode()
    assert selected_option(body, "mperiod") == str(q3.pk)
    assert f"/milestones/{q3.pk}/" in body and "설계 중" in body
    client_for(officer).post(url, {"planned": "착공", "achieved": "설계 중",
                                   "state": "in_progress", "delay_reason": "부지 협의"})
    assert Milestone.objects.get(node=node).period == q3


def test_a_refused_milestone_keeps_the_stored_version(
        officer: User, plan: Plan, quarters: list[ReportingPeriod]) -> None:
    node = plan.nodes.get(code="2-1")
    q2 = quarters[1]
    milestone = do_save_milestone(officer, node, q2, None, planned="착공", achieved="",
                                  state="not_started", today=dt.date(2019, 5, 1))
    url = reverse("tracking:milestone_save", args=[plan.slug, node.code, q2.pk])
    response = client_for(officer).post(url, {"planned": "착공", "achieved": "",
                                              "state": "done", "delay_reason": "",
                                              "version": milestone.version})
    assert response.status_code == 400
    body = response.content.decode()
    assert f'name="version" value="{milestone.version}"' in body
    assert selected_option(body, "mperiod") == str(q2.pk)


def test_refused_status_and_participation_keep_the_periods_shown(
        officer: User, plan: Plan, unit: Node, november: ReportingPeriod) -> None:
    client = client_for(officer)
    query = f"?period={november.pk}"
    response = client.post(reverse("tracking:status_save", args=[plan.slug, unit.code]) + query,
                           {"status": "delayed", "effective_on": "2019-05-01", "reason": ""})
    assert response.status_code == 400
    assert selected_option(response.content.decode(), "period") == str(november.pk)
    response = client.post(
        reverse("tracking:participation_add", args=[plan.slug, unit.code]) + query,
        {"kind": "media", "count": "0", "description": "보도"})
    assert response.status_code == 400
    body = response.content.decode()
    assert selected_option(body, "period") == str(november.pk) and 'value="보도"' in body
    response = client.post(reverse("tracking:status_save", args=[plan.slug, unit.code]) + query,
                           {"status": "delayed", "effective_on": "2019-05-01",
                            "reason": "부지 협의"})
    assert response.status_code == 302 and f"period={november.pk}" in response["Location"]
    assert StatusChange.objects.filter(node=unit).count() == 1


def test_the_forms_post_back_with_the_periods_the_page_shows(
        officer: User, plan: Plan, unit: Node, january: ReportingPeriod,
        november: ReportingPeriod) -> None:
    url = reverse("tracking:node", args=[plan.slug, unit.code]) + f"?period={november.pk}"
    body = client_for(officer).get(url).content.decode()
    assert f"/execution/{november.pk}/?period={november.pk}" in execution_action(body)
    assert f'/status/?period={november.pk}' in body


# --- the period that is due -----------------------------------------------------------------


def test_the_page_opens_on_the_month_that_is_due(officer: User, plan: Plan, unit: Node,
                                                 settings: Any) -> None:
    planner = User.objects.create(username="p2", role=Role.PLANNER)
    planner_months = {(p.kind, p.number): p for p in do_generate_periods(planner, plan, 2019)}
    settings.RTIS_TODAY = dt.date(2019, 12, 5)  # November is due on 10 December
    body = client_for(officer).get(reverse("tracking:node", args=[plan.slug, unit.code])).content
    november = planner_months[("month", 11)]
    assert selected_option(body.decode(), "period") == str(november.pk)
    settings.RTIS_TODAY = dt.date(2019, 3, 2)  # February is due on 10 March
    body = client_for(officer).get(reverse("tracking:node", args=[plan.slug, unit.code])).content
    assert selected_option(body.decode(), "period") == str(planner_months[("month", 2)].pk)


def test_due_period_prefers_the_nearest_open_deadline() -> None:
    def period(number: int, due: dt.date, state: str = PeriodState.OPEN) -> ReportingPeriod:
        return ReportingPeriod(kind="month", year=2019, number=number, due_on=due, state=state)

    oct_, nov, dec = (period(10, dt.date(2019, 11, 10)), period(11, dt.date(2019, 12, 10)),
                      period(12, dt.date(2020, 1, 10)))
    assert due_period([oct_, nov, dec], dt.date(2019, 12, 5)) is nov
    assert due_period([oct_, nov, dec], dt.date(2019, 12, 10)) is nov
    assert due_period([oct_, nov, dec], dt.date(2020, 3, 1)) is dec
    nov.state = PeriodState.CLOSED
    assert due_period([oct_, nov, dec], dt.date(2019, 12, 5)) is dec
    assert due_period([], dt.date(2019, 12, 5)) is None


# --- amounts as people write them ----------------------------------------------------------


def test_amounts_typed_with_separators_are_saved_in_won(officer: User, plan: Plan, unit: Node,
                                                        november: ReportingPeriod) -> None:
    url = reverse("tracking:execution_save", args=[plan.slug, unit.code, november.pk])
    response = client_for(officer).post(url, won_form(transfers="△100,000,000"))
    assert response.status_code == 302
    record = ExecutionRecord.objects.get(node=unit, period=november)
    assert (record.original_budget, record.transfers) == (1_000_000_000, -100_000_000)


def test_the_page_takes_amounts_in_the_unit_the_plan_prints(
        officer: User, plan: Plan, unit: Node, november: ReportingPeriod) -> None:
    client = client_for(officer)
    body = client.get(reverse("tracking:node", args=[plan.slug, unit.code])
                      + f"?period={november.pk}").content.decode()
    assert 'name="amount_unit" value="백만원"' in body  # the sample plan prints 백만원
    assert "본예산(백만원)" in body
    url = reverse("tracking:execution_save", args=[plan.slug, unit.code, november.pk])
    response = client.post(url, {"amount_unit": "백만원", "original_budget": "1,000",
                                 "transfers": "-100", "carryover": "200",
                                 "committed": "800.123456", "spent": "500", "version": ""})
    assert response.status_code == 302
    record = ExecutionRecord.objects.get(node=unit, period=november)
    assert (record.original_budget, record.committed) == (1_000_000_000, 800_123_456)
    body = client.get(response["Location"]).content.decode()
    assert 'value="800.123456"' in body and 'value="1,000"' in body
    response = client.post(url, {"amount_unit": "백만원", "original_budget": "1,000",
                                 "transfers": "0", "carryover": "0", "committed": "0.0000001",
                                 "spent": "0", "version": record.version})
    assert response.status_code == 400
    assert "1원 단위까지만 입력할 수 있습니다." in response.content.decode()


def test_the_planned_money_of_the_year_is_shown_beside_the_budget(
        officer: User, plan: Plan, unit: Node, november: ReportingPeriod) -> None:
    body = client_for(officer).get(reverse("tracking:node", args=[plan.slug, unit.code])
                                   + f"?period={november.pk}").content.decode()
    help_text = re.search(r'data-testid="help-original_budget">([^<]*)<', body)
    assert help_text and help_text.group(1) == "계획(소요예산) 2019년 2,250백만원"


def test_the_indicator_target_of_the_year_is_shown_beside_the_value(
        officer: User, plan: Plan, quarters: list[ReportingPeriod]) -> None:
    node = plan.nodes.get(code="2")
    body = client_for(officer).get(reverse("tracking:node", args=[plan.slug, node.code])
                                   + f"?iperiod={quarters[0].pk}").content.decode()
    assert "2019년 목표 1,234.5㎡" in body


# --- one language per screen ------------------------------------------------------------------


def test_a_korean_page_shows_the_korean_half_of_a_refusal(
        officer: User, plan: Plan, unit: Node, november: ReportingPeriod) -> None:
    url = reverse("tracking:execution_save", args=[plan.slug, unit.code, november.pk])
    body = client_for(officer).post(url, won_form(spent="900,000,000")).content.decode()
    error = re.search(r'data-testid="error-spent">([^<]*)<', body)
    assert error and error.group(1) == "지출액(900,000,000)이 원인행위액(800,000,000)보다 큽니다"


def test_an_english_page_shows_the_english_half_without_field_names(
        officer: User, plan: Plan, unit: Node, november: ReportingPeriod) -> None:
    url = reverse("tracking:execution_save", args=[plan.slug, unit.code, november.pk])
    body = client_for(officer, "en").post(url, won_form(spent="900,000,000",
                                                        carryover="x")).content.decode()
    spent = re.search(r'data-testid="error-carryover">([^<]*)<', body)
    assert spent and spent.group(1) == "Enter a number, e.g. 1,234,000"
    body = client_for(officer, "en").post(url, won_form(spent="900,000,000")).content.decode()
    error = re.search(r'data-testid="error-spent">([^<]*)<', body)
    assert error and error.group(1) == ("the amount spent (900,000,000) exceeds the amount "
                                        "committed (800,000,000)")


def test_refusals_read_as_sentences_without_placeholders_or_jargon(
        officer: User, plan: Plan, unit: Node, november: ReportingPeriod) -> None:
    url = reverse("tracking:execution_save", args=[plan.slug, unit.code, november.pk])
    for typed in ("99,999,999,999,999,999", "-1"):
        body = client_for(officer).post(url, won_form(carryover=typed)).content.decode()
        error = re.search(r'data-testid="error-carryover">([^<]*)<', body)
        assert error
        for bad in ("(이)가", "은(는)", "carryover", "64", " / "):
            assert bad not in error.group(1)


def test_entry_forms_leave_validation_to_the_server_in_the_page_language(
        officer: User, plan: Plan, unit: Node, november: ReportingPeriod) -> None:
    body = client_for(officer).get(reverse("tracking:node", args=[plan.slug, unit.code])
                                   + f"?period={november.pk}").content.decode()
    assert '<html lang="ko">' in body
    for testid in ("execution-form", "status-form", "participation-form"):
        form = re.search(rf'<form [^>]*data-testid="{testid}"[^>]*>', body)
        assert form and "novalidate" in form.group(0)
    main = body[body.index("<main"):body.index("</main>")]
    assert "onchange=" not in main and "<script>" not in main and "style=" not in main


@pytest.mark.parametrize(("language", "expected"), [
    ("ko", "'지연'에는 사유가 필요합니다"), ("en", "the status 'Delayed' needs a reason")])
def test_a_status_refusal_is_in_the_page_language(officer: User, plan: Plan, unit: Node,
                                                  language: str, expected: str) -> None:
    url = reverse("tracking:status_save", args=[plan.slug, unit.code])
    body = client_for(officer, language).post(url, {"status": "delayed",
                                                    "effective_on": "2019-05-01",
                                                    "reason": ""}).content.decode()
    error = re.search(r'data-testid="error-reason">([^<]*)<', body)
    assert error and error.group(1).replace("&#x27;", "'") == expected


# --- the plan's tracking settings -------------------------------------------------------------


def test_stale_settings_keep_my_choices_and_target_the_stored_version(planner: User,
                                                                      plan: Plan) -> None:
    first = do_update_tracking_settings(planner, plan, None, due_days=10)
    do_update_tracking_settings(planner, plan, first.version, due_days=15)  # someone else
    url = reverse("tracking:plan_settings", args=[plan.slug])
    mine = {"execution_period": "month", "indicator_period": "quarter",
            "milestone_period": "quarter", "due_days": "20", "reminder_days": "3",
            "projection_threshold": "90.0", "version": first.version}
    response = client_for(planner).post(url, mine)
    assert response.status_code == 409
    body = response.content.decode()
    assert 'name="due_days" value="20"' in body
    assert f'name="version" value="{first.version + 1}"' in body
    assert "다른 사람이 먼저 수정했습니다" in body and "changed by someone else" not in body
    response = client_for(planner).post(url, {**mine, "version": first.version + 1})
    assert response.status_code == 302
    assert TrackingSettings.objects.get(plan=plan).due_days == 20
