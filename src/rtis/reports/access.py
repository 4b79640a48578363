"""Who may read and who may make reports."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied

from rtis.orgs.access import is_internal, is_planner
from rtis.orgs.models import Role

# Roles that read and download the kept reports (council members and auditors are viewers).
READER_ROLES = {Role.ADMIN, Role.PLANNER, Role.VIEWER}


def can_read_reports(user: Any) -> bool:
    """Planners, and viewers (council members, auditors), read and download report snapshots."""
    return is_planner(user) or bool(is_internal(user) and user.role in READER_ROLES)


def can_generate_reports(user: Any) -> bool:
    """Only planners make reports."""
    return is_planner(user)


def require_report_reader(user: Any) -> None:
    """Raise PermissionDenied unless the user may read report snapshots."""
    if not can_read_reports(user):
        raise PermissionDenied("보고서는 기획 담당자와 열람자만 볼 수 있습니다 / "
                               "only planners and viewers may read reports")
