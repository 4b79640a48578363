"""The backup round trip an operator relies on: the demo database, after a month was approved,
exported, restored by another `rtis` process into a new database, exported again: the same."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command

from rtis.ingest.backup import MANIFEST, write_backup
from rtis.orgs.models import User
from rtis.plans.access import can_edit_node
from rtis.plans.models import Plan
from rtis.tracking.actions import (
    do_approve_entry,
    do_save_execution,
    do_submit_entry,
    tracking_settings,
)
from rtis.tracking.models import ExecutionRecord, ExecutionStatus, PeriodState, ReportingPeriod
from rtis.web.management.commands.rtis_demo import DEMO_TRACKED_PLAN

# Tables the demo with one approved month must fill: a backup that skipped one would show here.
MUST_HOLD = ["orgs.user", "orgs.department", "orgs.departmentname", "orgs.user_departments",
             "plans.plan", "plans.node", "plans.budgetline", "plans.indicator",
             "plans.statedtable", "plans.reference_nodes", "oversight.councilsession",
             "oversight.audititem", "oversight.audititem_departments",
             "tracking.reportingperiod", "tracking.executionrecord", "tracking.notification",
             "tracking.milestone", "tracking.pledgeprofile", "audit.auditevent"]


def rtis(tmp_path: Path, database: Path, *args: str) -> subprocess.CompletedProcess[str]:
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


def entries(path: Path) -> dict[str, Any]:
    with zipfile.ZipFile(path) as archive:
        found: dict[str, Any] = {n: archive.read(n) for n in archive.namelist()}
    manifest = json.loads(found.pop(MANIFEST))
    # What two exports may differ in: when they were written, from which database engine.
    del manifest["created_at"], manifest["database"]
    found[MANIFEST] = manifest
    return found


def test_the_demo_database_survives_export_and_import_into_a_new_database(
    db: Any, tmp_path: Path, migrated_sqlite: Callable[[Path], Path],
) -> None:
    call_command("rtis_demo", no_serve=True, stdout=io.StringIO())
    approved = approve_a_month()
    first = tmp_path / "first.zip"
    with first.open("wb") as stream:
        write_backup(stream)

    target = migrated_sqlite(tmp_path / "restored.sqlite3")  # what `rtis migrate` makes
    restored = rtis(tmp_path, target, "import", "all", str(first))
    assert "가져옴 / restored" in restored.stdout
    assert "changepassword" in restored.stderr
    second = tmp_path / "second.zip"
    rtis(tmp_path, target, "export", "all", "-o", str(second))

    before, after = entries(first), entries(second)
    assert after == before
    tables = {t["model"]: t["rows"] for t in before[MANIFEST]["tables"]}
    assert [label for label in MUST_HOLD if not tables[label]] == []
    records = [json.loads(line) for line in
               before["data/tracking.executionrecord.jsonl"].decode().splitlines()]
    assert {"id": approved.pk, "status": ExecutionStatus.APPROVED, "spent": 450_000_000} \
        .items() <= next(r for r in records if r["id"] == approved.pk).items()
