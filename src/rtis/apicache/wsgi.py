"""A WSGI layer in front of Django: the public's reads of /api/v1/plans… answered from memory.

Only a request that Django would answer for the public audience is considered: GET, one of the
plan read endpoints (`CACHED_PATHS`), no Cookie and no Authorization header (so no session, no
staff, no chosen language: the answer is the anonymous one). Everything else goes to Django
untouched. Such a request is looked up by (data version, script name, path, raw query string,
host, scheme, forwarded proto/host, whether gzip is accepted, If-None-Match); a hit replays the
status, headers and body Django gave for the same key — no middleware, no ORM, one query (the
version). A miss of budget-lines or budget-summary is computed by the thin path
(`rtis.apicache.thin`: the view's own answer and access functions without the request
machinery) when it fully understands the request; any other miss goes through the whole of
Django (access checks, withheld nodes, middleware). Either answer is kept if it is a 200 or 304 without Set-Cookie, no larger than the per-answer
limit (streams are kept only while they stay under it; the rest is passed on as it comes).

Because the stored answer is Django's own (or the thin path's, tested byte for byte against
Django's for every variant), fast and full path give byte-identical answers;
because keys hold the data version, a committed write (publishing, withholding, an edit, an
import) makes every stored answer unreachable at once.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from rtis.apicache import version
from rtis.apicache.cache import Answer, AnswerCache, Key

log = logging.getLogger(__name__)

# The plan read endpoints of rtis.plans.api (the export is left out: it is not a data view).
CACHED_PATHS = re.compile(
    r"/api/v1/plans(?:/[^/]+(?:/nodes(?:/[^/]+)?|/budget-lines|/budget-summary|/indicators)?)?")
_WAIT_SECONDS = 120.0

StartResponse = Callable[..., Any]


def eligible(environ: dict[str, Any]) -> bool:
    return (environ.get("REQUEST_METHOD") == "GET"
            and not environ.get("HTTP_COOKIE") and not environ.get("HTTP_AUTHORIZATION")
            and CACHED_PATHS.fullmatch(environ.get("PATH_INFO", "")) is not None)


def key_of(environ: dict[str, Any]) -> Key:
    return (environ.get("SCRIPT_NAME", ""), environ.get("PATH_INFO", ""),
            environ.get("QUERY_STRING", ""), environ.get("HTTP_HOST", ""),
            environ.get("SERVER_NAME", ""), environ.get("SERVER_PORT", ""),
            environ.get("wsgi.url_scheme", ""), environ.get("HTTP_X_FORWARDED_PROTO", ""),
            environ.get("HTTP_X_FORWARDED_HOST", ""),
            "gzip" in environ.get("HTTP_ACCEPT_ENCODING", ""),  # as paging.json_response tests
            environ.get("HTTP_IF_NONE_MATCH", ""))


class _Recorder:
    """Django's answer passed on chunk by chunk and copied while it stays small enough."""

    def __init__(self, layer: FastReads, key: Key, at: int, result: Iterable[bytes],
                 head: dict[str, Any]) -> None:
        self.layer, self.key, self.at, self.result, self.head = layer, key, at, result, head
        self.chunks: list[bytes] | None = []
        self.size = 0
        self.complete = False

    def __iter__(self) -> Iterator[bytes]:
        for chunk in self.result:
            if self.chunks is not None:
                self.size += len(chunk)
                if self.size > self.layer.cache.max_answer_bytes:
                    self.chunks = None
                else:
                    self.chunks.append(chunk)
            yield chunk
        self.complete = True

    def close(self) -> None:
        try:
            close = getattr(self.result, "close", None)
            if close is not None:
                close()
        finally:
            try:
                self._keep()
            finally:
                self.layer.cache.release(self.key)

    def _keep(self) -> None:
        status, headers = self.head.get("status", ""), self.head.get("headers", [])
        if (not self.complete or self.chunks is None or status[:3] not in ("200", "304")
                or any(name.lower() == "set-cookie" for name, _ in headers)):
            return
        self.layer.cache.put(self.at, self.key, Answer(status, tuple(headers),
                                                       b"".join(self.chunks)))


class FastReads:
    """The WSGI application: `FastReads(django_wsgi_app, AnswerCache(...), ThinReads())`.

    A miss is computed by the thin path (`rtis.apicache.thin`) when it understands the request,
    else by Django; with a cache of size 0, every eligible request is a miss.
    """

    def __init__(self, app: Callable[..., Any], cache: AnswerCache, thin: Any = None) -> None:
        self.app, self.cache, self.thin = app, cache, thin

    def _compute(self, environ: dict[str, Any], start_response: StartResponse, at: int) -> Any:
        """The answer of a miss: the thin path's, or Django's."""
        if self.thin is not None:
            try:
                answer = self.thin.answer(environ, at)
            except Exception:  # a broken connection, a bug: Django answers (and reconnects)
                log.exception("thin read failed, handed to Django: %s", environ.get("PATH_INFO"))
                answer = None
            if answer is not None:
                status, headers, body = answer
                start_response(status, headers)
                return body
        return self.app(environ, start_response)

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Any:
        if not eligible(environ):
            return self.app(environ, start_response)
        at = version.current()
        if at is None:
            return self.app(environ, start_response)
        if self.cache.max_bytes <= 0:
            return self._compute(environ, start_response, at)
        key = (at, *key_of(environ))
        answer = self.cache.get(at, key)
        if answer is None:
            waiting = self.cache.claim(key)
            if waiting is not None:  # someone computes it: wait, then take theirs
                waiting.wait(_WAIT_SECONDS)
                answer = self.cache.get(at, key)
                if answer is None:
                    return self._compute(environ, start_response, at)
        if answer is not None:
            start_response(answer.status, list(answer.headers))
            return [answer.body]
        head: dict[str, Any] = {}

        def recording(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            head["status"], head["headers"] = status, list(headers)
            return start_response(status, headers, exc_info)

        try:
            result = self._compute(environ, recording, at)
        except BaseException:
            self.cache.release(key)
            raise
        return _Recorder(self, key, at, result, head)


def wrap(app: Callable[..., Any]) -> Callable[..., Any]:
    """Django's WSGI application behind the fast reads: the cache sized by
    settings.API_CACHE_BYTES (0: none), the thin path on unless settings.API_THIN_READS is off."""
    from django.conf import settings

    from rtis.apicache.thin import ThinReads

    limit = int(getattr(settings, "API_CACHE_BYTES", 0))
    thin = ThinReads() if getattr(settings, "API_THIN_READS", True) else None
    if limit <= 0 and thin is None:
        return app
    return FastReads(app, AnswerCache(limit, int(getattr(settings, "API_CACHE_ANSWER_BYTES",
                                                         limit // 8)),
                                      float(getattr(settings, "API_CACHE_SECONDS", 60))), thin)
