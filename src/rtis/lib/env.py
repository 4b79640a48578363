"""Typed readers of environment variables that fail loudly, naming the variable."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Mapping
from pathlib import Path


class SettingError(Exception):
    """A setting read from the environment is malformed."""


TRUE_WORDS = {"1", "true", "yes", "on"}
FALSE_WORDS = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str, environ: Mapping[str, str] | None = None) -> str:
    """Return the variable's text, or the default when unset."""
    environ = os.environ if environ is None else environ
    return environ.get(name, default)


def env_bool(name: str, default: bool, environ: Mapping[str, str] | None = None) -> bool:
    """Return the variable as a boolean; refuse anything but yes/no words."""
    environ = os.environ if environ is None else environ
    if name not in environ:
        return default
    raw = environ[name].strip().lower()
    if raw in TRUE_WORDS:
        return True
    if raw in FALSE_WORDS:
        return False
    raise SettingError(
        f"{name}: '{environ[name]}'은(는) 참/거짓 값이 아닙니다 (1/0, true/false, yes/no, on/off) "
        f"/ {name}: '{environ[name]}' is not a boolean (use 1/0, true/false, yes/no, on/off)"
    )


def env_list(name: str, default: list[str], environ: Mapping[str, str] | None = None) -> list[str]:
    """Return a comma-separated variable as a list of non-empty, stripped items."""
    environ = os.environ if environ is None else environ
    if name not in environ:
        return list(default)
    items = [item.strip() for item in environ[name].split(",")]
    if any(not item for item in items):
        raise SettingError(
            f"{name}: 빈 항목이 있습니다: '{environ[name]}' / {name}: empty item in '{environ[name]}'"
        )
    return items


def env_choice(
    name: str, default: str, choices: set[str], environ: Mapping[str, str] | None = None
) -> str:
    """Return the variable if it is one of the allowed values."""
    value = env_str(name, default, environ)
    if value not in choices:
        allowed = ", ".join(sorted(choices))
        raise SettingError(
            f"{name}: '{value}'은(는) 허용되지 않는 값입니다 ({allowed}) "
            f"/ {name}: '{value}' is not one of {allowed}"
        )
    return value


def env_secret(
    name: str, file_name: str, default: str, environ: Mapping[str, str] | None = None
) -> str:
    """Return a secret from the variable, or from the file the *_FILE variable names."""
    environ = os.environ if environ is None else environ
    if name in environ and file_name in environ:
        raise SettingError(
            f"{name}와 {file_name}을(를) 함께 설정할 수 없습니다 / set {name} or {file_name}, not both"
        )
    if file_name in environ:
        path = Path(environ[file_name])
        try:
            secret = path.read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise SettingError(
                f"{file_name}: 파일을 읽을 수 없습니다 '{path}' ({exc.strerror}) "
                f"/ {file_name}: cannot read '{path}' ({exc.strerror})"
            ) from exc
        if not secret:
            raise SettingError(f"{file_name}: 파일이 비어 있습니다 / {file_name}: '{path}' is empty")
        return secret
    value = environ.get(name, default)
    if not value.strip():
        raise SettingError(f"{name}: 비어 있습니다 / {name} is empty")
    return value


def env_timezone(name: str, default: str, environ: Mapping[str, str] | None = None) -> str:
    """Return an IANA time-zone name that the system knows."""
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    value = env_str(name, default, environ)
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise SettingError(
            f"{name}: 알 수 없는 시간대 '{value}' / {name}: unknown time zone '{value}'"
        ) from exc
    return value


def env_date(name: str, environ: Mapping[str, str] | None = None) -> dt.date | None:
    """Return an ISO date (YYYY-MM-DD), or None when the variable is unset or empty."""
    raw = env_str(name, "", environ).strip()
    if not raw:
        return None
    try:
        return dt.date.fromisoformat(raw)
    except ValueError as exc:
        raise SettingError(
            f"{name}: '{raw}'은(는) 날짜(YYYY-MM-DD)가 아닙니다 / {name}: '{raw}' is not a date "
            "(YYYY-MM-DD)"
        ) from exc


def env_database_url(name: str, default: str, environ: Mapping[str, str] | None = None) -> str:
    """Return a database URL whose scheme RTIS supports (sqlite, postgres)."""
    value = env_str(name, default, environ)
    scheme = value.split(":", 1)[0].lower()
    if "://" not in value or scheme not in {"sqlite", "postgres", "postgresql", "pgsql"}:
        raise SettingError(
            f"{name}: 지원하지 않는 데이터베이스 URL '{value}' (sqlite:///경로 또는 "
            f"postgres://사용자@호스트/DB) / {name}: unsupported database URL '{value}' "
            "(use sqlite:///path or postgres://user@host/db)"
        )
    return value


def env_int(name: str, default: int, minimum: int, maximum: int,
            environ: Mapping[str, str] | None = None) -> int:
    """Return the variable as a whole number between minimum and maximum (inclusive)."""
    environ = os.environ if environ is None else environ
    if name not in environ:
        return default
    raw = environ[name].strip()
    try:
        value = int(raw)
    except ValueError:
        value = None
    if value is None or not minimum <= value <= maximum:
        raise SettingError(
            f"{name}: '{raw}'은(는) {minimum}~{maximum} 사이의 정수가 아닙니다 "
            f"/ {name}: '{raw}' is not a whole number from {minimum} to {maximum}"
        )
    return value
