"""Sign-in page: explains a lock and an ended session."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import views as auth_views

from rtis.web.forms import SignInForm
from rtis.web.sessions import ENDED


class SignInView(auth_views.LoginView):
    authentication_form = SignInForm

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["session_ended"] = bool(self.request.session.pop(ENDED, False))
        return context
