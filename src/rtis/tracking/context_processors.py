"""The counts beside the menu: entries waiting for approval (planners) and unread notifications."""

from __future__ import annotations

from functools import cached_property
from typing import Any

from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import HttpRequest

from rtis.orgs.access import is_planner
from rtis.orgs.models import User
from rtis.tracking.models import ExecutionStatus, Notification
from rtis.tracking.queue import ENTRY_KINDS


def _count(rows: QuerySet[Any], group: str) -> Coalesce:
    """Return a subquery counting some rows (grouped by a column they share), 0 when none."""
    counted = rows.order_by().values(group).annotate(n=Count("pk")).values("n")[:1]
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


class MenuCounts:
    """Counted only when a template shows them, in one query per page."""

    def __init__(self, user: Any) -> None:
        self.user = user
        self.planner = is_planner(user)

    @cached_property
    def _counts(self) -> dict[str, int]:
        counts: dict[str, Any] = {"unread": _count(Notification.objects.filter(
            user_id=OuterRef("pk"), read_at__isnull=True), "user_id")}
        if self.planner:
            for kind, model in ENTRY_KINDS.items():
                counts[kind] = _count(model._default_manager.filter(
                    status=ExecutionStatus.SUBMITTED), "status")
        row = User.objects.filter(pk=self.user.pk).annotate(**counts).values(*counts).first()
        return row or {}

    @property
    def awaiting_approval(self) -> int:
        """Return how many entries wait for a planner's approval (0 for everyone else)."""
        return sum(self._counts.get(kind, 0) for kind in ENTRY_KINDS)

    @property
    def unread(self) -> int:
        """Return how many of the user's notifications are unread."""
        return self._counts.get("unread", 0)


def menu_counts(request: HttpRequest) -> dict[str, Any]:
    """Give signed-in users' templates `menu_counts`; the public gets nothing (and no query)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"menu_counts": MenuCounts(user)}
