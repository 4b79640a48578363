"""Forms of the grants pages; the actions check the rules, the forms only read the values."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from rtis.grants.models import ChangeKind, Decision, FailureCause, Grade, OutputKind

WON: dict[str, Any] = {"min_value": 0, "max_value": 10**15}


class AgreementForm(forms.Form):
    starts_on = forms.DateField(label=_("협약 시작일"))
    ends_on = forms.DateField(label=_("협약 종료일"))
    conditions = forms.CharField(label=_("협약 조건"), required=False, widget=forms.Textarea(
        attrs={"rows": 2}))
    deliverable = forms.CharField(label=_("산출물"), required=False, max_length=200)
    deliverable_due_on = forms.DateField(label=_("산출물 기한"), required=False)
    indicator = forms.CharField(label=_("성과지표"), required=False, max_length=200)
    indicator_unit = forms.CharField(label=_("단위"), required=False, max_length=20)
    indicator_target = forms.DecimalField(label=_("목표값"), required=False, min_value=0)

    def __init__(self, *args: object, years: list[int], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.years = years
        for year in years:
            self.fields[f"city_{year}"] = forms.IntegerField(
                label=_("%(year)s년 시비(원)") % {"year": year}, required=False, **WON)
            self.fields[f"private_cash_{year}"] = forms.IntegerField(
                label=_("%(year)s년 민간부담금 현금(원)") % {"year": year}, required=False, **WON)
            self.fields[f"private_in_kind_{year}"] = forms.IntegerField(
                label=_("%(year)s년 민간부담금 현물(원)") % {"year": year}, required=False, **WON)

    def amounts(self) -> dict[int, dict[str, int]]:
        data = self.cleaned_data
        found: dict[int, dict[str, int]] = {}
        for year in self.years:
            for source in ("city", "private_cash", "private_in_kind"):
                value = data.get(f"{source}_{year}")
                if value:
                    found.setdefault(year, {})[source] = value
        return found

    def targets(self) -> list[dict[str, object]]:
        data = self.cleaned_data
        found: list[dict[str, object]] = []
        if data.get("deliverable"):
            found.append({"kind": "deliverable", "name": data["deliverable"],
                          "due_on": data.get("deliverable_due_on")})
        if data.get("indicator"):
            found.append({"kind": "indicator", "name": data["indicator"],
                          "unit": data.get("indicator_unit") or "",
                          "target": data.get("indicator_target")})
        return found


class ChangeForm(forms.Form):
    version = forms.IntegerField(min_value=1, widget=forms.HiddenInput)
    kind = forms.ChoiceField(label=_("변경 구분"), choices=ChangeKind.choices)
    reason = forms.CharField(label=_("변경 사유"), widget=forms.Textarea(attrs={"rows": 2}))
    ends_on = forms.DateField(label=_("새 협약 종료일"), required=False)
    conditions = forms.CharField(label=_("새 협약 조건"), required=False,
                                 widget=forms.Textarea(attrs={"rows": 2}))
    year = forms.IntegerField(label=_("시비를 바꿀 연도"), required=False, min_value=2000,
                              max_value=2100)
    city_won = forms.IntegerField(label=_("그 해 새 시비(원)"), required=False, **WON)


class DecideForm(forms.Form):
    version = forms.IntegerField(min_value=1, widget=forms.HiddenInput)
    approve = forms.TypedChoiceField(label=_("처리"), coerce=lambda v: v == "yes",
                                     choices=[("yes", _("승인")), ("no", _("반려"))])
    comment = forms.CharField(label=_("처리 의견"), required=False)


class ReportForm(forms.Form):
    year = forms.IntegerField(label=_("연도"), min_value=2000, max_value=2100)
    progress = forms.CharField(label=_("추진 실적"), widget=forms.Textarea(attrs={"rows": 3}))
    spent_city_won = forms.IntegerField(label=_("시비 집행액(원)"), **WON)
    spent_private_won = forms.IntegerField(label=_("민간부담금 집행액(원)"), **WON)
    issues = forms.CharField(label=_("애로사항"), required=False,
                             widget=forms.Textarea(attrs={"rows": 2}))


class AnnualEvaluationForm(forms.Form):
    decision = forms.ChoiceField(label=_("평가 결과"), choices=Decision.choices)
    score = forms.IntegerField(label=_("평가 점수"), required=False, min_value=0, max_value=100)
    comment = forms.CharField(label=_("평가 의견"), widget=forms.Textarea(attrs={"rows": 2}))
    next_year_city_won = forms.IntegerField(label=_("조정 시 차년도 시비(원)"), required=False,
                                            **WON)


class FinalEvaluationForm(forms.Form):
    grade = forms.ChoiceField(label=_("평가 등급"), choices=Grade.choices)
    evaluated_on = forms.DateField(label=_("평가일"))
    comment = forms.CharField(label=_("종합 의견"), widget=forms.Textarea(attrs={"rows": 2}))
    failure_causes = forms.MultipleChoiceField(label=_("실패 원인 유형 (C·D 등급)"),
                                               choices=FailureCause.choices, required=False,
                                               widget=forms.CheckboxSelectMultiple)
    failure_analysis = forms.CharField(label=_("실패 원인 분석 (C·D 등급)"), required=False,
                                       widget=forms.Textarea(attrs={"rows": 2}))


class OutputForm(forms.Form):
    kind = forms.ChoiceField(label=_("성과 구분"), choices=OutputKind.choices)
    title = forms.CharField(label=_("성과명"), max_length=300)
    occurred_on = forms.DateField(label=_("발생일"))
    reference = forms.CharField(label=_("번호(출원·등록번호, DOI 등)"), required=False,
                                max_length=100)
    amount_won = forms.IntegerField(label=_("금액(원)"), required=False, **WON)
    quantity = forms.IntegerField(label=_("수량(명·건)"), required=False, min_value=0,
                                  max_value=10**6)
    evidence = forms.CharField(label=_("증빙"), widget=forms.Textarea(attrs={"rows": 2}))


class SurveyForm(forms.Form):
    version = forms.IntegerField(min_value=1, widget=forms.HiddenInput)
    commercialised = forms.BooleanField(label=_("사업화 여부"), required=False)
    sales_won = forms.IntegerField(label=_("해당 연도 매출(원)"), **WON)
    jobs = forms.IntegerField(label=_("고용 인원(명)"), min_value=0, max_value=100_000)
    investment_won = forms.IntegerField(label=_("투자 유치(원)"), **WON)
    note = forms.CharField(label=_("비고"), required=False,
                           widget=forms.Textarea(attrs={"rows": 2}))
