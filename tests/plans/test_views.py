"""Plan pages: who sees what, who may change what, and that nothing is lost."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from rtis.audit.models import AuditEvent
from rtis.plans.models import BudgetLine, Node
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def node_url(name: str, code: str, **kwargs: Any) -> str:
    return reverse(f"plans:{name}", kwargs={"slug": "sample-plan", "code": code, **kwargs})


def test_the_public_sees_only_published_plans(plan: Any, private_plan: Any) -> None:
    response = client_for(None).get(reverse("plans:list"))
    assert response.status_code == 200
    assert "표본 혁신성장 계획" in response.text
    assert "비공개 계획" not in response.text


def test_staff_see_unpublished_plans_marked_as_such(viewer: Any, private_plan: Any) -> None:
    response = client_for(viewer).get(reverse("plans:list"))
    assert "비공개 계획" in response.text and "비공개" in response.text


def test_the_plan_list_shows_planned_totals_in_the_chosen_unit(viewer: Any) -> None:
    response = client_for(viewer).get(reverse("plans:list"), {"unit": "억원"})
    # 79 + 100 + 15 + 22.5 억원 = 216.5 → printed rounded half up
    assert ">217<" in response.text


def test_the_plan_list_query_count_does_not_grow_with_plans(
    viewer: Any, private_plan: Any, django_assert_max_num_queries: Any
) -> None:
    client = client_for(viewer)
    with django_assert_max_num_queries(8):
        client.get(reverse("plans:list"))


def test_an_unpublished_plan_does_not_exist_for_the_public(private_plan: Any) -> None:
    response = client_for(None).get(reverse("plans:detail", args=["private-plan"]))
    assert response.status_code == 404


def test_an_unknown_plan_is_404_with_its_slug_named(viewer: Any) -> None:
    response = client_for(viewer).get(reverse("plans:detail", args=["no-such-plan"]))
    assert response.status_code == 404
    assert "no-such-plan" in response.text


def test_the_plan_page_rolls_up_money_by_year_source_and_area(viewer: Any) -> None:
    response = client_for(viewer).get(reverse("plans:detail", args=["sample-plan"]),
                                      {"unit": "백만원"})
    assert response.status_code == 200
    text = response.text
    assert 'data-testid="by-source-total" title="21650000000원">21,650<' in text
    assert "도심제조 활력 도시" in text and "홍릉 서울바이오허브 조성" in text
    assert "입주기업수" in text


def test_the_plan_page_keeps_a_constant_number_of_queries(
    viewer: Any, django_assert_max_num_queries: Any
) -> None:
    client = client_for(viewer)
    with django_assert_max_num_queries(16):
        client.get(reverse("plans:detail", args=["sample-plan"]))


def test_the_unit_switch_renders_only_the_budget_partial(viewer: Any) -> None:
    response = client_for(viewer).get(reverse("plans:budget", args=["sample-plan"]),
                                      {"unit": "억원"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert response.text.lstrip().startswith('<section id="budget"')
    assert 'data-unit="억원"' in response.text
    assert ">217<" in response.text


def test_an_unknown_unit_falls_back_to_millions(viewer: Any) -> None:
    response = client_for(viewer).get(reverse("plans:budget", args=["sample-plan"]),
                                      {"unit": "달러"})
    assert 'data-unit="백만원"' in response.text


def test_plan_pages_refuse_other_methods(viewer: Any) -> None:
    response = client_for(viewer).post(reverse("plans:detail", args=["sample-plan"]))
    assert response.status_code == 405


def test_the_node_page_shows_lines_with_provenance_and_history(viewer: Any) -> None:
    response = client_for(viewer).get(node_url("node", "1-1"))
    assert response.status_code == 200
    assert "연차별 소요예산" in response.text
    assert 'data-testid="history"' in response.text


def test_an_unknown_node_is_404(viewer: Any) -> None:
    assert client_for(viewer).get(node_url("node", "9-9")).status_code == 404


def test_the_public_sees_no_change_history(plan: Any) -> None:
    response = client_for(None).get(node_url("node", "1-1"))
    assert response.status_code == 200
    assert 'data-testid="history"' not in response.text


def test_an_officer_edits_a_node_of_their_department(officer: Any) -> None:
    node = Node.objects.get(code="2-1")
    client = client_for(officer)
    assert client.get(node_url("node_edit", "2-1")).status_code == 200
    response = client.post(node_url("node_edit", "2-1"), {
        "title": "홍릉 서울바이오허브 조성(2단계)", "kind": "확대", "description": "새 설명",
        "version": node.version})
    assert response.status_code == 302
    node.refresh_from_db()
    assert node.title == "홍릉 서울바이오허브 조성(2단계)" and node.version == 2
    event = AuditEvent.objects.get(target_type="plans.node", target_id=str(node.pk),
                                   action="update")
    assert event.actor_name == "officer"
    assert event.changes["title"] == ["홍릉 서울바이오허브 조성", "홍릉 서울바이오허브 조성(2단계)"]


def test_an_officer_may_edit_unit_projects_below_their_task(officer: Any) -> None:
    assert client_for(officer).get(node_url("node_edit", "2-1-1")).status_code == 200


def test_it_refuses_another_departments_task(other_officer: Any) -> None:
    response = client_for(other_officer).get(node_url("node_edit", "2-1"))
    assert response.status_code == 403
    node = Node.objects.get(code="2-1")
    response = client_for(other_officer).post(node_url("node_edit", "2-1"), {
        "title": "x", "kind": "", "description": "", "version": node.version})
    assert response.status_code == 403
    node.refresh_from_db()
    assert node.title == "홍릉 서울바이오허브 조성"


def test_a_viewer_may_not_edit(viewer: Any) -> None:
    assert client_for(viewer).get(node_url("node_edit", "2-1")).status_code == 403


def test_the_public_is_sent_to_login_before_editing(plan: Any) -> None:
    response = client_for(None).get(node_url("node_edit", "2-1"))
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_an_empty_title_is_refused_with_the_field_named(officer: Any) -> None:
    node = Node.objects.get(code="2-1")
    response = client_for(officer).post(node_url("node_edit", "2-1"), {
        "title": "  ", "kind": "", "description": "", "version": node.version})
    assert response.status_code == 400
    assert "명칭" in response.text
    node.refresh_from_db()
    assert node.version == 1


def test_a_stale_save_is_refused_and_shows_the_other_persons_change(
    officer: Any, planner: Any
) -> None:
    node = Node.objects.get(code="2-1")
    loaded_version = node.version
    first = client_for(planner).post(node_url("node_edit", "2-1"), {
        "title": "기획자가 고친 제목", "kind": "확대", "description": "", "version": loaded_version})
    assert first.status_code == 302
    second = client_for(officer).post(node_url("node_edit", "2-1"), {
        "title": "담당자가 고친 제목", "kind": "확대", "description": "담당자 설명",
        "version": loaded_version})
    assert second.status_code == 409
    assert "기획자가 고친 제목" in second.text  # what is stored now
    assert "담당자가 고친 제목" in second.text  # the officer's own text, kept for re-applying
    assert "planner" in second.text  # who changed it
    node.refresh_from_db()
    assert node.title == "기획자가 고친 제목"
    # Re-applying against the version shown now succeeds.
    third = client_for(officer).post(node_url("node_edit", "2-1"), {
        "title": "담당자가 고친 제목", "kind": "확대", "description": "담당자 설명",
        "version": node.version})
    assert third.status_code == 302
    node.refresh_from_db()
    assert node.title == "담당자가 고친 제목" and node.version == 3


def test_an_officer_enters_a_budget_line_in_millions(officer: Any) -> None:
    response = client_for(officer).post(node_url("line_save", "2-1-1"), {
        "year": 2020, "source": "city", "amount": "1,234.5".replace(",", ""), "unit": "백만원",
        "note": "추경"})
    assert response.status_code == 302
    line = BudgetLine.objects.get(node__code="2-1-1", year=2020, source_id="city")
    assert line.amount_won == 1_234_500_000
    assert AuditEvent.objects.filter(target_type="plans.budgetline", action="create",
                                     target_id=str(line.pk)).exists()


def test_saving_an_existing_year_and_source_updates_it_with_history(officer: Any) -> None:
    line = BudgetLine.objects.get(node__code="2-1-1", year=2018, source_id="city")
    client_for(officer).post(node_url("line_save", "2-1-1"), {
        "year": 2018, "source": "city", "amount": "20", "unit": "억원", "note": "",
        "version": line.version})
    line.refresh_from_db()
    assert line.amount_won == 2_000_000_000
    event = AuditEvent.objects.get(target_type="plans.budgetline", action="update",
                                   target_id=str(line.pk))
    assert event.changes["amount_won"] == [1_500_000_000, 2_000_000_000]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"amount": "-5"}, "음수"),
        ({"amount": "200000000", "unit": "억원"}, "10^16"),
        ({"amount": "0.0005", "unit": "천원"}, "원 단위"),
        ({"year": "1989"}, "1990"),
        ({"source": "bitcoin"}, "bitcoin"),
    ],
)
def test_bad_budget_input_is_refused_with_the_field_named(
    officer: Any, data: dict[str, str], message: str
) -> None:
    before = BudgetLine.objects.count()
    form = {"year": "2020", "source": "city", "amount": "10", "unit": "백만원", "note": "",
            **data}
    response = client_for(officer).post(node_url("line_save", "2-1-1"), form)
    assert response.status_code == 400
    assert message in response.text
    assert BudgetLine.objects.count() == before


def test_another_department_may_not_enter_money(other_officer: Any) -> None:
    response = client_for(other_officer).post(node_url("line_save", "2-1-1"), {
        "year": 2020, "source": "city", "amount": "10", "unit": "백만원", "note": ""})
    assert response.status_code == 403


def test_a_deleted_line_keeps_its_values_in_the_audit_trail(officer: Any) -> None:
    line = BudgetLine.objects.get(node__code="2-1-1", year=2019)
    response = client_for(officer).post(node_url("line_delete", "2-1", line_id=line.pk))
    assert response.status_code == 302
    assert not BudgetLine.objects.filter(pk=line.pk).exists()
    event = AuditEvent.objects.get(target_type="plans.budgetline", action="delete",
                                   target_id=str(line.pk))
    assert event.changes["amount_won"] == [2_250_000_000, None]
    assert event.node_id == line.node_id


def test_deleting_a_line_of_another_subtree_is_404(officer: Any) -> None:
    line = BudgetLine.objects.get(node__code="1-1-1", year=2018)
    response = client_for(officer).post(node_url("line_delete", "2-1", line_id=line.pk))
    assert response.status_code == 404
    assert BudgetLine.objects.filter(pk=line.pk).exists()


def test_deleting_needs_post(officer: Any) -> None:
    line = BudgetLine.objects.get(node__code="2-1-1", year=2019)
    assert client_for(officer).get(node_url("line_delete", "2-1", line_id=line.pk)).status_code == 405


def test_a_planner_publishes_and_withdraws_a_plan_with_history(
    planner: Any, private_plan: Any
) -> None:
    url = reverse("plans:publish", args=["private-plan"])
    client = client_for(planner)
    assert client.post(url, {"published": "1"}).status_code == 302
    assert client_for(None).get(reverse("plans:detail", args=["private-plan"])).status_code == 200
    assert client.post(url, {"published": "0"}).status_code == 302
    assert client_for(None).get(reverse("plans:detail", args=["private-plan"])).status_code == 404
    changes = [e.changes["published"] for e in AuditEvent.objects.filter(
        target_type="plans.plan", action="update").order_by("id")]
    assert changes == [[False, True], [True, False]]


def test_officers_and_viewers_may_not_publish(officer: Any, viewer: Any, private_plan: Any) -> None:
    url = reverse("plans:publish", args=["private-plan"])
    assert client_for(officer).post(url, {"published": "1"}).status_code == 403
    assert client_for(viewer).post(url, {"published": "1"}).status_code == 403
    response = client_for(None).post(url, {"published": "1"})
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_publishing_needs_post(planner: Any) -> None:
    assert client_for(planner).get(reverse("plans:publish", args=["sample-plan"])).status_code == 405


def test_the_node_page_keeps_a_constant_number_of_queries(
    viewer: Any, django_assert_max_num_queries: Any
) -> None:
    client = client_for(viewer)
    # 14 + the menu's counts (결재 대기, 알림) for a signed-in reader + whether the node has
    # lineage links (the 계획 간 이력 link, one EXISTS)
    with django_assert_max_num_queries(16):
        client.get(node_url("node", "2-1"))


def test_changing_an_amount_with_a_blank_note_keeps_the_printed_note(officer: Any) -> None:
    line = BudgetLine.objects.get(node__code="2-1-1", year=2018, source_id="city")
    client_for(officer).post(node_url("line_save", "2-1-1"), {
        "year": 2018, "source": "city", "amount": "16", "unit": "억원", "note": "",
        "version": line.version})
    line.refresh_from_db()
    assert line.amount_won == 1_600_000_000 and line.note == "(~23)"


def test_a_stale_budget_edit_is_refused_with_the_stored_values(
    planner: Any, officer: Any
) -> None:
    line = BudgetLine.objects.get(node__code="2-1-1", year=2018, source_id="city")
    loaded = line.version  # both editors loaded the page at this version
    first = client_for(planner).post(node_url("line_save", "2-1-1"), {
        "year": 2018, "source": "city", "amount": "200", "unit": "원", "note": "",
        "version": loaded})
    assert first.status_code == 302
    events = AuditEvent.objects.filter(target_type="plans.budgetline").count()
    second = client_for(officer).post(node_url("line_save", "2-1-1"), {
        "year": 2018, "source": "city", "amount": "150", "unit": "원", "note": "",
        "version": loaded})
    assert second.status_code == 409
    assert 'data-testid="conflict"' in second.text
    assert "200원" in second.text  # what is stored now, next to the editor's own 150
    assert 'value="150"' in second.text
    line.refresh_from_db()
    assert line.amount_won == 200 and line.version == loaded + 1
    assert AuditEvent.objects.filter(target_type="plans.budgetline").count() == events
    # The page now carries the stored version: saving again applies the editor's figure.
    again = client_for(officer).post(node_url("line_save", "2-1-1"), {
        "year": 2018, "source": "city", "amount": "150", "unit": "원", "note": "",
        "version": line.version})
    assert again.status_code == 302
    line.refresh_from_db()
    assert line.amount_won == 150


def test_a_new_line_form_never_overwrites_an_existing_line(officer: Any) -> None:
    line = BudgetLine.objects.get(node__code="2-1-1", year=2018, source_id="city")
    before = line.amount_won
    response = client_for(officer).post(node_url("line_save", "2-1-1"), {
        "year": 2018, "source": "city", "amount": "1", "unit": "원", "note": ""})
    assert response.status_code == 409
    line.refresh_from_db()
    assert line.amount_won == before


def test_the_edit_link_fills_the_form_with_the_line_and_its_version(officer: Any) -> None:
    line = BudgetLine.objects.get(node__code="2-1-1", year=2018, source_id="city")
    page = client_for(officer).get(node_url("node", "2-1-1") + f"?edit={line.pk}")
    assert page.status_code == 200
    assert f'name="version" value="{line.version}"' in page.text
    assert f'value="{line.amount_won}"' in page.text
