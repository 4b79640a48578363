"""Who may read and write what: the one place role rules live."""

from __future__ import annotations

from typing import Any

from rtis.orgs.models import Role

# The city's own people. R&D managers (SBA), evaluators and applicants sign in too, but are
# outsiders to the city's plans: they see what the public sees, plus their own R&D pages.
INTERNAL_ROLES = frozenset({Role.ADMIN, Role.PLANNER, Role.OFFICER, Role.VIEWER})


def is_internal(user: Any) -> bool:
    """Tell whether the user may read internal (unpublished) data."""
    return bool(user.is_authenticated and user.is_active
                and (user.is_superuser or user.role in INTERNAL_ROLES))


def is_planner(user: Any) -> bool:
    """Tell whether the user plans for the whole portfolio (admin or planner)."""
    return bool(is_internal(user) and (user.is_superuser or user.role in {Role.ADMIN, Role.PLANNER}))


def department_ids(user: Any) -> set[int]:
    """Return the ids of the departments an officer works for (empty for everyone else)."""
    if not is_internal(user) or user.role != Role.OFFICER:
        return set()
    cached = getattr(user, "_rtis_department_ids", None)
    if cached is None:
        cached = set(user.departments.values_list("id", flat=True))
        user._rtis_department_ids = cached
    return set(cached)
