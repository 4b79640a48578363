"""Sessions end after RTIS_SESSION_IDLE_MINUTES of inactivity and RTIS_SESSION_MAX_HOURS after
sign-in; pages with a form warn before (static/rtis/session.js) and keep what was typed."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

SIGNED_IN_AT = "rtis_signed_in_at"
LAST_SEEN = "rtis_last_seen"
# Kept in the fresh session after an idle or absolute sign-out, read once by the login page.
ENDED = "rtis_session_ended"
# Activity is written at most this often (a tenth of the idle time, at most 30 seconds): one
# session write per request would be wasteful.
TOUCH_EVERY = 30


def _touch_every() -> int:
    return min(TOUCH_EVERY, max(1, int(settings.SESSION_IDLE_SECONDS) // 10))


def on_logged_in(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    """Start the session's clocks at sign-in."""
    if request is not None and hasattr(request, "session"):
        now = int(time.time())
        request.session[SIGNED_IN_AT] = now
        request.session[LAST_SEEN] = now


def remaining_seconds(request: HttpRequest, now: float | None = None) -> int:
    """Return how long the session lives without further activity (0 when it has ended)."""
    now = time.time() if now is None else now
    session = request.session
    last = session.get(LAST_SEEN)
    started = session.get(SIGNED_IN_AT)
    if last is None or started is None:
        return 0
    idle_left = last + int(settings.SESSION_IDLE_SECONDS) - now
    absolute_left = started + int(settings.SESSION_MAX_SECONDS) - now
    return max(0, int(min(idle_left, absolute_left)))


def _same_site_path(request: HttpRequest) -> str:
    """Return the page the user was on: the Referer when it is this site, else this path."""
    referer = str(request.META.get("HTTP_REFERER", ""))
    parts = urlsplit(referer)
    if referer and parts.netloc == request.get_host() and parts.path.startswith("/"):
        return parts.path + (f"?{parts.query}" if parts.query else "")
    return request.get_full_path()


class SessionTimeoutMiddleware:
    """Sign out a session that was idle too long or has reached its absolute lifetime."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            session = request.session
            now = time.time()
            if SIGNED_IN_AT not in session:
                # A session from before this rule (or force_login): its clocks start now.
                session[SIGNED_IN_AT] = session[LAST_SEEN] = int(now)
            elif remaining_seconds(request, now) <= 0:
                return self._end(request)
            elif not _is_status_check(request) and now - session[LAST_SEEN] >= _touch_every():
                session[LAST_SEEN] = int(now)
        return self.get_response(request)

    def _end(self, request: HttpRequest) -> HttpResponse:
        page = _same_site_path(request) if request.method == "POST" else request.get_full_path()
        logout(request)
        request.session[ENDED] = True
        if (request.method == "POST" and not request.path.startswith("/api/")
                and not request.headers.get("HX-Request")):
            # What was typed is kept in the browser (session.js); after signing in again the
            # user lands on the page the form was on and finds it restored.
            return HttpResponseRedirect(f"{reverse('login')}?{urlencode({'next': page})}",
                                        status=303)
        # Anything else goes on as the public: pages ask to sign in, the API refuses.
        return self.get_response(request)


def _is_status_check(request: HttpRequest) -> bool:
    return request.method == "GET" and request.path == reverse("session_status")


@never_cache
@require_http_methods(["GET", "POST"])
def session_status(request: HttpRequest) -> JsonResponse:
    """GET: seconds left without touching the session; POST: count as activity and extend."""
    if not request.user.is_authenticated:
        return JsonResponse({"remaining": 0, "signed_in": False})
    if request.method == "POST":
        request.session[LAST_SEEN] = int(time.time())
    return JsonResponse({"remaining": remaining_seconds(request), "signed_in": True})


def session_context(request: HttpRequest) -> dict[str, Any]:
    """Give base.html what session.js needs: seconds left and when to warn."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not hasattr(request, "session"):
        return {}
    return {"session_remaining": remaining_seconds(request),
            "session_warn": int(settings.SESSION_WARN_SECONDS)}
