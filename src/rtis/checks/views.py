"""The 데이터 점검 page for planners."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from rtis.checks.present import finding_row
from rtis.checks.run import run_checks
from rtis.plans.access import require_planner
from rtis.plans.models import Plan


@login_required
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    require_planner(request.user)
    plans = list(Plan.objects.order_by("slug").values_list("slug", "title"))
    slug = request.GET.get("plan") or None
    if slug not in {s for s, _ in plans}:
        slug = None
    findings = run_checks(slug)
    counts = {s: sum(1 for f in findings if f.severity == s) for s in ("error", "warning", "info")}
    titles = dict(plans)
    return render(request, "checks/index.html", {
        "rows": [finding_row(f, titles) for f in findings], "plans": plans, "slug": slug,
        "counts": counts})
