"""Table extraction from uploaded HWPX and XLSX files, and the refusal of unsafe or unusable ones."""

from __future__ import annotations

import io
import random
import struct
import tracemalloc
import zipfile
from collections.abc import Callable
from typing import Any

import openpyxl
import pytest
from hwpx import HwpxDocument

from rtis.ingest.tables import (
    MAX_ENTRIES,
    MAX_FILE_BYTES,
    ExtractedTable,
    TableImportError,
    extract_tables,
)
from rtis.lib.report_model import format_number, sample_report
from rtis.reports.render.hwpx import render_hwpx

MEMORY_LIMIT = 50 * 1024 * 1024


# --- building test files ----------------------------------------------------------------------


def merged_hwpx() -> bytes:
    """Three tables made with python-hwpx: vertical, horizontal and block merges, a nested one."""
    doc = HwpxDocument.new()
    doc.add_paragraph("첫째 표")
    first = doc.add_table(3, 3)
    for r in range(3):
        for c in range(3):
            first.cell(r, c).text = f"r{r}c{c}"
    first.merge_cells(0, 0, 1, 0).text = "세로"
    first.merge_cells("B3:C3").text = "가로"
    doc.add_paragraph("둘째 표")
    doc.add_paragraph("(단위: 억원)")
    second = doc.add_table(3, 4)
    for r in range(3):
        for c in range(4):
            second.cell(r, c).text = f"{r}-{c}"
    second.merge_cells(0, 1, 1, 2).text = "네 칸"
    second.cell(2, 3).add_table(1, 2).cell(0, 1).text = "안쪽"
    try:
        return doc.to_bytes()
    finally:
        doc.close()


def hwpx_package(section_xml: bytes) -> bytes:
    """A minimal HWPX-looking package whose only section is *section_xml*."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), b"application/hwp+zip")
        archive.writestr("Contents/section0.xml", section_xml)
    return buffer.getvalue()


def workbook_bytes(build: Callable[[Any], None]) -> bytes:
    book = openpyxl.Workbook()
    build(book)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def two_sheets(book: Any) -> None:
    first = book.active
    first.title = "예산"
    first.append(["구분", "2022", "2023", "비고"])
    first.append(["R&D", 1234, 0.1, "신규"])
    first.append(["인력", 1e-05, 2.5, None])
    first.append(["합계", None, None, "해당 없음"])  # text where a number is expected: allowed
    first.merge_cells("B4:C4")
    first["B4"] = 42
    second = book.create_sheet("목표")
    second["A1"] = "지표"
    second.merge_cells("A1:A2")
    second["B1"] = "목표치"
    second.merge_cells("B1:C1")
    second["B2"] = 2022
    second["C2"] = 2023
    second.append(["입주기업", 200, "200개"])


def replace_part(data: bytes, name: str, payload: bytes) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(data))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for info in source.infolist():
            archive.writestr(info, payload if info.filename == name else source.read(info))
    return buffer.getvalue()


def zip_bomb() -> bytes:
    """200 MB of zeros in one entry: about 200 KB on disk, written in chunks to stay light."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), b"application/hwp+zip")
        with archive.open("Contents/section0.xml", "w") as entry:
            chunk = bytes(1024 * 1024)
            for _ in range(200):
                entry.write(chunk)
    return buffer.getvalue()


def lying_zip(declared: Callable[[int], int]) -> bytes:
    """10 MB of zeros whose headers claim `declared(compressed size)` bytes: a bomb hiding from
    the central directory."""
    name = "Contents/section0.xml"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), b"application/hwp+zip")
        archive.writestr(name, bytes(10 * 1024 * 1024))
        size = declared(archive.getinfo(name).compress_size)
    data = bytearray(buffer.getvalue())
    for signature, size_at, name_at in ((b"PK\x03\x04", 22, 30), (b"PK\x01\x02", 24, 46)):
        at = data.find(signature)
        while at != -1:
            if data[at + name_at:at + name_at + len(name)] == name.encode():
                struct.pack_into("<I", data, at + size_at, size)
            at = data.find(signature, at + 4)
    return bytes(data)


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<hs:sec xmlns:hs="http://www.hancom.co.kr/hwpml/2011/section"
        xmlns:hp="http://www.hancom.co.kr/hwpml/2011/paragraph"><hp:p><hp:run><hp:tbl><hp:tr>
