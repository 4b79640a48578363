"""Organisation pages: a renamed department shows the name in force on the chosen date."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse

from rtis.orgs.actions import do_create_user, do_rename_department
from rtis.orgs.models import Department, Reorganisation, Role
from tests.conftest import PASSWORD, client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def renamed(plan: Any) -> Department:
    admin = do_create_user(None, "root", PASSWORD, Role.ADMIN)
    department = Department.objects.get(name="신성장산업과")
    reorganisation = Reorganisation.objects.create(effective_on=dt.date(2019, 1, 1),
                                                   title="2019 조직개편")
    return do_rename_department(admin, department, "바이오산업과", reorganisation)


def test_the_list_shows_names_in_force_on_the_chosen_date(renamed: Department) -> None:
    before = client_for(None).get(reverse("orgs:list"), {"on": "2018-06-30"})
    after = client_for(None).get(reverse("orgs:list"), {"on": "2019-01-01"})
    assert "신성장산업과" in before.text and "바이오산업과" in before.text  # current name column
    assert ">신성장산업과</a>" in before.text
    assert ">바이오산업과</a>" in after.text and ">신성장산업과</a>" not in after.text


def test_the_department_page_shows_the_name_history(renamed: Department) -> None:
    response = client_for(None).get(reverse("orgs:detail", args=[renamed.pk]),
                                    {"on": "2018-02-24"})
    assert response.status_code == 200
    assert 'data-testid="name-on-day">신성장산업과<' in response.text
    assert "2018-12-31" in response.text and "2019 조직개편" in response.text
    assert "홍릉 서울바이오허브 조성" in response.text  # the task it owns


def test_the_plan_export_uses_the_name_printed_in_the_document(renamed: Department) -> None:
    from rtis.ingest.export import export_plan
    from rtis.plans.models import Plan

    doc = export_plan(Plan.objects.get(slug="sample-plan"))  # approved 2018-02-24
    assert doc["nodes"][4]["departments"] == ["신성장산업과"]


def test_a_malformed_date_is_400_with_a_message(plan: Any) -> None:
    response = client_for(None).get(reverse("orgs:list"), {"on": "2018-13-45"})
    assert response.status_code == 400 and "2018-13-45" in response.text


def test_an_unknown_department_is_404(plan: Any) -> None:
    assert client_for(None).get(reverse("orgs:detail", args=[999999])).status_code == 404


def test_organisation_pages_refuse_post(plan: Any) -> None:
    assert client_for(None).post(reverse("orgs:list")).status_code == 405


def test_the_department_list_keeps_a_constant_number_of_queries(
    plan: Any, django_assert_max_num_queries: Any
) -> None:
    client = client_for(None)
    with django_assert_max_num_queries(4):
        client.get(reverse("orgs:list"))
