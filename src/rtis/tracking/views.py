"""Tracking pages: 내 업무, a node's entry page, the approval queue, a plan's periods."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Sum
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from rtis.audit.models import AuditEvent
from rtis.config import clock
from rtis.lib.conflict import EditConflict
from rtis.lib.numbers import ascii_int, is_ascii_digits
from rtis.orgs.access import department_ids, is_internal, is_planner
from rtis.plans.access import (
    can_edit_node,
    get_node_for_user,
    get_plan_for_user,
    plans_for_user,
    require_node_editor,
    require_planner,
)
from rtis.plans.models import BudgetLine, Indicator, IndicatorTarget, Node, Plan
from rtis.plans.templatetags.rtis_money import number
from rtis.tracking import actions, notify, queries, queue
from rtis.tracking.forms import (
    CorrectionForm,
    ExecutionForm,
    GenerateForm,
    IndicatorReportForm,
    MilestoneForm,
    ParticipationForm,
    ReturnForm,
    SettingsForm,
    StatusForm,
    VersionForm,
    show_amount,
    unit_name,
)
from rtis.tracking.models import (
    AMOUNT_FIELDS,
    ApprovalEntry,
    ExecutionRecord,
    ExecutionStatus,
    IndicatorReport,
    Milestone,
    Notification,
    ParticipationEvent,
    PeriodState,
    ReportingPeriod,
)
from rtis.web.language import add_errors, in_language

ENTRY_MODELS: dict[str, type[ApprovalEntry]] = {
    "execution": ExecutionRecord, "indicator": IndicatorReport, "milestone": Milestone}

FIELD_LABELS = {
    "original_budget": gettext_lazy("본예산"), "transfers": gettext_lazy("예산이체"),
    "carryover": gettext_lazy("이월액"), "committed": gettext_lazy("원인행위액"),
    "spent": gettext_lazy("지출액"), "value": gettext_lazy("실적값"), "unit": gettext_lazy("단위"),
    "evidence": gettext_lazy("근거"), "planned": gettext_lazy("계획"),
    "achieved": gettext_lazy("실적"), "state": gettext_lazy("추진 상태"),
    "delay_reason": gettext_lazy("지연 사유"), "completed_on": gettext_lazy("완료일"),
    "kind": gettext_lazy("유형"), "count": gettext_lazy("횟수"), "held_on": gettext_lazy("일자"),
    "description": gettext_lazy("내용"),
}


def _internal(request: HttpRequest) -> None:
    if not is_internal(request.user):
        raise PermissionDenied(_("로그인한 직원만 볼 수 있습니다"))


def _add_errors(form: forms.Form, exc: ValidationError) -> None:
    add_errors(form, exc)


def _conflict_rows(conflict: EditConflict | None, unit: str) -> list[dict[str, Any]]:
    if conflict is None:
        return []
    return [{"field": f, "label": FIELD_LABELS.get(f, f),
             "value": show_amount(v, unit) if f in AMOUNT_FIELDS and v is not None else v}
            for f, v in conflict.current.items()]


# --- 내 업무 ----------------------------------------------------------------------------------


@login_required
@require_GET
def my_work(request: HttpRequest) -> HttpResponse:
    """What is due, returned or late for me; for planners, what waits for approval."""
    user = request.user
    today = clock.today()
    entries = queries.entries_for_user(user)
    plans = list(plans_for_user(user))
    mine = department_ids(user)
    late = sorted((e for plan in plans for e in queries.late_execution(plan, today)
                   if is_planner(user) or (e.department and e.department.pk in mine)),
                  key=lambda e: (e.period.plan_id, e.period.year, e.period.number,
                                 e.department.name if e.department else ""))
    due = queries.open_periods_due(plans, today)
    notes = list(Notification.objects.filter(user_id=user.pk or 0)
                 .order_by("read_at", "-created_at")[:30])
    return render(request, "tracking/my_work.html", {
        "returned": [e for e in entries if e.status == ExecutionStatus.RETURNED],
        "drafts": [e for e in entries if e.status == ExecutionStatus.DRAFT],
        "submitted": [e for e in entries if e.status == ExecutionStatus.SUBMITTED],
        "late": late, "due": due, "today": today, "notifications": notes,
        "units": queries.units_for_user(user), "planner": is_planner(user),
    })


@login_required
@require_POST
def notification_read(request: HttpRequest, pk: int) -> HttpResponse:
    note = actions.do_mark_notification_read(request.user, pk)
    return redirect(note.url or "tracking:my_work")


# --- a node's entry page ------------------------------------------------------------------------


PAGE_PARAMS = ("period", "iperiod", "mperiod")  # the three sections' periods, by id


def _page_state(request: HttpRequest) -> dict[str, str]:
    """Return the periods the page shows (?period=&iperiod=&mperiod=), valid ids only."""
    return {k: request.GET[k] for k in PAGE_PARAMS if is_ascii_digits(request.GET.get(k, ""))}


def _choose(periods: list[ReportingPeriod], raw: str | None,
            chosen: ReportingPeriod | None = None) -> ReportingPeriod | None:
    """Return the period being edited (chosen), else the one asked for, else the one due."""
    if chosen is not None:
        return chosen
    wanted = ascii_int(raw or "")
    for period in periods if wanted is not None else []:
        if period.pk == wanted:
            return period
    return queries.due_period(periods, clock.today())


def _entry_form(form_class: type[forms.Form], entry: Any, fields: tuple[str, ...],
                extra: dict[str, Any] | None = None, prefix: str | None = None,
                **kwargs: Any) -> forms.Form:
    initial = dict(extra or {})
    if entry is not None:
        initial.update({f: getattr(entry, f) for f in fields})
        initial["version"] = entry.version
    return form_class(initial=initial, prefix=prefix, **kwargs)


MILESTONE_FIELDS = ("planned", "achieved", "state", "delay_reason", "completed_on")


def _node_page(request: HttpRequest, plan: Plan, node: Node, *,
               bound: dict[str, forms.Form] | None = None,
               chosen: dict[str, ReportingPeriod] | None = None,
               conflict: EditConflict | None = None, conflict_in: str = "",
               status: int = 200) -> HttpResponse:
    bound = bound or {}
    user = request.user
    conf = actions.tracking_settings(plan)
    periods = list(ReportingPeriod.objects.filter(plan=plan).order_by("year", "number"))
    exec_periods = [p for p in periods if p.kind == conf.execution_period]
    ind_periods = [p for p in periods if p.kind == conf.indicator_period]
    ms_periods = [p for p in periods if p.kind == conf.milestone_period]
    # After a refused save the page stays on the period that was being edited (`chosen`, from
    # the form's URL), never on a default: the next save must go to the same record.
    chosen = chosen or {}
    period = _choose(exec_periods, request.GET.get("period"), chosen.get("period"))
    iperiod = _choose(ind_periods, request.GET.get("iperiod"), chosen.get("iperiod"))
    mperiod = _choose(ms_periods, request.GET.get("mperiod"), chosen.get("mperiod"))
    unit = queries.printed_money_unit(plan)
    leaf = not node.children.exists()
    editable = can_edit_node(user, node)
    planner = is_planner(user)

    record = (ExecutionRecord.objects.filter(node=node, period=period).first()
              if period and leaf else None)
    year_records = (list(ExecutionRecord.objects.filter(node=node, period__year=period.year,
                                                        period__kind=period.kind)
                         .select_related("period").order_by("period__number"))
                    if period and leaf else [])
    indicators = list(Indicator.objects.filter(node=node).order_by("position"))
    reports = ({r.indicator_id: r for r in IndicatorReport.objects.filter(
        indicator__in=indicators, period=iperiod)} if iperiod else {})
    targets = ({t.indicator_id: t.value for t in IndicatorTarget.objects.filter(
        indicator__in=indicators, year=iperiod.year)} if iperiod else {})
    indicator_rows = []
    for indicator in indicators:
        report = reports.get(indicator.pk)
        key = f"ind-{indicator.pk}"
        form = bound.get(key) or _entry_form(
            IndicatorReportForm, report, ("value", "unit", "evidence"),
            {"unit": indicator.unit}, prefix=key)
        target = targets.get(indicator.pk)
        if target is not None and iperiod is not None:
            form.fields["value"].help_text = _("%(year)s년 목표 %(target)s%(unit)s") % {
                "year": iperiod.year, "target": number(target), "unit": indicator.unit}
        indicator_rows.append({"indicator": indicator, "report": report, "form": form,
                               "target": target,
                               "editable": _entry_editable(user, editable, report, iperiod)})
    milestone = (Milestone.objects.filter(node=node, period=mperiod).first()
                 if mperiod else None)
    history = []
    if record is not None:
        history = list(AuditEvent.objects.filter(
            target_type=record._meta.label_lower, target_id=str(record.pk)).order_by("at", "id"))
    planned = _planned(node, period) if period and leaf else None
    execution_form = bound.get("execution") or _entry_form(ExecutionForm, record, AMOUNT_FIELDS,
                                                           unit=unit)
    if planned and planned["total"] is not None:
        execution_form.fields["original_budget"].help_text = _(
            "계획(소요예산) %(year)s년 %(amount)s%(unit)s") % {
            "year": planned["year"], "amount": show_amount(planned["total"], unit),
            "unit": unit_name(unit)}
    return render(request, "tracking/node.html", {
        "plan": plan, "node": node, "leaf": leaf, "editable": editable, "planner": planner,
        "settings": conf, "exec_periods": exec_periods, "ind_periods": ind_periods,
        "ms_periods": ms_periods, "period": period, "iperiod": iperiod, "mperiod": mperiod,
        "record": record, "year_records": year_records,
        "execution_form": execution_form, "unit": unit_name(unit), "planned": planned,
        "page_query": urlencode({k: p.pk for k, p in
                                 (("period", period), ("iperiod", iperiod), ("mperiod", mperiod))
                                 if p is not None}),
        "execution_editable": _entry_editable(user, editable, record, period),
        "correction_form": bound.get("correction") or (
            _entry_form(CorrectionForm, record, AMOUNT_FIELDS, unit=unit)
            if planner and record and period and period.state == PeriodState.LOCKED else None),
        "return_form": bound.get("return") or ReturnForm(
            initial={"version": record.version if record else 1}),
        "indicator_rows": indicator_rows,
        "milestone": milestone,
        "milestone_form": bound.get("milestone") or _entry_form(MilestoneForm, milestone,
                                                                MILESTONE_FIELDS),
        "milestone_editable": _entry_editable(user, editable, milestone, mperiod),
        "status_now": actions.current_status(node),
        "status_history": list(node.status_changes.select_related("recorded_by")),
        "status_form": bound.get("status") or StatusForm(
            initial={"effective_on": clock.today()}),
        "participation": list(ParticipationEvent.objects.filter(node=node)),
        "participation_form": bound.get("participation") or ParticipationForm(),
        "history": history, "conflict": conflict, "conflict_in": conflict_in,
        "conflict_rows": _conflict_rows(conflict, getattr(bound.get(conflict_in), "unit", unit)),
        "conflict_message": in_language(str(conflict)) if conflict else "",
    }, status=status)


def _planned(node: Node, period: ReportingPeriod) -> dict[str, Any]:
    """Return the plan's money for the node in the period's year (소요예산, all sources), in won."""
    total = BudgetLine.objects.filter(node=node, year=period.year).aggregate(
        total=Sum("amount_won"))["total"]
    return {"year": period.year, "total": total}


def _entry_editable(user: Any, editable: bool, entry: ApprovalEntry | None,
                    period: ReportingPeriod | None) -> bool:
    if not editable or period is None or period.state == PeriodState.LOCKED:
        return False
    if period.state == PeriodState.CLOSED and not is_planner(user):
        return False
    if entry is not None and entry.status in {ExecutionStatus.SUBMITTED,
                                              ExecutionStatus.APPROVED}:
        return is_planner(user)
    return True


def _node(request: HttpRequest, slug: str, code: str) -> tuple[Plan, Node]:
    _internal(request)
    plan = get_plan_for_user(request.user, slug)
    node = get_node_for_user(request.user, plan, code)
    if request.method == "POST":
        # Who may write is settled before the form is read: a refused user gets 403, never a
        # form error that tells them what a valid entry would look like.
        require_node_editor(request.user, node)
    return plan, node


def _period(plan: Plan, period_id: int) -> ReportingPeriod:
    return get_object_or_404(ReportingPeriod, pk=period_id, plan=plan)


@require_GET
def node_page(request: HttpRequest, slug: str, code: str) -> HttpResponse:
    if not is_internal(request.user):
        return redirect(f"{reverse('login')}?next={request.get_full_path()}")
    plan, node = _node(request, slug, code)
    return _node_page(request, plan, node)


def _back(request: HttpRequest, plan: Plan, node: Node, **params: Any) -> HttpResponse:
    """Go back to the node page on the periods it showed, `params` naming the one just saved."""
    query = urlencode({**_page_state(request), **{k: v for k, v in params.items() if v}})
    url = reverse("tracking:node", args=[plan.slug, node.code])
    return redirect(f"{url}?{query}" if query else url)

@login_required
@require_POST
def execution_save(request: HttpRequest, slug: str, code: str, period_id: int) -> HttpResponse:
    plan, node = _node(request, slug, code)
    period = _period(plan, period_id)
    return _save_entry(
        request, plan, node, ExecutionForm, "execution", None,
        lambda data, version: actions.do_save_execution(
            request.user, node, period, version, **{f: data[f] for f in AMOUNT_FIELDS}),
        "period", period)

@login_required
@require_POST
def execution_correct(request: HttpRequest, slug: str, code: str, period_id: int) -> HttpResponse:
    plan, node = _node(request, slug, code)
    require_planner(request.user)  # corrections after a lock are the planners'
    period = _period(plan, period_id)
    record = get_object_or_404(ExecutionRecord, node=node, period=period)
    form = CorrectionForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            actions.do_correct_execution(request.user, record, data["reason"],
                                         **{f: data[f] for f in AMOUNT_FIELDS})
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("정정했습니다. 정정 사유는 변경 이력에 남습니다."))
            return _back(request, plan, node, period=period.pk)
    return _node_page(request, plan, node, bound={"correction": form},
                      chosen={"period": period}, status=400)


@login_required
@require_POST
def indicator_save(request: HttpRequest, slug: str, code: str, indicator_id: int,
                   period_id: int) -> HttpResponse:
    plan, node = _node(request, slug, code)
    period = _period(plan, period_id)
    indicator = get_object_or_404(Indicator, pk=indicator_id, node=node)
    key = f"ind-{indicator.pk}"
    return _save_entry(
        request, plan, node, IndicatorReportForm, key, key,
        lambda data, version: actions.do_save_indicator_report(
            request.user, indicator, period, version, value=data["value"], unit=data["unit"],
            evidence=data["evidence"]),
        "iperiod", period)

@login_required
@require_POST
def milestone_save(request: HttpRequest, slug: str, code: str, period_id: int) -> HttpResponse:
    plan, node = _node(request, slug, code)
    period = _period(plan, period_id)
    return _save_entry(
        request, plan, node, MilestoneForm, "milestone", None,
        lambda data, version: actions.do_save_milestone(
            request.user, node, period, version, achieved=data["achieved"], state=data["state"],
            delay_reason=data["delay_reason"], completed_on=data["completed_on"],
            planned=data["planned"]),
        "mperiod", period)


def _save_entry(request: HttpRequest, plan: Plan, node: Node, form_class: type[forms.Form],
                key: str, prefix: str | None,
                save: Callable[[dict[str, Any], int | None], ApprovalEntry],
                section: str, period: ReportingPeriod) -> HttpResponse:
    """Save (and on "submit", submit) one entry form of the node page, all or nothing.

    A stale version re-shows the page with the stored values and the editor's own, the form
    now carrying the stored version so that saving again re-applies them (409).
    """
    form = form_class(request.POST, prefix=prefix)
    if form.is_valid():
        data = form.cleaned_data
        try:
            with transaction.atomic():
                entry = save(data, data["version"])
                if request.POST.get("action") == "submit":
                    actions.do_submit_entry(request.user, entry, entry.version)
        except EditConflict as exc:
            field = f"{prefix}-version" if prefix else "version"
            form = form_class({**request.POST.dict(), field: exc.current_version}, prefix=prefix)
            return _node_page(request, plan, node, bound={key: form}, chosen={section: period},
                              conflict=exc, conflict_in=key, status=409)
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            if request.POST.get("action") == "submit":
                messages.success(request, _("저장하고 결재를 요청했습니다."))
            else:
                messages.success(request, _("저장했습니다."))
            return _back(request, plan, node, **{section: period.pk})
    return _node_page(request, plan, node, bound={key: form}, chosen={section: period},
                      status=400)

@login_required
@require_POST
def status_save(request: HttpRequest, slug: str, code: str) -> HttpResponse:
    plan, node = _node(request, slug, code)
    form = StatusForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            actions.do_record_status(request.user, node, status=data["status"],
                                     effective_on=data["effective_on"], reason=data["reason"])
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("추진 상황을 기록했습니다."))
            return _back(request, plan, node)
    return _node_page(request, plan, node, bound={"status": form}, status=400)


@login_required
@require_POST
def participation_add(request: HttpRequest, slug: str, code: str) -> HttpResponse:
    plan, node = _node(request, slug, code)
    form = ParticipationForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            actions.do_save_participation(request.user, node, None, None, kind=data["kind"],
                                          count=data["count"], held_on=data["held_on"],
                                          description=data["description"])
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("시민 참여실적을 기록했습니다."))
            return _back(request, plan, node)
    return _node_page(request, plan, node, bound={"participation": form}, status=400)


@login_required
@require_POST
def participation_delete(request: HttpRequest, slug: str, code: str, pk: int) -> HttpResponse:
    plan, node = _node(request, slug, code)
    event = get_object_or_404(ParticipationEvent, pk=pk, node=node)
    form = VersionForm(request.POST)
    if not form.is_valid():
        # The page always sends the version it showed; without one nothing is deleted.
        messages.error(request, _("요청이 올바르지 않습니다. 화면을 새로 고친 뒤 다시 삭제하십시오."))
        return _back(request, plan, node)
    try:
        actions.do_delete_participation(request.user, event, form.cleaned_data["version"])
    except EditConflict as exc:
        messages.error(request, in_language(str(exc)))
    else:
        messages.success(request, _("삭제했습니다."))
    return _back(request, plan, node)


# --- approval (결재) ----------------------------------------------------------------------------


def _entry(kind: str, pk: int) -> ApprovalEntry:
    model = ENTRY_MODELS.get(kind)
    if model is None:
        raise Http404(kind)
    return get_object_or_404(model, pk=pk)


@login_required
@require_GET
def approvals(request: HttpRequest) -> HttpResponse:
    """The planners' queue: submitted entries with department, submitter and time, filtered."""
    if not is_planner(request.user):
        raise PermissionDenied(_("기획 담당자만 결재할 수 있습니다"))
    filters = queue.QueueFilters.from_query(request.GET)
    return render(request, "tracking/approvals.html", {
        "queue": queue.approval_queue(filters), "filters": filters,
        "plans": plans_for_user(request.user), "kinds": QUEUE_KINDS,
        "here": request.get_full_path()})


