"""The HWPX renderer: what python-hwpx reads back is the report's content, valid and repeatable."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import os
import subprocess
import sys
import zipfile
from decimal import Decimal
from pathlib import Path
from typing import Any

from hwpx import HwpxDocument
from hwpx.tools.package_validator import validate_editor_open_safety, validate_package
from hwpx.tools.validator import validate_document

from rtis.lib.report_model import (
    Paragraph,
    Report,
    Row,
    Section,
    TableBlock,
    format_number,
    sample_report,
)
from rtis.reports.render.hwpx import render_hwpx

PREFIX = {"body": "", "bullet": "○ ", "note": "※ "}


def expected_content(report: Report) -> list[Any]:
    """Body paragraphs' texts and tables' grids, in document order, as the renderer prints them."""
    items: list[Any] = [report.organisation, report.title]
    if report.subtitle:
        items.append(report.subtitle)
    items.append(f"({report.as_of:%Y.%m.%d.} 기준)")
    for section in report.sections:
        items.append(section.heading)
        for block in section.blocks:
            if isinstance(block, Paragraph):
                items.append(PREFIX[block.style] + block.text)
                continue
            if block.caption:
                items.append(block.caption)
            if block.unit_caption:
                items.append(block.unit_caption)
            items.append([list(block.columns)] + [
                [format_number(value, block.decimals_of(i)) for i, value in enumerate(row.cells)]
                for row in block.rows])
            if block.footnote:
                items.append(f"주: {block.footnote}")
    return items


def read_back(data: bytes) -> list[Any]:
    """What python-hwpx reads: paragraph texts, and each table as a grid of cell texts."""
    items: list[Any] = []
    with HwpxDocument.open(data) as doc:
        for paragraph in doc.paragraphs:
            if paragraph.tables:
                for table in paragraph.tables:
                    items.append([[entry.cell.text for entry in row]
                                  for row in table.get_cell_map()])
            else:
                items.append(paragraph.text)
    return items


def assert_valid(data: bytes) -> None:
    document = validate_document(data)
    assert document.ok, document.issues
    assert not document.issues, document.issues  # no schema lint either
    package = validate_package(data)
    assert package.ok, package.errors
    safety = validate_editor_open_safety(data)
    assert safety.ok, safety.summary


def test_sample_report_reads_back_as_its_content() -> None:
    report = sample_report()
    assert read_back(render_hwpx(report)) == expected_content(report)


def test_sample_report_passes_python_hwpx_validation() -> None:
    data = render_hwpx(sample_report())
    assert_valid(data)
    with HwpxDocument.open(data) as doc:
        assert doc.validate().ok


def test_same_report_gives_the_same_bytes() -> None:
    report = sample_report()
    first = render_hwpx(report)
    assert render_hwpx(report) == first
    assert render_hwpx(Report.from_dict(report.to_dict())) == first  # e.g. from a snapshot


def test_same_bytes_in_another_process() -> None:
    """Another interpreter (other hash seed, other random state) writes the same file."""
    script = ("import hashlib, sys; from rtis.lib.report_model import sample_report; "
              "from rtis.reports.render.hwpx import render_hwpx; "
              "sys.stdout.write(hashlib.sha256(render_hwpx(sample_report())).hexdigest())")
    src = Path(__file__).resolve().parents[2] / "src"
    env = {**os.environ, "PYTHONHASHSEED": "12345",
           "PYTHONPATH": os.pathsep.join([str(src), os.environ.get("PYTHONPATH", "")])}
    other = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True,
                           text=True, check=True, timeout=120).stdout
    assert other == hashlib.sha256(render_hwpx(sample_report())).hexdigest()


def test_output_carries_no_clock_and_no_random_ids() -> None:
    data = render_hwpx(sample_report())
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert archive.namelist()[0] == "mimetype"
        assert archive.read("mimetype") == b"application/hwp+zip"
        manifest = archive.read("Contents/content.hpf").decode()
        section = archive.read("Contents/section0.xml").decode()
    assert "<opf:title>표본 보고서</opf:title>" in manifest
    assert "2022-01-21T00:00:00Z" in manifest  # dated by the report's as-of date
    assert "synthetic-fixture-author" not in manifest
    assert '<hp:tbl id="0"' in section and '<hp:tbl id="1"' in section


def test_body_paragraphs_use_the_body_style() -> None:
    with HwpxDocument.open(render_hwpx(sample_report())) as doc:
        body = doc.styles.resolve("바탕글").id
        assert {p.style_id_ref for p in doc.paragraphs} == {str(body)}


def test_header_and_total_rows_are_bold_and_shaded() -> None:
    with HwpxDocument.open(render_hwpx(sample_report())) as doc:
        table = doc.tables[0]

        def bold(row: int, col: int) -> bool:
            style = doc.styles.char_property(table.cell(row, col).paragraphs[0].char_pr_id_ref)
            assert style is not None
            return "bold" in style.child_attributes

        def fill(row: int, col: int) -> str | None:
            return table.cell(row, col).element.get("borderFillIDRef")

        assert all(bold(0, c) and bold(1, c) for c in range(5))  # header, then 계 (total)
        assert not any(bold(2, c) for c in range(5))
        assert fill(0, 0) != fill(2, 0) and fill(1, 0) != fill(2, 0) and fill(0, 0) != fill(1, 0)
        assert table.element.get("repeatHeader") == "1"
        shape = doc.styles.paragraph_property(table.cell(2, 1).paragraphs[0].para_pr_id_ref)
        assert shape is not None and shape.align is not None
        assert shape.align.horizontal == "RIGHT"  # numbers are right-aligned


def test_edge_cases_render_valid_documents() -> None:
    report = Report(
        kind="edge", title="빈 것과 긴 것", as_of=dt.date(2024, 12, 31), subtitle="",
        sections=[
            Section("Ⅰ. 표만", 1, [TableBlock(caption="", columns=["구분", "금액"], rows=[],
                                                decimals=[None, 0])]),
            Section("가. 단계 3", 3, [
                Paragraph("<태그>와 & 기호, \"따옴표\"\t탭", "bullet"),
                TableBlock(caption="들여쓰기와 소계", columns=["구분", "금액", "비고"],
                           unit="천원", decimals=[None, 2, None],
                           rows=[Row(["합계", Decimal("1234567.891"), "총액"], "total"),
                                 Row(["소계", Decimal("-0.005"), None], "subtotal", indent=1),
                                 Row(["세부", 0], "normal", indent=2)]
                           + [Row([f"항목 {i}", i * 1000, "x"]) for i in range(40)]),
            ]),
            Section("빈 절", 2, []),
        ])
    data = render_hwpx(report)
    assert_valid(data)
    items = read_back(data)
    assert items[:5] == ["서울특별시", "빈 것과 긴 것", "(2024.12.31. 기준)", "Ⅰ. 표만",
                         [["구분", "금액"]]]
    assert items[5:9] == ["가. 단계 3", "○ <태그>와 & 기호, \"따옴표\"\t탭", "들여쓰기와 소계",
                          "(단위: 천원)"]
    table = items[9]
    assert table[:4] == [["구분", "금액", "비고"], ["합계", "1,234,567.89", "총액"],
                         ["소계", "-0.01", "-"],
                         ["세부", "0.00", ""]]  # a row shorter than the columns: blank cells
    assert table[-1] == ["항목 39", "39,000.00", "x"] and len(table) == 44
    assert items[10:] == ["빈 절"]
    assert render_hwpx(report) == data
