"""What a printed table or figure claims about the data, and the general rules that verify it.

A seed table may carry `claims` (docs/seed-format.md): a sum with explicit total and parts, a share
(part ÷ whole), execution invariants, or a comparison with the plan's data (budget lines, node
counts, indicator targets, another table's cells). Each claim names labels, never values, so the
same few rules check every document; no figure is special-cased here.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Protocol

from pydantic import BaseModel, ConfigDict, Field, model_validator

from rtis.lib.consistency import (
    Finding,
    Table,
    _figure,
    _json,
    as_number,
    is_part,
    is_rounded,
    is_total,
    judge,
)
from rtis.lib.money import UNITS, won_unit_factor

SOURCE_ALIASES = {"시비": "city", "국비": "national", "구비": "district", "sh공사": "sh",
                  "sh": "sh", "민자": "private", "민간": "private", "모태펀드": "fund",
                  "모태": "fund", "기타": "other"}
YEAR_RE = re.compile(r"(?:^|[^\d])(?:(19|20)(\d\d)|[’'‘`](\d\d))(?:[^\d]|$)")
ALL = "*"
# The administrative audit's vocabulary (GLOSSARY.md), folded.
CATEGORY_ALIASES = {"시정·처리요구사항": "corrective", "시정처리요구사항": "corrective",
                    "건의사항": "recommendation", "기타(자료제출)": "document_request",
                    "기타(자료제출등)": "document_request", "자료제출": "document_request"}
STATUS_ALIASES = {"완료": "완료", "추진완료": "완료", "추진중": "추진중", "검토중": "검토중",
                  "미반영": "미반영"}


class DataSource(Protocol):
    """What the checker may ask of a plan's data."""

    def budget(self, filters: dict[str, Any]) -> tuple[int, int]:
        """Return (won, finest printed unit in won of the lines used) for lines matching filters."""

    def node_count(self, filters: dict[str, Any]) -> int:
        """Count nodes matching depth, kind and scope."""

    def indicator_target(self, filters: dict[str, Any]) -> Decimal | None:
        """Sum targets of indicators matching node/name/year filters; None when there are none."""

    def area_code(self, label: str) -> str | None:
        """Find the top-level area whose title matches a printed label."""

    def table(self, key: str) -> Table | None:
        """Return another stated table of the same plan."""

    def audit_items(self, filters: dict[str, Any]) -> int:
        """Count council follow-up items matching session, category and status."""


def fold(label: str) -> str:
    """Fold a printed label for matching: no spaces, lower case."""
    return "".join(str(label).split()).lower()


def year_of(label: str) -> int | None:
    """Read a year from a printed header: "2018", "2018년", "’18", "'18년"."""
    match = YEAR_RE.search(str(label))
    if not match:
        return None
    if match.group(1):
        return int(match.group(1) + match.group(2))
    return 2000 + int(match.group(3))


def key_of(label: str, dimension: str, explicit: dict[str, Any], data: DataSource) -> Any:
    """Turn a printed row/column label into a key of a data dimension ("*" for totals)."""
    if label in explicit:
        return explicit[label]
    if is_total(label) or fold(label) in {"소계", "총계", "총액"}:
        return ALL
    if dimension == "year":
        return year_of(label)
    if dimension == "source":
        return SOURCE_ALIASES.get(fold(label))
    if dimension == "area":
        return data.area_code(label)
    if dimension == "category":
        return CATEGORY_ALIASES.get(fold(label))
    if dimension == "status":
        return STATUS_ALIASES.get(fold(label))
    return None


def cell(table: Table, row: str, column: str) -> Any:
    """Return the printed value at (row label, column label), or None."""
    if column not in table.columns:
        return None
    index = table.columns.index(column)
    for label, values in table.rows:
        if label == row and index < len(values):
            return values[index]
    return None


def _cells(table: Table) -> Callable[[str, str], Any]:
    """`cell` of one table with its rows and columns indexed once (a table's every cell is
    read: a scan of the rows per cell grew with the square of the rows)."""
    column_at: dict[str, int] = {}
    for index, label in enumerate(table.columns):
        column_at.setdefault(label, index)
    rows_at: dict[str, list[list[Any]]] = {}
    for label, values in table.rows:
        rows_at.setdefault(label, []).append(values)

    def printed(row: str, column: str) -> Any:
        index = column_at.get(column)
        if index is None:
            return None
        for values in rows_at.get(row, ()):
            if index < len(values):
                return values[index]
        return None
    return printed


