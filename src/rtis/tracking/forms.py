"""Typed input of the tracking pages; the actions do the real checks."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from rtis.tracking.models import (
    MilestoneState,
    NodeStatus,
    ParticipationKind,
    PeriodKind,
)

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def won_field(label: Any, *, allow_negative: bool = False) -> forms.IntegerField:
    return forms.IntegerField(
        label=label, min_value=None if allow_negative else 0,
        widget=forms.NumberInput(attrs={"step": 1, "inputmode": "numeric", "class": "num"}))


class ExecutionForm(forms.Form):
    original_budget = won_field(_("본예산(원)"))
    transfers = won_field(_("예산이체(원)"), allow_negative=True)
    carryover = won_field(_("이월액(원)"))
    committed = won_field(_("원인행위액(원)"))
    spent = won_field(_("지출액(원)"))
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1, required=False)


class CorrectionForm(ExecutionForm):
    reason = forms.CharField(label=_("정정 사유"), max_length=2000,
                             widget=forms.Textarea(attrs={"rows": 2}))


class IndicatorReportForm(forms.Form):
    value = forms.CharField(label=_("실적값"), max_length=40)
    unit = forms.CharField(label=_("단위"), max_length=30)
    evidence = forms.CharField(label=_("근거"), required=False, max_length=2000,
                               widget=forms.Textarea(attrs={"rows": 2}))
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1, required=False)


class MilestoneForm(forms.Form):
    planned = forms.CharField(label=_("계획"), max_length=2000,
                              widget=forms.Textarea(attrs={"rows": 2}))
    achieved = forms.CharField(label=_("실적"), required=False, max_length=2000,
                               widget=forms.Textarea(attrs={"rows": 2}))
    state = forms.ChoiceField(label=_("추진 상태"), choices=MilestoneState.choices,
                              initial=MilestoneState.NOT_STARTED)
    delay_reason = forms.CharField(label=_("지연 사유"), required=False, max_length=2000,
                                   widget=forms.Textarea(attrs={"rows": 2}))
    completed_on = forms.DateField(label=_("완료일"), required=False, widget=DATE_WIDGET)
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1, required=False)


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=_("추진 상황"), choices=NodeStatus.choices)
    effective_on = forms.DateField(label=_("기준일"), widget=DATE_WIDGET)
    reason = forms.CharField(label=_("사유"), required=False, max_length=2000,
                             widget=forms.Textarea(attrs={"rows": 2}),
                             help_text=_("일부추진·지연·보류·폐기는 사유가 필요합니다"))


class ParticipationForm(forms.Form):
    kind = forms.ChoiceField(label=_("유형"), choices=ParticipationKind.choices)
    held_on = forms.DateField(label=_("일자"), required=False, widget=DATE_WIDGET)
    count = forms.IntegerField(label=_("횟수"), min_value=1, initial=1)
    description = forms.CharField(label=_("내용"), required=False, max_length=2000)


class ReturnForm(forms.Form):
    comment = forms.CharField(label=_("반려 사유"), max_length=2000,
                              widget=forms.Textarea(attrs={"rows": 2}))
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class VersionForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class GenerateForm(forms.Form):
    year = forms.IntegerField(label=_("연도"), min_value=1990, max_value=2100)


class SettingsForm(forms.Form):
    execution_period = forms.ChoiceField(label=_("집행실적 주기"), choices=PeriodKind.choices)
    indicator_period = forms.ChoiceField(label=_("성과지표 실적 주기"), choices=PeriodKind.choices)
    milestone_period = forms.ChoiceField(label=_("추진일정 주기"), choices=PeriodKind.choices)
    due_days = forms.IntegerField(label=_("제출 기한(기간 종료 후 일수)"), min_value=0,
                                  max_value=90)
    reminder_days = forms.IntegerField(label=_("미리 알림(기한 전 일수)"), min_value=0,
                                       max_value=30)
    projection_threshold = forms.DecimalField(label=_("연말 집행률 경고 기준(%)"), min_value=0,
                                              max_value=100, decimal_places=1)
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1, required=False)
