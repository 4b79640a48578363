"""The planners' approval queue (결재 대기): who submitted what, when, filtered; decisions in bulk.

A bulk decision is a series of single decisions, one `do_approve_entry` / `do_return_entry` call
(its own transaction) per entry, and each entry's outcome is reported on its own. Approvals are
independent: an entry that another planner already decided, or that its department changed
after the queue was shown (a stale version), says nothing about the others, so refusing the
whole batch would only make the planner select everything again.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.http import QueryDict

from rtis.audit.models import AuditEvent
from rtis.lib.conflict import EditConflict
from rtis.lib.numbers import ascii_int
from rtis.orgs.models import Department
from rtis.tracking import actions, notify
from rtis.tracking.models import (
    ApprovalEntry,
    ExecutionRecord,
    ExecutionStatus,
    IndicatorReport,
    Milestone,
)
from rtis.tracking.queries import owner_of, tree_and_owners

ENTRY_KINDS: dict[str, type[ApprovalEntry]] = {
    "execution": ExecutionRecord, "indicator": IndicatorReport, "milestone": Milestone}
NODE_PATHS = {"execution": "node", "indicator": "indicator__node", "milestone": "node"}


def kind_of(entry: ApprovalEntry) -> str:
    """Return the URL slug of an entry's kind: execution, indicator or milestone."""
    return next(k for k, model in ENTRY_KINDS.items() if isinstance(entry, model))


@dataclass(frozen=True)
class QueueFilters:
    """What the planner narrowed the queue to; blank means every value."""

    plan: str = ""
    department: int | None = None
    kind: str = ""
    period: str = ""  # a period label, "2019-07" or "2019-Q3"

    @classmethod
    def from_query(cls, query: QueryDict) -> QueueFilters:
        department = query.get("department", "")
        kind = query.get("kind", "")
        return cls(plan=query.get("plan", "").strip(),
                   department=ascii_int(department),
                   kind=kind if kind in ENTRY_KINDS else "",
                   period=query.get("period", "").strip())


@dataclass(frozen=True)
class QueueRow:
    entry: ApprovalEntry
    kind: str
    department: Department | None
    submitter: str
    submitted_at: dt.datetime | None

    @property
    def token(self) -> str:
        """Return what a row's checkbox posts: kind, id and the version the planner saw."""
        return f"{self.kind}:{self.entry.pk}:{self.entry.version}"


@dataclass
class Queue:
    rows: list[QueueRow]
    total: int  # submitted entries before filtering
    departments: list[Department] = field(default_factory=list)
    periods: list[str] = field(default_factory=list)


def _submitted_sets(plan_slug: str) -> list[tuple[str, QuerySet[Any]]]:
    sets: list[tuple[str, QuerySet[Any]]] = [
        ("execution", ExecutionRecord.objects.select_related("node__plan", "period")),
        ("indicator", IndicatorReport.objects.select_related("indicator__node__plan", "period")),
        ("milestone", Milestone.objects.select_related("node__plan", "period")),
    ]
    found = []
    for kind, entries in sets:
        entries = entries.filter(status=ExecutionStatus.SUBMITTED)
        if plan_slug:
            entries = entries.filter(**{f"{NODE_PATHS[kind]}__plan__slug": plan_slug})
        found.append((kind, entries))
    return found


def _submissions(entries: list[tuple[str, ApprovalEntry]]) -> dict[tuple[str, str], AuditEvent]:
    """Return, per (model label, id), the audit event of the entry's latest submission."""
    wanted = Q(pk__in=[])
    by_type: dict[str, list[str]] = {}
    for _kind, entry in entries:
        by_type.setdefault(entry._meta.label_lower, []).append(str(entry.pk))
    for target_type, ids in by_type.items():
        wanted |= Q(target_type=target_type, target_id__in=ids)
    latest: dict[tuple[str, str], AuditEvent] = {}
    if not by_type:
        return latest
    for event in (AuditEvent.objects.filter(wanted, reason="submit")
                  .select_related("actor").order_by("at", "id")):
        latest[(event.target_type, event.target_id)] = event  # the last one wins
    return latest


