"""XLSX bulk entry: a department's workbook for a period, checked completely, saved all or nothing.

The workbook is a file format as well as a form. Its sheet names, header rows and the key cells
of the 안내 sheet are read back on upload, so they are fixed Korean text and never translated;
the explanations on the 안내 sheet are translated. Sheets:

* 집행실적 — one row per unit project the department owns (directly or through an ancestor,
  the rule of `rtis.plans.access.can_edit_node`), for the chosen execution period;
* 성과지표 — one row per indicator of the department's nodes, for the indicator period that
  covers the chosen one (the quarter of a month, by default);
* 추진일정 — one row per milestone registered for the department's nodes in the milestone
  period that covers the chosen one (the planned activity is the plan's: read only).

An upload goes through the safety checks of `rtis.ingest.tables` before openpyxl sees it. Every
row is then checked: key columns (과제번호, 지표번호, 기간, 버전) must still say what the download
said, a different version is an edit conflict naming who changed the entry and what; cells are
parsed strictly (`parse_amount`: whole won only). Computed and read-only columns are ignored.
Rows equal to what is saved are skipped (no save, no audit event). The rest are saved through
the actions in ONE transaction — which is also the last check: whatever any action refuses is
reported with the parsing problems, and then nothing at all is saved.
"""

from __future__ import annotations

import datetime as dt
import io
import math
import re
import unicodedata
import warnings
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from rtis.audit.models import AuditEvent
from rtis.ingest import tables as safety
from rtis.lib.conflict import EditConflict
from rtis.lib.korean import josa
from rtis.lib.numbers import ascii_int
from rtis.orgs.access import department_ids, is_planner
from rtis.orgs.models import Department
from rtis.plans.access import plans_for_user
from rtis.plans.models import DepartmentRole, Indicator, IndicatorTarget, Node, NodeDepartment, Plan
from rtis.tracking.actions import (
    MAX_COMMENT,
    BatchRefused,
    ExecutionItem,
    do_save_execution,
    do_save_executions,
    do_save_indicator_report,
    do_save_milestone,
    parse_indicator_value,
    tracking_settings,
    validate_execution_amounts,
)
from rtis.tracking.models import (
    AMOUNT_FIELDS,
    ApprovalEntry,
    ExecutionRecord,
    ExecutionStatus,
    IndicatorReport,
    Milestone,
    PeriodKind,
    PeriodState,
    ReportingPeriod,
    TrackingSettings,
)

FORMAT = "rtis-bulk/1"
README = "안내"
TITLE_ROW, HEADER_ROW, FIRST_ROW = 1, 2, 3
MAX_ROWS = 20_000  # data rows of one sheet; far above a department's unit projects
XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
EXACT_FLOAT_LIMIT = 2**53  # past it a spreadsheet number is no longer an exact whole number
MAX_DIGITS = 20
MINUS_SIGNS = ("-", "−", "△", "▲")  # △ marks a negative figure in Korean budget tables
# The workbook's milestone states: fixed Korean (a file format), not the translated labels.
STATE_LABELS = {"done": "완료", "in_progress": "진행", "delayed": "지연", "not_started": "미착수"}
KEY_ROWS = {"format": 3, "plan": 4, "department": 5, "period": 6}
KEY_LABELS = {"format": "서식", "plan": "계획", "department": "부서 번호", "period": "기간"}


@dataclass(frozen=True)
class Column:
    """One column of a sheet: its letter, header, field name, and whether officers enter it."""

    letter: str
    header: str
    name: str
    entry: bool = False
    width: int = 14
    number_format: str | None = None

    @property
    def label(self) -> str:
        """Return "H 원인행위액(원)": the letter Excel shows and the header."""
        return f"{self.letter} {self.header}"


@dataclass(frozen=True)
class SheetSpec:
    """A sheet's name and columns; key columns are checked, entry columns read."""

    title: str
    columns: tuple[Column, ...]

    def column(self, name: str) -> Column:
        """Return the column of a field; unknown fields (an action's "node") fall on column A."""
        return next((c for c in self.columns if c.name == name), self.columns[0])

    @property
    def read(self) -> tuple[str, ...]:
        """Return the fields read on upload: the keys and the entry columns."""
        return tuple(c.name for c in self.columns if c.entry or c.name in KEY_FIELDS)


KEY_FIELDS = {"code", "indicator", "period", "version"}
WON = "#,##0"
EXECUTION = SheetSpec("집행실적", (
    Column("A", "과제번호", "code", width=12),
    Column("B", "사업명", "title", width=36),
    Column("C", "기간", "period", width=10),
    Column("D", "버전", "version", width=7),
    Column("E", "본예산(원)", "original_budget", True, 18, WON),
    Column("F", "예산이체(원)", "transfers", True, 18, WON),
    Column("G", "이월액(원)", "carryover", True, 18, WON),
    Column("H", "원인행위액(원)", "committed", True, 18, WON),
    Column("I", "지출액(원)", "spent", True, 18, WON),
    Column("J", "예산현액(원)", "current_budget", width=18, number_format=WON),
    Column("K", "집행률(%)", "spent_rate", width=10, number_format="0.0"),
    Column("L", "결재 상태", "status", width=11),
))
INDICATORS = SheetSpec("성과지표", (
    Column("A", "과제번호", "code", width=12),
    Column("B", "지표번호", "indicator", width=9),
    Column("C", "지표명", "name", width=30),
    Column("D", "기간", "period", width=10),
    Column("E", "버전", "version", width=7),
    Column("F", "연간 목표", "target", width=14, number_format="#,##0.####"),
    Column("G", "실적값", "value", True, 14, "#,##0.####"),
    Column("H", "단위", "unit", True, 8),
    Column("I", "근거", "evidence", True, 40),
    Column("J", "결재 상태", "status", width=11),
))
MILESTONES = SheetSpec("추진일정", (
    Column("A", "과제번호", "code", width=12),
    Column("B", "과제명", "title", width=30),
    Column("C", "기간", "period", width=10),
    Column("D", "버전", "version", width=7),
    Column("E", "계획", "planned", width=36),
    Column("F", "실적", "achieved", True, 36),
    Column("G", "추진 상태", "state", True, 10),
    Column("H", "지연 사유", "delay_reason", True, 30),
    Column("I", "완료일", "completed_on", True, 12, "yyyy-mm-dd"),
    Column("J", "결재 상태", "status", width=11),
))
SHEETS = (EXECUTION, INDICATORS, MILESTONES)
SHEET = EXECUTION.title


@dataclass(frozen=True)
class Problem:
    """One reason an upload is refused: where (sheet, Excel row, column) and why."""

    sheet: str
    row: int | None
    column: str
    reason: str


def _order(problem: Problem) -> tuple[int, int, str]:
    titles = [s.title for s in SHEETS]
    sheet = titles.index(problem.sheet) if problem.sheet in titles else -1
    return sheet, problem.row or 0, problem.column


