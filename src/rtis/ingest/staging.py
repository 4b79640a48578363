"""Stage, map, preview and commit table imports: all or nothing, audited."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from rtis.audit.log import record_change, record_create
from rtis.audit.versioned import conflict_for, update_versioned
from rtis.checks.run import check_plan
from rtis.ingest.models import BatchStatus, ImportBatch
from rtis.lib.consistency import Finding
from rtis.lib.staging import Candidate, Problem, TableMapping, candidates_from, guess_mapping
from rtis.plans.access import require_planner
from rtis.plans.actions import do_set_budget_line
from rtis.plans.models import BudgetLine, Plan


@dataclass
class Preview:
    candidates: list[Candidate]
    problems: list[Problem]
    findings: list[Finding]
    changes: list[Candidate] = field(default_factory=list)  # new lines or other amounts

    @property
    def committable(self) -> bool:
        """Tell whether committing would write anything: no problem and some change."""
        return not self.problems and bool(self.changes)


@transaction.atomic
def do_stage_import(actor: Any, plan: Plan, file_name: str, data: bytes) -> ImportBatch:
    """Extract the tables of an uploaded file and stage them with a proposed mapping."""
    from rtis.ingest.tables import extract_tables

    require_planner(actor)
    # extract_tables enforces every limit (size, entries, ratio, entities) and names the reason.
    extracted = extract_tables(data, file_name)
    if not extracted:
        raise ValidationError({"file": f"{file_name}: 표가 없습니다 / no tables found"})
    titles = dict(plan.nodes.values_list("code", "title"))
    tables: list[dict[str, Any]] = [
        {"index": t.index, "caption": t.caption, "sheet": t.sheet, "cells": t.cells,
         "merges": [list(m) for m in t.merges]} for t in extracted]
    batch = ImportBatch.objects.create(
        plan=plan, file_name=file_name[:255], file_sha256=hashlib.sha256(data).hexdigest(),
        file_kind=file_name.rsplit(".", 1)[-1].lower()[:10], tables=tables,
        mapping=[guess_mapping(i, t["cells"], titles).to_dict() for i, t in enumerate(tables)],
        created_by=actor)
    record_create(actor, batch, fields={"file": file_name, "tables": len(tables),
                                        "plan": plan.slug})
    return batch


def _require_staged(batch: ImportBatch) -> None:
    if batch.status != BatchStatus.STAGED:
        raise ValidationError({"status": f"이미 {batch.get_status_display()} 상태입니다 / "
                                         f"the import is already {batch.status}"})


@transaction.atomic
def do_set_import_mapping(actor: Any, batch: ImportBatch, mapping: list[dict[str, Any]],
                          expected_version: int | None = None) -> None:
    """Replace the mapping of a staged import (validated shape; cells are checked at preview).

    expected_version is the page's: a mapping another planner saved in between is not
    overwritten (EditConflict), and a save without one never overwrites anything.
    """
    require_planner(actor)
    _require_staged(batch)
    try:
        parsed = [TableMapping.from_dict(m).to_dict() for m in mapping]
    except (KeyError, TypeError, ValueError) as exc:
        raise ValidationError(
            {"mapping": f"대응 형식이 잘못되었습니다 / malformed mapping: {exc}"}) from None
    if expected_version is None:
        raise conflict_for(batch, ["mapping"])
    update_versioned(actor, batch, expected_version, {"mapping": parsed})


class _Rollback(Exception):
    pass


def preview_import(batch: ImportBatch, actor: Any) -> Preview:
    """Validate the mapped cells and show what the checker would say after the import (no writes)."""
    grids = [t["cells"] for t in batch.tables]
    codes = set(batch.plan.nodes.values_list("code", flat=True))
    candidates, problems = candidates_from(
        grids, [TableMapping.from_dict(m) for m in batch.mapping], codes)
    stored = {(code, year, source): amount for code, year, source, amount in
              BudgetLine.objects.filter(node__plan=batch.plan).values_list(
                  "node__code", "year", "source_id", "amount_won")}
    changes = [c for c in candidates if stored.get((c.node, c.year, c.source)) != c.amount_won]
    findings: list[Finding] = []
    if changes and not problems:
        try:
            with transaction.atomic():
                _apply(actor, batch.plan, candidates)
                findings = check_plan(batch.plan)
                raise _Rollback
        except _Rollback:
            pass
    return Preview(candidates, problems, findings, changes)


def _apply(actor: Any | None, plan: Plan, candidates: list[Candidate]) -> None:
    nodes = {n.code: n for n in plan.nodes.all()}
    for c in candidates:
        do_set_budget_line(actor, nodes[c.node], year=c.year, source_code=c.source,
                           amount_won=c.amount_won, replace=True)


@transaction.atomic
def do_commit_import(actor: Any, batch: ImportBatch) -> int:
    """Write every mapped cell as a budget line, or nothing if any cell is wrong."""
    require_planner(actor)
    batch = ImportBatch.objects.select_for_update().get(pk=batch.pk)
    _require_staged(batch)
    preview = preview_import(batch, actor)
    if preview.problems:
        raise ValidationError({"cells": [f"{p.where()}: {p.reason}" for p in preview.problems]})
    if not preview.candidates:
        raise ValidationError({"mapping": "반영할 값이 없습니다 / nothing is mapped"})
    if not preview.changes:
        raise ValidationError({"mapping": "모든 값이 이미 소요예산과 같아 반영할 것이 없습니다 / "
                                          "every value is already stored: nothing would change"})
    _apply(actor, batch.plan, preview.candidates)
    batch.status = BatchStatus.COMMITTED
    batch.save(update_fields=["status"])
    record_change(actor, batch, {"status": [BatchStatus.STAGED, BatchStatus.COMMITTED]},
                  reason=f"{len(preview.candidates)} budget lines")
    return len(preview.candidates)


@transaction.atomic
def do_discard_import(actor: Any, batch: ImportBatch) -> None:
    """Discard a staged import."""
    if actor is None or not getattr(actor, "is_authenticated", False):
        raise PermissionDenied
    require_planner(actor)
    _require_staged(batch)
    batch.status = BatchStatus.DISCARDED
    batch.save(update_fields=["status"])
    record_change(actor, batch, {"status": [BatchStatus.STAGED, BatchStatus.DISCARDED]})
