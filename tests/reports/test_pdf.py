"""The PDF renderer: Korean text extractable, fonts embedded, headers repeated, deterministic."""

from __future__ import annotations

import datetime as dt
import functools
import io
from decimal import Decimal
from typing import Any

import pypdf
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rtis.lib.report_model import (
    Paragraph,
    Report,
    Row,
    Section,
    TableBlock,
    Value,
    format_number,
    sample_report,
)
from rtis.reports.render.pdf import render_pdf

AS_OF = dt.date(2022, 1, 21)
LONG_LABEL = "매우 긴 사업명이 칸 너비를 넘어 여러 줄로 줄바꿈되어야 합니다 " * 5


def _reader(data: bytes) -> pypdf.PdfReader:
    return pypdf.PdfReader(io.BytesIO(data))


def _pages_text(data: bytes) -> list[str]:
    return [page.extract_text() for page in _reader(data).pages]


def _long_report(rows: int = 200) -> Report:
    table = TableBlock(
        key="long", caption="사업별 예산 현황", unit="백만원", as_of=AS_OF,
        columns=["사업명", "예산현액", "지출액", "집행률(%)"], decimals=[None, 0, 0, 1],
        rows=[Row(["합계", 987654321, 12345678, Decimal("1.2")], "total")]
        + [Row([f"사업 {i:03d}" + (LONG_LABEL if i % 40 == 7 else ""), 1000 * i + 7, i,
                Decimal(i) / 7], "subtotal" if i % 50 == 0 else "normal", indent=i % 3)
           for i in range(rows)],
        footnote="집행률 = 지출액 ÷ 예산현액 × 100")
    return Report(kind="long", title="긴 표 보고서", subtitle="200행 시험", as_of=AS_OF,
                  sections=[Section("Ⅰ. 예산 현황", 1, [
                      Paragraph("사업별 예산과 집행 실적입니다. " * 30),
                      table]),
                      Section("Ⅱ. 맺음", 1, [Paragraph("끝.", "note")])])


@pytest.fixture(scope="module")
def sample_pdf() -> bytes:
    return render_pdf(sample_report())


@pytest.fixture(scope="module")
def long_pdf() -> bytes:
    return render_pdf(_long_report())


def test_sample_text_is_extractable(sample_pdf: bytes) -> None:
    assert sample_pdf.startswith(b"%PDF-")
    text = "\n".join(_pages_text(sample_pdf))
    for expected in [
        "서울특별시", "표본 보고서", "렌더러 시험용", "2022. 1. 21. 기준",
        "Ⅰ. 일반 현황", "Ⅱ. 추진 계획", "1. 도심제조 활력 도시",
        "경제정책실은 2실 10과로 구성되어 있습니다.",
        "※ 예산현액은 본예산, 예산이체, 이월액을 더한 금액입니다.",
        "○ 세부 내용은 아래와 같습니다.",
        "예산 집행 현황", "핵심 지표", "(단위: 백만원, 2022.01.21. 기준)", "(단위: 개)",
        "예산현액 = 본예산 + 예산이체 + 이월액",
        "부서", "집행률(%)", "경제정책과", "753,976", "41,181", "19,488", "2.6", "131,125",
        "0.1", "39,822", "1,147",
    ]:
        assert expected in text, expected


def test_sample_rows_read_in_order(sample_pdf: bytes) -> None:
    lines = "\n".join(_pages_text(sample_pdf)).splitlines()
    assert "계 753,976 41,181 19,488 2.6" in lines
    assert "입주기업수 - 200 200" in lines  # None prints as "-"


def test_sample_is_one_a4_portrait_page(sample_pdf: bytes) -> None:
    pages = _reader(sample_pdf).pages
    assert len(pages) == 1
    box = pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)


def _fonts(data: bytes) -> list[Any]:
    found: dict[str, Any] = {}
    for page in _reader(data).pages:
        resources: Any = page["/Resources"].get_object()
        for ref in resources["/Font"].get_object().values():
            font = ref.get_object()
            found[str(font["/BaseFont"])] = font
    return list(found.values())