class BulkRefused(Exception):
    """The upload is refused as a whole; nothing was saved."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = sorted(problems, key=_order)
        super().__init__("; ".join(p.reason for p in self.problems[:3]))


class CellError(ValueError):
    """A cell whose value is not what its column needs; the message says why (Korean / English)."""


@dataclass
class Change:
    """A checked row that changes or creates an entry, and the action call that saves it."""

    spec: SheetSpec
    row: int
    model: type[ApprovalEntry]
    key: tuple[str, int, int]  # (owner field, owner id, period id): what the entry is
    expected_version: int | None
    save: Callable[[Any], object]  # called with the actor
    # Execution rows are saved together through do_save_executions (one batch per upload).
    item: ExecutionItem | None = None


@dataclass
class BulkUpload:
    """What an uploaded workbook would save, or the problems that keep it from being saved."""

    plan: Plan
    department: Department
    period: ReportingPeriod
    changes: list[Change] = field(default_factory=list)
    unchanged: int = 0
    problems: list[Problem] = field(default_factory=list)


# --- cells ------------------------------------------------------------------------------------


def parse_amount(value: Any) -> int | None:
    """Return a cell's amount in whole won, None when blank; raise CellError saying why not.

    Numbers are taken when they are whole (1234 and 1234.0, not 1234.5); text may carry
    thousands separators ("1,234"), a trailing 원, and a minus sign written -, − or △.
    """
    if value is None:
        return None
    if isinstance(value, bool):
        raise CellError(f"참·거짓이 아니라 금액을 입력하십시오: {value} / "
                        f"enter an amount, not TRUE/FALSE: {value}")
    if isinstance(value, int):
        return value
    if isinstance(value, float | Decimal):
        return _whole_number(value)
    if isinstance(value, dt.date | dt.time | dt.timedelta):
        raise CellError(f"날짜·시각이 아니라 금액을 입력하십시오: {value} / "
                        f"enter an amount, not a date or time: {value}")
    if isinstance(value, str):
        return _amount_text(value)
    raise CellError(f"금액으로 읽을 수 없습니다: {value!r} / not an amount: {value!r}")


def _whole_number(value: float | Decimal) -> int:
    finite = math.isfinite(value) if isinstance(value, float) else value.is_finite()
    if not finite:
        raise CellError(f"금액으로 읽을 수 없습니다: {value} / not an amount: {value}")
    if value != int(value):
        raise CellError(f"원 단위 정수여야 합니다(소수 불가): {value} / "
                        f"must be a whole number of won, no fractions: {value}")
    if isinstance(value, float) and abs(value) >= EXACT_FLOAT_LIMIT:
        raise CellError(f"숫자가 너무 커서 정확히 읽을 수 없습니다. 텍스트로 입력하십시오: {value:.0f} / "
                        f"too large to be exact as a number; enter it as text: {value:.0f}")
    return int(value)


_AMOUNT_RE = re.compile(r"^(\+|-)?(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d*))?$")
_DATE_RE = re.compile(r"^(\d{4})\s*[-./]\s*(\d{1,2})\s*[-./]\s*(\d{1,2})\.?$")


def _amount_text(text: str) -> int | None:
    cleaned = unicodedata.normalize("NFKC", text).strip().replace(" ", "")
    if not cleaned:
        return None
    if cleaned.endswith("원"):
        cleaned = cleaned[:-1]
    for sign in MINUS_SIGNS[1:]:
        if cleaned.startswith(sign):
            cleaned = "-" + cleaned[len(sign):]
    match = _AMOUNT_RE.match(cleaned)
    if match is None or len(match.group(2)) > MAX_DIGITS + MAX_DIGITS // 3:
        raise CellError(f"금액으로 읽을 수 없습니다(원 단위 숫자만, 예: 1,234,000): {text!r} / "
                        f"not an amount in won (digits only, e.g. 1,234,000): {text!r}")
    sign, digits, fraction = match.groups()
    if fraction and fraction.strip("0"):
        raise CellError(f"원 단위 정수여야 합니다(소수 불가): {text!r} / "
                        f"must be a whole number of won, no fractions: {text!r}")
    number = int(digits.replace(",", ""))
    return -number if sign == "-" else number


def parse_version(value: Any) -> int | None:
    """Return the entry version written in a row, None when blank (a new entry)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        number = parse_amount(value)
    except CellError:
        number = None
    if number is None or number < 1:
        raise CellError(f"버전은 내려받은 서식의 값 그대로여야 합니다: {value!r} / "
                        f"the version must be left as downloaded: {value!r}")
    return number


def parse_date(value: Any) -> dt.date | None:
    """Return a date cell (a date, or text such as 2022-03-15 or 2022.3.15.), None when blank."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    match = _DATE_RE.match(str(value).strip()) if isinstance(value, str) else None
    if match is not None:
        try:
            return dt.date(*(int(part) for part in match.groups()))
        except ValueError:
            pass
    raise CellError(f"날짜로 읽을 수 없습니다(예: 2022-03-15): {value!r} / "
                    f"not a date (e.g. 2022-03-15): {value!r}")


def cell_text(value: Any) -> str:
    """Return a cell's text as the table extractor reads it (numbers without ".0"), stripped."""
    return safety._cell_text(value).strip()


# --- who enters what --------------------------------------------------------------------------


def can_enter_in_bulk(user: Any) -> bool:
    """Tell whether the user may use bulk entry at all: planners, officers with a department."""
    return is_planner(user) or bool(department_ids(user))


def require_bulk_user(user: Any) -> None:
    """Raise PermissionDenied unless the user may use bulk entry."""
    if not can_enter_in_bulk(user):
        raise PermissionDenied("실적 일괄 입력은 부서 담당자와 기획 담당자만 할 수 있습니다 / "
                               "only department officers and planners may enter figures in bulk")


def require_department_access(user: Any, department: Department) -> None:
    """Raise PermissionDenied unless the user enters figures for this department."""
    if is_planner(user) or department.pk in department_ids(user):
        return
    raise PermissionDenied(f"'{department.name}'{josa(department.name, '은는')} 소속 부서가 아닙니다 / "
                           f"'{department.name}' is not your department")


def departments_for(user: Any) -> list[Department]:
    """Return the departments the user may choose: planners every owning one, officers theirs."""
    if is_planner(user):
        owners = NodeDepartment.objects.filter(role=DepartmentRole.OWNER).values("department_id")
        return list(Department.objects.filter(pk__in=owners).order_by("name"))
    return list(Department.objects.filter(pk__in=department_ids(user)).order_by("name"))


def execution_kinds(plan_ids: Any) -> dict[int, str]:
    """Return plan id → the period kind its execution is entered in (month unless set)."""
    return dict(TrackingSettings.objects.filter(plan_id__in=plan_ids)
                .values_list("plan_id", "execution_period"))


