"""The council follow-up for the public: search as the site searches, and an item's history."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from rtis.oversight.actions import do_update_audit_item
from tests.conftest import client_for
from tests.oversight.conftest import KEY, item, item_url

pytestmark = pytest.mark.django_db


def found(q: str, user: Any = None) -> list[tuple[str, int]]:
    response = client_for(user).get(reverse("oversight:detail", args=[KEY]), {"q": q})
    assert response.status_code == 200
    return [(i.category, i.number) for i in response.context["items"]]


def test_the_session_search_finds_nouns_with_particles(council: Any) -> None:
    assert found("창업허브를") == [("corrective", 3)]
    assert found("허브에서") == [("corrective", 2), ("corrective", 3)]


def test_the_session_search_finds_a_compound_written_apart(council: Any) -> None:
    assert found("캠퍼스조성") == [("corrective", 1)]  # printed "동북권 캠퍼스 조성 계획"


def test_the_session_search_keeps_plain_substrings_and_other_filters(council: Any) -> None:
    assert found("개관 지연") == [("corrective", 2)]
    response = client_for(None).get(reverse("oversight:detail", args=[KEY]),
                                    {"q": "허브", "status": "완료"})
    assert [(i.category, i.number) for i in response.context["items"]] == [("corrective", 3)]


def test_the_public_reads_when_the_follow_up_changed_but_not_who_changed_it(
        council: Any, officer: Any) -> None:
    target = item("corrective", 2)
    do_update_audit_item(officer, target, target.version, status="완료",
                         actions="바이오허브 개관 완료", next_steps="", due_on=None)
    response = client_for(None).get(item_url("corrective", 2))
    html = response.text
    assert 'data-testid="public-history"' in html
    steps = response.context["public_history"]
    assert len(steps) == 1
    assert {c.field for c in steps[0].changes} >= {"status", "actions"}
    assert '<span class="status st-progress">추진중</span> → <span class="status st-done">완료' \
           in html
    assert officer.display_name not in html and officer.username not in html.split("<main")[1]
    assert response.context["history"] == []


def test_an_item_never_changed_tells_the_public_so(council: Any) -> None:
    response = client_for(None).get(item_url("corrective", 1))
    assert 'data-testid="no-public-history"' in response.text


def test_staff_still_read_the_full_history_with_names(council: Any, officer: Any,
                                                      viewer: Any) -> None:
    target = item("corrective", 2)
    do_update_audit_item(officer, target, target.version, status="완료", actions="완료",
                         next_steps="", due_on=None)
    response = client_for(viewer).get(item_url("corrective", 2))
    assert 'data-testid="history"' in response.text
    assert response.context["public_history"] == []


def test_the_searched_list_uses_a_fixed_number_of_queries(
        council: Any, django_assert_max_num_queries: Any) -> None:
    with django_assert_max_num_queries(10):
        assert found("허브를") == [("corrective", 2), ("corrective", 3)]
