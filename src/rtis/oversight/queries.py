"""Read helpers: the follow-up summary is counted from the items, never typed."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Case, Count, IntegerField, Q, QuerySet, Value, When

from rtis.audit.models import AuditEvent
from rtis.audit.present import Change, Entry, present
from rtis.orgs.access import is_internal
from rtis.orgs.models import Department
from rtis.oversight.models import AuditItem, Category, CouncilSession, Status
from rtis.search.queries import matching_keys


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


def field_label(field: str) -> str:
    """Return the (translated) label of an item field named in the audit trail."""
    labels = {f.name: f.verbose_name for f in AuditItem._meta.concrete_fields}
    return str(labels.get(field, field))


def item_history(item: AuditItem, limit: int = 200) -> list[Entry]:
    """Return the audit events of an item, newest first, in the reader's words (one query)."""
    events = (AuditEvent.objects.filter(target_type=AuditItem._meta.label_lower,
                                        target_id=str(item.pk)).order_by("-at", "-id")[:limit])
    return present(events)


# What the public reads of an item's history: when its follow-up changed, not who changed it.
PUBLIC_HISTORY_FIELDS = frozenset({"status", "actions", "next_steps", "due_on"})


@dataclass
class PublicStep:
    at: dt.datetime
    changes: list[Change]


def public_history(item: AuditItem, limit: int = 200) -> list[PublicStep]:
    """Return the dated changes of an item's follow-up, newest first, without names or notes."""
    steps = []
    for entry in item_history(item, limit):
        if entry.event.action != "update":
            continue
        changes = [c for c in entry.changes if c.field in PUBLIC_HISTORY_FIELDS]
        if changes:
            steps.append(PublicStep(entry.event.at, changes))
    return steps


def search_items(session: CouncilSession, *, category: str = "", status: str = "", text: str = "",
                 department_id: int | None = None) -> QuerySet[AuditItem]:
    """Return a session's items matching the filters, in document order.

    `text` matches a part of the demand, of what was done or planned, or of a department's
    name, as printed or as linked (plain substring, case-insensitive), or as the site's search
    does (rtis.search: 2-syllable words, nouns with particles, compounds written apart).
    """
    items = AuditItem.objects.filter(session=session)
    if category in Category.values:
        items = items.filter(category=category)
    if status in Status.values:
        items = items.filter(status=status)
    if department_id is not None:
        items = items.filter(departments__id=department_id)
    text = text.strip()
    if text:
        # Printed department names are JSON (escaped on some databases): matched here.
        printed = [pk for pk, names in AuditItem.objects.filter(session=session)
                   .values_list("id", "department_names")
                   if any(text.casefold() in str(name).casefold() for name in names or [])]
        items = items.filter(Q(title__icontains=text) | Q(actions__icontains=text)
                             | Q(next_steps__icontains=text) | Q(departments__name__icontains=text)
                             | Q(id__in=printed) | Q(id__in=[int(k) for k in
                                                       matching_keys("audititem", text)]))
    in_document_order = Case(*(When(category=value, then=Value(index))
                               for index, value in enumerate(Category.values)),
                             output_field=IntegerField())
    return (items.distinct().annotate(category_order=in_document_order)
            .order_by("category_order", "number"))