def entry_periods_for(user: Any) -> list[ReportingPeriod]:
    """Return the execution periods of the plans the user reads, newest first within each plan."""
    plans = plans_for_user(user)
    kinds = execution_kinds(plans.values("pk"))
    periods = (ReportingPeriod.objects.filter(plan__in=plans).select_related("plan")
               .order_by("plan__title", "-year", "kind", "-number"))
    return [p for p in periods if p.kind == kinds.get(p.plan_id, PeriodKind.MONTH)]


def is_execution_period(period: ReportingPeriod) -> bool:
    """Tell whether a workbook can be made for the period (its plan's execution kind)."""
    return period.kind == execution_kinds([period.plan_id]).get(period.plan_id, PeriodKind.MONTH)


def covering_period(plan: Plan, kind: str, period: ReportingPeriod) -> ReportingPeriod | None:
    """Return the plan's period of a kind that covers a period (a month's quarter), if open ever."""
    if period.kind == kind:
        return period
    number = (period.number - 1) // 3 + 1 if kind == PeriodKind.QUARTER else period.number * 3
    return ReportingPeriod.objects.filter(plan=plan, kind=kind, year=period.year,
                                          number=number).first()


def plan_tree(plan: Plan) -> list[Node]:
    """Return a plan's nodes in document order, parents and plan linked in memory, owners fetched.

    `rtis.plans.access.can_edit_node` then walks the tree without a query per level, and the
    actions' "is it a unit project" test (`node.children.exists()`) reads the prefetched children.
    """
    nodes = list(Node.objects.filter(plan=plan).prefetch_related("department_roles", "children")
                 .order_by("position"))
    by_id = {node.pk: node for node in nodes}
    for node in nodes:
        node.plan = plan
        if node.parent_id is not None:
            node.parent = by_id[node.parent_id]
    return nodes


def department_nodes(nodes: list[Node], department: Department) -> list[Node]:
    """Return the nodes the department owns itself or through an ancestor (any 소관 role)."""
    owned: dict[int, bool] = {}

    def owns(node: Node) -> bool:
        path: list[Node] = []
        current: Node | None = node
        result = False
        while current is not None and current.pk not in owned:
            path.append(current)
            if any(r.role == DepartmentRole.OWNER and r.department_id == department.pk
                   for r in current.department_roles.all()):
                result = True
                break
            current = current.parent
        if current is not None and current.pk in owned:
            result = owned[current.pk]
        for seen in path:
            owned[seen.pk] = result
        return result

    return [node for node in nodes if owns(node)]


def department_units(nodes: list[Node], department: Department) -> list[Node]:
    """Return the unit projects (leaves) the department owns itself or through an ancestor."""
    with_children = {node.parent_id for node in nodes if node.parent_id is not None}
    return [n for n in department_nodes(nodes, department) if n.pk not in with_children]


# --- the template -----------------------------------------------------------------------------


def template_file_name(plan: Plan, department: Department, period: ReportingPeriod) -> str:
    """Return the download's file name, e.g. "실적입력_2019-07_신성장산업과_sample-plan.xlsx"."""
    return f"실적입력_{period.label}_{department.name}_{plan.slug}.xlsx"


def build_template(plan: Plan, department: Department, period: ReportingPeriod) -> bytes:
    """Return the department's workbook for a period, pre-filled with what is saved."""
    from openpyxl import Workbook

    nodes = plan_tree(plan)
    owned = department_nodes(nodes, department)
    conf = tracking_settings(plan)
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = EXECUTION.title
    title = f"{department.name} · {plan.title}"
    units = department_units(nodes, department)
    _write_sheet(sheet, EXECUTION, f"{period.label} 예산 집행실적 · {title}",
                 _execution_rows(period, units))
    _execution_validations(sheet, FIRST_ROW + max(len(units), 1) - 1)
    quarter = covering_period(plan, conf.indicator_period, period)
    if quarter is not None:
        rows, units_by_row = _indicator_rows(quarter, owned)
        sheet = book.create_sheet(INDICATORS.title)
        _write_sheet(sheet, INDICATORS, f"{quarter.label} 성과지표 실적 · {title}", rows)
        _indicator_validations(sheet, units_by_row)
    milestone_period = covering_period(plan, conf.milestone_period, period)
    if milestone_period is not None:
        rows = _milestone_rows(milestone_period, owned)
        sheet = book.create_sheet(MILESTONES.title)
        _write_sheet(sheet, MILESTONES, f"{milestone_period.label} 추진일정 · {title}", rows)
        _milestone_validations(sheet, FIRST_ROW + max(len(rows), 1) - 1)
    _write_readme(book.create_sheet(README), plan, department, period, len(units))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _execution_rows(period: ReportingPeriod, units: list[Node]) -> list[list[Any]]:
    records = {r.node_id: r for r in ExecutionRecord.objects.filter(period=period, node__in=units)}
    rows = []
    for row, node in enumerate(units, start=FIRST_ROW):
        record = records.get(node.pk)
        rows.append([
            node.code, node.title, period.label, record.version if record else None,
            *[getattr(record, name) if record else None for name in AMOUNT_FIELDS],
            f'=IF(COUNT(E{row}:G{row})=0,"",SUM(E{row}:G{row}))',
            f'=IF(N(J{row})>0,ROUND(N(I{row})/J{row}*100,1),"")',
            record.get_status_display() if record else "",
        ])
    return rows


def _number(value: Decimal | None) -> int | float | None:
    """Return a decimal as a spreadsheet number (whole ones as integers)."""
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


def _indicator_rows(period: ReportingPeriod,
                    owned: list[Node]) -> tuple[list[list[Any]], dict[str, list[int]]]:
    indicators = list(Indicator.objects.filter(node__in=owned).select_related("node")
                      .order_by("node__position", "position"))
    targets = dict(IndicatorTarget.objects.filter(indicator__in=indicators, year=period.year)
                   .values_list("indicator_id", "value"))
    reports = {r.indicator_id: r for r in
               IndicatorReport.objects.filter(period=period, indicator__in=indicators)}
    rows: list[list[Any]] = []
    units: dict[str, list[int]] = {}
    for row, indicator in enumerate(indicators, start=FIRST_ROW):
        report = reports.get(indicator.pk)
        rows.append([
            indicator.node.code, indicator.pk, indicator.name, period.label,
            report.version if report else None, _number(targets.get(indicator.pk)),
            _number(report.value) if report else None, indicator.unit,
            report.evidence if report else None, report.get_status_display() if report else "",
        ])
        units.setdefault(indicator.unit, []).append(row)
    return rows, units


def _milestone_rows(period: ReportingPeriod, owned: list[Node]) -> list[list[Any]]:
    milestones = (Milestone.objects.filter(period=period, node__in=owned).select_related("node")
                  .order_by("node__position"))
    return [[m.node.code, m.node.title, period.label, m.version, m.planned, m.achieved,
             STATE_LABELS.get(m.state, m.state), m.delay_reason, m.completed_on,
             m.get_status_display()] for m in milestones]


COMPUTED = {"current_budget", "spent_rate"}  # the only cells written as formulas


