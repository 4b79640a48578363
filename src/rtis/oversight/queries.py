"""Read helpers: the follow-up summary is counted from the items, never typed."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, QuerySet

from rtis.audit.models import AuditEvent
from rtis.orgs.access import is_internal
from rtis.orgs.models import Department
from rtis.oversight.models import AuditItem, Category, CouncilSession, Status


def sessions_for_user(user: object) -> QuerySet[CouncilSession]:
    """Staff see every session; the public those whose report is published."""
    sessions = CouncilSession.objects.select_related("plan")
    return sessions if is_internal(user) else sessions.filter(plan__published=True)


@dataclass
class SummaryRow:
    label: str
    key: str
    cells: list[int]

    @property
    def total(self) -> int:
        return sum(self.cells)


@dataclass
class StatusSummary:
    statuses: list[Status]
    rows: list[SummaryRow]

    @property
    def column_totals(self) -> list[int]:
        return [sum(r.cells[i] for r in self.rows) for i in range(len(self.statuses))]

    @property
    def total(self) -> int:
        return sum(self.column_totals)


def status_summary(session: CouncilSession) -> StatusSummary:
    """Count items by category × status, with totals both ways (one query)."""
    counts = {(row["category"], row["status"]): row["n"] for row in
              AuditItem.objects.filter(session=session).values("category", "status")
              .annotate(n=Count("id"))}
    statuses = list(Status)
    rows = [SummaryRow(str(category.label), category.value,
                       [counts.get((category.value, s.value), 0) for s in statuses])
            for category in Category]
    return StatusSummary(statuses, rows)


@dataclass
class OverdueItem:
    item: AuditItem
    days_late: int


def overdue_items(session: CouncilSession, on: dt.date,
                  department_id: int | None = None) -> list[OverdueItem]:
    """List the items not 완료 whose due date is before a day, latest first (two queries)."""
    items = (AuditItem.objects.filter(session=session, due_on__lt=on)
             .exclude(status=Status.DONE).prefetch_related("departments"))
    if department_id is not None:
        items = items.filter(departments__id=department_id)
    order = {value: index for index, value in enumerate(Category.values)}
    rows = [OverdueItem(item, (on - item.due_on).days) for item in items if item.due_on]
    return sorted(rows, key=lambda r: (-r.days_late, order[r.item.category], r.item.number))


def session_departments(session: CouncilSession) -> list[Department]:
    """Return the departments linked to a session's items, by name (one query)."""
    return list(Department.objects.filter(audit_items__session=session).distinct()
                .order_by("name"))


@dataclass
class FieldChange:
    field: str
    label: str
    old: Any
    new: Any


@dataclass
class HistoryEntry:
    event: AuditEvent
    changes: list[FieldChange]


def field_label(field: str) -> str:
    """Return the (translated) label of an item field named in the audit trail."""
    labels = {f.name: f.verbose_name for f in AuditItem._meta.concrete_fields}
    return str(labels.get(field, field))


def item_history(item: AuditItem, limit: int = 200) -> list[HistoryEntry]:
    """Return the audit events of an item, newest first, with field labels (one query)."""
    events = (AuditEvent.objects.filter(target_type=AuditItem._meta.label_lower,
                                        target_id=str(item.pk)).order_by("-at", "-id")[:limit])
    return [HistoryEntry(e, [FieldChange(f, field_label(f), pair[0], pair[1])
                             for f, pair in e.changes.items()]) for e in events]
