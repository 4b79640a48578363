"""Page numbers and line ids that str.isdigit() takes and int() refuses ('²') fall back like any
other unreadable value: the first page, an empty form — never a 500."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from rtis.plans.models import BudgetLine
from tests.conftest import client_for

pytestmark = pytest.mark.django_db

ARABIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")


def test_an_unreadable_page_number_shows_the_first_page(viewer: Any) -> None:
    url = reverse("plans:detail", kwargs={"slug": "sample-plan"})
    for params in ({"tables": "²"}, {"areas": "²"}, {"tables": "٢"}):
        response = client_for(viewer).get(url, params)
        assert response.status_code == 200, params
        assert response.context["tables_page"]["number"] == 1, params


def test_an_unreadable_edit_id_gives_the_empty_line_form(officer: Any) -> None:
    line = BudgetLine.objects.get(node__code="2-1-1", year=2018, source_id="city")
    url = reverse("plans:node", kwargs={"slug": "sample-plan", "code": "2-1-1"})
    for odd in ("²", str(line.pk).translate(ARABIC)):  # int() refuses '²', reads the other
        page = client_for(officer).get(url, {"edit": odd})
        assert page.status_code == 200, odd
        assert f'name="version" value="{line.version}"' not in page.text, odd
