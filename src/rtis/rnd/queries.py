"""Reads of the R&D context: which calls a user sees, a call's applications."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from rtis.orgs.access import is_planner
from rtis.rnd.models import Application, Call, CallState


def calls_for_user(user: Any) -> QuerySet[Call]:
    """Return the calls a user may read: planners every call, everyone else published ones."""
    calls = Call.objects.select_related("programme")
    if is_planner(user):
        return calls
    return calls.filter(state__in=[CallState.PUBLISHED, CallState.CLOSED])


def call_applications(call: Call) -> QuerySet[Application]:
    """Return a call's applications with their organisations, by organisation name."""
    return call.applications.select_related("organisation").order_by("organisation__name", "pk")


def status_counts(call: Call) -> dict[str, int]:
    """Return how many applications of the call are in each status (one query)."""
    counts: dict[str, int] = {}
    for status in call.applications.values_list("status", flat=True):
        counts[status] = counts.get(status, 0) + 1
    return counts
