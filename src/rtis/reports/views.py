"""Report pages: planners generate; planners and viewers list snapshots and download them."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from rtis.plans.access import require_planner
from rtis.plans.models import Plan
from rtis.reports.access import can_generate_reports, require_report_reader
from rtis.reports.actions import do_generate_report, snapshot_report
from rtis.reports.forms import ReportForm
from rtis.reports.models import ReportKind, ReportSnapshot
from rtis.reports.queries import default_as_of, nodes_by_plan
from rtis.reports.render import FORMATS, renderer
from rtis.web.csp import allow_inline_styles


@login_required
@require_http_methods(["GET", "POST"])
def report_index(request: HttpRequest) -> HttpResponse:
    """The report form (its choices kept after an error) and the snapshots made so far.

    Viewers (council, audit) see and download the snapshots; planners also make them.
    """
    require_report_reader(request.user)
    can_generate = can_generate_reports(request.user)
    plans = list(Plan.objects.order_by("slug")) if can_generate else []
    as_of_defaults = default_as_of(plans)
    errors: list[str] = []
    chosen: dict[str, str] = {}
    if request.method == "POST":
        require_planner(request.user)
        form = ReportForm(request.POST, plans=plans)
        chosen = {name: request.POST.get(name, "") for name in ("kind", "plan", "node", "as_of")}
        if form.is_valid():
            data = form.cleaned_data
            plan = next(p for p in plans if p.slug == data["plan"])
            try:
                do_generate_report(request.user, data["kind"], plan, data["as_of"], data["node"])
            except ValidationError as exc:
                errors = exc.messages
            else:
                messages.success(request, _("보고서를 만들었습니다. 형식을 골라 내려받으십시오."))
                return redirect(f"{reverse('reports:index')}?plan={plan.slug}")
        else:
            errors = [f"{form.fields[f].label}: {' '.join(map(str, e))}" if f in form.fields
                      else " ".join(map(str, e)) for f, e in form.errors.items()]
    else:
        slug = request.GET.get("plan", "")
        if slug not in as_of_defaults:
            slug = plans[0].slug if plans else ""
        kind = request.GET.get("kind", "")
        chosen = {"kind": kind if kind in ReportKind.values else ReportKind.WORK_REPORT,
                  "plan": slug, "node": "",
                  "as_of": as_of_defaults[slug].isoformat() if slug else ""}
    snapshots = list(ReportSnapshot.objects.select_related("plan", "created_by")[:50])
    from rtis.portal.models import ReportPublication

    published = {p.snapshot_id: p for p in ReportPublication._default_manager.filter(
        snapshot_id__in=[s.pk for s in snapshots])}
    for snapshot in snapshots:
        snapshot.published = published.get(snapshot.pk)  # type: ignore[attr-defined]
    return render(request, "reports/index.html", {
        "plans": plans, "kinds": ReportKind.choices, "snapshots": snapshots,
        "formats": list(FORMATS), "chosen": chosen, "errors": errors,
        "can_generate": can_generate,
        "nodes_by_plan": nodes_by_plan(plans), "pledge_card": ReportKind.PLEDGE_CARD,
        "as_of_defaults": {slug: day.isoformat() for slug, day in as_of_defaults.items()}},
        status=400 if errors else 200)


@login_required
@require_GET
def download(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    require_report_reader(request.user)
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
