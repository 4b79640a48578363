"""What each dashboard table holds, unformatted, for its CSV/XLSX download and its chart.

The pages render the same rows (formatted in 백만원); the downloads keep integer won, with the
unit in the header, and rates as Decimals.
"""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext as _

from rtis.dashboards.exports import Cell, Sheet
from rtis.dashboards.queries import (
    AchievementGroup,
    DepartmentProjection,
    ExecutionLine,
    ExecutionSummary,
    IndicatorLine,
    MilestoneRow,
    SlippageGroup,
    UnitProjection,
)
from rtis.orgs.models import Department
from rtis.plans.models import Direction
from rtis.tracking.queries import DepartmentExecution


def department_name(department: Department | None) -> str:
    return department.name if department is not None else _("소관 부서 없음")


def won_header(label: str) -> str:
    return f"{label}({_('원')})"


def direction_label(direction: str) -> str:
    return str(Direction(direction).label) if direction in Direction.values else direction


def _execution_cells(row: DepartmentExecution) -> list[Cell]:
    return [row.current_budget, row.committed, row.spent, row.committed_rate, row.spent_rate]


def execution_sheet(summary: ExecutionSummary, note: str) -> Sheet:
    sheet = Sheet(_("부서별 예산 집행 현황"), note, [
        _("구분"), won_header(_("예산현액")), won_header(_("원인행위액")), won_header(_("지출액")),
        _("집행률(원인행위액, %)"), _("집행률(지출액, %)")])
    if summary.rows:
        sheet.rows.append([_("계"), *_execution_cells(summary.total)])
    sheet.rows += [[department_name(r.department), *_execution_cells(r)] for r in summary.rows]
    return sheet


def execution_records_sheet(lines: list[ExecutionLine], note: str) -> Sheet:
    sheet = Sheet(_("예산 집행 실적(승인분)"), note, [
        _("계획"), _("번호"), _("단위사업"), _("소관부서"), _("기준월"),
        won_header(_("본예산")), won_header(_("예산이체")), won_header(_("이월액")),
        won_header(_("예산현액")), won_header(_("원인행위액")), won_header(_("지출액")),
        _("집행률(원인행위액, %)"), _("집행률(지출액, %)")])
    for line in lines:
        r = line.record
        sheet.rows.append([line.node.plan.title, line.node.code, line.node.title,
                           department_name(line.department), r.period.label,
                           r.original_budget, r.transfers, r.carryover, r.current_budget,
                           r.committed, r.spent, r.committed_rate(), r.spent_rate()])
    return sheet


def _projection_cells(row: DepartmentProjection) -> list[Cell]:
    return [row.units, row.flagged, row.budget, row.spent, row.spent_rate, row.projected,
            row.rate]


def projection_sheet(rows: list[DepartmentProjection], total: DepartmentProjection,
                     note: str) -> Sheet:
    sheet = Sheet(_("연말 집행 전망(부서별)"), note, [
        _("구분"), _("단위사업 수"), _("경고 단위사업 수"), won_header(_("예산현액")),
        won_header(_("지출액")), _("지출 집행률(%)"), won_header(_("예상 연말 지출액")),
        _("예상 연말 집행률(%)")])
    if rows:
        sheet.rows.append([_("계"), *_projection_cells(total)])
    sheet.rows += [[department_name(r.department), *_projection_cells(r)] for r in rows]
    return sheet


def projection_records_sheet(units: list[UnitProjection], note: str) -> Sheet:
    sheet = Sheet(_("단위사업별 연말 집행 전망"), note, [
        _("계획"), _("번호"), _("단위사업"), _("소관부서"), _("기준월"), won_header(_("예산현액")),
        won_header(_("지출액")), _("지출 집행률(%)"), won_header(_("예상 연말 지출액")),
        _("예상 연말 집행률(%)"), _("추정 방법"), _("경고 기준(%)"), _("경고")])
    for u in units:
        p = u.projection
        sheet.rows.append([u.node.plan.title, u.node.code, u.node.title,
                           department_name(u.department), u.period.label, p.budget, p.spent,
                           u.spent_rate, p.projected, p.rate, u.method_label,
                           u.threshold, _("미달") if u.flagged else ""])
    return sheet


def indicator_sheet(by_plan: list[AchievementGroup], by_area: list[AchievementGroup],
                    note: str) -> Sheet:
    sheet = Sheet(_("성과지표 달성 현황"), note, [
        _("구분"), _("계획"), _("분야"), _("지표 수"), _("산정 지표 수"), _("달성률(%)")])
    for group in by_plan:
        sheet.rows.append([_("계획"), group.plan.title, "", group.indicators, group.computed,
                           group.rate])
    for group in by_area:
        area = f"{group.area.code} {group.area.title}" if group.area else ""
        sheet.rows.append([_("분야"), group.plan.title, area, group.indicators, group.computed,
                           group.rate])
    return sheet


def indicator_note(line: IndicatorLine) -> str:
    if line.rate is None:
        return _("미산정")
    if line.provisional:
        return _("잠정(%(period)s 실적)") % {"period": line.period}
    return ""


def indicator_records_sheet(lines: list[IndicatorLine], note: str) -> Sheet:
    sheet = Sheet(_("성과지표 목표 대비 실적"), note, [
        _("계획"), _("분야"), _("과제 번호"), _("과제"), _("지표명"), _("단위"), _("방향"),
        _("목표"), _("실적"), _("실적 기간"), _("달성률(%)"), _("반영 달성률(%)"), _("비고")])
    for line in lines:
        node = line.indicator.node
        sheet.rows.append([line.plan.title, f"{line.area.code} {line.area.title}", node.code,
                           node.title, line.indicator.name, line.indicator.unit,
                           direction_label(line.indicator.direction), _plain(line.target),
                           _plain(line.actual), line.period or "", line.rate,
                           line.counted_rate, indicator_note(line)])
    return sheet


def _plain(value: Decimal | None) -> Decimal | None:
    """Drop the trailing zeros of a stored 4-decimal value (1234.5000 → 1234.5)."""
    if value is None:
        return None
    normal = value.normalize()
    return normal.quantize(Decimal(1)) if normal == normal.to_integral_value() else normal


def _slippage_cells(group: SlippageGroup) -> list[Cell]:
    return [group.count, group.mean_days, group.max_days]


def slippage_sheet(by_department: list[SlippageGroup], by_plan: list[SlippageGroup],
                   note: str) -> Sheet:
    sheet = Sheet(_("추진일정 지연 현황"), note, [
        _("구분"), _("이름"), _("지연 건수"), _("평균 지연 일수"), _("최대 지연 일수")])
    for group in by_department:
        sheet.rows.append([_("부서"), department_name(group.department), *_slippage_cells(group)])
    for group in by_plan:
        sheet.rows.append([_("계획"), group.plan.title if group.plan else "",
                           *_slippage_cells(group)])
    return sheet


def slippage_records_sheet(rows: list[MilestoneRow], note: str) -> Sheet:
    sheet = Sheet(_("지연된 추진일정"), note, [
        _("지연 일수"), _("계획"), _("번호"), _("과제"), _("소관부서"), _("기간"), _("계획 내용"),
        _("추진 상태"), _("완료일"), _("기한"), _("결재 상태")])
    for row in rows:
        item = row.item
        sheet.rows.append([item.days_late, item.plan.title, row.code, row.title,
                           department_name(item.department), row.period_label, row.planned,
                           row.state_label,
                           row.completed_on.isoformat() if row.completed_on else "",
                           item.due_on.isoformat(), row.status_label])
    return sheet
