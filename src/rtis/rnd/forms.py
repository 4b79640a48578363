"""Forms of the R&D pages (the version the editor saw travels with every write)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from rtis.refdata.queries import choices
from rtis.rnd.actions import CODE_LISTS
from rtis.rnd.models import Application, Call, Organisation, OrganisationKind, Person


class PublishCallForm(forms.Form):
    version = forms.IntegerField(min_value=1, widget=forms.HiddenInput)


class SignUpForm(forms.Form):
    """An applicant's sign-up: the organisation, the person, the account (checked by the action)."""

    # Not required here: a business number already registered makes a join request, which
    # takes the organisation as registered; a new organisation's are checked by the action.
    organisation_name = forms.CharField(label=_("기관명"), max_length=200, required=False)
    kind = forms.ChoiceField(label=_("기관 유형"), required=False,
                             choices=[("", "---------"), *OrganisationKind.choices])
    business_number = forms.CharField(label=_("사업자등록번호"), max_length=20, required=False,
                                      help_text=_("예비창업자는 비워 두세요. 이미 등록된 기관의 번호이면 "
                                                  "그 기관에 가입을 요청합니다(기관 담당자·SBA 승인 후 "
                                                  "사용)."))
    corporate_number = forms.CharField(label=_("법인등록번호"), max_length=20, required=False)
    name = forms.CharField(label=_("성명"), max_length=100)
    department = forms.CharField(label=_("부서·학과"), max_length=100, required=False)
    position = forms.CharField(label=_("직위·역할"), max_length=100, required=False)
    email = forms.CharField(label=_("이메일"), max_length=254)
    username = forms.CharField(label=_("아이디"), max_length=150)
    password = forms.CharField(label=_("비밀번호"), widget=forms.PasswordInput, max_length=128)


class ApplicantForm(SignUpForm):
    """An R&D manager creates an applicant account (and, if new, its organisation)."""


class PersonForm(forms.Form):
    name = forms.CharField(label=_("성명"), max_length=100)
    position = forms.CharField(label=_("직위·역할"), max_length=100, required=False)
    department = forms.CharField(label=_("부서·학과"), max_length=100, required=False)
    email = forms.CharField(label=_("이메일"), max_length=254, required=False)


FORM_YEARS = 3  # the form shows the call's year and the next two; the API takes up to five
FORM_INDICATORS = 3
MAIN_FIELDS = ("title", "summary", "pi", "participants", "private_matching_won", "period_start",
               "period_end", "science_class", "six_t", "development_phase", "performer_type")


class ApplicationForm(forms.Form):
    """The online application: short, every field used by evaluation, agreements or NTIS."""

    version = forms.IntegerField(min_value=1, required=False, widget=forms.HiddenInput)
    title = forms.CharField(label=_("과제명"), max_length=200)
    summary = forms.CharField(label=_("과제 요약"), widget=forms.Textarea(attrs={"rows": 4}),
                              max_length=8000, required=False)
    pi = forms.ModelChoiceField(label=_("연구책임자"), queryset=Person.objects.none())
    participants = forms.ModelMultipleChoiceField(label=_("참여 인력"), required=False,
                                                  queryset=Person.objects.none(),
                                                  widget=forms.CheckboxSelectMultiple)
    private_matching_won = forms.IntegerField(label=_("민간부담금(원)"), min_value=0, initial=0)
    period_start = forms.DateField(label=_("수행 시작일"), required=False,
                                   widget=forms.DateInput(attrs={"type": "date"}))
    period_end = forms.DateField(label=_("수행 종료일"), required=False,
                                 widget=forms.DateInput(attrs={"type": "date"}))
    science_class = forms.ChoiceField(label=_("과학기술표준분류"), required=False)
    six_t = forms.ChoiceField(label=_("6T 분류"), required=False)
    development_phase = forms.ChoiceField(label=_("연구개발단계"), required=False)
    performer_type = forms.ChoiceField(label=_("연구수행주체"), required=False)

    def __init__(self, *args: Any, call: Call, organisation: Organisation | None,
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        people = (organisation.people.order_by("name", "pk") if organisation is not None
                  else Person.objects.none())
        self.fields["pi"].queryset = people  # type: ignore[attr-defined]
        self.fields["participants"].queryset = people  # type: ignore[attr-defined]
        for field, list_name in CODE_LISTS.items():  # the NTIS code lists in force today
            self.fields[field].choices = [("", "-"), *((c, f"{c} {n}")  # type: ignore[attr-defined]
                                                       for c, n in choices(list_name))]
        self.years = [call.year + n for n in range(FORM_YEARS)]
        for year in self.years:
            self.fields[f"funds_{year}"] = forms.IntegerField(
                label=_("%(year)s년 신청 시비(원)") % {"year": year}, min_value=0, required=False)
        for n in range(1, FORM_INDICATORS + 1):
            self.fields[f"indicator_{n}_name"] = forms.CharField(
                label=_("성과지표 %(n)s") % {"n": n}, max_length=100, required=False)
            self.fields[f"indicator_{n}_unit"] = forms.CharField(
                label=_("단위"), max_length=20, required=False)
            self.fields[f"indicator_{n}_target"] = forms.IntegerField(
                label=_("목표"), min_value=0, required=False)

    def main_fields(self) -> list[Any]:
        return [self[name] for name in MAIN_FIELDS]

    def fund_fields(self) -> list[Any]:
        return [self[f"funds_{year}"] for year in self.years]

    def indicator_rows(self) -> list[list[Any]]:
        return [[self[f"indicator_{n}_{part}"] for part in ("name", "unit", "target")]
                for n in range(1, FORM_INDICATORS + 1)]

    def action_fields(self) -> dict[str, Any]:
        """The cleaned values as do_save_application takes them."""
        data = self.cleaned_data
        return {
            "title": data["title"], "summary": data["summary"], "pi": data["pi"],
            "participants": list(data["participants"]),
            "requested_funds": {str(y): data[f"funds_{y}"] for y in self.years
                                if data.get(f"funds_{y}") is not None},
            "private_matching_won": data["private_matching_won"],
            "period_start": data["period_start"], "period_end": data["period_end"],
            "codes": {f: data[f] for f in ("science_class", "six_t", "development_phase",
                                           "performer_type")},
            "indicators": [{"name": data[f"indicator_{n}_name"],
                            "unit": data[f"indicator_{n}_unit"],
                            "target": data[f"indicator_{n}_target"]}
                           for n in range(1, FORM_INDICATORS + 1)],
        }

    @staticmethod
    def initial_for(application: Application) -> dict[str, Any]:
        initial: dict[str, Any] = {
            "version": application.version, "title": application.title,
            "summary": application.summary, "pi": application.pi_id,
            "participants": [p.pk for p in application.participants.all()],
            "private_matching_won": application.private_matching_won,
            "period_start": application.period_start, "period_end": application.period_end,
            "science_class": application.science_class, "six_t": application.six_t,
            "development_phase": application.development_phase,
            "performer_type": application.performer_type}
        for year, amount in application.requested_funds.items():
            initial[f"funds_{year}"] = amount
        for n, row in enumerate(application.indicators, start=1):
            initial.update({f"indicator_{n}_name": row["name"], f"indicator_{n}_unit": row["unit"],
                            f"indicator_{n}_target": row["target"]})
        return initial


class AttachmentForm(forms.Form):
    file = forms.FileField(label=_("첨부파일"))


class ImportForm(forms.Form):
    file = forms.FileField(label=_("XLSX 파일"))