@pytest.mark.parametrize("which", ["sample_pdf", "long_pdf"])
def test_fonts_are_embedded_truetype(which: str, request: pytest.FixtureRequest) -> None:
    data: bytes = request.getfixturevalue(which)
    fonts = _fonts(data)
    names = {str(f["/BaseFont"]) for f in fonts}
    assert any("NanumGothic" in n and "Bold" not in n for n in names), names
    assert any("NanumGothicBold" in n for n in names), names
    for font in fonts:
        assert font["/Subtype"] == "/Type0"  # Unicode (Identity-H) with a ToUnicode map
        assert "/ToUnicode" in font
        descendant = font["/DescendantFonts"][0].get_object()
        descriptor = descendant["/FontDescriptor"].get_object()
        assert "NanumGothic" in str(descriptor["/FontName"])
        assert "/FontFile2" in descriptor
        assert len(descriptor["/FontFile2"].get_object().get_data()) > 1000


def test_long_table_repeats_its_header_on_every_page(long_pdf: bytes) -> None:
    pages = _pages_text(long_pdf)
    table_pages = [t for t in pages if "사업 0" in t or "사업 1" in t]
    assert len(table_pages) >= 4
    for text in table_pages:
        assert "사업명 예산현액 지출액 집행률(%)" in text.splitlines()
    everything = "\n".join(pages)
    for i in range(200):
        assert f"{1000 * i + 7:,}" in everything
    assert "987,654,321" in everything
    assert "집행률 = 지출액 ÷ 예산현액 × 100" in everything
    assert "사업별 예산 현황" in everything


def test_long_cell_text_wraps_inside_the_page(long_pdf: bytes) -> None:
    reader = _reader(long_pdf)
    page = reader.pages[0]
    width = float(page.mediabox.width)
    xs: list[float] = []

    def visit(text: str, cm: Any, tm: Any, font: Any, size: Any) -> None:
        if text.strip():
            xs.append(float(tm[4]) * float(cm[0]) + float(cm[4]))

    page.extract_text(visitor_text=visit)
    assert xs and max(xs) < width - 40  # nothing starts in the right margin
    flat = "".join(t.replace("\n", "").replace(" ", "") for t in _pages_text(long_pdf))
    assert LONG_LABEL.replace(" ", "").strip() in flat


def test_page_numbers(long_pdf: bytes, sample_pdf: bytes) -> None:
    pages = _pages_text(long_pdf)
    total = len(pages)
    assert total > 1
    for number, text in enumerate(pages, start=1):
        assert f"- {number} / {total} -" in text
    assert "- 1 / 1 -" in _pages_text(sample_pdf)[0]


def test_output_is_deterministic(sample_pdf: bytes, long_pdf: bytes) -> None:
    assert render_pdf(sample_report()) == sample_pdf
    assert render_pdf(_long_report()) == long_pdf
    round_tripped = Report.from_dict(sample_report().to_dict())
    assert render_pdf(round_tripped) == sample_pdf
    meta = _reader(sample_pdf).metadata
    assert meta is not None and meta.creation_date is not None
    assert meta.creation_date.date() == AS_OF


def test_as_of_changes_the_output() -> None:
    later = sample_report()
    later.as_of = dt.date(2022, 2, 1)
    data = render_pdf(later)
    assert data != render_pdf(sample_report())
    assert "2022. 2. 1. 기준" in _pages_text(data)[0]


def test_empty_report_renders() -> None:
    report = Report(kind="empty", title="빈 보고서", as_of=AS_OF, sections=[])
    data = render_pdf(report)
    pages = _pages_text(data)
    assert len(pages) == 1
    assert "빈 보고서" in pages[0] and "2022. 1. 21. 기준" in pages[0]
    assert "- 1 / 1 -" in pages[0]


