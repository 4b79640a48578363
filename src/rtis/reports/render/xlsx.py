"""XLSX: one worksheet per table, plus a first "개요" sheet that lists them.

Each table sheet has the caption in row 1, the unit line in row 2, the header row in row 3 (the
unit is repeated in the header of every numeric column, e.g. "예산현액 (백만원)") and the data
rows from row 4, with the footnote right below. Numbers are stored as numbers (int, or float for
Decimals with a fraction) and only *formatted* ("#,##0", "#,##0.0", ...): a reader who sums a
column in Excel gets the same figures as the printed report. No formulas are written, ever; a
text cell that starts with "=" stays text.

The output is deterministic: the same Report gives the same bytes (document properties dated
at the report's as-of date, 00:00 UTC, and the zip rewritten with fixed entry timestamps).

Excel keeps 15 significant digits: numbers with more digits than that lose precision, as they
would when typed into Excel.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import unicodedata
import zipfile
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.hyperlink import Hyperlink
from openpyxl.writer.excel import ExcelWriter

from rtis.lib.report_model import Report, Row, Section, TableBlock, Value, format_number

OVERVIEW_SHEET = "개요"
MAX_SHEET_NAME = 31  # Excel's limit, in UTF-16 code units
HEADER_ROW = 3  # caption, unit line, header
FIRST_DATA_ROW = HEADER_ROW + 1

_FORBIDDEN_IN_SHEET_NAME = re.compile(r"[\[\]:*?/\\]")
_RESERVED_SHEET_NAMES = {"history"}  # Excel reserves "History" (any case)
_OWN_UNIT = re.compile(r"\([^()]*\)\s*$")  # a header that already names its unit: "집행률(%)"
_NOT_XML = re.compile("[\ud800-\udfff\ufffe\uffff]")  # XML 1.0 cannot carry these either
_FOOTNOTE_MARKERS = ("※", "*", "주", "자료")  # as the PDF renderer: other footnotes get "※ "

_FONT_NAME = "맑은 고딕"
_FONT = Font(name=_FONT_NAME, size=10)
_FONT_BOLD = Font(name=_FONT_NAME, size=10, bold=True)
_FONT_TITLE = Font(name=_FONT_NAME, size=16, bold=True)
_FONT_CAPTION = Font(name=_FONT_NAME, size=13, bold=True)
_FONT_SMALL = Font(name=_FONT_NAME, size=9)
_FONT_LINK = Font(name=_FONT_NAME, size=10, color="FF0563C1", underline="single")
_THIN = Side(style="thin", color="FF808080")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_FILL_HEADER = PatternFill(fill_type="solid", fgColor="FFD9D9D9")
_FILL_ROW = {"total": PatternFill(fill_type="solid", fgColor="FFEDEDED"),
             "subtotal": PatternFill(fill_type="solid", fgColor="FFF5F5F5")}
_ALIGN_HEADER = Alignment(horizontal="center", vertical="center", wrap_text=True)
_ALIGN_RIGHT = Alignment(horizontal="right", vertical="center")
_MAX_INDENT = 15
_MIN_WIDTH, _MAX_WIDTH = 8.0, 60.0


def render_xlsx(report: Report) -> bytes:
    """Render the report's tables as an .xlsx workbook (bytes); the same Report, the same bytes."""
    workbook = Workbook()
    overview = workbook.active
    overview.title = OVERVIEW_SHEET

    entries: list[tuple[str, TableBlock, Section]] = []
    names = sheet_names(report.tables())
    placed = iter(names)
    for section in report.sections:
        for block in section.blocks:
            if isinstance(block, TableBlock):
                name = next(placed)
                _write_table(workbook.create_sheet(title=name), block)
                entries.append((name, block, section))

    _write_overview(overview, report, entries)

    midnight = dt.datetime(report.as_of.year, report.as_of.month, report.as_of.day)
    props = workbook.properties
    props.created = props.modified = midnight  # openpyxl writes these as UTC
    props.creator = _text(report.organisation) or None
    props.lastModifiedBy = None
    props.title = _text(report.title) or None
    props.subject = _text(report.subtitle) or None

    buffer = io.BytesIO()
    # Not workbook.save(): save_workbook() stamps properties.modified with the current time.
    archive = zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, allowZip64=True)
    ExcelWriter(workbook, archive).save()  # closes the archive
    return _normalise_zip(buffer.getvalue(), midnight)


# --- sheet names ---------------------------------------------------------------------------