def approval_queue(filters: QueueFilters) -> Queue:
    """Return the submitted entries with department, submitter and time, oldest period first.

    A constant number of queries whatever the queue's length: one per kind of entry, the plans'
    trees for ownership, the departments, and the submissions in the audit trail.
    """
    entries: list[tuple[str, ApprovalEntry]] = []
    for kind, entry_set in _submitted_sets(filters.plan):
        entries.extend((kind, e) for e in entry_set)
    plan_ids = {e.owner_node().plan_id for _, e in entries}
    parents, owners = tree_and_owners(plan_ids) if plan_ids else ({}, {})
    owner_ids = {kind_entry: owner_of(kind_entry[1].owner_node().pk, parents, owners)
                 for kind_entry in entries}
    departments = Department.objects.in_bulk({d for d in owner_ids.values() if d is not None})
    submissions = _submissions(entries)
    rows = []
    for kind, entry in entries:
        event = submissions.get((entry._meta.label_lower, str(entry.pk)))
        submitter = ""
        if event is not None:
            submitter = event.actor.display_name if event.actor else event.actor_name
        owner = owner_ids[(kind, entry)]
        rows.append(QueueRow(entry, kind, departments.get(owner) if owner else None, submitter,
                             event.at if event else None))
    rows.sort(key=lambda r: (r.entry.period.year, r.entry.period.number,
                             r.entry.owner_node().plan.slug, r.entry.owner_node().position,
                             r.kind, r.entry.pk))
    queue = Queue(rows=[r for r in rows if _matches(r, filters)], total=len(rows))
    queue.departments = sorted({r.department for r in rows if r.department},
                               key=lambda d: d.name)
    queue.periods = sorted({r.entry.period.label for r in rows})
    return queue


def _matches(row: QueueRow, filters: QueueFilters) -> bool:
    if filters.kind and row.kind != filters.kind:
        return False
    if filters.period and row.entry.period.label != filters.period:
        return False
    return filters.department is None or (
        row.department is not None and row.department.pk == filters.department)


def submitted_count() -> int:
    """Count the entries waiting for approval, in one query."""
    counts = [model._default_manager.filter(status=ExecutionStatus.SUBMITTED).order_by().values("pk")
              for model in ENTRY_KINDS.values()]
    return counts[0].union(*counts[1:], all=True).count()


# --- decisions in bulk ------------------------------------------------------------------------


@dataclass(frozen=True)
class Outcome:
    """What happened to one selected entry."""

    label: str
    ok: bool
    reason: str = ""


def _parse(token: str) -> tuple[str, int, int] | None:
    parts = token.split(":")
    if len(parts) != 3 or parts[0] not in ENTRY_KINDS:
        return None
    pk, version = ascii_int(parts[1]), ascii_int(parts[2])
    if pk is None or version is None:
        return None
    return parts[0], pk, version


def _load(picks: list[tuple[str, int, int]]) -> dict[tuple[str, int], ApprovalEntry]:
    found: dict[tuple[str, int], ApprovalEntry] = {}
    for kind in ENTRY_KINDS:
        ids = [pk for k, pk, _ in picks if k == kind]
        if not ids:
            continue
        related = ("indicator__node__plan", "period") if kind == "indicator" else (
            "node__plan", "period")
        for entry in ENTRY_KINDS[kind]._default_manager.filter(pk__in=ids).select_related(*related):
            found[(kind, entry.pk)] = entry
    return found


def decide_entries(actor: Any, decision: str, tokens: Iterable[str],
                   comment: str = "") -> list[Outcome]:
    """Approve or return each selected entry through its own action call; report each outcome.

    Not one transaction on purpose (see the module's docstring): every entry is decided, or
    refused with the reason, on its own.
    """
    if decision not in {"approve", "return"}:
        raise ValidationError({"decision": f"알 수 없는 결재 '{decision}' / unknown decision"})
    tokens = list(dict.fromkeys(tokens))  # a token posted twice is decided once
    parsed = {token: _parse(token) for token in tokens}
    entries = _load([p for p in parsed.values() if p is not None])
    outcomes = []
    for token in tokens:  # in the order the queue showed them
        pick = parsed[token]
        if pick is None:
            outcomes.append(Outcome(token[:40], False, "알 수 없는 항목 / unknown entry"))
            continue
        kind, pk, version = pick
        entry = entries.get((kind, pk))
        if entry is None:
            outcomes.append(Outcome(f"{kind} {pk}", False, "없는 항목 / no such entry"))
            continue
        label = notify.entry_label(entry)
        try:
            if decision == "approve":
                actions.do_approve_entry(actor, entry, version)
            else:
                actions.do_return_entry(actor, entry, comment, version)
        except EditConflict as exc:
            outcomes.append(Outcome(label, False, str(exc)))
        except ValidationError as exc:
            outcomes.append(Outcome(label, False, " ".join(exc.messages)))
        else:
            outcomes.append(Outcome(label, True))
    return outcomes
