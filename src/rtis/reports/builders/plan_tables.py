"""The plan summary tables of seed 000: investment by year × source and by area; core indicators."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from rtis.lib.report_model import Paragraph, Report, Row, Section, TableBlock
from rtis.plans.models import Plan
from rtis.plans.queries import budget_by_area, budget_by_source, plan_indicators, plan_nodes
from rtis.reports.builders.common import matrix_table


def _places(value: Decimal) -> int:
    """Return the decimals a value needs (trailing zeros of the stored scale dropped)."""
    exponent = value.normalize().as_tuple().exponent
    return -exponent if isinstance(exponent, int) and exponent < 0 else 0


def build_plan_tables(plan: Plan, as_of: dt.date, unit: str = "백만원") -> Report:
    """Investment by year × source, by year × area, and indicator targets by area × year."""
    nodes = plan_nodes(plan)
    by_source, by_area = budget_by_source(plan, nodes), budget_by_area(plan, nodes)
    indicators = plan_indicators(plan)
    years = plan.years
    indicator_rows = []
    for ind in indicators:
        targets = {t.year: t.value for t in ind.targets.all()}
        values: list[Decimal | None] = [targets.get(y) for y in years]
        total = sum((v for v in values if v is not None), Decimal(0)) if any(
            v is not None for v in values) else None
        indicator_rows.append(Row([f"{ind.node.code} {ind.node.title}", f"{ind.name} ({ind.unit})",
                                   total, *values]))
    places = max((_places(v) for r in indicator_rows for v in r.cells[2:]
                  if isinstance(v, Decimal) and v != v.to_integral_value()), default=0)
    sections = [
        Section("Ⅰ. 재정 투자계획", 1, [
            Paragraph(f"소요예산은 단위사업별 연차별 소요예산을 더해 계산한 값입니다 "
                      f"(재원 {len(by_source.columns)}종, {len(years)}개년)."),
            matrix_table(by_source, key="investment-by-source", caption="연도별·재원별 투자계획",
                         unit=unit),
            matrix_table(by_area, key="investment-by-area", caption="연도별·분야별 투자계획",
                         unit=unit),
        ]),
        Section("Ⅱ. 핵심 성과지표", 1, [
            TableBlock(key="core-indicators", caption="분야별 핵심 성과지표 목표",
                       columns=["분야·과제", "지표 (단위)", "계", *[str(y) for y in years]],
                       decimals=[None, None, *[places] * (len(years) + 1)],
                       rows=indicator_rows,
                       footnote="계는 연도별 목표의 합입니다 (누적 지표는 해석에 유의).")
            if indicator_rows else Paragraph("등록된 성과지표가 없습니다."),
        ]),
    ]
    return Report(kind="plan-tables", title=f"{plan.title} 총괄표", as_of=as_of,
                  subtitle=" ".join(x for x in [plan.document_number,
                                                f"{plan.period_start}~{plan.period_end}"] if x),
                  sections=sections,
                  meta={"plan": plan.slug, "plan_version": plan.version, "unit": unit,
                        "nodes": len(nodes), "indicators": len(indicators)})
