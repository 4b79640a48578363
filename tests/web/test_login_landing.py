"""Where people land after signing in: their work for officers and planners, the plans else."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from rtis.orgs.models import User
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def log_in(username: str, next_url: str = "") -> str:
    data = {"username": username, "password": PASSWORD}
    if next_url:
        data["next"] = next_url
    response = Client().post(reverse("login"), data, follow=True)
    return str(response.redirect_chain[-1][0])


def test_an_officer_lands_on_my_work(officer: User) -> None:
    assert log_in("officer") == reverse("tracking:my_work")


def test_a_planner_lands_on_my_work(planner: User) -> None:
    assert log_in("planner") == reverse("tracking:my_work")


def test_a_viewer_lands_on_the_plans(viewer: User) -> None:
    assert log_in("viewer") == reverse("plans:list")


def test_a_page_asked_for_before_signing_in_still_wins(officer: User) -> None:
    assert log_in("officer", "/oversight/") == "/oversight/"


def test_the_landing_needs_a_signed_in_user(db: None) -> None:
    response = Client().get(reverse("start"))
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_an_empty_login_is_answered_by_the_server_in_the_page_language(db: None) -> None:
    page = Client().get(reverse("login")).content.decode()
    assert "<form method=\"post\" novalidate>" in page  # no browser-language bubbles
    client = Client()
    client.cookies["django_language"] = "en"
    response = client.post(reverse("login"), {"username": "", "password": ""})
    assert response.status_code == 200 and 'role="alert"' in response.content.decode()
    assert '<html lang="en">' in response.content.decode()
