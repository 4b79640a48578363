"""The work report to the City Council, generated from the 2022 seed, is Korean in every format."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pypdf
import pytest
from hwpx import HwpxDocument

from rtis.ingest.seed import load_seed
from rtis.lib.report_model import Paragraph, Report
from rtis.lib.seed_language import english_prose
from rtis.plans.models import Plan
from rtis.reports.actions import build_report
from rtis.reports.render import renderer
from tests.conftest import ensure_funding_sources

pytestmark = pytest.mark.django_db

SLUG = "econ-office-report-2022"
AS_OF = dt.date(2022, 2, 9)


@pytest.fixture
def report(db: Any) -> Report:
    ensure_funding_sources()
    load_seed(only=SLUG)
    return build_report("work-report", Plan.objects.get(slug=SLUG), AS_OF)


def texts_of(report: Report) -> list[str]:
    """Every text of the content model: headings, paragraphs, captions, headers, cells, notes."""
    found = [report.title, report.subtitle, report.organisation]
    for section in report.sections:
        found.append(section.heading)
        for block in section.blocks:
            if isinstance(block, Paragraph):
                found.append(block.text)
                continue
            found += [block.caption, block.unit, block.footnote, *block.columns]
            found += [cell for row in block.rows for cell in row.cells if isinstance(cell, str)]
    return [text for text in found if text]


def english(texts: list[str]) -> list[tuple[str, str]]:
    return [(words, text[:120]) for text in texts
            if (words := english_prose(text)) is not None]


def test_the_work_report_has_no_english_prose(report: Report) -> None:
    texts = texts_of(report)
    assert english(texts) == []
    # what used to be English in the seed: the vision (Ⅱ), the programmes, the printed footnotes
    assert any("다시 뛰는 글로벌 경제혁신 도시 서울" in t for t in texts)
    assert any(t.startswith("원문 수치 그대로") and "정원 307 / 현원 295명" in t for t in texts)
    assert not any("add up" in t or "presumably" in t for t in texts)


def test_the_hwpx_for_the_council_has_no_english_prose(report: Report) -> None:
    texts: list[str] = []
    with HwpxDocument.open(renderer("hwpx")(report)) as doc:
        for paragraph in doc.paragraphs:
            texts.append(paragraph.text)
            for table in paragraph.tables:
                texts += [entry.cell.text for row in table.get_cell_map() for entry in row]
    assert english([t for t in texts if t]) == []
    assert any("서울시민 안심일자리" in t for t in texts)


def test_the_pdf_for_the_council_has_no_english_prose(report: Report) -> None:
    pages = [page.extract_text() for page in pypdf.PdfReader(io.BytesIO(
        renderer("pdf")(report))).pages]
    lines = [line for page in pages for line in page.splitlines() if line.strip()]
    assert english(lines) == []
    assert any("주요 업무보고" in line for line in lines)
