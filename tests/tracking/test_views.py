"""Tracking pages: permission matrix for every URL, entry, approval, conflicts, periods."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from rtis.audit.models import AuditEvent
from rtis.orgs.models import User
from rtis.plans.models import Indicator, Node, Plan
from rtis.tracking.actions import (
    do_approve_entry,
    do_lock_period,
    do_open_period,
    do_save_execution,
    do_save_participation,
    do_submit_entry,
)
from rtis.tracking.models import (
    ExecutionRecord,
    ExecutionStatus,
    Notification,
    ParticipationEvent,
    PeriodState,
    ReportingPeriod,
    StatusChange,
)

from .conftest import AMOUNTS, open_month

ROLES = ["anonymous", "viewer", "other_officer", "officer", "planner"]


@pytest.fixture
def users(viewer: User, other_officer: User, officer: User, planner: User) -> dict[str, Any]:
    return {"anonymous": None, "viewer": viewer, "other_officer": other_officer,
            "officer": officer, "planner": planner}


def client_for(user: User | None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def form_data(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {**AMOUNTS, "version": ""}
    data.update(overrides)
    return data


@pytest.fixture
def quarter(plan: Plan, planner: User) -> ReportingPeriod:
    return do_open_period(planner, plan, kind="quarter", year=2019, number=3,
                          due_on=dt.date(2019, 10, 10))


@pytest.fixture
def submitted(officer: User, unit: Node, month: ReportingPeriod) -> ExecutionRecord:
    return do_submit_entry(officer, do_save_execution(officer, unit, month, None, **AMOUNTS))


def status_of(response: Any) -> int | str:
    if response.status_code == 302 and "/login/" in response["Location"]:
        return "login"
    return int(response.status_code)


# --- the matrix ---------------------------------------------------------------------------


GET_EXPECTED = {
    "my_work": ["login", 200, 200, 200, 200],
    "approvals": ["login", 403, 403, 403, 200],
    "plan": ["login", 200, 200, 200, 200],
    "node": ["login", 200, 200, 200, 200],
}


@pytest.mark.parametrize("page", list(GET_EXPECTED))
def test_get_pages_by_role(page: str, users: dict[str, Any], plan: Plan, unit: Node,
                           month: ReportingPeriod) -> None:
    urls = {"my_work": reverse("tracking:my_work"), "approvals": reverse("tracking:approvals"),
            "plan": reverse("tracking:plan", args=[plan.slug]),
            "node": reverse("tracking:node", args=[plan.slug, unit.code])}
    got = [status_of(client_for(users[r]).get(urls[page])) for r in ROLES]
    assert got == GET_EXPECTED[page]


def _posts(plan: Plan, unit: Node, month: ReportingPeriod, quarter: ReportingPeriod,
           indicator: Indicator, record: ExecutionRecord, event_id: int) -> dict[str, Any]:
    node_args = [plan.slug, unit.code]
    return {
        "execution_save": (reverse("tracking:execution_save", args=[*node_args, month.pk]),
                           form_data(spent=1)),
        "indicator_save": (reverse("tracking:indicator_save",
                                   args=[*node_args, indicator.pk, quarter.pk]),
                           {f"ind-{indicator.pk}-value": "3", f"ind-{indicator.pk}-unit": "개"}),
        "milestone_save": (reverse("tracking:milestone_save", args=[*node_args, quarter.pk]),
                           {"planned": "협약", "achieved": "", "state": "delayed",
                            "delay_reason": "지연"}),
        "status_save": (reverse("tracking:status_save", args=node_args),
                        {"status": "normal", "effective_on": "2019-01-02"}),
        "participation_add": (reverse("tracking:participation_add", args=node_args),
                              {"kind": "media", "count": 2}),
        "participation_delete": (reverse("tracking:participation_delete",
                                         args=[*node_args, event_id]), {"version": 1}),
        "approve": (reverse("tracking:approve", args=["execution", record.pk]),
                    {"version": record.version}),
        "return": (reverse("tracking:return", args=["execution", record.pk]),
                   {"version": record.version, "comment": "확인 바람"}),
        "plan_settings": (reverse("tracking:plan_settings", args=[plan.slug]),
                          {"execution_period": "month", "indicator_period": "quarter",
                           "milestone_period": "quarter", "due_days": 12, "reminder_days": 3,
                           "projection_threshold": "90.0"}),
        "plan_generate": (reverse("tracking:plan_generate", args=[plan.slug]), {"year": 2020}),
        "period_close": (reverse("tracking:period_move", args=[plan.slug, month.pk, "close"]), {}),
    }


POST_EXPECTED = {
    # anonymous, viewer, other_officer, officer, planner
    "execution_save": ["login", 403, 403, 302, None],
    "indicator_save": ["login", 403, 403, 302, None],
    "milestone_save": ["login", 403, 403, 302, None],
    "status_save": ["login", 403, 403, 302, None],
    "participation_add": ["login", 403, 403, 302, None],
    "participation_delete": ["login", 403, 403, 302, None],
    "approve": ["login", 403, 403, 403, 302],
    "return": ["login", 403, 403, 403, 302],
    "plan_settings": ["login", 403, 403, 403, 302],
    "plan_generate": ["login", 403, 403, 403, 302],
    "period_close": ["login", 403, 403, 403, 302],
}


@pytest.mark.parametrize("action", list(POST_EXPECTED))
def test_post_by_role(action: str, users: dict[str, Any], plan: Plan, unit: Node,
                      planner: User, quarter: ReportingPeriod, submitted: ExecutionRecord,
                      officer: User) -> None:
    """Roles in order of rising rights: the refused ones must write nothing at all."""
    august = open_month(planner, plan, 8)
    indicator = Indicator.objects.create(node=unit, name="창업기업 수", unit="개")
    event = do_save_participation(officer, unit, None, None, kind="briefing", count=1)
    url, data = _posts(plan, unit, august, quarter, indicator, submitted, event.pk)[action]
    got: list[int | str | None] = []
    for role, expected in zip(ROLES, POST_EXPECTED[action], strict=True):
        if expected is None:
            got.append(None)
            continue
        before = AuditEvent.objects.count()
        response = client_for(users[role]).post(url, data)
        got.append(status_of(response))
        if got[-1] != 302:
            assert AuditEvent.objects.count() == before, role  # refused: nothing written
    assert got == POST_EXPECTED[action]


# --- flows ------------------------------------------------------------------------------------


def test_officer_saves_and_submits_from_the_page(officer: User, plan: Plan, unit: Node,
                                                 month: ReportingPeriod) -> None:
    client = client_for(officer)
    url = reverse("tracking:execution_save", args=[plan.slug, unit.code, month.pk])
    response = client.post(url, {**form_data(), "action": "submit"})
    assert response.status_code == 302
    record = ExecutionRecord.objects.get(node=unit, period=month)
    assert record.status == ExecutionStatus.SUBMITTED
    assert (record.committed, record.spent) == (800_000_000, 500_000_000)
    page = client.get(response["Location"]).content.decode()
    assert "72.7%" in page and "45.5%" in page  # 800/1,100 and 500/1,100, half up


def test_bad_amounts_are_named_and_nothing_is_saved(officer: User, plan: Plan, unit: Node,
                                                    month: ReportingPeriod) -> None:
    url = reverse("tracking:execution_save", args=[plan.slug, unit.code, month.pk])
    response = client_for(officer).post(url, form_data(spent=900_000_000))
    assert response.status_code == 400
    body = response.content.decode()
    assert 'data-testid="error-spent"' in body and "원인행위액(800,000,000)보다" in body
    assert not ExecutionRecord.objects.exists()


def test_stale_save_shows_the_other_change_and_keeps_mine(officer: User, planner: User,
                                                           plan: Plan, unit: Node,
                                                           month: ReportingPeriod) -> None:
    record = do_save_execution(officer, unit, month, None, **AMOUNTS)
    do_save_execution(planner, unit, month, record.version, spent=400_000_000)
    url = reverse("tracking:execution_save", args=[plan.slug, unit.code, month.pk])
    response = client_for(officer).post(url, form_data(spent=450_000_000,
                                                       version=record.version))
    assert response.status_code == 409
    body = response.content.decode()
    assert 'data-testid="conflict"' in body and "400,000,000" in body  # what is stored now
    assert 'value="450000000"' in body  # what I typed is still in the form
    assert f'name="version" value="{record.version + 1}"' in body  # next save targets it
    record.refresh_from_db()
    assert record.spent == 400_000_000


def test_planner_returns_officer_sees_it_first(officer: User, planner: User, plan: Plan,
                                               submitted: ExecutionRecord) -> None:
    response = client_for(planner).post(
        reverse("tracking:return", args=["execution", submitted.pk]),
        {"version": submitted.version, "comment": "이월액을 확인하세요"})
    assert response.status_code == 302
    page = client_for(officer).get(reverse("tracking:my_work")).content.decode()
    returned = page.index('data-testid="returned"')
    assert "이월액을 확인하세요" in page[returned:]
    assert returned < page.index('data-testid="notifications"')
    assert Notification.objects.filter(user=officer, kind="returned").count() == 1


def test_approval_queue_lists_submitted_entries(planner: User, submitted: ExecutionRecord
                                                ) -> None:
    page = client_for(planner).get(reverse("tracking:approvals")).content.decode()
    assert f'data-testid="queue-execution-{submitted.pk}"' in page
    client_for(planner).post(reverse("tracking:approve", args=["execution", submitted.pk]),
                             {"version": submitted.version})
    submitted.refresh_from_db()
    assert submitted.status == ExecutionStatus.APPROVED
    page = client_for(planner).get(reverse("tracking:approvals")).content.decode()
    assert 'data-testid="queue-empty"' in page


def test_stale_approval_is_refused(planner: User, officer: User, unit: Node,
                                   submitted: ExecutionRecord) -> None:
    client = client_for(planner)
    client.post(reverse("tracking:approve", args=["execution", submitted.pk]),
                {"version": submitted.version - 1})
    submitted.refresh_from_db()
    assert submitted.status == ExecutionStatus.SUBMITTED


def test_locked_period_offers_planners_a_correction(planner: User, officer: User, plan: Plan,
                                                    unit: Node, submitted: ExecutionRecord,
                                                    month: ReportingPeriod) -> None:
    do_approve_entry(planner, submitted)
    do_lock_period(planner, month)
    node_url = reverse("tracking:node", args=[plan.slug, unit.code])
    assert 'data-testid="execution-form"' not in client_for(officer).get(node_url).content.decode()
    assert 'data-testid="correction"' in client_for(planner).get(node_url).content.decode()
    url = reverse("tracking:execution_correct", args=[plan.slug, unit.code, month.pk])
    response = client_for(planner).post(url, {**form_data(spent=510_000_000),
                                              "reason": "결산 반영"})
    assert response.status_code == 302
    submitted.refresh_from_db()
    assert submitted.spent == 510_000_000
    assert AuditEvent.objects.filter(reason="정정: 결산 반영").count() == 1


def test_status_and_participation_from_the_page(officer: User, plan: Plan, unit: Node) -> None:
    client = client_for(officer)
    args = [plan.slug, unit.code]
    response = client.post(reverse("tracking:status_save", args=args),
                           {"status": "delayed", "effective_on": "2019-05-01", "reason": ""})
    assert response.status_code == 400 and 'data-testid="error-reason"' in response.content.decode()
    client.post(reverse("tracking:status_save", args=args),
                {"status": "delayed", "effective_on": "2019-05-01", "reason": "부지 협의"})
    assert StatusChange.objects.get(node=unit).reason == "부지 협의"
    client.post(reverse("tracking:participation_add", args=args),
                {"kind": "media", "count": 12, "description": "보도"})
    assert ParticipationEvent.objects.get(node=unit).count == 12


def test_plan_page_lists_late_units_by_department(planner: User, plan: Plan,
                                                  month: ReportingPeriod) -> None:
    page = client_for(planner).get(reverse("tracking:plan", args=[plan.slug]) +
                                   "?on=2019-08-20").content.decode()
    assert "신성장산업과" in page and "2-1-1" in page


def test_period_buttons_move_states(planner: User, plan: Plan, month: ReportingPeriod) -> None:
    client = client_for(planner)
    client.post(reverse("tracking:period_move", args=[plan.slug, month.pk, "close"]))
    month.refresh_from_db()
    assert month.state == PeriodState.CLOSED
    client.post(reverse("tracking:period_move", args=[plan.slug, month.pk, "lock"]))
    month.refresh_from_db()
    assert month.state == PeriodState.LOCKED
    client.post(reverse("tracking:period_move", args=[plan.slug, month.pk, "open"]))
    month.refresh_from_db()
    assert month.state == PeriodState.LOCKED  # a locked month is never reopened


def test_notification_read_is_personal(officer: User, other_officer: User) -> None:
    note = Notification.objects.create(user=officer, kind="returned", key="k", message="m",
                                       url="/tracking/")
    assert client_for(other_officer).post(
        reverse("tracking:notification_read", args=[note.pk])).status_code == 404
    assert client_for(officer).post(
        reverse("tracking:notification_read", args=[note.pk])).status_code == 302
    note.refresh_from_db()
    assert note.read_at is not None


def test_remind_command(planner: User, officer: User, plan: Plan) -> None:
    from django.core.management import call_command
    do_open_period(planner, plan, kind="month", year=2019, number=10,
                   due_on=dt.date(2019, 11, 10))
    call_command("remind", today="2019-11-09")
    assert Notification.objects.filter(user=officer, kind="due_soon").count() == 1


def test_my_work_groups_late_units_by_month_and_department(officer: User, planner: User,
                                                           plan: Plan, unit: Node) -> None:
    do_open_period(planner, plan, kind="month", year=2019, number=5, due_on=dt.date(2019, 6, 10))
    june = do_open_period(planner, plan, kind="month", year=2019, number=6,
                          due_on=dt.date(2019, 7, 10))
    do_save_execution(officer, unit, june, None, **AMOUNTS)  # a draft is still late
    page = client_for(officer).get(reverse("tracking:my_work")).content.decode()
    late = page[page.index('data-testid="late"'):page.index('data-testid="units"')]
    assert late.index("2019-05") < late.index("2019-06")
    assert "2-1-1</a> (작성 중)" in late and "신성장산업과" in late
    assert "1-1-1" not in late  # another department's unit
