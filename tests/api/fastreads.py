"""Helpers of the fast-read tests: one WSGI request through Django alone or through FastReads."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.handlers.wsgi import WSGIHandler
from django.test import RequestFactory

from rtis.apicache.cache import AnswerCache
from rtis.apicache.thin import ThinReads
from rtis.apicache.wsgi import FastReads


@dataclass
class Got:
    status: str
    headers: list[tuple[str, str]]
    body: bytes

    @property
    def code(self) -> int:
        return int(self.status[:3])

    def header(self, name: str) -> str | None:
        return next((v for k, v in self.headers if k.lower() == name.lower()), None)


def environ(path: str, **headers: str) -> dict[str, Any]:
    """A fresh WSGI environ for GET path (query included), as waitress would pass it."""
    return dict(RequestFactory().get(path, headers=headers).environ)


def call(app: Any, path: str, **headers: str) -> Got:
    seen: dict[str, Any] = {}

    def start_response(status: str, response_headers: list[tuple[str, str]],
                       exc_info: Any = None) -> None:
        seen["status"], seen["headers"] = status, list(response_headers)

    result = app(environ(path, **headers), start_response)
    try:
        body = b"".join(result)
    finally:
        close = getattr(result, "close", None)
        if close is not None:
            close()
    return Got(seen["status"], seen["headers"], body)


def apps(max_bytes: int = 8 << 20, thin: bool = True) -> tuple[WSGIHandler, FastReads]:
    """Django's WSGI application, and the same behind a fresh FastReads cache (whose misses
    the thin path computes, unless `thin` is False); `max_bytes=0`: no cache, thin path only."""
    django_app = WSGIHandler()
    return django_app, FastReads(django_app, AnswerCache(max_bytes, max_bytes // 2),
                                 ThinReads() if thin else None)
