"""Template filters that present integer won in the unit the reader chose."""

from __future__ import annotations

from decimal import Decimal

from django import template

from rtis.lib.money import format_won

register = template.Library()


@register.filter
def won(value: int | None, unit: str = "백만원") -> str:
    """Show won in a unit: {{ amount|won:"억원" }}; blank for nothing."""
    if value is None or value == "":
        return ""
    return format_won(int(value), unit)


@register.filter
def number(value: Decimal | int | float | str | None) -> str:
    """Show an indicator or printed figure with separators and without trailing zeros."""
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        return value
    d = Decimal(str(value)).normalize()
    if d == d.to_integral_value():
        return f"{int(d):,}"
    return f"{d:,f}"
