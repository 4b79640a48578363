"""Set-wise audit writes: record_row_changes records what record_changes records, in one
statement, from plain values; insert_rows stores values as the ORM would."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from rtis.audit.log import record_changes, record_row_changes
from rtis.audit.models import AuditEvent
from rtis.audit.rows import insert_rows
from rtis.orgs.models import Department, User
from rtis.review.models import Result
from rtis.rnd.actions import do_create_call, do_create_organisation, do_create_programme
from rtis.rnd.models import Application

pytestmark = pytest.mark.django_db

COMPARED = ("actor_id", "actor_name", "action", "target_type", "target_id", "target_repr",
            "plan_id", "node_id", "changes", "reason")


def events(reason: str) -> list[tuple[Any, ...]]:
    return sorted(AuditEvent.objects.filter(reason=reason).values_list(*COMPARED))


def test_row_changes_are_the_events_record_changes_makes(planner: User) -> None:
    departments = list(Department.objects.order_by("pk")[:3])
    changes = [{"name": [d.name, f"{d.name} (개편)"], "kind": [d.kind, d.kind]}
               for d in departments]
    record_changes(planner, list(zip(departments, changes, strict=True)), reason="by objects")
    record_row_changes(planner, Department, [(d.pk, str(d), c) for d, c in
                                             zip(departments, changes, strict=True)],
                       reason="by rows")
    by_objects, by_rows = events("by objects"), events("by rows")
    assert len(by_rows) == 3
    assert by_rows == [(*row[:-1], "by rows") for row in by_objects]
    # only the real change is kept; the unchanged kind is not in the trail
    assert all(set(row[8]) == {"name"} for row in by_rows)


def test_row_changes_skip_unchanged_rows_hide_secrets_and_take_one_statement(
        planner: User) -> None:
    rows = [(n, f"행 {n}", {"password": ["old", "new"], "status": ["a", "b"]})
            for n in range(1, 501)] + [(999, "그대로", {"status": ["a", "a"]})]
    with CaptureQueriesContext(connection) as queries:
        written = record_row_changes(None, User, rows, reason="bulk", scope=(7, 8))
    assert written == 500
    assert len(queries.captured_queries) == 1
    stored = AuditEvent.objects.filter(reason="bulk")
    assert stored.count() == 500 and not stored.filter(target_id="999").exists()
    event = stored.get(target_id="42")
    assert event.changes == {"password": [None, "(변경됨 / changed)"], "status": ["a", "b"]}
    assert (event.actor_id, event.actor_name, event.plan_id, event.node_id) == (
        None, "system", 7, 8)
    assert event.at is not None and abs(event.at - dt.datetime.now(dt.UTC)) < dt.timedelta(
        minutes=5)


def test_inserted_rows_read_back_as_the_orm_writes_them(planner: User) -> None:
    programme = do_create_programme(planner, name="행 삽입 사업", kind="other")
    moment = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
    call = do_create_call(planner, programme, year=2026, title="행 삽입 공고", budget_won=10,
                          opens_at=moment, closes_at=moment + dt.timedelta(days=1),
                          eligibility=["seoul_sme"], stages=[{"name": "서면", "criteria": [
                              {"name": "기술성", "weight": 100, "max_score": 100}]}])
    stage = call.stages.get()
    organisation = do_create_organisation(planner, name="행 삽입 기업", kind="pre_founder")
    applications = Application.objects.bulk_create([
        Application(call=call, organisation=organisation, title=f"과제 {n}",
                    principal_investigator="책임자", stage=None if n else stage)
        for n in range(2)])
    count = insert_rows(Result, ["stage_id", "application_id", "total", "rank", "outcome", "tie",
                                 "awarded_won", "evaluators", "decided_at"], [
        (stage.pk, applications[0].pk, Decimal("81.125"), 1, "selected", "", 5, 7, moment),
        (stage.pk, applications[1].pk, Decimal("69.5"), 2, "below_pass_mark", "top_criterion",
         0, 5, moment)])
    assert count == 2
    assert list(Result.objects.order_by("rank").values_list(
        "application_id", "total", "rank", "outcome", "tie", "awarded_won", "evaluators",
        "decided_at")) == [
        (applications[0].pk, Decimal("81.125"), 1, "selected", "", 5, 7, moment),
        (applications[1].pk, Decimal("69.500"), 2, "below_pass_mark", "top_criterion", 0, 5,
         moment)]
    assert insert_rows(Result, ["stage_id"], []) == 0
