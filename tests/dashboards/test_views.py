"""Dashboard pages: who may see them, filters, drill-down, exports equal to the tables."""

from __future__ import annotations

import csv
import io
import re
from typing import Any

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from rtis.plans.models import Plan
from tests.conftest import client_for
from tests.dashboards.conftest import M

pytestmark = pytest.mark.django_db

PAGES = ["index", "execution", "execution_records", "projection", "projection_records",
         "indicators", "indicator_records", "milestones", "milestone_records"]
JULY = {"plan": "sample-plan", "as_of": "2019-07-31"}


def url(name: str) -> str:
    return reverse(f"dashboards:{name}")


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


@pytest.mark.parametrize("name", PAGES)
def test_anonymous_readers_are_sent_to_log_in(plan: Plan, name: str) -> None:
    response = client_for(None).get(url(name), JULY)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login") + "?next=")


@pytest.mark.parametrize("name", PAGES)
@pytest.mark.parametrize("who", ["viewer", "officer", "other_officer", "planner"])
def test_every_internal_user_reads_every_dashboard(
        executed: Plan, name: str, who: str, request: Any) -> None:
    response = client_for(request.getfixturevalue(who)).get(url(name), JULY)
    assert response.status_code == 200
    assert "text/html" in response["Content-Type"]


@pytest.mark.parametrize("name", PAGES)
def test_a_dashboard_refuses_other_methods(planner: Any, name: str) -> None:
    assert client_for(planner).post(url(name), JULY).status_code == 405


def test_the_index_links_every_dashboard_with_the_chosen_date(plan: Plan, viewer: Any) -> None:
    response = client_for(viewer).get(url("index"), {"as_of": "2019-07-31"})
    links = [link for link, _title, _text in response.context["links"]]
    assert links == [f"{url(name)}?as_of=2019-07-31"
                     for name in ("execution", "projection", "indicators", "milestones")]
    assert all(f'href="{link}"' in response.content.decode() for link in links)


def test_an_unknown_plan_is_not_found(planner: Any) -> None:
    response = client_for(planner).get(url("execution"), {"plan": "no-such-plan"})
    assert response.status_code == 404


@pytest.mark.parametrize("params, field", [
    ({"as_of": "2019-13-01"}, "as_of"), ({"department": "x"}, "department"),
    ({"format": "pdf"}, "format"), ({"year": "12"}, "year"), ({"page": "0"}, "page"),
    # digits str.isdigit() takes: int() refuses '²' (a 500 before) and reads '٢٠١٩' as 2019
    ({"department": "²"}, "department"), ({"area": "²"}, "area"), ({"page": "²"}, "page"),
    ({"year": "٢٠١٩"}, "year"),
])
def test_malformed_filters_are_named_and_refused(planner: Any, params: dict[str, str],
                                                  field: str) -> None:
    response = client_for(planner).get(url("execution_records"), params)
    assert response.status_code == 400
    assert any(e.startswith(f"{field}:") for e in response.context["errors"])


def test_a_department_not_in_the_rows_is_refused(executed: Plan, planner: Any) -> None:
    response = client_for(planner).get(url("execution_records"), {**JULY, "department": "999"})
    assert response.status_code == 400
    assert "department: '999'" in response.context["errors"][0]


def test_internal_readers_see_unpublished_plans_in_the_filter(
        executed: Plan, private_plan: Plan, viewer: Any) -> None:
    response = client_for(viewer).get(url("execution"), {"plan": "private-plan"})
    assert response.status_code == 200
    assert {p.slug for p in response.context["plans"]} == {"private-plan", "sample-plan"}


def test_the_execution_table_is_the_seed_004_table(executed: Plan, officer: Any) -> None:
    response = client_for(officer).get(url("execution"), JULY)
    html = response.content.decode()
    table = text_of(html[html.index('data-testid="execution-table"'):html.index("</table>")])
    assert "구 분 예산현액 1) 원인행위액 지출액 집행률 원인행위액 지출액" in table
    assert "계 1,200 700 350 58.3 29.2" in table
    assert "경제정책과 400 100 50 25.0 12.5" in table
    assert "신성장산업과 800 600 300 75.0 37.5" in table
    assert table.index("계 1,200") < table.index("경제정책과") < table.index("신성장산업과")
    assert "(단위 : 백만원, %, ’19.7.31. 기준)" in text_of(html)
    assert "본예산(1,400백만원) + 예산 이체(-200백만원) + 이월액(0백만원)" in text_of(html)
    assert response.context["summary"].period.label == "2019-07"


