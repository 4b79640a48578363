"""Applications received outside RTIS, imported by an R&D manager from one XLSX sheet.

The sheet "신청" has one header row (the column titles below, any order; the yearly funds are
columns "2026년 신청 시비(원)" for the call's years) and one application per row. Reading uses
the house's safe extractor (rtis.ingest.tables: size, ZIP and XML limits, no formulas). Every
problem names the file, sheet, Excel row, column and reason; if there is one, nothing is saved
(rtis.rnd.actions.do_import_applications runs all rows in one transaction).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from rtis.ingest.tables import ExtractedTable, TableImportError, extract_tables

SHEET = "신청"
# Column title -> field name. The starred ones are required.
COLUMNS = {
    "기관명": "organisation_name",
    "사업자등록번호": "business_number",
    "기관 유형": "kind",
    "과제명": "title",
    "과제 요약": "summary",
    "연구책임자": "pi_name",
    "연구책임자 부서": "pi_department",
    "연구책임자 이메일": "pi_email",
    "민간부담금(원)": "private_matching_won",
    "수행 시작일": "period_start",
    "수행 종료일": "period_end",
    "과학기술표준분류": "science_class",
    "6T 분류": "six_t",
    "연구개발단계": "development_phase",
    "연구수행주체": "performer_type",
}
REQUIRED = ("기관명", "기관 유형", "과제명", "연구책임자")
FUNDS_RE = re.compile(r"^(\d{4})년 신청 시비\(원\)$")
MAX_ROWS = 2000


@dataclass(frozen=True)
class Problem:
    """One reason the import is refused: where (file, sheet, Excel row, column) and why."""

    file: str
    sheet: str
    row: int | None
    column: str
    reason: str

    def __str__(self) -> str:
        where = f"{self.file} · {self.sheet}"
        if self.row:
            where += f" · {self.row}행"
        if self.column:
            where += f" · {self.column}"
        return f"{where}: {self.reason}"


class ImportRefused(Exception):
    """The file is refused as a whole; nothing was saved."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("; ".join(str(p) for p in problems[:3]))


@dataclass
class Row:
    """One application as read from the sheet, with the Excel row and each field's column."""

    number: int
    values: dict[str, Any] = field(default_factory=dict)
    funds: dict[str, int] = field(default_factory=dict)
    columns: dict[str, str] = field(default_factory=dict)  # field -> column title


def _number(text: str) -> int:
    cleaned = text.replace(",", "").strip()
    if not re.fullmatch(r"\d+", cleaned):
        raise ValueError(f"0 이상의 정수(원)가 아닙니다: '{text}' / not a whole number of won: "
                         f"'{text}'")
    return int(cleaned)


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text.strip()[:10])
    except ValueError as exc:
        raise ValueError(f"날짜(YYYY-MM-DD)가 아닙니다: '{text}' / not a date (YYYY-MM-DD): "
                         f"'{text}'") from exc


def _sheet(tables: list[ExtractedTable], file_name: str) -> ExtractedTable:
    for table in tables:
        if (table.sheet or "").strip() == SHEET:
            return table
    raise ImportRefused([Problem(file_name, SHEET, None, "",
                                 f"'{SHEET}' 시트가 없습니다 / no sheet named '{SHEET}'")])


def read_applications(data: bytes, file_name: str) -> list[Row]:
    """Read the rows of the "신청" sheet, or raise ImportRefused naming every problem."""
    try:
        tables = extract_tables(data, file_name)
    except TableImportError as exc:
        raise ImportRefused([Problem(file_name, "", None, "", exc.reason)]) from exc
    table = _sheet(tables, file_name)
    if not table.cells:
        raise ImportRefused([Problem(file_name, SHEET, None, "", "빈 시트입니다 / the sheet is "
                                                               "empty")])
    header = [c.strip() for c in table.cells[0]]
    problems = [Problem(file_name, SHEET, 1, title, f"필수 열이 없습니다 / required column "
                                                    f"missing: {title}")
                for title in REQUIRED if title not in header]
    if len(table.cells) - 1 > MAX_ROWS:
        problems.append(Problem(file_name, SHEET, None, "", f"행이 너무 많습니다 (최대 {MAX_ROWS}) / "
                                                            f"too many rows (limit {MAX_ROWS})"))
    if problems:
        raise ImportRefused(problems)
    rows: list[Row] = []
    for index, cells in enumerate(table.cells[1:], start=2):
        if not any(c.strip() for c in cells):
            continue
        row = Row(index)
        for title, text in zip(header, cells, strict=False):
            text = text.strip()
            funds = FUNDS_RE.match(title)
            try:
                if funds and text:
                    row.funds[funds.group(1)] = _number(text)
                    row.columns["requested_funds"] = title
                elif title in COLUMNS:
                    name = COLUMNS[title]
                    row.columns[name] = title
                    if name == "private_matching_won":
                        row.values[name] = _number(text) if text else 0
                    elif name in {"period_start", "period_end"}:
                        row.values[name] = _date(text) if text else None
                    else:
                        row.values[name] = text
            except ValueError as exc:
                problems.append(Problem(file_name, SHEET, index, title, str(exc)))
        for title in REQUIRED:
            if not row.values.get(COLUMNS[title]):
                problems.append(Problem(file_name, SHEET, index, title,
                                        "값이 없습니다 / the value is missing"))
        rows.append(row)
    if problems:
        raise ImportRefused(problems)
    if not rows:
        raise ImportRefused([Problem(file_name, SHEET, None, "", "신청 행이 없습니다 / no "
                                                                 "application rows")])
    return rows
