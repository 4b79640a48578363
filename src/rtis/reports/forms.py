"""The report form: kind, plan, a pledge card's node picked from the plan's tree, as-of date."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from rtis.plans.models import Plan
from rtis.reports.models import ReportKind


def node_value(plan_slug: str, code: str) -> str:
    """Return a node option's value: the plan and the code, as codes repeat across plans."""
    return f"{plan_slug}:{code}"


class ReportForm(forms.Form):
    kind = forms.ChoiceField(label=_("종류"), choices=ReportKind.choices)
    plan = forms.ChoiceField(label=_("계획"))
    node = forms.CharField(label=_("과제(공약 카드)"), required=False)
    as_of = forms.DateField(label=_("기준일"), input_formats=["%Y-%m-%d"])

    def __init__(self, *args: Any, plans: list[Plan], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        plan_field = self.fields["plan"]
        assert isinstance(plan_field, forms.ChoiceField)
        plan_field.choices = [(p.slug, p.title) for p in plans]
        for field in self.fields.values():
            field.error_messages["required"] = _("값을 고르거나 입력하십시오.")
        self.fields["kind"].error_messages["invalid_choice"] = _("알 수 없는 보고서 종류 '%(value)s'")
        self.fields["plan"].error_messages["invalid_choice"] = _("없는 계획 '%(value)s'")
        self.fields["as_of"].error_messages["invalid"] = _("YYYY-MM-DD 형식의 날짜를 입력하십시오.")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        plan, node = data.get("plan"), data.get("node") or ""
        if data.get("kind") != ReportKind.PLEDGE_CARD:
            data["node"] = ""  # only a pledge card is about one node
        elif plan and node:
            slug, _sep, code = node.partition(":")
            if slug != plan or not code:
                self.add_error("node", _("고른 과제가 고른 계획에 속하지 않습니다."))
            else:
                data["node"] = code
        return data
