"""The open data: every public table as a Table (rtis.portal.tabular) with stable column keys.

The same functions feed the data pages, their CSV/XLSX downloads and the bulk download, so a
figure is the same everywhere. Each takes the reader (what they may see) and the filters; a bad
filter is a TabularError (400). Rows are public-safe: approved entries only, no names of who
entered or approved, no comments, no applicants, no tenants.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import Q
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from rtis.config import clock
from rtis.lib.numbers import is_ascii_digits
from rtis.orgs.models import DepartmentKind
from rtis.orgs.queries import hierarchy_on
from rtis.oversight.models import AuditItem, Category, Status
from rtis.oversight.queries import sessions_for_user
from rtis.plans.models import BudgetLine, Node, NodeDepartment, Plan
from rtis.portal import queries as q
from rtis.portal.access import hidden_node_ids, portal_plans
from rtis.portal.summaries import portfolio
from rtis.portal.tabular import Column, Table, TabularError
from rtis.tracking.models import ExecutionStatus, Milestone, MilestoneState, ReportingPeriod

MAX_TEXT = 200


def _plan_filter(params: QueryDict, plans: list[Plan]) -> list[Plan]:
    slug = params.get("plan", "")
    if not slug:
        return plans
    chosen = [p for p in plans if p.slug == slug]
    if not chosen:
        raise TabularError(f"plan={slug[:80]!r}: 공개된 계획이 아닙니다 / no such published plan")
    return chosen


def _int_filter(params: QueryDict, name: str) -> int | None:
    raw = params.get(name, "")
    if not raw:
        return None
    if not is_ascii_digits(raw) or len(raw) > 4:
        raise TabularError(f"{name}={raw[:20]!r}: 연도(숫자 4자리)여야 합니다 / must be a year")
    return int(raw)


def _choice_filter(params: QueryDict, name: str, allowed: list[str]) -> str:
    raw = params.get(name, "")
    if raw and raw not in allowed:
        raise TabularError(f"{name}={raw[:40]!r}: {', '.join(allowed)} 중 하나여야 합니다 / "
                           f"must be one of {', '.join(allowed)}")
    return raw


def _text_filter(params: QueryDict, name: str) -> str:
    raw = params.get(name, "").strip()
    if len(raw) > MAX_TEXT:
        raise TabularError(f"{name}: {MAX_TEXT}자 이하로 입력하세요 / at most {MAX_TEXT} characters")
    return raw


def _node_owners(node_ids: set[int]) -> dict[int, str]:
    """Return the owning departments' current names per node (one query)."""
    names: dict[int, list[str]] = {}
    for node_id, name in (NodeDepartment.objects.filter(node_id__in=node_ids, role="owner")
                          .order_by("node_id", "position").values_list("node_id", "department__name")):
        names.setdefault(node_id, []).append(name)
    return {k: "; ".join(v) for k, v in names.items()}


def plans_table(user: Any, params: QueryDict) -> Table:
    plans = _plan_filter(params, portal_plans(user))
    today = clock.today()
    glance = portfolio(plans, hidden_node_ids(user, [p.pk for p in plans]), today).plans
    return Table("plans", str(_("계획 목록")), [
        Column("plan", _("계획 식별자"), lambda g: g.plan.slug),
        Column("title", _("계획명"), lambda g: g.plan.title),
        Column("document_number", _("문서번호"), lambda g: g.plan.document_number),
        Column("approved_on", _("결재일자"), lambda g: g.plan.approved_on and g.plan.approved_on.isoformat()),
        Column("period_start", _("시작연도"), lambda g: g.plan.period_start),
        Column("period_end", _("종료연도"), lambda g: g.plan.period_end),
        Column("department", _("소관부서"), lambda g: g.plan.department.name if g.plan.department else ""),
        Column("published_on", _("공개일"), lambda g: g.published_on and g.published_on.isoformat()),
        Column("planned_won", _("계획 총액(원)"), lambda g: g.planned_won),
        Column("planned_to_date_won", _("현재까지 계획액(원)"), lambda g: g.planned_to_date_won),
        Column("executed_won", _("집행액(원)"), lambda g: g.executed_won),
        Column("execution_rate", _("집행률(%)"), lambda g: g.execution_rate),
        Column("indicators", _("성과지표 수"), lambda g: g.indicators),
        Column("achievement", _("평균 달성률(%)"), lambda g: g.achievement),
        Column("milestones", _("추진일정(승인)"), lambda g: g.milestone_total),
        Column("milestones_done", _("추진일정 완료"), lambda g: g.milestones_done),
        Column("council_items", _("의회 지적사항"), lambda g: g.council_total),
        Column("council_done", _("지적사항 완료"), lambda g: g.council_done),
    ], glance, note=str(_("기준일 %(day)s")) % {"day": today.isoformat()})


