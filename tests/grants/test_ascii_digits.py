"""Digits that str.isdigit() takes and int() refuses ('²') are bad input, refused like any other."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from rtis.grants.actions import do_make_agreement
from rtis.grants.models import Agreement
from rtis.orgs.models import User
from rtis.rnd.models import Application
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def test_an_amount_for_the_year_two_squared_is_refused_naming_the_period(
        manager: User, selected: Application) -> None:
    for odd in ("²", "٢٠٢٦"):  # int() refuses the first and reads the second as 2026
        with pytest.raises(ValidationError) as refused:
            do_make_agreement(manager, selected, starts_on="2026-05-01", ends_on="2026-12-31",
                              amounts={odd: {"city": 100_000_000}})
        assert "협약기간" in refused.value.message_dict["amounts"][0]
    assert not Agreement.objects.exists()


def test_the_surveys_page_shows_this_year_for_a_year_it_cannot_read(
        manager: User, agreement: Agreement, on_day: Callable[[dt.date], None]) -> None:
    on_day(dt.date(2028, 5, 1))
    for odd in ("²", "٢٠٣٠"):  # int() reads the second as 2030
        response = client_for(manager).get(reverse("grants:surveys"), {"year": odd})
        assert response.status_code == 200, odd
        assert response.context["year"] == 2028