QUEUE_KINDS = [("execution", gettext_lazy("예산 집행 실적")),
               ("indicator", gettext_lazy("성과지표 실적")), ("milestone", gettext_lazy("추진일정"))]


@login_required
@require_POST
def approvals_decide(request: HttpRequest) -> HttpResponse:
    """Approve or return the selected entries, one action call each; report every outcome."""
    if not is_planner(request.user):
        raise PermissionDenied(_("기획 담당자만 결재할 수 있습니다"))
    decision = request.POST.get("decision", "")
    tokens = request.POST.getlist("entry")
    comment = request.POST.get("comment", "").strip()
    if decision not in {"approve", "return"} or not tokens:
        messages.error(request, _("결재할 항목을 고르십시오."))
    elif decision == "return" and not comment:
        messages.error(request, _("반려하려면 반려 사유를 입력하십시오. 아무것도 반려하지 않았습니다."))
    else:
        outcomes = queue.decide_entries(request.user, decision, tokens, comment)
        done = [o.label for o in outcomes if o.ok]
        if done:
            text = (_("%(n)d건을 승인했습니다: %(entries)s") if decision == "approve"
                    else _("%(n)d건을 반려했습니다: %(entries)s"))
            messages.success(request, text % {"n": len(done), "entries": ", ".join(done)})
        for outcome in outcomes:
            if not outcome.ok:
                messages.error(request, _("처리하지 못했습니다: %(entry)s — %(reason)s") % {
                    "entry": outcome.label, "reason": outcome.reason})
    target = request.POST.get("next", "")
    if target.startswith("/") and not target.startswith("//"):
        return redirect(target)
    return redirect("tracking:approvals")


