"""A planner generates a report and downloads it in every format; each file opens as what it is."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import Any

import pytest

from tests.browser.conftest import log_in
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_planner_generates_the_plan_tables_and_downloads_each_format(
    page: Any, live_server: Any, planner: Any, tmp_path: Path
) -> None:
    log_in(page, live_server, "planner", PASSWORD)
    page.get_by_role("link", name="보고서").click()
    form = page.get_by_test_id("report-form")
    form.locator("select[name=kind]").select_option("plan-tables")
    form.locator("select[name=plan]").select_option("sample-plan")
    form.get_by_label("기준일").fill("2022-01-21")
    form.get_by_role("button", name="만들기").click()
    page.get_by_text("보고서를 만들었습니다.").wait_for()
    files = {}
    for fmt in ["pdf", "xlsx", "hwpx"]:
        with page.expect_download() as info:
            page.get_by_test_id(f"download-{fmt}").first.click()
        target = tmp_path / info.value.suggested_filename
        info.value.save_as(target)
        files[fmt] = target.read_bytes()
    assert files["pdf"].startswith(b"%PDF")
    from pypdf import PdfReader

    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(files["pdf"])).pages)
    assert "연도별·재원별 투자계획" in text and "21,650" in text
    from openpyxl import load_workbook

    workbook = load_workbook(io.BytesIO(files["xlsx"]))
    values = [c.value for row in workbook["investment-by-source"].iter_rows() for c in row]
    assert 21650 in values
    with zipfile.ZipFile(io.BytesIO(files["hwpx"])) as archive:
        assert archive.read("mimetype") == b"application/hwp+zip"
    page.get_by_test_id("download-html").first.click()
    page.get_by_role("heading", name="표본 혁신성장 계획 총괄표").wait_for()
    assert "21,650" in page.content()


def test_a_planner_imports_a_budget_table_from_a_spreadsheet(
    page: Any, live_server: Any, planner: Any, tmp_path: Path
) -> None:
    from openpyxl import Workbook

    workbook = Workbook()
    for row in [["사업명", "2018", "2019", "2020"], ["도심제조 스마트앵커 조성", 7900, 10000, 1250]]:
        workbook.active.append(row)
    upload = tmp_path / "budget.xlsx"
    workbook.save(upload)
    log_in(page, live_server, "planner", PASSWORD)
    page.get_by_role("link", name="표 가져오기").click()
    form = page.get_by_test_id("upload-form")
    form.locator("select[name=plan]").select_option("sample-plan")
    form.locator("input[type=file]").set_input_files(str(upload))
    form.get_by_role("button", name="올리기").click()
    page.get_by_test_id("candidate-count").wait_for()
    assert "3" in page.get_by_test_id("candidate-count").inner_text()
    page.get_by_test_id("commit").click()
    page.get_by_text("소요예산 3건을 반영했습니다.").wait_for()
    page.goto(f"{live_server.url}/plans/sample-plan/nodes/1-1-1/")
    assert "1,250" in page.get_by_test_id("lines").inner_text()
