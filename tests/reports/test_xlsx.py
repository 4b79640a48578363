"""The XLSX renderer: every table cell for cell, numbers as numbers, deterministic bytes."""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from decimal import Decimal
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from rtis.lib.report_model import Report, Row, Section, TableBlock, Value, sample_report
from rtis.reports.render.xlsx import (
    FIRST_DATA_ROW,
    HEADER_ROW,
    OVERVIEW_SHEET,
    header_text,
    number_format,
    render_xlsx,
    sheet_names,
)

FORBIDDEN = set("[]:*?/\\")


def open_workbook(data: bytes) -> Any:
    return load_workbook(io.BytesIO(data), data_only=False)


def report_of(*tables: TableBlock) -> Report:
    return Report(kind="test", title="시험", as_of=dt.date(2024, 3, 1),
                  sections=[Section("Ⅰ. 표", 1, list(tables))])


def assert_cell_equals(got: Any, expected: Value, where: str) -> None:
    if expected is None or expected == "":
        assert got is None, where
    elif isinstance(expected, str):
        assert got == expected, where
    else:
        assert isinstance(got, int | float) and not isinstance(got, bool), (where, got)
        if isinstance(expected, int):
            assert isinstance(got, int) and got == expected, (where, got)
        else:
            assert Decimal(str(got)) == expected, (where, got)


def expected_footnote(table: TableBlock) -> str | None:
    text = table.footnote.strip()
    if not text:
        return None
    return text if text.startswith(("※", "*", "주", "자료")) else f"※ {text}"


def assert_table_round_trips(ws: Any, table: TableBlock) -> None:
    """The sheet holds the table: caption, unit line, header, every cell, footnote."""
    assert ws.cell(1, 1).value == (table.caption or None)
    assert ws.cell(2, 1).value == (table.unit_caption or None)
    width = max([len(table.columns), *(len(r.cells) for r in table.rows)], default=0)
    for index, column in enumerate(table.columns):
        header = ws.cell(HEADER_ROW, index + 1).value
        assert header == (header_text(table, index) or None)
        assert (header or "").startswith(column)
    for offset, row in enumerate(table.rows):
        for index in range(width):
            expected = row.cells[index] if index < len(row.cells) else None
            cell = ws.cell(FIRST_DATA_ROW + offset, index + 1)
            assert_cell_equals(cell.value, expected, f"{ws.title}!{cell.coordinate}")
            if expected is not None and not isinstance(expected, str):
                assert cell.number_format == number_format(table.decimals_of(index))
            assert cell.font.b == (row.style in ("total", "subtotal"))
            if row.style in ("total", "subtotal"):
                assert cell.fill.fill_type == "solid"
        if row.indent > 0:
            assert ws.cell(FIRST_DATA_ROW + offset, 1).alignment.indent == min(row.indent, 15)
    footnote_row = FIRST_DATA_ROW + len(table.rows)
    assert ws.cell(footnote_row, 1).value == expected_footnote(table)
    assert ws.max_row <= footnote_row


# --- the sample report ------------------------------------------------------------------


def test_every_table_of_the_sample_is_a_sheet_cell_for_cell() -> None:
    report = sample_report()
    wb = open_workbook(render_xlsx(report))
    names = sheet_names(report.tables())
    assert wb.sheetnames == [OVERVIEW_SHEET, *names]
    assert names == ["budget-execution", "targets"]
    for name, table in zip(names, report.tables(), strict=True):
        assert_table_round_trips(wb[name], table)


def test_the_sample_values_are_stored_as_numbers_with_korean_formats() -> None:
    ws = open_workbook(render_xlsx(sample_report()))["budget-execution"]
    assert [c.value for c in ws[FIRST_DATA_ROW]] == ["계", 753976, 41181, 19488, 2.6]
    assert isinstance(ws["B4"].value, int) and ws["B4"].number_format == "#,##0"
    assert isinstance(ws["E4"].value, float) and ws["E4"].number_format == "#,##0.0"
    assert ws["A2"].value == "(단위: 백만원, 2022.01.21. 기준)"
    assert ws["A7"].value == "※ 예산현액 = 본예산 + 예산이체 + 이월액"
    targets = open_workbook(render_xlsx(sample_report()))["targets"]
    assert targets["B4"].value is None  # None is an empty cell, not "-" or 0


