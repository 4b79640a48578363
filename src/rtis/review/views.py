"""Evaluation pages: managers build panels and select, evaluators score their own assignments,
applicants read their disclosure. Views are thin: actions write, access decides, queries read."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from rtis.lib.conflict import EditConflict
from rtis.lib.numbers import ascii_int
from rtis.review import actions
from rtis.review.access import (
    assignments_for_user,
    evaluator_of,
    get_assignment_for_user,
    get_disclosure_for_user,
    require_own_assignment,
    require_rnd_manager,
)
from rtis.review.exports import ranking_workbook
from rtis.review.models import Aggregation, ConflictFinding, Evaluator, Panel, SheetState
from rtis.review.queries import TIE_LABELS, disclosure, panels_with_progress, ranking
from rtis.rnd.access import can_manage_rnd
from rtis.rnd.models import Application, ApplicationStatus, Call, CallStage
from rtis.web.language import in_language


def _stage(request: HttpRequest, pk: int) -> CallStage:
    require_rnd_manager(request.user)
    return get_object_or_404(CallStage.objects.select_related("call__programme"), pk=pk)


def _panel(request: HttpRequest, pk: int) -> Panel:
    require_rnd_manager(request.user)
    return get_object_or_404(Panel.objects.select_related("stage__call"), pk=pk)


def _refusal(exc: Exception) -> list[str]:
    if isinstance(exc, ValidationError):
        return [in_language(m) for m in exc.messages]
    return [in_language(str(exc))]


def _int(value: Any) -> int | None:
    text = str(value or "").strip()
    return ascii_int(text, signed=True)


# --- managers ---------------------------------------------------------------------------------

@login_required
@require_GET
def call_list(request: HttpRequest) -> HttpResponse:
    require_rnd_manager(request.user)
    calls = Call.objects.select_related("programme").prefetch_related("stages").order_by(
        "-year", "title")
    return render(request, "review/calls.html", {"calls": calls})


@login_required
@require_GET
def pool(request: HttpRequest) -> HttpResponse:
    require_rnd_manager(request.user)
    evaluators = (Evaluator.objects.prefetch_related("declared__application", "coworks",
                                                     "panels__stage__call")
                  .order_by("name"))
    return render(request, "review/pool.html", {"evaluators": evaluators})


def _stage_page(request: HttpRequest, stage: CallStage, errors: list[str] | None = None,
                status: int = 200) -> HttpResponse:
    taken = Application.objects.filter(panels__stage=stage).values_list("pk", flat=True)
    free = (stage.call.applications.filter(status=ApplicationStatus.SUBMITTED)
            .exclude(pk__in=list(taken)).select_related("organisation"))
    return render(request, "review/stage.html", {
        "stage": stage, "call": stage.call, "rule": actions.stage_rule(stage),
        "aggregations": Aggregation.choices, "panels": panels_with_progress(stage),
        "free": free, "errors": errors or []}, status=status)


@login_required
@require_GET
def stage_page(request: HttpRequest, pk: int) -> HttpResponse:
    return _stage_page(request, _stage(request, pk))


@login_required
@require_POST
def stage_rule(request: HttpRequest, pk: int) -> HttpResponse:
    stage = _stage(request, pk)
    try:
        actions.do_set_stage_rule(
            request.user, stage, aggregation=request.POST.get("aggregation", ""),
            pass_mark=_int(request.POST.get("pass_mark")),  # type: ignore[arg-type]
            lookback_years=_int(request.POST.get("lookback_years")),  # type: ignore[arg-type]
            disclose_panel=request.POST.get("disclose_panel") == "on",
            disclose_comments=request.POST.get("disclose_comments") == "on")
    except (ValidationError, EditConflict) as exc:
        return _stage_page(request, stage, _refusal(exc), status=400)
    messages.success(request, _("평가 기준을 저장했습니다."))
    return redirect("review:stage", pk=stage.pk)


@login_required
@require_POST
def panel_create(request: HttpRequest, pk: int) -> HttpResponse:
    stage = _stage(request, pk)
    ids = [i for i in (_int(v) for v in request.POST.getlist("applications")) if i is not None]
    chosen = list(Application.objects.filter(pk__in=ids))
    try:
        panel = actions.do_create_panel(
            request.user, stage, name=request.POST.get("name", ""), applications=chosen,
            fields=[f for f in request.POST.get("fields", "").split(",") if f.strip()],
            size=_int(request.POST.get("size")) or 0)
    except ValidationError as exc:
        return _stage_page(request, stage, _refusal(exc), status=400)
    messages.success(request, _("평가위원회를 만들었습니다."))
    return redirect("review:panel", pk=panel.pk)


def _panel_page(request: HttpRequest, panel: Panel, errors: list[str] | None = None,
                status: int = 200) -> HttpResponse:
    conflicts = (ConflictFinding.objects.filter(panel=panel)
                 .select_related("evaluator", "application__organisation"))
    assignments = (panel.assignments.select_related("evaluator", "application__organisation")
                   .order_by("application__title", "evaluator__name"))
    return render(request, "review/panel.html", {
        "panel": panel, "stage": panel.stage, "call": panel.stage.call,
        "members": panel.members.all(),
        "applications": panel.applications.select_related("organisation"),
        "conflicts": [(c, actions.reason_text(c.reasons, c.matched).split(" / ")[0]) for c in conflicts],
        "assignments": assignments,
        "pool": Evaluator.objects.filter(active=True).order_by("name"),
        "errors": errors or []}, status=status)


@login_required
@require_GET
def panel_page(request: HttpRequest, pk: int) -> HttpResponse:
    return _panel_page(request, _panel(request, pk))


@login_required
@require_POST
def panel_screen(request: HttpRequest, pk: int) -> HttpResponse:
    panel = _panel(request, pk)
    found = actions.do_screen_panel(request.user, panel)
    messages.success(request, _("이해충돌 %(n)d건을 확인했습니다.") % {"n": len(found)})
    return redirect("review:panel", pk=panel.pk)


@login_required
@require_POST
def panel_auto(request: HttpRequest, pk: int) -> HttpResponse:
    panel = _panel(request, pk)
    try:
        created = actions.do_auto_assign(request.user, panel)
    except ValidationError as exc:
        return _panel_page(request, panel, _refusal(exc), status=400)
    messages.success(request, _("평가 %(n)d건을 배정했습니다.") % {"n": len(created)})
    return redirect("review:panel", pk=panel.pk)


@login_required
@require_POST
def panel_assign(request: HttpRequest, pk: int) -> HttpResponse:
    panel = _panel(request, pk)
    evaluator = Evaluator.objects.filter(pk=_int(request.POST.get("evaluator")) or 0).first()
    application = panel.applications.filter(
        pk=_int(request.POST.get("application")) or 0).first()
    if evaluator is None or application is None:
        return _panel_page(request, panel, [_("평가위원과 과제를 고르세요.")], status=400)
    try:
        actions.do_assign(request.user, panel, evaluator, application)
    except ValidationError as exc:
        return _panel_page(request, panel, _refusal(exc), status=400)
    messages.success(request, _("배정했습니다."))
    return redirect("review:panel", pk=panel.pk)


def _ranking_page(request: HttpRequest, stage: CallStage, errors: list[str] | None = None,
                  status: int = 200) -> HttpResponse:
    rows, decided, missing = ranking(stage)
    return render(request, "review/ranking.html", {
        "stage": stage, "call": stage.call, "rule": actions.stage_rule(stage), "rows": rows,
        "decided": decided, "missing": missing, "tie_labels": TIE_LABELS,
        "remaining": actions.remaining_budget(stage), "errors": errors or []}, status=status)


@login_required
@require_GET
def ranking_page(request: HttpRequest, pk: int) -> HttpResponse:
    return _ranking_page(request, _stage(request, pk))


@login_required
@require_POST
def select(request: HttpRequest, pk: int) -> HttpResponse:
    stage = _stage(request, pk)
    try:
        actions.do_run_selection(request.user, stage)
    except ValidationError as exc:
        return _ranking_page(request, stage, _refusal(exc), status=400)
    messages.success(request, _("선정을 마쳤습니다."))
    return redirect("review:ranking", pk=stage.pk)


@login_required
@require_GET
def ranking_xlsx(request: HttpRequest, pk: int) -> HttpResponse:
    require_rnd_manager(request.user)
    call = get_object_or_404(Call, pk=pk)
    response = HttpResponse(ranking_workbook(call), content_type=(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))
    response["Content-Disposition"] = f'attachment; filename="ranking-call-{call.pk}.xlsx"'
    return response


# --- evaluators -------------------------------------------------------------------------------

def _require_evaluator_or_manager(request: HttpRequest) -> None:
    if evaluator_of(request.user) is None and not can_manage_rnd(request.user):
        raise PermissionDenied("평가위원만 볼 수 있습니다 / for evaluators only")


@login_required
@require_GET
def my_assignments(request: HttpRequest) -> HttpResponse:
    _require_evaluator_or_manager(request)
    evaluator = evaluator_of(request.user)
    rows = assignments_for_user(request.user).filter(evaluator=evaluator).order_by(
        "panel__stage__call__title", "application__title") if evaluator else []
    return render(request, "review/mine.html", {"assignments": rows, "evaluator": evaluator})


def _sheet_page(request: HttpRequest, assignment: Any, errors: list[str] | None = None,
                status: int = 200) -> HttpResponse:
    criteria = actions.criteria_of(assignment.panel.stage)
    rows = [{"criterion": c, "score": assignment.scores.get(str(c.pk), ""),
             "comment": assignment.comments.get(str(c.pk), "")} for c in criteria]
    own = assignment.evaluator.user_id == request.user.pk
    return render(request, "review/sheet.html", {
        "assignment": assignment, "rows": rows, "own": own,
        "revisions": assignment.revisions.select_related("revised_by"),
        "errors": errors or [], "submitted": assignment.state == SheetState.SUBMITTED,
        "open": assignment.state == SheetState.OPEN}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def sheet(request: HttpRequest, pk: int) -> HttpResponse:
    assignment = get_assignment_for_user(request.user, pk)
    if request.method == "GET":
        return _sheet_page(request, assignment)
    require_own_assignment(request.user, assignment)
    scores = {k[len("score_"):]: _int(v) for k, v in request.POST.items()
              if k.startswith("score_")}
    comments = {k[len("comment_"):]: v for k, v in request.POST.items()
                if k.startswith("comment_")}
    version = _int(request.POST.get("version"))
    try:
        if version is None:
            raise ValidationError({"version": "읽은 버전이 없습니다 / the version read is missing"})
        if assignment.state == SheetState.SUBMITTED:
            actions.do_revise_scores(request.user, assignment, version, scores=scores,
                                     comments=comments, comment=request.POST.get("comment", ""),
                                     reason=request.POST.get("reason", ""))
        else:
            actions.do_save_scores(request.user, assignment, version, scores=scores,
                                   comments=comments, comment=request.POST.get("comment", ""),
                                   submit=request.POST.get("submit") == "1")
    except (ValidationError, EditConflict) as exc:
        assignment.refresh_from_db()
        return _sheet_page(request, assignment, _refusal(exc),
                           status=409 if isinstance(exc, EditConflict) else 400)
    messages.success(request, _("평가표를 저장했습니다."))
    return redirect("review:sheet", pk=assignment.pk)


@login_required
@require_POST
def recuse(request: HttpRequest, pk: int) -> HttpResponse:
    assignment = get_assignment_for_user(request.user, pk)
    require_own_assignment(request.user, assignment)
    try:
        actions.do_recuse(request.user, assignment, reason=request.POST.get("reason", ""))
    except ValidationError as exc:
        return _sheet_page(request, assignment, _refusal(exc), status=400)
    messages.success(request, _("평가를 회피했습니다."))
    return redirect("review:mine")


# --- applicants -------------------------------------------------------------------------------

@login_required
@require_GET
def disclosure_page(request: HttpRequest, pk: int) -> HttpResponse:
    application = get_disclosure_for_user(request.user, pk)
    shown = disclosure(application)
    if shown is None:
        raise Http404(f"평가 결과가 없습니다 / no evaluation result: {pk}")
    return render(request, "review/disclosure.html", {"application": application, **shown})