def nodes_table(user: Any, params: QueryDict) -> Table:
    plans = _plan_filter(params, portal_plans(user))
    hidden = hidden_node_ids(user, [p.pk for p in plans])
    nodes = list(Node.objects.filter(plan__in=plans).exclude(pk__in=hidden)
                 .select_related("plan", "parent").order_by("plan__slug", "position"))
    owners = _node_owners({n.pk for n in nodes})
    return Table("nodes", str(_("과제 목록")), [
        Column("plan", _("계획 식별자"), lambda n: n.plan.slug),
        Column("code", _("번호"), lambda n: n.code),
        Column("parent_code", _("상위 번호"), lambda n: n.parent.code if n.parent else ""),
        Column("depth", _("단계"), lambda n: n.depth),
        Column("level_name", _("단계명"), lambda n: n.level_name),
        Column("title", _("명칭"), lambda n: n.title),
        Column("kind", _("구분"), lambda n: n.kind),
        Column("departments", _("소관부서"), lambda n: owners.get(n.pk, "")),
    ], nodes)


def budget_table(user: Any, params: QueryDict) -> Table:
    plans = _plan_filter(params, portal_plans(user))
    year = _int_filter(params, "year")
    hidden = hidden_node_ids(user, [p.pk for p in plans])
    lines = (BudgetLine.objects.filter(node__plan__in=plans).exclude(node_id__in=hidden)
             .select_related("node__plan", "source")
             .order_by("node__plan__slug", "node__position", "year", "source__position"))
    if year is not None:
        lines = lines.filter(year=year)
    return Table("budget", str(_("연차별 소요예산")), [
        Column("plan", _("계획 식별자"), lambda b: b.node.plan.slug),
        Column("node", _("과제 번호"), lambda b: b.node.code),
        Column("node_title", _("과제명"), lambda b: b.node.title),
        Column("year", _("연도"), lambda b: b.year),
        Column("source", _("재원 코드"), lambda b: b.source.code),
        Column("source_name", _("재원"), lambda b: str(b.source.display_label)),
        Column("amount_won", _("금액(원)"), lambda b: b.amount_won),
    ], list(lines))


@dataclass(frozen=True)
class _IndicatorRow:
    plan: str
    item: q.IndicatorProgress
    year: q.IndicatorYear


def indicators_table(user: Any, params: QueryDict) -> Table:
    plans = _plan_filter(params, portal_plans(user))
    year = _int_filter(params, "year")
    rows = []
    for plan in plans:
        for item in q.indicator_progress([plan.pk], hidden_node_ids(user, [plan.pk])):
            rows += [_IndicatorRow(plan.slug, item, y) for y in item.years
                     if year is None or y.year == year]
    return Table("indicators", str(_("성과지표 목표와 실적")), [
        Column("plan", _("계획 식별자"), lambda r: r.plan),
        Column("node", _("과제 번호"), lambda r: r.item.node_code),
        Column("indicator_id", _("지표 ID"), lambda r: r.item.pk),
        Column("name", _("지표명"), lambda r: r.item.name),
        Column("unit", _("단위"), lambda r: r.item.unit),
        Column("direction", _("방향"), lambda r: r.item.direction),
        Column("year", _("연도"), lambda r: r.year.year),
        Column("target", _("목표"), lambda r: r.year.target),
        Column("actual", _("실적"), lambda r: r.year.actual),
        Column("actual_period", _("실적 기간"), lambda r: r.year.period),
        Column("achievement", _("달성률(%)"), lambda r: r.year.rate),
    ], rows)