def test_numeric_headers_carry_the_unit() -> None:
    wb = open_workbook(render_xlsx(sample_report()))
    headers = [c.value for c in wb["budget-execution"][HEADER_ROW]]
    assert headers == ["부서", "예산현액 (백만원)", "원인행위액 (백만원)", "지출액 (백만원)",
                       "집행률(%)"]  # a header with its own unit keeps it
    assert [c.value for c in wb["targets"][HEADER_ROW]] == ["지표", "2018 (개)", "2019 (개)",
                                                           "계 (개)"]


def test_total_rows_are_bold_with_a_fill_and_rows_indent() -> None:
    table = TableBlock(caption="들여쓰기", columns=["구분", "금액"], decimals=[None, 0], unit="억원",
                       rows=[Row(["계", 10], "total"), Row(["소계", 7], "subtotal"),
                             Row(["세부", 7], indent=2), Row(["기타", Decimal("-3")])])
    ws = open_workbook(render_xlsx(report_of(table)))[sheet_names([table])[0]]
    assert_table_round_trips(ws, table)
    total, subtotal, detail, other = (ws[FIRST_DATA_ROW + i] for i in range(4))
    assert all(c.font.b and c.fill.fill_type == "solid" for c in (*total, *subtotal))
    assert not any(c.font.b for c in detail)
    assert detail[0].alignment.indent == 2
    assert other[1].value == -3 and other[1].number_format == "#,##0"  # shown as "-3"


def test_the_overview_lists_the_report_and_its_tables() -> None:
    report = sample_report()
    ws = open_workbook(render_xlsx(report))[OVERVIEW_SHEET]
    values = [[c.value for c in row] for row in ws.iter_rows()]
    flat = [v for row in values for v in row if v is not None]
    assert ws["A1"].value == report.title
    assert ws["A2"].value == report.subtitle
    assert report.organisation in flat
    assert dt.datetime(2022, 1, 21) in flat  # the as-of date, as a date cell
    listed = {row[1]: row for row in values if row[1] in sheet_names(report.tables())}
    assert listed["budget-execution"][2:4] == ["예산 집행 현황", "Ⅰ. 일반 현황"]
    assert listed["targets"][2:4] == ["핵심 지표", "1. 도심제조 활력 도시"]
    links = [c.hyperlink.location for row in ws.iter_rows() for c in row if c.hyperlink]
    assert links == ["'budget-execution'!A1", "'targets'!A1"]


def test_there_are_no_formulas_anywhere() -> None:
    data = render_xlsx(sample_report())
    for ws in open_workbook(data):
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", cell.coordinate
                assert not (isinstance(cell.value, str) and cell.value.startswith("="))
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for name in archive.namelist():
            if name.startswith("xl/worksheets/"):
                assert not re.search(rb"<f[ >]", archive.read(name)), name


def test_text_that_looks_like_a_formula_stays_text() -> None:
    table = TableBlock(caption="수식", columns=["구분", "비고"],
                       rows=[Row(["=SUM(A1:A3)", "=1+1"])])
    data = render_xlsx(report_of(table))
    ws = open_workbook(data)[sheet_names([table])[0]]
    assert ws["A4"].value == "=SUM(A1:A3)" and ws["A4"].data_type == "s"
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert not re.search(rb"<f[ >]", archive.read("xl/worksheets/sheet2.xml"))


def test_sheets_are_frozen_under_the_header_and_print_on_one_page_wide() -> None:
    wb = open_workbook(render_xlsx(sample_report()))
    ws = wb["budget-execution"]
    assert ws.freeze_panes == "A4"
    assert ws.print_title_rows == "$3:$3"
    assert ws.page_setup.fitToWidth == 1 and ws.page_setup.fitToHeight == 0
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    # Korean characters count double: "경제정책과" is 10 Latin characters wide.
    assert ws.column_dimensions["A"].width >= 10
    assert ws.column_dimensions["B"].width >= len("예산현액 (백만원)") + 4


# --- determinism --------------------------------------------------------------------------


def test_the_same_report_gives_the_same_bytes() -> None:
    first = render_xlsx(sample_report())
    assert render_xlsx(sample_report()) == first
    assert render_xlsx(Report.from_dict(sample_report().to_dict())) == first
    with zipfile.ZipFile(io.BytesIO(first)) as archive:
        infos = archive.infolist()
        assert {info.date_time for info in infos} == {(2022, 1, 21, 0, 0, 0)}
        assert infos[0].filename == "[Content_Types].xml"
        assert [i.filename for i in infos[1:]] == sorted(i.filename for i in infos[1:])
    props = open_workbook(first).properties
    assert props.created == props.modified == dt.datetime(2022, 1, 21)


