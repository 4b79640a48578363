"""The approval queue: who submitted what and when, filters, decisions in bulk; the menu counts."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from rtis.orgs.models import User
from rtis.plans.models import Indicator, Node, Plan
from rtis.tracking.actions import (
    do_approve_entry,
    do_open_period,
    do_save_execution,
    do_save_indicator_report,
    do_submit_entry,
)
from rtis.tracking.models import (
    ExecutionRecord,
    ExecutionStatus,
    IndicatorReport,
    Notification,
    NotificationKind,
    ReportingPeriod,
)
from tests.conftest import client_for

from .conftest import AMOUNTS, open_month

QUEUE = "tracking:approvals"
DECIDE = "tracking:approvals_decide"


def _submit_execution(user: User, node: Node, period: ReportingPeriod) -> ExecutionRecord:
    return do_submit_entry(user, do_save_execution(user, node, period, None, **AMOUNTS))


@pytest.fixture
def entries(plan: Plan, planner: User, officer: User, unit: Node, other_unit: Node,
            month: ReportingPeriod) -> dict[str, Any]:
    """Three submitted entries: 2-1-1 July and August (신성장산업과), 1-1-1 July (경제정책과)."""
    august = open_month(planner, plan, 8)
    return {"july": _submit_execution(officer, unit, month),
            "august": _submit_execution(officer, unit, august),
            "other": _submit_execution(planner, other_unit, month),
            "august_period": august}


def _token(entry: Any, kind: str = "execution") -> str:
    return f"{kind}:{entry.pk}:{entry.version}"


def _messages(response: Any) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


# --- who, when, filters ---------------------------------------------------------------------


def test_queue_shows_department_submitter_and_time(planner: User, officer: User,
                                                   entries: dict[str, Any]) -> None:
    officer.last_name, officer.first_name = "김", "주무관"
    officer.save(update_fields=["last_name", "first_name"])
    july = entries["july"]
    page = client_for(planner).get(reverse(QUEUE)).content.decode()
    row = page[page.index(f'data-testid="queue-execution-{july.pk}"'):]
    row = row[:row.index("</tr>")]
    assert "신성장산업과" in row
    assert "김주무관" in row
    assert dt.date.today().isoformat()[:4] in row  # 제출 일시, from the audit trail
    other = page[page.index(f'data-testid="queue-execution-{entries["other"].pk}"'):]
    assert "경제정책과" in other[:other.index("</tr>")]


def test_queue_filters_by_department_kind_and_period(planner: User, plan: Plan,
                                                     entries: dict[str, Any]) -> None:
    from rtis.orgs.actions import find_department

    client = client_for(planner)
    department = find_department("신성장산업과")
    assert department is not None
    page = client.get(reverse(QUEUE), {"department": department.pk}).content.decode()
    assert f'queue-execution-{entries["july"].pk}"' in page
    assert f'queue-execution-{entries["other"].pk}"' not in page
    page = client.get(reverse(QUEUE), {"period": "2019-08"}).content.decode()
    assert f'queue-execution-{entries["august"].pk}"' in page
    assert f'queue-execution-{entries["july"].pk}"' not in page
    page = client.get(reverse(QUEUE), {"kind": "indicator", "plan": plan.slug}).content.decode()
    assert 'data-testid="queue-empty-filtered"' in page


def test_queue_filter_by_plan_keeps_other_plans_out(planner: User, plan: Plan,
                                                    entries: dict[str, Any]) -> None:
    page = client_for(planner).get(reverse(QUEUE), {"plan": "no-such-plan"}).content.decode()
    assert 'data-testid="queue-empty"' in page


def test_queue_takes_a_constant_number_of_queries(
        planner: User, plan: Plan, officer: User, unit: Node, month: ReportingPeriod,
        django_assert_max_num_queries: Any) -> None:
    _submit_execution(officer, unit, month)
    client = client_for(planner)
    client.get(reverse(QUEUE))  # warm the session
    with django_assert_max_num_queries(14) as one:
        client.get(reverse(QUEUE))
    for number in range(1, 7):
        _submit_execution(officer, unit, open_month(planner, plan, number))
    indicator = Indicator.objects.get(node__code="1")
    quarter = do_open_period(planner, plan, kind="quarter", year=2019, number=3,
                             due_on=dt.date(2019, 10, 10))
    do_submit_entry(planner, do_save_indicator_report(planner, indicator, quarter, None,
                                                      value=120, unit="개", evidence=""))
    with django_assert_max_num_queries(len(one.captured_queries)):
        page = client.get(reverse(QUEUE)).content.decode()
    assert page.count('name="entry"') == 8


@pytest.mark.parametrize("role", ["viewer", "officer", "other_officer"])
def test_it_refuses_the_queue_and_bulk_decisions_to_non_planners(
        role: str, request: Any, entries: dict[str, Any]) -> None:
    user = request.getfixturevalue(role)
    client = client_for(user)
    assert client.get(reverse(QUEUE)).status_code == 403
    response = client.post(reverse(DECIDE), {"decision": "approve",
                                             "entry": [_token(entries["july"])]})
    assert response.status_code == 403
    entries["july"].refresh_from_db()
    assert entries["july"].status == ExecutionStatus.SUBMITTED


def test_bulk_decision_needs_a_post(planner: User) -> None:
    assert client_for(planner).get(reverse(DECIDE)).status_code == 405


# --- decisions in bulk ------------------------------------------------------------------------


def test_planner_approves_several_entries_at_once(planner: User, entries: dict[str, Any]
                                                  ) -> None:
    response = client_for(planner).post(reverse(DECIDE), {
        "decision": "approve", "entry": [_token(entries["july"]), _token(entries["august"])],
        "next": reverse(QUEUE) + "?period=2019-07"})
    assert response.status_code == 302 and response["Location"].endswith("?period=2019-07")
    for key in ("july", "august"):
        entries[key].refresh_from_db()
        assert entries[key].status == ExecutionStatus.APPROVED
    entries["other"].refresh_from_db()
    assert entries["other"].status == ExecutionStatus.SUBMITTED
    assert any("2건을 승인했습니다" in m for m in _messages(response))


def test_bulk_approval_reports_each_entry_and_keeps_the_others(
        planner: User, officer: User, unit: Node, entries: dict[str, Any]) -> None:
    stale = _token(entries["july"])
    do_approve_entry(planner, entries["july"])  # another planner was quicker
    response = client_for(planner).post(reverse(DECIDE), {
        "decision": "approve", "entry": [stale, _token(entries["august"]), "execution:999999:1",
                                         "bogus"]})
    entries["august"].refresh_from_db()
    assert entries["august"].status == ExecutionStatus.APPROVED
    texts = _messages(response)
    assert any("1건을 승인했습니다" in m and "2019-08" in m for m in texts)
    failures = [m for m in texts if m.startswith("처리하지 못했습니다")]
    assert len(failures) == 3
    assert "2-1-1 2019-07 집행실적" in failures[0] and "bogus" in failures[2]


def test_bulk_return_needs_a_comment_and_returns_nothing_without_one(
        planner: User, entries: dict[str, Any]) -> None:
    response = client_for(planner).post(reverse(DECIDE), {
        "decision": "return", "comment": "  ", "entry": [_token(entries["july"])]})
    assert response.status_code == 302
    entries["july"].refresh_from_db()
    assert entries["july"].status == ExecutionStatus.SUBMITTED
    assert any("반려 사유" in m for m in _messages(response))


def test_bulk_return_sends_each_entry_back_with_the_comment(
        planner: User, officer: User, entries: dict[str, Any]) -> None:
    client_for(planner).post(reverse(DECIDE), {
        "decision": "return", "comment": "증빙을 첨부하십시오",
        "entry": [_token(entries["july"]), _token(entries["august"])]})
    for key in ("july", "august"):
        entries[key].refresh_from_db()
        assert entries[key].status == ExecutionStatus.RETURNED
        assert entries[key].return_comment == "증빙을 첨부하십시오"
    assert Notification.objects.filter(user=officer, kind=NotificationKind.RETURNED).count() == 2


def test_bulk_decision_without_a_selection_changes_nothing(planner: User,
                                                          entries: dict[str, Any]) -> None:
    response = client_for(planner).post(reverse(DECIDE), {"decision": "approve"})
    assert any("고르십시오" in m for m in _messages(response))
    assert ExecutionRecord.objects.filter(status=ExecutionStatus.APPROVED).count() == 0


# --- notifications on approval and the menu counts ----------------------------------------------


def test_officers_are_told_when_an_entry_is_approved(planner: User, officer: User,
                                                     other_officer: User,
                                                     entries: dict[str, Any]) -> None:
    do_approve_entry(planner, entries["july"])
    note = Notification.objects.get(user=officer, kind=NotificationKind.APPROVED)
    assert "2-1-1 2019-07 집행실적" in note.message
    assert note.url.endswith(f"?period={entries['july'].period_id}")
    assert not Notification.objects.filter(user=other_officer,
                                           kind=NotificationKind.APPROVED).exists()


def test_menu_shows_the_queue_count_to_planners(planner: User, entries: dict[str, Any]) -> None:
    page = client_for(planner).get(reverse("plans:list")).content.decode()
    assert 'data-testid="menu-approvals"' in page
    count = page[page.index('data-testid="approvals-count"'):]
    assert count[count.index(">") + 1:count.index("</span>")] == "3"


def test_menu_shows_an_officers_unread_notifications(planner: User, officer: User,
                                                     entries: dict[str, Any]) -> None:
    client = client_for(officer)
    assert 'data-testid="unread-count"' not in client.get(reverse("plans:list")).content.decode()
    do_approve_entry(planner, entries["july"])
    page = client.get(reverse("plans:list")).content.decode()
    assert 'data-testid="menu-approvals"' not in page  # officers do not approve
    count = page[page.index('data-testid="unread-count"'):]
    assert count[count.index(">") + 1:count.index("</span>")] == "1"
    note = Notification.objects.get(user=officer)
    client.post(reverse("tracking:notification_read", args=[note.pk]))
    assert 'data-testid="unread-count"' not in client.get(reverse("plans:list")).content.decode()


def test_the_public_menu_has_no_counts(client: Any, entries: dict[str, Any]) -> None:
    page = client.get(reverse("plans:list")).content.decode()
    assert 'data-testid="menu-notifications"' not in page


def test_menu_counts_cost_one_query(planner: User, officer: User, entries: dict[str, Any],
                                    django_assert_num_queries: Any) -> None:
    from rtis.tracking.context_processors import MenuCounts

    counts = MenuCounts(planner)
    with django_assert_num_queries(1):
        assert (counts.awaiting_approval, counts.unread) == (3, 3)  # 3 결재 요청 notes
        assert (counts.awaiting_approval, counts.unread) == (3, 3)  # counted once per page
    do_approve_entry(planner, entries["july"])
    officer_counts = MenuCounts(officer)
    with django_assert_num_queries(1):
        assert (officer_counts.awaiting_approval, officer_counts.unread) == (0, 1)


@pytest.mark.parametrize("role", ["viewer", "officer", "planner"])
def test_menu_counts_add_one_query_to_a_page(role: str, request: Any,
                                            entries: dict[str, Any]) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(request.getfixturevalue(role))
    client.get(reverse("plans:list"))
    with CaptureQueriesContext(connection) as captured:
        client.get(reverse("plans:list"))
    assert len([q for q in captured.captured_queries if "tracking_" in q["sql"]]) == 1


def test_indicator_reports_appear_in_the_queue_with_their_kind(
        planner: User, plan: Plan) -> None:
    indicator = Indicator.objects.get(node__code="1")
    quarter = do_open_period(planner, plan, kind="quarter", year=2019, number=3,
                             due_on=dt.date(2019, 10, 10))
    report = do_submit_entry(planner, do_save_indicator_report(
        planner, indicator, quarter, None, value=120, unit="개", evidence=""))
    assert isinstance(report, IndicatorReport)
    page = client_for(planner).get(reverse(QUEUE), {"kind": "indicator"}).content.decode()
    assert f'data-testid="queue-indicator-{report.pk}"' in page
    assert f'value="indicator:{report.pk}:{report.version}"' in page
