"""CSV and XLSX downloads of a dashboard table: money in won, numbers stored as numbers.

A Sheet is what a page's table holds, unformatted: amounts in integer won (the header names the
unit, "예산현액(원)"), rates as Decimals, blanks as None. CSV is UTF-8 with a BOM (Excel reads it)
and a header row; XLSX has the title in row 1, the filters in row 2 and the header in row 3.
Text is never a formula: a cell starting with "=", "+", "-" or "@" is kept as text.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from decimal import Decimal

from django.http import HttpResponse
from openpyxl import Workbook
from openpyxl.styles import Font

Cell = str | int | Decimal | None
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HEADER_ROW = 3
_FORMULA_START = ("=", "+", "-", "@")


@dataclass
class Sheet:
    """A table to download: title, a line saying which filters made it, header and rows."""

    title: str
    note: str
    headers: list[str]
    rows: list[list[Cell]] = field(default_factory=list)


def _csv_text(value: Cell) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        # A spreadsheet would run "=…" as a formula (CSV injection): quote it as text.
        return "'" + value if value.startswith(_FORMULA_START) else value
    return str(value)


def render_csv(sheet: Sheet) -> bytes:
    """Return the sheet as CSV (UTF-8 with BOM), header first."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(sheet.headers)
    for row in sheet.rows:
        writer.writerow([_csv_text(v) for v in row])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def _number_format(value: int | Decimal) -> str:
    if isinstance(value, int):
        return "#,##0"
    exponent = value.as_tuple().exponent
    places = -exponent if isinstance(exponent, int) and exponent < 0 else 0
    return "#,##0" + ("." + "0" * places if places else "")


def render_xlsx(sheet: Sheet) -> bytes:
    """Return the sheet as an .xlsx workbook: numbers as numbers, formatted, never formulas."""
    workbook = Workbook()
    ws = workbook.active
    ws.title = "현황"
    ws.cell(row=1, column=1, value=sheet.title).font = Font(bold=True, size=13)
    ws.cell(row=2, column=1, value=sheet.note)
    for column, header in enumerate(sheet.headers, start=1):
        ws.cell(row=HEADER_ROW, column=column, value=header).font = Font(bold=True)
        ws.column_dimensions[ws.cell(row=HEADER_ROW, column=column).column_letter].width = max(
            10, min(40, len(header) * 2))
    for r, row in enumerate(sheet.rows, start=HEADER_ROW + 1):
        for c, value in enumerate(row, start=1):
            cell = ws.cell(row=r, column=c)
            if isinstance(value, bool):
                cell.value = str(value)
            elif isinstance(value, int | Decimal):
                cell.value = value
                cell.number_format = _number_format(value)
            else:
                cell.value = value
                if isinstance(value, str) and value.startswith("="):
                    cell.data_type = "s"  # openpyxl would otherwise write a formula
    ws.freeze_panes = ws.cell(row=HEADER_ROW + 1, column=1)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def download(sheet: Sheet, fmt: str, name: str) -> HttpResponse:
    """Return the sheet as a download in "csv" or "xlsx"."""
    if fmt == "csv":
        response = HttpResponse(render_csv(sheet), content_type="text/csv; charset=utf-8")
    else:
        response = HttpResponse(render_xlsx(sheet), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response
