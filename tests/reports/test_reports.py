"""Reports: built from the live data, kept as snapshots; planners make them, planners and
viewers download them."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.urls import reverse

from rtis.lib.report_model import Report
from rtis.oversight.models import AuditItem
from rtis.plans.models import BudgetLine, Plan
from rtis.plans.queries import budget_by_area, budget_by_source
from rtis.reports.actions import build_report, do_generate_report, snapshot_report
from rtis.reports.builders.common import in_unit
from rtis.reports.models import ReportSnapshot
from rtis.reports.render import FORMATS, renderer
from tests.conftest import client_for, load_whole_seed, module_data

pytestmark = pytest.mark.django_db
AS_OF = dt.date(2022, 1, 21)


# The whole seed, built once per worker and copied into this module (tests.conftest).
seeded = module_data(load_whole_seed, share=True)


def table(report: Report, key: str) -> Any:
    return next(t for t in report.tables() if t.key == key)


def test_plan_tables_equal_the_live_roll_ups(seeded: None) -> None:
    plan = Plan.objects.get(slug="innovation-growth-2018")
    report = build_report("plan-tables", plan, AS_OF)
    by_source = budget_by_source(plan)
    printed = table(report, "investment-by-source")
    assert printed.rows[0].cells[1] == in_unit(by_source.grand_total, "백만원") == 3_447_222
    for row in printed.rows[1:]:
        year = int(row.cells[0])  # type: ignore[arg-type]
        assert row.cells[1] == in_unit(by_source.year_total(year), "백만원")
        for (key, _label), value in zip(by_source.columns, row.cells[2:], strict=True):
            assert value == in_unit(by_source.cell(year, key), "백만원")
    by_area = budget_by_area(plan)
    assert table(report, "investment-by-area").rows[0].cells[2:] == [
        in_unit(t, "백만원") for t in by_area.totals()]


def test_a_changed_budget_line_changes_the_next_report_but_not_the_snapshot(
    seeded: None,
) -> None:
    plan = Plan.objects.get(slug="innovation-growth-2018")
    first = do_generate_report(None, "plan-tables", plan, AS_OF)
    line = BudgetLine.objects.get(node__plan=plan, node__code="1-1-1", year=2018, source_id="city")
    assert line.amount_won == 7_900_000_000  # "도심제조 스마트앵커 조성 시비 7,900" (백만원)
    BudgetLine.objects.filter(pk=line.pk).update(amount_won=9_000_000_000)
    second = do_generate_report(None, "plan-tables", plan, AS_OF)
    before = table(snapshot_report(first), "investment-by-source").rows[0].cells[1]
    after = table(snapshot_report(second), "investment-by-source").rows[0].cells[1]
    assert after - before == 1_100  # 백만원: 9,000 instead of 7,900
    assert first.content_sha256 != second.content_sha256


def test_the_work_report_counts_the_audit_summary_from_the_items(seeded: None) -> None:
    plan = Plan.objects.get(slug="econ-office-report-2022")
    report = build_report("work-report", plan, AS_OF)
    summary = table(report, "audit-2021-summary")
    total = summary.rows[0]
    assert total.cells[:2] == ["계", AuditItem.objects.count()] == ["계", 180]
    by_status = dict(zip(summary.columns[2:], total.cells[2:], strict=True))
    assert by_status == {"완료": 122, "추진중": 56, "검토중": 2, "미반영": 0}
    corrective = table(report, "audit-2021-corrective")
    assert len(corrective.rows) == 85
    # the programmes' 2022 budgets come from the budget lines
    campus = table(report, "budget-3-4")
    lines = sum(b.amount_won for b in BudgetLine.objects.filter(
        node__plan=plan, node__code__startswith="3-4", year=2022))
    assert campus.rows[0].cells[1] == in_unit(lines, "백만원")


def test_the_pledge_card_shows_the_investment_plan(seeded: None) -> None:
    plan = Plan.objects.get(slug="pledge-5-3-6")
    report = build_report("pledge-card", plan, AS_OF, "5-3-6")
    investment = table(report, "investment-plan")
    assert investment.rows[0].cells[1] == Decimal(85035)  # 총 사업비 85,035백만원


def test_an_unknown_node_for_a_pledge_card_is_refused(seeded: None) -> None:
    from django.core.exceptions import ValidationError

    plan = Plan.objects.get(slug="pledge-5-3-6")
    with pytest.raises(ValidationError, match="9-9"):
        build_report("pledge-card", plan, AS_OF, "9-9")


@pytest.mark.parametrize("fmt", ["html", "pdf", "xlsx", "hwpx"])
def test_a_snapshot_renders_identically_later(seeded: None, fmt: str) -> None:
    plan = Plan.objects.get(slug="econ-office-report-2022")
    snapshot = do_generate_report(None, "work-report", plan, AS_OF)
    first = renderer(fmt)(snapshot_report(snapshot))
    BudgetLine.objects.filter(node__plan=plan).update(amount_won=1)  # the data moves on
    again = renderer(fmt)(snapshot_report(ReportSnapshot.objects.get(pk=snapshot.pk)))
    assert first == again


def test_the_html_report_is_printable_and_holds_the_figures(seeded: None) -> None:
    plan = Plan.objects.get(slug="innovation-growth-2018")
    html = renderer("html")(build_report("plan-tables", plan, AS_OF)).decode("utf-8")
    assert "@page" in html and "thead { display: table-header-group; }" in html
    assert "3,447,222" in html and "(단위: 백만원)" in html
    assert "http://" not in html and "https://" not in html  # nothing fetched from a network


def test_the_report_command_writes_a_file(seeded: None, tmp_path: Path) -> None:
    target = tmp_path / "tables.html"
    out = StringIO()
    call_command("report", "plan-tables", "--plan", "innovation-growth-2018", "--as-of",
                 "2018-02-24", "--format", "html", "-o", str(target), stdout=out)
    assert "3,447,222" in target.read_text(encoding="utf-8")
    assert ReportSnapshot.objects.get().as_of == dt.date(2018, 2, 24)


def test_the_report_command_names_a_bad_date(seeded: None, tmp_path: Path) -> None:
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="--as-of"):
        call_command("report", "plan-tables", "--plan", "innovation-growth-2018", "--as-of",
                     "2018-13-01", "--format", "html", "-o", str(tmp_path / "x.html"))


def test_planners_generate_and_download(planner: Any) -> None:
    client = client_for(planner)
    assert client.get(reverse("reports:index")).status_code == 200
    response = client.post(reverse("reports:index"), {
        "kind": "plan-tables", "plan": "sample-plan", "as_of": "2022-01-21"})
    assert response.status_code == 302
    snapshot = ReportSnapshot.objects.get()
    assert snapshot.created_by == planner
    download = client.get(reverse("reports:download", args=[snapshot.pk, "html"]))
    assert download.status_code == 200 and "21,650" in download.content.decode("utf-8")


def test_officers_may_not_generate_or_download(officer: Any, planner: Any) -> None:
    client = client_for(officer)
    assert client.get(reverse("reports:index")).status_code == 403
    snapshot = do_generate_report(planner, "plan-tables", Plan.objects.get(slug="sample-plan"),
                                  AS_OF)
    assert client.get(reverse("reports:download", args=[snapshot.pk, "html"])).status_code == 403


def test_viewers_read_and_download_snapshots_but_may_not_generate(viewer: Any,
                                                                   planner: Any) -> None:
    """Council members and auditors (viewers) take the reports planners made."""
    snapshot = do_generate_report(planner, "plan-tables", Plan.objects.get(slug="sample-plan"),
                                  AS_OF)
    client = client_for(viewer)
    index = client.get(reverse("reports:index"))
    assert index.status_code == 200
    assert 'data-testid="report-form"' not in index.text
    assert reverse("reports:download", args=[snapshot.pk, "pdf"]) in index.text
    download = client.get(reverse("reports:download", args=[snapshot.pk, "html"]))
    assert download.status_code == 200 and "21,650" in download.content.decode("utf-8")
    refused = client.post(reverse("reports:index"), {
        "kind": "plan-tables", "plan": "sample-plan", "as_of": "2022-01-21"})
    assert refused.status_code == 403 and ReportSnapshot.objects.count() == 1


def test_the_public_is_sent_to_login(plan: Any) -> None:
    response = client_for(None).get(reverse("reports:index"))
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_bad_input_is_400_and_unknown_downloads_404(planner: Any) -> None:
    client = client_for(planner)
    response = client.post(reverse("reports:index"), {"kind": "plan-tables", "plan": "nope",
                                                      "as_of": "2022-01-21"})
    assert response.status_code == 400
    response = client.post(reverse("reports:index"), {"kind": "magic", "plan": "sample-plan",
                                                      "as_of": "2022-01-21"})
    assert response.status_code == 400 and "magic" in response.text
    assert client.get(reverse("reports:download", args=[999, "html"])).status_code == 404
    snapshot = do_generate_report(planner, "plan-tables", Plan.objects.get(slug="sample-plan"),
                                  AS_OF)
    assert client.get(reverse("reports:download", args=[snapshot.pk, "docx"])).status_code == 404
    assert client.delete(reverse("reports:download", args=[snapshot.pk, "html"])).status_code == 405


def test_every_format_is_declared() -> None:
    assert set(FORMATS) == {"html", "pdf", "xlsx", "hwpx"}


# --- the report form ---------------------------------------------------------------------------


def test_the_form_keeps_the_planners_choices_after_an_error(planner: Any) -> None:
    response = client_for(planner).post(reverse("reports:index"), {
        "kind": "pledge-card", "plan": "sample-plan", "node": "sample-plan:2-1",
        "as_of": "2022-13-40"})
    assert response.status_code == 400
    page = response.content.decode()
    assert 'value="pledge-card" selected' in page
    assert 'value="sample-plan" selected' in page
    assert 'value="sample-plan:2-1" selected' in page
    assert 'value="2022-13-40"' in page
    assert "YYYY-MM-DD" in page
    assert ReportSnapshot.objects.count() == 0


def test_a_pledge_card_node_is_picked_from_the_plans_tree(planner: Any) -> None:
    client = client_for(planner)
    page = client.get(reverse("reports:index")).content.decode()
    assert '<option value="sample-plan:2-1-1">2-1-1 글로벌협력동 신축</option>' in page
    response = client.post(reverse("reports:index"), {
        "kind": "pledge-card", "plan": "sample-plan", "node": "sample-plan:2-1",
        "as_of": "2019-12-31"})
    assert response.status_code == 302
    snapshot = ReportSnapshot.objects.get()
    assert snapshot.node_code == "2-1" and "홍릉 서울바이오허브 조성" in snapshot.title


def test_it_refuses_a_node_of_another_plan(planner: Any, private_plan: Any) -> None:
    response = client_for(planner).post(reverse("reports:index"), {
        "kind": "pledge-card", "plan": "sample-plan", "node": "private-plan:2-1",
        "as_of": "2019-12-31"})
    assert response.status_code == 400
    assert "고른 과제가 고른 계획에 속하지 않습니다" in response.content.decode()
    assert ReportSnapshot.objects.count() == 0


def test_other_reports_ignore_a_chosen_node(planner: Any, private_plan: Any) -> None:
    response = client_for(planner).post(reverse("reports:index"), {
        "kind": "plan-tables", "plan": "sample-plan", "node": "private-plan:2-1",
        "as_of": "2019-12-31"})
    assert response.status_code == 302
    assert ReportSnapshot.objects.get().node_code == ""


def test_the_as_of_date_defaults_to_the_plans_data_not_the_wall_clock(
        planner: Any, officer: Any, settings: Any) -> None:
    import datetime as dt

    from rtis.tracking.actions import do_approve_entry, do_save_execution, do_submit_entry
    from tests.tracking.conftest import AMOUNTS, open_month

    settings.RTIS_TODAY = dt.date(2030, 5, 1)  # long after the sample plan (2018–2020) ended
    client = client_for(planner)
    plan = Plan.objects.get(slug="sample-plan")
    page = client.get(reverse("reports:index"), {"plan": plan.slug}).content.decode()
    assert f'value="{plan.period_end}-12-31"' in page  # no approved month yet: the plan's end
    unit = plan.nodes.get(code="2-1-1")
    for number in (7, 8):
        record = do_submit_entry(officer, do_save_execution(
            officer, unit, open_month(planner, plan, number), None, **AMOUNTS))
        if number == 7:
            do_approve_entry(planner, record)
    page = client.get(reverse("reports:index"), {"plan": plan.slug}).content.decode()
    assert 'value="2019-07-31"' in page  # the latest approved month, not August (submitted)
    assert dt.date(2030, 5, 1).isoformat() not in page
