"""The tracking JSON API: who may read and write, the 결재 round trip, refusals that save nothing.

Every response is checked against /api/v1/openapi.json (422 bodies are checked here by shape).
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.test import Client

from rtis.orgs.models import User
from rtis.plans.models import Indicator, Node, Plan
from rtis.tracking.actions import (
    do_approve_entry,
    do_lock_period,
    do_open_period,
    do_record_status,
    do_save_execution,
    do_save_indicator_report,
    do_save_milestone,
    do_submit_entry,
)
from rtis.tracking.models import (
    ExecutionRecord,
    ExecutionStatus,
    IndicatorReport,
    Milestone,
    ReportingPeriod,
    StatusChange,
)
from tests.openapi import assert_matches_openapi
from tests.tracking.conftest import AMOUNTS, open_month

pytestmark = pytest.mark.django_db

BASE = "/api/v1/tracking"
USERS = ["anonymous", "viewer", "other_officer", "officer", "planner"]
READERS = dict(zip(USERS, [401, 200, 200, 200, 200], strict=True))
EDITORS = dict(zip(USERS, [401, 403, 403, 201, 201], strict=True))
SUBMITTERS = dict(zip(USERS, [401, 403, 403, 200, 200], strict=True))
APPROVERS = dict(zip(USERS, [401, 403, 403, 403, 200], strict=True))


class Api:
    """A JSON client whose answers must match the OpenAPI document."""

    def __init__(self, user: User | None = None, enforce_csrf: bool = False) -> None:
        self.client = Client(enforce_csrf_checks=enforce_csrf)
        if user is not None:
            self.client.force_login(user)

    def get(self, path: str, **params: Any) -> Any:
        response = self.client.get(BASE + path, params)
        assert_matches_openapi("get", BASE + path, response)
        return response

    def send(self, method: str, path: str, body: dict[str, Any]) -> Any:
        response = getattr(self.client, method)(BASE + path, json.dumps(body),
                                                content_type="application/json")
        assert_matches_openapi(method, BASE + path, response)
        return response

    def put(self, path: str, body: dict[str, Any]) -> Any:
        return self.send("put", path, body)

    def post(self, path: str, body: dict[str, Any]) -> Any:
        return self.send("post", path, body)


def as_user(request: pytest.FixtureRequest, who: str) -> Api:
    return Api(None if who == "anonymous" else request.getfixturevalue(who))


def problems(response: Any) -> dict[str, str]:
    """Return a 422's messages by field, checking the documented shape."""
    assert response.status_code == 422, response.content
    body = response.json()
    assert set(body) == {"detail", "errors"}
    assert all(set(e) == {"field", "message"} for e in body["errors"])
    return {e["field"]: e["message"] for e in body["errors"]}


# --- fixtures -----------------------------------------------------------------------------------


@pytest.fixture
def unit(plan: Plan) -> Node:
    """Unit project 2-1-1, owned through task 2-1 by the officer's 신성장산업과."""
    return plan.nodes.get(code="2-1-1")


@pytest.fixture
def other_unit(plan: Plan) -> Node:
    """Unit project 1-1-1, owned through task 1-1 by 경제정책과."""
    return plan.nodes.get(code="1-1-1")


@pytest.fixture
def month(plan: Plan, planner: User) -> ReportingPeriod:
    return open_month(planner, plan, 7)


@pytest.fixture
def quarter(plan: Plan, planner: User) -> ReportingPeriod:
    return do_open_period(planner, plan, kind="quarter", year=2019, number=3,
                          due_on=dt.date(2019, 10, 10))


@pytest.fixture
def indicator(unit: Node) -> Indicator:
    return Indicator.objects.create(node=unit, name="창업기업 수", unit="개")


@pytest.fixture
def draft(officer: User, unit: Node, month: ReportingPeriod) -> ExecutionRecord:
    return do_save_execution(officer, unit, month, None, **AMOUNTS)


@pytest.fixture
def submitted(officer: User, draft: ExecutionRecord) -> ExecutionRecord:
    return do_submit_entry(officer, draft)