def milestones_table(user: Any, params: QueryDict) -> Table:
    plans = _plan_filter(params, portal_plans(user))
    state = _choice_filter(params, "state", [s.value for s in MilestoneState])
    hidden = hidden_node_ids(user, [p.pk for p in plans])
    rows = (Milestone.objects.filter(node__plan__in=plans, status=ExecutionStatus.APPROVED)
            .exclude(node_id__in=hidden)
            .order_by("node__plan__slug", "period__year", "period__number", "node__position")
            .values_list("node__plan__slug", "node__code", "node__title", "period__kind",
                         "period__year", "period__number", "planned", "achieved", "state",
                         "completed_on"))
    if state:
        rows = rows.filter(state=state)
    labels = {k: str(v) for k, v in MilestoneState.choices}

    def period(r: tuple[Any, ...]) -> str:
        return ReportingPeriod(kind=r[3], year=r[4], number=r[5]).label

    return Table("milestones", str(_("추진일정")), [
        Column("plan", _("계획 식별자"), lambda r: r[0]),
        Column("node", _("과제 번호"), lambda r: r[1]),
        Column("node_title", _("과제명"), lambda r: r[2]),
        Column("year", _("연도"), lambda r: r[4]),
        Column("period", _("기간"), period),
        Column("planned", _("계획"), lambda r: r[6]),
        Column("achieved", _("실적"), lambda r: r[7]),
        Column("state", _("추진 상태 코드"), lambda r: r[8]),
        Column("state_label", _("추진 상태"), lambda r: labels.get(r[8], r[8])),
        Column("completed_on", _("완료일"), lambda r: r[9] and r[9].isoformat()),
    ], list(rows))


def council_items_table(user: Any, params: QueryDict) -> Table:
    sessions = sessions_for_user(user)
    key = params.get("session", "")
    if key:
        sessions = sessions.filter(key=key)
        if not sessions.exists():
            raise TabularError(f"session={key[:80]!r}: 공개된 회기가 아닙니다 / no such session")
    status = _choice_filter(params, "status", [s.value for s in Status])
    category = _choice_filter(params, "category", [c.value for c in Category])
    text = _text_filter(params, "q")
    items = (AuditItem.objects.filter(session__in=sessions).select_related("session")
             .order_by("session__key", "category", "number"))
    if status:
        items = items.filter(status=status)
    if category:
        items = items.filter(category=category)
    if text:
        items = items.filter(Q(title__icontains=text) | Q(actions__icontains=text)
                             | Q(next_steps__icontains=text))
    categories = {k: str(v) for k, v in Category.choices}
    return Table("council-items", str(_("의회 지적사항과 처리 결과")), [
        Column("session", _("회기 식별자"), lambda i: i.session.key),
        Column("category", _("구분 코드"), lambda i: i.category),
        Column("category_label", _("구분"), lambda i: categories.get(i.category, i.category)),
        Column("number", _("번호"), lambda i: i.number),
        Column("title", _("요구사항"), lambda i: i.title),
        Column("departments", _("부서(인쇄)"), lambda i: "; ".join(i.department_names or [])),
        Column("status", _("처리상황"), lambda i: i.status),
        Column("actions", _("추진내용"), lambda i: i.actions),
        Column("next_steps", _("향후계획"), lambda i: i.next_steps),
        Column("due_on", _("완료 기한"), lambda i: i.due_on and i.due_on.isoformat()),
    ], list(items), default_columns=["session", "category_label", "number", "title",
                                     "departments", "status", "due_on"])


