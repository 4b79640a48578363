"""Writes to the lineage: planners link nodes across plans; a link making a cycle is refused."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from rtis.audit.log import record_create, record_delete
from rtis.lineage.models import LinkKind, NodeLink
from rtis.plans.access import require_planner
from rtis.plans.models import Node

MAX_TEXT = 4000


def _reaches(start: int, goal: int) -> bool:
    """Tell whether following links forward from start arrives at goal."""
    forward: dict[int, list[int]] = defaultdict(list)
    for earlier, later in NodeLink.objects.values_list("earlier_id", "later_id"):
        forward[earlier].append(later)
    seen, stack = {start}, [start]
    while stack:
        current = stack.pop()
        if current == goal:
            return True
        for nxt in forward.get(current, ()):
            if nxt not in seen:
                seen.add(nxt)
                stack.append(nxt)
    return False


@transaction.atomic
def do_link_nodes(actor: Any | None, earlier: Node, later: Node, *, kind: str, note: str = "",
                  evidence: str = "") -> NodeLink:
    """Link a node of an earlier plan to a node of a later plan (planners; the seed as system)."""
    if actor is not None:
        require_planner(actor)
    # One writer at a time: two links checked apart could close a cycle together.
    list(NodeLink.objects.select_for_update().all()[:1])
    errors: dict[str, str] = {}
    if kind not in LinkKind.values:
        errors["kind"] = (f"관계는 {', '.join(LinkKind.values)} 중 하나입니다: {kind!r} / the kind "
                          f"must be one of {', '.join(LinkKind.values)}: {kind!r}")
    note, evidence = (note or "").strip(), (evidence or "").strip()
    for field, text in (("note", note), ("evidence", evidence)):
        if len(text) > MAX_TEXT:
            errors[field] = f"{MAX_TEXT:,}자 이내여야 합니다 / at most {MAX_TEXT:,} characters"
    if earlier.plan_id == later.plan_id:
        errors["later"] = ("같은 계획 안의 과제끼리는 잇지 않습니다 / both nodes are in the same plan: "
                           "link nodes of different plans")
    if errors:
        raise ValidationError(errors)
    if NodeLink.objects.filter(earlier=earlier, later=later).exists():
        raise ValidationError({"later": f"이미 이어져 있습니다: {earlier.code} → {later.code} / "
                                        f"already linked"})
    if _reaches(later.pk, earlier.pk):
        raise ValidationError({"later": (
            f"'{later.code} {later.title}'에서 이어 가면 '{earlier.code} {earlier.title}'에 닿아 "
            f"순환이 생깁니다 / the link would make a cycle: '{later.code}' already leads to "
            f"'{earlier.code}'")})
    link = NodeLink.objects.create(earlier=earlier, later=later, kind=kind, note=note,
                                   evidence=evidence,
                                   created_by=actor if getattr(actor, "is_authenticated", False)
                                   else None)
    record_create(actor, link)
    return link


@transaction.atomic
def do_unlink_nodes(actor: Any, link: NodeLink) -> None:
    """Remove a link (planners)."""
    require_planner(actor)
    record_delete(actor, link)
    link.delete()
