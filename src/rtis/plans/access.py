"""The access helpers for plans and nodes: every view and endpoint goes through these."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from rtis.orgs.access import department_ids, is_internal, is_planner
from rtis.plans.models import BudgetLine, Node, Plan


def plans_for_user(user: Any) -> QuerySet[Plan]:
    """Return the plans the user may read: all for staff, published ones for the public."""
    plans = Plan.objects.select_related("department")
    return plans if is_internal(user) else plans.filter(published=True)


def get_plan_for_user(user: Any, slug: str) -> Plan:
    """Return a readable plan or raise Http404 (unpublished plans do not exist for the public)."""
    try:
        return plans_for_user(user).get(slug=slug)
    except Plan.DoesNotExist:
        raise Http404(f"계획 '{slug}'이(가) 없습니다 / no plan '{slug}'") from None


def get_node_for_user(user: Any, plan: Plan, code: str) -> Node:
    """Return a node of a readable plan or raise Http404."""
    from rtis.portal.access import is_hidden_from  # a node a planner withheld from the public

    node = plan.nodes.select_related("parent").filter(code=code).first()
    if node is None or is_hidden_from(user, node):
        raise Http404(
            f"'{plan.slug}' 계획에 '{code}' 과제가 없습니다 / no node '{code}' in '{plan.slug}'"
        )
    return node


def owning_department_ids(node: Node) -> set[int]:
    """Return the owning departments of a node and of its ancestors (a task's owner owns its units)."""
    ids: set[int] = set()
    current: Node | None = node
    while current is not None:
        ids.update(
            r.department_id for r in current.department_roles.all() if r.role == "owner"
        )
        current = current.parent
    return ids


def can_edit_node(user: Any, node: Node) -> bool:
    """Tell whether the user may change the node: planners always, officers for their departments."""
    if is_planner(user):
        return True
    mine = department_ids(user)
    return bool(mine and mine & owning_department_ids(node))


def require_node_editor(user: Any, node: Node) -> None:
    """Raise PermissionDenied unless the user may change the node."""
    if not can_edit_node(user, node):
        raise PermissionDenied(
            f"'{node.code} {node.title}'은(는) 소속 부서의 과제가 아니어서 수정할 수 없습니다 "
            f"/ '{node.code}' is not owned by your department"
        )


def require_planner(user: Any) -> None:
    """Raise PermissionDenied unless the user is a planner or admin."""
    if not is_planner(user):
        raise PermissionDenied("기획 담당자만 할 수 있습니다 / only planners may do this")


def get_budget_line_for_user(user: Any, node: Node, line_id: int,
                             subtree: set[int]) -> BudgetLine:
    """Return a budget line of the node's subtree that the user may change, or 404/403."""
    line = BudgetLine.objects.select_related("node").filter(pk=line_id, node_id__in=subtree).first()
    if line is None:
        raise Http404(f"'{node.code}' 아래에 소요예산 항목 {line_id}이(가) 없습니다 / no budget line "
                      f"{line_id} under '{node.code}'")
    require_node_editor(user, line.node)
    return line