<hp:tc><hp:subList><hp:p><hp:run><hp:t>&lol9;</hp:t></hp:run></hp:p></hp:subList></hp:tc>
</hp:tr></hp:tbl></hp:run></hp:p></hs:sec>"""

EXTERNAL_ENTITY = b"""<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE hs:sec [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<hs:sec xmlns:hs="http://www.hancom.co.kr/hwpml/2011/section"
        xmlns:hp="http://www.hancom.co.kr/hwpml/2011/paragraph"><hp:p><hp:run><hp:tbl><hp:tr>
<hp:tc><hp:subList><hp:p><hp:run><hp:t>&xxe;</hp:t></hp:run></hp:p></hp:subList></hp:tc>
</hp:tr></hp:tbl></hp:run></hp:p></hs:sec>"""


def refused(data: bytes, file_name: str) -> TableImportError:
    """Extract, expecting a refusal, and check the refusal cost little memory."""
    tracemalloc.start()
    try:
        with pytest.raises(TableImportError) as caught:
            extract_tables(data, file_name)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < MEMORY_LIMIT, f"peak {peak:,} bytes"
    error = caught.value
    assert str(error).startswith(f"{file_name}: ")
    assert error.file_name == file_name
    assert " / " in error.reason  # Korean / English
    return error


# --- extraction -------------------------------------------------------------------------------


def test_rendered_report_tables_come_back_as_printed() -> None:
    report = sample_report()
    tables = extract_tables(render_hwpx(report), "보고서.hwpx")
    assert [t.index for t in tables] == [0, 1]
    for extracted, block in zip(tables, report.tables(), strict=True):
        assert extracted.caption == block.caption  # the "(단위: ...)" line in between is skipped
        assert extracted.sheet is None and extracted.merges == []
        assert extracted.cells == [block.columns] + [
            [format_number(value, block.decimals_of(i)) for i, value in enumerate(row.cells)]
            for row in block.rows]


def test_hwpx_merged_cells_are_expanded_and_recorded() -> None:
    data = merged_hwpx()
    tables = extract_tables(data, "병합.hwpx")
    assert tables == [
        ExtractedTable(0, "첫째 표", [["세로", "r0c1", "r0c2"],
                                     ["세로", "r1c1", "r1c2"],
                                     ["r2c0", "가로", "가로"]],
                       [(0, 0, 2, 1), (2, 1, 1, 2)]),
        ExtractedTable(1, "둘째 표", [["0-0", "네 칸", "네 칸", "0-3"],
                                     ["1-0", "네 칸", "네 칸", "1-3"],
                                     ["2-0", "2-1", "2-2", "2-3\n"]],  # + the nested table's line
                       [(0, 1, 2, 2)]),
        ExtractedTable(2, "2-3", [["", "안쪽"]], []),  # nested: captioned by its cell's text
    ]
    # The same grids as python-hwpx's own reading.
    with HwpxDocument.open(data) as doc:
        read = [*doc.tables, doc.tables[1].cell(2, 3).tables[0]]
        for extracted, table in zip(tables, read, strict=True):
            grid = table.get_cell_map()
            assert extracted.cells == [[entry.cell.text for entry in row] for row in grid]
            spans = {(*e.anchor, *e.span) for row in grid for e in row if e.span != (1, 1)}
            assert set(extracted.merges) == spans


def test_xlsx_two_sheets_with_merges() -> None:
    tables = extract_tables(workbook_bytes(two_sheets), "계획.xlsx")
    assert tables == [
        ExtractedTable(0, None, [["구분", "2022", "2023", "비고"],
                                 ["R&D", "1234", "0.1", "신규"],
                                 ["인력", "0.00001", "2.5", ""],
                                 ["합계", "42", "42", "해당 없음"]],
                       [(3, 1, 1, 2)], "예산"),
        ExtractedTable(1, None, [["지표", "목표치", "목표치"],
                                 ["지표", "2022", "2023"],
                                 ["입주기업", "200", "200개"]],
                       [(0, 0, 2, 1), (0, 1, 1, 2)], "목표"),
    ]


def test_xlsx_detected_by_content_not_by_name() -> None:
    tables = extract_tables(workbook_bytes(two_sheets), "이름만 hwpx.hwpx")
    assert [t.sheet for t in tables] == ["예산", "목표"]
    assert extract_tables(render_hwpx(sample_report()), "report.xlsx")[0].sheet is None


# --- refusals ---------------------------------------------------------------------------------


def test_random_bytes_are_refused() -> None:
    error = refused(random.Random(7).randbytes(64 * 1024), "무작위.hwpx")
    assert error.code == "not-zip"
    assert "ZIP" in str(error) and "not a ZIP archive" in str(error)


def test_truncated_zip_is_refused() -> None:
    data = workbook_bytes(two_sheets)
    error = refused(data[: len(data) // 2], "잘림.xlsx")
    assert error.code in {"not-zip", "corrupt-zip"}
    assert "손상" in str(error) and "damaged" in str(error)


def test_damaged_entry_is_refused() -> None:
    data = bytearray(workbook_bytes(two_sheets))
    start = data.find(b"xl/worksheets/sheet1.xml") + len(b"xl/worksheets/sheet1.xml")
    for i in range(start + 20, start + 60):  # inside the compressed data of sheet1
        data[i] ^= 0xFF
    error = refused(bytes(data), "깨짐.xlsx")
    assert error.code == "corrupt-zip"
    assert "damaged ZIP archive" in str(error)


def test_zip_bomb_is_refused_before_decompressing() -> None:
    bomb = zip_bomb()
    assert len(bomb) < 1024 * 1024  # the test stays light: 200 MB of zeros compress to ~200 KB
    error = refused(bomb, "폭탄.hwpx")
    assert error.code == "zip-bomb"
    assert "압축 폭탄" in str(error) and "zip bomb" in str(error)


def test_high_compression_ratio_is_refused() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", bytes(10 * 1024 * 1024))  # ~1000:1
    error = refused(buffer.getvalue(), "압축률.xlsx")
    assert error.code == "zip-bomb"
    assert "compression ratio" in str(error) and "xl/worksheets/sheet1.xml" in str(error)


@pytest.mark.parametrize("declared", [
    lambda compressed: 1000,  # less than it stores: caught in the central directory
    lambda compressed: 2 * compressed,  # plausible: caught while reading, by size and CRC
])
def test_zip_lying_about_its_sizes_is_refused(declared: Callable[[int], int]) -> None:
    error = refused(lying_zip(declared), "거짓.hwpx")
    assert error.code in {"corrupt-zip", "zip-bomb"}
    assert "Contents/section0.xml" in str(error)


def test_too_many_entries_are_refused() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for i in range(MAX_ENTRIES + 1):
            archive.writestr(f"x/{i}.txt", b"")
    error = refused(buffer.getvalue(), "많음.xlsx")
    assert error.code == "zip-bomb" and "entries" in str(error)


def test_oversized_file_is_refused() -> None:
    data = b"PK\x03\x04" + bytes(MAX_FILE_BYTES)
    error = refused(data, "큼.xlsx")
    assert error.code == "too-large"
    assert "너무 큽니다" in str(error) and "too large" in str(error)


def test_billion_laughs_is_refused() -> None:
    error = refused(hwpx_package(BILLION_LAUGHS), "웃음.hwpx")
    assert error.code == "xml-doctype"
    assert "Contents/section0.xml" in str(error) and "DOCTYPE" in str(error)


def test_external_entity_is_refused_and_never_read() -> None:
    error = refused(hwpx_package(EXTERNAL_ENTITY), "외부.hwpx")
    assert error.code == "xml-doctype"
    assert "root:" not in str(error)


def test_external_entity_in_utf16_is_refused() -> None:
    xml = EXTERNAL_ENTITY.replace(b'encoding="UTF-8"', b'encoding="UTF-16"').decode()
    error = refused(hwpx_package(xml.encode("utf-16")), "utf16.hwpx")
    assert error.code == "xml-doctype"


def test_external_entity_in_a_worksheet_is_refused() -> None:
    sheet = EXTERNAL_ENTITY.replace(b"hs:sec", b"worksheet")
    data = replace_part(workbook_bytes(two_sheets), "xl/worksheets/sheet1.xml", sheet)
    error = refused(data, "외부.xlsx")
    assert error.code == "xml-doctype" and "xl/worksheets/sheet1.xml" in str(error)


def test_xlsx_with_a_formula_is_refused() -> None:
    def with_formula(book: Any) -> None:
        two_sheets(book)
        book["목표"]["D3"] = "=B3*2"

    error = refused(workbook_bytes(with_formula), "수식.xlsx")
    assert error.code == "formula"
    assert "'목표'!D3" in str(error)
    assert "수식" in str(error) and "formulas" in str(error)


def test_huge_merged_area_is_refused() -> None:
    def huge(book: Any) -> None:
        book.active["A1"] = "x"

    data = workbook_bytes(huge)
    sheet = zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet1.xml")
    sheet = sheet.replace(b"</sheetData>", b'</sheetData><mergeCells count="1">'
                                           b'<mergeCell ref="A1:XFD1048576"/></mergeCells>')
    error = refused(replace_part(data, "xl/worksheets/sheet1.xml", sheet), "넓음.xlsx")
    assert error.code == "too-many-cells"


def test_other_formats_are_refused() -> None:
    docx = io.BytesIO()
    with zipfile.ZipFile(docx, "w") as archive:
        archive.writestr("[Content_Types].xml", (
            '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
            'content-types"><Override PartName="/word/document.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>'))
    error = refused(docx.getvalue(), "문서.docx")
    assert error.code == "unknown-format"
    assert "neither an HWPX document nor an XLSX workbook" in str(error)

    hwp5 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(1024)
    assert refused(hwp5, "옛.hwp").code == "legacy-format"


def test_a_zip_of_a_later_version_is_refused_as_not_a_workbook() -> None:
    from tests.lib.test_zip_versions import later_version

    error = refused(later_version(workbook_bytes(two_sheets)), "새버전.xlsx")
    assert error.code == "not-zip"
    assert "손상" in str(error) and "damaged" in str(error)
