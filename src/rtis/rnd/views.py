"""R&D pages: the public list of calls, a call's page, and (planners) its applications."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from rtis.config import clock
from rtis.lib.conflict import EditConflict
from rtis.rnd import actions
from rtis.rnd.access import (
    applicant_organisation,
    can_manage_rnd,
    get_call_for_user,
    require_rnd_manager,
)
from rtis.rnd.forms import PublishCallForm
from rtis.rnd.models import ApplicationStatus, Call, CallState, EvaluationCriterion
from rtis.rnd.queries import call_applications, calls_for_user, status_counts
from rtis.web.language import in_language

PAGE_SIZE = 50


@require_GET
def call_list(request: HttpRequest) -> HttpResponse:
    return render(request, "rnd/call_list.html", {
        "calls": calls_for_user(request.user), "now": clock.now(),
        "can_manage": can_manage_rnd(request.user)})


def _call_page(request: HttpRequest, call: Call, *, errors: list[str] | None = None,
               status: int = 200) -> HttpResponse:
    # In their order within this call (the models' default orderings would join the call and
    # the stage only to sort by them).
    stages = list(call.stages.order_by("order", "pk").prefetch_related(
        Prefetch("criteria", queryset=EvaluationCriterion.objects.order_by("order", "pk"))))
    can_manage = can_manage_rnd(request.user)
    now = clock.now()
    return render(request, "rnd/call_detail.html", {
        "call": call, "stages": stages, "can_manage": can_manage, "now": now,
        "is_open": call.state == CallState.PUBLISHED and call.opens_at <= now < call.closes_at,
        "is_applicant": applicant_organisation(request.user) is not None,
        "may_close": can_manage and call.state == CallState.PUBLISHED and call.closes_at <= now,
        "publish_form": (PublishCallForm(initial={"version": call.version})
                         if can_manage and call.state == CallState.DRAFT else None),
        "errors": errors or []}, status=status)


@require_GET
def call_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _call_page(request, get_call_for_user(request.user, pk))


@login_required
@require_POST
def call_publish(request: HttpRequest, pk: int) -> HttpResponse:
    call = get_call_for_user(request.user, pk)
    require_rnd_manager(request.user)
    form = PublishCallForm(request.POST)
    if not form.is_valid():
        return _call_page(request, call, errors=[_("읽은 버전이 없습니다. 새로 고친 뒤 다시 게시하세요.")],
                          status=400)
    try:
        actions.do_publish_call(request.user, call, form.cleaned_data["version"])
    except EditConflict as exc:
        call.refresh_from_db()
        return _call_page(request, call, errors=[in_language(str(exc))], status=409)
    except ValidationError as exc:
        return _call_page(request, call, errors=[in_language(m) for m in exc.messages], status=400)
    messages.success(request, _("공고를 게시했습니다."))
    return redirect("rnd:call", pk=call.pk)


@login_required
@require_GET
def call_applications_page(request: HttpRequest, pk: int) -> HttpResponse:
    call = get_call_for_user(request.user, pk)
    require_rnd_manager(request.user)
    counts = status_counts(call)
    page = Paginator(call_applications(call), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "rnd/call_applications.html", {
        "call": call, "page": page, "applications": page.object_list,
        "counts": [(label, counts.get(value, 0)) for value, label in ApplicationStatus.choices]})
