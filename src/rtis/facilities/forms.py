"""The facility edit form: what the operating department's officer keeps up to date."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from rtis.facilities.models import Phase


class FacilityForm(forms.Form):
    phase = forms.ChoiceField(label=_("단계"), choices=Phase.choices)
    construction_started_on = forms.DateField(label=_("착공일"), required=False)
    opened_on = forms.DateField(label=_("개관일"), required=False)
    closed_on = forms.DateField(label=_("운영 종료일"), required=False)
    floor_area_m2 = forms.DecimalField(label=_("연면적(㎡)"), required=False, max_digits=12,
                                       decimal_places=2)
    tenant_spaces = forms.IntegerField(label=_("입주공간 수"), required=False, min_value=0)
    operator = forms.CharField(label=_("운영기관"), required=False, max_length=200)
    address = forms.CharField(label=_("주소"), required=False, max_length=300)
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    FIELDS = ("phase", "construction_started_on", "opened_on", "closed_on", "floor_area_m2",
              "tenant_spaces", "operator", "address")
