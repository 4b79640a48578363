"""Template filters of the council follow-up pages."""

from __future__ import annotations

from django import template

from rtis.oversight.models import Status

register = template.Library()

# A colour per status for the CSS (the status is always written out too: never colour alone).
STATUS_CLASSES = {
    Status.DONE: "st-done",
    Status.IN_PROGRESS: "st-progress",
    Status.UNDER_REVIEW: "st-review",
    Status.NOT_ADOPTED: "st-rejected",
}


@register.filter
def status_class(status: str) -> str:
    """{{ item.status|status_class }} → the CSS class of the status badge."""
    return STATUS_CLASSES.get(status, "st-other")  # type: ignore[call-overload]