def _put(sheet: Any, row: int, column: int, value: Any, *, formula: bool = False) -> Any:
    """Write a cell; saved text that starts with "=" stays text, never becomes a formula."""
    cell = sheet.cell(row, column, value)
    if isinstance(value, str) and cell.data_type == "f" and not formula:
        cell.data_type = "s"
    return cell


def _write_sheet(sheet: Any, spec: SheetSpec, title: str, rows: list[list[Any]]) -> None:
    from openpyxl.styles import Alignment, Font, PatternFill, Protection

    _put(sheet, TITLE_ROW, 1, title).font = Font(bold=True, size=13)
    sheet.merge_cells(start_row=TITLE_ROW, start_column=1, end_row=TITLE_ROW,
                      end_column=len(spec.columns))
    header_fill = PatternFill("solid", fgColor="DDE4EE")
    entry_fill = PatternFill("solid", fgColor="FFF8DC")
    for index, column in enumerate(spec.columns, start=1):
        cell = sheet.cell(HEADER_ROW, index, column.header)
        cell.font = Font(bold=True)
        cell.fill = entry_fill if column.entry else header_fill
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        sheet.column_dimensions[column.letter].width = column.width
    unlocked = Protection(locked=False)
    for row, values in enumerate(rows, start=FIRST_ROW):
        for index, (column, value) in enumerate(zip(spec.columns, values, strict=True), start=1):
            cell = _put(sheet, row, index, value, formula=column.name in COMPUTED)
            if column.number_format:
                cell.number_format = column.number_format
            if column.entry:
                cell.protection = unlocked
                cell.fill = entry_fill
    sheet.row_dimensions[HEADER_ROW].height = 30
    sheet.freeze_panes = f"{spec.columns[4].letter}{FIRST_ROW}"
    # Cells are locked by default; the entry cells were unlocked above.
    sheet.protection.sheet = True
    sheet.protection.formatColumns = False  # officers may widen columns


def _validation(kind: str, ranges: list[str], error: str, **options: Any) -> Any:
    from openpyxl.worksheet.datavalidation import DataValidation

    validation = DataValidation(type=kind, error=error, errorTitle="입력 확인",
                                showErrorMessage=True, allow_blank=True, **options)
    for cells in ranges:
        validation.add(cells)
    return validation


def _execution_validations(sheet: Any, last: int) -> None:
    f = FIRST_ROW
    for validation in (
        _validation("whole", [f"E{f}:E{last}", f"G{f}:G{last}"],
                    "0 이상의 원 단위 정수를 입력하십시오.", operator="greaterThanOrEqual",
                    formula1="0"),
        _validation("whole", [f"F{f}:F{last}"], "원 단위 정수를 입력하십시오(감액은 음수).",
                    operator="between", formula1="-9999999999999999",
                    formula2="9999999999999999"),
        _validation("custom", [f"H{f}:H{last}"],
                    "원인행위액은 0 이상, 예산현액(본예산+예산이체+이월액) 이하의 정수입니다.",
                    formula1=f"AND(INT(H{f})=H{f},H{f}>=0,H{f}<=N(E{f})+N(F{f})+N(G{f}))"),
        _validation("custom", [f"I{f}:I{last}"], "지출액은 0 이상, 원인행위액 이하의 정수입니다.",
                    formula1=f"AND(INT(I{f})=I{f},I{f}>=0,I{f}<=N(H{f}))"),
    ):
        sheet.add_data_validation(validation)


def _indicator_validations(sheet: Any, units: dict[str, list[int]]) -> None:
    last = FIRST_ROW + max(sum(len(rows) for rows in units.values()), 1) - 1
    sheet.add_data_validation(_validation(
        "decimal", [f"G{FIRST_ROW}:G{last}"], "숫자(소수 넷째 자리까지)를 입력하십시오.",
        operator="between", formula1="-1E+18", formula2="1E+18"))
    sheet.add_data_validation(_validation(
        "textLength", [f"I{FIRST_ROW}:I{last}"], f"{MAX_COMMENT}자 이내로 입력하십시오.",
        operator="lessThanOrEqual", formula1=str(MAX_COMMENT)))
    for unit, rows in units.items():
        if '"' in unit or "," in unit:
            continue  # cannot be written as an Excel list; the upload checks the unit anyway
        sheet.add_data_validation(_validation(
            "list", [f"H{row}" for row in rows], f"이 지표의 단위는 '{unit}'입니다.",
            formula1=f'"{unit}"'))


def _milestone_validations(sheet: Any, last: int) -> None:
    f = FIRST_ROW
    states = ",".join(STATE_LABELS.values())
    for validation in (
        _validation("list", [f"G{f}:G{last}"], f"추진 상태는 {states} 중 하나입니다.",
                    formula1=f'"{states}"'),
        _validation("date", [f"I{f}:I{last}"], "날짜를 입력하십시오(예: 2022-03-15).",
                    operator="greaterThanOrEqual", formula1="DATE(1990,1,1)"),
        _validation("textLength", [f"F{f}:F{last}", f"H{f}:H{last}"],
                    f"{MAX_COMMENT}자 이내로 입력하십시오.", operator="lessThanOrEqual",
                    formula1=str(MAX_COMMENT)),
    ):
        sheet.add_data_validation(validation)


def _write_readme(sheet: Any, plan: Plan, department: Department, period: ReportingPeriod,
                  unit_count: int) -> None:
    from openpyxl.styles import Font

    sheet.cell(1, 1, _("실적 일괄 입력 안내")).font = Font(bold=True, size=13)
    keys = {"format": (FORMAT, ""), "plan": (plan.slug, plan.title),
            "department": (department.pk, department.name),
            "period": (period.label, period.get_state_display())}
    for name, (value, note) in keys.items():
        sheet.cell(KEY_ROWS[name], 1, KEY_LABELS[name]).font = Font(bold=True)
        _put(sheet, KEY_ROWS[name], 2, value)
        _put(sheet, KEY_ROWS[name], 3, note)
    now = timezone.localtime().strftime("%Y-%m-%d %H:%M")
    lines = [
        _("내려받은 시각: %(time)s · 단위사업 %(count)d개") % {"time": now, "count": unit_count},
        "",
        _("1. 노란 칸만 입력합니다. 과제번호·지표번호·기간·버전 열은 잠겨 있으며 올릴 때 다시 "
          "확인합니다. 다른 부서의 과제나 다른 기간의 행은 받지 않습니다."),
        _("2. 집행실적: 금액은 모두 원 단위 정수이며 연초부터 해당 기간 말까지의 누계입니다. "
          "예산이체는 감액이면 음수로, 다른 금액은 0 이상으로 입력합니다."),
        _("3. 지출액 ≤ 원인행위액 ≤ 예산현액(본예산 + 예산이체 + 이월액)이어야 합니다."),
        _("4. 금액·실적값의 빈 칸은 저장된 값을 그대로 둡니다(새 실적은 0). 0으로 바꾸려면 0을 "
          "입력하십시오. 글(근거·실적·지연 사유)과 완료일은 칸에 적힌 그대로 저장합니다."),
        _("5. 예산현액·집행률·목표·계획 열은 읽기용입니다. 올릴 때는 무시하고 다시 계산합니다."),
        _("6. 성과지표: 실적값은 소수 넷째 자리까지, 단위는 지표의 단위 그대로 입력합니다."),
        _("7. 추진일정: 추진 상태는 완료·진행·지연·미착수 중에서 고릅니다. 지연되었거나 분기가 "
          "지났는데 끝나지 않았으면 지연 사유를, 완료했으면 실적을 입력합니다."),
        _("8. 내려받은 뒤 다른 사람이 고친 행은 충돌로 보고됩니다. 새 서식을 내려받아 다시 "
          "입력하십시오."),
        _("9. 문제가 하나라도 있으면 아무것도 저장하지 않고 시트·행·열·사유를 모두 알려 줍니다. "
          "문제가 없으면 바뀐 행만 한꺼번에 저장합니다."),
        _("10. 확정된 기간에는 입력할 수 없고, 마감된 기간에는 기획 담당자만 입력할 수 있습니다. "
          "결재 요청·승인된 실적은 부서에서 고칠 수 없습니다."),
    ]
    for row, line in enumerate(lines, start=KEY_ROWS["period"] + 2):
        sheet.cell(row, 1, line)
    for letter, width in (("A", 14), ("B", 24), ("C", 40)):
        sheet.column_dimensions[letter].width = width
    sheet.protection.sheet = True


