"""Who may do what with national R&D data.

- statistics (aggregates, the printed series): everyone, the public included: they hold no
  person's data and national figures are public;
- national project search and project pages: the city's own (internal) users; a project names
  its principal investigator, which the public does not see here;
- imports, fetches and exports: planners and admins (the console runs them as the system).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied

from rtis.orgs.access import is_internal, is_planner


def can_view_statistics(user: Any) -> bool:
    return True


def can_search_projects(user: Any) -> bool:
    return is_internal(user)


def can_import_ntis(user: Any | None) -> bool:
    if user is None:  # the console (rtis ntis import) acts as the system
        return True
    return is_planner(user)


def require_ntis_import(user: Any | None) -> None:
    if not can_import_ntis(user):
        raise PermissionDenied("NTIS 자료를 가져올 권한이 없습니다 / not allowed to import NTIS data")
