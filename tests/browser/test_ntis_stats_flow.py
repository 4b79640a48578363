"""A planner opens the national R&D statistics in Chromium, filters by performer and years,
sees the chart and its table, and downloads the table as CSV — with no policy violation."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import pytest

from rtis.ingest.seed import SEED_DIR
from rtis.ntis import columnar
from rtis.ntis.importer import do_import_projects
from rtis.plans.models import Plan
from rtis.refdata.seed import load_refdata
from tests.browser.conftest import log_in
from tests.browser.test_csp import watched_page
from tests.conftest import PASSWORD
from tests.ntis.conftest import csv_file, synth_rows

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_planner_filters_the_statistics_and_downloads_csv(
        browser: Any, live_server: Any, plan: Plan, planner: Any, tmp_path: Path,
        settings: Any) -> None:
    settings.VAR_DIR = tmp_path / "var"
    load_refdata(None, sorted((SEED_DIR / "refdata").glob("*.yaml")))
    assert do_import_projects(None, csv_file(tmp_path, synth_rows(400))).written
    columnar.rebuild()
    context, page, errors = watched_page(browser)
    log_in(page, live_server, planner.username, PASSWORD)
    page.goto(f"{live_server.url}/ntis/stats/")
    page.get_by_test_id("ntis-chart").locator("svg").first.wait_for()
    form = page.get_by_test_id("ntis-filter")
    form.get_by_label("구분").select_option("performer")
    form.get_by_label("시작 연도").fill("2015")
    form.get_by_label("끝 연도").fill("2020")
    form.get_by_role("button", name="보기").click()
    page.wait_for_url(lambda url: "dim=performer" in url)
    table = page.get_by_test_id("ntis-share")
    assert "연구수행주체" in table.inner_text()
    years = {line.split("\t")[0] for line in table.inner_text().splitlines()[1:]}
    assert years and years <= {str(y) for y in range(2015, 2021)}
    with page.expect_download() as download_info:
        page.get_by_test_id("download-csv").click()
    path = download_info.value.path()
    rows = list(csv.reader(io.StringIO(Path(path).read_bytes().decode("utf-8-sig"))))
    assert rows[0][:2] == ["기준년도", "연구수행주체"]
    assert {r[0] for r in rows[1:] if r[0].isdigit()} == years
    assert page.evaluate("window.__csp") == [] and errors == []
    context.close()
