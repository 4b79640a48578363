"""Typed input of the tracking pages; the actions do the real checks."""

from __future__ import annotations

from decimal import Decimal, localcontext
from typing import Any

from django import forms
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from rtis.lib.money import UNITS, MoneyError, from_won, parse_amount
from rtis.plans.models import MAX_AMOUNT_WON
from rtis.tracking.models import (
    MilestoneState,
    NodeStatus,
    ParticipationKind,
    PeriodKind,
)
from rtis.tracking.queries import ENTRY_UNITS

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class AmountField(forms.Field):
    """An amount typed with thousands separators ("1,234,000"), in won or the plan's unit.

    Cleans to a Decimal in the typed unit; the form turns it into integer won. Messages are
    gettext strings, so the page shows them in its own language.
    """

    default_error_messages = {
        "required": _("금액을 입력하십시오."),
        "invalid": _("숫자로 입력하십시오. 예: 1,234,000"),
        "negative": _("음수는 입력할 수 없습니다."),
    }

    def __init__(self, label: Any, *, allow_negative: bool = False) -> None:
        self.allow_negative = allow_negative
        attrs = {"inputmode": "decimal", "class": "num", "autocomplete": "off", "maxlength": "40",
                 "data-amount": "signed" if allow_negative else "unsigned"}
        super().__init__(label=label, widget=forms.TextInput(attrs=attrs))

    def to_python(self, value: Any) -> Decimal | None:
        text = str(value).strip() if value is not None else ""
        if not text:
            return None
        if len(text) > 40:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        try:
            amount = parse_amount("".join(text.split()))  # "1 234 000" as well as "1,234,000"
        except MoneyError:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from None
        if amount is None:
            raise forms.ValidationError(self.error_messages["required"], code="required")
        if amount < 0 and not self.allow_negative:
            raise forms.ValidationError(self.error_messages["negative"], code="negative")
        return amount

    def validate(self, value: Any) -> None:
        if value in self.empty_values and self.required:
            raise forms.ValidationError(self.error_messages["required"], code="required")


UNIT_NAMES = {"원": pgettext_lazy("unit", "원"), "천원": pgettext_lazy("unit", "천원"),
              "백만원": pgettext_lazy("unit", "백만원"), "억원": pgettext_lazy("unit", "억원")}


def unit_name(unit: str) -> str:
    """Return a money unit as the page's language writes it (백만원, million won)."""
    return str(UNIT_NAMES.get(unit, unit))


def show_amount(won: int | None, unit: str) -> str:
    """Print integer won in an entry unit with separators and every digit kept: 1,234.5."""
    if won is None:
        return ""
    exact = from_won(int(won), unit)
    whole, _, fraction = f"{abs(exact):f}".partition(".")
    text = f"{int(whole):,}" + (f".{fraction}" if fraction else "")
    return f"-{text}" if exact < 0 else text


class ExecutionForm(forms.Form):
    """The five year-to-date amounts, typed in the unit the page shows (hidden `amount_unit`).

    A post without `amount_unit` is read in won.
    """

    amount_unit = forms.ChoiceField(choices=[(u, u) for u in ENTRY_UNITS], required=False,
                                    widget=forms.HiddenInput)
    original_budget = AmountField(_("본예산"))
    transfers = AmountField(_("예산이체"), allow_negative=True)
    carryover = AmountField(_("이월액"))
    committed = AmountField(_("원인행위액"))
    spent = AmountField(_("지출액"))
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1, required=False)

    AMOUNTS = ("original_budget", "transfers", "carryover", "committed", "spent")

    def __init__(self, *args: Any, unit: str = "원", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.is_bound:
            posted = self.data.get(self.add_prefix("amount_unit")) or "원"
            unit = posted if posted in ENTRY_UNITS else "원"
        self.unit = unit
        self.fields["amount_unit"].initial = unit
        for name in self.AMOUNTS:
            field = self.fields[name]
            field.label = gettext("%(label)s(%(unit)s)") % {"label": field.label,
                                                              "unit": unit_name(unit)}
            if self.initial.get(name) is not None and not self.is_bound:
                self.initial[name] = show_amount(self.initial[name], unit)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for name in self.AMOUNTS:
            amount = data.get(name)
            if amount is None:
                continue
            with localcontext(prec=100):  # exact: a typed amount has at most 40 characters
                scaled = amount * UNITS[self.unit]
            if scaled != scaled.to_integral_value():
                self.add_error(name, _("1원 단위까지만 입력할 수 있습니다."))
                continue
            won = int(scaled)
            if abs(won) > MAX_AMOUNT_WON:
                self.add_error(name, _("금액이 너무 큽니다. 1경 원보다 작아야 합니다."))
                continue
            data[name] = won
        return data


class CorrectionForm(ExecutionForm):
    reason = forms.CharField(label=_("정정 사유"), max_length=2000,
                             widget=forms.Textarea(attrs={"rows": 2}))


class IndicatorReportForm(forms.Form):
    value = forms.CharField(label=_("실적값"), max_length=40, widget=forms.TextInput(
        attrs={"inputmode": "decimal", "class": "num", "autocomplete": "off",
               "data-amount": "signed"}))
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
