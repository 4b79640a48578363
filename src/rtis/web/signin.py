"""Sign-in throttling: growing locks per account name and per client address, for every door.

The gate is the first authentication backend, so the login page, /admin/login/ and anything else
that calls `authenticate()` pass through it: a locked account or address is refused before any
password is checked (even the right one). Failures are counted from Django's `user_login_failed`
signal, sent once all backends have refused, so a later directory backend is covered as well.
Unknown account names are counted and locked exactly like real ones: the lock says nothing about
whether an account exists, and Django's ModelBackend hashes a dummy password for unknown names.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import BaseBackend, ModelBackend
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.http import HttpRequest
from django.utils import formats, timezone
from django.utils.translation import gettext

from rtis.audit.log import record_sign_in_event
from rtis.audit.models import AuditAction
from rtis.web.models import SignInThrottle, ThrottleKind

# Set on the request by the gate: the time a refused attempt may be retried.
LOCKED_UNTIL = "rtis_signin_locked_until"
# Set on the request by the gate: this request's sign-in went through the throttle.
CHECKED = "rtis_signin_checked"


def account_key(username: str) -> str:
    """Return the throttle key of an account name (case and blanks do not make a new account)."""
    return username.strip().casefold()[:150]


def _trusted(address: str) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    for entry in settings.TRUSTED_PROXIES:
        try:
            if ip in ipaddress.ip_network(entry, strict=False):
                return True
        except ValueError:
            continue
    return False


def client_address(request: HttpRequest | None) -> str:
    """Return the client's address: REMOTE_ADDR, or the nearest untrusted X-Forwarded-For hop
    when the request came through a proxy listed in RTIS_TRUSTED_PROXIES."""
    if request is None:
        return ""
    remote = str(request.META.get("REMOTE_ADDR", "") or "")
    if not remote or not _trusted(remote):
        return remote[:150]
    hops = [h.strip() for h in str(request.META.get("HTTP_X_FORWARDED_FOR", "")).split(",")]
    for hop in reversed([h for h in hops if h]):
        if not _trusted(hop):
            return hop[:150]
    return remote[:150]


def _keys(username: str, address: str) -> list[tuple[str, str]]:
    keys = [(ThrottleKind.ACCOUNT.value, account_key(username))]
    if address:
        keys.append((ThrottleKind.ADDRESS.value, address))
    return keys


def current_lock(username: str, address: str, now: dt.datetime | None = None) -> dt.datetime | None:
    """Return until when the account name or the address is locked, or None."""
    now = now or timezone.now()
    query = Q()
    for kind, key in _keys(username, address):
        query |= Q(kind=kind, key=key)
    until = (SignInThrottle.objects.filter(query, locked_until__gt=now)
             .order_by("-locked_until").values_list("locked_until", flat=True).first())
    return until


def _threshold(kind: str) -> int:
    if kind == ThrottleKind.ADDRESS:
        return int(settings.SIGNIN_MAX_FAILURES_PER_ADDRESS)
    return int(settings.SIGNIN_MAX_FAILURES)


def lock_seconds(level: int) -> int:
    """Return how long the level-th lock lasts: the first lock, doubling, up to the maximum."""
    base, most = int(settings.SIGNIN_LOCK_SECONDS), int(settings.SIGNIN_LOCK_MAX_SECONDS)
    return min(base * 2 ** min(max(level - 1, 0), 30), most)


@transaction.atomic
def register_failure(username: str, address: str, now: dt.datetime | None = None
                     ) -> dt.datetime | None:
    """Count a failed sign-in for the name and the address; lock what passed its threshold.

    Return the lock this failure started, if any.
    """
    now = now or timezone.now()
    quiet = dt.timedelta(seconds=int(settings.SIGNIN_RESET_SECONDS))
    started = None
    for kind, key in _keys(username, address):
        row, _ = SignInThrottle.objects.select_for_update().get_or_create(kind=kind, key=key)
        if row.last_failure_at is not None and now - row.last_failure_at > quiet:
            row.failures, row.lock_level = 0, 0
        row.failures += 1
        row.last_failure_at = now
        # Once locked, every further failure locks again, twice as long (growing delays).
        if row.lock_level > 0 or row.failures >= _threshold(kind):
            row.lock_level += 1
            row.locked_until = now + dt.timedelta(seconds=lock_seconds(row.lock_level))
            started = max(started, row.locked_until) if started else row.locked_until
            record_sign_in_event(None, AuditAction.LOCK, key, {
                "kind": kind, "failures": row.failures, "level": row.lock_level,
                "until": row.locked_until})
            row.failures = 0
        row.save(update_fields=["failures", "lock_level", "locked_until", "last_failure_at"])
    return started


def register_success(username: str) -> None:
    """Forget the account name's failures and locks after a successful sign-in.

    The address keeps its count: one valid account must not reset the guessing of others.
    """
    SignInThrottle.objects.filter(kind=ThrottleKind.ACCOUNT, key=account_key(username)).delete()


def lock_message(until: dt.datetime) -> str:
    """Say, in the reader's language, when a locked sign-in may be tried again (local time)."""
    local = timezone.localtime(until)
    when = local.strftime("%H:%M:%S")
    if local.date() != timezone.localdate():
        when = f"{formats.date_format(local.date(), 'SHORT_DATE_FORMAT')} {when}"
    return gettext("로그인에 여러 번 실패하여 잠시 잠겼습니다. %(when)s 이후에 다시 시도하세요. "
                   "급하면 관리자에게 잠금 해제를 요청하세요.") % {"when": when}


class SignInGateBackend(BaseBackend):
    """Refuse every credential check while the account name or the client address is locked."""

    def authenticate(self, request: HttpRequest | None, username: str | None = None,
                     password: str | None = None, **kwargs: Any) -> None:
        if username is None:
            username = kwargs.get(get_user_model().USERNAME_FIELD)
        if username is None or password is None:
            return None
        if request is not None:
            setattr(request, CHECKED, True)
        address = client_address(request)
        until = current_lock(str(username), address)
        if until is not None:
            if request is not None:
                setattr(request, LOCKED_UNTIL, until)
            # PermissionDenied stops authenticate() here: no later backend sees the password.
            raise PermissionDenied
        return None

    def get_user(self, user_id: Any) -> Any:
        # Sessions made by force_login (tests, scripts) name the first backend: resolve like
        # the model backend does.
        return ModelBackend().get_user(user_id)


def on_login_failed(sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None,
                    **kwargs: Any) -> None:
    """Count the failure (unless the gate refused it) and audit it."""
    username = str(credentials.get(get_user_model().USERNAME_FIELD)
                   or credentials.get("username") or "")
    address = client_address(request)
    refused = getattr(request, LOCKED_UNTIL, None) if request is not None else None
    if refused is not None:
        record_sign_in_event(None, AuditAction.LOGIN_FAILED, username,
                             {"address": address, "locked_until": refused}, reason="locked")
        return
    if not username:
        return
    record_sign_in_event(None, AuditAction.LOGIN_FAILED, username, {"address": address})
    until = register_failure(username, address)
    if until is not None and request is not None:
        setattr(request, LOCKED_UNTIL, until)


def on_logged_in(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    """Audit a sign-in that went through the password check and clear the account's failures.

    `force_login` (tests, the demo) does not pass the gate and is not a sign-in to audit.
    """
    if request is None or not getattr(request, CHECKED, False):
        return
    register_success(user.get_username())
    record_sign_in_event(user, AuditAction.LOGIN, user.get_username(),
                         {"address": client_address(request)}, user_id=user.pk)
