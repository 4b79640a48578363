"""An operator's officer uploads tenant outcomes; a planner sees the computed indicator move on
the plan page, then opens the undertaking's lineage page."""

from __future__ import annotations

import datetime as dt
import io
import re
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from rtis.facilities.actions import (
    do_add_occupancy,
    do_create_facility,
    do_declare_computed,
    do_register_tenant,
)
from rtis.lineage.actions import do_link_nodes
from rtis.orgs.actions import find_department
from rtis.plans.models import Indicator
from tests.browser.conftest import log_in
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def world(plan: Any, private_plan: Any, officer: Any, planner: Any, settings: Any) -> Any:
    settings.RTIS_TODAY = dt.date(2020, 6, 30)
    hub = do_create_facility(None, nodes=[plan.nodes.get(code="2-1")], name="시험 바이오허브",
                             operating_department=find_department("신성장산업과"), phase="open",
                             opened_on=dt.date(2019, 3, 1), published=True)
    for number, name, space in (("1248100998", "가나바이오", "101호"),
                                ("2208162517", "다라헬스", "102호")):
        tenant = do_register_tenant(None, hub, name=name, business_number=number)
        do_add_occupancy(None, hub, tenant, space=space, moved_in_on=dt.date(2019, 4, 1))
    jobs = Indicator.objects.create(node=plan.nodes.get(code="2"), name="일자리창출", unit="명")
    do_declare_computed(planner, jobs, "tenant_employees")
    # The same rule on the linked node itself: its actuals are on the lineage page too.
    hub_jobs = Indicator.objects.create(node=plan.nodes.get(code="2-1"), name="허브 고용",
                                        unit="명")
    do_declare_computed(planner, hub_jobs, "tenant_employees")
    do_link_nodes(planner, plan.nodes.get(code="2-1"), private_plan.nodes.get(code="2-1"),
                  kind="successor", evidence="시험 근거")
    return hub


def test_uploaded_outcomes_move_the_indicator_and_the_lineage_opens(
        page: Any, live_server: Any, tmp_path: Path, world: Any) -> None:
    log_in(page, live_server, "officer", PASSWORD)
    page.goto(f"{live_server.url}/facilities/{world.pk}/")
    page.get_by_test_id("upload-outcomes").click()
    page.get_by_test_id("template-year").select_option("2019")
    with page.expect_download() as download:
        page.get_by_test_id("download-template").click()
    book = load_workbook(io.BytesIO(Path(download.value.path()).read_bytes()))
    sheet = book["입주기업 성과"]
    sheet.cell(2, 6, 12)  # 고용(명)
    sheet.cell(3, 6, 30)
    filled = tmp_path / "성과.xlsx"
    book.save(filled)
    page.get_by_test_id("upload-file").set_input_files(str(filled))
    page.get_by_test_id("upload-submit").click()
    page.get_by_text("2019년 성과 2건을 새로 저장하고").wait_for()

    page.context.clear_cookies()
    log_in(page, live_server, "planner", PASSWORD)
    page.goto(f"{live_server.url}/plans/sample-plan/nodes/2/")
    row = page.get_by_role("row", name=re.compile(r"^일자리창출 명"))
    assert "2019: 42" in row.inner_text()  # 12 + 30 employees, computed from the upload

    node_id = world.nodes.get().pk
    page.goto(f"{live_server.url}/lineage/nodes/{node_id}/")
    assert "홍릉 서울바이오허브 조성" in page.get_by_test_id("lineage-title").inner_text()
    plans = page.get_by_test_id("lineage-plans").inner_text()
    assert "표본 혁신성장 계획" in plans and "비공개 계획" in plans
    # the budget's two years and the computed indicator's third (2020, as of the day)
    assert page.get_by_test_id("lineage-years").locator("tbody tr").count() == 3
    indicators = page.get_by_test_id("lineage-indicators").get_by_role(
        "row", name=re.compile("허브 고용"))
    assert "2019: 42" in indicators.inner_text()  # the uploaded outcome, on the lineage page