@functools.lru_cache(maxsize=256)  # a pure function of a few printed units, asked per cell
def unit_size(unit: str | None) -> int | None:
    """Return the won a money unit is worth (figures may print 만원, 억 ...), else None."""
    return UNITS.get((unit or "").strip()) or won_unit_factor(unit)


@functools.lru_cache(maxsize=64)
def _step(places: int) -> Decimal:
    """One unit of the last of `places` decimals (1, 0.1, 0.01 ...)."""
    return Decimal(1).scaleb(-places)


def decimals(value: Decimal) -> int:
    exponent = value.as_tuple().exponent
    return -exponent if isinstance(exponent, int) and exponent < 0 else 0


def _finding(severity: str, rule: str, table: Table, row: str, column: str, stated: Any,
             computed: Any, message: str, suggestion: str = "",
             extra: list[dict[str, Any]] | None = None) -> Finding:
    return Finding(severity=severity, rule=rule, message=message, plan=table.plan,
                   figures=[_figure(table, row, column, stated), *(extra or [])],
                   stated=stated, computed=computed, suggestion=suggestion)


# --- sum: an explicit total and its parts ---------------------------------------------------

def check_sum(table: Table, claim: dict[str, Any], data: DataSource) -> list[Finding]:
    """The printed total (a row or a column) equals the sum of the named parts."""
    findings = []
    # Rates, shares and means in the other direction are not sums: they are left out.
    if "row" in claim:
        total = claim["row"]
        parts = claim.get("parts") or [r for r, _ in table.rows if r != total]
        for column in table.columns:
            if is_part(column):
                findings += _sum_cell(table, total, column, [(p, column) for p in parts], "row")
    else:
        total = claim["column"]
        parts = claim.get("parts") or [c for c in table.columns if c != total]
        for row, _ in table.rows:
            if is_part(row):
                findings += _sum_cell(table, row, total, [(row, p) for p in parts], "column")
    return findings


def _sum_cell(table: Table, row: str, column: str, parts: list[tuple[str, str]],
              direction: str) -> list[Finding]:
    raw = cell(table, row, column)
    # A declared total printed "-" says the parts add up to nothing.
    stated = Decimal(0) if raw is None and column in table.columns else as_number(raw)
    numbers = [(r, c, as_number(cell(table, r, c))) for r, c in parts]
    present = [(r, c, n) for r, c, n in numbers if n is not None]
    if stated is None or not present:
        return []
    numbers_only = [n for _, _, n in present]
    verdict = judge(stated, numbers_only, is_rounded(table.unit, [stated, *numbers_only]))
    if verdict is None:
        return []
    severity, computed = verdict
    where = f"'{row}' 행 / row '{row}'" if direction == "column" else f"'{column}' 열 / column '{column}'"
    return [_finding(
        severity, "sum", table, row, column, stated, computed,
        f"{table.title}: {where}: 인쇄된 합계 {_json(stated)}, 구성 항목의 합 {_json(computed)} / "
        f"printed total {_json(stated)}, parts add up to {_json(computed)}"
        + (" (반올림 범위 / within rounding)" if severity == "info" else ""),
        f"{_json(computed)}" if severity == "error" else "",
        [_figure(table, r, c, n) for r, c, n in present])]


# --- share: part ÷ whole × 100 ----------------------------------------------------------------

def check_share(table: Table, claim: dict[str, Any], data: DataSource) -> list[Finding]:
    """Each share row equals its part row ÷ the whole row of the source table, per column."""
    source = data.table(claim["source"]) if claim.get("source") else table
    if source is None:
        return [_missing(table, claim["source"])]
    whole = claim["whole"]
    rows = claim.get("rows") or {r: r for r, _ in table.rows if r != whole}
    findings = []
    for share_row, part_row in rows.items():
        for column in table.columns:
            if not is_part(column):
                continue  # e.g. 평균: printed as the mean of the shares, not a share of means
            printed = as_number(cell(table, share_row, column))
            part = as_number(cell(source, part_row, column))
            total = as_number(cell(source, whole, column))
            if printed is None or part is None or not total:
                continue
            findings += _share_cell(table, share_row, column, printed, part, total,
                                    part_row, whole,
                                    [_figure(source, part_row, column, part),
                                     _figure(source, whole, column, total)])
    return findings


