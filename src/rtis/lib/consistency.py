"""Consistency rules over printed tables: parts must add up to their printed totals.

Pure functions over plain data; the checks app feeds them from the database. A difference that
rounding of the printed figures can explain is `info`; anything larger is an `error`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

TOTAL_LABELS = {"계", "합계", "총계", "total", "합 계", "총 계"}
SUBTOTAL_LABELS = {"소계", "소 계"}
# Columns or rows that are not parts of a sum: shares, rates, changes, remarks, ranks.
NOT_A_PART = ("%", "비중", "비율", "구성비", "증감", "대비", "비고", "순위", "평균")
RATE_SUFFIXES = ("률", "율", "(위)", "(%)")
RATE_WORD = re.compile(r"(\w*[률율])(?=\s|$|\()")
# Words that end in 률/율 but are not rates.
NOT_RATES = {"법률", "자율", "규율", "효율", "선율", "음률", "전율", "계율"}
# Tables in these units hold shares or ranks; their 계 is not a sum.
UNSUMMABLE_UNITS = {"%", "위", "순위", "배"}


@dataclass
class Finding:
    severity: str  # error | warning | info
    rule: str
    message: str
    plan: str
    figures: list[dict[str, Any]] = field(default_factory=list)
    stated: Any = None
    computed: Any = None
    suggestion: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {"severity": self.severity, "rule": self.rule, "message": self.message,
                "plan": self.plan, "figures": self.figures, "stated": _json(self.stated),
                "computed": _json(self.computed), "suggestion": self.suggestion}


def _json(value: Any) -> Any:
    if isinstance(value, Decimal):
        normal = value.normalize()
        return int(normal) if normal == normal.to_integral_value() else float(normal)
    return value


def normalise_label(label: str) -> str:
    """Fold spacing so '합 계' and '합계' compare equal."""
    return "".join(str(label).split()).lower()


_TOTALS = frozenset(normalise_label(x) for x in TOTAL_LABELS)  # folded once, not per label
_SUBTOTALS = frozenset(normalise_label(x) for x in SUBTOTAL_LABELS)


def is_total(label: str) -> bool:
    return normalise_label(label) in _TOTALS


def is_subtotal(label: str) -> bool:
    return normalise_label(label) in _SUBTOTALS


def is_part(label: str) -> bool:
    """Tell whether a row or column label names a summable part (not a rate, share or rank)."""
    if any(word not in NOT_RATES for word in RATE_WORD.findall(str(label))):
        return False
    text = "".join(str(label).split())
    if any(marker in text for marker in NOT_A_PART):
        return False
    return not text.endswith(RATE_SUFFIXES)


def summable(table: Table) -> bool:
    """Tell whether the table's cells can be added up at all."""
    unit = (table.unit or "").strip()
    return unit not in UNSUMMABLE_UNITS and "비중" not in table.title and "%" not in unit


def as_number(value: Any) -> Decimal | None:
    """Return a printed cell as a Decimal, or None for blanks and words."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | Decimal):
        return Decimal(value)
    if isinstance(value, float):
        return Decimal(str(value))
    return None


def decimals_of(values: list[Decimal]) -> int:
    """Return the most decimal places among printed values."""
    places = 0
    for v in values:
        exponent = v.as_tuple().exponent  # 4.0 was printed with one decimal: keep it
        if isinstance(exponent, int) and exponent < 0:
            places = max(places, -exponent)
    return places


def rounding_tolerance(values: list[Decimal]) -> Decimal:
    """Half a printed unit per rounded term (the total counts as a term)."""
    return Decimal(5) * Decimal(10) ** -(decimals_of(values) + 1) * len(values)


# Units whose printed figures are rounded from finer data (money in coarse units, scores, shares).
ROUNDED_UNITS = {"천원", "백만원", "억원", "조원", "점", "%", "만원", "천명", "만명", "백만불", "억$"}


def is_rounded(unit: str | None, values: list[Decimal]) -> bool:
    """Tell whether printed figures may carry rounding: a coarse unit, or decimals printed."""
    return (unit or "").strip() in ROUNDED_UNITS or decimals_of(values) > 0


def judge(stated: Decimal, parts: list[Decimal], rounded: bool = True,
          ) -> tuple[str, Decimal] | None:
    """Return (severity, computed) when parts do not add up to stated; None when they do.

    Counts (rounded=False) must add up exactly; rounded figures may differ by half a printed unit
    per term.
    """
    computed = sum(parts, Decimal(0))
    if computed == stated:
        return None
    if not rounded:
        return "error", computed
    tolerance = rounding_tolerance([stated, *parts])
    return ("info" if abs(computed - stated) <= tolerance else "error"), computed


@dataclass
class Table:
    """A printed table: title, unit, columns, rows of (label, values), provenance."""

    plan: str
    key: str
    title: str
    unit: str
    columns: list[str]
    rows: list[tuple[str, list[Any]]]
    provenance: dict[str, Any]


def _figure(table: Table, row: str, column: str, value: Any) -> dict[str, Any]:
    return {"label": f"{table.title} · {row} · {column}", "value": _json(value),
            "provenance": {**table.provenance, "table": table.title, "row": row,
                           "column": column, "unit": table.unit}}


def check_total_column(table: Table) -> list[Finding]:
    """A 계 column equals the sum of the row's other part columns."""
    findings: list[Finding] = []
    total_columns = [i for i, c in enumerate(table.columns) if is_total(c)]
    if len(total_columns) != 1 or not summable(table):
        return findings
    t = total_columns[0]
    part_columns = [i for i, c in enumerate(table.columns)
                    if i != t and is_part(c) and not is_subtotal(c)]
    if len(part_columns) < 2:
        return findings
    for label, values in table.rows:
        if not is_part(label):
            continue
        stated = as_number(values[t]) if t < len(values) else None
        parts = [as_number(values[i]) for i in part_columns if i < len(values)]
        numbers = [p for p in parts if p is not None]
        if stated is None or not numbers:
            continue
        verdict = judge(stated, numbers, is_rounded(table.unit, [stated, *numbers]))
        if verdict is None:
            continue
        severity, computed = verdict
        kind = "반올림 차이 / rounding" if severity == "info" else "합계 불일치 / mismatch"
        findings.append(Finding(
            severity=severity, rule="total-column",
            message=(f"{table.title}: '{label}' 행의 {table.columns[t]} {_json(stated)}와(과) 각 열의 "
                     f"합 {_json(computed)}이(가) 다릅니다 ({kind}) / row '{label}': printed total "
                     f"{_json(stated)}, columns add up to {_json(computed)}"),
            plan=table.plan,
            figures=[_figure(table, label, table.columns[t], stated)] + [
                _figure(table, label, table.columns[i], values[i]) for i in part_columns
                if i < len(values) and as_number(values[i]) is not None],
            stated=stated, computed=computed,
            suggestion=(f"{table.columns[t]} = {_json(computed)}" if severity == "error" else "")))
    return findings


