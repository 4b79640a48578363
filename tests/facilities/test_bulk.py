"""Tenant outcomes by XLSX: template, all-or-nothing upload naming sheet, row, column, reason."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from rtis.facilities.actions import do_add_occupancy, do_register_tenant, do_save_outcome
from rtis.facilities.models import Facility, Occupancy, TenantOutcome
from tests.conftest import client_for
from tests.facilities.conftest import BIZ_B, day, values

pytestmark = pytest.mark.django_db


@pytest.fixture
def tenancies(hub: Facility, tenant: Any) -> list[Occupancy]:
    other = do_register_tenant(None, hub, name="마바", business_number=BIZ_B)
    return [do_add_occupancy(None, hub, tenant, space="101호", moved_in_on=day("2019-04-01")),
            do_add_occupancy(None, hub, other, space="102호", moved_in_on=day("2020-01-01"),
                             moved_out_on=day("2021-06-30"))]


def template(client: Any, hub: Facility, year: int) -> Any:
    response = client.get(reverse("facilities:outcome_template", args=[hub.pk]), {"year": year})
    assert response.status_code == 200
    return load_workbook(io.BytesIO(response.content))


def upload(client: Any, hub: Facility, book: Any, name: str = "성과.xlsx") -> Any:
    data = io.BytesIO()
    book.save(data)
    return client.post(reverse("facilities:outcome_upload", args=[hub.pk]),
                       {"file": SimpleUploadedFile(name, data.getvalue())})


def test_an_officer_fills_the_template_and_uploads_it(hub: Facility, tenancies: Any,
                                                     officer: Any) -> None:
    client = client_for(officer)
    book = template(client, hub, 2021)
    sheet = book["입주기업 성과"]
    assert [c.value for c in sheet[2]][1:4] == ["101호", "가나바이오", "1248100998"]
    for row, (sales, people) in ((2, (1_000_000, 3)), (3, ("2,500,000", 4))):
        sheet.cell(row, 5, sales)
        sheet.cell(row, 6, people)
    response = upload(client, hub, book)
    assert response.status_code == 302
    saved = dict(TenantOutcome.objects.values_list("occupancy__space", "sales_won"))
    assert saved == {"101호": 1_000_000, "102호": 2_500_000}


def test_one_bad_row_refuses_the_whole_file_and_names_where(hub: Facility, tenancies: Any,
                                                            officer: Any) -> None:
    client = client_for(officer)
    book = template(client, hub, 2021)
    sheet = book["입주기업 성과"]
    sheet.cell(2, 5, 1_000_000)
    sheet.cell(3, 6, -4)
    response = upload(client, hub, book, "틀린.xlsx")
    text = response.content.decode()
    assert response.status_code == 400
    assert "틀린.xlsx" in text and "입주기업 성과" in text and "<td>3</td>" in text
    assert "<td>F</td>" in text and "고용" in text
    assert not TenantOutcome.objects.exists()


def test_a_year_outside_the_tenancy_is_refused_on_its_row(hub: Facility, tenancies: Any,
                                                         officer: Any) -> None:
    client = client_for(officer)
    book = template(client, hub, 2021)
    book["안내"]["B3"] = 2022  # the 102호 tenancy ended in 2021
    sheet = book["입주기업 성과"]
    sheet.cell(3, 5, 10)
    response = upload(client, hub, book)
    assert response.status_code == 400 and "입주 기간" in response.content.decode()
    assert not TenantOutcome.objects.exists()


def test_an_upload_after_someone_elses_change_is_refused(hub: Facility, tenancies: Any,
                                                        officer: Any) -> None:
    do_save_outcome(None, tenancies[0], 2021, None, **values())
    client = client_for(officer)
    book = template(client, hub, 2021)
    do_save_outcome(None, tenancies[0], 2021, None, **values(sales_won=5))
    book["입주기업 성과"].cell(2, 5, 7)
    response = upload(client, hub, book)
    assert response.status_code == 400 and "다시 내려받으십시오" in response.content.decode()
    assert TenantOutcome.objects.get().sales_won == 5


def test_another_departments_officer_cannot_download_or_upload(hub: Facility, tenancies: Any,
                                                              other_officer: Any,
                                                              officer: Any) -> None:
    book = template(client_for(officer), hub, 2021)
    stranger = client_for(other_officer)
    assert stranger.get(reverse("facilities:outcome_template", args=[hub.pk]),
                        {"year": 2021}).status_code == 403
    assert upload(stranger, hub, book).status_code == 403


def test_a_file_that_is_not_xlsx_is_refused(hub: Facility, tenancies: Any, officer: Any) -> None:
    response = client_for(officer).post(
        reverse("facilities:outcome_upload", args=[hub.pk]),
        {"file": SimpleUploadedFile("x.xlsx", b"not a zip")})
    assert response.status_code == 400 and not TenantOutcome.objects.exists()