def _share_cell(table: Table, row: str, column: str, printed: Decimal, part: Decimal,
                total: Decimal, part_row: str, whole: str,
                inputs: list[dict[str, Any]]) -> list[Finding]:
    places = decimals(printed)
    step = Decimal(1).scaleb(-places)
    exact = part / total * 100
    rounded = exact.quantize(step, rounding=ROUND_HALF_UP)
    if rounded == printed:
        return []
    # The inputs were themselves rounded to their printed digits: the share may lie anywhere
    # their half-units allow. Within that range the difference is rounding, beyond it an error.
    half_part = Decimal(5).scaleb(-decimals(part) - 1)
    half_total = Decimal(5).scaleb(-decimals(total) - 1)
    low = (part - half_part) / (total + half_total) * 100 - step / 2
    high = (part + half_part) / (total - half_total) * 100 + step / 2
    severity = "info" if low <= printed <= high else "error"
    return [_finding(
        severity, "share", table, row, column, printed, rounded,
        f"{table.title}: '{row}' {column}: 인쇄된 비율 {printed}%, "
        f"{part_row} ÷ {whole} = {rounded}% / printed share {printed}%, "
        f"{_json(part)} ÷ {_json(total)} = {rounded}%",
        f"{rounded}" if severity == "error" else "",
        inputs)]


# --- execution: spent ≤ committed ≤ budget; rates --------------------------------------------

def check_execution(table: Table, claim: dict[str, Any], data: DataSource) -> list[Finding]:
    """Execution invariants per row: spent ≤ committed ≤ budget, and the printed rates."""
    roles = claim["columns"]
    findings = []
    for row, _ in table.rows:
        value = {role: as_number(cell(table, row, column)) for role, column in roles.items()}
        budget, committed, spent = value.get("budget"), value.get("committed"), value.get("spent")
        for small, large in (("spent", "committed"), ("committed", "budget")):
            a, b = value.get(small), value.get(large)
            if a is not None and b is not None and a > b:
                findings.append(_finding(
                    "error", "execution-order", table, row, roles[small], a, b,
                    f"{table.title}: '{row}': {roles[small]} {_json(a)}이(가) {roles[large]} "
                    f"{_json(b)}보다 큽니다 / {small} {_json(a)} exceeds {large} {_json(b)}",
                    extra=[_figure(table, row, roles[large], b)]))
        for amount, rate in ((committed, "committed_rate"), (spent, "spent_rate")):
            printed = value.get(rate)
            if amount is None or printed is None or not budget:
                continue
            amount_column = roles["committed" if rate == "committed_rate" else "spent"]
            findings += _share_cell(table, row, roles[rate], printed, amount, budget,
                                    amount_column, roles["budget"],
                                    [_figure(table, row, amount_column, amount),
                                     _figure(table, row, roles["budget"], budget)])
    for finding in findings:
        if finding.rule == "share":
            finding.rule = "execution-rate"
    return findings


# --- data: compare printed cells with what the plan's data computes --------------------------

def check_data(table: Table, claim: dict[str, Any], data: DataSource) -> list[Finding]:
    """Every mapped cell equals the data aggregated by its row and column keys."""
    explicit = claim.get("map", {})
    rows = [(label, key_of(label, claim["rows"], explicit, data)) for label, _ in table.rows]
    columns = [(label, key_of(label, claim["columns"], explicit, data)) for label in table.columns]
    base_cells = sum(1 for _, r in rows if r not in (None, ALL)) or 1
    base_columns = sum(1 for _, c in columns if c not in (None, ALL)) or 1
    findings = []
    printed_at = _cells(table)
    for row_label, row_key in rows:
        for column_label, column_key in columns:
            if row_key is None or column_key is None:
                continue
            raw = printed_at(row_label, column_label)
            printed = as_number(raw)
            if printed is None:
                if raw is not None:
                    continue  # words, not a number
                printed = Decimal(0)  # a printed "-": the document says there is none
            filters = dict(claim.get("filters", {}))
            for dimension, key in ((claim["rows"], row_key), (claim["columns"], column_key)):
                if isinstance(key, dict):
                    filters.update(key)  # a label that names several keys: {node, source}
                elif key != ALL and dimension != "total":
                    filters[dimension] = key
            # Half a printed unit per rounded term: a cell rounds its own exact value, and
            # documents nudge one figure so that the row adds up (one more term); a total also
            # carries the rounding of every printed cell it adds up.
            cells = (base_cells if row_key == ALL else 1) * (base_columns if column_key == ALL else 1)
            findings += _data_cell(table, claim, row_label, column_label, printed, filters,
                                   cells + 1, data)
    return findings