def execution_body(plan: Plan, node: Node, period: ReportingPeriod, version: int | None = None,
                   **changes: int) -> dict[str, Any]:
    return {"plan": plan.slug, "node": node.code, "period_id": period.pk, **AMOUNTS, **changes,
            "version": version}


def milestone_body(plan: Plan, period: ReportingPeriod, **changes: Any) -> dict[str, Any]:
    return {"plan": plan.slug, "node": "2-1-1", "period_id": period.pk,
            "planned": "글로벌협력동 착공", "achieved": "착공 완료", "state": "done",
            "delay_reason": "", "completed_on": "2019-09-02", "version": None, **changes}


# --- permission matrices ------------------------------------------------------------------------


@pytest.mark.parametrize("who", USERS)
def test_periods_are_listed_for_staff_only(who: str, request: pytest.FixtureRequest, plan: Plan,
                                           month: ReportingPeriod,
                                           quarter: ReportingPeriod) -> None:
    response = as_user(request, who).get("/plans/sample-plan/periods")
    assert response.status_code == READERS[who]
    if response.status_code == 200:
        assert response.json()["next"] is None
        assert response.json()["items"] == [
            {"id": month.pk, "kind": "month", "year": 2019, "number": 7, "label": "2019-07",
             "due_on": "2019-07-28", "state": "open"},
            {"id": quarter.pk, "kind": "quarter", "year": 2019, "number": 3, "label": "2019-Q3",
             "due_on": "2019-10-10", "state": "open"}]


@pytest.mark.parametrize("who", USERS)
def test_the_execution_table_is_for_staff_only(who: str, request: pytest.FixtureRequest,
                                               planner: User, submitted: ExecutionRecord) -> None:
    do_approve_entry(planner, submitted)
    response = as_user(request, who).get("/plans/sample-plan/execution-by-department",
                                         as_of="2019-07")
    assert response.status_code == READERS[who]
    if response.status_code == 200:
        row = {"department": "신성장산업과", "current_budget": 1_100_000_000,
               "committed": 800_000_000, "spent": 500_000_000, "committed_rate": "72.7",
               "spent_rate": "45.5"}
        assert response.json() == {"as_of": "2019-07", "period_id": submitted.period_id,
                                   "rows": [row], "total": {**row, "department": None}}


@pytest.mark.parametrize("who", USERS)
def test_an_execution_record_is_read_by_staff_only(who: str, request: pytest.FixtureRequest,
                                                   draft: ExecutionRecord) -> None:
    response = as_user(request, who).get(f"/execution/{draft.pk}")
    assert response.status_code == READERS[who]
    if response.status_code == 200:
        assert response.json() == {
            "id": draft.pk, "plan": "sample-plan", "node": "2-1-1", "node_title": "글로벌협력동 신축",
            "period_id": draft.period_id, "period": "2019-07", **AMOUNTS,
            "current_budget": 1_100_000_000, "committed_rate": "72.7", "spent_rate": "45.5",
            "status": "draft", "return_comment": "", "version": 1}


@pytest.mark.parametrize("who", USERS)
def test_execution_is_saved_by_the_owning_department_or_a_planner(
        who: str, request: pytest.FixtureRequest, plan: Plan, unit: Node,
        month: ReportingPeriod) -> None:
    response = as_user(request, who).put("/execution", execution_body(plan, unit, month))
    assert response.status_code == EDITORS[who]
    saved = list(ExecutionRecord.objects.filter(node=unit, period=month))
    if response.status_code == 201:
        assert [r.spent for r in saved] == [500_000_000]
        body = response.json()
        assert body["id"] == saved[0].pk and body["version"] == 1 and body["status"] == "draft"
        assert (body["current_budget"], body["spent_rate"]) == (1_100_000_000, "45.5")
    else:
        assert saved == []
        assert response.json()["detail"]


