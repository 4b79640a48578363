"""Content-Security-Policy on every response: scripts and styles from this site only.

A view that must ship inline CSS (the standalone HTML report) names its exact blocks by hash with
`allow_inline_styles`; nothing else may run or style inline.
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

HEADER = "Content-Security-Policy"
REPORT_ONLY_HEADER = "Content-Security-Policy-Report-Only"
STYLE_BLOCK = re.compile(r"<style>(.*?)</style>", re.S)


def policy(extra_style_sources: list[str] | None = None) -> str:
    """Return the site's policy, with extra style sources (hashes) if given."""
    text = str(settings.CONTENT_SECURITY_POLICY)
    if extra_style_sources:
        text = text.replace("style-src 'self'",
                            "style-src 'self' " + " ".join(extra_style_sources), 1)
    return text


def allow_inline_styles(response: HttpResponse, html: str) -> HttpResponse:
    """Allow exactly the <style> blocks of this HTML document (by SHA-256), nothing more."""
    hashes = [
        "'sha256-" + base64.b64encode(hashlib.sha256(block.encode("utf-8")).digest()).decode() + "'"
        for block in STYLE_BLOCK.findall(html)
    ]
    response[_header_name()] = policy(hashes)
    return response


def _header_name() -> str:
    return REPORT_ONLY_HEADER if settings.CSP_REPORT_ONLY else HEADER


class ContentSecurityPolicyMiddleware:
    """Add the policy to every response that does not set its own (static files included)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        name = _header_name()
        if name not in response:
            response[name] = policy()
        return response
