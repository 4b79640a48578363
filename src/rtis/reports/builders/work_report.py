"""The work report to the City Council in seed 004's structure, generated from the data."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal

from rtis.lib.report_model import Block, Paragraph, Report, Row, Section, TableBlock
from rtis.oversight.models import AuditItem, Category, Status
from rtis.oversight.queries import status_summary
from rtis.plans.models import BudgetLine, FundingSource, Node, Plan, StatedTable
from rtis.plans.queries import plan_indicators, plan_nodes
from rtis.reports.builders.common import in_unit

# Tables of the general status that RTIS holds as printed until tracking holds them as data.
PRINTED_STATUS_TABLES = ("staffing", "budget-execution", "budget-current")


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
    printed = [t for t in plan.stated_tables.order_by("position")
               if any(word in t.key for word in PRINTED_STATUS_TABLES)]
    general: list[Block] = [Paragraph(
        f"조직: {plan.department.name if plan.department else ''} "
        f"{', '.join(d.name for d in plan.department.children.all()) if plan.department else ''}")]
    general += [_printed_table(t) for t in printed]
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
                  organisation=plan.department.name if plan.department else "서울특별시",
                  meta={"plan": plan.slug, "plan_version": plan.version, "year": year,
                        "nodes": len(nodes),
                        "audit_items": AuditItem.objects.filter(session__plan=plan).count()})
