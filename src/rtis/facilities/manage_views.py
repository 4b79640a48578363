"""Management screens: tenancies, tenants, outcomes one by one, leavers, publication and
computed indicators. Views only read the form and call the actions (facilities.actions)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from rtis.config import clock
from rtis.dashboards.exports import Sheet, download
from rtis.facilities import actions
from rtis.facilities.access import (
    can_see_tenants,
    get_facility_for_user,
    get_occupancy_for_user,
    get_tenant_for_user,
    require_facilities_planner,
    require_facility_editor,
)
from rtis.facilities.compute import preview_values
from rtis.facilities.forms import ComputedForm, MoveOutForm, OutcomeForm, TenancyForm, TenantForm
from rtis.facilities.models import ComputedIndicator, ExitKind, Formula, Occupancy, Tenant
from rtis.facilities.queries import graduate_survival, in_force_on
from rtis.lib.conflict import EditConflict
from rtis.lib.numbers import ascii_int
from rtis.orgs.access import is_planner
from rtis.plans.models import Indicator, IndicatorActual, Plan
from rtis.web.language import in_language

FORMATS = {"csv", "xlsx"}
PAGE_SIZE = 100


def _problems(exc: Exception) -> list[str]:
    if isinstance(exc, ValidationError):
        return [in_language(m) for m in exc.messages]
    return [in_language(str(exc))]


def _attempt(save: Callable[[], object]) -> tuple[list[str], int]:
    """Run an action; ([], 200) when it saved, else its problems with 409 (edited meanwhile)
    or 400 (refused)."""
    try:
        save()
    except EditConflict as exc:
        return _problems(exc), 409
    except ValidationError as exc:
        return _problems(exc), 400
    return [], 200


def _form_problems(form: Any) -> list[str]:
    return [f"{form.fields[k].label if k in form.fields else ''}: {' '.join(str(m) for m in v)}"
            for k, v in form.errors.items()]


def _require_staff(request: HttpRequest) -> None:
    if not can_see_tenants(request.user):
        raise PermissionDenied(_("시청 직원만 볼 수 있습니다."))


# --- tenancies ---------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def tenancy_new(request: HttpRequest, pk: int) -> HttpResponse:
    facility = get_facility_for_user(request.user, pk)
    require_facility_editor(request.user, facility)
    form = TenancyForm(request.POST if request.method == "POST" else None)
    errors: list[str] = []
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                occupancy = actions.do_register_tenancy(
                    request.user, facility, name=data["name"],
                    business_number=data["business_number"], space=data["space"],
                    moved_in_on=data["moved_in_on"], moved_out_on=data["moved_out_on"],
                    exit_kind=data["exit_kind"])
            except ValidationError as exc:
                errors = _problems(exc)
            else:
                messages.success(request, _("%(name)s의 입주를 등록했습니다.") % {
                    "name": occupancy.tenant.name})
                return redirect("facilities:detail", pk=facility.pk)
        else:
            errors = _form_problems(form)
    return render(request, "facilities/tenancy_form.html", {
        "facility": facility, "form": form, "errors": errors,
        "title": _("입주 등록")}, status=400 if errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def tenancy_end(request: HttpRequest, pk: int) -> HttpResponse:
    occupancy = get_occupancy_for_user(request.user, pk)
    require_facility_editor(request.user, occupancy.facility)
    errors: list[str] = []
    status = 200
    if request.method == "POST":
        form = MoveOutForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            errors, status = _attempt(lambda: actions.do_end_occupancy(
                request.user, occupancy, data["version"], moved_out_on=data["moved_out_on"],
                exit_kind=data["exit_kind"]))
            if status == 200:
                messages.success(request, _("퇴거를 기록했습니다."))
                return redirect("facilities:detail", pk=occupancy.facility_id)
        else:
            errors, status = _form_problems(form), 400
    else:
        form = MoveOutForm(initial={"version": occupancy.version,
                                    "moved_out_on": occupancy.moved_out_on,
                                    "exit_kind": occupancy.exit_kind or ExitKind.GRADUATED})
    return render(request, "facilities/tenancy_form.html", {
        "facility": occupancy.facility, "occupancy": occupancy, "form": form, "errors": errors,
        "title": _("퇴거 기록")}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def outcome_edit(request: HttpRequest, pk: int) -> HttpResponse:
    occupancy = get_occupancy_for_user(request.user, pk)
    require_facility_editor(request.user, occupancy.facility)
    outcomes = list(occupancy.outcomes.order_by("year"))
    fmt = request.GET.get("format", "")
    if request.method == "GET" and fmt in FORMATS:
        sheet = Sheet(_("입주기업 성과") + f": {occupancy.tenant.name}",
                      f"{occupancy.facility.name} · {occupancy.space}",
                      [_("연도"), _("매출(원)"), _("고용(명)"), _("투자유치(원)"), _("지식재산권(건)")],
                      [[o.year, o.sales_won, o.employees, o.investment_won, o.patents]
                       for o in outcomes])
        return download(sheet, fmt, f"tenancy-{occupancy.pk}-outcomes")
    errors: list[str] = []
    status = 200
    if request.method == "POST":
        form = OutcomeForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            errors, status = _attempt(lambda: actions.do_save_outcome(
                request.user, occupancy, data["year"], data["version"],
                **{f: data[f] for f in actions.OUTCOME_FIELDS}))
            if status == 200:
                messages.success(request, _("%(year)s년 성과를 저장했습니다.") % {"year": data["year"]})
                return redirect("facilities:outcome_edit", pk=occupancy.pk)
        else:
            errors, status = _form_problems(form), 400
    else:
        year = request.GET.get("year", "")
        chosen = next((o for o in outcomes if str(o.year) == year), None)
        asked = ascii_int(year)
        initial: dict[str, Any] = {"year": asked if asked is not None else clock.today().year - 1,
                                   "sales_won": 0, "employees": 0, "investment_won": 0,
                                   "patents": 0}
        if chosen is not None:
            initial.update({f: getattr(chosen, f) for f in actions.OUTCOME_FIELDS},
                           version=chosen.version)
        form = OutcomeForm(initial=initial)
    return render(request, "facilities/outcome_form.html", {
        "facility": occupancy.facility, "occupancy": occupancy, "form": form, "errors": errors,
        "outcomes": outcomes}, status=status)


# --- tenants -----------------------------------------------------------------------------------


@login_required
@require_GET
def tenant_list(request: HttpRequest) -> HttpResponse:
    _require_staff(request)
    day = clock.today()
    in_force = Occupancy.objects.filter(in_force_on(day))
    rows = list(Tenant.objects.values(
        "id", "name", "business_number", "organisation__name", "closed_on").annotate(
        tenancies=Count("occupancies", distinct=True),
        in_force=Count("occupancies", filter=Q(occupancies__in=in_force), distinct=True),
        graduated=Count("occupancies", filter=Q(occupancies__exit_kind=ExitKind.GRADUATED),
                        distinct=True)).order_by("name", "id"))
    fmt = request.GET.get("format", "")
    if fmt in FORMATS:
        sheet = Sheet(_("입주기업 목록"), f"{_('기준일')} {day:%Y-%m-%d}",
                      [_("기업명"), _("사업자등록번호"), _("R&D 신청기관"), _("입주 건수"),
                       _("입주 중"), _("졸업"), _("폐업일")],
                      [[r["name"], r["business_number"], r["organisation__name"], r["tenancies"],
                        r["in_force"], r["graduated"],
                        r["closed_on"].isoformat() if r["closed_on"] else None] for r in rows])
        return download(sheet, fmt, "tenants")
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "facilities/tenant_list.html", {"page": page, "day": day})


@login_required
@require_http_methods(["GET", "POST"])
def tenant_edit(request: HttpRequest, pk: int) -> HttpResponse:
    tenant = get_tenant_for_user(request.user, pk)
    if not actions.can_edit_tenant(request.user, tenant):
        raise PermissionDenied(_("이 기업이 입주한 시설의 담당 부서만 고칠 수 있습니다."))
    errors: list[str] = []
    status = 200
    if request.method == "POST":
        form = TenantForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            errors, status = _attempt(lambda: actions.do_update_tenant(
                request.user, tenant, data["version"],
                {"name": data["name"], "closed_on": data["closed_on"]}))
            if status == 200:
                messages.success(request, _("입주기업 정보를 저장했습니다."))
                return redirect("facilities:tenant_edit", pk=tenant.pk)
        else:
            errors, status = _form_problems(form), 400
    else:
        form = TenantForm(initial={"name": tenant.name, "closed_on": tenant.closed_on,
                                   "version": tenant.version})
    tenancies = tenant.occupancies.select_related("facility").order_by("moved_in_on")
    return render(request, "facilities/tenant_form.html", {
        "tenant": tenant, "form": form, "errors": errors, "tenancies": tenancies},
        status=status)


@login_required
@require_GET
def leavers(request: HttpRequest, pk: int) -> HttpResponse:
    _require_staff(request)
    facility = get_facility_for_user(request.user, pk)
    day = clock.today()
    rows: list[dict[str, Any]] = [dict(r) for r in facility.occupancies.filter(
        moved_out_on__isnull=False).values(
        "id", "space", "moved_in_on", "moved_out_on", "exit_kind", "tenant_id", "tenant__name",
        "tenant__business_number", "tenant__closed_on").order_by("-moved_out_on", "space")]
    kinds = {value: str(label) for value, label in ExitKind.choices}
    for row in rows:
        row["exit_label"] = kinds.get(row["exit_kind"], "")
        closed = row["tenant__closed_on"]
        row["operating"] = closed is None or closed > day
    fmt = request.GET.get("format", "")
    if fmt in FORMATS:
        sheet = Sheet(_("퇴거 기업") + f": {facility.name}", f"{_('기준일')} {day:%Y-%m-%d}",
                      [_("기업명"), _("사업자등록번호"), _("입주공간"), _("입주일"), _("퇴거일"),
                       _("퇴거 사유"), _("폐업일"), _("운영 중")],
                      [[r["tenant__name"], r["tenant__business_number"], r["space"],
                        r["moved_in_on"].isoformat(), r["moved_out_on"].isoformat(),
                        r["exit_label"],
                        r["tenant__closed_on"].isoformat() if r["tenant__closed_on"] else None,
                        _("예") if r["operating"] else _("아니오")] for r in rows])
        return download(sheet, fmt, f"facility-{facility.pk}-leavers")
    survival = graduate_survival(facility.__class__.objects.filter(pk=facility.pk), day)
    return render(request, "facilities/leavers.html", {
        "facility": facility, "rows": rows, "day": day, "survival": survival})


@login_required
@require_POST
def facility_publish(request: HttpRequest, pk: int) -> HttpResponse:
    facility = get_facility_for_user(request.user, pk)
    require_facilities_planner(request.user)
    try:
        version = int(request.POST.get("version", ""))
    except ValueError:
        return HttpResponse(_("버전이 없습니다. 시설 화면에서 다시 하십시오."), status=400)
    published = request.POST.get("published") == "1"
    try:
        actions.do_set_facility_publication(request.user, facility, version, published)
    except EditConflict as exc:
        messages.error(request, " ".join(_problems(exc)))
        return redirect("facilities:detail", pk=facility.pk)
    messages.success(request, _("시설 화면을 공개했습니다.") if published
                     else _("시설 화면 공개를 거두었습니다."))
    return redirect("facilities:detail", pk=facility.pk)


# --- computed indicators -------------------------------------------------------------------------


def _computed_rows() -> list[dict[str, Any]]:
    formulas = {value: str(label) for value, label in Formula.choices}
    rows: list[dict[str, Any]] = [dict(r) for r in ComputedIndicator.objects.values(
        "id", "formula", "computed_at", "indicator_id", "indicator__name", "indicator__unit",
        "indicator__node__code", "indicator__node__title", "indicator__node__plan__slug",
        "indicator__node__plan__title").order_by("indicator__node__plan__slug",
                                                 "indicator__node__position", "indicator__name")]
    for row in rows:
        row["formula_label"] = formulas.get(row["formula"], row["formula"])
    return rows


@login_required
@require_GET
def computed_list(request: HttpRequest) -> HttpResponse:
    _require_staff(request)
    rows = _computed_rows()
    fmt = request.GET.get("format", "")
    if fmt in FORMATS:
        sheet = Sheet(_("자동 산출 지표"), f"{_('기준일')} {clock.today():%Y-%m-%d}",
                      [_("계획"), _("과제 번호"), _("과제"), _("지표"), _("단위"), _("산식"),
                       _("마지막 산출")],
                      [[r["indicator__node__plan__title"], r["indicator__node__code"],
                        r["indicator__node__title"], r["indicator__name"], r["indicator__unit"],
                        r["formula_label"],
                        r["computed_at"].isoformat() if r["computed_at"] else None]
                       for r in rows])
        return download(sheet, fmt, "computed-indicators")
    return _computed_page(request, [], 200, rows)


def _computed_page(request: HttpRequest, errors: list[str], status: int,
                   rows: list[dict[str, Any]] | None = None) -> HttpResponse:
    plans = Plan.objects.order_by("slug").values("slug", "title")
    chosen = request.GET.get("plan", "")
    indicators = Indicator.objects.filter(node__plan__slug=chosen).select_related(
        "node").order_by("node__position", "name") if chosen else Indicator.objects.none()
    return render(request, "facilities/computed_list.html", {
        "rows": _computed_rows() if rows is None else rows, "plans": plans, "errors": errors,
        "chosen": chosen, "indicators": indicators, "can_declare": is_planner(request.user),
        "formulas": Formula.choices, "form": ComputedForm(initial={"formula": request.GET.get(
            "formula", Formula.TENANTS_AT_YEAR_END)})}, status=status)


def _indicator(request: HttpRequest, form: ComputedForm) -> Indicator | None:
    return Indicator.objects.select_related("node__plan").filter(
        pk=form.cleaned_data["indicator"]).first()


@login_required
@require_GET
def computed_preview(request: HttpRequest) -> HttpResponse:
    require_facilities_planner(request.user)
    form = ComputedForm(request.GET)
    indicator = _indicator(request, form) if form.is_valid() else None
    template = "facilities/_computed_preview.html" if request.headers.get("HX-Request") \
        else "facilities/computed_preview_page.html"
    if indicator is None:
        return render(request, template, {
            "errors": _form_problems(form) or [_("그런 지표가 없습니다.")]}, status=400)
    values = preview_values(indicator, form.cleaned_data["formula"])
    actuals = dict(IndicatorActual.objects.filter(indicator=indicator, period__in=values)
                   .values_list("period", "value"))
    rows = [{"period": p, "value": v, "current": actuals.get(p)} for p, v in sorted(values.items())]
    return render(request, template, {
        "indicator": indicator, "rows": rows, "formula": form.cleaned_data["formula"],
        "formula_label": dict(Formula.choices)[form.cleaned_data["formula"]]})


@login_required
@require_POST
def computed_declare(request: HttpRequest) -> HttpResponse:
    require_facilities_planner(request.user)
    form = ComputedForm(request.POST)
    indicator = _indicator(request, form) if form.is_valid() else None
    if indicator is None:
        return _computed_page(request, _form_problems(form) or [_("그런 지표가 없습니다.")], 400)
    try:
        actions.do_declare_computed(request.user, indicator, form.cleaned_data["formula"])
    except ValidationError as exc:
        return _computed_page(request, _problems(exc), 400)
    messages.success(request, _("'%(name)s'을(를) 자동 산출 지표로 지정하고 다시 계산했습니다.") % {
        "name": indicator.name})
    return redirect("facilities:computed")


@login_required
@require_POST
def computed_recompute(request: HttpRequest) -> HttpResponse:
    report = actions.do_recompute_all(request.user)
    messages.success(request, _("자동 산출 지표 %(n)d개를 다시 계산했습니다(새 값 %(created)d, 바뀐 값 "
                                "%(changed)d).") % {"n": report.indicators,
                                                   "created": report.created,
                                                   "changed": report.changed})
    return redirect("facilities:computed")
