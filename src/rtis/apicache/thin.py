"""The public's budget reads computed without Django's request machinery (FastReads' misses).

For a request `FastReads` may serve (a GET without Cookie or Authorization: the public), of
`/api/v1/plans/{slug}/budget-lines` or `…/budget-summary`, with query parameters it fully
understands, `ThinReads.answer` computes the answer itself: one `WSGIRequest` (Django's own
parsing of path, query, host and headers), the endpoint's own answer function in
`rtis.plans.api` (`budget_lines_response`, `budget_summary_response`: the same SQL, orjson
encoding, ETag, 304 and gzip as the view), and the headers the middleware puts on such an answer,
by the middleware's own code (security, CSP, language, common, X-Frame-Options; the session's
`Vary: Cookie`). What it skips: the URL resolver, ninja's parameter parsing, the rest of the
middleware chain (which does nothing to such a request), the request signals (so the thread's
database connection stays open between requests) and the ORM in the access checks.

The access checks are not copied: the reader's scope (the readable plan, the subtree's root, the
withheld node ids) comes from `rtis.plans.api.readable_scope`, the view's own function, called
for the anonymous user and kept per data version (`rtis.apicache.version`) — so a committed
write (publishing, withholding, an edit) is seen by the next request, as for the answer cache.
Answers themselves are computed for every request.

Anything else — another parameter, a value the view's schema would refuse (422), a repeated
parameter, a redirect or refusal the middleware would make, a configuration this was not written
for (`MIDDLEWARE` changed) — returns None: the caller hands the request to Django.
"""

from __future__ import annotations

import logging
import re
import threading
import time
import typing
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.handlers.wsgi import WSGIRequest
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.middleware.clickjacking import XFrameOptionsMiddleware
from django.middleware.common import CommonMiddleware
from django.middleware.security import SecurityMiddleware
from django.utils.cache import patch_vary_headers
from ninja import Status

from rtis.web.csp import ContentSecurityPolicyMiddleware
from rtis.web.middleware import ChosenLanguageMiddleware

# The middleware this was written against: with another list, every request goes to Django.
MIDDLEWARE = [
    "rtis.web.requestmemo.RequestMemoMiddleware",  # a per-request memo: these answers read none
    "django.middleware.security.SecurityMiddleware",
    "rtis.web.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",  # static files only
    "django.contrib.sessions.middleware.SessionMiddleware",  # no cookie: Vary: Cookie
    "rtis.web.middleware.ChosenLanguageMiddleware",
    "rtis.web.uploads.UploadProblemMiddleware",  # POST only
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",  # GET: nothing
    "django.contrib.auth.middleware.AuthenticationMiddleware",  # anonymous
    "rtis.web.sessions.SessionTimeoutMiddleware",  # anonymous: nothing
    "django.contrib.messages.middleware.MessageMiddleware",  # no cookie: nothing
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]
PATH = re.compile(r"/api/v1/plans/([^/]+)/(budget-lines|budget-summary)")
_YEAR = re.compile(r"[12][0-9]{3}")
_LIMIT = re.compile(r"[1-9][0-9]{0,3}")
_FORMATS = ("json", "csv", "ndjson")
_SCOPES_KEPT = 512

Scope = tuple[Any, Any, frozenset[int]] | Http404
Answer = tuple[str, list[tuple[str, str]], Iterable[bytes]]


def _never(request: HttpRequest) -> HttpResponse:  # pragma: no cover - never called
    raise AssertionError("the middleware's hooks are called one by one")


class _Body:
    """A streamed answer's chunks; closing it closes the stream (not the request signals)."""

    def __init__(self, response: HttpResponseBase) -> None:
        self.chunks: Iterator[bytes] = iter(response)

    def __iter__(self) -> Iterator[bytes]:
        return self.chunks

    def close(self) -> None:
        close = getattr(self.chunks, "close", None)
        if close is not None:
            close()


