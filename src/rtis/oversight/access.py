"""The access helpers for council sessions and their items: every view goes through these."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404

from rtis.orgs.access import department_ids, is_planner
from rtis.oversight.models import AuditItem, CouncilSession
from rtis.oversight.queries import sessions_for_user


def get_session_for_user(user: Any, key: str) -> CouncilSession:
    """Return a readable session or raise Http404 (the public sees published reports only)."""
    session = sessions_for_user(user).filter(key=key).first()
    if session is None:
        raise Http404(f"의회 회기 '{key}'이(가) 없습니다 / no council session '{key}'")
    return session


def get_audit_item_for_user(user: Any, session: CouncilSession, category: str,
                            number: int) -> AuditItem:
    """Return an item of a readable session, with its departments, or raise Http404."""
    item = (AuditItem.objects.select_related("session").prefetch_related("departments")
            .filter(session=session, category=category, number=number).first())
    if item is None:
        raise Http404(f"'{session.key}'에 {category} {number}번 지적사항이 없습니다 / "
                      f"no item {category} {number} in '{session.key}'")
    return item


def can_edit_audit_item(user: Any, item: AuditItem) -> bool:
    """Tell whether the user may update the item: planners always, officers of its departments."""
    if is_planner(user):
        return True
    mine = department_ids(user)
    return bool(mine and mine & {d.pk for d in item.departments.all()})


def require_audit_item_editor(user: Any, item: AuditItem) -> None:
    """Raise PermissionDenied unless the user may update the item."""
    if not can_edit_audit_item(user, item):
        raise PermissionDenied(
            f"'{item}'은(는) 소속 부서의 지적사항이 아니어서 수정할 수 없습니다 "
            f"/ '{item}' is not an item of your department"
        )
