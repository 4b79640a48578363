"""System check: the sign-in gate must come before every backend that checks a password."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import Error, register

GATE = "rtis.web.signin.SignInGateBackend"


@register()
def check_sign_in_gate(app_configs: Any, **kwargs: Any) -> list[Error]:
    """Refuse settings where a backend could check a password before the throttle."""
    backends = list(settings.AUTHENTICATION_BACKENDS)
    if backends and backends[0] == GATE:
        return []
    return [Error(
        f"AUTHENTICATION_BACKENDS의 첫 항목은 {GATE} 이어야 합니다: 그래야 잠긴 계정·주소의 "
        f"로그인 시도를 막습니다 / the first authentication backend must be {GATE}, or locked "
        "accounts and addresses could still try passwords",
        id="rtis.E002",
    )]
