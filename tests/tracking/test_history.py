"""The demo history: past reporting entered through save, submit and approve, deterministic."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from typing import Any

from django.core.management import call_command

from rtis.audit.models import AuditEvent
from rtis.orgs.models import User
from rtis.plans.models import IndicatorActual, Plan
from rtis.tracking.actions import do_save_execution
from rtis.tracking.history import generate_history, indicator_value, year_of_execution
from rtis.tracking.models import (
    ExecutionRecord,
    ExecutionStatus,
    IndicatorReport,
    Milestone,
    MilestoneState,
    Notification,
    PeriodState,
    ReportingPeriod,
)

# The sample plan runs 2018–2020: its history covers 2019 and 2020 up to this day.
UNTIL = dt.date(2020, 5, 20)


def entries() -> dict[str, Any]:
    """Return every entry's figures keyed by what it is (not by database id)."""
    found: dict[str, Any] = {}
    for r in ExecutionRecord.objects.select_related("node", "period"):
        found[f"x {r.node.code} {r.period.label}"] = (
            r.original_budget, r.transfers, r.carryover, r.committed, r.spent, r.status)
    for i in IndicatorReport.objects.select_related("indicator", "period"):
        found[f"i {i.indicator.name} {i.period.label}"] = (i.value, i.status)
    for m in Milestone.objects.select_related("node", "period"):
        found[f"m {m.node.code} {m.period.label}"] = (m.state, m.completed_on, m.delay_reason)
    return found


def wipe() -> None:
    for model in (ExecutionRecord, IndicatorReport, Milestone):
        model.objects.all().delete()
    ReportingPeriod.objects.all().delete()
    IndicatorActual.objects.all().delete()


def test_the_same_seed_gives_the_same_history(plan: Plan, planner: User) -> None:
    generate_history(planner, [plan], UNTIL)
    first = entries()
    assert len(first) > 20
    wipe()
    generate_history(planner, [plan], UNTIL)
    assert entries() == first
    wipe()
    generate_history(planner, [plan], UNTIL, seed=7)
    assert entries() != first


def test_it_enters_past_months_through_submit_and_approve(plan: Plan, planner: User,
                                                          officer: User) -> None:
    report = generate_history(planner, [plan], UNTIL)
    assert report.execution == ExecutionRecord.objects.count() > 0
    assert not ExecutionRecord.objects.exclude(status=ExecutionStatus.APPROVED).exists()
    # Periods only inside the plan's years and begun by the day; the current month is empty.
    labels = set(ReportingPeriod.objects.values_list("year", flat=True))
    assert labels == {2019, 2020}
    assert not ReportingPeriod.objects.filter(year=2020, number__gt=5, kind="month").exists()
    assert not ExecutionRecord.objects.filter(period__year=2020, period__number=5).exists()
    # 2-1-1 is 신성장산업과's: its officer entered and submitted, the planner approved.
    record = ExecutionRecord.objects.get(node__code="2-1-1", period__year=2019,
                                         period__number=12)
    trail = AuditEvent.objects.filter(target_type__endswith="executionrecord",
                                      target_id=str(record.pk)).order_by("pk")
    assert [(e.actor_id, e.reason) for e in trail] == [
        (officer.pk, ""), (officer.pk, "submit"), (planner.pk, "approve")]
    # Indicator actuals became figures of record; finished periods are locked.
    assert IndicatorActual.objects.filter(period__startswith="2019-Q").exists()
    assert ReportingPeriod.objects.filter(year=2019, state=PeriodState.LOCKED).count() == 16
    # The planner is not left with notices of entries approved at once.
    assert not Notification.objects.filter(user=planner, kind="submitted").exists()


def test_execution_ends_the_year_near_its_rate_and_milestones_mostly_on_time(
        plan: Plan, planner: User) -> None:
    generate_history(planner, [plan], UNTIL)
    december = ExecutionRecord.objects.get(node__code="1-1-1", period__year=2019,
                                           period__number=12)
    assert december.original_budget == 10_000_000_000  # the plan's money for 2019
    assert 60 <= december.spent_rate() <= 100
    milestones = list(Milestone.objects.all())
    on_time = [m for m in milestones if m.state == MilestoneState.DONE and not m.delay_reason]
    assert len(on_time) >= len(milestones) // 2
    for m in milestones:
        if m.delay_reason:
            assert any("가" <= ch <= "힣" for ch in m.delay_reason)


def test_a_second_run_keeps_what_is_entered_and_adds_nothing(plan: Plan, planner: User,
                                                             officer: User) -> None:
    generate_history(planner, [plan], UNTIL, story_plan=plan.slug)
    # The latest due month (April 2020) keeps the officer's draft: the officer now corrects it.
    draft = ExecutionRecord.objects.get(status=ExecutionStatus.DRAFT)
    assert (draft.period.label, draft.node.code) == ("2020-04", "2-1-1")
    do_save_execution(officer, draft.node, draft.period, draft.version, spent=0, committed=0)
    before, events = entries(), AuditEvent.objects.count()
    report = generate_history(planner, [plan], UNTIL, story_plan=plan.slug)
    assert (report.execution, report.indicators, report.milestones, report.periods_opened) == (
        0, 0, 0, 0)
    assert entries() == before
    assert AuditEvent.objects.count() == events


def test_the_command_refuses_an_unknown_plan_and_reports_what_it_entered(
        plan: Plan, planner: User, capsys: Any) -> None:
    import pytest
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="no such plan"):
        call_command("demo_history", "--plan", "nope", "--until", "2020-05-20")
    call_command("demo_history", "--plan", plan.slug, "--until", "2020-05-20")
    assert "집행실적" in capsys.readouterr().out
    assert ExecutionRecord.objects.filter(status=ExecutionStatus.APPROVED).exists()


def test_a_year_of_execution_obeys_the_constraints_and_a_printed_january() -> None:
    for seed in range(200):
        months = year_of_execution(random.Random(seed), 1_234_567_000,
                                   (1, (Decimal("5.5"), Decimal("2.6"))) if seed % 2 else None)
        december = months[-1]
        budget = december["original_budget"] + december["transfers"] + december["carryover"]
        assert 0.6 <= december["spent"] / budget <= 1
        previous = 0
        for m in months:
            budget = m["original_budget"] + m["transfers"] + m["carryover"]
            assert 0 <= m["spent"] <= m["committed"] <= budget
            assert m["spent"] >= previous
            previous = m["spent"]
        if seed % 2:
            january = months[0]
            budget = january["original_budget"] + january["transfers"] + january["carryover"]
            assert abs(january["spent"] * 100 / budget - 2.6) < 0.01
            assert abs(january["committed"] * 100 / budget - 5.5) < 0.01
    assert year_of_execution(random.Random(1), 0)[-1]["spent"] == 0


def test_an_indicator_ends_near_its_target_counting_up_through_the_year() -> None:
    rng = [random.Random(3) for _ in range(4)]
    values = [indicator_value(rng[q], Decimal(200), "개", "increase", (q + 1) / 4)
              for q in range(4)]
    assert values == sorted(values)
    assert Decimal(120) <= values[-1] <= Decimal(224)
    assert values[-1] == values[-1].to_integral_value()
    level = indicator_value(random.Random(3), Decimal("80.5"), "%", "increase", 0.25)
    assert Decimal(40) <= level <= Decimal(95)