def _after_decision(request: HttpRequest, entry: ApprovalEntry) -> HttpResponse:
    target = request.POST.get("next", "")
    if target.startswith("/") and not target.startswith("//"):
        return redirect(target)
    return redirect("tracking:approvals")


def _decide(request: HttpRequest, kind: str, pk: int, form: forms.Form, invalid: str,
            decide: Callable[[ApprovalEntry, dict[str, Any]], object], done: str) -> HttpResponse:
    """Approve or return an entry from a button, then go back where the planner was."""
    require_planner(request.user)  # before the form: a refusal is a 403, not a message
    entry = _entry(kind, pk)
    if not form.is_valid():
        messages.error(request, invalid)
        return _after_decision(request, entry)
    try:
        decide(entry, form.cleaned_data)
    except EditConflict as exc:
        messages.error(request, str(exc))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, done % {"entry": notify.entry_label(entry)})
    return _after_decision(request, entry)


@login_required
@require_POST
def entry_approve(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    return _decide(request, kind, pk, VersionForm(request.POST), _("요청이 올바르지 않습니다."),
                   lambda entry, data: actions.do_approve_entry(request.user, entry,
                                                                data["version"]),
                   _("승인했습니다: %(entry)s"))


@login_required
@require_POST
def entry_return(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    return _decide(request, kind, pk, ReturnForm(request.POST), _("반려 사유를 입력하십시오."),
                   lambda entry, data: actions.do_return_entry(
                       request.user, entry, data["comment"], data["version"]),
                   _("반려했습니다: %(entry)s"))


# --- a plan's periods and settings -----------------------------------------------------------


def _plan_page(request: HttpRequest, plan: Plan, *, settings_form: SettingsForm | None = None,
               generate_form: GenerateForm | None = None, status: int = 200) -> HttpResponse:
    conf = actions.tracking_settings(plan)
    today = _reference_day(request)
    periods = list(ReportingPeriod.objects.filter(plan=plan).order_by("-year", "kind", "number"))
    late = queries.late_execution(plan, today)
    return render(request, "tracking/plan.html", {
        "plan": plan, "settings": conf, "periods": periods, "today": today,
        "late": late, "late_by_department": queries.late_by_department(late),
        "planner": is_planner(request.user),
        "settings_form": settings_form or SettingsForm(initial={
            **{f: getattr(conf, f) for f in actions.SETTING_FIELDS},
            "version": conf.version if conf.pk else None}),
        "generate_form": generate_form or GenerateForm(initial={"year": today.year}),
    }, status=status)


def _reference_day(request: HttpRequest) -> dt.date:
    raw = request.GET.get("on", "")
    try:
        return dt.date.fromisoformat(raw) if raw else clock.today()
    except ValueError:
        return clock.today()


@login_required
@require_GET
def plan_page(request: HttpRequest, slug: str) -> HttpResponse:
    _internal(request)
    return _plan_page(request, get_plan_for_user(request.user, slug))


@login_required
@require_POST
def plan_settings(request: HttpRequest, slug: str) -> HttpResponse:
    require_planner(request.user)
    plan = get_plan_for_user(request.user, slug)
    form = SettingsForm(request.POST)
    if form.is_valid():
        data = dict(form.cleaned_data)
        version = data.pop("version")
        try:
            actions.do_update_tracking_settings(request.user, plan, version, **data)
        except EditConflict as exc:
            # Keep the planner's choices; the next save targets the version now stored.
            form = SettingsForm({**request.POST.dict(), "version": exc.current_version})
            form.is_valid()
            form.add_error(None, in_language(exc))
            return _plan_page(request, plan, settings_form=form, status=409)
        except ValidationError as exc:
            _add_errors(form, exc)
            return _plan_page(request, plan, settings_form=form, status=400)
        else:
            messages.success(request, _("설정을 저장했습니다."))
        return redirect("tracking:plan", slug=plan.slug)
    return _plan_page(request, plan, settings_form=form, status=400)


@login_required
@require_POST
def plan_generate(request: HttpRequest, slug: str) -> HttpResponse:
    require_planner(request.user)
    plan = get_plan_for_user(request.user, slug)
    form = GenerateForm(request.POST)
    if form.is_valid():
        created = actions.do_generate_periods(request.user, plan, form.cleaned_data["year"])
        messages.success(request, _("보고 기간 %(n)d개를 만들었습니다.") % {"n": len(created)})
        return redirect("tracking:plan", slug=plan.slug)
    return _plan_page(request, plan, generate_form=form, status=400)


PERIOD_MOVES = {"close": actions.do_close_period, "lock": actions.do_lock_period}


@login_required
@require_POST
def period_move(request: HttpRequest, slug: str, pk: int, move: str) -> HttpResponse:
    require_planner(request.user)
    plan = get_plan_for_user(request.user, slug)
    period = _period(plan, pk)
    try:
        if move == "open":
            actions.do_open_period(request.user, plan, kind=period.kind, year=period.year,
                                   number=period.number, due_on=period.due_on)
        elif move in PERIOD_MOVES:
            PERIOD_MOVES[move](request.user, period)
        else:
            raise Http404(move)
    except ValidationError as exc:
        messages.error(request, " ".join(in_language(m) for m in exc.messages))
    else:
        period.refresh_from_db()
        messages.success(request, _("%(period)s: %(state)s") % {
            "period": period.label, "state": period.get_state_display()})
    return redirect("tracking:plan", slug=plan.slug)
