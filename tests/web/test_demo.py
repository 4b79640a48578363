"""`rtis demo`'s data: the story of the documents on the demo's day, without noise.

The demo is set up once for the module (seed, users, history: some seconds); each test runs
in a transaction rolled back after it, so tests may change data freely.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
import zipfile
from collections.abc import Callable, Iterator
from decimal import Decimal
from html import escape
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client, override_settings

from rtis.audit.models import AuditEvent
from rtis.dashboards import queries as dq
from rtis.ingest.backup import MANIFEST, write_backup
from rtis.lib.demo_day import DEMO_TODAY
from rtis.lib.report_model import Paragraph, TableBlock
from rtis.orgs.models import User
from rtis.oversight.models import CouncilSession
from rtis.oversight.queries import overdue_items
from rtis.plans.access import can_edit_node
from rtis.plans.models import Plan
from rtis.reports.actions import build_report
from rtis.reports.models import ReportSnapshot
from rtis.tracking.actions import (
    do_approve_entry,
    do_save_execution,
    do_submit_entry,
    tracking_settings,
)
from rtis.tracking.models import (
    ExecutionRecord,
    ExecutionStatus,
    IndicatorReport,
    Milestone,
    PeriodState,
    ReportingPeriod,
)
from rtis.tracking.notify import send_due_reminders
from rtis.web.management.commands.rtis_demo import DEMO_TRACKED_PLAN, setup_demo
from tests.conftest import ensure_funding_sources

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def demo(django_db_setup: Any, django_db_blocker: Any,
         tmp_path_factory: Any) -> Iterator[list[str]]:
    """Set the demo up once, on the demo's day; empty the database afterwards."""
    lines: list[str] = []
    var = tmp_path_factory.mktemp("var")  # R&D attachments go under VAR_DIR/media
    with django_db_blocker.unblock(), override_settings(RTIS_TODAY=DEMO_TODAY, VAR_DIR=var):
        setup_demo(lines.append)
        yield lines
        call_command("flush", interactive=False, verbosity=0)
        # flush also empties what migrations wrote: the next module on this worker needs them.
        ensure_funding_sources()


@pytest.fixture(autouse=True)
def on_the_demo_day(demo: list[str], settings: Any) -> None:
    settings.RTIS_TODAY = DEMO_TODAY


def signed_in(username: str) -> Client:
    from rtis.orgs.models import User

    client = Client()
    client.force_login(User.objects.get(username=username))
    return client


def test_it_says_which_day_the_demo_is_on(demo: list[str]) -> None:
    assert any("데모 기준일 / demo today: 2022-03-15" in line for line in demo)


def test_no_period_lies_outside_its_plans_years_or_after_the_day() -> None:
    periods = list(ReportingPeriod.objects.select_related("plan"))
    assert periods
    for period in periods:
        assert period.plan.period_start <= period.year <= period.plan.period_end, period
        assert period.starts_on <= DEMO_TODAY, period


def test_the_officer_lands_on_a_handful_of_due_and_late_items() -> None:
    response = signed_in("officer").get("/tracking/")
    assert response.status_code == 200
    late, due = response.context["late"], response.context["due"]
    assert 1 <= len(late) <= 5
    assert all((DEMO_TODAY - e.period.due_on).days <= 31 for e in late)
    assert 1 <= len(due) <= 10
    assert all(d.days_left >= -31 for d in due)
    assert len(response.context["returned"]) == 1


def test_the_officer_is_not_greeted_by_a_year_of_old_notices() -> None:
    from rtis.orgs.models import User
    from rtis.tracking.models import Notification

    officer = User.objects.get(username="officer")
    unread = Notification.objects.filter(user=officer, read_at__isnull=True)
    assert 1 <= unread.count() <= 15  # this month's, not every approval of the invented past
    assert Notification.objects.filter(user=officer, read_at__isnull=False).exists()


def test_an_rnd_call_is_open_with_applications_on_the_demo_day() -> None:
    from rtis.rnd.models import Application, Call

    call = Call.objects.get(year=DEMO_TODAY.year)  # the finished 2021 call is rtis.review's
    assert call.opens_at.date() < DEMO_TODAY < call.closes_at.date()
    public = Client().get("/rnd/calls/")
    assert public.status_code == 200 and escape(call.title) in public.text
    statuses = sorted(Application.objects.filter(call=call).values_list("status", flat=True))
    assert statuses == ["draft", "submitted", "submitted"]


def test_the_planner_has_a_few_entries_to_approve() -> None:
    response = signed_in("planner").get("/tracking/")
    assert 1 <= len(response.context["submitted"]) <= 5


