"""Which links a user sees: only to pages the access rules let them open."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import template

from rtis.orgs.access import is_internal, is_planner

register = template.Library()


def _bulk(user: Any) -> bool:
    from rtis.tracking.bulk import can_enter_in_bulk

    return can_enter_in_bulk(user)


def _reports(user: Any) -> bool:
    from rtis.reports.access import can_read_reports

    return can_read_reports(user)


# Page → the rule its view enforces (the view still checks; this only hides dead links).
PAGES: dict[str, Callable[[Any], bool]] = {
    "my_work": is_internal,
    "dashboards": is_internal,
    "checks": is_planner,
    "imports": is_planner,
    "approvals": is_planner,
    "reports": _reports,
    "bulk": _bulk,
    "admin": lambda user: bool(getattr(user, "is_staff", False) and user.is_active),
}


@register.filter
def may_open(user: Any, page: str) -> bool:
    """{% if user|may_open:"checks" %}…{% endif %}: the user may open that page."""
    rule = PAGES.get(page)
    return bool(rule is not None and user is not None and rule(user))