def _data_cell(table: Table, claim: dict[str, Any], row: str, column: str, printed: Decimal,
               filters: dict[str, Any], terms: int, data: DataSource) -> list[Finding]:
    measure = claim["measure"]
    unit = unit_size(claim.get("unit") or table.unit)
    if measure == "budget":
        won, finest = data.budget(filters)
        if unit is None:
            return []
        computed = Decimal(won) / unit
        coarser = finest < unit
        tolerance = Decimal(terms) / 2 if coarser else Decimal(0)
    elif measure == "indicator_target":
        value = data.indicator_target(filters)
        if value is None:
            return []
        computed, tolerance = value, Decimal(0)
    elif measure == "audit_items":
        computed, tolerance = Decimal(data.audit_items(filters)), Decimal(0)
    else:
        computed, tolerance = Decimal(data.node_count(filters)), Decimal(0)
    shown = computed.quantize(_step(decimals(printed)), rounding=ROUND_HALF_UP)
    if shown == printed:
        return []  # the printed figure is the data, rounded to the printed digits
    severity = "info" if abs(computed - printed) <= tolerance else "error"
    what = ", ".join(f"{k}={v}" for k, v in filters.items()) or "전체 / all"
    return [_finding(
        severity, f"data-{measure}", table, row, column, printed, shown,
        f"{table.title}: '{row}' × '{column}': 인쇄값 {_json(printed)}, 데이터로 계산한 값 "
        f"{_json(shown)} ({what}) / printed {_json(printed)}, the data adds up to {_json(shown)}"
        + (" (반올림 범위 / within rounding)" if severity == "info" else ""),
        f"{_json(shown)}" if severity == "error" else "")]


def _missing(table: Table, key: str) -> Finding:
    return Finding(severity="warning", rule="claim", plan=table.plan,
                   message=f"{table.title}: 참조한 표 '{key}'이(가) 없습니다 / no table '{key}'")


def check_printed(table: Table, claim: dict[str, Any], data: DataSource) -> list[Finding]:
    """A cell whose printed form cannot be a number as printed ("1.256.679") is reported."""
    reading = cell(table, claim["row"], claim["column"])
    return [_finding(
        "warning", "printed-form", table, claim["row"], claim["column"], claim["printed"], reading,
        f"{table.title}: '{claim['row']}' × '{claim['column']}'이(가) '{claim['printed']}'(으)로 "
        f"인쇄되어 숫자로 읽을 수 없습니다; {_json(reading)}(으)로 읽었습니다 / printed "
        f"'{claim['printed']}', which is not a well-formed number; read as {_json(reading)}",
        f"{_json(reading)}")]


TABLE_CLAIMS: dict[str, Callable[[Table, dict[str, Any], DataSource], list[Finding]]] = {
    "sum": check_sum, "share": check_share, "execution": check_execution, "data": check_data,
    "printed": check_printed,
}


def check_table_claims(table: Table, claims: list[dict[str, Any]],
                       data: DataSource) -> list[Finding]:
    """Verify every claim a printed table makes."""
    return [f for claim in claims for f in TABLE_CLAIMS[claim["kind"]](table, claim, data)]


# --- figures: a single printed number ------------------------------------------------------------

@dataclass
class Figure:
    plan: str
    key: str
    label: str
    value: Decimal  # money in won, other units as printed
    unit: str
    printed: str
    provenance: dict[str, Any]


def check_figure(figure: Figure, claim: dict[str, Any], data: DataSource) -> list[Finding]:
    """A printed figure equals what its claim computes (data, node count, or a table's cells)."""
    unit = unit_size(figure.unit)
    stated = figure.value / unit if unit else figure.value
    precision = Decimal(str(claim.get("precision", 0)))
    if claim["kind"] == "table_sum":
        table = data.table(claim["table"])
        if table is None:
            return [Finding(severity="warning", rule="claim", plan=figure.plan,
                            message=f"{figure.label}: 표 '{claim['table']}' 없음 / no such table")]
        contains = claim.get("rows_containing", "")
        values = [as_number(cell(table, row, claim["column"])) for row, _ in table.rows
                  if contains in row]
        computed = sum((v for v in values if v is not None), Decimal(0))
        tolerance = precision
        table_unit = unit_size(table.unit)
        if unit and table_unit and table_unit != unit:
            # Money printed in another unit than the table's: convert, and allow the figure's
            # own rounding when it is the coarser of the two.
            computed = computed * table_unit / unit
            if unit > table_unit:
                tolerance = max(tolerance, Decimal(1) / 2)
        rule = "figure-table-sum"
    else:
        measure, filters = claim["measure"], dict(claim.get("filters", {}))
        if measure == "budget":
            won, finest = data.budget(filters)
            computed = Decimal(won) / unit if unit else Decimal(won)
            tolerance = max(precision, Decimal(1) / 2 if unit and finest < unit else Decimal(0))
        elif measure == "indicator_target":
            computed = data.indicator_target(filters) or Decimal(0)
            tolerance = precision
        else:
            computed = Decimal(data.node_count(filters))
            tolerance = precision
        rule = f"figure-{measure}"
    diff = abs(computed - stated)
    if diff == 0:
        return []
    severity = "info" if diff <= tolerance else "error"
    return [Finding(
        severity=severity, rule=rule, plan=figure.plan,
        message=(f"{figure.label} '{figure.printed}': 인쇄값 {_json(stated)}{figure.unit}, 계산값 "
                 f"{_json(computed)}{figure.unit} / printed {_json(stated)}, computed "
                 f"{_json(computed)}" + (" (인쇄 자릿수 범위 / within the printed precision)"
                                         if severity == "info" else "")),
        figures=[{"label": figure.label, "value": _json(stated),
                  "provenance": {**figure.provenance, "printed": figure.printed,
                                 "unit": figure.unit}}],
        stated=stated, computed=computed,
        suggestion=f"{_json(computed)}{figure.unit}" if severity == "error" else "")]