@pytest.mark.parametrize("page", ["execution", "projection", "indicators", "milestones"])
def test_every_dashboard_shows_data_on_the_demo_day(page: str) -> None:
    response = signed_in("planner").get(f"/dashboards/{page}/")
    assert response.status_code == 200
    context = response.context
    if page == "execution":
        assert context["total"].spent > 0 and context["summary"].period.label == "2022-02"
    elif page == "projection":
        assert context["total"].projected > 0 and context["rows"]
    elif page == "indicators":
        assert any(group.computed for group, _ in context["areas"])
    else:
        assert 0 < context["count"] <= 60
        assert max(g.max_days for g, _ in context["by_department"]) < 120


def test_the_projection_uses_last_years_pattern() -> None:
    plan = Plan.objects.get(slug=DEMO_TRACKED_PLAN)
    period, units = dq.unit_projections(dq.Scope([plan], plan, DEMO_TODAY))
    assert period is not None and period.label == "2022-02"
    budgeted = [u for u in units if u.projection.budget]
    patterned = [u for u in budgeted if u.projection.method == "pattern"]
    assert budgeted and len(patterned) >= len(budgeted) * 2 // 3
    assert len([u for u in budgeted if u.flagged]) <= len(budgeted) // 2
    rates = [u.projection.rate for u in units if u.projection.rate is not None]
    assert rates and Decimal(50) < sum(rates) / len(rates) <= Decimal(100)


def test_the_pledge_card_of_a_tracked_task_shows_spending_and_milestones() -> None:
    plan = Plan.objects.get(slug=DEMO_TRACKED_PLAN)
    report = build_report("pledge-card", plan, DEMO_TODAY, "2-1")
    texts = [b.text for s in report.sections for b in s.blocks if isinstance(b, Paragraph)]
    spent = next(t for t in texts if "집행액:" in t)
    assert not spent.endswith("집행액: -")
    tables = [b for s in report.sections for b in s.blocks if isinstance(b, TableBlock)]
    milestones = next(t for t in tables if t.key == "milestones")
    assert ["2-1-1", "2021", "4분기"] in [row.cells[:3] for row in milestones.rows]


def test_the_council_overdue_list_is_a_handful() -> None:
    session = CouncilSession.objects.get(key="audit-2021")
    overdue = overdue_items(session, DEMO_TODAY)
    assert 1 <= len(overdue) <= 15
    assert max(row.days_late for row in overdue) < 100
    response = signed_in("viewer").get("/oversight/audit-2021/overdue/")
    assert response.status_code == 200


def test_reminders_on_the_demo_day_are_few() -> None:
    assert send_due_reminders() <= 10


def test_a_report_is_as_of_the_plans_latest_approved_month(tmp_path: Path) -> None:
    call_command("report", "plan-tables", "--plan", DEMO_TRACKED_PLAN, "--format", "html",
                 "-o", str(tmp_path / "tables.html"))
    assert ReportSnapshot.objects.latest("pk").as_of == dt.date(2022, 2, 28)


def test_running_the_demo_again_keeps_users_data_and_adds_nothing() -> None:
    from rtis.orgs.models import User
    from rtis.tracking.actions import do_save_execution

    officer = User.objects.get(username="officer")
    draft = ExecutionRecord.objects.get(status=ExecutionStatus.DRAFT, node__plan__slug=DEMO_TRACKED_PLAN)
    saved = do_save_execution(officer, draft.node, draft.period, draft.version, spent=0,
                              committed=0)
    counts = [m.objects.count() for m in (ExecutionRecord, IndicatorReport, Milestone,
                                          ReportingPeriod, AuditEvent)]
    lines: list[str] = []
    setup_demo(lines.append)
    assert [m.objects.count() for m in (ExecutionRecord, IndicatorReport, Milestone,
                                        ReportingPeriod, AuditEvent)] == counts
    draft.refresh_from_db()
    assert (draft.version, draft.spent) == (saved.version, 0)


def test_running_the_demo_again_drops_an_earlier_demos_empty_periods_of_2026() -> None:
    from rtis.orgs.models import User
    from rtis.tracking.actions import do_open_period

    plan = Plan.objects.get(slug=DEMO_TRACKED_PLAN)
    planner = User.objects.get(username="planner")
    for number in (1, 2):
        do_open_period(planner, plan, kind="month", year=2026, number=number,
                       due_on=dt.date(2026, number, 10))
    setup_demo([].append)
    assert not ReportingPeriod.objects.filter(year=2026).exists()
    assert AuditEvent.objects.filter(action="delete", target_type__endswith="reportingperiod",
                                     reason__startswith="demo").count() == 2


