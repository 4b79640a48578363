"""The plan and task pages in the reader's words: one money unit for the whole page, the
change trail with field names, funding sources and amounts in Korean."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from rtis.plans.models import BudgetLine
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _default_language_afterwards() -> Iterator[None]:
    yield
    translation.deactivate()


def plan_url() -> str:
    return reverse("plans:detail", args=["sample-plan"])


def node_url(code: str) -> str:
    return reverse("plans:node", args=["sample-plan", code])


def section(html: str, testid: str) -> str:
    return html.split(f'data-testid="{testid}"', 1)[1].split("</table>", 1)[0]


def test_the_unit_applies_to_every_amount_on_the_plan_page(viewer: Any) -> None:
    html = client_for(viewer).get(plan_url(), {"unit": "억원"}).text
    tree = section(html, "node-tree")
    assert "소요예산 (억원)" in tree
    # 1-1-1: 79 + 100 억원 (179 억원), never 17,900 (백만원)
    assert re.search(r'>179</td>', tree) and "17,900" not in tree
    figures = section(html, "stated-figures")
    assert ">217</td><td>억원</td>" in figures  # 216.5억원 rounded half up in the chosen unit
    html = client_for(viewer).get(plan_url(), {"unit": "원"}).text
    assert ">21,650,000,000</td><td>원</td>" in section(html, "stated-figures")


def test_the_unit_switch_works_without_javascript_and_swaps_the_whole_page_with_htmx(
    viewer: Any
) -> None:
    html = client_for(viewer).get(plan_url(), {"unit": "원"}).text
    assert 'id="plan-money" data-unit="원"' in html
    switch = html.split('aria-label="금액 단위"', 1)[1].split("</div>", 1)[0]
    assert 'href="?unit=%EC%96%B5%EC%9B%90#budget"' in switch  # ?unit=억원, a plain link
    assert 'hx-target="#plan-money" hx-select="#plan-money"' in switch
    # the chosen unit follows the reader to a task
    assert f'href="{node_url("1")}?unit=%EC%9B%90"' in html


def test_the_history_names_fields_sources_and_amounts_in_korean(planner: Any) -> None:
    client = client_for(planner)
    line = BudgetLine.objects.get(node__code="1-1-1", year=2018, source_id="city")
    client.post(reverse("plans:line_save", args=["sample-plan", "1-1-1"]),
                {"year": 2018, "source": "city", "amount": "80", "unit": "억원", "note": "",
                 "version": line.version})
    html = client.get(node_url("1-1-1")).text
    history = section(html, "history")
    assert "금액(원)</b>: 7,900,000,000원 → 8,000,000,000원" in history
    assert "소요예산 1-1-1 2018 시비" in history
    assert "가져오기" in history and "시스템" in history
    for code in ("amount_won", " city ", ">import<", ">system<"):
        assert code not in history


def test_the_history_reads_english_through_the_catalogue(planner: Any) -> None:
    client = client_for(planner)
    line = BudgetLine.objects.get(node__code="1-1-1", year=2018, source_id="city")
    client.post(reverse("plans:line_save", args=["sample-plan", "1-1-1"]),
                {"year": 2018, "source": "city", "amount": "80", "unit": "억원", "note": "",
                 "version": line.version})
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    history = section(client.get(node_url("1-1-1")).text, "history")
    assert "Amount (won)</b>: 7,900,000,000 won → 8,000,000,000 won" in history
    assert "2018 City" in history and "Import" in history


def test_funding_sources_read_korean_and_english_through_the_catalogue(viewer: Any) -> None:
    client = client_for(viewer)
    assert "<th class=\"num\">시비</th>" in section(client.get(plan_url()).text, "by-source")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert "<th class=\"num\">City</th>" in section(client.get(plan_url()).text, "by-source")
