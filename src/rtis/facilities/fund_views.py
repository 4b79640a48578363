"""Fund screens: create and edit a fund, its commitments, capital calls, investments and exits.

The public reads a published fund's totals, leverage and contributors; the companies it invested
in, the calls and the exits are the city's staff's (a company may be a tenant).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from rtis.config import clock
from rtis.dashboards.exports import Sheet, download
from rtis.facilities import actions
from rtis.facilities.access import (
    can_see_tenants,
    get_fund_for_user,
    require_facilities_planner,
)
from rtis.facilities.forms import (
    CapitalCallForm,
    CommitmentForm,
    ExitForm,
    FundForm,
    InvestmentForm,
)
from rtis.facilities.manage_views import FORMATS, _form_problems, _problems
from rtis.facilities.models import ContributorKind, Fund, FundExit, Stage, Tenant
from rtis.facilities.queries import fund_summary
from rtis.lib.bizno import BizNoError, normalise_business_number
from rtis.lib.conflict import EditConflict
from rtis.orgs.access import is_planner


def _labels(choices: Any) -> dict[str, str]:
    return {value: str(label) for value, label in choices.choices}


def _lists(fund: Fund, staff: bool) -> dict[str, Sheet]:
    """The fund's lists as sheets (the page shows them; ?list=…&format= downloads one)."""
    kinds, stages = _labels(ContributorKind), _labels(Stage)
    note = f"{fund.name} · {_('기준일')} {clock.today():%Y-%m-%d} · {_('금액 단위: 원')}"
    sheets = {"commitments": Sheet(
        _("출자약정"), note, [_("출자자"), _("출자자 구분"), _("약정액(원)"), _("약정일")],
        [[c.contributor, kinds.get(c.contributor_kind, ""), c.amount_won,
          c.committed_on.isoformat()] for c in fund.commitments.order_by("committed_on", "id")])}
    if staff:
        sheets["calls"] = Sheet(_("출자금 납입요청"), note, [_("납입요청일"), _("요청액(원)")],
                                [[c.called_on.isoformat(), c.amount_won]
                                 for c in fund.capital_calls.order_by("called_on", "id")])
        investments = list(fund.investments.select_related("tenant").order_by("invested_on", "id"))
        sheets["investments"] = Sheet(
            _("투자"), note, ["ID", _("피투자기업"), _("입주기업"), _("투자액(원)"), _("투자일"),
                              _("투자단계"), _("후속투자")],
            [[i.pk, i.company, i.tenant.name if i.tenant else None, i.amount_won,
              i.invested_on.isoformat(), stages.get(i.stage, ""),
              _("예") if i.follow_on else _("아니오")] for i in investments])
        exits = FundExit.objects.filter(investment__fund=fund).select_related(
            "investment").order_by("exited_on", "id")
        sheets["exits"] = Sheet(
            _("회수"), note, [_("피투자기업"), _("회수일"), _("회수액(원)"), _("회수 방식")],
            [[e.investment.company, e.exited_on.isoformat(), e.proceeds_won, e.kind]
             for e in exits])
    return sheets


def _page(request: HttpRequest, fund: Fund, *, errors: list[str] | None = None,
          forms: dict[str, Any] | None = None, status: int = 200) -> HttpResponse:
    staff = can_see_tenants(request.user)
    sheets = _lists(fund, staff)
    investments = list(fund.investments.order_by("invested_on", "id")) if staff else []
    forms = forms or {}
    return render(request, "facilities/fund_detail.html", {
        "fund": fund, "summary": fund_summary(fund), "sheets": sheets, "staff": staff,
        "investments": investments, "can_edit": is_planner(request.user),
        "errors": errors or [],
        "commitment_form": forms.get("commitment", CommitmentForm()),
        "call_form": forms.get("call", CapitalCallForm()),
        "investment_form": forms.get("investment", InvestmentForm()),
        "exit_form": forms.get("exit", ExitForm(investments=investments))}, status=status)


@require_GET
def fund_detail(request: HttpRequest, pk: int) -> HttpResponse:
    fund = get_fund_for_user(request.user, pk)
    fmt, name = request.GET.get("format", ""), request.GET.get("list", "commitments")
    if fmt in FORMATS:
        sheets = _lists(fund, can_see_tenants(request.user))
        if name not in sheets:
            return HttpResponse(_("그런 목록이 없습니다."), status=404)
        return download(sheets[name], fmt, f"fund-{fund.pk}-{name}")
    return _page(request, fund)


