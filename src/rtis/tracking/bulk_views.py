"""XLSX bulk entry pages: choose department and month, download the template, upload it back."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from rtis.config import clock
from rtis.ingest.tables import MAX_FILE_BYTES
from rtis.lib.korean import josa
from rtis.orgs.models import Department
from rtis.plans.access import plans_for_user
from rtis.tracking.bulk import (
    XLSX_MEDIA_TYPE,
    BulkRefused,
    Problem,
    build_template,
    departments_for,
    do_save_bulk_upload,
    entry_periods_for,
    is_execution_period,
    read_upload,
    require_bulk_user,
    require_department_access,
    template_file_name,
)
from rtis.tracking.models import ReportingPeriod
from rtis.tracking.queries import due_period
from rtis.web.language import in_language
from rtis.web.uploads import upload_problem


class TemplateChoice(forms.Form):
    """The download form: a department and an execution period (a month, usually), by id."""

    department = forms.IntegerField(label=gettext_lazy("부서"), min_value=1)
    period = forms.IntegerField(label=gettext_lazy("기간"), min_value=1)


def _index(request: HttpRequest, *, error: str = "", status: int = 200,
           chosen: dict[str, Any] | None = None) -> HttpResponse:
    periods = list(entry_periods_for(request.user))
    groups: dict[str, list[ReportingPeriod]] = {}
    for period in periods:
        groups.setdefault(period.plan.title, []).append(period)
    # The choice just made stays chosen after a refusal; else the period that is due.
    chosen = {k: str(v) for k, v in (chosen or {}).items() if v}
    if "period" not in chosen:
        due = due_period(periods, clock.today())
        chosen["period"] = str(due.pk) if due else ""
    return render(request, "tracking/bulk_index.html", {
        "departments": departments_for(request.user), "period_groups": groups,
        "chosen": chosen, "error": in_language(error) if error else "",
        "max_mb": MAX_FILE_BYTES // (1024 * 1024),
    }, status=status)


@login_required
@require_GET
def bulk_index(request: HttpRequest) -> HttpResponse:
    require_bulk_user(request.user)
    return _index(request)


@login_required
@require_GET
def bulk_template(request: HttpRequest) -> HttpResponse:
    require_bulk_user(request.user)
    form = TemplateChoice(request.GET)
    if not form.is_valid():
        return _index(request, status=400, error=_("부서와 기간을 고르십시오."),
                      chosen={k: request.GET.get(k, "") for k in ("department", "period")})
    department = Department.objects.filter(pk=form.cleaned_data["department"]).first()
    if department is None:
        raise Http404(f"부서 {form.cleaned_data['department']}{josa(form.cleaned_data['department'], '이가')} 없습니다 / no such department")
    require_department_access(request.user, department)
    period = (ReportingPeriod.objects.select_related("plan")
              .filter(pk=form.cleaned_data["period"], plan__in=plans_for_user(request.user))
              .first())
    if period is None or not is_execution_period(period):
        raise Http404(f"집행실적 보고 기간 {form.cleaned_data['period']}{josa(form.cleaned_data['period'], '이가')} 없습니다 / no such "
                      f"execution period")
    data = build_template(period.plan, department, period)
    response = HttpResponse(data, content_type=XLSX_MEDIA_TYPE)
    response["Content-Disposition"] = content_disposition_header(
        True, template_file_name(period.plan, department, period))
    return response


@login_required
@require_POST
def bulk_upload(request: HttpRequest) -> HttpResponse:
    require_bulk_user(request.user)
    upload = request.FILES.get("file")
    if upload is None:
        if upload_problem(request):
            return _index(request, status=400, error=upload_problem(request))
        return _index(request, status=400, error=_("올릴 XLSX 파일을 고르십시오."))
    name = upload.name or "upload.xlsx"
    if upload.size is not None and upload.size > MAX_FILE_BYTES:
        return _report(request, name, [Problem("", None, "", (
            f"파일이 너무 큽니다 (최대 {MAX_FILE_BYTES // (1024 * 1024)} MB) / file is too large "
            f"(limit {MAX_FILE_BYTES // (1024 * 1024)} MB)"))])
    try:
        checked = read_upload(request.user, upload.read(), name)
        saved = do_save_bulk_upload(request.user, checked)
    except BulkRefused as refused:
        return _report(request, name, refused.problems)
    messages.success(request, _(
        "%(period)s %(department)s 실적 %(saved)d건을 저장했습니다(바뀌지 않은 행 %(unchanged)d건은 "
        "건너뛰었습니다).") % {"period": checked.period.label,
                             "department": checked.department.name, "saved": saved,
                             "unchanged": checked.unchanged})
    return redirect("tracking:bulk_index")


def _report(request: HttpRequest, file_name: str, problems: list[Problem]) -> HttpResponse:
    return render(request, "tracking/bulk_report.html",
                  {"file_name": file_name, "problems": problems}, status=400)
