"""Grants pages: agreements for R&D managers and performers, the follow-up survey list for
managers, and the public programme statistics with their downloads."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from rtis.config import clock
from rtis.grants import actions, queries
from rtis.grants.access import (
    agreements_for_user,
    get_agreement_for_user,
    is_performer,
    performer_organisation_ids,
)
from rtis.grants.forms import (
    AgreementForm,
    AnnualEvaluationForm,
    ChangeForm,
    DecideForm,
    FinalEvaluationForm,
    OutputForm,
    ReportForm,
    SurveyForm,
)
from rtis.grants.models import (
    Agreement,
    AgreementChange,
    AnnualReport,
    FollowUpSurvey,
    OutputKind,
    SurveyState,
)
from rtis.lib.conflict import EditConflict
from rtis.lib.numbers import ascii_int
from rtis.rnd.access import can_manage_rnd, require_rnd_manager
from rtis.rnd.models import Application, ApplicationStatus
from rtis.web.language import in_language


def _require_manager_or_performer_role(user: Any) -> None:
    if not (can_manage_rnd(user) or performer_organisation_ids(user)):
        raise PermissionDenied("R&D 사업 관리자나 수행기관 담당자만 볼 수 있습니다 / only R&D "
                               "managers and performers may open this page")


@login_required
@require_GET
def agreement_list(request: HttpRequest) -> HttpResponse:
    _require_manager_or_performer_role(request.user)
    waiting = (Application.objects.filter(status=ApplicationStatus.SELECTED, agreement__isnull=True)
               .select_related("organisation", "call__programme").order_by("call", "pk")
               if can_manage_rnd(request.user) else Application.objects.none())
    return render(request, "grants/agreement_list.html", {
        "agreements": agreements_for_user(request.user).order_by("-starts_on", "number"),
        "waiting": waiting, "can_manage": can_manage_rnd(request.user)})


@login_required
@require_http_methods(["GET", "POST"])
def agreement_new(request: HttpRequest, pk: int) -> HttpResponse:
    require_rnd_manager(request.user)
    application = (Application.objects.select_related("organisation", "call__programme")
                   .filter(pk=pk, status=ApplicationStatus.SELECTED, agreement__isnull=True)
                   .first())
    if application is None:
        raise Http404(f"협약할 선정 과제 {pk}번이 없습니다 / no selected application {pk} "
                      f"awaiting an agreement")
    years = list(range(application.call.year, application.call.year + 3))  # the call's year on
    form = AgreementForm(request.POST or None, years=years)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            try:
                agreement = actions.do_make_agreement(
                    request.user, application, starts_on=data["starts_on"],
                    ends_on=data["ends_on"], amounts=form.amounts(), targets=form.targets(),
                    conditions=data["conditions"])
            except ValidationError as exc:
                for field, errors in exc.message_dict.items():
                    form.add_error(field if field in form.fields else None,
                                   [in_language(e) for e in errors])
            else:
                messages.success(request, _("협약을 체결했습니다."))
                return redirect("grants:agreement", pk=agreement.pk)
    return render(request, "grants/agreement_new.html", {
        "application": application, "form": form}, status=status)


def _agreement_page(request: HttpRequest, agreement: Agreement, *,
                    errors: list[str] | None = None, status: int = 200) -> HttpResponse:
    agreement = (Agreement.objects.select_related(
        "application__organisation", "application__call__programme",
        "final_evaluation").prefetch_related(
        "amounts", "targets",
        Prefetch("changes", queryset=AgreementChange.objects.select_related(
            "requested_by", "decided_by")),
        Prefetch("reports", queryset=AnnualReport.objects.select_related("evaluation")),
        "outputs", "surveys").get(pk=agreement.pk))
    user = request.user
    manager = can_manage_rnd(user)
    performer = is_performer(user, agreement)
    amounts = list(agreement.amounts.all())
    years = agreement.years
    table = [{"year": y, **{a.source: a.amount_won for a in amounts if a.year == y}}
             for y in years]
    reports = list(agreement.reports.all())
    reported = {r.year for r in reports}
    open_survey = next((s for s in agreement.surveys.all() if s.state == SurveyState.DUE
                        and s.year < clock.today().year), None)
    return render(request, "grants/agreement_detail.html", {
        "agreement": agreement, "application": agreement.application, "table": table,
        "city_total": sum(a.amount_won for a in amounts if a.source == "city"),
        "targets": list(agreement.targets.all()), "changes": list(agreement.changes.all()),
        "reports": reports, "outputs": list(agreement.outputs.all()),
        "surveys": list(agreement.surveys.all()), "manager": manager, "performer": performer,
        "active": agreement.state == "active",
        "change_form": ChangeForm(initial={"version": agreement.version}, auto_id="change_%s"),
        "decide_form": DecideForm(auto_id="decide_%s"),
        "report_form": ReportForm(initial={"year": next(
            (y for y in years if y not in reported), years[-1])}, auto_id="report_%s"),
        "evaluation_form": AnnualEvaluationForm(auto_id="evaluation_%s"),
        "final_form": FinalEvaluationForm(initial={"evaluated_on": clock.today()},
                                          auto_id="final_%s"),
        "output_form": OutputForm(initial={"occurred_on": clock.today()}, auto_id="output_%s"),
        "open_survey": open_survey,
        "survey_form": SurveyForm(initial={"version": open_survey.version if open_survey else 1,
                                           "sales_won": 0, "jobs": 0, "investment_won": 0},
                                  auto_id="survey_%s"),
        "errors": errors or []}, status=status)


@login_required
@require_GET
def agreement_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _agreement_page(request, get_agreement_for_user(request.user, pk))


def _post(request: HttpRequest, agreement: Agreement, form: Any,
          act: Callable[[dict[str, Any]], Any], done: str) -> HttpResponse:
    """Run an action with a bound form; refusals come back on the agreement page."""
    if not form.is_valid():
        problems = [f"{form.fields[f].label if f in form.fields else ''}: {m}"
                    for f, ms in form.errors.items() for m in ms]
        return _agreement_page(request, agreement, errors=problems, status=400)
    try:
        act(form.cleaned_data)
    except EditConflict as exc:
        return _agreement_page(request, agreement, errors=[in_language(str(exc))], status=409)
    except ValidationError as exc:
        return _agreement_page(request, agreement,
                               errors=[in_language(m) for m in exc.messages], status=400)
    messages.success(request, done)
    return redirect("grants:agreement", pk=agreement.pk)


@login_required
@require_POST
def change_request(request: HttpRequest, pk: int) -> HttpResponse:
    agreement = get_agreement_for_user(request.user, pk)

    def act(d: dict[str, Any]) -> Any:
        amounts = ({d["year"]: {"city": d["city_won"]}}
                   if d.get("year") and d.get("city_won") is not None else None)
        return actions.do_request_change(
            request.user, agreement, d["version"], kind=d["kind"], reason=d["reason"],
            ends_on=d.get("ends_on"), conditions=d.get("conditions") or None, amounts=amounts)
    return _post(request, agreement, ChangeForm(request.POST), act, _("협약 변경을 등록했습니다."))


@login_required
@require_POST
def change_decide(request: HttpRequest, pk: int) -> HttpResponse:
    change = AgreementChange.objects.filter(pk=pk).first()
    if change is None:
        raise Http404(f"협약 변경 {pk}번이 없습니다 / no change {pk}")
    agreement = get_agreement_for_user(request.user, change.agreement_id)
    require_rnd_manager(request.user)
    return _post(request, agreement, DecideForm(request.POST), lambda d: actions.do_decide_change(
        request.user, change, d["version"], approve=d["approve"], comment=d["comment"]),
        _("협약 변경을 처리했습니다."))


@login_required
@require_POST
def report_save(request: HttpRequest, pk: int) -> HttpResponse:
    """The performer (or a manager on its behalf) files one year's annual report."""
    agreement = get_agreement_for_user(request.user, pk)

    def act(d: dict[str, Any]) -> Any:
        report = actions.do_save_annual_report(
            request.user, agreement, year=d["year"], progress=d["progress"],
            spent_city_won=d["spent_city_won"], spent_private_won=d["spent_private_won"],
            issues=d["issues"])
        return actions.do_submit_annual_report(request.user, report, report.version)
    return _post(request, agreement, ReportForm(request.POST), act,
                 _("연차보고서를 제출했습니다."))


