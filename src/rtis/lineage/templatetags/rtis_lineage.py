"""The plan pages' link to a node's lineage: shown to the city's staff when the node is linked."""

from __future__ import annotations

from typing import Any

from django import template
from django.db.models import Q

from rtis.lineage.models import NodeLink
from rtis.orgs.access import is_internal

register = template.Library()


@register.simple_tag
def lineage_linked(user: Any, node: Any) -> bool:
    """Tell whether the node has lineage links the user may follow (one query, staff only)."""
    if node is None or not is_internal(user):
        return False
    return NodeLink.objects.filter(Q(earlier_id=node.pk) | Q(later_id=node.pk)).exists()