# --- schema of claims (validated when seed and plan files are read) ------------------------------


Dimension = str  # year | source | area | node | indicator | total


class _Claim(BaseModel):
    model_config = ConfigDict(extra="forbid")


class SumClaim(_Claim):
    kind: str = Field(pattern="^sum$")
    row: str | None = None
    column: str | None = None
    parts: list[str] | None = None

    @model_validator(mode="after")
    def one_total(self) -> SumClaim:
        if (self.row is None) == (self.column is None):
            raise ValueError("sum: give exactly one of row/column (the printed total)")
        return self


class ShareClaim(_Claim):
    kind: str = Field(pattern="^share$")
    source: str | None = None
    whole: str
    rows: dict[str, str] | None = None


class ExecutionClaim(_Claim):
    kind: str = Field(pattern="^execution$")
    columns: dict[str, str]

    @model_validator(mode="after")
    def known_roles(self) -> ExecutionClaim:
        unknown = set(self.columns) - {"budget", "committed", "spent", "committed_rate",
                                       "spent_rate"}
        if unknown or "budget" not in self.columns:
            raise ValueError(f"execution: roles are budget, committed, spent, committed_rate, "
                             f"spent_rate (budget required); unknown: {sorted(unknown)}")
        return self


DIMENSIONS = "^(year|source|area|node|indicator|total|category|status)$"


class DataClaim(_Claim):
    kind: str = Field(pattern="^data$")
    measure: str = Field(pattern="^(budget|indicator_target|node_count|audit_items)$")
    rows: str = Field(pattern=DIMENSIONS)
    columns: str = Field(pattern=DIMENSIONS)
    map: dict[str, Any] = {}
    filters: dict[str, Any] = {}
    unit: str | None = None


class PrintedClaim(_Claim):
    kind: str = Field(pattern="^printed$")
    row: str
    column: str
    printed: str


class FigureDataClaim(_Claim):
    kind: str = Field(pattern="^data$")
    measure: str = Field(pattern="^(budget|indicator_target|node_count)$")
    filters: dict[str, Any] = {}
    precision: float | int = 0


class FigureTableSumClaim(_Claim):
    kind: str = Field(pattern="^table_sum$")
    table: str
    column: str
    rows_containing: str = ""
    precision: float | int = 0


TABLE_CLAIM_MODELS: dict[str, type[_Claim]] = {
    "sum": SumClaim, "share": ShareClaim, "execution": ExecutionClaim, "data": DataClaim,
    "printed": PrintedClaim,
}
FIGURE_CLAIM_MODELS: dict[str, type[_Claim]] = {"data": FigureDataClaim,
                                                "table_sum": FigureTableSumClaim}


def validate_claims(claims: list[Any], models: dict[str, type[_Claim]]) -> list[str]:
    """Return a problem message per invalid claim (empty when all are valid)."""
    problems = []
    for i, claim in enumerate(claims):
        kind = claim.get("kind") if isinstance(claim, dict) else None
        model = models.get(str(kind))
        if model is None:
            problems.append(f"claims[{i}].kind: 알 수 없는 종류 {kind!r} (사용 가능: "
                            f"{', '.join(models)}) / unknown claim kind")
            continue
        try:
            model.model_validate(claim)
        except ValueError as exc:
            problems.append(f"claims[{i}]: {exc}".replace("\n", " "))
    return problems
