"""Every link a page shows opens for the person who sees it: no dead 403 links per role."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.urls import reverse

from rtis.oversight.actions import do_import_council_session
from rtis.plans.models import Plan
from rtis.reports.actions import do_generate_report
from tests.conftest import client_for

pytestmark = pytest.mark.django_db

HREF = re.compile(r'href="(/[^"#]*)')
# Links that are not pages to open with GET (files served elsewhere, the language switch).
SKIP = ("/static/", "/i18n/", "/logout/")


@pytest.fixture
def council(plan: Plan) -> Any:
    return do_import_council_session(
        None, {"key": "audit-test", "title": "시험 행정사무감사", "year": 2021,
               "plan": "sample-plan", "committee": "기획경제위원회"},
        [{"category": "corrective", "number": 1, "title": "동북권 캠퍼스 조성 계획 필요",
          "departments": ["신성장산업과"], "status": "추진중"}],
        summary={"columns": ["계"], "rows": [{"label": "계", "values": [1]}], "claims": []})


@pytest.fixture
def snapshot(planner: Any) -> Any:
    return do_generate_report(planner, "plan-tables", Plan.objects.get(slug="sample-plan"),
                              dt.date(2022, 1, 21))


def start_pages() -> list[str]:
    return [reverse("plans:list"), reverse("plans:detail", args=["sample-plan"]),
            reverse("plans:node", args=["sample-plan", "2-1"]), reverse("oversight:list"),
            reverse("oversight:detail", args=["audit-test"]),
            reverse("oversight:item", args=["audit-test", "corrective", 1]),
            reverse("orgs:list"), reverse("tracking:my_work"), reverse("reports:index"),
            reverse("dashboards:index")]


def nav(html: str) -> str:
    return html.split('data-testid="main-nav"', 1)[1].split("</nav>", 1)[0]


@pytest.mark.parametrize("who", [None, "viewer", "officer", "other_officer", "planner"])
def test_every_link_on_the_main_pages_opens_for_whoever_sees_it(
    request: Any, who: str | None, council: Any, snapshot: Any
) -> None:
    client = client_for(request.getfixturevalue(who) if who else None)
    links: set[str] = set()
    for url in start_pages():
        response = client.get(url)
        if response.status_code != 200:
            continue  # pages this person cannot open are not linked (checked below)
        links |= {link.replace("&amp;", "&") for link in HREF.findall(response.text)
                  if not link.startswith(SKIP)}
    assert links
    refused = {link: client.get(link).status_code for link in sorted(links)}
    assert {link: code for link, code in refused.items() if code != 200} == {}


def test_viewers_see_reports_but_not_the_checker_imports_or_bulk_entry(viewer: Any) -> None:
    client = client_for(viewer)
    menu = nav(client.get(reverse("plans:list")).text)
    assert "보고서" in menu
    for hidden in ("데이터 점검", "표 가져오기", "기준정보 관리"):
        assert hidden not in menu
    my_work = client.get(reverse("tracking:my_work")).text
    assert reverse("tracking:bulk_index") not in my_work
    assert reverse("checks:index") not in my_work


def test_the_public_sees_only_public_pages_in_the_menu(plan: Any) -> None:
    menu = nav(client_for(None).get(reverse("plans:list")).text)
    for hidden in ("내 업무", "현황판", "데이터 점검", "보고서", "표 가져오기"):
        assert hidden not in menu
    assert "계획" in menu and "의회 지적사항" in menu


def test_officers_see_bulk_entry_but_not_reports_or_the_checker(officer: Any) -> None:
    client = client_for(officer)
    menu = nav(client.get(reverse("plans:list")).text)
    assert "내 업무" in menu and "보고서" not in menu and "데이터 점검" not in menu
    assert reverse("tracking:bulk_index") in client.get(reverse("tracking:my_work")).text


def test_planners_see_every_planning_page(planner: Any) -> None:
    menu = nav(client_for(planner).get(reverse("plans:list")).text)
    for shown in ("데이터 점검", "보고서", "표 가져오기", "현황판", "내 업무"):
        assert shown in menu
