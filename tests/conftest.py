"""Shared fixtures: a sample plan loaded through the import path, and users with different rights."""

from __future__ import annotations

import importlib
import json
import os
from typing import Any

import pytest
from django.test import Client

from rtis.ingest.actions import do_import_plan
from rtis.ingest.planfile import parse_plan_doc
from rtis.orgs.actions import do_create_user, find_department
from rtis.orgs.models import Role, User
from rtis.plans.models import FundingSource, Plan
from tests.factories import sample_plan_doc
from tests.openapi import assert_matches_openapi

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's loop in browser tests
PASSWORD = "correct-horse-battery"


def import_doc(doc: dict[str, Any]) -> Plan:
    """Import a plan document the way `rtis import plan` does."""
    from rtis.ingest.actions import known_department_names

    parsed = parse_plan_doc(json.loads(json.dumps(doc)), "test",
                            set(FundingSource.objects.values_list("code", flat=True)),
                            known_department_names())
    return do_import_plan(None, parsed)


def ensure_funding_sources() -> None:
    """Recreate the migration's funding sources (a transactional test's flush removes them)."""
    from django.apps import apps

    migration = importlib.import_module("rtis.plans.migrations.0002_funding_sources")
    migration.create_sources(apps, None)


@pytest.fixture
def plan(db: Any) -> Plan:
    """The sample plan (published), with departments 경제정책과, 신성장산업과, 문화융합경제과."""
    ensure_funding_sources()
    return import_doc(sample_plan_doc())


@pytest.fixture
def private_plan(db: Any, plan: Plan) -> Plan:
    """An unpublished plan sharing the sample's departments."""
    doc = sample_plan_doc(slug="private-plan", title="비공개 계획", published=False)
    doc["departments"] = []
    return import_doc(doc)


@pytest.fixture(autouse=True)
def fast_password_hashing(settings: Any) -> None:
    """Hash test users' passwords with a fast hasher: PBKDF2's cost is a production setting,
    and it made user fixtures most of the suite's time. Production hashing is untouched."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _user(username: str, role: str, departments: list[str] | None = None) -> User:
    found = [find_department(n) for n in departments or []]
    return do_create_user(None, username, PASSWORD, role, [d for d in found if d is not None])


@pytest.fixture
def planner(plan: Plan) -> User:
    return _user("planner", Role.PLANNER)


@pytest.fixture
def officer(plan: Plan) -> User:
    """An officer of 신성장산업과, which owns task 2-1."""
    return _user("officer", Role.OFFICER, ["신성장산업과"])


@pytest.fixture
def other_officer(plan: Plan) -> User:
    """An officer of 문화융합경제과, which owns nothing in the sample plan."""
    return _user("other", Role.OFFICER, ["문화융합경제과"])


@pytest.fixture
def viewer(plan: Plan) -> User:
    """A council member: reads everything, writes nothing."""
    return _user("viewer", Role.VIEWER)


def client_for(user: User | None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def api() -> Any:
    """A client whose /api/v1/ responses are all checked against the OpenAPI document."""

    class ApiClient:
        def __init__(self) -> None:
            self.client = Client()

        def login(self, user: User) -> None:
            self.client.force_login(user)

        def get(self, path: str, **params: Any) -> Any:
            response = self.client.get(path, params)
            assert_matches_openapi("get", path, response)
            return response

        def request(self, method: str, path: str) -> Any:
            return getattr(self.client, method)(path)

    return ApiClient()


def pytest_collection_modifyitems(config: Any, items: list[Any]) -> None:
    """Skip the long probes (marker `soak`) unless RTIS_SOAK=1 (`make soak`): the quick suite
    stays quick, and `-m browser` or any other selection keeps working."""
    if os.environ.get("RTIS_SOAK") == "1":
        return
    skip = pytest.mark.skip(reason="soak: run with RTIS_SOAK=1 (make soak)")
    for item in items:
        if "soak" in item.keywords:
            item.add_marker(skip)
