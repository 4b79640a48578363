"""Officers update their department's council items, planners any; every change is audited."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from rtis.audit.models import AuditEvent
from rtis.lib.conflict import EditConflict
from rtis.oversight.actions import MAX_TEXT, do_update_audit_item
from rtis.oversight.models import AuditItem
from rtis.plans.models import Plan
from tests.conftest import client_for
from tests.oversight.conftest import edit_url, item, item_url

pytestmark = pytest.mark.django_db


def form_data(target: AuditItem, **changes: Any) -> dict[str, Any]:
    """The edit form as the page fills it for this item, with some fields changed."""
    data = {"status": target.status, "actions": target.actions, "next_steps": target.next_steps,
            "due_on": target.due_on.isoformat() if target.due_on else "",
            "version": target.version}
    data.update(changes)
    return data


def events_of(target: AuditItem) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(target_type="oversight.audititem",
                                          target_id=str(target.pk), action="update"))


# --- import -----------------------------------------------------------------------------------


def test_the_import_reads_the_due_date_from_the_next_steps(council: Any) -> None:
    assert item("corrective", 2).due_on == dt.date(2022, 5, 31)
    assert item("recommendation", 2).due_on == dt.date(2022, 10, 31)
    assert item("recommendation", 1).due_on == dt.date(2022, 6, 30)
    assert item("document_request", 1).due_on is None


# --- the item page: who sees what -------------------------------------------------------------


def test_the_public_reads_an_item_of_a_published_report_without_form_or_history(
    council: Any,
) -> None:
    response = client_for(None).get(item_url("corrective", 2))
    assert response.status_code == 200
    assert "바이오허브 개관 지연" in response.text and "2022-05-31" in response.text
    assert response.context["form"] is None and response.context["history"] == []
    assert 'data-testid="item-form"' not in response.text


def test_the_public_gets_404_for_an_item_of_an_unpublished_report(council: Any,
                                                                    viewer: Any) -> None:
    Plan.objects.filter(slug="sample-plan").update(published=False)
    assert client_for(None).get(item_url("corrective", 2)).status_code == 404
    assert client_for(viewer).get(item_url("corrective", 2)).status_code == 200


def test_an_officer_sees_the_form_on_their_departments_item(council: Any, officer: Any) -> None:
    response = client_for(officer).get(item_url("corrective", 2))
    assert response.status_code == 200
    assert response.context["can_edit"] and 'data-testid="item-form"' in response.text
    assert 'data-testid="history"' in response.text  # the import is the first entry


@pytest.mark.parametrize("who", ["other_officer", "viewer"])
def test_others_read_the_item_without_a_form(council: Any, who: str,
                                            request: pytest.FixtureRequest) -> None:
    response = client_for(request.getfixturevalue(who)).get(item_url("corrective", 2))
    assert response.status_code == 200
    assert not response.context["can_edit"] and 'data-testid="item-form"' not in response.text


def test_a_planner_sees_the_form_on_any_item(council: Any, planner: Any) -> None:
    response = client_for(planner).get(item_url("recommendation", 1))
    assert response.status_code == 200 and response.context["can_edit"]


@pytest.mark.parametrize(("key", "category", "number"), [
    ("audit-test", "corrective", 99), ("audit-test", "nonsense", 1), ("nope", "corrective", 1)])
def test_an_unknown_item_or_session_is_404(council: Any, officer: Any, key: str, category: str,
                                           number: int) -> None:
    client = client_for(officer)
    assert client.get(item_url(category, number, key)).status_code == 404
    assert client.post(edit_url(category, number, key), {}).status_code == 404


def test_the_item_page_refuses_post_and_the_edit_endpoint_refuses_get(
    council: Any, officer: Any
) -> None:
    client = client_for(officer)
    assert client.post(item_url("corrective", 2)).status_code == 405
    assert client.get(edit_url("corrective", 2)).status_code == 405


def test_the_session_page_links_every_item_to_its_page(council: Any) -> None:
    response = client_for(None).get(reverse("oversight:detail", args=["audit-test"]))
    assert f'href="{item_url("recommendation", 3)}"' in response.text
    assert f'href="{reverse("oversight:overdue", args=["audit-test"])}"' in response.text


# --- saving: the permission matrix ------------------------------------------------------------


def test_an_officer_completes_their_departments_item(council: Any, officer: Any) -> None:
    target = item("corrective", 2)
    response = client_for(officer).post(edit_url("corrective", 2), form_data(
        target, status="완료", actions="개관식 개최('22.5.20.)"))
    assert response.status_code == 302 and response["Location"] == item_url("corrective", 2)
    saved = item("corrective", 2)
    assert (saved.status, saved.actions, saved.version) == ("완료", "개관식 개최('22.5.20.)", 2)


def test_an_officer_may_update_an_item_shared_with_another_department(
    council: Any, officer: Any
) -> None:
    target = item("recommendation", 3)  # 경제정책과 and 신성장산업과
    response = client_for(officer).post(edit_url("recommendation", 3),
                                        form_data(target, actions="1차 회의"))
    assert response.status_code == 302 and item("recommendation", 3).actions == "1차 회의"


def test_a_planner_updates_any_item(council: Any, planner: Any) -> None:
    target = item("recommendation", 1)
    response = client_for(planner).post(edit_url("recommendation", 1),
                                        form_data(target, status="추진중"))
    assert response.status_code == 302 and item("recommendation", 1).status == "추진중"


def test_it_refuses_another_departments_item(council: Any, officer: Any) -> None:
    target = item("recommendation", 1)  # 문화융합경제과
    response = client_for(officer).post(edit_url("recommendation", 1),
                                        form_data(target, status="완료"))
    assert response.status_code == 403
    assert item("recommendation", 1).status == "검토중" and events_of(target) == []


@pytest.mark.parametrize("who", ["other_officer", "viewer"])
def test_it_refuses_other_officers_and_viewers(council: Any, who: str,
                                               request: pytest.FixtureRequest) -> None:
    target = item("corrective", 2)
    response = client_for(request.getfixturevalue(who)).post(
        edit_url("corrective", 2), form_data(target, status="완료"))
    assert response.status_code == 403 and item("corrective", 2).status == "추진중"


def test_the_public_is_sent_to_log_in(council: Any) -> None:
    target = item("corrective", 2)
    response = client_for(None).post(edit_url("corrective", 2), form_data(target, status="완료"))
    assert response.status_code == 302 and response["Location"].startswith("/login/")
    assert item("corrective", 2).status == "추진중"


# --- validation -------------------------------------------------------------------------------


def test_an_unknown_status_is_400_naming_the_field(council: Any, officer: Any) -> None:
    target = item("corrective", 2)
    response = client_for(officer).post(edit_url("corrective", 2),
                                        form_data(target, status="끝났음"))
    assert response.status_code == 400
    assert list(response.context["form"].errors) == ["status"]
    assert 'data-testid="error-status"' in response.text
    assert item("corrective", 2).version == 1


def test_too_long_actions_are_400_with_a_message_naming_the_field(council: Any,
                                                                  officer: Any) -> None:
    target = item("corrective", 2)
    response = client_for(officer).post(edit_url("corrective", 2),
                                        form_data(target, actions="가" * (MAX_TEXT + 1)))
    assert response.status_code == 400
    message = " ".join(response.context["form"].errors["actions"])
    # Korean page: the Korean half, naming the field as the form labels it (not "actions")
    assert "추진내용" in message and "actions" not in message and f"{MAX_TEXT:,}자" in message


def test_a_malformed_due_date_is_400_naming_the_field(council: Any, officer: Any) -> None:
    target = item("corrective", 2)
    response = client_for(officer).post(edit_url("corrective", 2),
                                        form_data(target, due_on="2022-13-45"))
    assert response.status_code == 400 and list(response.context["form"].errors) == ["due_on"]


def test_a_missing_version_is_400(council: Any, officer: Any) -> None:
    data = form_data(item("corrective", 2))
    del data["version"]
    response = client_for(officer).post(edit_url("corrective", 2), data)
    assert response.status_code == 400 and "version" in response.context["form"].errors


def test_the_action_names_every_bad_field(council: Any, planner: Any) -> None:
    with pytest.raises(ValidationError) as raised:
        do_update_audit_item(planner, item("corrective", 2), 1, status="done", actions=3,
                             next_steps="", due_on=dt.date(1900, 1, 1))
    assert set(raised.value.message_dict) == {"status", "actions", "due_on"}


def test_the_action_refuses_an_officer_of_another_department(council: Any,
                                                             other_officer: Any) -> None:
    with pytest.raises(PermissionDenied):
        do_update_audit_item(other_officer, item("corrective", 2), 1, status="완료",
                             actions="", next_steps="", due_on=None)


# --- audit and history ------------------------------------------------------------------------


def test_a_save_is_audited_with_old_and_new_values_of_the_changed_fields_only(
    council: Any, officer: Any
) -> None:
    target = item("corrective", 2)
    client_for(officer).post(edit_url("corrective", 2), form_data(
        target, status="완료", actions="개관", due_on="2022-06-15"))
    [event] = events_of(target)
    assert event.actor_name == "officer" and event.plan_id == council.plan_id
    assert event.changes == {"status": ["추진중", "완료"], "actions": ["", "개관"],
                             "due_on": ["2022-05-31", "2022-06-15"]}


def test_the_item_page_shows_the_change_in_its_history(council: Any, officer: Any) -> None:
    client = client_for(officer)
    client.post(edit_url("corrective", 2), form_data(item("corrective", 2), status="완료"))
    response = client.get(item_url("corrective", 2))
    assert "저장했습니다." in response.text
    entry = response.context["history"][0]
    assert entry.event.actor_name == "officer"
    assert [(c.label, c.old, c.new) for c in entry.changes] == [("처리상황", "추진중", "완료")]


def test_a_save_changes_the_computed_summary(council: Any, officer: Any) -> None:
    url = reverse("oversight:detail", args=["audit-test"])
    before = client_for(None).get(url).context["summary"].column_totals
    client_for(officer).post(edit_url("corrective", 2), form_data(item("corrective", 2),
                                                                  status="완료"))
    after = client_for(None).get(url).context["summary"].column_totals
    assert before[:2] == [1, 4] and after[:2] == [2, 3]  # 완료, 추진중


# --- optimistic locking -----------------------------------------------------------------------


def test_a_stale_save_is_409_and_shows_the_other_persons_change(
    council: Any, officer: Any, planner: Any
) -> None:
    loaded = form_data(item("corrective", 2))
    first = client_for(planner).post(edit_url("corrective", 2),
                                     {**loaded, "actions": "기획자가 먼저 입력"})
    assert first.status_code == 302
    response = client_for(officer).post(edit_url("corrective", 2),
                                        {**loaded, "actions": "담당자 입력"})
    assert response.status_code == 409
    assert "기획자가 먼저 입력" in response.text and "planner" in response.text
    assert 'data-testid="current-actions"' in response.text
    form = response.context["form"]
    assert form["actions"].value() == "담당자 입력" and form["version"].value() == 2
    assert item("corrective", 2).actions == "기획자가 먼저 입력"
    again = client_for(officer).post(edit_url("corrective", 2),
                                     {**loaded, "actions": "담당자 입력", "version": 2})
    assert again.status_code == 302 and item("corrective", 2).actions == "담당자 입력"


def test_the_action_raises_edit_conflict_for_a_stale_version(council: Any,
                                                             planner: Any) -> None:
    target = item("corrective", 2)
    do_update_audit_item(planner, target, 1, status="완료", actions="", next_steps="",
                         due_on=None)
    with pytest.raises(EditConflict) as raised:
        do_update_audit_item(planner, item("corrective", 2), 1, status="추진중", actions="",
                             next_steps="", due_on=None)
    assert raised.value.current["status"] == "완료" and raised.value.current_version == 2


# --- query counts -----------------------------------------------------------------------------


def test_the_item_page_keeps_a_constant_number_of_queries(
    council: Any, officer: Any, django_assert_max_num_queries: Any
) -> None:
    client = client_for(officer)
    for number in (1, 2):
        client.post(edit_url("corrective", 2), form_data(item("corrective", 2),
                                                         actions=f"{number}차"))
    with django_assert_max_num_queries(8):  # 7 + the menu's counts
        assert client.get(item_url("corrective", 2)).status_code == 200


def test_the_session_page_with_links_and_due_dates_keeps_its_query_count(
    council: Any, officer: Any, django_assert_max_num_queries: Any
) -> None:
    client = client_for(officer)
    # session + user, the session, its departments (filter), the summary, a page's count and rows,
    # the menu's counts
    with django_assert_max_num_queries(8):
        assert client.get(reverse("oversight:detail", args=["audit-test"])).status_code == 200