def test_degenerate_blocks_render() -> None:
    report = Report(kind="odd", title="경계 사례", as_of=AS_OF, sections=[
        Section("빈 절", 1, []),
        Section("빈 표들", 3, [
            TableBlock(caption="열도 행도 없음", columns=[], rows=[]),
            TableBlock(caption="행 없음", columns=["가", "나"], rows=[], decimals=[None, 0]),
            TableBlock(caption="칸 수 불일치", columns=["가"], decimals=[None, 0],
                       rows=[Row(["하나", 1234567]), Row([])]),
            Paragraph("제어\x00문자\t와 줄\n바꿈", "bullet"),
            Paragraph(""),
        ]),
    ])
    text = "\n".join(_pages_text(render_pdf(report)))
    assert "칸 수 불일치" in text and "1,234,567" in text


def test_row_taller_than_a_page_is_continued_not_lost() -> None:
    huge = "아주 긴 설명 " * 800
    report = Report(kind="tall", title="긴 칸", as_of=AS_OF, sections=[Section("표", 1, [
        TableBlock(caption="긴 칸", columns=["내용", "금액"], decimals=[None, 0],
                   rows=[Row([huge, 1234567], "total"), Row(["다음 행", 89])]),
        Paragraph("가" * 3000)])])
    pages = _pages_text(render_pdf(report))
    text = "\n".join(pages)
    assert len(pages) > 2
    assert text.count("설명") == 800 and text.count("가") == 3000
    assert "1,234,567" in text and "다음 행 89" in text
    assert all("내용 금액" in t.splitlines() for t in pages if "설명" in t)


def test_too_wide_table_gets_a_landscape_page() -> None:
    columns = ["사업명"] + [f"{year}년 예산" for year in range(2015, 2027)]
    table = TableBlock(caption="연도별 예산", unit="백만원", columns=columns,
                       decimals=[None] + [0] * 12,
                       rows=[Row([f"사업 {i}"] + [123456789 + i * j for j in range(12)])
                             for i in range(5)])
    report = Report(kind="wide", title="넓은 표", as_of=AS_OF, sections=[
        Section("Ⅰ. 앞", 1, [Paragraph("앞 문단.")]),
        Section("Ⅱ. 표", 1, [table]),
        Section("Ⅲ. 뒤", 1, [Paragraph("뒤 문단.")]),
    ])
    reader = _reader(render_pdf(report))
    shapes = [float(p.mediabox.width) > float(p.mediabox.height) for p in reader.pages]
    assert shapes == [False, True, False]
    wide_text = reader.pages[1].extract_text()
    assert "Ⅱ. 표" in wide_text and "123,456,833" in wide_text


def test_table_too_wide_for_landscape_is_printed_in_column_groups() -> None:
    columns = ["사업명"] + [f"{month}월 실적" for month in range(1, 13)] * 3
    table = TableBlock(caption="월별 실적", columns=columns, decimals=[None] + [0] * 36,
                       rows=[Row([f"사업 {i}"] + [10**9 + 37 * i + j for j in range(36)])
                             for i in range(4)])
    report = Report(kind="wider", title="아주 넓은 표", as_of=AS_OF,
                    sections=[Section("표", 1, [table])])
    text = "\n".join(_pages_text(render_pdf(report)))
    for i in range(4):
        assert text.count(f"사업 {i} ") >= 2  # the label column is repeated in every part
        for j in range(36):
            assert f"{10**9 + 37 * i + j:,}" in text


# --- any table renders, and every number can be read back -----------------------------------

HANGUL = st.characters(min_codepoint=0xAC00, max_codepoint=0xD7A3)
TEXT = st.text(alphabet=st.one_of(HANGUL, st.sampled_from("abcXYZ019 ()%-·")), max_size=40)
INTS = st.integers(min_value=-(10**12), max_value=10**12)
DECIMALS = st.decimals(min_value=Decimal("-1e9"), max_value=Decimal("1e9"), places=3,
                       allow_nan=False, allow_infinity=False)
