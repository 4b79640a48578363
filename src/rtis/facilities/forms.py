"""The facility edit form: what the operating department's officer keeps up to date."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from rtis.facilities.models import ContributorKind, ExitKind, Formula, Phase, Stage
from rtis.plans.models import MAX_YEAR, MIN_YEAR


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


# --- management screens (facilities-ui) -------------------------------------------------------

class TenancyForm(forms.Form):
    name = forms.CharField(label=_("기업명"), max_length=200)
    business_number = forms.CharField(label=_("사업자등록번호"), max_length=20,
                                      help_text=_("10자리, 하이픈은 있어도 됩니다"))
    space = forms.CharField(label=_("입주공간"), max_length=50)
    moved_in_on = forms.DateField(label=_("입주일"), widget=forms.DateInput(attrs={"type": "date"}))
    moved_out_on = forms.DateField(label=_("퇴거일"), required=False,
                                   widget=forms.DateInput(attrs={"type": "date"}))
    exit_kind = forms.ChoiceField(label=_("퇴거 사유"), required=False,
                                  choices=[("", "—"), *ExitKind.choices])


class MoveOutForm(forms.Form):
    moved_out_on = forms.DateField(label=_("퇴거일"), widget=forms.DateInput(attrs={"type": "date"}))
    exit_kind = forms.ChoiceField(label=_("퇴거 사유"), choices=ExitKind.choices)
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class OutcomeForm(forms.Form):
    year = forms.IntegerField(label=_("연도"), min_value=MIN_YEAR, max_value=MAX_YEAR)
    sales_won = forms.IntegerField(label=_("매출(원)"), min_value=0)
    employees = forms.IntegerField(label=_("고용(명)"), min_value=0)
    investment_won = forms.IntegerField(label=_("투자유치(원)"), min_value=0)
    patents = forms.IntegerField(label=_("지식재산권(건)"), min_value=0)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)


class TenantForm(forms.Form):
    name = forms.CharField(label=_("기업명"), max_length=200)
    closed_on = forms.DateField(label=_("폐업일"), required=False,
                                widget=forms.DateInput(attrs={"type": "date"}))
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class FundForm(forms.Form):
    name = forms.CharField(label=_("펀드명"), max_length=200)
    target_size_won = forms.IntegerField(label=_("목표 규모(원)"), min_value=0)
    city_target_won = forms.IntegerField(label=_("시 출자 계획(원)"), min_value=0, required=False)
    manager = forms.CharField(label=_("운용사(GP)"), max_length=200, required=False)
    vintage = forms.IntegerField(label=_("결성연도"), min_value=MIN_YEAR, max_value=MAX_YEAR,
                                 required=False)
    investment_years = forms.IntegerField(label=_("투자기간(년)"), min_value=0, max_value=50,
                                          required=False)
    recovery_years = forms.IntegerField(label=_("회수기간(년)"), min_value=0, max_value=50,
                                        required=False)
    published = forms.BooleanField(label=_("공개"), required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)

    FIELDS = ("name", "target_size_won", "city_target_won", "manager", "vintage",
              "investment_years", "recovery_years", "published")


class CommitmentForm(forms.Form):
    contributor = forms.CharField(label=_("출자자"), max_length=200)
    contributor_kind = forms.ChoiceField(label=_("출자자 구분"), choices=ContributorKind.choices)
    amount_won = forms.IntegerField(label=_("약정액(원)"), min_value=0)
    committed_on = forms.DateField(label=_("약정일"), widget=forms.DateInput(attrs={"type": "date"}))


class CapitalCallForm(forms.Form):
    called_on = forms.DateField(label=_("납입요청일"), widget=forms.DateInput(attrs={"type": "date"}))
    amount_won = forms.IntegerField(label=_("요청액(원)"), min_value=0)


class InvestmentForm(forms.Form):
    company = forms.CharField(label=_("피투자기업"), max_length=200)
    business_number = forms.CharField(label=_("입주기업 사업자등록번호(있으면)"), max_length=20,
                                      required=False)
    amount_won = forms.IntegerField(label=_("투자액(원)"), min_value=1)
    invested_on = forms.DateField(label=_("투자일"), widget=forms.DateInput(attrs={"type": "date"}))
    stage = forms.ChoiceField(label=_("투자단계"), choices=Stage.choices)
    follow_on = forms.BooleanField(label=_("후속투자"), required=False)


class ExitForm(forms.Form):
    investment = forms.TypedChoiceField(label=_("투자"), coerce=int, choices=())
    exited_on = forms.DateField(label=_("회수일"), widget=forms.DateInput(attrs={"type": "date"}))
    proceeds_won = forms.IntegerField(label=_("회수액(원)"), min_value=0)
    kind = forms.CharField(label=_("회수 방식"), max_length=40, required=False)

    def __init__(self, *args: Any, investments: list[Any] = (), **kwargs: Any) -> None:  # type: ignore[assignment]
        super().__init__(*args, **kwargs)
        self.fields["investment"].choices = [  # type: ignore[attr-defined]
            (i.pk, f"{i.company} · {i.invested_on:%Y-%m-%d}") for i in investments]


class ComputedForm(forms.Form):
    indicator = forms.IntegerField(label=_("지표"), min_value=1)
    formula = forms.ChoiceField(label=_("산식"), choices=Formula.choices)
