"""The counts beside the menu: entries waiting for approval (planners) and unread notifications."""

from __future__ import annotations

from functools import cached_property
from typing import Any

from django.http import HttpRequest

from rtis.orgs.access import is_planner
from rtis.tracking.models import Notification


class MenuCounts:
    """Counted only when a template shows them: at most two queries per page."""

    def __init__(self, user: Any) -> None:
        self.user = user
        self.planner = is_planner(user)

    @cached_property
    def awaiting_approval(self) -> int:
        """Return how many entries wait for a planner's approval (0 for everyone else)."""
        from rtis.tracking.queue import submitted_count

        return submitted_count() if self.planner else 0

    @cached_property
    def unread(self) -> int:
        """Return how many of the user's notifications are unread."""
        return Notification.objects.filter(user_id=self.user.pk, read_at__isnull=True).count()


def menu_counts(request: HttpRequest) -> dict[str, Any]:
    """Give signed-in users' templates `menu_counts`; the public gets nothing (and no query)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"menu_counts": MenuCounts(user)}
