"""The council list: 180 items need pages, a text search, filters that stay in the links, and
statuses in colour with their word."""

from __future__ import annotations

import html
from typing import Any

import pytest
from django.urls import reverse

from rtis.oversight.actions import do_import_council_session
from rtis.oversight.models import CouncilSession
from tests.conftest import client_for

pytestmark = pytest.mark.django_db

STATUSES = ["완료", "추진중", "검토중", "미반영"]


@pytest.fixture
def long_session(plan: Any) -> CouncilSession:
    """70 corrective demands and 5 recommendations, as numerous as a real audit."""
    items = [{"category": "corrective", "number": n, "title": f"시정 요구 {n}번 창업허브 공간",
              "departments": ["신성장산업과" if n % 2 else "경제정책과"],
              "status": STATUSES[n % 4], "actions": f"조치 {n}"} for n in range(1, 71)]
    items += [{"category": "recommendation", "number": n, "title": f"건의 {n}번 바이오 거점",
               "departments": ["바이오시산업과"], "status": "검토중",
               "actions": "용역 착수" if n == 3 else ""} for n in range(1, 6)]
    return do_import_council_session(
        None, {"key": "audit-long", "title": "긴 행정사무감사", "year": 2021,
               "plan": "sample-plan", "committee": "기획경제위원회"}, items,
        summary={"columns": ["계"], "rows": [{"label": "계", "values": [75]}], "claims": []})


def url() -> str:
    return reverse("oversight:detail", args=["audit-long"])


def numbers(response: Any) -> list[tuple[str, int]]:
    return [(i.category, i.number) for i in response.context["items"]]


def test_the_list_comes_in_pages_of_thirty_in_document_order(long_session: Any) -> None:
    client = client_for(None)
    first = client.get(url())
    assert numbers(first) == [("corrective", n) for n in range(1, 31)]
    assert first.context["page"].paginator.count == 75
    last = client.get(url(), {"page": 3})
    assert numbers(last) == ([("corrective", n) for n in range(61, 71)]
                             + [("recommendation", n) for n in range(1, 6)])
    assert 'data-testid="pager"' in first.text and "?page=2" in first.text
    # a page past the end shows the last page rather than an error
    assert numbers(client.get(url(), {"page": 99})) == numbers(last)


def test_text_search_finds_korean_substrings_in_demands_actions_and_departments(
    long_session: Any
) -> None:
    client = client_for(None)
    assert numbers(client.get(url(), {"q": "바이오 거점"})) == [
        ("recommendation", n) for n in range(1, 6)]
    assert numbers(client.get(url(), {"q": "용역"})) == [("recommendation", 3)]
    assert numbers(client.get(url(), {"q": "조치 7"})) == [("corrective", 7), ("corrective", 70)]
    # a printed (unresolved) department name is searched as printed
    assert len(numbers(client.get(url(), {"q": "바이오시산업"}))) == 5
    # a linked department's name
    assert client.get(url(), {"q": "경제정책"}).context["page"].paginator.count == 35
    nothing = client.get(url(), {"q": "없는 말"})
    assert numbers(nothing) == [] and "조건에 맞는 지적사항이 없습니다." in nothing.text


def test_filters_combine_and_stay_in_the_page_links(long_session: Any) -> None:
    client = client_for(None)
    response = client.get(url(), {"q": "창업허브", "status": "완료", "category": "corrective"})
    assert numbers(response) == [("corrective", n) for n in range(4, 71, 4)]
    response = client.get(url(), {"q": "창업허브", "category": "corrective"})
    assert response.context["page"].paginator.count == 70
    assert "?q=%EC%B0%BD%EC%97%85%ED%97%88%EB%B8%8C&amp;category=corrective&amp;page=2" in (
        response.text)
    department = long_session.items.get(number=1, category="corrective").departments.get()
    response = client.get(url(), {"department": department.pk, "status": "추진중"})
    assert numbers(response) == [("corrective", n) for n in range(1, 71, 4)]
    assert client.get(url(), {"department": "x"}).status_code == 400
    arabic = str(department.pk).translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩"))
    for odd in ("²", arabic):  # int() refuses '²' (a 500 before) and reads the other as the id
        response = client.get(url(), {"department": odd})
        assert response.status_code == 400, odd
        assert f"department: '{odd}'" in html.unescape(response.text), odd


def test_statuses_are_coloured_and_written_out(long_session: Any) -> None:
    html = client_for(None).get(url()).text
    assert '<span class="status st-done" data-testid="item-status">완료</span>' in html
    assert '<span class="status st-progress" data-testid="item-status">추진중</span>' in html
    assert '<span class="status st-review" data-testid="item-status">검토중</span>' in html
    assert '<span class="status st-rejected" data-testid="item-status">미반영</span>' in html
