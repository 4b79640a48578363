from typing import Any

from django import template

register = template.Library()


@register.filter
def get_item(mapping: dict[str, Any], key: str) -> Any:
    """A dictionary's value by key in a template (code → name)."""
    return mapping.get(key, "") if mapping else ""
