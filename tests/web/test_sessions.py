"""Sessions end after idle time and an absolute lifetime, and with the browser."""

from __future__ import annotations

import re
import time
from typing import Any

import pytest
from django.conf import settings
from django.test import Client

from rtis.web.sessions import LAST_SEEN, SIGNED_IN_AT
from tests.conftest import PASSWORD, client_for

pytestmark = pytest.mark.django_db
NODE_EDIT = "/plans/sample-plan/nodes/1/edit/"


def age(client: Client, idle: float = 0, since_sign_in: float = 0) -> None:
    """Pretend the last request was `idle` seconds ago and sign-in `since_sign_in` ago."""
    session = client.session
    now = time.time()
    session[LAST_SEEN] = int(now - idle)
    session[SIGNED_IN_AT] = int(now - max(idle, since_sign_in))
    session.save()


def test_the_defaults_fit_a_city_intranet() -> None:
    assert settings.SESSION_IDLE_SECONDS == 30 * 60
    assert settings.SESSION_MAX_SECONDS == 8 * 3600
    assert settings.SESSION_COOKIE_AGE == 8 * 3600
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE is True


def test_the_session_cookie_ends_with_the_browser(planner: Any) -> None:
    client = Client()
    client.post("/login/", {"username": "planner", "password": PASSWORD})
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie.value and not cookie["expires"] and not cookie["max-age"]


def test_an_idle_session_is_signed_out_and_the_login_page_says_why(planner: Any) -> None:
    client = client_for(planner)
    assert client.get("/tracking/").status_code == 200
    age(client, idle=31 * 60)
    response = client.get("/tracking/")
    assert response.status_code == 302 and response["Location"].startswith("/login/?next=")
    login = client.get(response["Location"])
    assert login.context["user"].is_anonymous
    assert 'data-testid="session-ended"' in login.content.decode()
    assert "data-session-ended" in login.content.decode()


def test_a_session_used_within_the_idle_time_stays(planner: Any) -> None:
    client = client_for(planner)
    age(client, idle=29 * 60)
    assert client.get("/tracking/").status_code == 200
    assert time.time() - client.session[LAST_SEEN] < 5


def test_a_busy_session_still_ends_after_the_absolute_lifetime(planner: Any) -> None:
    client = client_for(planner)
    age(client, idle=10, since_sign_in=8 * 3600 + 1)
    assert client.get("/tracking/").status_code == 302


def test_the_limits_are_settings(planner: Any, settings: Any) -> None:
    settings.SESSION_IDLE_SECONDS = 60
    client = client_for(planner)
    age(client, idle=61)
    assert client.get("/tracking/").status_code == 302


def test_a_form_posted_after_expiry_returns_to_its_page_after_sign_in(planner: Any) -> None:
    client = client_for(planner)
    age(client, idle=31 * 60)
    response = client.post(NODE_EDIT, {"title": "바뀐 제목"},
                           HTTP_REFERER=f"http://testserver{NODE_EDIT}")
    assert response.status_code == 303
    assert response["Location"] == "/login/?next=%2Fplans%2Fsample-plan%2Fnodes%2F1%2Fedit%2F"
    signed_in = client.post(response["Location"], {"username": "planner", "password": PASSWORD})
    assert signed_in["Location"] == NODE_EDIT


def test_the_status_endpoint_reads_without_extending_and_post_extends(planner: Any) -> None:
    client = client_for(planner)
    age(client, idle=20 * 60)
    left = client.get("/session/").json()
    assert left["signed_in"] and 9 * 60 <= left["remaining"] <= 10 * 60
    assert client.get("/session/").json()["remaining"] <= 10 * 60
    extended = client.post("/session/").json()
    assert extended["remaining"] >= 29 * 60


def test_the_status_endpoint_says_signed_out_to_the_public() -> None:
    assert Client().get("/session/").json() == {"remaining": 0, "signed_in": False}


def test_pages_tell_the_script_when_to_warn(planner: Any) -> None:
    page = client_for(planner).get("/tracking/").content.decode()
    assert 'data-session-warn="300"' in page and 'data-session-url="/session/"' in page
    assert re.search(r'data-session-remaining="(17[0-9]{2}|1800)"', page)