def test_the_demo_applicant_signs_in_and_sees_its_submitted_application(demo: list[str]) -> None:
    from rtis.rnd.models import Application

    assert any("applicant / rtis-demo-applicant" in line for line in demo)
    page = signed_in("applicant").get("/rnd/my/")
    own = Application.objects.get(organisation__applicants__user__username="applicant")
    assert page.status_code == 200 and escape(own.title) in page.text
    assert own.status == "submitted" and own.attachments.count() == 1
    assert own.science_class == "LC" and own.development_phase == "03"
    others = Application.objects.exclude(pk=own.pk)
    assert all(escape(a.title) not in page.text for a in others)


# --- the backup round trip an operator relies on (was tests/ingest/test_backup_demo.py, which
# built a demo of its own): the demo database, after a month was approved, exported, restored by
# another `rtis` process into a new database, exported again: the same.

# Tables the demo with one approved month must fill: a backup that skipped one would show here.
MUST_HOLD = ["orgs.user", "orgs.department", "orgs.departmentname", "orgs.user_departments",
             "plans.plan", "plans.node", "plans.budgetline", "plans.indicator",
             "plans.statedtable", "plans.reference_nodes", "oversight.councilsession",
             "oversight.audititem", "oversight.audititem_departments",
             "tracking.reportingperiod", "tracking.executionrecord", "tracking.notification",
             "tracking.milestone", "tracking.pledgeprofile", "audit.auditevent"]


def backup_rtis(tmp_path: Path, database: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """`rtis ARGS` in a child process on another (SQLite) database."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("RTIS_", "DJANGO_"))}
    env.update({"RTIS_DATABASE_URL": f"sqlite:///{database}", "RTIS_DEBUG": "1",
                "RTIS_VAR_DIR": str(tmp_path / "var")})
    result = subprocess.run([sys.executable, "-m", "rtis", *args], env=env, cwd=tmp_path,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, f"rtis {' '.join(args)}:\n{result.stdout}\n{result.stderr}"
    return result


def approve_a_month() -> ExecutionRecord:
    """An officer enters a month of a unit project of the demo's plan; the planner approves it."""
    plan = Plan.objects.get(slug=DEMO_TRACKED_PLAN)
    officer, planner = User.objects.get(username="officer"), User.objects.get(username="planner")
    periods = ReportingPeriod.objects.filter(
        plan=plan, kind=tracking_settings(plan).execution_period, state=PeriodState.OPEN,
    ).order_by("year", "number")
    units = [n for n in plan.nodes.filter(children__isnull=True).order_by("position")
             if can_edit_node(officer, n)]
    for period in periods:
        for unit in units:
            if not ExecutionRecord.objects.filter(node=unit, period=period).exists():
                record = do_save_execution(officer, unit, period, None,
                                           original_budget=900_000_000, committed=600_000_000,
                                           spent=450_000_000)
                do_submit_entry(officer, record)
                return do_approve_entry(planner, record)
    pytest.fail("the demo opened no month an officer could enter")


def backup_entries(path: Path) -> dict[str, Any]:
    with zipfile.ZipFile(path) as archive:
        found: dict[str, Any] = {n: archive.read(n) for n in archive.namelist()}
    manifest = json.loads(found.pop(MANIFEST))
    # What two exports may differ in: when they were written, from which database engine.
    del manifest["created_at"], manifest["database"]
    found[MANIFEST] = manifest
    return found


def test_the_demo_database_survives_export_and_import_into_a_new_database(
    tmp_path: Path, migrated_sqlite: Callable[[Path], Path],
) -> None:
    approved = approve_a_month()
    first = tmp_path / "first.zip"
    with first.open("wb") as stream:
        write_backup(stream)

    target = migrated_sqlite(tmp_path / "restored.sqlite3")  # what `rtis migrate` makes
    restored = backup_rtis(tmp_path, target, "import", "all", str(first))
    assert "가져옴 / restored" in restored.stdout
    assert "changepassword" in restored.stderr
    second = tmp_path / "second.zip"
    backup_rtis(tmp_path, target, "export", "all", "-o", str(second))

    before, after = backup_entries(first), backup_entries(second)
    assert after == before
    tables = {t["model"]: t["rows"] for t in before[MANIFEST]["tables"]}
    assert [label for label in MUST_HOLD if not tables[label]] == []
    records = [json.loads(line) for line in
               before["data/tracking.executionrecord.jsonl"].decode().splitlines()]
    assert {"id": approved.pk, "status": ExecutionStatus.APPROVED, "spent": 450_000_000} \
        .items() <= next(r for r in records if r["id"] == approved.pk).items()
