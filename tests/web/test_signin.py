"""Sign-in resists guessing: growing locks per account and per address, at both doors."""

from __future__ import annotations

import datetime as dt
from io import StringIO
from typing import Any

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from rtis.audit.models import AuditAction, AuditEvent
from rtis.orgs.actions import do_create_user
from rtis.orgs.models import Role, User
from rtis.web.actions import do_unlock_sign_in
from rtis.web.models import SignInThrottle, ThrottleKind
from rtis.web.signin import client_address, lock_seconds, register_failure
from tests.conftest import PASSWORD

LOGIN = "/login/"
ADMIN_LOGIN = "/admin/login/"


def attempt(client: Client, url: str, username: str, password: str,
            address: str = "10.0.0.1") -> Any:
    return client.post(url, {"username": username, "password": password},
                       REMOTE_ADDR=address)


def signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


@pytest.fixture
def admin_user(db: Any) -> User:
    return do_create_user(None, "chief", PASSWORD, Role.ADMIN)


@pytest.mark.django_db
@pytest.mark.parametrize("url", [LOGIN, ADMIN_LOGIN])
def test_it_refuses_the_right_password_after_many_wrong_ones(planner: User, admin_user: User,
                                                              url: str) -> None:
    name = "chief" if url == ADMIN_LOGIN else "planner"
    client = Client()
    for _ in range(30):
        attempt(client, url, name, "wrong-password-123")
    response = attempt(client, url, name, PASSWORD)
    assert not signed_in(client)
    assert response.status_code == 200
    assert "이후에 다시 시도하세요" in response.content.decode()


@pytest.mark.django_db
def test_it_locks_after_the_configured_failures_and_says_until_when(planner: User,
                                                                    settings: Any) -> None:
    settings.SIGNIN_MAX_FAILURES = 3
    client = Client()
    for _ in range(2):
        response = attempt(client, LOGIN, "planner", "wrong-password-123")
        assert "아이디 또는 비밀번호가 맞지 않습니다" in response.content.decode()
    response = attempt(client, LOGIN, "planner", "wrong-password-123")
    row = SignInThrottle.objects.get(kind=ThrottleKind.ACCOUNT, key="planner")
    assert row.lock_level == 1
    until = timezone.localtime(row.locked_until)
    assert until.strftime("%H:%M:%S") in response.content.decode()
    assert 55 <= (row.locked_until - timezone.now()).total_seconds() <= 60


@pytest.mark.django_db
def test_a_lock_ends_and_the_right_password_then_signs_in(planner: User, settings: Any) -> None:
    settings.SIGNIN_MAX_FAILURES = 2
    client = Client()
    for _ in range(2):
        attempt(client, LOGIN, "planner", "wrong-password-123")
    SignInThrottle.objects.update(locked_until=timezone.now() - dt.timedelta(seconds=1))
    attempt(client, LOGIN, "planner", PASSWORD)
    assert signed_in(client)
    assert not SignInThrottle.objects.filter(kind=ThrottleKind.ACCOUNT).exists()


def test_locks_double_up_to_the_maximum(settings: Any) -> None:
    settings.SIGNIN_LOCK_SECONDS = 60
    settings.SIGNIN_LOCK_MAX_SECONDS = 3600
    assert [lock_seconds(n) for n in range(1, 9)] == [60, 120, 240, 480, 960, 1920, 3600, 3600]


@pytest.mark.django_db
def test_each_failure_after_a_lock_locks_again_for_longer(settings: Any) -> None:
    settings.SIGNIN_MAX_FAILURES = 2
    now = timezone.now()
    register_failure("kim", "", now)
    first = register_failure("kim", "", now)
    assert first == now + dt.timedelta(seconds=60)
    later = now + dt.timedelta(minutes=2)
    second = register_failure("kim", "", later)
    assert second == later + dt.timedelta(seconds=120)