def sheet_names(tables: Iterable[TableBlock]) -> list[str]:
    """A valid, unique sheet name per table, in order: from its key, else its caption.

    Excel forbids []:*?/\\ and a leading or trailing apostrophe, allows 31 characters, and
    compares names without regard to case; "개요" is taken by the overview sheet.
    """
    taken = {OVERVIEW_SHEET.casefold()}
    names = []
    for number, table in enumerate(tables, start=1):
        base = _clean_sheet_name(table.key) or _clean_sheet_name(table.caption) or f"표{number}"
        if base.casefold() in _RESERVED_SHEET_NAMES:
            base = f"{base}_"
        name, counter = _truncate_utf16(base, MAX_SHEET_NAME), 1
        while name.casefold() in taken:
            counter += 1
            suffix = f" ({counter})"
            name = _truncate_utf16(base, MAX_SHEET_NAME - len(suffix)).rstrip(" '") + suffix
        taken.add(name.casefold())
        names.append(name)
    return names


def _clean_sheet_name(text: str) -> str:
    text = _FORBIDDEN_IN_SHEET_NAME.sub("_", _text(text))
    text = " ".join(text.split())  # no line breaks or tabs in a tab label
    return _truncate_utf16(text, MAX_SHEET_NAME).strip(" '")


def _truncate_utf16(text: str, limit: int) -> str:
    """The longest prefix of `text` that is at most `limit` UTF-16 code units long."""
    length = 0
    for index, char in enumerate(text):
        length += 2 if ord(char) > 0xFFFF else 1
        if length > limit:
            return text[:index]
    return text


# --- the sheets ----------------------------------------------------------------------------


def header_text(table: TableBlock, column: int) -> str:
    """The header of a column: numeric columns carry the table's unit, "예산현액 (백만원)".

    A header that already ends with a unit in parentheses ("집행률(%)") is left as it is.
    """
    text = _text(table.columns[column])
    if table.unit and table.decimals_of(column) is not None and not _OWN_UNIT.search(text):
        return f"{text} ({_text(table.unit)})"
    return text


def number_format(decimals: int | None) -> str:
    """The Excel format of a numeric column: thousands separators, the column's decimals."""
    places = max(decimals or 0, 0)
    return "#,##0." + "0" * places if places else "#,##0"


def _write_table(ws: Any, table: TableBlock) -> None:
    width = max([len(table.columns), *(len(row.cells) for row in table.rows)], default=0)
    widths = [0.0] * width

    ws.cell(row=1, column=1, value=_text(table.caption) or None).font = _FONT_CAPTION
    ws.cell(row=2, column=1, value=_text(table.unit_caption) or None).font = _FONT_SMALL

    for index in range(width):
        text = header_text(table, index) if index < len(table.columns) else ""
        cell = ws.cell(row=HEADER_ROW, column=index + 1, value=text or None)
        cell.font, cell.fill, cell.border, cell.alignment = (
            _FONT_BOLD, _FILL_HEADER, _BORDER, _ALIGN_HEADER)
        _force_text(cell)
        widths[index] = max(widths[index], _display_width(text))

    for offset, row in enumerate(table.rows):
        _write_row(ws, table, row, FIRST_DATA_ROW + offset, width, widths)

    footnote = _text(table.footnote).strip()
    if footnote:
        if not footnote.startswith(_FOOTNOTE_MARKERS):
            footnote = f"※ {footnote}"
        for offset, line in enumerate(footnote.split("\n")):
            cell = ws.cell(row=FIRST_DATA_ROW + len(table.rows) + offset, column=1,
                           value=line or None)
            cell.font = _FONT_SMALL
            _force_text(cell)

    for index, chars in enumerate(widths):
        ws.column_dimensions[get_column_letter(index + 1)].width = _column_width(chars)
    ws.freeze_panes = ws.cell(row=FIRST_DATA_ROW, column=1).coordinate
    _print_setup(ws, landscape=width > 6)
    ws.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"


def _write_row(ws: Any, table: TableBlock, row: Row, row_number: int, width: int,
               widths: list[float]) -> None:
    emphasised = row.style in _FILL_ROW
    indent = min(max(row.indent, 0), _MAX_INDENT)
    for index in range(width):
        value = row.cells[index] if index < len(row.cells) else None
        decimals = table.decimals_of(index)
        cell = ws.cell(row=row_number, column=index + 1, value=_cell_value(value))
        cell.border = _BORDER
        cell.font = _FONT_BOLD if emphasised else _FONT
        if emphasised:
            cell.fill = _FILL_ROW[row.style]
        if isinstance(value, str):
            _force_text(cell)
            if decimals is not None:
                cell.alignment = _ALIGN_RIGHT  # e.g. "-" or "해당없음" in a numeric column
        elif value is not None or decimals is not None:
            cell.number_format = number_format(decimals)
        if index == 0 and indent:
            cell.alignment = Alignment(indent=indent, vertical="center")
        shown = "" if value is None else format_number(value, decimals)
        extra = 2 * indent if index == 0 else 0
        widths[index] = max(widths[index], _display_width(_text(shown)) + extra)


