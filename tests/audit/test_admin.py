"""The Django admin keeps master data, and its changes land in the audit trail too."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from rtis.audit.models import AuditEvent
from rtis.orgs.actions import do_create_user
from rtis.orgs.models import Department, Role, User
from tests.conftest import PASSWORD, client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_user(plan: Any) -> Any:
    return do_create_user(None, "root", PASSWORD, Role.ADMIN)


def test_planners_have_no_admin_link_and_no_admin(planner: Any) -> None:
    client = client_for(planner)
    assert "기준정보 관리" not in client.get(reverse("plans:list")).text
    assert client.get("/admin/").status_code == 302


def test_an_admin_edit_of_a_department_is_audited(admin_user: Any) -> None:
    department = Department.objects.get(name="문화융합경제과")
    client = client_for(admin_user)
    url = reverse("admin:orgs_department_change", args=[department.pk])
    page = client.get(url)
    assert page.status_code == 200
    response = client.post(url, {
        "name": "문화융합경제과", "kind": "bureau", "parent": department.parent_id or "",
        "established_on": "", "abolished_on": "2022-01-01",
        **{f"{prefix}-{key}": value for prefix in ("names", "parent_links", "aliases")
           for key, value in (("TOTAL_FORMS", "0"), ("INITIAL_FORMS", "0"),
                              ("MIN_NUM_FORMS", "0"), ("MAX_NUM_FORMS", "1000"))}})
    assert response.status_code == 302, response.content[:500]
    event = AuditEvent.objects.filter(target_type="orgs.department", action="update").latest("id")
    assert event.actor_name == "root"
    assert event.changes["kind"] == ["department", "bureau"]
    assert event.changes["abolished_on"] == [None, "2022-01-01"]


def test_the_audit_trail_cannot_be_edited_in_the_admin(admin_user: Any) -> None:
    event = AuditEvent.objects.first()
    assert event is not None
    client = client_for(admin_user)
    response = client.post(reverse("admin:audit_auditevent_delete", args=[event.pk]),
                           {"post": "yes"})
    assert response.status_code == 403
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_password_hashes_never_reach_the_trail(admin_user: Any) -> None:
    created = list(AuditEvent.objects.filter(target_type="orgs.user"))
    hashes = [u.password for u in User.objects.all()]
    assert created and hashes
    assert all(h not in str(e.changes) for e in created for h in hashes)