@pytest.mark.django_db
def test_an_unknown_name_is_locked_exactly_like_a_real_one(planner: User, settings: Any) -> None:
    settings.SIGNIN_MAX_FAILURES = 2
    for name in ["planner", "nobody-here"]:
        client = Client()
        for _ in range(3):
            response = attempt(client, LOGIN, name, "wrong-password-123",
                               address=f"10.0.1.{len(name)}")
        assert "이후에 다시 시도하세요" in response.content.decode()
    assert SignInThrottle.objects.filter(kind=ThrottleKind.ACCOUNT, lock_level=1).count() == 2


@pytest.mark.django_db
def test_an_unknown_name_costs_a_password_hash_like_a_wrong_password(
        planner: User, monkeypatch: Any) -> None:
    """No timing oracle: the hasher runs for unknown names as for wrong passwords."""
    from django.contrib.auth.hashers import MD5PasswordHasher

    calls: list[str] = []
    original = MD5PasswordHasher.encode
    monkeypatch.setattr(MD5PasswordHasher, "encode",
                        lambda self, password, salt: calls.append("hash") or original(self, password, salt))
    monkeypatch.setattr(MD5PasswordHasher, "verify",
                        lambda self, password, encoded: calls.append("hash") or False)
    attempt(Client(), LOGIN, "planner", "wrong-password-123")
    known = len(calls)
    calls.clear()
    attempt(Client(), LOGIN, "nobody-here", "wrong-password-123")
    assert known >= 1 and len(calls) >= 1


@pytest.mark.django_db
def test_an_address_that_guesses_many_names_is_locked(planner: User, settings: Any) -> None:
    settings.SIGNIN_MAX_FAILURES_PER_ADDRESS = 4
    client = Client()
    for n in range(4):
        attempt(client, LOGIN, f"guess{n}", "wrong-password-123", address="10.9.9.9")
    attempt(client, LOGIN, "planner", PASSWORD, address="10.9.9.9")
    assert not signed_in(client)
    other = Client()
    attempt(other, LOGIN, "planner", PASSWORD, address="10.9.9.10")
    assert signed_in(other)


@pytest.mark.django_db
def test_authenticate_itself_is_gated_whoever_calls_it(planner: User, settings: Any,
                                                       rf: Any) -> None:
    settings.SIGNIN_MAX_FAILURES = 2
    for _ in range(2):
        assert authenticate(rf.post("/x", REMOTE_ADDR="10.0.0.2"), username="planner",
                            password="wrong-password-123") is None
    assert authenticate(rf.post("/x", REMOTE_ADDR="10.0.0.3"), username="planner",
                        password=PASSWORD) is None


def test_the_client_address_is_remote_addr_unless_a_trusted_proxy_forwards(rf: Any,
                                                                          settings: Any) -> None:
    settings.TRUSTED_PROXIES = []
    request = rf.get("/", REMOTE_ADDR="10.0.0.5", HTTP_X_FORWARDED_FOR="1.2.3.4")
    assert client_address(request) == "10.0.0.5"
    settings.TRUSTED_PROXIES = ["10.0.0.0/24"]
    request = rf.get("/", REMOTE_ADDR="10.0.0.5", HTTP_X_FORWARDED_FOR="9.9.9.9, 1.2.3.4, 10.0.0.7")
    assert client_address(request) == "1.2.3.4"


@pytest.mark.django_db
def test_sign_ins_failures_and_locks_are_in_the_audit_trail(planner: User, settings: Any) -> None:
    settings.SIGNIN_MAX_FAILURES = 2
    client = Client()
    attempt(client, LOGIN, "planner", PASSWORD)
    for _ in range(3):
        attempt(Client(), LOGIN, "planner", "wrong-password-123")
    actions = list(AuditEvent.objects.filter(target_type="signin").order_by("id")
                   .values_list("action", "reason"))
    assert actions == [
        (AuditAction.LOGIN, ""),
        (AuditAction.LOGIN_FAILED, ""),
        (AuditAction.LOGIN_FAILED, ""),
        (AuditAction.LOCK, ""),
        (AuditAction.LOGIN_FAILED, "locked"),
    ]
    assert AuditEvent.objects.filter(action=AuditAction.LOGIN, actor=planner).exists()