@pytest.mark.parametrize("who", USERS)
def test_entries_are_submitted_by_the_owning_department_or_a_planner(
        who: str, request: pytest.FixtureRequest, draft: ExecutionRecord) -> None:
    response = as_user(request, who).post(f"/entries/execution/{draft.pk}/submit",
                                          {"version": 1})
    assert response.status_code == SUBMITTERS[who]
    draft.refresh_from_db()
    if response.status_code == 200:
        assert draft.status == ExecutionStatus.SUBMITTED
        assert response.json() == {
            "kind": "execution", "id": draft.pk, "label": "2-1-1 2019-07 집행실적",
            "plan": "sample-plan", "node": "2-1-1", "status": "submitted", "return_comment": "",
            "period_id": draft.period_id, "period": "2019-07", "version": 2}
    else:
        assert (draft.status, draft.version) == (ExecutionStatus.DRAFT, 1)


@pytest.mark.parametrize("who", USERS)
def test_only_planners_approve(who: str, request: pytest.FixtureRequest,
                               submitted: ExecutionRecord) -> None:
    response = as_user(request, who).post(f"/entries/execution/{submitted.pk}/approve",
                                          {"version": submitted.version})
    assert response.status_code == APPROVERS[who]
    submitted.refresh_from_db()
    expected = ExecutionStatus.APPROVED if response.status_code == 200 else \
        ExecutionStatus.SUBMITTED
    assert submitted.status == expected


@pytest.mark.parametrize("who", USERS)
def test_only_planners_return(who: str, request: pytest.FixtureRequest,
                              submitted: ExecutionRecord) -> None:
    response = as_user(request, who).post(f"/entries/execution/{submitted.pk}/return",
                                          {"version": submitted.version, "comment": "증빙 첨부"})
    assert response.status_code == APPROVERS[who]
    submitted.refresh_from_db()
    if response.status_code == 200:
        assert (submitted.status, submitted.return_comment) == (ExecutionStatus.RETURNED,
                                                                "증빙 첨부")
        assert response.json()["return_comment"] == "증빙 첨부"
    else:
        assert (submitted.status, submitted.return_comment) == (ExecutionStatus.SUBMITTED, "")


@pytest.mark.parametrize(("who", "expected"), [
    ("anonymous", None), ("viewer", []), ("other_officer", []),
    ("officer", ["2-1-1 2019-07 집행실적"]),
    ("planner", ["2-1-1 2019-07 집행실적", "1-1-1 2019-07 집행실적"]),
])
def test_my_entries_are_the_callers_own(who: str, expected: list[str] | None,
                                        request: pytest.FixtureRequest, planner: User,
                                        other_unit: Node, month: ReportingPeriod,
                                        draft: ExecutionRecord) -> None:
    do_save_execution(planner, other_unit, month, None, original_budget=10)
    response = as_user(request, who).get("/my-entries")
    if expected is None:
        assert response.status_code == 401
    else:
        assert response.status_code == 200
        assert sorted(e["label"] for e in response.json()) == sorted(expected)


@pytest.mark.parametrize("who", USERS)
def test_indicator_actuals_are_saved_by_the_owning_department(
        who: str, request: pytest.FixtureRequest, indicator: Indicator,
        quarter: ReportingPeriod) -> None:
    response = as_user(request, who).put("/indicator-reports", {
        "indicator_id": indicator.pk, "period_id": quarter.pk, "value": "1,234.50",
        "unit": "개", "evidence": "입주 현황", "version": None})
    assert response.status_code == EDITORS[who]
    saved = list(IndicatorReport.objects.filter(indicator=indicator))
    if response.status_code == 201:
        assert [str(r.value) for r in saved] == ["1234.5000"]
        body = response.json()
        assert (body["value"], body["unit"], body["period"]) == ("1234.5", "개", "2019-Q3")
    else:
        assert saved == []


@pytest.mark.parametrize("who", USERS)
def test_milestones_are_saved_by_the_owning_department(
        who: str, request: pytest.FixtureRequest, plan: Plan, quarter: ReportingPeriod) -> None:
    response = as_user(request, who).put("/milestones", milestone_body(plan, quarter))
    assert response.status_code == EDITORS[who]
    saved = list(Milestone.objects.filter(period=quarter))
    if response.status_code == 201:
        assert [(m.node.code, m.state, m.completed_on) for m in saved] == [
            ("2-1-1", "done", dt.date(2019, 9, 2))]
        assert response.json()["planned"] == "글로벌협력동 착공"
    else:
        assert saved == []