# --- reading an upload ------------------------------------------------------------------------


def _refused(reason: str, sheet: str = "", row: int | None = None,
             column: str = "") -> BulkRefused:
    return BulkRefused([Problem(sheet, row, column, reason)])


def _checked_parts(data: bytes, file_name: str) -> dict[str, bytes]:
    """Return the entries of an XLSX that passed the table importer's safety checks.

    The order of `rtis.ingest.tables.extract_tables`: size, legacy formats, the ZIP's
    directory before anything is inflated, bounded reads, then a DTD/entity/cell scan of
    every XML part.
    """
    if len(data) > safety.MAX_FILE_BYTES:
        raise safety.TableImportError(
            file_name, f"파일이 너무 큽니다 ({len(data):,}바이트, 최대 "
                       f"{safety.MAX_FILE_BYTES // (1024 * 1024)} MB) / file is too large",
            code="too-large")
    if data.startswith(safety._OLE_MAGIC) and safety._ENCRYPTED_PACKAGE in data:
        raise safety.TableImportError(
            file_name, "암호가 걸린 파일입니다. 엑셀에서 암호를 풀고 저장해 올리십시오 / the file is "
                       "password-protected: remove the password, save and upload again",
            code="encrypted")
    if data.startswith(safety._OLE_MAGIC):
        raise safety.TableImportError(
            file_name, "XLS 같은 옛 형식입니다. 엑셀에서 XLSX로 저장해 올리십시오 / legacy "
                       "binary format (XLS): save it as XLSX and upload again",
            code="legacy-format")
    if data.count(b"PK\x01\x02") > safety.MAX_ENTRIES:
        raise safety._bomb(file_name, f"항목 {safety.MAX_ENTRIES:,}개 초과",
                           f"more than {safety.MAX_ENTRIES:,} entries")
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except Exception as exc:  # BadZipFile, struct.error, ...: anything means "not an XLSX"
        raise safety.TableImportError(
            file_name, "XLSX 파일이 아니거나 손상되었습니다 / not an XLSX workbook or a damaged "
                       "one", code="not-zip") from exc
    with archive:
        safety._check_directory(archive, file_name)
        if safety._detect(archive, file_name) != "xlsx":
            raise safety.TableImportError(file_name, "XLSX 통합 문서가 아닙니다 / not an XLSX "
                                                     "workbook", code="unknown-format")
        parts = safety._read_parts(archive, file_name)
    budget = safety._Budget(file_name)
    for name, payload in parts.items():
        if name.lower().endswith(safety._XML_SUFFIXES) or safety._looks_like_xml(payload):
            safety._scan_xml(payload, name, file_name, budget)
    return parts


def load_workbook_safely(data: bytes, file_name: str) -> Any:
    """Return the uploaded workbook (formulas kept as formulas), or raise BulkRefused."""
    from openpyxl import load_workbook

    try:
        parts = _checked_parts(data, file_name)
    except safety.TableImportError as exc:
        raise _refused(exc.reason) from None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl warns about extensions it drops
            return load_workbook(safety._repack(parts), data_only=False)
    except Exception as exc:  # openpyxl raises many kinds on a damaged workbook
        raise _refused(f"XLSX를 읽을 수 없습니다 / unreadable XLSX ({type(exc).__name__})") from None


def _key_value(readme: Any, name: str) -> str:
    cell = readme._cells.get((KEY_ROWS[name], 2))
    return cell_text(cell.value) if cell is not None else ""


def _workbook_key(user: Any, book: Any) -> tuple[Plan, Department, ReportingPeriod]:
    """Return the plan, department and period the workbook was made for (안내 sheet)."""
    if README not in book.sheetnames or EXECUTION.title not in book.sheetnames:
        raise _refused(f"'{EXECUTION.title}'·'{README}' 시트가 없습니다. 이 화면에서 내려받은 서식을 "
                       f"쓰십시오 / the '{EXECUTION.title}' and '{README}' sheets are missing: use "
                       f"the template downloaded here")
    readme = book[README]

    def bad(name: str, ko: str, en: str) -> BulkRefused:
        return _refused(f"{ko} / {en}", README, KEY_ROWS[name], f"B {KEY_LABELS[name]}")

    if _key_value(readme, "format") != FORMAT:
        raise bad("format", f"서식 표시({FORMAT})가 없습니다. 이 화면에서 내려받은 서식을 쓰십시오",
                  f"not an RTIS bulk template (missing {FORMAT})")
    plan = plans_for_user(user).filter(slug=_key_value(readme, "plan")).first()
    if plan is None:
        raise bad("plan", "계획을 찾을 수 없습니다", "unknown plan")
    department_text = _key_value(readme, "department")
    department_id = ascii_int(department_text)
    department = (Department.objects.filter(pk=department_id).first()
                  if department_id is not None else None)
    if department is None:
        raise bad("department", "부서를 찾을 수 없습니다", "unknown department")
    require_department_access(user, department)
    period = _period(plan, _key_value(readme, "period"))
    if period is None or not is_execution_period(period):
        raise bad("period", "보고 기간을 찾을 수 없습니다", "unknown reporting period")
    return plan, department, period


def _period(plan: Plan, label: str) -> ReportingPeriod | None:
    match = re.fullmatch(r"(\d{4})-(Q?)(\d{1,2})", label)
    if match is None:
        return None
    kind = PeriodKind.QUARTER if match.group(2) else PeriodKind.MONTH
    return ReportingPeriod.objects.filter(plan=plan, kind=kind, year=int(match.group(1)),
                                          number=int(match.group(3))).first()