def test_the_as_of_date_picks_the_month(executed: Plan, planner: Any) -> None:
    response = client_for(planner).get(url("execution"), {**JULY, "as_of": "2019-07-30"})
    assert response.context["summary"].period.label == "2019-06"
    assert "신성장산업과 1,000 500 100 50.0 10.0" in text_of(response.content.decode())


def test_before_any_period_the_page_says_so(executed: Plan, planner: Any) -> None:
    response = client_for(planner).get(url("execution"), {**JULY, "as_of": "2010-01-01"})
    assert response.status_code == 200
    assert 'data-testid="no-period"' in response.content.decode()


def test_the_chart_blob_links_each_bar_to_its_records(executed: Plan, planner: Any) -> None:
    response = client_for(planner).get(url("execution"), JULY)
    chart = response.context["chart"]
    assert chart["categories"] == ["경제정책과", "신성장산업과"]
    assert chart["series"][0]["data"] == [400.0, 800.0] and chart["unit"] == "백만원"
    html = response.content.decode()
    assert 'id="chart-data"' in html and "echarts.min.js" in html and "charts.js" in html
    link = chart["links"][1]
    drilled = client_for(planner).get(link)
    assert drilled.status_code == 200
    lines = drilled.context["page"].rows
    assert [(line.node.code, line.record.spent) for line in lines] == [("2-1-1", 300 * M)]
    assert "plan=sample-plan" in link and "as_of=2019-07-31" in link
    node_url = reverse("plans:node", args=["sample-plan", "2-1-1"])
    assert f'href="{node_url}"' in drilled.content.decode()


def test_the_table_rows_drill_down_with_the_same_filters(executed: Plan, planner: Any) -> None:
    response = client_for(planner).get(url("execution"), JULY)
    links = re.findall(r'href="([^"]+)" data-testid="drill"', response.content.decode())
    assert len(links) == 2
    records = client_for(planner).get(links[0].replace("&amp;", "&"))
    assert [line.node.code for line in records.context["page"].rows] == ["1-1-1"]
    assert records.context["totals"]["spent"] == 50 * M


def csv_rows(response: Any) -> list[list[str]]:
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_the_csv_export_has_the_tables_numbers_in_won(executed: Plan, planner: Any) -> None:
    response = client_for(planner).get(url("execution"), {**JULY, "format": "csv"})
    assert 'filename="execution-sample-plan-2019-07-31.csv"' in response["Content-Disposition"]
    rows = csv_rows(response)
    assert rows[0] == ["구분", "예산현액(원)", "원인행위액(원)", "지출액(원)",
                       "집행률(원인행위액, %)", "집행률(지출액, %)"]
    assert rows[1] == ["계", str(1200 * M), str(700 * M), str(350 * M), "58.3", "29.2"]
    assert rows[2:] == [["경제정책과", str(400 * M), str(100 * M), str(50 * M), "25.0", "12.5"],
                        ["신성장산업과", str(800 * M), str(600 * M), str(300 * M), "75.0", "37.5"]]
    table = client_for(planner).get(url("execution"), JULY).context["rows"]
    assert [int(r[3]) for r in rows[2:]] == [row.spent for row, _link in table]


def test_the_xlsx_export_keeps_the_filters_and_stores_numbers(executed: Plan,
                                                              planner: Any) -> None:
    page = client_for(planner).get(url("execution_records"), {**JULY, "department": "0"})
    assert page.status_code == 400  # 0 = unowned: no such rows here
    department = executed.nodes.get(code="2-1").department_roles.get(role="owner").department_id
    params = {**JULY, "department": str(department)}
    page = client_for(planner).get(url("execution_records"), params)
    export = page.context["exports"]["xlsx"]
    assert f"department={department}" in export and "as_of=2019-07-31" in export
    response = client_for(planner).get(url("execution_records") + export)
    sheet = load_workbook(io.BytesIO(response.content)).active
    header = [c.value for c in sheet[3]]
    assert header[5:11] == ["본예산(원)", "예산이체(원)", "이월액(원)", "예산현액(원)",
                            "원인행위액(원)", "지출액(원)"]
    data = [[c.value for c in row] for row in sheet.iter_rows(min_row=4)]
    assert len(data) == 1
    assert data[0][1:5] == ["2-1-1", "글로벌협력동 신축", "신성장산업과", "2019-07"]
    assert data[0][5:11] == [1000 * M, -200 * M, 0, 800 * M, 600 * M, 300 * M]
    assert isinstance(data[0][10], int) and data[0][12] == 37.5
    assert "기준월: 2019-07" in sheet["A2"].value


