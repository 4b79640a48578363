"""The public sees published facility pages (with their publication date) and aggregates only:
no field of a tenant reaches it, on any page, download or API answer. One test per field."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from rtis.facilities.actions import (
    do_add_occupancy,
    do_register_tenant,
    do_save_outcome,
)
from rtis.facilities.models import Facility

pytestmark = pytest.mark.django_db

# One tenant's values, chosen so that no other figure on the pages can equal them.
SECRET = {"name": "은밀바이오", "business_number": "1208147521", "space": "B-707호",
          "sales_won": 987_654_321_012, "employees": 4321, "investment_won": 123_456_789_098,
          "patents": 777}


def shapes(value: Any) -> list[str]:
    """The ways a value can be printed: as is, grouped, and in 백만원 or 억원 when money."""
    if isinstance(value, str):
        return [value, f"{value[:3]}-{value[3:5]}-{value[5:]}"] if value.isdigit() else [value]
    found = [str(value), f"{value:,}"]
    if value > 10**8:
        found += [f"{round(value / 10**6):,}", f"{round(value / 10**8):,}"]
    return found


@pytest.fixture
def world(hub: Facility, settings: Any) -> Facility:
    settings.RTIS_TODAY = dt.date(2022, 3, 15)
    tenant = do_register_tenant(None, hub, name=SECRET["name"],
                                business_number=SECRET["business_number"])
    occupancy = do_add_occupancy(None, hub, tenant, space=SECRET["space"],
                                 moved_in_on=dt.date(2020, 1, 1))
    do_save_outcome(None, occupancy, 2021, None,
                    **{f: SECRET[f] for f in ("sales_won", "employees", "investment_won",
                                              "patents")})
    return hub


def public_texts(facility: Facility) -> dict[str, str]:
    client = Client()
    texts: dict[str, str] = {}
    detail = reverse("facilities:detail", args=[facility.pk])
    for name, url in (("list", reverse("facilities:list")),
                      ("dashboard", reverse("facilities:dashboard")),
                      ("detail", detail), ("funds", reverse("facilities:funds")),
                      ("api-list", "/api/v1/facilities"),
                      ("api-detail", f"/api/v1/facilities/{facility.pk}")):
        response = client.get(url)
        assert response.status_code == 200, name
        texts[name] = response.content.decode()
    for name, url in (("list", reverse("facilities:list")), ("detail", detail),
                      ("dashboard", reverse("facilities:dashboard"))):
        texts[f"{name}-csv"] = client.get(url + "?format=csv").content.decode("utf-8-sig")
        book = load_workbook(io.BytesIO(client.get(url + "?format=xlsx").content))
        texts[f"{name}-xlsx"] = "\n".join(
            "\t".join("" if c is None else str(c) for c in row)
            for sheet in book.worksheets for row in sheet.iter_rows(values_only=True))
    for name in ("leavers", "tenants"):  # the staff's lists refuse the public outright
        url = reverse(f"facilities:{name}", args=[facility.pk]) if name == "leavers" \
            else reverse("facilities:tenants")
        assert client.get(url).status_code == 302
    return texts


@pytest.mark.parametrize("field", list(SECRET))
def test_no_field_of_a_tenant_reaches_the_public(world: Facility, field: str) -> None:
    texts = public_texts(world)
    leaks = [(page, shape) for page, text in texts.items() for shape in shapes(SECRET[field])
             if shape in text]
    assert not leaks, leaks


def test_the_staff_see_what_the_public_does_not(world: Facility, viewer: Any) -> None:
    client = Client()
    client.force_login(viewer)
    text = client.get(reverse("facilities:detail", args=[world.pk])).content.decode()
    assert SECRET["name"] in text and SECRET["space"] in text and "4321" in text


def test_the_public_page_shows_its_publication_date(world: Facility) -> None:
    text = Client().get(reverse("facilities:detail", args=[world.pk])).content.decode()
    assert world.published_on is not None
    assert f'data-testid="published-on">{world.published_on:%Y-%m-%d}' in text
