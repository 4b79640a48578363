"""System checks that keep a production server from starting insecurely."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import Error, register


@register()
def check_secret_key(app_configs: Any, **kwargs: Any) -> list[Error]:
    """Refuse the built-in secret key outside debug mode."""
    from rtis.config.settings import DEFAULT_SECRET_KEY

    weak = len(settings.SECRET_KEY) < 50 or len(set(settings.SECRET_KEY)) < 5
    if not settings.DEBUG and (settings.SECRET_KEY == DEFAULT_SECRET_KEY or weak):
        return [
            Error(
                "RTIS_SECRET_KEY 또는 RTIS_SECRET_KEY_FILE을 설정하십시오: 기본 비밀키나 50자 "
                "미만의 비밀키로는 운영 서버를 시작할 수 없습니다 / set RTIS_SECRET_KEY or "
                "RTIS_SECRET_KEY_FILE to a random value of 50+ characters: production refuses "
                "the default or a short secret key",
                id="rtis.E001",
            )
        ]
    return []