VALUES: st.SearchStrategy[Value] = st.one_of(INTS, DECIMALS, st.none(), TEXT)


@st.composite
def tables(draw: st.DrawFn) -> TableBlock:
    n = draw(st.integers(min_value=1, max_value=8))
    decimals = [None] + [draw(st.one_of(st.none(), st.integers(0, 3))) for _ in range(n - 1)]
    rows = draw(st.lists(
        st.builds(Row, st.lists(VALUES, min_size=n, max_size=n),
                  st.sampled_from(["normal", "subtotal", "total"]), st.integers(0, 3)),
        max_size=25))
    return TableBlock(caption=draw(TEXT), columns=draw(st.lists(TEXT, min_size=n, max_size=n)),
                      rows=rows, unit=draw(st.sampled_from(["", "백만원", "%"])),
                      decimals=decimals, footnote=draw(TEXT))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tables())
def test_any_table_renders_and_its_numbers_are_extractable(table: TableBlock) -> None:
    report = Report(kind="prop", title="속성 시험", as_of=AS_OF,
                    sections=[Section("표", 1, [table])])
    data = render_pdf(report)
    text = "\n".join(_pages_text(data))
    for row in table.rows:
        for j, value in enumerate(row.cells):
            if isinstance(value, (int, Decimal)):
                assert format_number(value, table.decimals_of(j)) in text


def test_a_character_the_font_lacks_is_printed_as_its_substitute() -> None:
    report = Report(kind="t", title="시험", as_of=dt.date(2016, 12, 31), sections=[
        Section("개요", 1, [Paragraph("거버넌스 구축․운영")])])
    text = "".join(_pages_text(render_pdf(report)))
    assert "구축·운영" in text


WORDS = st.text(alphabet="가나다라마바사 아자차카타파하 abcdefghij 0123456789 ·※()\n", max_size=400)


@functools.cache
def _bound_document() -> Any:
    """One document with a page for every example of the bound's property: the dry run and the
    measuring write nothing to it (the current font is set per example), and a new document
    parses both 4.7 MB fonts again (half a second each example)."""
    from rtis.reports.render import pdf as renderer

    document = renderer._new_document(sample_report())
    document.add_page()
    return document


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(WORDS, st.floats(min_value=0.5, max_value=180.0), st.sampled_from(["", "B"]),
       st.sampled_from([6.0, 7.5, 9.0]))
def test_the_bound_of_a_cells_lines_is_never_below_its_wrapped_lines(
        text: str, width: float, style: str, size: float) -> None:
    """A row is wrapped by a dry run only when the bound says it may not fit: the bound must
    never be below the lines the dry run gives."""
    from rtis.reports.render import pdf as renderer

    document = _bound_document()
    document.set_font(renderer.FAMILY, style, size)
    line = size * renderer.PT * 1.35
    wrapped = renderer._wrapped(document, text, width, line)
    assert len(wrapped) <= renderer._most_lines(document, text, width, size)


def test_skipping_the_dry_run_of_rows_that_fit_changes_no_byte(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Rows the bound lets through are not wrapped in a dry run; the PDF is the same bytes as
    when every long row is (the glyphs enter the font subset in the same order)."""
    from rtis.reports.render import pdf as renderer

    long_cells = Report(kind="long", title="긴 칸 보고서", as_of=AS_OF, sections=[
        Section("표", 1, [TableBlock(
            caption="긴 설명", columns=["사업명", "내용", "금액"], decimals=[None, None, 0],
            rows=[Row([f"사업 {i}", (f"설명 {i}번째 ‘{chr(0xAC00 + 37 * i)}’ " * (3 + i % 9)),
                       1000 * i]) for i in range(60)])])])
    skipped = [render_pdf(long_cells), render_pdf(_long_report())]
    monkeypatch.setattr(renderer, "_most_lines", lambda *args: float("inf"))
    assert [render_pdf(long_cells), render_pdf(_long_report())] == skipped