@pytest.mark.parametrize("who", USERS)
def test_status_is_recorded_by_the_owning_department(who: str, request: pytest.FixtureRequest,
                                                     plan: Plan, unit: Node) -> None:
    response = as_user(request, who).post("/plans/sample-plan/nodes/2-1-1/status", {
        "status": "delayed", "effective_on": "2019-07-01", "reason": "설계 변경"})
    assert response.status_code == EDITORS[who]
    saved = list(StatusChange.objects.filter(node=unit))
    if response.status_code == 201:
        assert [(s.status, s.reason) for s in saved] == [("delayed", "설계 변경")]
        body = response.json()
        assert body["status_label"] == "지연"
        assert body["recorded_by"] == request.getfixturevalue(who).username
    else:
        assert saved == []


@pytest.mark.parametrize("who", USERS)
def test_status_history_is_read_by_staff_latest_first(who: str, request: pytest.FixtureRequest,
                                                      officer: User, unit: Node) -> None:
    do_record_status(officer, unit, status="normal", effective_on=dt.date(2019, 3, 1))
    do_record_status(officer, unit, status="delayed", effective_on=dt.date(2019, 7, 1),
                     reason="설계 변경")
    response = as_user(request, who).get("/plans/sample-plan/nodes/2-1-1/status")
    assert response.status_code == READERS[who]
    if response.status_code == 200:
        assert [(s["status"], s["effective_on"], s["reason"]) for s in response.json()["items"]] == [
            ("delayed", "2019-07-01", "설계 변경"), ("normal", "2019-03-01", "")]


# --- the round trip -----------------------------------------------------------------------------


def test_the_whole_round_of_approval_ends_in_the_department_table(
        officer: User, planner: User, plan: Plan, unit: Node, other_unit: Node,
        month: ReportingPeriod, quarter: ReportingPeriod) -> None:
    api_officer, api_planner = Api(officer), Api(planner)
    august = open_month(planner, plan, 8)
    # 경제정책과's project, approved already: the total must add both departments.
    other = do_save_execution(planner, other_unit, month, None, original_budget=400_000_000,
                              committed=300_000_000, spent=100_000_000)
    do_approve_entry(planner, do_submit_entry(planner, other))
    # A later draft of the officer's, so "first" in the work list means something.
    do_save_execution(officer, unit, august, None, original_budget=5)

    saved = api_officer.put("/execution", execution_body(plan, unit, month, spent=400_000_000))
    assert saved.status_code == 201
    record = saved.json()
    submitted = api_officer.post(f"/entries/execution/{record['id']}/submit",
                                 {"version": record["version"]})
    assert submitted.json()["status"] == "submitted"
    returned = api_planner.post(f"/entries/execution/{record['id']}/return",
                                {"version": submitted.json()["version"],
                                 "comment": "지출액 증빙을 확인하십시오"})
    assert returned.status_code == 200

    mine = api_officer.get("/my-entries").json()
    assert [(e["label"], e["status"]) for e in mine] == [
        ("2-1-1 2019-07 집행실적", "returned"), ("2-1-1 2019-08 집행실적", "draft")]
    assert mine[0]["return_comment"] == "지출액 증빙을 확인하십시오"

    fixed = api_officer.put("/execution", execution_body(
        plan, unit, month, mine[0]["version"], original_budget=1_000_000_000, transfers=0,
        carryover=0, committed=800_000_000, spent=456_500_000))
    assert fixed.status_code == 200
    assert fixed.json()["spent_rate"] == "45.7"  # 45.65 rounds half up, not to even
    again = api_officer.post(f"/entries/execution/{record['id']}/submit",
                             {"version": fixed.json()["version"]})
    approved = api_planner.post(f"/entries/execution/{record['id']}/approve",
                                {"version": again.json()["version"]})
    assert approved.json()["status"] == "approved"
    assert [e["status"] for e in api_officer.get("/my-entries").json()] == ["draft"]

    table = api_officer.get("/plans/sample-plan/execution-by-department", as_of="2019-07").json()
    assert table["rows"] == [
        {"department": "경제정책과", "current_budget": 400_000_000, "committed": 300_000_000,
         "spent": 100_000_000, "committed_rate": "75.0", "spent_rate": "25.0"},
        {"department": "신성장산업과", "current_budget": 1_000_000_000, "committed": 800_000_000,
         "spent": 456_500_000, "committed_rate": "80.0", "spent_rate": "45.7"}]
    # 556,500,000 ÷ 1,400,000,000 = 39.75 % → 39.8; 1,100,000,000 ÷ 1,400,000,000 = 78.57 % → 78.6
    assert table["total"] == {"department": None, "current_budget": 1_400_000_000,
                              "committed": 1_100_000_000, "spent": 556_500_000,
                              "committed_rate": "78.6", "spent_rate": "39.8"}


