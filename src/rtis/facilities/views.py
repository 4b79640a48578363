"""Facility pages: the list (CSV/XLSX), a facility's page, the dashboard, the funds list.

The public sees published facilities and funds and aggregates; a tenant's name or figures only
reach the city's own staff (access.can_see_tenants). A facility's yearly totals are shown to the
public only when at least MIN_PUBLIC_TENANTS tenants make them up, so that no total is one
company's figure.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count, Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from rtis.config import clock
from rtis.dashboards.exports import Sheet, download
from rtis.facilities import actions, bulk
from rtis.facilities.access import (
    MIN_PUBLIC_TENANTS,
    can_edit_facility,
    can_see_tenants,
    facilities_for_user,
    funds_for_user,
    get_facility_for_user,
    require_facility_editor,
)
from rtis.facilities.forms import FacilityForm
from rtis.facilities.models import Cluster, ExitKind, FacilityKind, Phase
from rtis.facilities.queries import (
    facility_rows,
    funds_table,
    graduate_survival,
    in_force_on,
    outcome_totals,
    tenants_in_force,
)
from rtis.ingest.tables import MAX_FILE_BYTES
from rtis.lib.conflict import EditConflict
from rtis.orgs.access import is_planner
from rtis.plans.models import MAX_YEAR, MIN_YEAR
from rtis.tracking.bulk import BulkRefused
from rtis.web.language import in_language
from rtis.web.uploads import upload_problem

FORMATS = {"csv", "xlsx"}


def _labels(choices: Any) -> dict[str, str]:
    return {value: str(label) for value, label in choices.choices}


@require_GET
def facility_list(request: HttpRequest) -> HttpResponse:
    day = clock.today()
    facilities = facilities_for_user(request.user)
    cluster = request.GET.get("cluster", "")
    if cluster in Cluster.values:
        facilities = facilities.filter(cluster=cluster)
    rows = facility_rows(facilities, day)
    kinds, clusters, phases = _labels(FacilityKind), _labels(Cluster), _labels(Phase)
    for row in rows:
        row["kind_label"] = kinds.get(row["kind"], "")
        row["cluster_label"] = clusters.get(row["cluster"], "")
        row["phase_label"] = phases.get(row["phase"], "")
    fmt = request.GET.get("format", "")
    if fmt in FORMATS:
        sheet = Sheet(_("시설 목록"), f"{_('기준일')} {day:%Y-%m-%d}" + (
            f" · {_('클러스터')} {clusters[cluster]}" if cluster in clusters else ""),
            [_("시설명"), _("유형"), _("클러스터"), _("자치구"), _("연면적(㎡)"), _("입주공간 수"),
             _("단계"), _("개관일"), _("입주기업 수")],
            [[r["name"], r["kind_label"], r["cluster_label"], r["district"], r["floor_area_m2"],
              r["tenant_spaces"], r["phase_label"],
              r["opened_on"].isoformat() if r["opened_on"] else None, r["tenants"]] for r in rows])
        return download(sheet, fmt, "facilities")
    return render(request, "facilities/facility_list.html", {
        "rows": rows, "day": day, "clusters": Cluster.choices, "cluster": cluster,
        "staff": can_see_tenants(request.user)})


@require_GET
def facility_detail(request: HttpRequest, pk: int) -> HttpResponse:
    facility = get_facility_for_user(request.user, pk)
    day = clock.today()
    see_tenants = can_see_tenants(request.user)
    totals = outcome_totals(facility.__class__.objects.filter(pk=facility.pk))
    if not see_tenants:
        totals = [t for t in totals if t["tenants"] >= MIN_PUBLIC_TENANTS]
    occupancies = []
    if see_tenants:
        occupancies = list(facility.occupancies.select_related("tenant")
                           .order_by("space", "moved_in_on"))
    fmt = request.GET.get("format", "")
    if fmt in FORMATS:
        exits = _labels(ExitKind)
        if see_tenants:
            sheet = Sheet(_("입주 현황") + f": {facility.name}", f"{_('기준일')} {day:%Y-%m-%d}",
                          [_("입주공간"), _("기업명"), _("사업자등록번호"), _("입주일"), _("퇴거일"),
                           _("퇴거 사유")],
                          [[o.space, o.tenant.name, o.tenant.business_number,
                            o.moved_in_on.isoformat(),
                            o.moved_out_on.isoformat() if o.moved_out_on else None,
                            exits.get(o.exit_kind, "")] for o in occupancies])
        else:
            sheet = Sheet(_("입주기업 성과(연도별 합계)") + f": {facility.name}",
                          f"{_('기준일')} {day:%Y-%m-%d}",
                          [_("연도"), _("매출(원)"), _("고용(명)"), _("투자유치(원)"), _("지식재산권(건)")],
                          [[t["year"], t["sales"], t["employees"], t["investment"], t["patents"]]
                           for t in totals])
        return download(sheet, fmt, f"facility-{facility.pk}")
    in_force = facility.occupancies.filter(in_force_on(day)).values("tenant").distinct().count()
    return render(request, "facilities/facility_detail.html", {
        "facility": facility, "nodes": facility.nodes.select_related("plan").order_by(
            "plan__slug", "position"),
        "day": day, "in_force": in_force, "totals": totals, "see_tenants": see_tenants,
        "occupancies": occupancies, "can_edit": can_edit_facility(request.user, facility),
        "can_publish": is_planner(request.user),
        "survival": graduate_survival(facility.__class__.objects.filter(pk=facility.pk), day),
        "min_public": MIN_PUBLIC_TENANTS})


def _chart(title: str, categories: list[str], series: list[tuple[str, list[Any]]],
           unit: str) -> dict[str, Any]:
    return {"title": title, "categories": categories, "names": categories, "unit": unit,
            "series": [{"name": n, "data": [float(v) if isinstance(v, Decimal) else v
                                            for v in data]} for n, data in series],
            "max": None, "mark": None, "links": [], "empty": not categories}


@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    day = clock.today()
    facilities = facilities_for_user(request.user)
    clusters = _labels(Cluster)
    by_cluster: list[dict[str, Any]] = [dict(r) for r in facilities.values("cluster").annotate(
        n=Count("id"), area=Sum("floor_area_m2"), spaces=Sum("tenant_spaces")).order_by("cluster")]
    in_force = tenants_in_force(facilities, day)
    cluster_of = dict(facilities.values_list("id", "cluster"))
    tenants_by_cluster: dict[str, int] = defaultdict(int)
    for facility_id, n in in_force.items():
        tenants_by_cluster[cluster_of.get(facility_id, "")] += n
    for row in by_cluster:
        row["label"] = clusters.get(row["cluster"], _("미지정"))
        row["tenants"] = tenants_by_cluster.get(row["cluster"], 0)
    totals = outcome_totals(facilities)
    if not can_see_tenants(request.user):
        totals = [t for t in totals if t["tenants"] >= MIN_PUBLIC_TENANTS]
    funds = funds_table(funds_for_user(request.user))
    fmt = request.GET.get("format", "")
    if fmt in FORMATS:
        sheet = Sheet(_("시설 현황(클러스터별)"), f"{_('기준일')} {day:%Y-%m-%d}",
                      [_("클러스터"), _("시설 수"), _("연면적(㎡)"), _("입주공간 수"), _("입주기업 수")],
                      [[r["label"], r["n"], r["area"], r["spaces"], r["tenants"]] for r in by_cluster])
        return download(sheet, fmt, "facilities-dashboard")
    chart = _chart(_("클러스터별 입주기업 수"), [r["label"] for r in by_cluster],
                   [(_("입주기업 수"), [r["tenants"] for r in by_cluster]),
                    (_("입주공간 수"), [r["spaces"] or 0 for r in by_cluster])], _("개"))
    return render(request, "facilities/dashboard.html", {
        "by_cluster": by_cluster, "totals": totals, "funds": funds, "day": day, "chart": chart})


@require_GET
def fund_list(request: HttpRequest) -> HttpResponse:
    rows = funds_table(funds_for_user(request.user))
    fmt = request.GET.get("format", "")
    if fmt in FORMATS:
        sheet = Sheet(_("펀드 목록"), f"{_('기준일')} {clock.today():%Y-%m-%d}",
                      [_("펀드명"), _("목표 규모(원)"), _("시 출자 계획(원)"), _("약정액(원)"),
                       _("시 약정액(원)"), _("투자액(원)"), _("레버리지(배)"), _("계획 레버리지(배)"),
                       _("결성연도"), _("투자기간(년)"), _("회수기간(년)")],
                      [[r["name"], r["target_size_won"], r["city_target_won"], r["committed"],
                        r["city"], r["invested"], r["leverage"], r["planned_leverage"],
                        r["vintage"], r["investment_years"], r["recovery_years"]] for r in rows])
        return download(sheet, fmt, "funds")
    return render(request, "facilities/fund_list.html", {"rows": rows,
                                                         "can_add": is_planner(request.user)})


# --- tenant outcomes by XLSX (the operator's officer) -------------------------------------------


def _upload_page(request: HttpRequest, facility: Any, *, problems: list[Any] | None = None,
                 error: str = "", status: int = 200) -> HttpResponse:
    today = clock.today()
    return render(request, "facilities/outcome_upload.html", {
        "facility": facility, "years": list(range(today.year, today.year - 6, -1)),
        "default_year": today.year - 1, "problems": problems or [], "error": error},
        status=status)


@login_required
@require_GET
def outcome_upload_page(request: HttpRequest, pk: int) -> HttpResponse:
    facility = get_facility_for_user(request.user, pk)
    require_facility_editor(request.user, facility)
    return _upload_page(request, facility)


@login_required
@require_GET
def outcome_template(request: HttpRequest, pk: int) -> HttpResponse:
    facility = get_facility_for_user(request.user, pk)
    require_facility_editor(request.user, facility)
    try:
        year = int(request.GET.get("year", ""))
    except ValueError:
        return _upload_page(request, facility, status=400, error=_("연도를 고르십시오."))
    if not MIN_YEAR <= year <= MAX_YEAR:
        return _upload_page(request, facility, status=400, error=_("연도를 고르십시오."))
    response = HttpResponse(bulk.build_template(facility, year), content_type=bulk.XLSX_MEDIA_TYPE)
    response["Content-Disposition"] = content_disposition_header(
        True, f"입주기업성과_{facility.name}_{year}.xlsx")
    return response


@login_required
@require_POST
def outcome_upload(request: HttpRequest, pk: int) -> HttpResponse:
    facility = get_facility_for_user(request.user, pk)
    require_facility_editor(request.user, facility)
    upload = request.FILES.get("file")
    if upload is None:
        return _upload_page(request, facility, status=400,
                            error=upload_problem(request) or _("올릴 XLSX 파일을 고르십시오."))
    name = upload.name or "upload.xlsx"
    if upload.size is not None and upload.size > MAX_FILE_BYTES:
        return _upload_page(request, facility, status=400, error=_("파일이 너무 큽니다."))
    try:
        checked = bulk.read_upload(facility, upload.read(), name)
        created, changed = bulk.do_save_outcome_upload(request.user, checked)
    except BulkRefused as refused:
        return _upload_page(request, facility, status=400, problems=[
            {"file": name, "sheet": p.sheet, "row": p.row, "column": p.column,
             "reason": in_language(p.reason)} for p in refused.problems])
    messages.success(request, _("%(year)s년 성과 %(created)d건을 새로 저장하고 %(changed)d건을 "
                                "고쳤습니다(그대로인 행 %(unchanged)d건).") % {
        "year": checked.year, "created": created, "changed": changed,
        "unchanged": checked.unchanged})
    return redirect("facilities:detail", pk=facility.pk)


# --- editing a facility (planners; officers of its operating department) ------------------------


def _edit_page(request: HttpRequest, facility: Any, form: FacilityForm, *,
               errors: list[str] | None = None, status: int = 200) -> HttpResponse:
    return render(request, "facilities/facility_edit.html", {
        "facility": facility, "form": form, "errors": errors or []}, status=status)


@login_required
def facility_edit(request: HttpRequest, pk: int) -> HttpResponse:
    facility = get_facility_for_user(request.user, pk)
    require_facility_editor(request.user, facility)
    if request.method != "POST":
        initial = {f: getattr(facility, f) for f in FacilityForm.FIELDS}
        return _edit_page(request, facility, FacilityForm(initial={**initial,
                                                                   "version": facility.version}))
    form = FacilityForm(request.POST)
    if not form.is_valid():
        return _edit_page(request, facility, form, status=400)
    changes = {f: form.cleaned_data[f] for f in FacilityForm.FIELDS}
    changes = {k: ("" if v is None and k in {"operator", "address"} else v)
               for k, v in changes.items()}
    try:
        actions.do_update_facility(request.user, facility, form.cleaned_data["version"], changes)
    except EditConflict as exc:
        return _edit_page(request, facility, form, status=409, errors=[in_language(str(exc))])
    except ValidationError as exc:
        return _edit_page(request, facility, form, status=400,
                          errors=[in_language(m) for m in exc.messages])
    messages.success(request, _("시설 정보를 저장했습니다."))
    return redirect("facilities:detail", pk=facility.pk)
