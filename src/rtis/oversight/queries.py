"""Read helpers: the follow-up summary is counted from the items, never typed."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, QuerySet

from rtis.orgs.access import is_internal
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