def test_indicator_and_milestone_entries_go_through_the_same_approval(
        officer: User, planner: User, plan: Plan, indicator: Indicator,
        quarter: ReportingPeriod) -> None:
    api_officer, api_planner = Api(officer), Api(planner)
    report = api_officer.put("/indicator-reports", {
        "indicator_id": indicator.pk, "period_id": quarter.pk, "value": "12", "unit": " 개 ",
        "version": None}).json()
    milestone = api_officer.put("/milestones", milestone_body(plan, quarter)).json()
    labels = [(e["kind"], e["label"]) for e in api_officer.get("/my-entries").json()]
    assert sorted(labels) == [("indicator", "2-1-1 창업기업 수 2019-Q3 실적"),
                              ("milestone", "2-1-1 2019-Q3 추진일정")]
    for kind, entry in [("indicator", report), ("milestone", milestone)]:
        sent = api_officer.post(f"/entries/{kind}/{entry['id']}/submit", {"version": 1})
        done = api_planner.post(f"/entries/{kind}/{entry['id']}/approve",
                                {"version": sent.json()["version"]})
        assert done.json()["status"] == "approved"
    assert str(indicator.actuals.get(period="2019-Q3").value) == "12.0000"
    changed = api_planner.put("/indicator-reports", {
        "indicator_id": indicator.pk, "period_id": quarter.pk, "value": "13.25", "unit": "개",
        "evidence": "정정", "version": 3})
    assert changed.status_code == 200
    assert (changed.json()["value"], changed.json()["version"]) == ("13.25", 4)


# --- refusals that save nothing ----------------------------------------------------------------


def test_spent_above_committed_is_named_and_nothing_is_saved(officer: User, plan: Plan,
                                                             unit: Node,
                                                             month: ReportingPeriod) -> None:
    response = Api(officer).put("/execution", execution_body(plan, unit, month,
                                                             spent=900_000_000))
    errors = problems(response)
    assert list(errors) == ["spent"]
    assert "지출액(900,000,000)이 원인행위액(800,000,000)보다 큽니다" in errors["spent"]
    assert "the amount spent (900,000,000) exceeds the amount committed (800,000,000)" in errors["spent"]
    assert "spent:" in response.json()["detail"]
    assert not ExecutionRecord.objects.exists()


def test_negative_amounts_are_named_and_nothing_is_saved(officer: User, plan: Plan, unit: Node,
                                                         month: ReportingPeriod) -> None:
    errors = problems(Api(officer).put("/execution", execution_body(
        plan, unit, month, original_budget=-1, carryover=-5)))
    assert set(errors) == {"original_budget", "carryover"}
    assert "본예산은 음수일 수 없습니다" in errors["original_budget"]
    assert "the carry-over cannot be negative" in errors["carryover"]
    assert not ExecutionRecord.objects.exists()


def test_amounts_must_be_json_integers(officer: User, plan: Plan, unit: Node,
                                       month: ReportingPeriod) -> None:
    for bad in ["500000000", 1.5, True, None]:
        errors = problems(Api(officer).put("/execution", execution_body(plan, unit, month,
                                                                        spent=bad)))  # type: ignore[arg-type]
        assert any(field.endswith("spent") for field in errors), bad
    assert not ExecutionRecord.objects.exists()