def _check_headers(sheet: Any, spec: SheetSpec) -> list[Problem]:
    problems = []
    for index, column in enumerate(spec.columns, start=1):
        cell = sheet._cells.get((HEADER_ROW, index))
        found = cell_text(cell.value) if cell is not None else ""
        if found != column.header:
            problems.append(Problem(spec.title, HEADER_ROW, column.label, (
                f"머리글이 '{column.header}'이어야 합니다(지금 '{found}'). 열을 옮기거나 지우지 "
                f"마십시오 / the header must read '{column.header}' (found '{found}'); do not "
                f"move or delete columns")))
    return problems


def _data_rows(sheet: Any, spec: SheetSpec) -> dict[int, dict[str, Any]]:
    """Return a sheet's data rows (Excel number → field → cell), only the cells it has."""
    rows: dict[int, dict[str, Any]] = {}
    # Never walk the sheet's bounding box: one far cell would make it huge.
    for (row, col), cell in sheet._cells.items():
        if row >= FIRST_ROW and col <= len(spec.columns) and cell.value is not None:
            rows.setdefault(row, {})[spec.columns[col - 1].name] = cell
    if len(rows) > MAX_ROWS:
        raise _refused(f"행이 너무 많습니다({len(rows):,}행, 최대 {MAX_ROWS:,}행) / "
                       f"too many rows ({len(rows):,}, limit {MAX_ROWS:,})", spec.title)
    return dict(sorted(rows.items()))


def read_upload(user: Any, data: bytes, file_name: str) -> BulkUpload:
    """Check an uploaded workbook completely; return the changes to save and every problem.

    Raises BulkRefused when the file cannot be read as a template, PermissionDenied when it
    is another department's.
    """
    book = load_workbook_safely(data, file_name)
    try:
        plan, department, period = _workbook_key(user, book)
        conf = tracking_settings(plan)
        periods: dict[str, ReportingPeriod | None] = {
                   EXECUTION.title: period,
                   INDICATORS.title: covering_period(plan, conf.indicator_period, period),
                   MILESTONES.title: covering_period(plan, conf.milestone_period, period)}
        sheets: dict[str, dict[int, dict[str, Any]]] = {}
        problems: list[Problem] = []
        for spec in SHEETS:
            if spec.title not in book.sheetnames:
                continue
            if periods[spec.title] is None:
                raise _refused("이 시트의 보고 기간이 없습니다 / this sheet's reporting period "
                               "does not exist", spec.title)
            problems += _check_headers(book[spec.title], spec)
            sheets[spec.title] = _data_rows(book[spec.title], spec)
        if problems:
            raise BulkRefused(problems)
    finally:
        book.close()
    upload = BulkUpload(plan, department, period)
    context = _Context(user, upload)
    for kind in (_ExecutionChecker, _IndicatorChecker, _MilestoneChecker):
        sheet_period = periods[kind.spec.title]
        if kind.spec.title in sheets and sheet_period is not None:
            checker = kind(context, sheet_period)
            for row, cells in sheets[kind.spec.title].items():
                checker.check(row, cells)
    return upload


class _Context:
    """What every sheet's checks share: the user, the plan's tree and the department's nodes."""

    def __init__(self, user: Any, upload: BulkUpload) -> None:
        self.user = user
        self.upload = upload
        self.planner = is_planner(user)
        nodes = plan_tree(upload.plan)
        self.nodes = {node.code: node for node in nodes}
        self.parents = {node.parent_id for node in nodes if node.parent_id is not None}
        self.owned = {node.pk for node in department_nodes(nodes, upload.department)}


class _Checker:
    """Check one sheet's rows; subclasses find the row's entry, parse its cells, compare."""

    spec: SheetSpec

    def __init__(self, context: _Context, period: ReportingPeriod) -> None:
        self.context = context
        self.upload = context.upload
        self.period = period
        self.seen: dict[Any, int] = {}

    def problem(self, row: int, name: str, reason: str) -> None:
        self.upload.problems.append(Problem(self.spec.title, row, self.spec.column(name).label,
                                            reason))

    def parsed(self, row: int, cells: dict[str, Any], name: str, parse: Callable[[Any], Any]) -> Any:
        if name not in cells:
            return None
        try:
            return parse(cells[name].value)
        except CellError as exc:
            self.problem(row, name, str(exc))
        except ValidationError as exc:  # the actions' own parsers name their field
            self.problem(row, name, " ".join(exc.messages))
        return None

    def check(self, row: int, cells: dict[str, Any]) -> None:
        if not any(name in cells for name in self.spec.read):
            return  # an empty row, or only read-only columns
        before = len(self.upload.problems)
        for name in self.spec.read:
            if name in cells and cells[name].data_type == "f":
                self.problem(row, name, "수식 대신 값을 입력하십시오 / enter a value, not a formula")
        if len(self.upload.problems) > before:
            return
        target = self.target(row, cells)
        if target is None:
            return
        period_text = cell_text(cells["period"].value) if "period" in cells else ""
        if period_text != self.period.label:
            self.problem(row, "period", (
                f"기간이 이 서식의 기간({self.period.label})과 다릅니다: '{period_text}' / the "
                f"period differs from the workbook's ({self.period.label}): '{period_text}'"))
        version = self.parsed(row, cells, "version", parse_version)
        values = self.values(row, cells)
        if len(self.upload.problems) == before:
            self.compare(row, target, version, values)

    def target(self, row: int, cells: dict[str, Any]) -> Any:
        raise NotImplementedError

    def values(self, row: int, cells: dict[str, Any]) -> dict[str, Any]:
        raise NotImplementedError

    def compare(self, row: int, target: Any, version: int | None, values: dict[str, Any]) -> None:
        raise NotImplementedError

    def node(self, row: int, cells: dict[str, Any]) -> Node | None:
        """Return the department's node named in column A, or report why not."""
        code = cell_text(cells["code"].value) if "code" in cells else ""
        node = self.context.nodes.get(code)
        department = self.upload.department.name
        if not code:
            self.problem(row, "code", "과제번호가 비어 있습니다 / the 과제번호 (code) is empty")
        elif node is None:
            self.problem(row, "code", f"이 계획에 과제번호 '{code}'{josa(code, '이가')} 없습니다 / no node "
                                      f"'{code}' in this plan")
        elif node.pk not in self.context.owned:
            self.problem(row, "code", f"'{code}'{josa(code, '은는')} {department}의 과제가 아닙니다(다른 부서 "
                                      f"소관) / '{code}' is not {department}'s (another "
                                      f"department's)")
        else:
            return node
        return None

    def first(self, row: int, key: Any, name: str, what: str) -> bool:
        """Tell whether this is the first row of an entry; report a repeated one."""
        if key in self.seen:
            self.problem(row, name, f"{what}{josa(what, '이가')} {self.seen[key]}행에도 있습니다 / {what} is "
                                    f"also on row {self.seen[key]}")
            return False
        self.seen[key] = row
        return True

    def may_change(self, row: int, entry: ApprovalEntry | None) -> bool:
        """Report a locked or closed period, or an entry the department may no longer change."""
        period = self.period
        if period.state == PeriodState.LOCKED:
            self.problem(row, "period", (
                f"{period.label}{josa(period.label, '은는')} 확정되어 입력할 수 없습니다. 기획 담당자의 정정으로만 바꿀 수 "
                f"있습니다 / {period.label} is locked; only a planner's recorded correction can "
                f"change it"))
        elif period.state == PeriodState.CLOSED and not self.context.planner:
            self.problem(row, "period", f"{period.label}{josa(period.label, '은는')} 마감되었습니다 / {period.label} "
                                        f"is closed for entry")
        elif entry is not None and not self.context.planner and entry.status in {
                ExecutionStatus.SUBMITTED, ExecutionStatus.APPROVED}:
            self.problem(row, "status", (
                f"'{entry.get_status_display()}' 상태의 실적은 부서에서 고칠 수 없습니다 / a "
                f"{entry.status} entry cannot be changed by the department"))
        else:
            return True
        return False

    def same_version(self, row: int, entry: ApprovalEntry | None, version: int | None) -> bool:
        if entry is None and version is not None:
            self.problem(row, "version", "저장된 실적이 없는데 버전이 적혀 있습니다 / there is no "
                                         "saved entry for this version")
            return False
        if entry is not None and version != entry.version:
            self.problem(row, "version", conflict_reason(self.spec, entry, version))
            return False
        return True

    def add(self, row: int, entry_model: type[ApprovalEntry], owner: tuple[str, int],
            version: int | None, save: Callable[[Any], object],
            item: ExecutionItem | None = None) -> None:
        self.upload.changes.append(Change(self.spec, row, entry_model,
                                          (owner[0], owner[1], self.period.pk), version, save,
                                          item))


