"""Pages in the evaluator's and the applicant's own areas (rnd-pages): an evaluator declares
conflicts of interest and recuses, seeing only their own assignments; an applicant names people
to avoid before submission, never seeing the evaluator pool."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from rtis.review import actions
from rtis.review.access import (
    assigned_application,
    avoidance_editable,
    get_avoided_person_for_user,
    require_own_evaluator,
)
from rtis.review.models import Assignment, DeclaredConflict, Evaluator, SheetState
from rtis.rnd.access import get_application_for_user
from rtis.rnd.models import Application
from rtis.web.language import in_language


def _own_evaluator(request: HttpRequest) -> Evaluator:
    return require_own_evaluator(request.user)


def _messages(exc: ValidationError) -> list[str]:
    return [in_language(m) for m in exc.messages]


def _conflicts_page(request: HttpRequest, evaluator: Evaluator, errors: list[str] | None = None,
                    status: int = 200) -> HttpResponse:
    assignments = list(Assignment.objects.filter(evaluator=evaluator)
                       .select_related("panel__stage__call", "application__organisation")
                       .order_by("panel__stage__call__title", "application__title"))
    declared = list(DeclaredConflict.objects.filter(evaluator=evaluator)
                    .select_related("application__organisation").order_by("pk"))
    declared_apps = {d.application_id for d in declared if d.application_id}
    choices = {a.application_id: a.application for a in assignments
               if a.application_id not in declared_apps}
    return render(request, "review/my_conflicts.html", {
        "evaluator": evaluator, "declared": declared, "assignments": assignments,
        "open": [a for a in assignments if a.state == SheetState.OPEN],
        "applications": sorted(choices.values(), key=lambda a: a.title),
        "errors": errors or []}, status=status)


@login_required
@require_GET
def my_conflicts(request: HttpRequest) -> HttpResponse:
    return _conflicts_page(request, _own_evaluator(request))


@login_required
@require_POST
def declare_conflict(request: HttpRequest) -> HttpResponse:
    evaluator = _own_evaluator(request)
    reason = request.POST.get("reason", "")
    try:
        if request.POST.get("kind") == "application":
            application = assigned_application(evaluator, request.POST.get("application", ""))
            _row, recused = actions.do_declare_application_conflict(
                request.user, evaluator, application, reason=reason)
        else:
            _row, recused = actions.do_declare_organisation_conflict(
                request.user, evaluator, organisation=request.POST.get("organisation", ""),
                reason=reason)
    except ValidationError as exc:
        return _conflicts_page(request, evaluator, _messages(exc), status=400)
    messages.success(request, _("이해관계를 신고했습니다. 회피한 평가: %(n)d건")
                     % {"n": len(recused)})
    return redirect("review:my_conflicts")


# --- the applicant: people to avoid -------------------------------------------------------------

def _avoid_page(request: HttpRequest, application: Application, errors: list[str] | None = None,
                values: dict[str, Any] | None = None, status: int = 200) -> HttpResponse:
    return render(request, "review/avoid.html", {
        "application": application, "rows": list(application.avoided_people.all()),
        "editable": avoidance_editable(request.user, application), "limit": actions.MAX_AVOIDED_PEOPLE, "errors": errors or [],
        "values": values or {}}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def avoid(request: HttpRequest, pk: int) -> HttpResponse:
    application = get_application_for_user(request.user, pk)
    if request.method == "GET":
        return _avoid_page(request, application)
    values = {k: request.POST.get(k, "") for k in ("name", "organisation", "reason")}
    try:
        actions.do_name_avoided_person(request.user, application, **values)
    except ValidationError as exc:
        return _avoid_page(request, application, _messages(exc), values, status=400)
    messages.success(request, _("기피 신청을 저장했습니다."))
    return redirect("review:avoid", pk=application.pk)


@login_required
@require_POST
def avoid_delete(request: HttpRequest, pk: int) -> HttpResponse:
    row = get_avoided_person_for_user(request.user, pk)  # 404 unless the user's own
    application = row.application
    try:
        actions.do_remove_avoided_person(request.user, row)
    except ValidationError as exc:
        return _avoid_page(request, application, _messages(exc), status=400)
    messages.success(request, _("기피 신청을 취소했습니다."))
    return redirect("review:avoid", pk=application.pk)

