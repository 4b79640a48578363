"""Run the consistency rules over the database's plans."""

from __future__ import annotations

from rtis.lib.consistency import Finding, Table, check_table
from rtis.plans.models import BudgetLine, Plan

SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}


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


def run_checks(plan_slug: str | None = None) -> list[Finding]:
    """Return every finding, errors first, for one plan or all."""
    plans = Plan.objects.order_by("slug")
    if plan_slug:
        plans = plans.filter(slug=plan_slug)
    findings: list[Finding] = []
    for plan in plans.prefetch_related("stated_tables"):
        for stated in plan.stated_tables.all():
            table = Table(plan=plan.slug, key=stated.key, title=stated.title,
                          unit=stated.unit_as_printed, columns=list(stated.columns),
                          rows=[(r["label"], r["values"]) for r in stated.rows],
                          provenance=stated.provenance)
            findings.extend(check_table(table))
        findings.extend(_period_findings(plan))
    return sorted(findings, key=lambda f: (SEVERITY_ORDER[f.severity], f.plan))