class _ExecutionChecker(_Checker):
    spec = EXECUTION

    def __init__(self, context: _Context, period: ReportingPeriod) -> None:
        super().__init__(context, period)
        self.records = {r.node_id: r for r in ExecutionRecord.objects.filter(
            period=period, node_id__in=context.owned)}

    def target(self, row: int, cells: dict[str, Any]) -> Node | None:
        node = self.node(row, cells)
        if node is not None and node.pk in self.context.parents:
            self.problem(row, "code", f"'{node.code}'{josa(node.code, '은는')} 단위사업이 아닙니다(하위 과제가 있음) / "
                                      f"'{node.code}' is not a unit project (it has children)")
            return None
        if node is None or not self.first(row, node.pk, "code", f"과제번호 '{node.code}'"):
            return None
        return node

    def values(self, row: int, cells: dict[str, Any]) -> dict[str, Any]:
        return {name: self.parsed(row, cells, name, parse_amount) for name in AMOUNT_FIELDS}

    def compare(self, row: int, node: Node, version: int | None, values: dict[str, Any]) -> None:
        record = self.records.get(node.pk)
        given = {name: value for name, value in values.items() if value is not None}
        if record is None and not given:
            return  # nothing entered for a project without a record
        merged = {name: given.get(name, getattr(record, name) if record else 0)
                  for name in AMOUNT_FIELDS}
        try:
            amounts = validate_execution_amounts(merged)
        except ValidationError as exc:
            for name, messages in messages_by_field(exc).items():
                self.problem(row, name, " ".join(messages))
            return
        if record is not None and all(getattr(record, k) == v for k, v in amounts.items()):
            self.upload.unchanged += 1
        elif self.may_change(row, record) and self.same_version(row, record, version):
            period = self.period
            self.add(row, ExecutionRecord, ("node", node.pk), version,
                     lambda actor: do_save_execution(actor, node, period, version, **amounts),
                     (node, version, amounts))


def _normal_unit(unit: str) -> str:
    return "".join(unit.split()).casefold()


class _IndicatorChecker(_Checker):
    spec = INDICATORS

    def __init__(self, context: _Context, period: ReportingPeriod) -> None:
        super().__init__(context, period)
        by_id = {node.pk: node for node in context.nodes.values()}
        self.indicators = {i.pk: i for i in Indicator.objects.filter(node__plan=self.upload.plan)}
        for indicator in self.indicators.values():
            indicator.node = by_id[indicator.node_id]
        self.reports = {r.indicator_id: r for r in IndicatorReport.objects.filter(
            period=period, indicator__node_id__in=context.owned)}

    def target(self, row: int, cells: dict[str, Any]) -> Indicator | None:
        node = self.node(row, cells)
        if node is None:
            return None
        text = cell_text(cells["indicator"].value) if "indicator" in cells else ""
        number = ascii_int(text)
        indicator = self.indicators.get(number) if number is not None else None
        if indicator is None or indicator.node_id != node.pk:
            self.problem(row, "indicator", f"과제 '{node.code}'에 지표번호 '{text}'{josa(text, '이가')} 없습니다 / "
                                           f"node '{node.code}' has no indicator '{text}'")
            return None
        return indicator if self.first(row, indicator.pk, "indicator", f"지표번호 {text}") else None

    @staticmethod
    def value(value: Any) -> Decimal | None:
        if value is None or (isinstance(value, str) and not value.strip()):
            return None
        if isinstance(value, bool) or not isinstance(value, int | float | Decimal | str):
            raise CellError(f"실적값은 숫자여야 합니다: {value!r} / the value must be a number")
        return parse_indicator_value(value)

    def values(self, row: int, cells: dict[str, Any]) -> dict[str, Any]:
        return {"value": self.parsed(row, cells, "value", self.value),
                "unit": cell_text(cells["unit"].value) if "unit" in cells else "",
                "evidence": cell_text(cells["evidence"].value) if "evidence" in cells else ""}

    def compare(self, row: int, indicator: Indicator, version: int | None,
                values: dict[str, Any]) -> None:
        report = self.reports.get(indicator.pk)
        value = values["value"] if values["value"] is not None else (
            report.value if report else None)
        unit, evidence = values["unit"] or indicator.unit, values["evidence"]
        if value is None:
            if evidence:
                self.problem(row, "value", "실적값을 입력하십시오 / enter the value")
            return
        if _normal_unit(unit) != _normal_unit(indicator.unit):
            self.problem(row, "unit", f"'{indicator.name}'의 단위는 '{indicator.unit}'입니다: "
                                      f"'{unit}' / '{indicator.name}' is measured in "
                                      f"'{indicator.unit}', not '{unit}'")
        elif len(evidence) > MAX_COMMENT:
            self.problem(row, "evidence", f"근거는 {MAX_COMMENT}자 이내여야 합니다 / at most "
                                          f"{MAX_COMMENT} characters")
        elif report is not None and (report.value, report.evidence) == (value, evidence):
            self.upload.unchanged += 1
        elif self.may_change(row, report) and self.same_version(row, report, version):
            period = self.period
            self.add(row, IndicatorReport, ("indicator", indicator.pk), version,
                     lambda actor: do_save_indicator_report(
                         actor, indicator, period, version, value=value, unit=unit,
                         evidence=evidence))


