"""Load the Seoul seed dataset (src/rtis/seed/) through the plan import path, all or nothing."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import transaction

from rtis.audit.log import record_deletes
from rtis.ingest.actions import do_import_plan, do_load_references, known_department_names
from rtis.ingest.planfile import PlanFileError, parse_plan_doc
from rtis.lib.org_history import OrgHistoryFile
from rtis.lib.seed_schema import (
    SeedAuditFile,
    SeedError,
    SeedPlanFile,
    SeedReferencesFile,
    parse_seed_text,
    seed_to_plan_doc,
)
from rtis.orgs.actions import do_load_org_history
from rtis.oversight.actions import do_import_council_session
from rtis.oversight.models import CouncilSession
from rtis.plans.models import FundingSource, Plan
from rtis.tracking.models import ExecutionRecord, IndicatorReport, Milestone
from rtis.tracking.pledge import do_load_pledge_seed

SEED_DIR = Path(__file__).resolve().parent.parent / "seed"


@dataclass
class SeedReport:
    created: list[str] = field(default_factory=list)
    replaced: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)
    other_files: list[str] = field(default_factory=list)


def seed_files(directory: Path = SEED_DIR) -> list[Path]:
    """Return the seed files in a stable order."""
    return sorted(directory.rglob("*.yaml"))


def read_seed(directory: Path = SEED_DIR, only: str | None = None,
              ) -> tuple[list[tuple[Path, SeedPlanFile]], list[Path]]:
    """Parse every seed file (or only `<only>.yaml`); raise SeedError listing all problems."""
    plans, others, problems = [], [], []
    for path in seed_files(directory):
        if only is not None and path.stem != only:
            continue
        name = str(path.relative_to(directory.parent))
        try:
            parsed = parse_seed_text(path.read_text(encoding="utf-8"), name)
        except SeedError as exc:
            problems.extend(exc.problems)
            continue
        if isinstance(parsed, SeedPlanFile):
            plans.append((path, parsed))
        else:
            others.append(path)
    if problems:
        raise SeedError(problems)
    return plans, others


def _audit_files(directory: Path) -> list[tuple[Path, SeedAuditFile]]:
    found = []
    for path in seed_files(directory):
        if path.parent.name == "oversight":
            parsed = parse_seed_text(path.read_text(encoding="utf-8"),
                                     str(path.relative_to(directory.parent)))
            if isinstance(parsed, SeedAuditFile):
                found.append((path, parsed))
    return found


def _org_files(directory: Path) -> list[tuple[Path, OrgHistoryFile]]:
    """Return the organisation history files (seed/orgs/), loaded before any plan."""
    found = []
    for path in seed_files(directory):
        if path.parent.name == "orgs":
            parsed = parse_seed_text(path.read_text(encoding="utf-8"),
                                     str(path.relative_to(directory.parent)))
            if isinstance(parsed, OrgHistoryFile):
                found.append((path, parsed))
    return found


def _clear_tracking_entries(actor: Any | None, slug: str) -> None:
    """Delete a replaced plan's entries that hold its reporting periods (audited).

    Milestones, indicator reports and execution records protect their period from deletion; a
    plan replaced by its seed loses its nodes and periods, so these go first, with a trail.
    """
    entries: list[Milestone | IndicatorReport | ExecutionRecord] = [
        *Milestone.objects.filter(period__plan__slug=slug).select_related("node", "period"),
        *IndicatorReport.objects.filter(period__plan__slug=slug)
        .select_related("indicator__node", "period"),
        *ExecutionRecord.objects.filter(period__plan__slug=slug).select_related("node", "period"),
    ]
    if not entries:
        return
    record_deletes(actor, entries, reason="plan replaced by seed")
    for model in (Milestone, IndicatorReport, ExecutionRecord):
        model.objects.filter(period__plan__slug=slug).delete()


@transaction.atomic
def load_seed(actor: Any | None = None, *, replace: bool = False,
              directory: Path = SEED_DIR, only: str | None = None) -> SeedReport:
    """Load every seed plan that is not in the database yet (or replace them all)."""
    plans, others = read_seed(directory, only)
    sessions = _audit_files(directory)
    orgs = _org_files(directory)
    audit_paths = {path for path, _ in sessions} | {path for path, _ in orgs}
    report = SeedReport(other_files=[p.name for p in others if p not in audit_paths
                                     and "references" not in p.name
                                     and p.parent.name != "refdata"])
    # The organisation's dated history first: plans then find their departments (under any
    # name they print) and keep the hierarchy of their own day, whichever plan loads last.
    for path, org in orgs:
        if do_load_org_history(actor, org):
            report.created.append(f"orgs/{path.name}")
    sources = set(FundingSource.objects.values_list("code", flat=True))
    for path, seed in plans:
        exists = Plan.objects.filter(slug=seed.plan.slug).exists()
        if exists and not replace:
            report.kept.append(seed.plan.slug)
            continue
        name = f"seed/{path.parent.name}/{path.name}"
        try:
            doc = parse_plan_doc(seed_to_plan_doc(seed), name, sources, known_department_names())
        except PlanFileError as exc:
            raise SeedError([(name, None, p, m) for p, m in exc.problems]) from None
        if exists:
            _clear_tracking_entries(actor, seed.plan.slug)
        plan = do_import_plan(actor, doc, replace=exists, source=name)
        if seed.pledge is not None:
            do_load_pledge_seed(actor, plan, seed, name)
        (report.replaced if exists else report.created).append(seed.plan.slug)
    if only is None:
        for path in others:
            parsed = parse_seed_text(path.read_text(encoding="utf-8"),
                                     str(path.relative_to(directory.parent)))
            if isinstance(parsed, SeedReferencesFile):
                report.created.extend(do_load_references(actor, parsed))
    for _path, audit in sessions:
        if only is not None and audit.session.plan != only:
            continue
        exists = CouncilSession.objects.filter(key=audit.session.key).exists()
        # A replaced plan drops its sessions' link: reload them with it.
        if exists and not replace and audit.session.plan not in report.replaced:
            report.kept.append(audit.session.key)
            continue
        do_import_council_session(
            actor, audit.session.model_dump(), [i.model_dump() for i in audit.items],
            summary=audit.summary_table.model_dump(mode="json"), document=audit.document,
            replace=True)
        (report.replaced if exists else report.created).append(audit.session.key)
    if only is None:
        # The Seoul-type R&D programmes seed 001 names, linked to the 5th S&T plan's items.
        from rtis.rnd.seed import do_load_programmes

        report.created.extend(f"rnd: {change}" for change in do_load_programmes(actor))
        # Anchor facilities and funds the documents print, linked to the plans' items.
        from rtis.facilities.seed import do_load_facility_seed

        report.created.extend(do_load_facility_seed(actor))
        # The undertakings followed across plans (양재, 홍릉).
        from rtis.lineage.seed import do_load_lineage_seed

        report.created.extend(do_load_lineage_seed(actor))
        # The versioned reference code lists (seed/refdata/) that national data resolves against.
        from rtis.refdata.seed import load_refdata

        report.created.extend(load_refdata(actor, others))
    from rtis.search.index import reindex

    reindex()  # what was loaded becomes searchable (rtis search reindex does the same)
    return report
