"""How the 데이터 점검 page shows a finding: the plan's title, the rule in words, the numbers as
printed (separators, the printed digits and unit)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from rtis.lib.consistency import Finding
from rtis.lib.money import UNITS, from_won

RULE_LABELS: dict[str, Promise] = {
    "total-column": _("합계 열 (계 = 각 열의 합)"),
    "total-row": _("합계 행 (계 = 각 행의 합)"),
    "sum": _("합계 (구성 항목의 합)"),
    "share": _("비율 (부분 ÷ 전체)"),
    "execution-order": _("집행 순서 (지출 ≤ 원인행위 ≤ 예산)"),
    "execution-rate": _("집행률"),
    "data-budget": _("소요예산 대조"),
    "data-indicator_target": _("성과지표 목표 대조"),
    "data-audit_items": _("지적사항 건수 대조"),
    "data-node_count": _("과제 수 대조"),
    "figure-budget": _("인쇄 수치와 소요예산 대조"),
    "figure-indicator_target": _("인쇄 수치와 성과지표 목표 대조"),
    "figure-node_count": _("인쇄 수치와 과제 수 대조"),
    "figure-table-sum": _("인쇄 수치와 표 합계 대조"),
    "printed-form": _("인쇄 형식 (숫자로 읽을 수 없음)"),
    "claim": _("선언 오류 (참조한 표 없음)"),
    "budget-outside-period": _("계획 기간 밖 소요예산"),
}
PERCENT_RULES = {"share", "execution-rate"}
EXTRA_DIGITS = 2  # a computed value shows at most two digits more than was printed


def rule_label(rule: str) -> str:
    """Return a rule in words; a rule added later without words shows its code."""
    label = RULE_LABELS.get(rule)
    return str(label) if label is not None else rule


def _decimals(value: Decimal) -> int:
    exponent = value.as_tuple().exponent
    return -exponent if isinstance(exponent, int) and exponent < 0 else 0


def _number(value: Any) -> Decimal | None:
    if isinstance(value, bool) or value is None:
        return None
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None


def _show(value: Decimal, places: int) -> str:
    return f"{value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP):,f}"


def format_printed(value: Any, unit: str = "") -> str:
    """Show a printed value as printed: separators, its own decimals, the printed unit."""
    number = _number(value)
    if number is None:
        return "" if value is None else f"{value}"
    return f"{_show(number, _decimals(number))}{unit}"


def format_computed(value: Any, printed: Any, unit: str = "") -> str:
    """Show a computed value to the printed digits, plus up to two that tell it apart."""
    number, stated = _number(value), _number(printed)
    if number is None:
        return "" if value is None else f"{value}"
    places = _decimals(stated) if stated is not None else 0
    shown = number.quantize(Decimal(1).scaleb(-(places + EXTRA_DIGITS)), rounding=ROUND_HALF_UP)
    while _decimals(shown) > places and shown == shown.quantize(
            Decimal(1).scaleb(-(_decimals(shown) - 1)), rounding=ROUND_HALF_UP):
        shown = shown.quantize(Decimal(1).scaleb(-(_decimals(shown) - 1)))
    return f"{_show(shown, max(places, _decimals(shown)))}{unit}"


def unit_of(finding: Finding) -> str:
    """Return the unit a finding's numbers are in, as the document printed it."""
    if finding.rule in PERCENT_RULES:
        return "%"
    provenance = finding.figures[0].get("provenance", {}) if finding.figures else {}
    unit = str(provenance.get("unit") or "").strip()
    # A table printed with a unit per column ("백만원, %") names no one unit for a cell.
    return "" if any(mark in unit for mark in ",/·") else unit


@dataclass(frozen=True)
class FindingRow:
    finding: Finding
    plan_title: str
    rule: str
    stated: str
    computed: str


def finding_row(finding: Finding, plan_titles: dict[str, str]) -> FindingRow:
    """Return a finding as the page shows it."""
    unit = unit_of(finding)
    stated, computed = finding.stated, finding.computed
    if finding.rule == "budget-outside-period" and isinstance(computed, int):
        if unit not in UNITS:
            unit = "원"
        computed = from_won(computed, unit)  # a line in won, shown in its printed unit
        return FindingRow(finding, plan_titles.get(finding.plan, finding.plan),
                          rule_label(finding.rule), "", format_printed(computed, unit))
    if finding.rule.startswith("figure-"):
        # A figure's value is stored with the column's fixed decimals (34400.0000), not as
        # printed: its trailing zeros are not printed digits.
        stated = _trimmed(stated)
    return FindingRow(finding, plan_titles.get(finding.plan, finding.plan),
                      rule_label(finding.rule), format_printed(stated, unit),
                      format_computed(computed, stated, unit))


def _trimmed(value: Any) -> Any:
    number = _number(value)
    if number is None:
        return value
    return number.quantize(Decimal(1)) if number == number.to_integral_value() else number.normalize()