@login_required
@require_POST
def annual_evaluate(request: HttpRequest, pk: int) -> HttpResponse:
    report = AnnualReport.objects.filter(pk=pk).first()
    if report is None:
        raise Http404(f"연차보고서 {pk}번이 없습니다 / no report {pk}")
    agreement = get_agreement_for_user(request.user, report.agreement_id)
    require_rnd_manager(request.user)
    return _post(request, agreement, AnnualEvaluationForm(request.POST),
                 lambda d: actions.do_evaluate_annual(
                     request.user, report, decision=d["decision"], comment=d["comment"],
                     score=d["score"], next_year_city_won=d["next_year_city_won"]),
                 _("연차평가를 기록했습니다."))


@login_required
@require_POST
def final_evaluate(request: HttpRequest, pk: int) -> HttpResponse:
    agreement = get_agreement_for_user(request.user, pk)
    require_rnd_manager(request.user)
    return _post(request, agreement, FinalEvaluationForm(request.POST),
                 lambda d: actions.do_final_evaluation(
                     request.user, agreement, grade=d["grade"], comment=d["comment"],
                     evaluated_on=d["evaluated_on"], failure_causes=d["failure_causes"],
                     failure_analysis=d["failure_analysis"]),
                 _("최종평가를 기록했습니다."))


@login_required
@require_POST
def output_add(request: HttpRequest, pk: int) -> HttpResponse:
    agreement = get_agreement_for_user(request.user, pk)
    return _post(request, agreement, OutputForm(request.POST),
                 lambda d: actions.do_record_output(request.user, agreement, **d),
                 _("성과를 등록했습니다."))


