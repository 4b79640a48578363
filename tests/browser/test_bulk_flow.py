"""An officer downloads the month's workbook, fills it in a spreadsheet and uploads it back."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from rtis.tracking.models import ExecutionRecord
from tests.browser.conftest import log_in
from tests.conftest import PASSWORD
from tests.tracking.conftest import AMOUNTS, saved_amounts
from tests.tracking.test_bulk import fill

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def month(plan: Any, planner: Any) -> Any:
    """July 2019, open (the tracking tests' fixture, which this folder does not see)."""
    from tests.tracking.conftest import open_month

    return open_month(planner, plan, 7)


def download_template(page: Any, live_server: Any) -> bytes:
    log_in(page, live_server, "officer", PASSWORD)
    page.goto(f"{live_server.url}/tracking/bulk/")
    form = page.get_by_test_id("template-form")
    form.get_by_label("부서").select_option(label="신성장산업과")
    form.get_by_label("기간").select_option(label="2019-07 (입력 중)")
    with page.expect_download() as download:
        form.get_by_role("button", name="서식 내려받기").click()
    assert download.value.suggested_filename.startswith("실적입력_2019-07_")
    return Path(download.value.path()).read_bytes()


def upload(page: Any, live_server: Any, tmp_path: Path, data: bytes) -> None:
    file = tmp_path / "filled.xlsx"
    file.write_bytes(data)
    page.goto(f"{live_server.url}/tracking/bulk/")
    form = page.get_by_test_id("upload-form")
    form.get_by_label("파일").set_input_files(str(file))
    form.get_by_role("button", name="검증 후 저장").click()


def test_an_officer_fills_the_template_and_sees_how_many_rows_were_saved(
    page: Any, live_server: Any, tmp_path: Path, officer: Any, month: Any
) -> None:
    data = fill(download_template(page, live_server), {"2-1-1": AMOUNTS})
    upload(page, live_server, tmp_path, data)
    page.get_by_text("2019-07 신성장산업과 실적 1건을 저장했습니다").wait_for()
    assert saved_amounts(ExecutionRecord.objects.get(node__code="2-1-1")) == AMOUNTS


def test_an_upload_with_an_error_shows_the_report_and_saves_nothing(
    page: Any, live_server: Any, tmp_path: Path, officer: Any, month: Any
) -> None:
    data = fill(download_template(page, live_server),
                {"2-1-1": {**AMOUNTS, "spent": 900_000_000}})
    upload(page, live_server, tmp_path, data)
    report = page.get_by_test_id("bulk-report")
    report.wait_for()
    assert "문제 1건이 있어 아무것도 저장하지 않았습니다" in page.get_by_test_id("bulk-refused").inner_text()
    cells = report.locator("tbody tr").first.locator("td").all_inner_texts()
    assert cells[:3] == ["집행실적", "3", "I 지출액(원)"]
    assert "지출액(900,000,000)이 원인행위액(800,000,000)보다 큽니다" in cells[3]
    assert not ExecutionRecord.objects.exists()
