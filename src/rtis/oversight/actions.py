"""Writes to council sessions and their items: permission, audit, one transaction."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction

from rtis.audit.log import record_create, record_creates, record_deletes
from rtis.orgs.access import is_planner
from rtis.orgs.actions import find_department
from rtis.oversight.models import AuditItem, CouncilSession
from rtis.plans.models import Plan


@transaction.atomic
def do_import_council_session(actor: Any | None, session: dict[str, Any],
                              items: list[dict[str, Any]], *, summary: dict[str, Any],
                              document: str = "", replace: bool = False) -> CouncilSession:
    """Create a council session with its items (replacing an existing one when asked)."""
    if actor is not None and not is_planner(actor):
        raise PermissionDenied("기획 담당자만 가져올 수 있습니다 / only planners may import")
    existing = CouncilSession.objects.filter(key=session["key"]).first()
    if existing is not None:
        if not replace:
            return existing
        record_deletes(actor, list(existing.items.all()), reason="session replaced by import")
        existing.delete()
    plan = Plan.objects.filter(slug=session["plan"]).first() if session.get("plan") else None
    created = CouncilSession.objects.create(
        key=session["key"], title=session["title"], body=session.get("body") or "",
        committee=session.get("committee") or "", year=session["year"], plan=plan,
        source_document=document, summary_table=summary)
    record_create(actor, created, reason="import")
    rows = AuditItem.objects.bulk_create([
        AuditItem(session=created, category=i["category"], number=i["number"], title=i["title"],
                  department_names=i["departments"], status=i["status"],
                  status_as_printed=i.get("status_as_printed") or "",
                  actions=i.get("actions") or "", next_steps=i.get("next_steps") or "",
                  provenance={"document": document, **(i.get("provenance") or {})})
        for i in items
    ])
    links = []
    for row in rows:
        for name in row.department_names:
            department = find_department(name)
            if department is not None:
                links.append(AuditItem.departments.through(audititem_id=row.pk,
                                                           department_id=department.pk))
    AuditItem.departments.through.objects.bulk_create(links, ignore_conflicts=True)
    record_creates(actor, rows, reason="import")
    return created
