"""Values worth computing once per request, not once per caller (who an applicant acts for is
asked by the authentication, the view and the action of the same request).

The memo lives exactly as long as one request handled by `RequestMemoMiddleware` (a context
variable: each server thread its own); outside a request (commands, tests calling actions
directly) there is none and callers compute every time. Whoever memoises a value also says when
it goes stale (`forget`), e.g. on a save of the rows it was read from.
"""

from __future__ import annotations

from collections.abc import Callable
from contextvars import ContextVar
from typing import Any

from django.http import HttpRequest, HttpResponse

_MEMO: ContextVar[dict[Any, Any] | None] = ContextVar("rtis_request_memo", default=None)


def request_memo() -> dict[Any, Any] | None:
    """The current request's memo, or None outside a request."""
    return _MEMO.get()


def forget(prefix: str) -> None:
    """Drop the current request's entries whose key starts with `prefix` (a tuple's first item)."""
    memo = _MEMO.get()
    if memo:
        for key in [k for k in memo if k[0] == prefix]:
            del memo[key]


class RequestMemoMiddleware:
    """Give each request an empty memo, dropped when its response is returned."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = _MEMO.set({})
        try:
            return self.get_response(request)
        finally:
            _MEMO.reset(token)
