"""Writes of the web app: clearing sign-in locks (admins and the CLI)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q

from rtis.audit.log import record_sign_in_event
from rtis.audit.models import AuditAction
from rtis.web.models import SignInThrottle, ThrottleKind
from rtis.web.signin import account_key


def _require_admin(actor: Any | None) -> None:
    if actor is not None and not (actor.is_authenticated and actor.is_staff):
        raise PermissionDenied("관리자만 로그인 잠금을 풀 수 있습니다 / only admins may clear "
                               "sign-in locks")


@transaction.atomic
def do_unlock_sign_in(actor: Any | None, target: str) -> list[str]:
    """Clear the failures and lock of an account name or a client address; return what was
    cleared (e.g. ["계정 kim", "접속 주소 10.0.0.7"])."""
    _require_admin(actor)
    rows = list(SignInThrottle.objects.select_for_update().filter(
        Q(kind=ThrottleKind.ACCOUNT, key=account_key(target))
        | Q(kind=ThrottleKind.ADDRESS, key=target.strip())))
    cleared = []
    for row in rows:
        record_sign_in_event(actor, AuditAction.UNLOCK, row.key, {
            "kind": row.kind, "failures": row.failures, "level": row.lock_level,
            "until": row.locked_until}, reason="unlock")
        cleared.append(str(row))
    SignInThrottle.objects.filter(pk__in=[row.pk for row in rows]).delete()
    return cleared
