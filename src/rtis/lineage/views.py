"""Lineage pages: one undertaking year by year across plans, the portfolio, linking nodes."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from rtis.dashboards.exports import Sheet, download
from rtis.lib.money import from_won
from rtis.lineage.access import get_lineage_node_for_user, require_lineage_reader
from rtis.lineage.actions import do_link_nodes
from rtis.lineage.models import LinkKind
from rtis.lineage.queries import group_of, lineage_of, plan_day, portfolio
from rtis.orgs.access import is_planner
from rtis.plans.access import require_planner
from rtis.plans.models import Node, Plan
from rtis.web.language import in_language


class LinkForm(forms.Form):
    plan = forms.SlugField(label=gettext_lazy("뒤 계획"))
    code = forms.CharField(label=gettext_lazy("과제 번호"), max_length=40)
    kind = forms.ChoiceField(label=gettext_lazy("관계"), choices=LinkKind.choices)
    note = forms.CharField(label=gettext_lazy("메모"), required=False, max_length=4000)
    evidence = forms.CharField(label=gettext_lazy("근거"), required=False, max_length=4000)


def _million(won: int | None) -> float | None:
    return None if won is None else float(from_won(won, "백만원"))


def _page(request: HttpRequest, node: Node, *, form: LinkForm | None = None,
          errors: list[str] | None = None, status: int = 200) -> HttpResponse:
    lineage = lineage_of(group_of(node))
    executed = lineage.executed_by_year()
    rows = [{"year": y, "money": [c.money.get(y) for c in lineage.columns],
             "executed": executed.get(y)} for y in lineage.years]
    series = [(f"{c.plan.title} ({c.plan.period_start}–{c.plan.period_end})",
               [_million(c.money.get(y, 0)) for y in lineage.years]) for c in lineage.columns]
    series.append((_("집행액"), [_million(executed.get(y)) for y in lineage.years]))
    chart = {"title": _("계획별 소요예산과 집행액"), "categories": [str(y) for y in lineage.years],
             "names": [str(y) for y in lineage.years], "unit": _("백만원"),
             "series": [{"name": n, "data": d} for n, d in series], "max": None, "mark": None,
             "links": [], "empty": not lineage.years}
    return render(request, "lineage/lineage.html", {
        "node": node, "lineage": lineage, "rows": rows, "chart": chart,
        "can_link": is_planner(request.user),
        "form": form or LinkForm(initial={"kind": LinkKind.SUCCESSOR}),
        "plans": Plan.objects.exclude(pk=node.plan_id).order_by("slug"),
        "errors": errors or []}, status=status)


@login_required
@require_GET
def lineage_page(request: HttpRequest, pk: int) -> HttpResponse:
    node = get_lineage_node_for_user(request.user, pk)
    if request.GET.get("format") in {"csv", "xlsx"}:
        lineage = lineage_of(group_of(node))
        executed = lineage.executed_by_year()
        sheet = Sheet(_("사업 연계: %(title)s") % {"title": lineage.title()}, _("금액 단위: 원"),
                      [_("연도"), *[c.plan.title for c in lineage.columns], _("집행액")],
                      [[y, *[c.money.get(y) for c in lineage.columns], executed.get(y)]
                       for y in lineage.years])
        return download(sheet, request.GET["format"], "lineage")
    return _page(request, node)


@login_required
@require_POST
def link_create(request: HttpRequest, pk: int) -> HttpResponse:
    node = get_lineage_node_for_user(request.user, pk)
    require_planner(request.user)
    form = LinkForm(request.POST)
    if not form.is_valid():
        return _page(request, node, form=form, status=400,
                     errors=[f"{k}: {' '.join(str(m) for m in v)}" for k, v in form.errors.items()])
    other = Node.objects.select_related("plan").filter(
        plan__slug=form.cleaned_data["plan"], code=form.cleaned_data["code"]).first()
    if other is None:
        return _page(request, node, form=form, status=400, errors=[_("그 계획에 그 번호의 과제가 없습니다.")])
    earlier, later = node, other
    if (plan_day(other.plan), other.plan.slug) < (plan_day(node.plan), node.plan.slug):
        earlier, later = other, node
    try:
        do_link_nodes(request.user, earlier, later, kind=form.cleaned_data["kind"],
                      note=form.cleaned_data["note"], evidence=form.cleaned_data["evidence"])
    except ValidationError as exc:
        return _page(request, node, form=form, status=400,
                     errors=[in_language(m) for m in exc.messages])
    messages.success(request, _("과제를 이었습니다."))
    return redirect("lineage:node", pk=node.pk)


@login_required
@require_GET
def portfolio_page(request: HttpRequest) -> HttpResponse:
    require_lineage_reader(request.user)
    rows = portfolio()
    if request.GET.get("format") in {"csv", "xlsx"}:
        sheet = Sheet(_("계획 간 변동이 큰 사업"), _("금액 단위: 원"),
                      [_("사업"), _("계획 수"), _("처음 계획 총액"), _("마지막 계획 총액"), _("증감"),
                       _("지연(년)")],
                      [[r["title"], r["plans"], r["first_total"], r["last_total"],
                        r["amount_change"], r["delay_years"]] for r in rows])
        return download(sheet, request.GET["format"], "lineage-portfolio")
    return render(request, "lineage/portfolio.html", {"rows": rows})
