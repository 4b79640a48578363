"""Report pages for planners: generate, list snapshots, download in every format."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from rtis.config import clock
from rtis.plans.access import require_planner
from rtis.plans.models import Plan
from rtis.reports.actions import do_generate_report, snapshot_report
from rtis.reports.models import ReportKind, ReportSnapshot
from rtis.reports.render import FORMATS, renderer
from rtis.web.csp import allow_inline_styles


@login_required
@require_http_methods(["GET", "POST"])
def report_index(request: HttpRequest) -> HttpResponse:
    require_planner(request.user)
    plans = list(Plan.objects.order_by("slug"))
    error = ""
    if request.method == "POST":
        plan = next((p for p in plans if p.slug == request.POST.get("plan")), None)
        try:
            as_of = dt.date.fromisoformat(request.POST.get("as_of") or "")
        except ValueError:
            as_of = None
        if plan is None or as_of is None:
            error = _("계획과 기준일(YYYY-MM-DD)을 고르십시오.")
        else:
            try:
                do_generate_report(request.user, request.POST.get("kind", ""), plan,
                                   as_of, request.POST.get("node", "").strip())
            except ValidationError as exc:
                error = " ".join(exc.messages)
            else:
                messages.success(request, _("보고서를 만들었습니다. 형식을 골라 내려받으십시오."))
                return redirect("reports:index")
    snapshots = ReportSnapshot.objects.select_related("plan", "created_by")[:50]
    return render(request, "reports/index.html", {
        "plans": plans, "kinds": ReportKind.choices, "snapshots": snapshots,
        "formats": list(FORMATS), "today": clock.today(), "error": error},
        status=400 if error else 200)


@login_required
@require_GET
def download(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    require_planner(request.user)
    snapshot = ReportSnapshot.objects.filter(pk=pk).first()
    if snapshot is None or fmt not in FORMATS:
        raise Http404(f"보고서 {pk} ({fmt})이(가) 없습니다 / no report {pk} in {fmt}")
    content_type, extension = FORMATS[fmt]
    data = renderer(fmt)(snapshot_report(snapshot))
    response = HttpResponse(data, content_type=content_type)
    name = f"{snapshot.kind}-{snapshot.plan.slug if snapshot.plan else 'rtis'}-{snapshot.as_of}"
    disposition = "inline" if fmt == "html" else "attachment"
    response["Content-Disposition"] = f'{disposition}; filename="{name}.{extension}"'
    if fmt == "html":
        # The standalone report carries its print CSS inline: allow that block, by hash, only.
        allow_inline_styles(response, data.decode("utf-8"))
    return response
