"""Who may read and write R&D programmes, calls and applications.

Applicant accounts are a later slice: for now planners (the SBA managers' role) create
programmes, publish calls and enter applications on behalf of applicants; the public, viewers and
officers read published calls; only planners read applications (they hold applicants' data).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404

from rtis.orgs.access import is_planner
from rtis.orgs.models import Role
from rtis.rnd.models import Call
from rtis.rnd.queries import calls_for_user


def get_call_for_user(user: Any, pk: int) -> Call:
    """Return a call the user may read or raise Http404 (drafts exist for planners only)."""
    call = calls_for_user(user).filter(pk=pk).first()
    if call is None:
        raise Http404(f"공고 {pk}번이 없습니다 / no call {pk}")
    return call


def can_manage_rnd(user: Any) -> bool:
    """Tell whether the user manages R&D programmes, calls and applications (planners, SBA)."""
    return is_planner(user) or (getattr(user, "is_authenticated", False)
                                and getattr(user, "role", "") == Role.RND_MANAGER)


def require_rnd_manager(user: Any) -> None:
    """Raise PermissionDenied unless the user manages R&D (planners, for now)."""
    if not can_manage_rnd(user):
        raise PermissionDenied("R&D 사업 관리 권한이 없습니다 (기획 담당자·R&D 사업 관리자만) / "
                               "only planners and R&D managers may manage R&D programmes, calls "
                               "and applications")