@login_required
@require_POST
def survey_submit(request: HttpRequest, pk: int) -> HttpResponse:
    survey = FollowUpSurvey.objects.filter(pk=pk).first()
    if survey is None:
        raise Http404(f"추적조사 {pk}번이 없습니다 / no survey {pk}")
    agreement = get_agreement_for_user(request.user, survey.agreement_id)
    return _post(request, agreement, SurveyForm(request.POST),
                 lambda d: actions.do_submit_survey(
                     request.user, survey, d["version"], commercialised=d["commercialised"],
                     sales_won=d["sales_won"], jobs=d["jobs"],
                     investment_won=d["investment_won"], note=d["note"]),
                 _("추적조사를 제출했습니다."))


@login_required
@require_GET
def survey_list(request: HttpRequest) -> HttpResponse:
    require_rnd_manager(request.user)
    today = clock.today()
    asked = ascii_int(request.GET.get("year", ""))
    year = asked if asked is not None and 2000 <= asked <= 2100 else today.year
    return render(request, "grants/survey_list.html", {
        "year": year, "years": range(today.year - 2, today.year + 6),
        "surveys": queries.surveys_due_in(year), "late": queries.non_responses(today),
        "today": today})


@login_required
@require_POST
def survey_remind(request: HttpRequest) -> HttpResponse:
    require_rnd_manager(request.user)
    sent = actions.do_send_survey_reminders(request.user)
    messages.success(request, _("추적조사 독촉 %(n)s건을 보냈습니다.") % {"n": len(sent)})
    return redirect("grants:surveys")


def _statistics() -> dict[str, Any]:
    computed = queries.computed_statistics(clock.today())
    printed = queries.printed_statistics()
    totals = queries.yearly_totals(computed, printed)
    years = [str(t["year"]) for t in totals]

    def series(key: str, scale: int = 1) -> list[float | None]:
        return [None if t[key] is None else round(t[key] / scale, 1) for t in totals]

    charts = {
        "projects": {"title": _("연도별 지원 과제 수"), "categories": years, "names": years,
                     "unit": _("개"), "links": [None] * len(years), "max": None, "mark": None,
                     "empty": not totals,
                     "series": [{"name": _("선정 과제(기록)"), "data": series("selected")},
                                {"name": _("지원 과제(인쇄)"), "data": series("printed_projects")}]},
        "funds": {"title": _("연도별 지원 금액"), "categories": years, "names": years,
                  "unit": _("억원"), "links": [None] * len(years), "max": None, "mark": None,
                  "empty": not totals,
                  "series": [{"name": _("협약 시비(기록)"), "data": series("city_funds_won", 10**8)},
                             {"name": _("지원 금액(인쇄)"),
                              "data": series("printed_funds_won", 10**8)}]},
    }
    return {"computed": computed, "printed": printed, "totals": totals, "charts": charts,
            "plan_money": queries.programme_plan_money(),
            "ntis_rows": [(OutputKind(k).label, v) for k, v in queries.NTIS_CATEGORY.items()]}


@require_GET
def statistics(request: HttpRequest) -> HttpResponse:
    return render(request, "grants/statistics.html", {
        **_statistics(), "can_open_agreements": (can_manage_rnd(request.user)
                                                 or bool(performer_organisation_ids(request.user)))})


STAT_HEAD = ["구분", "사업", "연도", "신청", "선정", "선정률(%)", "협약", "협약 시비(원)", "성과(건)",
             "억원당 성과", "사업화 과제", "사업화율(%)", "추적조사 대상", "응답", "응답률(%)", "출처"]


def _stat_rows() -> list[list[Any]]:
    data = _statistics()
    rows: list[list[Any]] = []
    for r in data["computed"]:
        rows.append(["기록", r.programme, r.year, r.applications, r.selected, r.selection_rate,
                     r.agreements, r.city_funds_won, r.outputs, r.outputs_per_eok,
                     r.commercialised, r.commercialisation_rate, r.surveys_due,
                     r.surveys_answered, r.response_rate, "RTIS 과제 기록"])
    for p in data["printed"]:
        rows.append(["인쇄", p.label, p.year, None, p.projects, None, None, p.funds_won, None,
                     None, None, None, None, None, None, "; ".join(p.sources)])
    return [[("" if v is None else str(v) if not isinstance(v, int | str) else v) for v in row]
            for row in rows]


@require_GET
def statistics_download(request: HttpRequest) -> HttpResponse:
    """The statistics as CSV (default) or XLSX (?format=xlsx), Korean column heads."""
    rows = _stat_rows()
    if request.GET.get("format") == "xlsx":
        from openpyxl import Workbook

        book = Workbook()
        sheet = book.active
        assert sheet is not None
        sheet.title = "R&D 성과 통계"
        sheet.append(STAT_HEAD)
        for row in rows:
            sheet.append(row)
        data = io.BytesIO()
        book.save(data)
        response = HttpResponse(data.getvalue(), content_type=(
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))
        response["Content-Disposition"] = 'attachment; filename="rnd-statistics.xlsx"'
        return response
    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow(STAT_HEAD)
    writer.writerows(rows)
    response = HttpResponse("\ufeff" + text.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="rnd-statistics.csv"'
    return response


