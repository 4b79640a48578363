"""Read helpers: the follow-up summary is counted from the items, never typed."""

from __future__ import annotations

from django.db.models import Count, QuerySet

from rtis.orgs.access import is_internal
from rtis.oversight.models import AuditItem, Category, CouncilSession, Status


def sessions_for_user(user: object) -> QuerySet[CouncilSession]:
    """Staff see every session; the public those whose report is published."""
    sessions = CouncilSession.objects.select_related("plan")
    return sessions if is_internal(user) else sessions.filter(plan__published=True)


def status_summary(session: CouncilSession) -> dict[str, object]:
    """Count items by category × status, with totals both ways (one query)."""
    counts = {(row["category"], row["status"]): row["n"] for row in
              AuditItem.objects.filter(session=session).values("category", "status")
              .annotate(n=Count("id"))}
    statuses = list(Status)
    rows = []
    for category in Category:
        cells = [counts.get((category.value, s.value), 0) for s in statuses]
        rows.append({"label": category.label, "key": category.value, "cells": cells,
                     "total": sum(cells)})
    column_totals = [sum(r["cells"][i] for r in rows) for i in range(len(statuses))]
    return {"statuses": statuses, "rows": rows, "column_totals": column_totals,
            "total": sum(column_totals)}
