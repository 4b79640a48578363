"""Show what actions say ("한국어 / English") in the page's language only."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import get_language

from rtis.lib.korean import one_language


def in_language(message: Any) -> str:
    """Return the half of a "한국어 / English" message in the active language."""
    return one_language(str(message), get_language() or "ko")


def add_errors(form: forms.Form, exc: ValidationError,
               rename: dict[str, str] | None = None) -> None:
    """Put an action's refusal on the form's fields (renamed where the form calls them
    otherwise; unknown fields on the form itself), in the page's language."""
    for field, errors in exc.message_dict.items():
        field = (rename or {}).get(field, field)
        form.add_error(field if field in form.fields else None, [in_language(e) for e in errors])
