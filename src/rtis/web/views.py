"""Where a person lands after signing in."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_GET

from rtis.orgs.access import is_planner
from rtis.orgs.models import Role


@login_required
@require_GET
def start(request: HttpRequest) -> HttpResponse:
    """Send officers and planners to 내 업무 (their work list), everyone else to the plans."""
    user = request.user
    if is_planner(user) or getattr(user, "role", None) == Role.OFFICER:
        return redirect("tracking:my_work")
    return redirect("plans:list")