def _fund_form_page(request: HttpRequest, fund: Fund | None, form: FundForm,
                    errors: list[str], status: int) -> HttpResponse:
    return render(request, "facilities/fund_form.html", {
        "fund": fund, "form": form, "errors": errors}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def fund_new(request: HttpRequest) -> HttpResponse:
    require_facilities_planner(request.user)
    if request.method != "POST":
        return _fund_form_page(request, None, FundForm(), [], 200)
    form = FundForm(request.POST)
    if not form.is_valid():
        return _fund_form_page(request, None, form, _form_problems(form), 400)
    data = {f: form.cleaned_data[f] for f in FundForm.FIELDS}
    data["manager"] = data["manager"] or ""
    try:
        fund = actions.do_create_fund(request.user, **data)
    except ValidationError as exc:
        return _fund_form_page(request, None, form, _problems(exc), 400)
    messages.success(request, _("펀드를 등록했습니다."))
    return redirect("facilities:fund", pk=fund.pk)


@login_required
@require_http_methods(["GET", "POST"])
def fund_edit(request: HttpRequest, pk: int) -> HttpResponse:
    fund = get_fund_for_user(request.user, pk)
    require_facilities_planner(request.user)
    if request.method != "POST":
        initial = {f: getattr(fund, f) for f in FundForm.FIELDS}
        return _fund_form_page(request, fund, FundForm(initial={**initial,
                                                                "version": fund.version}), [], 200)
    form = FundForm(request.POST)
    if not form.is_valid() or not form.cleaned_data.get("version"):
        return _fund_form_page(request, fund, form, _form_problems(form) or [
            _("버전이 없습니다. 다시 여십시오.")], 400)
    changes = {f: form.cleaned_data[f] for f in FundForm.FIELDS}
    changes["manager"] = changes["manager"] or ""
    try:
        actions.do_update_fund(request.user, fund, form.cleaned_data["version"], changes)
    except EditConflict as exc:
        return _fund_form_page(request, fund, form, _problems(exc), 409)
    except ValidationError as exc:
        return _fund_form_page(request, fund, form, _problems(exc), 400)
    messages.success(request, _("펀드 정보를 저장했습니다."))
    return redirect("facilities:fund", pk=fund.pk)


def _record(request: HttpRequest, fund: Fund, key: str, form: Any, save: Any,
            done: str, anchor: str) -> HttpResponse:
    """Check the form, call the action, and come back to the fund (or show why not, 400)."""
    if not form.is_valid():
        return _page(request, fund, errors=_form_problems(form), forms={key: form}, status=400)
    try:
        save(form.cleaned_data)
    except ValidationError as exc:
        return _page(request, fund, errors=_problems(exc), forms={key: form}, status=400)
    messages.success(request, done)
    return redirect(f"{reverse('facilities:fund', args=[fund.pk])}#{anchor}")


@login_required
@require_POST
def commitment_add(request: HttpRequest, pk: int) -> HttpResponse:
    fund = get_fund_for_user(request.user, pk)
    require_facilities_planner(request.user)
    return _record(request, fund, "commitment", CommitmentForm(request.POST),
                   lambda d: actions.do_add_commitment(request.user, fund, **d),
                   _("출자약정을 기록했습니다."), "commitments")


@login_required
@require_POST
def call_add(request: HttpRequest, pk: int) -> HttpResponse:
    fund = get_fund_for_user(request.user, pk)
    require_facilities_planner(request.user)
    return _record(request, fund, "call", CapitalCallForm(request.POST),
                   lambda d: actions.do_add_capital_call(request.user, fund, **d),
                   _("납입요청을 기록했습니다."), "calls")


def _tenant_by_number(number: str) -> Tenant | None:
    if not number:
        return None
    try:
        normalised = normalise_business_number(number)
    except BizNoError as exc:
        raise ValidationError({"business_number": str(exc)}) from None
    tenant = Tenant.objects.filter(business_number=normalised).first()
    if tenant is None:
        raise ValidationError({"business_number": (
            f"사업자등록번호 {normalised}인 입주기업이 없습니다 / no tenant has the business "
            f"number {normalised}")})
    return tenant


@login_required
@require_POST
def investment_add(request: HttpRequest, pk: int) -> HttpResponse:
    fund = get_fund_for_user(request.user, pk)
    require_facilities_planner(request.user)

    def save(data: dict[str, Any]) -> Any:
        tenant = _tenant_by_number(data.pop("business_number") or "")
        return actions.do_add_investment(request.user, fund, tenant=tenant, **data)

    return _record(request, fund, "investment", InvestmentForm(request.POST), save,
                   _("투자를 기록했습니다."), "investments")


@login_required
@require_POST
def exit_add(request: HttpRequest, pk: int) -> HttpResponse:
    fund = get_fund_for_user(request.user, pk)
    require_facilities_planner(request.user)
    investments = list(fund.investments.order_by("invested_on", "id"))
    by_id = {i.pk: i for i in investments}

    def save(data: dict[str, Any]) -> Any:
        investment = by_id[data.pop("investment")]
        return actions.do_add_exit(request.user, investment, **data)

    return _record(request, fund, "exit", ExitForm(request.POST, investments=investments), save,
                   _("회수를 기록했습니다."), "exits")
