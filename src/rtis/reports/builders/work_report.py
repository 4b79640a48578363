"""The work report to the City Council in seed 004's structure, generated from the data."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal
from typing import Literal

from rtis.lib.report_model import Block, Paragraph, Report, Row, Section, TableBlock
from rtis.orgs.queries import hierarchy_on
from rtis.oversight.models import AuditItem, Category, Status
from rtis.oversight.queries import status_summary
from rtis.plans.models import BudgetLine, FundingSource, Node, Plan, StatedTable
from rtis.plans.queries import plan_indicators, plan_nodes
from rtis.reports.builders.common import in_unit
from rtis.tracking.models import PeriodKind, ReportingPeriod
from rtis.tracking.queries import DepartmentExecution, execution_by_department, execution_total

# Tables of the general status that RTIS holds as printed (staffing and the budget's
# composition are not tracked); budget execution is printed only until approved execution
# records exist for a month ending by the as-of date.
PRINTED_STATUS_TABLES = ("staffing", "budget-execution", "budget-current")
EXECUTION_TABLE = "budget-execution"


def execution_table(plan: Plan, as_of: dt.date) -> TableBlock | None:
    """Return seed 004's budget execution by department from approved records, or None.

    The month is the plan's latest monthly period ending on or before as_of that has approved
    records; amounts in 백만원, rates in percent (one decimal, half up), 계 first as printed.
    """
    months = (ReportingPeriod.objects.filter(plan=plan, kind=PeriodKind.MONTH)
              .order_by("-year", "-number"))
    for period in months:
        if period.ends_on > as_of:
            continue
        rows = execution_by_department(plan, period)
        if not rows:
            continue
        total = execution_total(rows)

        def row(label: str, r: DepartmentExecution,
                style: Literal["normal", "total"] = "normal") -> Row:
            return Row([label, in_unit(r.current_budget, "백만원"), in_unit(r.committed, "백만원"),
                        in_unit(r.spent, "백만원"), r.committed_rate, r.spent_rate], style)

        return TableBlock(
            key="budget-execution-by-department", caption="예산 집행 현황", unit="백만원, %",
            as_of=period.ends_on,
            columns=["구분", "예산현액", "원인행위액", "지출액", "집행률(원인행위액)", "집행률(지출액)"],
            rows=[row("계", total, "total"),
                  *[row(r.department.name if r.department else "소관 부서 없음", r)
                    for r in rows]],
            decimals=[None, 0, 0, 0, 1, 1],
            footnote=(f"{period.label} 승인된 집행실적 기준(연초부터 누계). 예산현액 = 본예산 + "
                      f"예산이체 + 이월액. 집행률 = 금액 ÷ 예산현액 × 100."))
    return None


def _printed_table(stated: StatedTable) -> TableBlock:
    """Reproduce a table the document printed, marked as such (its figures are not recomputed)."""
    decimals: list[int | None] = [None]
    for index in range(len(stated.columns)):
        values = [r["values"][index] for r in stated.rows if index < len(r["values"])]
        numbers = [Decimal(str(v)) for v in values if isinstance(v, int | float)]
        places = max((max(-n.as_tuple().exponent, 0) for n in numbers  # type: ignore[operator]
                      if isinstance(n.as_tuple().exponent, int)), default=0)
        decimals.append(places if numbers else None)
    rows = [Row([r["label"], *[Decimal(str(v)) if isinstance(v, float) else v
                               for v in r["values"]]],
                "total" if r["label"].replace(" ", "") in {"계", "합계"} else "normal")
            for r in stated.rows]
    return TableBlock(key=stated.key, caption=stated.title, unit=stated.unit_as_printed,
                      as_of=stated.as_of, columns=["구분", *stated.columns], rows=rows,
                      decimals=decimals,
                      footnote=("원문 수치 그대로 (집행 실적 입력 전). " + (stated.note or ""))[:600])


def _budget_table(node: Node, lines: list[BudgetLine], year: int,
                  sources: dict[str, str]) -> TableBlock | None:
    by_source: dict[str, int] = defaultdict(int)
    for line in lines:
        if line.year == year:
            by_source[line.source_id] += line.amount_won
    if not by_source:
        return None
    total = sum(by_source.values())
    columns = [code for code in sources if code in by_source]
    return TableBlock(key=f"budget-{node.code}", caption=f"{year}년 소요예산", unit="백만원",
                      columns=["구분", "계", *[sources[c] for c in columns]],
                      decimals=[None, *[0] * (len(columns) + 1)],
                      rows=[Row([node.title, in_unit(total, "백만원"),
                                 *[in_unit(by_source[c], "백만원") for c in columns]])])


def _programme(node: Node, children: dict[int | None, list[Node]], lines: dict[int, list[BudgetLine]],
               indicators: dict[int, list], year: int, sources: dict[str, str]) -> Section:
    blocks: list[Block] = []
    if node.description:
        blocks.append(Paragraph(node.description))
    subtree = [node]
    stack = list(children.get(node.pk, []))
    while stack:
        child = stack.pop(0)
        subtree.append(child)
        stack.extend(children.get(child.pk, []))
    for child in children.get(node.pk, []):
        blocks.append(Paragraph(f"{child.code} {child.title}", "bullet"))
    rows = []
    for n in subtree:
        for ind in indicators.get(n.pk, []):
            target = next((t.value for t in ind.targets.all() if t.year == year), None)
            actual = next((a.value for a in ind.actuals.all() if a.period == str(year - 1)), None)
            rows.append(Row([ind.name, ind.unit, actual, target]))
    if rows:
        blocks.append(TableBlock(key=f"indicators-{node.code}", caption="성과지표",
                                 columns=["지표", "단위", f"{year - 1}년 실적", f"{year}년 목표"],
                                 decimals=[None, None, None, None], rows=rows))
    budget = _budget_table(node, [line for n in subtree for line in lines.get(n.pk, [])], year,
                           sources)
    if budget is not None:
        blocks.append(budget)
    return Section(f"{node.code} {node.title}", 3, blocks)


def _audit_sections(plan: Plan) -> list[Section]:
    sections = []
    for session in plan.council_sessions.all():
        summary = status_summary(session)
        statuses = [str(s.label) for s in summary.statuses]
        rows = [Row(["계", summary.total, *summary.column_totals], "total")]
        rows += [Row([r.label, r.total, *r.cells]) for r in summary.rows]
        blocks: list[Block] = [
            Paragraph(f"{session.title} 지적사항 총 {summary.total}건의 처리 결과입니다. 총괄표는 "
                      "각 항목의 처리상황을 세어 만든 것입니다."),
            TableBlock(key=f"{session.key}-summary", caption="처리결과 총괄", unit="건",
                       columns=["구분", "계", *statuses], decimals=[None, *[0] * (len(statuses) + 1)],
                       rows=rows),
        ]
        items = AuditItem.objects.filter(session=session).order_by("category", "number")
        for category in Category:
            chosen = [i for i in items if i.category == category.value]
            if not chosen:
                continue
            blocks.append(TableBlock(
                key=f"{session.key}-{category.value}", caption=str(category.label),
                columns=["번호", "요구사항", "부서", "처리상황", "추진내용", "향후계획"],
                decimals=[0, None, None, None, None, None],
                rows=[Row([i.number, i.title, ", ".join(i.department_names),
                           str(Status(i.status).label), i.actions, i.next_steps])
                      for i in chosen]))
        sections.append(Section(f"{session.year}년 {session.title.replace(f'{session.year}년 ', '')} "
                                "처리결과", 1, blocks))
    return sections


def build_work_report(plan: Plan, as_of: dt.date) -> Report:
    """General status, vision, each programme (overview, results, plan, budget), audit follow-up."""
    year = plan.period_end
    nodes = plan_nodes(plan)
    children: dict[int | None, list[Node]] = defaultdict(list)
    for n in nodes:
        children[n.parent_id].append(n)
    lines: dict[int, list[BudgetLine]] = defaultdict(list)
    for line in BudgetLine.objects.filter(node__plan=plan):
        lines[line.node_id].append(line)
    indicators: dict[int, list] = defaultdict(list)
    for ind in plan_indicators(plan):
        indicators[ind.node_id].append(ind)
    sources = {s.code: s.label for s in FundingSource.objects.all()}
    tracked = execution_table(plan, as_of)
    printed = [t for t in plan.stated_tables.order_by("position")
               if any(word in t.key for word in PRINTED_STATUS_TABLES)
               and not (tracked is not None and EXECUTION_TABLE in t.key)]
    org = hierarchy_on(plan.org_day)  # the organisation as it stood when the plan was approved
    general: list[Block] = [Paragraph(
        f"조직: {org.name(plan.department_id) if plan.department_id else ''} "
        f"{', '.join(u.name for u in org.children(plan.department_id)) if plan.department_id else ''}")]
    general += [_printed_table(t) for t in printed]
    if tracked is not None:
        general.append(tracked)
    sections = [Section("Ⅰ. 일반 현황", 1, general),
                Section("Ⅱ. 정책비전 및 목표", 1, [Paragraph(plan.summary or "—")]),
                Section("Ⅲ. 주요 업무 추진계획", 1, [])]
    for area in children.get(None, []):
        sections.append(Section(f"{area.code}. {area.title}", 2,
                                [Paragraph(area.description)] if area.description else []))
        for programme in children.get(area.pk, []):
            sections.append(_programme(programme, children, lines, indicators, year, sources))
    sections += _audit_sections(plan)
    return Report(kind="work-report", title=plan.title, as_of=as_of,
                  subtitle=f"{as_of.year}. {as_of.month}.", sections=sections,
                  organisation=org.name(plan.department_id) if plan.department_id else "서울특별시",
                  meta={"plan": plan.slug, "plan_version": plan.version, "year": year,
                        "nodes": len(nodes),
                        "audit_items": AuditItem.objects.filter(session__plan=plan).count()})
