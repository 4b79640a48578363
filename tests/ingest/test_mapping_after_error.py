"""A refused mapping of an import stays on the page as the planner chose it."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from rtis.ingest.models import ImportBatch
from tests.conftest import client_for
from tests.ingest.test_import_flow import BUDGET, upload, xlsx_bytes

pytestmark = pytest.mark.django_db


def test_a_stale_mapping_keeps_my_choices_and_targets_the_stored_version(planner: Any) -> None:
    client = client_for(planner)
    upload(client, xlsx_bytes(BUDGET))
    batch = ImportBatch.objects.get()
    shown = batch.version
    url = reverse("ingest:batch", args=[batch.pk])
    first = {"action": "map", "version": shown, "t0_unit": "억원", "t0_source": "national",
             "t0_row_1": "1-1-1", "t0_col_1": "2021"}
    assert client.post(url, first).status_code == 302
    mine = {**first, "t0_unit": "천원", "t0_source": "city"}
    response = client.post(url, mine)
    assert response.status_code == 409
    body = response.content.decode()
    assert "<option selected>천원</option>" in body
    assert '<option value="city" selected>' in body
    assert f'name="version" value="{shown + 1}"' in body
    assert " / " not in body.split('class="messages"')[1].split("</ul>")[0]
    assert client.post(url, {**mine, "version": shown + 1}).status_code == 302
    batch.refresh_from_db()
    assert (batch.mapping[0]["unit"], batch.mapping[0]["source"]) == ("천원", "city")


def test_a_malformed_mapping_keeps_my_choices(planner: Any) -> None:
    client = client_for(planner)
    upload(client, xlsx_bytes(BUDGET))
    batch = ImportBatch.objects.get()
    url = reverse("ingest:batch", args=[batch.pk])
    response = client.post(url, {"action": "map", "version": batch.version, "t0_unit": "천원",
                                 "t0_source": "national", "t0_header_row": "첫째"})
    assert response.status_code == 400
    body = response.content.decode()
    assert "<option selected>천원</option>" in body and '<option value="national" selected>' in body
    batch.refresh_from_db()
    assert batch.mapping[0]["unit"] != "천원"


def test_a_mapping_with_a_version_int_refuses_is_a_conflict_and_keeps_my_choices(
        planner: Any) -> None:
    client = client_for(planner)
    upload(client, xlsx_bytes(BUDGET))
    batch = ImportBatch.objects.get()
    before = batch.mapping
    response = client.post(reverse("ingest:batch", args=[batch.pk]), {
        "action": "map", "version": "²", "t0_unit": "천원", "t0_source": "city"})
    assert response.status_code == 409  # as for a missing version: never overwrites
    assert "<option selected>천원</option>" in response.content.decode()
    batch.refresh_from_db()
    assert batch.mapping == before


def test_a_year_column_in_another_scripts_digits_is_not_mapped(planner: Any) -> None:
    client = client_for(planner)
    upload(client, xlsx_bytes(BUDGET))
    batch = ImportBatch.objects.get()
    response = client.post(reverse("ingest:batch", args=[batch.pk]), {
        "action": "map", "version": batch.version, "t0_row_1": "1-1-1",
        "t0_col_1": "٢٠٢١", "t0_col_2": "2022"})  # int() would read the first as 2021
    assert response.status_code == 302
    batch.refresh_from_db()
    assert batch.mapping[0]["columns"] == {"2": 2022}
