"""Run the consistency rules over the database's plans."""

from __future__ import annotations

from rtis.checks.data import PlanData
from rtis.lib.claims import Figure, check_figure, check_table_claims
from rtis.lib.consistency import Finding, Table, check_table
from rtis.orgs.queries import NameIndex
from rtis.plans.models import BudgetLine, Plan

SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}
# Tables whose structure is declared are checked by their claims, not by guessing from labels.
STRUCTURAL_CLAIMS = {"sum", "share"}


def _period_findings(plan: Plan) -> list[Finding]:
    findings = []
    outside = (BudgetLine.objects.filter(node__plan=plan)
               .exclude(year__gte=plan.period_start, year__lte=plan.period_end)
               .select_related("node"))
    for line in outside:
        findings.append(Finding(
            severity="info", rule="budget-outside-period",
            message=(f"{line.node.code} {line.node.title}: {line.year}년 소요예산이 계획 기간 "
                     f"{plan.period_start}–{plan.period_end} 밖입니다 / a budget line lies "
                     "outside the plan period"),
            plan=plan.slug,
            figures=[{"label": str(line), "value": line.amount_won, "provenance": line.provenance}],
            stated=None, computed=line.amount_won))
    return findings


def _department_findings(plan: Plan, index: NameIndex) -> list[Finding]:
    """Name every department printed on the plan's council items that resolves to nothing."""
    from rtis.oversight.models import AuditItem

    findings = []
    items = (AuditItem.objects.filter(session__plan=plan).select_related("session")
             .order_by("session__key", "category", "number"))
    for item in items:
        for name in item.department_names:
            if index.resolve(name) is not None:
                continue
            where = f"{item.session.title} {item.get_category_display()} {item.number}"
            findings.append(Finding(
                severity="warning", rule="department-unresolved",
                message=(f"{where}: 인쇄된 부서명 '{name}'이(가) 어느 부서에도 해당하지 않아 이 "
                         f"지적사항이 부서별 목록에서 빠집니다 / the printed department name "
                         f"'{name}' resolves to no department, so the item is missing from "
                         "department filters"),
                plan=plan.slug,
                figures=[{"label": where, "value": name, "provenance": item.provenance}],
                stated=name, computed=None,
                suggestion=("seed/orgs/departments.yaml에 그 부서의 이름(names) 또는 다른 표기"
                            "(aliases)로 출처와 함께 등록하십시오 / record it in "
                            "seed/orgs/departments.yaml as a name or an alias, with its source")))
    return findings


def check_plan(plan: Plan, index: NameIndex | None = None) -> list[Finding]:
    """Return every finding of one plan."""
    data = PlanData(plan)
    findings: list[Finding] = []
    for table, claims in data.claimed_tables:
        if not any(claim.get("kind") in STRUCTURAL_CLAIMS for claim in claims):
            findings.extend(check_table(table))
        findings.extend(check_table_claims(table, claims, data))
    for stated_figure in plan.stated_figures.all():
        if not stated_figure.claims:
            continue
        figure = Figure(plan=plan.slug, key=stated_figure.key, label=stated_figure.label,
                        value=stated_figure.value, unit=stated_figure.unit_as_printed,
                        printed=stated_figure.printed, provenance=stated_figure.provenance)
        for claim in stated_figure.claims:
            findings.extend(check_figure(figure, claim, data))
    for session in plan.council_sessions.all():
        summary = session.summary_table
        if not summary.get("claims"):
            continue
        table = Table(plan=plan.slug, key=summary.get("key", session.key),
                      title=f"{session.title} {summary.get('title', '')}".strip(),
                      unit=summary.get("unit") or "", columns=list(summary["columns"]),
                      rows=[(r["label"], r["values"]) for r in summary["rows"]],
                      provenance={"document": session.source_document,
                                  **summary.get("provenance", {})})
        findings.extend(check_table_claims(table, summary["claims"], data))
    findings.extend(_period_findings(plan))
    findings.extend(_department_findings(plan, index or NameIndex()))
    return findings


def run_checks(plan_slug: str | None = None) -> list[Finding]:
    """Return every finding, errors first, for one plan or all."""
    plans = Plan.objects.order_by("slug")
    if plan_slug:
        plans = plans.filter(slug=plan_slug)
    index = NameIndex()  # every name a department is known by, loaded once
    findings = [f for plan in plans for f in check_plan(plan, index)]
    return sorted(findings, key=lambda f: (SEVERITY_ORDER[f.severity], f.plan))
