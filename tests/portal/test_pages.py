"""The public pages: the portfolio at a glance and a plan's progress, as citizens and staff see them."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from rtis.orgs.models import User
from rtis.plans.models import Plan
from rtis.portal.actions import do_withhold_node
from tests.conftest import client_for, import_doc
from tests.factories import sample_plan_doc
from tests.portal.conftest import SECRET_DRAFT, SECRET_RETURN

pytestmark = pytest.mark.django_db


def test_the_home_page_shows_published_plans_with_their_figures(plan: Plan, private_plan: Plan,
                                                                 tracked: Any) -> None:
    page = client_for(None).get("/").content.decode()
    assert plan.title in page and private_plan.title not in page
    assert 'data-testid="portfolio-row"' in page
    # 2-1-1's approved July spending (500 백만원), not the returned August record (777).
    assert "500" in page and "777" not in page.split('data-testid="portfolio-table"')[1].split("</table>")[0]
    assert 'data-chart="chart-money"' in page and "<table" in page


def test_staff_see_their_work_and_planners_the_queue(plan: Plan, tracked: Any, officer: User,
                                                     planner: User) -> None:
    officer_page = client_for(officer).get("/").content.decode()
    assert 'data-testid="my-returned">1<' in officer_page
    assert 'data-testid="my-drafts">1<' in officer_page
    assert 'data-testid="queue-count"' not in officer_page
    planner_page = client_for(planner).get("/").content.decode()
    assert 'data-testid="queue-count">0<' in planner_page
    assert 'data-testid="my-work-summary"' not in client_for(None).get("/").content.decode()


def _home_queries(user: User | None) -> int:
    client = client_for(user)
    client.get("/")  # warm the session and caches
    with CaptureQueriesContext(connection) as ctx:
        assert client.get("/").status_code == 200
    return len(ctx.captured_queries)


def test_the_home_page_runs_the_same_few_queries_whatever_the_data_size(
        plan: Plan, tracked: Any, planner: User, officer: User) -> None:
    def counts() -> dict[str, int]:
        return {"public": _home_queries(None), "planner": _home_queries(planner),
                "officer": _home_queries(officer)}

    small = counts()
    for n in range(3):
        import_doc(sample_plan_doc(slug=f"more-{n}", title=f"추가 계획 {n}"))
    large = counts()
    assert small == large
    assert all(n <= 15 for n in large.values()), large


def test_plan_progress_shows_money_indicators_and_milestones(plan: Plan, tracked: Any) -> None:
    response = client_for(None).get(f"/plans/{plan.slug}/progress/")
    page = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="years-table"' in page and 'data-testid="indicators-table"' in page
    assert "110.0%" in page  # 입주기업수 2018: 110 of 100
    assert "기본설계 완료" in page  # the approved milestone
    assert "<details" in page and 'data-testid="plain-summary"' in page


def test_plan_progress_runs_a_constant_number_of_queries(plan: Plan, tracked: Any) -> None:
    client = client_for(None)
    url = f"/plans/{plan.slug}/progress/"
    client.get(url)
    with CaptureQueriesContext(connection) as small:
        client.get(url)
    import_doc(sample_plan_doc(slug="another", title="다른 계획"))
    with CaptureQueriesContext(connection) as large:
        client.get(url)
    assert len(small.captured_queries) == len(large.captured_queries) <= 15


def test_node_progress_shows_the_subtree(plan: Plan, tracked: Any) -> None:
    page = client_for(None).get(f"/plans/{plan.slug}/progress/2-1/").content.decode()
    assert "글로벌협력동 신축" in page and "도심제조 스마트앵커 조성" not in page


def test_drafts_returned_entries_and_comments_never_reach_the_public(plan: Plan, tracked: Any,
                                                                      planner: User) -> None:
    client = client_for(None)
    pages = [client.get(u).content.decode() for u in (
        "/", f"/plans/{plan.slug}/progress/", f"/plans/{plan.slug}/progress/2-1-1/",
        "/data/milestones/", "/data/milestones/?format=csv")]
    pages.append(client.get("/data/plans/?format=csv").content.decode("utf-8-sig"))
    for page in pages:
        assert SECRET_DRAFT not in page
        assert SECRET_RETURN not in page
    # Nor who entered or approved anything.
    assert "planner" not in pages[0] and "officer" not in pages[0].split("<main")[1]


def test_a_withheld_node_is_gone_for_the_public_and_marked_for_staff(plan: Plan, tracked: Any,
                                                                      planner: User) -> None:
    do_withhold_node(planner, plan.nodes.get(code="2-1"), "협의 중")
    public = client_for(None)
    assert public.get(f"/plans/{plan.slug}/progress/2-1/").status_code == 404
    assert public.get(f"/plans/{plan.slug}/progress/2-1-1/").status_code == 404  # below it too
    assert public.get(f"/plans/{plan.slug}/nodes/2-1-1/").status_code == 404
    assert public.get(f"/api/v1/plans/{plan.slug}/nodes/2-1").status_code == 404
    api_nodes = public.get(f"/api/v1/plans/{plan.slug}/nodes").json()["items"]
    assert {n["code"] for n in api_nodes} == {"1", "1-1", "1-1-1", "2"}
    lines = public.get(f"/api/v1/plans/{plan.slug}/budget-lines").json()["items"]
    assert lines and all(line["node"].startswith("1") for line in lines)
    export = json.loads(b"".join(public.get(f"/api/v1/plans/{plan.slug}/export").streaming_content))
    assert {n["code"] for n in export["nodes"]} == {"1", "1-1", "1-1-1", "2"}
    assert all(b["node"].startswith("1") for b in export["budget_lines"])
    staff_export = client_for(planner).get(f"/api/v1/plans/{plan.slug}/export")  # streamed
    assert "2-1-1" in {n["code"] for n in json.loads(b"".join(staff_export.streaming_content))["nodes"]}
    progress = public.get(f"/plans/{plan.slug}/progress/").content.decode()
    assert "홍릉 서울바이오허브 조성" not in progress
    csv = public.get(f"/data/nodes/?plan={plan.slug}&format=csv").content.decode("utf-8-sig")
    assert "2-1-1" not in csv and "1-1-1" in csv
    budget = public.get(f"/data/budget/?plan={plan.slug}&format=csv").content.decode("utf-8-sig")
    assert "글로벌협력동" not in budget
    staff = client_for(planner).get(f"/plans/{plan.slug}/progress/2-1/")
    assert staff.status_code == 200 and 'data-testid="withheld-badge"' in staff.content.decode()


def test_unpublished_plans_have_no_progress_page_for_the_public(private_plan: Plan,
                                                                viewer: User) -> None:
    assert client_for(None).get(f"/plans/{private_plan.slug}/progress/").status_code == 404
    assert client_for(viewer).get(f"/plans/{private_plan.slug}/progress/").status_code == 200


def test_an_unknown_node_is_404(plan: Plan) -> None:
    assert client_for(None).get(f"/plans/{plan.slug}/progress/9-9/").status_code == 404