def _write_overview(ws: Any, report: Report, entries: list[tuple[str, TableBlock, Section]]) -> None:
    ws.cell(row=1, column=1, value=_text(report.title) or None).font = _FONT_TITLE
    ws.cell(row=2, column=1, value=_text(report.subtitle) or None).font = _FONT_CAPTION
    facts: list[tuple[str, Any]] = [("기관", _text(report.organisation) or None),
                                    ("기준일", report.as_of)]
    for offset, (label, value) in enumerate(facts):
        ws.cell(row=4 + offset, column=1, value=label).font = _FONT_BOLD
        cell = ws.cell(row=4 + offset, column=2, value=value)
        cell.font = _FONT
        if isinstance(value, dt.date):
            cell.number_format = 'yyyy"."mm"."dd"."'
            cell.alignment = Alignment(horizontal="left")
        else:
            _force_text(cell)

    ws.cell(row=7, column=1, value="표 목록").font = _FONT_CAPTION
    headers = ["번호", "시트", "표 제목", "장·절", "단위"]
    widths = [float(_display_width(h)) for h in headers]
    widths[0] = max(widths[0], _display_width("기준일"))
    widths[1] = max(widths[1], _display_width("2022.01.21."),
                    _display_width(_text(report.organisation)))
    for index, text in enumerate(headers):
        cell = ws.cell(row=8, column=index + 1, value=text)
        cell.font, cell.fill, cell.border, cell.alignment = (
            _FONT_BOLD, _FILL_HEADER, _BORDER, _ALIGN_HEADER)
    for number, (name, table, section) in enumerate(entries, start=1):
        values: list[Any] = [number, name, _text(table.caption) or None,
                             _text(section.heading) or None, _text(table.unit) or None]
        for index, value in enumerate(values):
            cell = ws.cell(row=8 + number, column=index + 1, value=value)
            cell.font, cell.border = _FONT, _BORDER
            if isinstance(value, str):
                _force_text(cell)
            widths[index] = max(widths[index], _display_width(str(value or "")))
        link = ws.cell(row=8 + number, column=2)
        link.hyperlink = Hyperlink(ref=link.coordinate, location=f"{_quote_sheet(name)}!A1")
        link.font = _FONT_LINK

    for index, chars in enumerate(widths):
        ws.column_dimensions[get_column_letter(index + 1)].width = _column_width(chars)
    _print_setup(ws, landscape=False)


def _print_setup(ws: Any, *, landscape: bool) -> None:
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0  # as many pages tall as needed
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    ws.oddFooter.center.text = "- &P / &N -"


# --- values --------------------------------------------------------------------------------


def _cell_value(value: Value) -> int | float | str | None:
    """The value to store: numbers as int or float (never text), None as an empty cell."""
    if value is None or isinstance(value, str):
        return _text(value) if value else None
    if isinstance(value, bool):  # not a Value, but an int to Python: store 0/1, not TRUE/FALSE
        return int(value)
    if isinstance(value, int):
        return value
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise ValueError(f"cannot store {value} in a spreadsheet cell")
        if value == value.to_integral_value():
            return int(value)
        return float(value)
    raise TypeError(f"unexpected cell value {value!r}")


def _force_text(cell: Any) -> None:
    """Keep a text cell text: openpyxl would take "=..." for a formula."""
    if isinstance(cell.value, str):
        cell.data_type = "s"


def _text(text: str | None) -> str:
    """Text as XML can carry it: no control characters, "\\n" for line breaks."""
    if not text:
        return ""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return _NOT_XML.sub("", str(ILLEGAL_CHARACTERS_RE.sub("", text)))


def _quote_sheet(name: str) -> str:
    return "'" + name.replace("'", "''") + "'"


def _display_width(text: str) -> int:
    """Width in Latin characters: Korean (wide) characters count double."""
    longest = 0
    for line in text.split("\n"):
        longest = max(longest, sum(2 if unicodedata.east_asian_width(c) in "WF" else 1
                                   for c in line))
    return longest


def _column_width(chars: float) -> float:
    return min(max(chars + 2, _MIN_WIDTH), _MAX_WIDTH)


# --- determinism ---------------------------------------------------------------------------


def _normalise_zip(data: bytes, when: dt.datetime) -> bytes:
    """Rewrite the package with fixed entry timestamps and a fixed entry order."""
    year = min(max(when.year, 1980), 2107)  # what a zip entry can hold
    date_time = (year, when.month, when.day, 0, 0, 0)
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        names = sorted(source.namelist(), key=lambda n: (n != "[Content_Types].xml", n))
        for name in names:
            info = zipfile.ZipInfo(name, date_time=date_time)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3  # the default depends on the platform
            info.external_attr = 0o644 << 16
            target.writestr(info, source.read(name), compresslevel=6)
    return out.getvalue()