def test_an_indicator_actual_in_another_unit_is_refused(officer: User, indicator: Indicator,
                                                        quarter: ReportingPeriod) -> None:
    errors = problems(Api(officer).put("/indicator-reports", {
        "indicator_id": indicator.pk, "period_id": quarter.pk, "value": "3", "unit": "명"}))
    assert list(errors) == ["unit"]
    assert "'창업기업 수'의 단위는 '개'입니다" in errors["unit"]
    errors = problems(Api(officer).put("/indicator-reports", {
        "indicator_id": indicator.pk, "period_id": quarter.pk, "value": "세 개", "unit": "개"}))
    assert "the value must be a number" in errors["value"]
    assert not IndicatorReport.objects.exists()


def test_a_locked_period_takes_no_figures(officer: User, planner: User, plan: Plan, unit: Node,
                                          month: ReportingPeriod) -> None:
    do_lock_period(planner, month)
    for who in (officer, planner):
        errors = problems(Api(who).put("/execution", execution_body(plan, unit, month)))
        assert "2019-07 is locked" in errors["period"]
    assert not ExecutionRecord.objects.exists()


def test_a_stale_version_is_a_409_with_the_stored_values(officer: User, planner: User,
                                                         plan: Plan, unit: Node,
                                                         month: ReportingPeriod,
                                                         draft: ExecutionRecord) -> None:
    # The planner saves first; the officer still has version 1 on screen.
    do_save_execution(planner, unit, month, 1, spent=450_000_000)
    response = Api(officer).put("/execution", execution_body(plan, unit, month, 1,
                                                             spent=300_000_000))
    assert response.status_code == 409
    body = response.json()
    assert body["version"] == 2 and body["changed_by"] == "planner"
    assert body["current"] == {**AMOUNTS, "spent": 450_000_000}
    assert "다른 사람이 먼저 수정했습니다" in body["detail"]
    draft.refresh_from_db()
    assert (draft.spent, draft.version) == (450_000_000, 2)


def test_a_stale_decision_is_a_409(planner: User, submitted: ExecutionRecord) -> None:
    response = Api(planner).post(f"/entries/execution/{submitted.pk}/approve", {"version": 1})
    assert response.status_code == 409
    assert response.json()["current"] == {"status": "submitted", "return_comment": ""}
    assert response.json()["version"] == 2
    submitted.refresh_from_db()
    assert submitted.status == ExecutionStatus.SUBMITTED


def test_a_return_needs_a_comment_and_a_submitted_entry(planner: User, draft: ExecutionRecord,
                                                        officer: User) -> None:
    errors = problems(Api(planner).post(f"/entries/execution/{draft.pk}/return",
                                        {"comment": "다시", "version": 1}))
    assert "a draft entry cannot become returned" in errors["status"]
    do_submit_entry(officer, draft)
    errors = problems(Api(planner).post(f"/entries/execution/{draft.pk}/return",
                                        {"comment": "  ", "version": 2}))
    assert "반려 사유를 입력하십시오" in errors["comment"]
    draft.refresh_from_db()
    assert (draft.status, draft.version) == (ExecutionStatus.SUBMITTED, 2)


def test_a_milestone_needs_its_reason_and_a_quarter(officer: User, plan: Plan,
                                                    quarter: ReportingPeriod,
                                                    month: ReportingPeriod) -> None:
    errors = problems(Api(officer).put("/milestones", milestone_body(
        plan, quarter, state="delayed", completed_on=None, achieved="")))
    assert "지연 사유를 입력하십시오" in errors["delay_reason"]
    errors = problems(Api(officer).put("/milestones", milestone_body(plan, month)))
    assert "추진일정은 분기 단위로 입력합니다" in errors["period"]
    errors = problems(Api(officer).put("/milestones", milestone_body(plan, quarter,
                                                                     state="finished")))
    assert any(field.endswith("state") for field in errors)
    assert not Milestone.objects.exists()


