"""Writes to council sessions and their items: permission, audit, one transaction."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from rtis.audit.log import record_create, record_creates, record_deletes
from rtis.audit.versioned import update_versioned
from rtis.lib.duedates import due_date
from rtis.lib.kdate import MAX_YEAR, MIN_YEAR
from rtis.lib.korean import particle
from rtis.orgs.access import is_planner
from rtis.orgs.actions import find_department
from rtis.oversight.access import require_audit_item_editor
from rtis.oversight.models import AuditItem, CouncilSession, Status
from rtis.plans.models import Plan
from rtis.search.index import index_objects

MAX_TEXT = 4000  # characters of 추진내용 or 향후계획; the longest printed answer is under 700


def follow_up_year(session_year: int) -> int:
    """Return the year a session's follow-up is scheduled in (the 2021 audit's is in '22)."""
    return session_year + 1


@transaction.atomic
def do_import_council_session(actor: Any | None, session: dict[str, Any],
                              items: list[dict[str, Any]], *, summary: dict[str, Any],
                              document: str = "", replace: bool = False) -> CouncilSession:
    """Create a council session with its items (replacing an existing one when asked)."""
    if actor is not None and not is_planner(actor):
        raise PermissionDenied("기획 담당자만 가져올 수 있습니다 / only planners may import")
    existing = CouncilSession.objects.filter(key=session["key"]).first()
    replaced: list[int] = []
    if existing is not None:
        if not replace:
            return existing
        record_deletes(actor, list(existing.items.all()), reason="session replaced by import")
        replaced = list(existing.items.values_list("pk", flat=True))
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
                  due_on=due_date(i.get("next_steps"), follow_up_year(created.year)),
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
    index_objects("audititem", [*replaced, *(row.pk for row in rows)])
    return created


def _clean_text(value: Any, field: str, label: str, english: str) -> str:
    """Return stripped text of at most MAX_TEXT characters or raise ValidationError naming it."""
    if not isinstance(value, str):
        raise ValidationError({field: f"{particle(label, '은는')} 문자열이어야 합니다 / "
                                      f"{english} must be text"})
    value = value.strip()
    if len(value) > MAX_TEXT:
        raise ValidationError({field: f"{particle(label, '은는')} {MAX_TEXT:,}자 이내여야 합니다 "
                                      f"(입력 {len(value):,}자) / {english}: at most "
                                      f"{MAX_TEXT:,} characters, got {len(value):,}"})
    return value


def validate_audit_item_update(*, status: Any, actions: Any, next_steps: Any,
                               due_on: Any) -> dict[str, Any]:
    """Return the checked changes of an item, or raise ValidationError naming every bad field."""
    errors: dict[str, str] = {}
    changes: dict[str, Any] = {}
    if status not in Status.values:
        known = ", ".join(Status.values)
        errors["status"] = (f"처리상황은 {known} 중 하나입니다: '{status}' / "
                            f"status must be one of {known}: '{status}'")
    else:
        changes["status"] = status
    for field, label, english, value in (
            ("actions", "추진내용", "the actions taken", actions),
            ("next_steps", "향후계획", "the next steps", next_steps)):
        try:
            changes[field] = _clean_text(value, field, label, english)
        except ValidationError as exc:
            errors.update({k: v[0] for k, v in exc.message_dict.items()})
    if due_on is not None and (isinstance(due_on, dt.datetime) or not isinstance(due_on, dt.date)
                               or not MIN_YEAR <= due_on.year <= MAX_YEAR):
        errors["due_on"] = (f"완료 기한은 {MIN_YEAR}~{MAX_YEAR}년 사이의 날짜여야 합니다: "
                            f"{due_on} / the due date must be a date within "
                            f"{MIN_YEAR}–{MAX_YEAR}: {due_on}")
    else:
        changes["due_on"] = due_on
    if errors:
        raise ValidationError(errors)
    return changes


@transaction.atomic
def do_update_audit_item(actor: Any, item: AuditItem, expected_version: int, *, status: str,
                         actions: str, next_steps: str, due_on: dt.date | None) -> AuditItem:
    """Record what was done about a council demand, refusing a stale version."""
    require_audit_item_editor(actor, item)
    changes = validate_audit_item_update(status=status, actions=actions, next_steps=next_steps,
                                         due_on=due_on)
    item = update_versioned(actor, item, expected_version, changes)
    index_objects("audititem", [item.pk])
    return item
