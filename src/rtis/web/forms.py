"""Sign-in forms of both doors (the login page and /admin/login/) that explain a lock."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from rtis.web.signin import LOCKED_UNTIL, lock_message


class LockAwareMixin:
    """Replace "wrong name or password" with the time a locked sign-in may be retried."""

    request: Any

    def clean(self) -> dict[str, Any]:
        try:
            return super().clean()  # type: ignore[misc]
        except forms.ValidationError:
            until = getattr(self.request, LOCKED_UNTIL, None)
            if until is not None:
                raise forms.ValidationError(lock_message(until), code="locked") from None
            raise


class SignInForm(LockAwareMixin, AuthenticationForm):
    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _("아이디 또는 비밀번호가 맞지 않습니다."),
    }


class AdminSignInForm(LockAwareMixin, AdminAuthenticationForm):
    pass
