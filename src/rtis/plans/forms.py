"""Typed input of the plan pages; actions do the real checks."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from rtis.plans.models import NodeKind

UNITS = ["원", "천원", "백만원", "억원"]
DISPLAY_UNITS = ["원", "백만원", "억원"]


class NodeForm(forms.Form):
    title = forms.CharField(label=_("명칭"), max_length=300)
    kind = forms.ChoiceField(label=_("구분"), required=False,
                             choices=[("", _("없음")), *NodeKind.choices])
    description = forms.CharField(label=_("설명"), required=False, widget=forms.Textarea(
        attrs={"rows": 6}))
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class BudgetLineForm(forms.Form):
    year = forms.IntegerField(label=_("연도"), min_value=1990, max_value=2100)
    source = forms.ChoiceField(label=_("재원"), choices=[])
    amount = forms.DecimalField(label=_("금액"), max_digits=22, decimal_places=6)
    unit = forms.ChoiceField(label=_("단위"), choices=[(u, u) for u in UNITS], initial="백만원")
    note = forms.CharField(label=_("비고"), required=False, max_length=200)
    # The version of the line the editor loaded ("" for a new line): a stale save is refused.
    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)

    def __init__(self, *args: object, sources: list[tuple[str, str]], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["source"].choices = sources  # type: ignore[attr-defined]
