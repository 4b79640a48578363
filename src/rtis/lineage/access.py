"""Who may read and write the lineage: the city's staff read it, planners link nodes."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404

from rtis.orgs.access import is_internal
from rtis.plans.models import Node


def require_lineage_reader(user: Any) -> None:
    """Raise PermissionDenied unless the user is the city's staff (lineage spans unpublished plans)."""
    if not is_internal(user):
        raise PermissionDenied("직원만 볼 수 있습니다 / for the city's staff only")


def get_lineage_node_for_user(user: Any, pk: int) -> Node:
    """Return a node whose lineage the user may read, or raise 403/404."""
    require_lineage_reader(user)
    node = Node.objects.select_related("plan").filter(pk=pk).first()
    if node is None:
        raise Http404(f"과제 {pk}번이 없습니다 / no node {pk}")
    return node
