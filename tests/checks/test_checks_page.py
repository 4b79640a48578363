"""The 데이터 점검 page: plan titles, rules in words, numbers as printed."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse

from rtis.checks.present import format_computed, format_printed, rule_label
from rtis.plans.models import Plan
from tests.conftest import client_for, ensure_funding_sources, import_doc
from tests.factories import sample_plan_doc


@pytest.fixture
def flawed_plan(db: Any) -> Plan:
    """A plan whose printed 계 row is 100 too high and one of whose lines lies after its period."""
    ensure_funding_sources()
    doc = sample_plan_doc(slug="flawed-plan", title="점검 대상 계획")
    doc["stated_tables"][0]["rows"][0]["values"] = [21750, 9400, 12250]
    doc["budget_lines"].append({"node": "2-1-1", "year": 2030, "source": "city",
                                "amount_won": 5_050_000_000, "note": "",
                                "provenance": {"unit": "억원"}})
    return import_doc(doc)


def _rows(page: str) -> list[str]:
    return [chunk[:chunk.index("</tr>")] for chunk in page.split('data-testid="finding"')[1:]]


def test_findings_show_the_plan_title_the_rule_in_words_and_printed_numbers(
        planner: Any, flawed_plan: Plan) -> None:
    page = client_for(planner).get(reverse("checks:index"), {"plan": "flawed-plan"})
    assert page.status_code == 200
    rows = _rows(page.content.decode())
    total = next(r for r in rows if "합계 행" in r)
    assert "점검 대상 계획" in total and ">flawed-plan<" not in total
    assert ">total-row<" not in total
    assert "21,750백만원" in total and "21,650백만원" in total
    outside = next(r for r in rows if "계획 기간 밖 소요예산" in r)
    assert "50.5억원" in outside


def test_rule_names_are_translated(planner: Any, flawed_plan: Plan) -> None:
    client = client_for(planner)
    client.cookies["django_language"] = "en"
    page = client.get(reverse("checks:index"), {"plan": "flawed-plan"}).content.decode()
    assert "Total row" in page


def test_viewers_and_officers_may_not_see_the_checks(viewer: Any, officer: Any) -> None:
    assert client_for(viewer).get(reverse("checks:index")).status_code == 403
    assert client_for(officer).get(reverse("checks:index")).status_code == 403


def test_numbers_keep_their_printed_digits_and_computed_ones_add_at_most_two() -> None:
    assert format_printed(Decimal("1234.50"), "%") == "1,234.50%"
    assert format_printed("1.256.679") == "1.256.679"  # a malformed printed number as printed
    assert format_computed(Decimal("50.3125"), Decimal("50"), "억원") == "50.31억원"
    assert format_computed(Decimal("50.30"), Decimal("50"), "억원") == "50.3억원"
    assert format_computed(Decimal("21650"), Decimal("21750"), "백만원") == "21,650백만원"
    assert format_computed(None, Decimal("1")) == ""


def test_an_unknown_rule_shows_its_code() -> None:
    assert rule_label("total-row") == "합계 행 (계 = 각 행의 합)"
    assert rule_label("brand-new-rule") == "brand-new-rule"


def test_a_figures_stored_decimals_are_not_shown_as_printed_digits() -> None:
    from rtis.checks.present import finding_row
    from rtis.lib.consistency import Finding

    finding = Finding(severity="info", rule="figure-budget", message="", plan="p",
                      figures=[{"label": "총 투자규모", "value": 34400,
                                "provenance": {"unit": "억원"}}],
                      stated=Decimal("34400.0000"), computed=Decimal("34472.2213"))
    row = finding_row(finding, {"p": "계획"})
    assert (row.plan_title, row.stated, row.computed) == ("계획", "34,400억원", "34,472.22억원")