@pytest.mark.django_db
def test_force_login_is_not_audited_as_a_sign_in(planner: User) -> None:
    client = Client()
    client.force_login(planner)
    assert client.get(reverse("plans:list")).status_code == 200
    assert not AuditEvent.objects.filter(action=AuditAction.LOGIN).exists()


@pytest.mark.django_db
def test_the_unlock_command_clears_an_account_and_is_audited(planner: User, settings: Any) -> None:
    settings.SIGNIN_MAX_FAILURES = 2
    for _ in range(2):
        attempt(Client(), LOGIN, "planner", "wrong-password-123", address="10.0.0.8")
    listing = StringIO()
    call_command("unlock_signin", "--list", stdout=listing)
    assert "planner" in listing.getvalue() and "10.0.0.8" in listing.getvalue()
    out = StringIO()
    call_command("unlock_signin", "PLANNER", stdout=out)
    assert "planner" in out.getvalue()
    client = Client()
    attempt(client, LOGIN, "planner", PASSWORD, address="10.0.0.8")
    assert signed_in(client)
    assert AuditEvent.objects.filter(action=AuditAction.UNLOCK, target_repr="planner").exists()
    with pytest.raises(CommandError):
        call_command("unlock_signin", "nobody", stdout=StringIO())


@pytest.mark.django_db
def test_an_admin_sees_and_clears_locks_in_the_admin(planner: User, admin_user: User,
                                                     settings: Any) -> None:
    settings.SIGNIN_MAX_FAILURES = 2
    for _ in range(2):
        attempt(Client(), LOGIN, "planner", "wrong-password-123", address="10.0.0.9")
    client = Client()
    client.force_login(admin_user)
    url = reverse("admin:web_signinthrottle_changelist")
    page = client.get(url)
    assert page.status_code == 200 and "planner" in page.content.decode()
    row = SignInThrottle.objects.get(kind=ThrottleKind.ACCOUNT)
    client.post(url, {"action": "unlock", "_selected_action": [row.pk]})
    assert not SignInThrottle.objects.filter(kind=ThrottleKind.ACCOUNT).exists()
    assert AuditEvent.objects.filter(action=AuditAction.UNLOCK, actor=admin_user).exists()


@pytest.mark.django_db
def test_only_admins_clear_locks(planner: User) -> None:
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        do_unlock_sign_in(planner, "planner")


def test_the_gate_must_be_the_first_backend(settings: Any) -> None:
    from rtis.web.checks import check_sign_in_gate

    assert check_sign_in_gate(None) == []
    settings.AUTHENTICATION_BACKENDS = ["django.contrib.auth.backends.ModelBackend",
                                        "rtis.web.signin.SignInGateBackend"]
    assert [e.id for e in check_sign_in_gate(None)] == ["rtis.E002"]


@pytest.mark.django_db
def test_the_lock_is_explained_in_english_when_chosen(planner: User, settings: Any) -> None:
    settings.SIGNIN_MAX_FAILURES = 1
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    try:
        response = attempt(client, LOGIN, "planner", "wrong-password-123")
    finally:
        translation.deactivate()
    assert "Too many failed sign-ins" in response.content.decode()
    assert "(Seoul time)" in response.content.decode()


@pytest.mark.django_db
def test_a_success_does_not_reset_the_addresss_count(planner: User, settings: Any) -> None:
    """An attacker holding one valid account cannot clear the count of their guesses."""
    settings.SIGNIN_MAX_FAILURES_PER_ADDRESS = 4
    for n in range(3):
        attempt(Client(), LOGIN, f"guess{n}", "wrong-password-123", address="10.7.7.7")
    attempt(Client(), LOGIN, "planner", PASSWORD, address="10.7.7.7")
    attempt(Client(), LOGIN, "guess9", "wrong-password-123", address="10.7.7.7")
    row = SignInThrottle.objects.get(kind=ThrottleKind.ADDRESS, key="10.7.7.7")
    assert row.is_locked(timezone.now())