class ThinReads:
    def __init__(self) -> None:
        from rtis.config.api import api
        from rtis.plans import api as plans_api

        self.api, self.plans = api, plans_api
        self.enabled = list(settings.MIDDLEWARE) == MIDDLEWARE
        if not self.enabled:  # said once at start: a silent hand-over cost 10× in speed once
            # Operators' start-up lines are "한국어 / English" in one line (as in rtis.cli), not
            # gettext: the log is read by whoever runs the server, whatever RTIS_LANGUAGE says.
            logging.getLogger(__name__).warning(
                "빠른 읽기 꺼짐: settings.MIDDLEWARE가 thin.py의 기준 목록"
                "(rtis.apicache.thin.MIDDLEWARE)과 달라 공개 계획 조회를 모두 Django가 처리합니다 / "
                "thin reads off: settings.MIDDLEWARE differs from the list thin.py was written "
                "against (rtis.apicache.thin.MIDDLEWARE); every public plan read goes to Django")
        source = plans_api.LineFilter.model_fields["source"].annotation
        self.sources = frozenset(typing.get_args(typing.get_args(source)[0]))
        self.max_cursor = next(m.max_length for m in plans_api.LinePageQuery.model_fields[
            "cursor"].metadata if hasattr(m, "max_length"))
        self.max_age = float(getattr(settings, "API_CACHE_SECONDS", 60))
        self.anonymous = AnonymousUser()
        self._security = SecurityMiddleware(_never)
        self._common = CommonMiddleware(_never)
        self._xframe = XFrameOptionsMiddleware(_never)
        self._scopes: dict[tuple[str, str | None], tuple[float, Scope]] = {}
        self._version: int | None = None
        self._lock = threading.Lock()
        self.answered = self.declined = 0

    # -- the reader's scope, kept per data version ----------------------------------------------
    def scope(self, at: int, slug: str, node: str | None) -> Scope:
        key = (slug, node)
        with self._lock:
            if at != self._version:
                self._scopes.clear()
                self._version = at
            kept = self._scopes.get(key)
        if kept is not None and time.monotonic() - kept[0] <= self.max_age:
            return kept[1]
        found: Scope
        try:
            plan, root, hidden = self.plans.readable_scope(self.anonymous, slug, node)
            found = (plan, root, frozenset(hidden))
        except Http404 as exc:
            found = exc
        with self._lock:
            if at == self._version:  # read after the version: never older than it
                if len(self._scopes) >= _SCOPES_KEPT:
                    self._scopes.clear()
                self._scopes[key] = (time.monotonic(), found)
        return found

    # -- the request ----------------------------------------------------------------------------
    def answer(self, environ: dict[str, Any], at: int) -> Answer | None:
        """Status, headers and body of the request, or None: Django must answer it."""
        if not self.enabled:
            return None
        match = PATH.fullmatch(environ.get("PATH_INFO", ""))
        if match is None:
            return None
        request = WSGIRequest(environ)
        if request.path_info != environ.get("PATH_INFO"):
            return None  # percent-decoding or a script name made it another path
        compute = self._lines if match.group(2) == "budget-lines" else self._summary
        view = self._view(compute, match.group(1), at)
        if view is None:
            return None
        try:
            response = self._through_middleware(request, view)
        except _Decline:
            self.declined += 1
            return None
        self.answered += 1
        headers = [*response.items(), *(("Set-Cookie", c.output(header=""))
                                        for c in response.cookies.values())]
        status = f"{response.status_code} {response.reason_phrase}"
        if response.streaming:
            return status, headers, _Body(response)
        return status, headers, [typing.cast(HttpResponse, response).content]

    def _view(self, compute: Callable[..., Any], slug: str,
              at: int) -> Callable[[HttpRequest], HttpResponseBase]:
        def view(request: HttpRequest) -> HttpResponseBase:
            try:
                result = compute(request, slug, at)
            except Http404 as exc:  # the API's own handler (rtis.config.api.not_found)
                return typing.cast(HttpResponseBase, self.api.on_exception(request, exc))
            if isinstance(result, Status):  # as ninja renders a refusal the view returns
                return self.api.create_response(request, result.value, status=result.status_code)
            return typing.cast(HttpResponseBase, result)
        return view

    def _through_middleware(self, request: HttpRequest,
                            view: Callable[[HttpRequest], HttpResponseBase]) -> HttpResponseBase:
        """The view between the hooks of the middleware that act on a public API GET, in the
        order of `MIDDLEWARE` (requests top-down, responses bottom-up)."""
        try:
            if (self._security.process_request(request) is not None
                    or self._common.process_request(request) is not None):
                raise _Decline  # a redirect (HTTPS, www)
        except _Decline:
            raise
        except Exception as exc:  # DisallowedHost and the like: Django's own 400
            raise _Decline from exc

        def inner(req: HttpRequest) -> HttpResponseBase:
            response: HttpResponseBase = self._xframe.process_response(
                req, typing.cast(HttpResponse, view(req)))
            response = self._common.process_response(req, typing.cast(HttpResponse, response))
            if response.status_code in (301, 302, 307, 308):
                raise _Decline  # APPEND_SLASH after a 404: let Django redirect
            return response

        def session(req: HttpRequest) -> HttpResponseBase:
            response = ChosenLanguageMiddleware(inner)(req)  # type: ignore[arg-type]
            patch_vary_headers(response, ("Cookie",))  # the anonymous session was looked at
            return response

        response = ContentSecurityPolicyMiddleware(session)(request)  # type: ignore[arg-type]
        return self._security.process_response(request, response)

    def _lines(self, request: HttpRequest, slug: str, at: int) -> Any:
        params = request.GET
        got: dict[str, str] = {}
        for name, values in params.lists():
            if len(values) != 1 or name in got:
                raise _Decline
            got[name] = values[0]
        if not got.keys() <= {"year", "source", "node", "limit", "cursor", "format"}:
            raise _Decline
        year = got.get("year")
        if year is not None and not (_YEAR.fullmatch(year) and 1990 <= int(year) <= 2100):
            raise _Decline
        limit = got.get("limit", str(self.plans.PAGE_DEFAULT))
        if not _LIMIT.fullmatch(limit) or int(limit) > self.plans.PAGE_MAX:
            raise _Decline
        source, node, cursor = got.get("source"), got.get("node"), got.get("cursor")
        fmt = got.get("format", "json")
        if ((source is not None and source not in self.sources) or node == ""
                or (cursor is not None and len(cursor) > self.max_cursor)
                or fmt not in _FORMATS):
            raise _Decline
        found = self.scope(at, slug, node)
        if isinstance(found, Http404):
            raise found
        plan, root, hidden = found
        return self.plans.budget_lines_response(request, plan, root, hidden,
                                                int(year) if year else None, source,
                                                int(limit), cursor, fmt)

    def _summary(self, request: HttpRequest, slug: str, at: int) -> Any:
        if request.META.get("QUERY_STRING"):
            raise _Decline
        found = self.scope(at, slug, None)
        if isinstance(found, Http404):
            raise found
        return self.plans.budget_summary_response(request, found[0])


class _Decline(Exception):
    """Not a request the thin path fully understands: Django answers it."""
