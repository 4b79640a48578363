"""{{ message|in_language }}: the half of a "한국어 / English" message in the page's language."""

from __future__ import annotations

from typing import Any

from django import template

from rtis.web.language import in_language as _in_language

register = template.Library()


@register.filter
def in_language(message: Any) -> str:
    return _in_language(message)