def test_a_status_needing_a_reason_or_from_the_future_is_refused(officer: User,
                                                                 unit: Node) -> None:
    api = Api(officer)
    errors = problems(api.post("/plans/sample-plan/nodes/2-1-1/status",
                               {"status": "on_hold", "effective_on": "2019-07-01"}))
    assert "the status 'On hold' needs a reason" in errors["reason"]
    errors = problems(api.post("/plans/sample-plan/nodes/2-1-1/status",
                               {"status": "normal", "effective_on": "2999-01-01"}))
    assert "the date is in the future" in errors["effective_on"]
    assert not StatusChange.objects.exists()


@pytest.mark.parametrize(("path", "needle"), [
    ("/plans/no-such-plan/periods", "no-such-plan"),
    ("/plans/sample-plan/execution-by-department?as_of=2019-09", "2019-09"),
    ("/execution/999999", "999999"),
    ("/plans/sample-plan/nodes/9-9/status", "9-9"),
])
def test_unknown_things_are_404_with_a_message(path: str, needle: str, viewer: User,
                                               month: ReportingPeriod) -> None:
    bare, _, query = path.partition("?")
    params = dict([query.split("=")]) if query else {}
    response = Api(viewer).get(bare, **params)
    assert response.status_code == 404
    assert needle in response.json()["detail"]


def test_unknown_write_targets_are_404(officer: User, plan: Plan, private_plan: Plan,
                                       planner: User, unit: Node, month: ReportingPeriod,
                                       indicator: Indicator) -> None:
    api = Api(officer)
    foreign = open_month(planner, private_plan, 7)
    for body in [execution_body(plan, unit, month) | {"plan": "nope"},
                 execution_body(plan, unit, month) | {"node": "9-9"},
                 execution_body(plan, unit, month) | {"period_id": 999_999},
                 execution_body(plan, unit, foreign)]:
        assert api.put("/execution", body).status_code == 404, body
    assert api.put("/indicator-reports", {"indicator_id": 999_999, "period_id": month.pk,
                                          "value": "1", "unit": "개"}).status_code == 404
    assert api.post("/entries/milestone/999999/submit", {}).status_code == 404
    assert not ExecutionRecord.objects.exists()


def test_bad_query_and_path_values_are_422(viewer: User, officer: User, plan: Plan) -> None:
    errors = problems(Api(viewer).get("/plans/sample-plan/execution-by-department",
                                      as_of="2019-13"))
    assert any("as_of" in field for field in errors)
    response = Api(officer).client.post(f"{BASE}/entries/budget/1/submit", "{}",
                                        content_type="application/json")
    assert response.status_code == 422 and "kind" in response.json()["detail"]


def test_writes_need_the_csrf_token(officer: User, plan: Plan, unit: Node,
                                    month: ReportingPeriod) -> None:
    api = Api(officer, enforce_csrf=True)
    response = api.put("/execution", execution_body(plan, unit, month))
    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]
    assert not ExecutionRecord.objects.exists()
    assert api.get("/my-entries").status_code == 200  # reads need no token


def test_wrong_methods_are_405(planner: User, draft: ExecutionRecord) -> None:
    client = Api(planner).client
    assert client.delete(f"{BASE}/execution/{draft.pk}").status_code == 405
    assert client.get(f"{BASE}/execution").status_code == 405
    assert client.get(f"{BASE}/entries/execution/{draft.pk}/approve").status_code == 405
    assert client.put(f"{BASE}/my-entries").status_code == 405


def test_the_openapi_document_says_money_is_won_and_how_rates_look(client: Client) -> None:
    doc = client.get("/api/v1/openapi.json").json()
    schemas = doc["components"]["schemas"]
    assert "integer won" in schemas["ExecutionIn"]["properties"]["spent"]["description"]
    assert schemas["ExecutionIn"]["properties"]["spent"]["minimum"] == 0
    rate = schemas["DepartmentRowOut"]["properties"]["spent_rate"]
    assert "half up" in rate["description"]
    put = doc["paths"]["/api/v1/tracking/execution"]["put"]
    assert set(put["responses"]) == {"200", "201", "400", "401", "403", "404", "409", "422"}
    assert put["security"] == [{"StaffSession": []}]


