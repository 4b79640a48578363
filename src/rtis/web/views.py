"""Signing in and where a person lands after it: the sign-in page explains a lock and an ended
session; officers and planners land on their work list."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_GET

from rtis.orgs.access import is_planner
from rtis.orgs.models import Role
from rtis.web.forms import SignInForm
from rtis.web.sessions import ENDED


class SignInView(auth_views.LoginView):
    authentication_form = SignInForm

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["session_ended"] = bool(self.request.session.pop(ENDED, False))
        return context


@login_required
@require_GET
def start(request: HttpRequest) -> HttpResponse:
    """Send officers and planners to 내 업무 (their work list), everyone else to the plans."""
    user = request.user
    if is_planner(user) or getattr(user, "role", None) == Role.OFFICER:
        return redirect("tracking:my_work")
    if getattr(user, "role", None) in {Role.RND_MANAGER, Role.EVALUATOR, Role.APPLICANT}:
        return redirect("rnd:calls")
    return redirect("plans:list")