class _MilestoneChecker(_Checker):
    spec = MILESTONES
    STATES = {**{label: state for state, label in STATE_LABELS.items()},
              **{state: state for state in STATE_LABELS}}

    def __init__(self, context: _Context, period: ReportingPeriod) -> None:
        super().__init__(context, period)
        self.milestones = {m.node_id: m for m in Milestone.objects.filter(
            period=period, node_id__in=context.owned)}

    def target(self, row: int, cells: dict[str, Any]) -> Milestone | None:
        node = self.node(row, cells)
        if node is None:
            return None
        milestone = self.milestones.get(node.pk)
        if milestone is None:
            self.problem(row, "code", f"'{node.code}'에는 {self.period.label} 추진일정이 등록되어 "
                                      f"있지 않습니다 / '{node.code}' has no milestone for "
                                      f"{self.period.label}")
            return None
        milestone.node = node
        return milestone if self.first(row, node.pk, "code", f"과제번호 '{node.code}'") else None

    def state(self, value: Any) -> str | None:
        text = cell_text(value)
        if not text:
            return None
        if text not in self.STATES:
            choices = "·".join(STATE_LABELS.values())
            raise CellError(f"추진 상태는 {choices} 중 하나입니다: {text!r} / the state must be "
                            f"one of {choices}: {text!r}")
        return self.STATES[text]

    def values(self, row: int, cells: dict[str, Any]) -> dict[str, Any]:
        return {"achieved": cell_text(cells["achieved"].value) if "achieved" in cells else "",
                "state": self.parsed(row, cells, "state", self.state),
                "delay_reason": (cell_text(cells["delay_reason"].value)
                                 if "delay_reason" in cells else ""),
                "completed_on": self.parsed(row, cells, "completed_on", parse_date)}

    def compare(self, row: int, milestone: Milestone, version: int | None,
                values: dict[str, Any]) -> None:
        new = {**values, "state": values["state"] or milestone.state}
        if all(getattr(milestone, name) == value for name, value in new.items()):
            self.upload.unchanged += 1
        elif self.may_change(row, milestone) and self.same_version(row, milestone, version):
            node, period = milestone.node, self.period
            self.add(row, Milestone, ("node", node.pk), version,
                     lambda actor: do_save_milestone(actor, node, period, version, **new))


def messages_by_field(exc: ValidationError) -> dict[str, list[str]]:
    """Return a ValidationError's messages by field ("" for those of no field)."""
    if hasattr(exc, "error_dict"):
        return dict(exc.message_dict)
    return {"": list(exc.messages)}


def conflict_reason(spec: SheetSpec, entry: models.Model, version: int | None) -> str:
    """Say who changed an entry since the download, when, and which of its columns."""
    event = (AuditEvent.objects.filter(target_type=entry._meta.label_lower,
                                       target_id=str(entry.pk)).order_by("-at", "-id").first())
    who = event.actor_name if event else "?"
    when = timezone.localtime(event.at).strftime("%Y-%m-%d %H:%M") if event else "?"
    changed = [c for c in spec.columns if c.entry and event and c.name in event.changes]
    ko = ", ".join(c.header for c in changed) or "결재 상태"
    en = ", ".join(c.name for c in changed) or "status"
    now = getattr(entry, "version", "?")
    downloaded = version if version is not None else "-"
    return (f"충돌: 내려받은 뒤 {who}{josa(who, '이가')} {when}에 바꿨습니다({ko}; 버전 {downloaded} → {now}). "
            f"새 서식을 내려받아 다시 입력하십시오 / conflict: {who} changed it at {when} after "
            f"the download ({en}; version {downloaded} → {now}); download a new template and "
            f"enter again")


# --- saving -----------------------------------------------------------------------------------


@transaction.atomic
def do_save_bulk_upload(actor: Any, upload: BulkUpload) -> int:
    """Save every changed row of a checked upload in one transaction, or none; return the count.

    Each row goes through its action (permission, period state, values, audit). This is also
    the last check: when the upload had problems, or any action refuses a row, every problem
    is raised together as BulkRefused and the transaction rolls back.
    """
    # Lock the periods first: single saves lock them too, so none slips in between our
    # version check and our writes.
    list(ReportingPeriod.objects.select_for_update()
         .filter(pk__in={c.key[2] for c in upload.changes}).order_by("pk"))
    current = _current_entries(upload.changes)
    problems = list(upload.problems)
    batch: list[Change] = []
    for change in upload.changes:
        entry = current.get((change.model, change.key))
        if (entry.version if entry else None) != change.expected_version:
            reason = (conflict_reason(change.spec, entry, change.expected_version) if entry
                      else "저장된 실적이 없습니다 / there is no saved entry")
            problems.append(Problem(change.spec.title, change.row,
                                    change.spec.column("version").label, reason))
        elif change.item is not None:
            batch.append(change)
        else:
            problems += _save_row(actor, change)
    if batch and not problems:
        try:
            do_save_executions(actor, upload.period, [c.item for c in batch if c.item])
        except BatchRefused as refused:
            for index, exc in refused.problems.items():
                problems += _problems_of(batch[index], exc)
        except (ValidationError, PermissionDenied) as exc:  # the period itself was refused
            problems += _problems_of(batch[0], exc)
    if problems:
        raise BulkRefused(problems)  # leaving the atomic block by an exception rolls back
    return len(upload.changes)


def _current_entries(changes: list[Change]) -> dict[tuple[Any, tuple[str, int, int]], Any]:
    """Return the entries the changes would touch as they are now, in one query per kind."""
    found: dict[tuple[Any, tuple[str, int, int]], Any] = {}
    wanted: dict[tuple[type[ApprovalEntry], str], set[int]] = {}
    for change in changes:
        wanted.setdefault((change.model, change.key[0]), set()).add(change.key[1])
    periods = {change.key[2] for change in changes}
    for (model, owner), ids in wanted.items():
        entries = model._default_manager.filter(**{f"{owner}_id__in": ids,
                                                   "period_id__in": periods})
        for entry in entries:
            found[(model, (owner, getattr(entry, f"{owner}_id"), entry.period_id))] = entry
    return found


def _save_row(actor: Any, change: Change) -> list[Problem]:
    try:
        change.save(actor)
    except (EditConflict, PermissionDenied, ValidationError) as exc:
        return _problems_of(change, exc)
    return []


def _problems_of(change: Change, exc: Exception) -> list[Problem]:
    """Turn an action's refusal of a row into report lines naming the sheet, row and column."""
    spec = change.spec
    if isinstance(exc, EditConflict):
        return [Problem(spec.title, change.row, spec.column("version").label, str(exc))]
    if isinstance(exc, PermissionDenied):
        return [Problem(spec.title, change.row, spec.column("code").label, str(exc))]
    assert isinstance(exc, ValidationError)
    return [Problem(spec.title, change.row, spec.column(name).label, " ".join(messages))
            for name, messages in messages_by_field(exc).items()]