# --- sheet names --------------------------------------------------------------------------


def assert_valid_sheet_names(names: list[str]) -> None:
    folded = [n.casefold() for n in names]
    assert len(set(folded)) == len(folded)
    for name in names:
        assert name and len(name.encode("utf-16-le")) // 2 <= 31, name
        assert not FORBIDDEN & set(name), name
        assert not name.startswith("'") and not name.endswith("'"), name
        assert name.casefold() != "history"


def test_sheet_names_are_valid_and_unique() -> None:
    long = "서울시 연구개발 및 혁신성장 정책의 부서별 예산 집행 현황 총괄표"
    tables = [TableBlock(caption=c, key=k, columns=["a"], rows=[Row(["x"])]) for c, k in [
        ("예산/결산 [총괄]: 부서*별?", ""), ("예산/결산 [총괄]: 부서*별?", ""), ("예산", ""),
        ("예산", ""), ("예산", ""), (long, ""), (long, ""), ("개요", ""), ("", ""),
        ("'따옴표'", ""), ("History", ""), ("A", ""), ("a", ""), ("무시됨", "budget")]]
    names = sheet_names(tables)
    assert_valid_sheet_names([OVERVIEW_SHEET, *names])
    assert names[0] == "예산_결산 _총괄__ 부서_별_"
    assert names[1] == "예산_결산 _총괄__ 부서_별_ (2)"
    assert names[2:5] == ["예산", "예산 (2)", "예산 (3)"]
    assert names[7] == "개요 (2)" and names[8] == "표9" and names[9] == "따옴표"
    assert names[12] == "a (2)" and names[13] == "budget"
    wb = open_workbook(render_xlsx(report_of(*tables)))
    assert wb.sheetnames == [OVERVIEW_SHEET, *names]
    for name, table in zip(names, tables, strict=True):
        assert_table_round_trips(wb[name], table)


def test_control_characters_are_dropped_not_fatal() -> None:
    table = TableBlock(caption="제어\x00문자", columns=["구\x07분"], rows=[Row(["값\x1b"])])
    wb = open_workbook(render_xlsx(report_of(table)))
    ws = wb[wb.sheetnames[1]]
    assert (ws["A1"].value, ws["A3"].value, ws["A4"].value) == ("제어문자", "구분", "값")


# --- any table -----------------------------------------------------------------------------

TEXT = st.text(st.characters(exclude_categories=("Cc", "Cs"), exclude_characters="\ufffe\uffff",
                             include_characters="\n\t"), max_size=12)
LABEL = st.text(st.characters(exclude_categories=("Cc", "Cs"),
                              exclude_characters="\ufffe\uffff"), max_size=12)
# Excel keeps 15 significant digits; builders round to the printed unit, far below that.
DECIMALS = st.builds(lambda n, places: Decimal(n).scaleb(-places),
                     st.integers(-(10**15) + 1, 10**15 - 1), st.integers(0, 4))
VALUES: st.SearchStrategy[Value] = st.one_of(
    st.none(), TEXT, st.integers(-(10**15) + 1, 10**15 - 1), DECIMALS)


@st.composite
def tables(draw: st.DrawFn) -> TableBlock:
    columns = draw(st.lists(LABEL, min_size=1, max_size=6))
    width = len(columns)
    rows = draw(st.lists(st.builds(
        Row, st.lists(VALUES, min_size=0, max_size=width + 1),
        st.sampled_from(["normal", "subtotal", "total"]), st.integers(0, 5)), max_size=6))
    return TableBlock(
        caption=draw(LABEL), columns=columns, rows=rows, unit=draw(st.sampled_from(
            ["", "백만원", "%", "개"])), as_of=draw(st.none() | st.dates()),
        footnote=draw(LABEL), decimals=draw(st.lists(st.none() | st.integers(0, 3),
                                                     min_size=width, max_size=width)),
        key=draw(st.sampled_from(["", "t", "표"]) | LABEL))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tables())
def test_any_table_round_trips_cell_for_cell(table: TableBlock) -> None:
    report = report_of(table)
    data = render_xlsx(report)
    wb = open_workbook(data)
    names = sheet_names([table])
    assert_valid_sheet_names([OVERVIEW_SHEET, *names])
    assert wb.sheetnames == [OVERVIEW_SHEET, *names]
    assert_table_round_trips(wb[names[0]], table)
    assert render_xlsx(report) == data
