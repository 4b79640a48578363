"""The pledge card (seed 003's structure) for any node of any plan, built from tracking data.

Sections as the pledge tracking sheets print them: 추진 상황, 최종 목표 및 정책 개요, 연차별
투자계획 및 집행, 분기별 추진계획 대비 실적, 시민 참여실적, 소관·협조부서 및 담당자, 성과지표.
Every figure is computed from the data at the as-of date; a node without tracking data gets a
line saying nothing is entered, never an error.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils.translation import gettext as _

from rtis.lib.report_model import Block, Paragraph, Report, Row, Section, TableBlock, format_number
from rtis.orgs.queries import hierarchy_on
from rtis.plans.models import FundingSource, Node, Plan
from rtis.plans.queries import Matrix, budget_by_source, descendant_ids, plan_indicators, plan_nodes
from rtis.reports.builders.common import in_unit, matrix_table
from rtis.tracking.models import ParticipationKind, PledgeProfile, percent
from rtis.tracking.pledge import (
    Executed,
    Participation,
    approved_milestones,
    executed_by_year,
    lineage,
    node_contacts,
    participation,
    status_history,
    unplaced_plan_notes,
)

UNIT = "백만원"


def _date(day: dt.date) -> str:
    return f"{day.year}. {day.month}. {day.day}."


def _money(won: int) -> str:
    return f"{format_number(in_unit(won, UNIT), 0)}{UNIT}"


def _inherited(owner: Node, node: Node) -> str:
    return "" if owner.pk == node.pk else _(" (상위 과제 {code} 기준)").format(code=owner.code)


# --- sections ---------------------------------------------------------------------------------


def _status_section(node: Node, chain: list[Node], as_of: dt.date, profile: PledgeProfile | None,
                    planned: Matrix, executed: Executed) -> Section:
    blocks: list[Block] = []
    owner, history = status_history(chain, as_of)
    if owner is None:
        blocks.append(Paragraph(_("입력된 추진 상황이 없습니다.")))
    else:
        current = history[0]
        blocks.append(Paragraph(_("{status} ({date} 기준){inherited}").format(
            status=current.get_status_display(), date=_date(current.effective_on),
            inherited=_inherited(owner, node))))
        if current.reason:
            blocks.append(Paragraph(_("사유: {reason}").format(reason=current.reason), "note"))
        blocks.append(TableBlock(
            key="status-history", caption=_("추진 상황 이력"), columns=[
                _("기준일"), _("추진 상황"), _("사유")], decimals=[None, None, None],
            rows=[Row([_date(c.effective_on), str(c.get_status_display()), c.reason or "-"])
                  for c in history]))
    kind = " / ".join(p for p in (profile.term, profile.kind) if p) if profile else ""
    blocks.append(Paragraph(_("사업 구분: {kind}").format(
        kind=kind or node.get_kind_display() or node.level_name)))
    blocks.append(Paragraph(_("총 사업비: {planned}, 집행액: {executed}").format(
        planned=_money(planned.grand_total) if planned.cells else "-",
        executed=_money(executed.total) if executed.years else "-")))
    return Section(_("추진 상황"), 1, blocks)


def _goal_sections(node: Node, nodes: list[Node], profile: PledgeProfile | None) -> list[Section]:
    sections = [Section(_("최종 목표 및 정책 개요"), 1, [])]
    if profile is not None and profile.final_goal:
        sections.append(Section(_("최종 목표"), 2, [Paragraph(profile.final_goal, "bullet")]))
    if profile is not None and (profile.overview or profile.overview_items):
        overview: list[Block] = [Paragraph(item, "bullet") for item in profile.overview_items]
        if profile.overview:
            overview.append(Paragraph(profile.overview))
        sections.append(Section(_("추진계획(정책개요)"), 2, overview))
    elif node.description:
        sections[0].blocks.append(Paragraph(node.description))
    if len(sections) == 1 and not sections[0].blocks:
        sections[0].blocks.append(Paragraph(_("입력된 목표와 정책 개요가 없습니다.")))
    children = [n for n in nodes if n.parent_id == node.pk]
    if children:
        sections.append(Section(_("단위사업"), 2, [Paragraph(f"{c.code} {c.title}", "bullet")
                                                   for c in children]))
    return sections


def _executed_table(executed: Executed, sources: list[tuple[str, str]]) -> TableBlock:
    def cell(year: int, code: str) -> Decimal | None:
        won = executed.settled.get((year, code))
        return None if won is None else in_unit(won, UNIT)

    totals = [sum(w for (_y, s), w in executed.settled.items() if s == code) for code, _l in sources]
    rows = [Row([_("계"), in_unit(executed.total, UNIT),
                 *[in_unit(t, UNIT) if t else None for t in totals]], "total")]
    for year in executed.years:
        if any(y == year for y, _s in executed.settled):
            rows.append(Row([str(year), in_unit(executed.year_total(year), UNIT),
                             *[cell(year, code) for code, _l in sources]]))
        else:
            rows.append(Row([_("{year} (월별 집행실적)").format(year=year),
                             in_unit(executed.monthly[year], UNIT), *[None for _s in sources]]))
    footnote = ""
    if executed.monthly:
        footnote = _("월별 집행실적: 연도별 결산 집행액이 없는 해는 단위사업마다 그해 마지막 승인된 "
                     "달({months})의 지출액(누계)을 더한 값이며 재원 구분이 없습니다.").format(
            months=", ".join(executed.monthly_as_of[y] for y in sorted(executed.monthly)))
    return TableBlock(key="executed", caption=_("연도별 집행액"), unit=UNIT,
                      columns=[_("연도"), _("계"), *[label for _c, label in sources]],
                      decimals=[None, *[0] * (len(sources) + 1)], rows=rows, footnote=footnote)


def _comparison_table(planned: Matrix, executed: Executed) -> TableBlock:
    years = sorted({y for y in planned.years if planned.year_total(y)} | set(executed.years))
    rows = [Row([_("계"), in_unit(planned.grand_total, UNIT), in_unit(executed.total, UNIT),
                 None], "total")]
    for year in years:
        plan_won = planned.year_total(year)
        has_executed = year in executed.years
        spent = executed.year_total(year)
        rows.append(Row([str(year), in_unit(plan_won, UNIT),
                         in_unit(spent, UNIT) if has_executed else None,
                         percent(spent, plan_won) if has_executed else None]))
    return TableBlock(key="plan-vs-executed", caption=_("연차별 투자계획 대비 집행"), unit=UNIT,
                      columns=[_("연도"), _("계획"), _("집행"), _("집행률(%)")],
                      decimals=[None, 0, 0, 1], rows=rows,
                      footnote=_("집행률 = 집행액 ÷ 그해 투자계획. 계 행은 임기 전체 계획과 "
                                 "지금까지의 집행액입니다."))


def _money_section(planned: Matrix, executed: Executed) -> Section:
    blocks: list[Block] = []
    if planned.columns:
        blocks.append(matrix_table(planned, key="investment-plan", caption=_("연차별 투자계획"),
                                   unit=UNIT))
    else:
        blocks.append(Paragraph(_("소요예산이 입력되지 않았습니다.")))
    if executed.years:
        used = {code for code, _l in planned.columns} | executed.sources()
        sources = [(s.code, s.label) for s in FundingSource.objects.all() if s.code in used]
        blocks.append(_executed_table(executed, sources))
        blocks.append(_comparison_table(planned, executed))
    else:
        blocks.append(Paragraph(_("입력된 집행 실적이 없습니다.")))
    return Section(_("연차별 투자계획 및 집행"), 1, blocks)


def _milestone_section(node_ids: set[int], chain: list[Node], nodes: list[Node]) -> Section:
    milestones = approved_milestones(node_ids)
    codes = {n.code for n in nodes if n.pk in node_ids}
    notes = unplaced_plan_notes(chain, codes)
    blocks: list[Block] = []
    if milestones:
        inferred = {m.pk for m in milestones if m.provenance.get("placement") == "inferred"}
        blocks.append(TableBlock(
            key="milestones", caption=_("분기별 추진계획 대비 실적"),
            columns=[_("단위사업"), _("연도"), _("분기"), _("계획"), _("실적"), _("추진 상태"),
                     _("비고")],
            decimals=[None] * 7,
            rows=[Row([m.node.code, str(m.period.year),
                       _("{number}분기").format(number=m.period.number),
                       m.planned or "-", m.achieved or "-", str(m.get_state_display()),
                       _("추정") if m.pk in inferred else ""])
                  for m in milestones],
            footnote=_("비고 '추정': 원문 표에서 분기 배치를 추정한 항목 ({count}건)").format(
                count=len(inferred)) if inferred else ""))
    else:
        blocks.append(Paragraph(_("입력된 분기별 추진 실적이 없습니다.")))
    # The seed's reading notes (why a row is unplaced) stay in provenance; the card says what.
    blocks += [Paragraph(_("{node} {year}년 계획 (원문에서 분기를 알 수 없음): {planned}").format(
        node=note.get("node"), year=note.get("year"), planned=note.get("planned") or "-"), "note")
        for note in notes]
    return Section(_("분기별 추진계획 대비 실적"), 1, blocks)


def _participation_section(node_ids: set[int], nodes: list[Node], as_of: dt.date) -> Section:
    summary: Participation = participation(node_ids, as_of)
    if not summary.counts:
        return Section(_("시민 참여실적"), 1, [Paragraph(_("입력된 시민 참여실적이 없습니다."))])
    kinds = list(ParticipationKind)
    grand = sum(summary.node_total(n) for n in summary.counts)
    rows = [Row([_("계"), grand, *[summary.kind_total(k) for k in kinds]], "total")]
    rows += [Row([f"{n.code} {n.title}", summary.node_total(n.pk),
                  *[summary.counts[n.pk].get(k) for k in kinds]])
             for n in nodes if n.pk in summary.counts]
    blocks: list[Block] = [TableBlock(
        key="citizen-participation", caption=_("시민 참여실적"), unit=_("횟수"),
        columns=[_("단위사업"), _("계"), *[str(k.label) for k in kinds]],
        decimals=[None, *[0] * (len(kinds) + 1)], rows=rows)]
    for kind in kinds:
        total = summary.kind_total(kind)
        if not total:
            continue
        described = summary.descriptions.get(kind, [])
        text = _("{kind} {total}회").format(kind=kind.label, total=total)
        blocks.append(Paragraph(text + (f" ({'; '.join(described)})" if described else ""),
                                "bullet"))
    return Section(_("시민 참여실적"), 1, blocks)


def _contact_section(node: Node, chain: list[Node]) -> Section:
    roles = list(node.department_roles.all())
    org = hierarchy_on(node.plan.org_day)  # names as they stood on the plan's day
    owners = ", ".join(org.name(r.department_id) for r in roles if r.role == "owner") or "—"
    cooperating = ", ".join(org.name(r.department_id) for r in roles
                            if r.role == "cooperating") or "—"
    blocks: list[Block] = [Paragraph(_("소관부서: {names}").format(names=owners)),
                           Paragraph(_("협조부서: {names}").format(names=cooperating))]
    owner, contacts = node_contacts(chain)
    if owner is None:
        blocks.append(Paragraph(_("입력된 담당자가 없습니다.")))
    else:
        blocks.append(TableBlock(
            key="contacts", caption=_("담당자") + _inherited(owner, node),
            columns=[_("구분"), _("부서"), _("직위"), _("성명"), _("전화")], decimals=[None] * 5,
            rows=[Row([str(c.get_role_display()), c.department_name, c.position or "-", c.name,
                       c.phone or "-"]) for c in contacts]))
    return Section(_("소관·협조부서 및 담당자"), 1, blocks)


def _indicator_section(plan: Plan, node_ids: set[int]) -> Section:
    indicators = plan_indicators(plan, node_ids)
    performance: list[Block] = [Paragraph(
        f"{i.name}: " + ", ".join(f"{t.year}년 {t.value.normalize():,}{i.unit}"
                                  for t in i.targets.all()), "bullet") for i in indicators]
    return Section(_("성과지표"), 1,
                   performance or [Paragraph(_("등록된 성과지표가 없습니다."))])


def build_pledge_card(plan: Plan, node: Node, as_of: dt.date) -> Report:
    """Status, goal and overview, plan vs executed money, quarters, participation, contacts."""
    nodes = plan_nodes(plan)
    node = next(n for n in nodes if n.pk == node.pk)
    chain = lineage(nodes, node)
    subtree = descendant_ids(nodes, node.pk)
    profile = PledgeProfile.objects.filter(node=node).first()
    planned = budget_by_source(plan, nodes, root=node)
    executed = executed_by_year(subtree, as_of)
    sections = [
        _status_section(node, chain, as_of, profile, planned, executed),
        *_goal_sections(node, nodes, profile),
        _money_section(planned, executed),
        _milestone_section(subtree, chain, nodes),
        _participation_section(subtree, nodes, as_of),
        _contact_section(node, chain),
        _indicator_section(plan, subtree),
    ]
    title = f"{profile.number or node.code} {node.title}" if profile else f"{node.code} {node.title}"
    return Report(
        kind="pledge-card", title=title, as_of=as_of, subtitle=plan.title, sections=sections,
        meta={"plan": plan.slug, "node": node.code, "plan_version": plan.version,
              "planned_won": planned.grand_total, "executed_won": executed.total})
