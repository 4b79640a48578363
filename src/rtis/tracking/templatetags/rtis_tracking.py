"""Template filters naming tracking entries and linking to them."""

from __future__ import annotations

from typing import Any

from django import template

from rtis.tracking import notify
from rtis.tracking.models import IndicatorReport, Milestone

register = template.Library()


@register.filter
def entry_label(entry: Any) -> str:
    return notify.entry_label(entry)


@register.filter
def entry_url(entry: Any) -> str:
    return notify.entry_url(entry)


@register.filter
def entry_kind(entry: Any) -> str:
    """Return the URL slug of an entry's kind: execution, indicator or milestone."""
    if isinstance(entry, IndicatorReport):
        return "indicator"
    if isinstance(entry, Milestone):
        return "milestone"
    return "execution"


@register.filter
def won_full(value: int | None) -> str:
    """Show whole won with separators: 1,234,000원."""
    if value is None or value == "":
        return ""
    return f"{int(value):,}"