# --- query counts -------------------------------------------------------------------------------


def test_lists_keep_a_constant_query_count(officer: User, planner: User, plan: Plan,
                                           unit: Node, indicator: Indicator,
                                           quarter: ReportingPeriod,
                                           django_assert_max_num_queries: Any) -> None:
    for number in range(1, 7):
        period = open_month(planner, plan, number)
        record = do_save_execution(officer, unit, period, None, **AMOUNTS)
        do_approve_entry(planner, do_submit_entry(officer, record))
        open_month(planner, plan, number + 6)
        do_record_status(officer, unit, status="normal", effective_on=dt.date(2019, number, 1))
    do_save_indicator_report(officer, indicator, quarter, None, value="1", unit="개")
    do_save_milestone(officer, unit, quarter, None, planned="착공", achieved="착공",
                      state="done", completed_on=dt.date(2019, 9, 1))
    for period in ReportingPeriod.objects.filter(plan=plan, kind="month", number__gt=6):
        do_save_execution(officer, unit, period, None, original_budget=1)
    api = Api(officer)
    # session + user (+ departments) + the list's own queries
    for path, params, limit in [("/plans/sample-plan/periods", {}, 5),
                                ("/plans/sample-plan/execution-by-department",
                                 {"as_of": "2019-06"}, 8),
                                ("/plans/sample-plan/nodes/2-1-1/status", {}, 7),
                                ("/my-entries", {}, 10)]:
        with django_assert_max_num_queries(limit):
            response = api.get(path, **params)
        assert response.status_code == 200
    assert len(api.get("/my-entries").json()) == 8


# --- generated input, signed in ----------------------------------------------------------------



def test_generated_input_as_a_planner_never_breaks_the_contract(
        planner: User, draft: ExecutionRecord, quarter: ReportingPeriod, indicator: Indicator,
        keep_test_connection: None) -> None:
    import schemathesis
    from django.core.wsgi import get_wsgi_application
    from hypothesis import HealthCheck, given, settings
    from schemathesis.core.result import Ok
    from schemathesis.specs.openapi.checks import positive_data_acceptance

    signed_in = Client()
    signed_in.force_login(planner)
    token = "0123456789abcdef" * 2
    cookies = {"sessionid": signed_in.cookies["sessionid"].value, "csrftoken": token}
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())
    operations = []
    for result in schema.get_all_operations():
        assert isinstance(result, Ok), result
        if "/tracking/" in result.ok().path:
            operations.append(result.ok())
    assert len(operations) == 12
    statuses: list[int] = []
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(max_examples=10, deadline=None, database=None,
                  suppress_health_check=list(HealthCheck))
        def check(case: Any) -> None:
            # Schema-valid values may still break a rule no JSON Schema states (spent ≤
            # committed): those are 422s, so "valid data is accepted" is not checked.
            response = case.call_and_validate(headers={"X-CSRFToken": token}, cookies=cookies,
                                              excluded_checks=[positive_data_acceptance])
            statuses.append(response.status_code)

        check()
    assert 200 in statuses and 404 in statuses and 500 not in statuses


def test_a_null_version_only_creates_and_never_overwrites(officer: User, planner: User,
                                                          plan: Plan, unit: Node,
                                                          month: ReportingPeriod,
                                                          draft: ExecutionRecord) -> None:
    do_save_execution(planner, unit, month, draft.version, spent=450_000_000)
    response = Api(officer).put("/execution", execution_body(plan, unit, month, None,
                                                             spent=1))
    assert response.status_code == 409
    assert response.json()["current"]["spent"] == 450_000_000
    draft.refresh_from_db()
    assert draft.spent == 450_000_000


def test_a_body_that_is_not_json_is_a_documented_400_in_both_languages(officer: User) -> None:
    response = Api(officer).client.put(BASE + "/execution", data=b"{not json",
                                       content_type="application/json")
    assert response.status_code == 400
    assert "JSON으로 읽을 수 없습니다" in response.json()["detail"]
    assert_matches_openapi("put", "/api/v1/tracking/execution", response)
