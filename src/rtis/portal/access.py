"""What a reader of the public pages may see: published plans, minus the nodes a planner withheld.

Internal readers (the city's own roles) see everything, withheld nodes marked; everyone else
(the public, R&D outsiders) never gets a withheld node or anything below it.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.http import Http404

from rtis.orgs.access import is_internal
from rtis.plans.access import get_plan_for_user, plans_for_user
from rtis.plans.models import Node, Plan
from rtis.portal.models import WithheldNode


def portal_plans(user: Any) -> list[Plan]:
    """Return the plans the reader may see on the portal, with their publication date."""
    plans = plans_for_user(user).select_related("publication")
    return list(plans.order_by("-approved_on", "slug"))


def withheld_ids(plan_ids: Iterable[int]) -> set[int]:
    """Return the ids of withheld nodes of some plans and of every node below them."""
    roots = set(WithheldNode._default_manager.filter(node__plan_id__in=list(plan_ids))
                .values_list("node_id", flat=True))
    if not roots:
        return set()
    children: dict[int | None, list[int]] = {}
    for node_id, parent_id in Node.objects.filter(plan_id__in=list(plan_ids)).values_list(
            "id", "parent_id"):
        children.setdefault(parent_id, []).append(node_id)
    hidden, stack = set(), list(roots)
    while stack:
        current = stack.pop()
        if current not in hidden:
            hidden.add(current)
            stack.extend(children.get(current, []))
    return hidden


def hidden_node_ids(user: Any, plan_ids: Iterable[int]) -> set[int]:
    """Return the nodes the reader may not see (none for internal readers)."""
    return set() if is_internal(user) else withheld_ids(plan_ids)


def is_hidden_from(user: Any, node: Node) -> bool:
    """Tell whether a node is withheld from this reader (the plans app's node page asks)."""
    return bool(not is_internal(user) and node.pk in withheld_ids([node.plan_id]))


def get_portal_plan(user: Any, slug: str) -> Plan:
    """Return a plan the reader may see on the portal, or raise Http404."""
    return get_plan_for_user(user, slug)


def get_portal_node(user: Any, plan: Plan, code: str, hidden: set[int]) -> Node:
    """Return a node of the plan the reader may see, or raise Http404 (withheld ones too)."""
    node = plan.nodes.filter(code=code).first()
    if node is None or node.pk in hidden:
        raise Http404(f"'{plan.slug}' 계획에 '{code}' 과제가 없습니다 / no node '{code}' in "
                      f"'{plan.slug}'")
    return node


def without_nodes(doc: dict[str, Any], codes: set[str]) -> dict[str, Any]:
    """Return a plan export (rtis-plan/1) without some nodes, their lines and indicators."""
    if not codes:
        return doc
    return {**doc,
            "nodes": [n for n in doc["nodes"] if n["code"] not in codes],
            "budget_lines": [b for b in doc["budget_lines"] if b["node"] not in codes],
            "indicators": [i for i in doc["indicators"] if i["node"] not in codes]}


def hidden_codes(user: Any, plan: Plan) -> set[str]:
    """Return the codes of the plan's nodes withheld from this reader."""
    hidden = hidden_node_ids(user, [plan.pk])
    if not hidden:
        return set()
    return set(Node.objects.filter(pk__in=hidden).values_list("code", flat=True))


def public_reports(plan_slug: str = "", kind: str = "") -> list[Any]:
    """Return the published reports the public may see now, newest publication first.

    Checked when read, not only when published: a report whose plan was withdrawn since, or
    which holds a node withheld since (its own, or any for a whole-plan report), is not shown.
    """
    from rtis.portal.models import ReportPublication

    rows = (ReportPublication._default_manager.filter(snapshot__plan__published=True)
            .select_related("snapshot__plan").order_by("-published_on", "-snapshot_id"))
    if plan_slug:
        rows = rows.filter(snapshot__plan__slug=plan_slug)
    if kind:
        rows = rows.filter(snapshot__kind=kind)
    found = []
    for publication in rows:
        snapshot = publication.snapshot
        snapshot.publication = publication  # the reverse one-to-one, filled
        found.append(snapshot)
    plans = {r.plan_id for r in found if r.plan_id is not None}
    hidden = withheld_ids(plans) if plans else set()
    if not hidden:
        return found
    hidden_codes: dict[int, set[str]] = {}
    for plan_id, code in Node.objects.filter(pk__in=hidden).values_list("plan_id", "code"):
        hidden_codes.setdefault(plan_id, set()).add(code)
    return [r for r in found if r.plan_id not in hidden_codes
            or (r.node_code and r.node_code not in hidden_codes[r.plan_id])]


def get_public_report(pk: int) -> Any:
    """Return a report the public may see, or raise Http404 (unpublished ones too)."""
    from rtis.reports.models import ReportSnapshot

    snapshot = ReportSnapshot.objects.filter(pk=pk).select_related("plan").first()
    if snapshot is None or snapshot.plan is None or all(
            r.pk != pk for r in public_reports(snapshot.plan.slug, snapshot.kind)):
        raise Http404(f"공개된 보고서 {pk}이(가) 없습니다 / no published report {pk}")
    return snapshot
