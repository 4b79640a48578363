"""Browser flows of the planners' forms: the report form's node list and as-of date."""

from __future__ import annotations

from typing import Any

import pytest

from rtis.reports.models import ReportSnapshot
from tests.browser.conftest import log_in
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_report_form_lists_the_chosen_plans_nodes_and_its_as_of_date(
    page: Any, live_server: Any, planner: Any, private_plan: Any
) -> None:
    log_in(page, live_server, "planner", PASSWORD)
    page.goto(f"{live_server.url}/reports/?plan=private-plan")
    form = page.get_by_test_id("report-form")
    node = form.get_by_test_id("report-node")
    assert node.is_disabled()  # a work report is about the whole plan
    form.locator("select[name=kind]").select_option("pledge-card")
    assert node.is_enabled()
    assert form.locator("optgroup[data-plan=sample-plan]").get_attribute("hidden") is not None
    form.locator("select[name=plan]").select_option("sample-plan")
    assert form.locator("optgroup[data-plan=private-plan]").get_attribute("hidden") is not None
    node.select_option("sample-plan:2-1")  # the same title is listed, hidden, for private-plan
    form.get_by_label("기준일").fill("2019-12-31")
    form.get_by_role("button", name="만들기").click()
    page.get_by_text("보고서를 만들었습니다.").wait_for()
    snapshot = ReportSnapshot.objects.get()
    assert (snapshot.plan.slug, snapshot.node_code) == ("sample-plan", "2-1")
