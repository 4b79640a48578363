"""Password rules (Django's validators) apply to every way a user is made."""

from __future__ import annotations

from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client

from rtis.orgs.actions import do_create_user
from rtis.orgs.models import Role, User
from tests.conftest import PASSWORD


@pytest.mark.django_db
@pytest.mark.parametrize("password", ["short-pw", "1234567890123", "password1234", "kimchulsoo1"])
def test_do_create_user_refuses_weak_passwords(password: str) -> None:
    with pytest.raises(ValidationError) as info:
        do_create_user(None, "kimchulsoo", password, Role.VIEWER)
    message = info.value.message_dict["password"][0]
    assert " / " in message  # Korean / English
    assert not User.objects.filter(username="kimchulsoo").exists()


@pytest.mark.django_db
def test_the_minimum_length_is_a_setting(settings: Any) -> None:
    settings.AUTH_PASSWORD_VALIDATORS = [
        {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
         "OPTIONS": {"min_length": 16}}]
    with pytest.raises(ValidationError):
        do_create_user(None, "lee", "fifteen-chars-x", Role.VIEWER)


def test_the_default_minimum_length_is_ten() -> None:
    from django.conf import settings

    assert settings.PASSWORD_MIN_LENGTH == 10
    lengths = [v.get("OPTIONS", {}).get("min_length") for v in settings.AUTH_PASSWORD_VALIDATORS
               if v["NAME"].endswith("MinimumLengthValidator")]
    assert lengths == [10]


@pytest.mark.django_db
def test_createuser_refuses_a_weak_password(tmp_path: Path) -> None:
    secret = tmp_path / "pw"
    secret.write_text("abc123", encoding="utf-8")
    with pytest.raises(CommandError):
        call_command("createuser", "park", "--role", "viewer", "--password-file", str(secret),
                     stdout=StringIO())
    assert not User.objects.filter(username="park").exists()


@pytest.mark.django_db
def test_the_admin_refuses_a_weak_password() -> None:
    chief = do_create_user(None, "chief", PASSWORD, Role.ADMIN)
    client = Client()
    client.force_login(chief)
    response = client.post("/admin/orgs/user/add/", {
        "username": "choi", "password1": "short", "password2": "short", "usable_password": "true"})
    assert response.status_code == 200
    errors = " ".join(str(e) for e in response.context["adminform"].form.errors.get("password2", []))
    assert "10" in errors  # the configured minimum length
    assert not User.objects.filter(username="choi").exists()