def test_the_projection_page_flags_units_below_the_threshold(executed: Plan,
                                                              planner: Any) -> None:
    response = client_for(planner).get(url("projection"), JULY)
    assert [u.node.code for u in response.context["flagged"]] == ["1-1-1", "2-1-1"]
    html = response.content.decode()
    assert html.count('data-testid="flagged-row"') == 2
    assert "추정 방법" in html and "90%" in text_of(html)
    rows = csv_rows(client_for(planner).get(url("projection_records"),
                                            {**JULY, "format": "csv", "flagged": "1"}))
    projected = {r[1]: (int(r[8]), r[9], r[12]) for r in rows[1:]}
    assert projected == {"1-1-1": (100 * M, "25.0", "미달"), "2-1-1": (600 * M, "75.0", "미달")}


def test_the_indicator_page_states_its_rules_and_lists_uncomputed(plan: Plan,
                                                                   planner: Any) -> None:
    response = client_for(planner).get(url("indicators"), {**JULY, "year": "2018"})
    html = text_of(response.content.decode())
    assert "단순 평균" in html and "0~100" in html and "미산정" in html
    areas = {g.area.code: g.rate for g, _link in response.context["areas"]}
    assert areas == {"1": 100, "2": None}
    area_link = response.context["areas"][1][1]
    records = client_for(planner).get(area_link)
    assert [line.indicator.name for line in records.context["page"].rows] == ["조성연면적"]
    assert 'data-testid="not-computed"' in records.content.decode()


def test_the_indicator_year_defaults_to_the_latest_with_actuals(plan: Plan,
                                                                planner: Any) -> None:
    response = client_for(planner).get(url("indicators"), {"plan": "sample-plan"})
    assert response.context["year"] == 2018


def test_the_milestone_page_counts_days_late(milestones: Plan, planner: Any) -> None:
    response = client_for(planner).get(url("milestones"), JULY)
    groups = {g.department.name: (g.count, g.max_days)
              for g, _link in response.context["by_department"] if g.department}
    assert groups == {"신성장산업과": (1, 122), "경제정책과": (1, 20)}
    records = client_for(planner).get(response.context["by_department"][1][1])
    assert [row.item.days_late for row in records.context["page"].rows] == [122]
    rows = csv_rows(client_for(planner).get(url("milestone_records"), {**JULY, "format": "csv"}))
    assert [(r[0], r[2], r[7]) for r in rows[1:]] == [("122", "2-1-1", "진행"),
                                                      ("20", "1-1-1", "완료")]


def test_records_pages_page_through_rows_and_downloads_hold_all(
        executed: Plan, planner: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    from rtis.dashboards import views

    monkeypatch.setattr(views, "PAGE_SIZE", 1)
    first = client_for(planner).get(url("execution_records"), JULY)
    page = first.context["page"]
    assert (page.number, page.count, page.total, len(page.rows)) == (1, 2, 2, 1)
    second = client_for(planner).get(url("execution_records") + page.next)
    assert second.context["page"].rows[0].node.code == "2-1-1"
    rows = csv_rows(client_for(planner).get(url("execution_records"), {**JULY, "format": "csv"}))
    assert len(rows) == 3


@pytest.mark.parametrize("name", PAGES)
def test_each_page_runs_a_constant_number_of_queries(
        executed: Plan, milestones: Plan, indicator_report: Plan, planner: Any, name: str,
        django_assert_max_num_queries: Any) -> None:
    client = client_for(planner)
    client.get(url(name), JULY)  # warm the session
    with django_assert_max_num_queries(12):
        assert client.get(url(name), JULY).status_code == 200
    with django_assert_max_num_queries(12):
        assert client.get(url(name), {**JULY, "format": "xlsx"}).status_code == 200
