"""Typed input of the oversight pages; the actions do the real checks."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from rtis.oversight.models import Status


class AuditItemForm(forms.Form):
    status = forms.ChoiceField(label=_("처리상황"), choices=Status.choices)
    actions = forms.CharField(label=_("추진내용"), required=False,
                              widget=forms.Textarea(attrs={"rows": 5}))
    next_steps = forms.CharField(label=_("향후계획"), required=False,
                                 widget=forms.Textarea(attrs={"rows": 3}))
    due_on = forms.DateField(label=_("완료 기한"), required=False,
                             help_text=_("비워 두면 기한 없음 (YYYY-MM-DD)"),
                             widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