def departments_table(user: Any, params: QueryDict) -> Table:
    raw = params.get("on", "")
    try:
        day = dt.date.fromisoformat(raw) if raw else clock.today()
    except ValueError:
        raise TabularError(f"on={raw[:20]!r}: 날짜(YYYY-MM-DD)가 아닙니다 / not a date") from None
    org = hierarchy_on(day)
    units = sorted(org.units.values(), key=lambda u: (u.kind, u.name))
    kinds = {k: str(v) for k, v in DepartmentKind.choices}
    return Table("departments", str(_("조직")), [
        Column("id", _("부서 ID"), lambda u: u.id),
        Column("name", _("부서명"), lambda u: u.name),
        Column("current_name", _("현재 부서명"), lambda u: u.current_name),
        Column("kind", _("구분"), lambda u: kinds.get(u.kind, u.kind)),
        Column("parent_id", _("상위 부서 ID"), lambda u: u.parent_id),
        Column("path", _("상위 조직"), lambda u: " → ".join(p.name for p in org.chain(u.id)[:-1])),
        Column("existed", _("그날 존재"), lambda u: "Y" if u.existed else "N"),
    ], units, note=str(_("기준일 %(day)s")) % {"day": day.isoformat()})


def reports_table(user: Any, params: QueryDict) -> Table:
    """The published reports (the same list for every reader: staff see the rest at /reports/)."""
    from django.urls import reverse

    from rtis.portal.access import public_reports
    from rtis.reports.models import ReportKind

    plan = params.get("plan", "")
    if plan and not Plan.objects.filter(slug=plan, published=True).exists():
        raise TabularError(f"plan={plan[:80]!r}: 공개된 계획이 아닙니다 / no such published plan")
    kind = _choice_filter(params, "kind", [k.value for k in ReportKind])
    labels = {k: str(v) for k, v in ReportKind.choices}

    def link(fmt: str) -> Callable[[Any], str]:
        return lambda r: reverse("portal:public_report", args=[r.pk, fmt])

    return Table("reports", str(_("공개 보고서")), [
        Column("id", _("보고서 ID"), lambda r: r.pk),
        Column("kind", _("종류 코드"), lambda r: r.kind),
        Column("kind_label", _("종류"), lambda r: labels.get(r.kind, r.kind)),
        Column("title", _("제목"), lambda r: r.title),
        Column("plan", _("계획 식별자"), lambda r: r.plan.slug),
        Column("node", _("과제 번호"), lambda r: r.node_code),
        Column("as_of", _("기준일"), lambda r: r.as_of.isoformat()),
        Column("published_on", _("공개일"), lambda r: r.publication.published_on.isoformat()),
        Column("html", _("HTML"), link("html")),
        Column("pdf", _("PDF"), link("pdf")),
        Column("xlsx", _("XLSX"), link("xlsx")),
        Column("hwpx", _("HWPX"), link("hwpx")),
    ], public_reports(plan, kind), default_columns=["kind_label", "title", "plan", "as_of",
                                                     "published_on", "html", "pdf"])


@dataclass(frozen=True)
class Dataset:
    key: str
    title: Any  # lazy
    description: Any
    build: Callable[[Any, QueryDict], Table]
    filters: tuple[str, ...]

    @property
    def url(self) -> str:
        from django.urls import reverse

        return reverse(f"portal:dataset_{self.key.replace('-', '_')}")


DATASETS: dict[str, Dataset] = {d.key: d for d in [
    Dataset("plans", _("계획 목록"), _("공개된 계획의 기간, 총액, 집행, 성과지표, 추진일정, 의회 지적사항"),
            plans_table, ("plan",)),
    Dataset("nodes", _("과제 목록"), _("계획의 과제 체계(분야·과제·단위사업)와 소관부서"),
            nodes_table, ("plan",)),
    Dataset("budget", _("연차별 소요예산"), _("과제별·연도별·재원별 계획 금액(원)"),
            budget_table, ("plan", "year")),
    Dataset("indicators", _("성과지표"), _("지표별·연도별 목표, 실적, 달성률"),
            indicators_table, ("plan", "year")),
    Dataset("milestones", _("추진일정"), _("승인된 분기별 추진계획과 실적"),
            milestones_table, ("plan", "state")),
    Dataset("council-items", _("의회 지적사항"), _("행정사무감사 지적사항과 처리상황"),
            council_items_table, ("session", "status", "category", "q")),
    Dataset("departments", _("조직"), _("기준일의 부서명과 상위 조직"),
            departments_table, ("on",)),
    Dataset("reports", _("공개 보고서"), _("기획 담당자가 공개한 보고서(업무보고, 총괄표, 공약 카드)와 "
                                         "내려받기 주소"),
            reports_table, ("plan", "kind")),
]}

