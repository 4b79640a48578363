"""Record audit events; called only from action functions."""

from __future__ import annotations

import datetime as dt
import decimal
from collections.abc import Iterable, Mapping
from typing import Any

from django.db import models
from django.utils import timezone

from rtis.audit.models import AuditAction, AuditEvent
from rtis.audit.rows import insert_rows

SYSTEM_ACTOR_NAME = "system"
# Never copied into the trail: a password hash is a secret even when it changes.
SECRET_FIELDS = {"password"}
HIDDEN = "(변경됨 / changed)"


def jsonable(value: Any) -> Any:
    """Turn a field value into something JSON keeps without loss."""
    if isinstance(value, decimal.Decimal):
        return int(value) if value == value.to_integral_value() else str(value)
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, models.Model):
        return str(value)
    return value


def field_values(obj: models.Model, fields: Iterable[str] | None = None) -> dict[str, Any]:
    """Return the concrete, audited field values of a model instance."""
    names = fields or [
        f.attname
        for f in obj._meta.concrete_fields
        if not f.primary_key and f.attname not in {"version", "created_at", "updated_at"}
    ]
    return {name: HIDDEN if name in SECRET_FIELDS else jsonable(getattr(obj, name))
            for name in names}


def _scope(obj: models.Model) -> tuple[int | None, int | None]:
    scope = getattr(obj, "audit_scope", None)
    if callable(scope):
        plan_id, node_id = scope()
        return plan_id, node_id
    return None, None


def _event(actor: Any | None, action: str, obj: models.Model, changes: Mapping[str, Any],
           reason: str = "") -> AuditEvent:
    plan_id, node_id = _scope(obj)
    return AuditEvent(
        actor=actor if actor is not None and actor.is_authenticated else None,
        actor_name=getattr(actor, "username", "") or SYSTEM_ACTOR_NAME,
        action=action,
        target_type=obj._meta.label_lower,
        target_id=str(obj.pk),
        target_repr=str(obj)[:300],
        plan_id=plan_id,
        node_id=node_id,
        changes=dict(changes),
        reason=reason[:300],
    )


def record_create(actor: Any | None, obj: models.Model, fields: Mapping[str, Any] | None = None,
                  reason: str = "") -> AuditEvent:
    """Record that obj was created, with its values."""
    values = dict(fields) if fields is not None else field_values(obj)
    event = _event(actor, AuditAction.CREATE, obj, {k: [None, v] for k, v in values.items()}, reason)
    event.save()
    return event


def record_creates(actor: Any | None, objs: Iterable[models.Model], reason: str = "") -> int:
    """Record many creations in one insert (imports)."""
    events = [
        _event(actor, AuditAction.CREATE, obj,
               {k: [None, v] for k, v in field_values(obj).items()}, reason)
        for obj in objs
    ]
    AuditEvent.objects.bulk_create(events, batch_size=500)
    return len(events)


def _real_changes(changes: Mapping[str, list[Any]]) -> dict[str, list[Any]]:
    return {k: ([None, HIDDEN] if k in SECRET_FIELDS else [jsonable(v[0]), jsonable(v[1])])
            for k, v in changes.items() if v[0] != v[1]}


def record_change(actor: Any | None, obj: models.Model, changes: Mapping[str, list[Any]],
                  reason: str = "") -> AuditEvent | None:
    """Record an update as {field: [old, new]}; nothing when nothing changed."""
    real = _real_changes(changes)
    if not real:
        return None
    event = _event(actor, AuditAction.UPDATE, obj, real, reason)
    event.save()
    return event


def record_changes(actor: Any | None,
                   items: Iterable[tuple[models.Model, Mapping[str, list[Any]]]],
                   reason: str = "") -> int:
    """Record many updates in one insert (bulk entry); objects without a real change are skipped."""
    events = []
    for obj, changes in items:
        real = _real_changes(changes)
        if real:
            events.append(_event(actor, AuditAction.UPDATE, obj, real, reason))
    AuditEvent.objects.bulk_create(events)
    return len(events)


def record_row_changes(actor: Any | None, model: type[models.Model],
                       rows: Iterable[tuple[Any, str, Mapping[str, list[Any]]]], reason: str = "",
                       scope: tuple[int | None, int | None] = (None, None)) -> int:
    """Record updates of many rows of one model from plain values, (id, text, {field: [old,
    new]}) per row, in one statement: the events record_changes makes, without an instance per
    row (set-wise updates, e.g. a selection's 2,000 statuses); unchanged rows are skipped."""
    actor_id = actor.pk if actor is not None and actor.is_authenticated else None
    actor_name = getattr(actor, "username", "") or SYSTEM_ACTOR_NAME
    target_type, now = model._meta.label_lower, timezone.now()
    events = []
    for pk, text, changes in rows:
        real = _real_changes(changes)
        if real:
            events.append((now, actor_id, actor_name, AuditAction.UPDATE, target_type, str(pk),
                           text[:300], scope[0], scope[1], real, reason[:300]))
    return insert_rows(AuditEvent, ["at", "actor_id", "actor_name", "action", "target_type",
                                    "target_id", "target_repr", "plan_id", "node_id", "changes",
                                    "reason"], events)


def record_delete(actor: Any | None, obj: models.Model, reason: str = "") -> AuditEvent:
    """Record that obj is being deleted, with the values it had."""
    event = _event(actor, AuditAction.DELETE, obj,
                   {k: [v, None] for k, v in field_values(obj).items()}, reason)
    event.save()
    return event


def record_deletes(actor: Any | None, objs: Iterable[models.Model], reason: str = "") -> int:
    """Record many deletions in one insert (plan replacement)."""
    events = [
        _event(actor, AuditAction.DELETE, obj,
               {k: [v, None] for k, v in field_values(obj).items()}, reason)
        for obj in objs
    ]
    AuditEvent.objects.bulk_create(events, batch_size=500)
    return len(events)


def history_for_node(node_id: int, limit: int = 200) -> list[AuditEvent]:
    """Return the changes of a node and of everything that hangs off it, newest first."""
    return list(AuditEvent.objects.filter(node_id=node_id).order_by("-at", "-id")[:limit])


def record_sign_in_event(actor: Any | None, action: str, name: str, details: Mapping[str, Any],
                         user_id: int | None = None, reason: str = "") -> AuditEvent:
    """Record a sign-in, a failed one, a lock or an unlock; the target is the account name."""
    event = AuditEvent(
        actor=actor if actor is not None and actor.is_authenticated else None,
        # A sign-in (or a failed one) is by whoever typed the name; a lock is the system's.
        actor_name=getattr(actor, "username", "") or (
            name if action in {AuditAction.LOGIN, AuditAction.LOGIN_FAILED} else SYSTEM_ACTOR_NAME
        )[:150],
        action=action,
        target_type="signin",
        target_id=str(user_id) if user_id is not None else "",
        target_repr=name[:300],
        changes={k: jsonable(v) for k, v in details.items()},
        reason=reason[:300],
    )
    event.save()
    return event
