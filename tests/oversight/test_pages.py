"""Council follow-up pages: the summary is counted from the items."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from rtis.oversight.actions import do_import_council_session
from tests.conftest import client_for

pytestmark = pytest.mark.django_db

ITEMS = [
    {"category": "corrective", "number": 1, "title": "동북권 캠퍼스 조성 계획 필요",
     "departments": ["경제정책과"], "status": "추진중"},
    {"category": "corrective", "number": 2, "title": "창업허브 공간 부족",
     "departments": ["신성장산업과"], "status": "완료"},
    {"category": "recommendation", "number": 1, "title": "연구 용역 검토",
     "departments": ["없는과"], "status": "검토중"},
]


@pytest.fixture
def session(plan: Any) -> Any:
    return do_import_council_session(
        None, {"key": "audit-test", "title": "시험 행정사무감사", "year": 2021,
               "plan": "sample-plan", "committee": "기획경제위원회"}, ITEMS,
        summary={"columns": ["계"], "rows": [{"label": "계", "values": [3]}], "claims": []})


def test_the_summary_counts_items_by_category_and_status(session: Any) -> None:
    response = client_for(None).get(reverse("oversight:detail", args=["audit-test"]))
    assert response.status_code == 200
    summary = response.context["summary"]
    assert summary.total == 3
    corrective = next(r for r in summary.rows if r.key == "corrective")
    assert corrective.total == 2 and corrective.cells[:2] == [1, 1]


def test_items_filter_by_status(session: Any) -> None:
    response = client_for(None).get(reverse("oversight:detail", args=["audit-test"]),
                                    {"status": "검토중"})
    assert [i.title for i in response.context["items"]] == ["연구 용역 검토"]


def test_unknown_department_names_are_kept_as_printed(session: Any) -> None:
    item = session.items.get(category="recommendation")
    assert item.department_names == ["없는과"] and item.departments.count() == 0


def test_a_session_of_an_unpublished_report_is_hidden_from_the_public(
    session: Any, viewer: Any
) -> None:
    from rtis.plans.models import Plan

    Plan.objects.filter(slug="sample-plan").update(published=False)
    url = reverse("oversight:detail", args=["audit-test"])
    assert client_for(None).get(url).status_code == 404
    assert client_for(viewer).get(url).status_code == 200


def test_an_unknown_session_is_404_and_post_is_405(session: Any) -> None:
    assert client_for(None).get(reverse("oversight:detail", args=["nope"])).status_code == 404
    assert client_for(None).post(reverse("oversight:list")).status_code == 405


def test_the_session_page_keeps_a_constant_number_of_queries(
    session: Any, django_assert_max_num_queries: Any
) -> None:
    client = client_for(None)
    with django_assert_max_num_queries(6):
        client.get(reverse("oversight:detail", args=["audit-test"]))
