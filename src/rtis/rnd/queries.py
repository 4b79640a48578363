"""Reads of the R&D context: which calls a user sees, a call's applications, an applicant's own."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, QuerySet

from rtis.orgs.access import is_planner
from rtis.orgs.models import Role
from rtis.rnd.models import Application, Call, CallState, Organisation, Person


def calls_for_user(user: Any) -> QuerySet[Call]:
    """Return the calls a user may read: R&D managers every call, everyone else published ones."""
    calls = Call.objects.select_related("programme")
    if is_planner(user) or (getattr(user, "is_authenticated", False)
                            and getattr(user, "role", "") == Role.RND_MANAGER):
        return calls
    return calls.filter(state__in=[CallState.PUBLISHED, CallState.CLOSED])


def call_applications(call: Call) -> QuerySet[Application]:
    """Return a call's applications with their organisations, by organisation name."""
    return (call.applications.select_related("organisation", "stage")
            .annotate(attachment_count=Count("attachments"))
            .order_by("organisation__name", "pk"))


def organisation_applications(organisation: Organisation) -> QuerySet[Application]:
    """Return an organisation's applications, newest call first ("my applications")."""
    return (Application.objects.filter(organisation=organisation)
            .select_related("call__programme", "stage")
            .order_by("-call__closes_at", "-pk"))


def organisation_people(organisation: Organisation) -> QuerySet[Person]:
    """Return the organisation's people, by name."""
    return organisation.people.order_by("name", "pk")


def status_counts(call: Call) -> dict[str, int]:
    """Return how many applications of the call are in each status (one query)."""
    rows = call.applications.values("status").annotate(n=Count("pk")).order_by()
    return {row["status"]: row["n"] for row in rows}
