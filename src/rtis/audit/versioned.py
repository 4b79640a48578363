"""Optimistic locking: an update applies only to the version the editor saw."""

from __future__ import annotations

from typing import Any, TypeVar

from django.db import models
from django.db.models import F

from rtis.audit.log import field_values, record_change
from rtis.audit.models import AuditEvent
from rtis.lib.conflict import EditConflict

M = TypeVar("M", bound=models.Model)


def conflict_for(current: models.Model, fields: list[str]) -> EditConflict:
    """Return the EditConflict describing what `current` holds now and who changed it last."""
    model = type(current)
    last = (
        AuditEvent.objects.filter(target_type=model._meta.label_lower, target_id=str(current.pk))
        .order_by("-at", "-id")
        .first()
    )
    return EditConflict(
        str(current),
        field_values(current, fields),
        current.version,  # type: ignore[attr-defined]
        changed_by=last.actor_name if last else "",
    )


def update_versioned(actor: Any | None, obj: M, expected_version: int,
                     changes: dict[str, Any], reason: str = "") -> M:
    """Apply changes if the row still has expected_version; else raise EditConflict."""
    model = type(obj)
    old = {name: getattr(obj, name) for name in changes}
    updated = model._default_manager.filter(pk=obj.pk, version=expected_version).update(
        **changes, version=F("version") + 1
    )
    if not updated:
        current = model._default_manager.get(pk=obj.pk)
        raise conflict_for(current, list(changes))
    obj.refresh_from_db()
    record_change(actor, obj, {name: [old[name], getattr(obj, name)] for name in changes}, reason)
    return obj
