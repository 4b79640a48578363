"""The pledge card (seed 003's structure) for any node of any plan."""

from __future__ import annotations

import datetime as dt

from rtis.lib.report_model import Block, Paragraph, Report, Section
from rtis.plans.models import Node, Plan
from rtis.plans.queries import budget_by_source, descendant_ids, plan_indicators, plan_nodes
from rtis.reports.builders.common import matrix_table
from rtis.reports.builders.work_report import _printed_table

# Printed tables a pledge document carries that tracking will hold as data (executed amounts,
# citizen participation); until then the card shows them as printed.
PRINTED_PLEDGE_TABLES = ("executed", "citizen-participation")


def build_pledge_card(plan: Plan, node: Node, as_of: dt.date) -> Report:
    """Status, goal and overview, investment plan by year and source, departments, indicators."""
    nodes = plan_nodes(plan)
    node = next(n for n in nodes if n.pk == node.pk)
    roles = list(node.department_roles.all())
    owners = ", ".join(r.department.name for r in roles if r.role == "owner") or "—"
    cooperating = ", ".join(r.department.name for r in roles if r.role == "cooperating") or "—"
    overview: list[Block] = [
        Paragraph(f"소관부서: {owners}"), Paragraph(f"협조부서: {cooperating}"),
        Paragraph(f"구분: {node.get_kind_display() or node.level_name}"),
    ]
    if node.description:
        overview.append(Paragraph(node.description))
    children = [n for n in nodes if n.parent_id == node.pk]
    overview += [Paragraph(f"{c.code} {c.title}", "bullet") for c in children]
    money: list[Block] = []
    matrix = budget_by_source(plan, nodes, root=node)
    if matrix.columns:
        money.append(matrix_table(matrix, key="investment-plan", caption="연차별 투자계획",
                                  unit="백만원"))
    else:
        money.append(Paragraph("소요예산이 입력되지 않았습니다."))
    if node.parent_id is None:
        money += [_printed_table(t) for t in plan.stated_tables.order_by("position")
                  if t.key.startswith(PRINTED_PLEDGE_TABLES)]
    subtree = descendant_ids(nodes, node.pk)
    indicators = plan_indicators(plan, subtree)
    performance: list[Block] = [Paragraph(
        f"{i.name}: " + ", ".join(f"{t.year}년 {t.value.normalize():,}{i.unit}"
                                  for t in i.targets.all()), "bullet") for i in indicators]
    return Report(
        kind="pledge-card", title=f"{node.code} {node.title}", as_of=as_of,
        subtitle=plan.title,
        sections=[Section("사업 개요", 1, overview), Section("투자계획 및 집행", 1, money),
                  Section("성과지표", 1, performance or [Paragraph("등록된 성과지표가 없습니다.")])],
        meta={"plan": plan.slug, "node": node.code, "plan_version": plan.version})