def _sums_to(group: list[Any], members: list[list[Any]]) -> bool:
    """Tell whether member rows add up to the group row in every numeric column."""
    compared = False
    for c, cell in enumerate(group):
        stated = as_number(cell)
        numbers = [as_number(m[c]) for m in members if c < len(m)]
        present = [n for n in numbers if n is not None]
        if stated is None or not present:
            continue
        verdict = judge(stated, present)
        if verdict is not None and verdict[0] == "error":
            return False
        compared = True
    return compared


def nested_rows(rows: list[tuple[str, list[Any]]]) -> set[int]:
    """Return the indexes of rows that are members of a group row printed just above them.

    A printed table often nests: "국공립" then its "대학", "연구소" rows. A run of at least two
    rows right below a row that they add up to is taken as that row's members, so the group
    row, not its members, counts towards the table's total.
    """
    nested: set[int] = set()
    for i in range(len(rows)):
        if i in nested or is_total(rows[i][0]):
            continue
        for j in range(i + 2, len(rows)):
            if is_total(rows[j][0]) or is_subtotal(rows[j][0]):
                break
            if _sums_to(rows[i][1], [values for _, values in rows[i + 1:j + 1]]):
                nested.update(range(i + 1, j + 1))
                break
    return nested


def check_total_row(table: Table) -> list[Finding]:
    """A lone 계 row equals the sum of the other rows, column by column (no subtotal rows)."""
    findings: list[Finding] = []
    totals = [i for i, (label, _) in enumerate(table.rows) if is_total(label)]
    if (len(totals) != 1 or not summable(table)
            or any(is_subtotal(label) for label, _ in table.rows)):
        return findings
    t = totals[0]
    total_label, total_values = table.rows[t]
    others = [row for i, row in enumerate(table.rows) if i != t]
    flat = [(label, values) for label, values in others if is_part(label)]
    members = nested_rows(others)
    grouped = [(label, values) for k, (label, values) in enumerate(others)
               if k not in members and is_part(label)]
    if len(flat) < 2:
        return findings
    for c, column in enumerate(table.columns):
        if not is_part(column):
            continue
        stated = as_number(total_values[c]) if c < len(total_values) else None
        if stated is None:
            continue
        # Read the rows flat and, where group rows were found, as groups: one reading that adds
        # up is enough. Otherwise report the reading that comes closest.
        verdicts = []
        for parts in ([flat, grouped] if members else [flat]):
            present = [n for n in (as_number(v[c]) for _, v in parts if c < len(v)) if n is not None]
            if present:
                rounded = is_rounded(table.unit, [stated, *present])
                verdicts.append((judge(stated, present, rounded), parts))
        if not verdicts or any(verdict is None for verdict, _ in verdicts):
            continue
        verdict, parts = min(verdicts, key=lambda vp: abs(vp[0][1] - stated))  # type: ignore[index]
        assert verdict is not None
        severity, computed = verdict
        kind = "반올림 차이 / rounding" if severity == "info" else "합계 불일치 / mismatch"
        findings.append(Finding(
            severity=severity, rule="total-row",
            message=(f"{table.title}: '{column}' 열의 {total_label} {_json(stated)}와(과) 각 행의 합 "
                     f"{_json(computed)}이(가) 다릅니다 ({kind}) / column '{column}': printed "
                     f"total {_json(stated)}, rows add up to {_json(computed)}"),
            plan=table.plan,
            figures=[_figure(table, total_label, column, stated)] + [
                _figure(table, label, column, v[c]) for label, v in parts
                if c < len(v) and as_number(v[c]) is not None],
            stated=stated, computed=computed,
            suggestion=(f"{total_label} = {_json(computed)}" if severity == "error" else "")))
    return findings


TABLE_RULES = (check_total_column, check_total_row)


def check_table(table: Table) -> list[Finding]:
    """Run every table rule on one printed table."""
    return [finding for rule in TABLE_RULES for finding in rule(table)]
