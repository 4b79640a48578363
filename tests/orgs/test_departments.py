"""Departments keep every name they had; users are created with a known role, once."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from rtis.audit.models import AuditAction, AuditEvent
from rtis.orgs.actions import (
    do_create_department,
    do_create_user,
    do_rename_department,
    find_department,
)
from rtis.orgs.models import Department, DepartmentKind, Reorganisation, Role, User

pytestmark = pytest.mark.django_db
PASSWORD = "correct-horse-battery"
REORGANISED = dt.date(2019, 7, 1)


@pytest.fixture
def admin() -> User:
    return do_create_user(None, "admin", PASSWORD, Role.ADMIN)


@pytest.fixture
def reorganisation() -> Reorganisation:
    return Reorganisation.objects.create(effective_on=REORGANISED, title="2019 하반기 조직개편")


@pytest.fixture
def department(admin: User) -> Department:
    return do_create_department(admin, "신성장산업과", valid_from=dt.date(2015, 1, 1))


def audit_events(obj: Any, action: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(target_type=obj._meta.label_lower,
                                          target_id=str(obj.pk), action=action))


# --- creating -------------------------------------------------------------------------------


def test_creating_a_department_gives_it_a_first_name_from_its_start(admin: User) -> None:
    office = do_create_department(admin, "경제진흥본부", kind=DepartmentKind.OFFICE)
    created = do_create_department(admin, "  경제정책과 ", parent=office,
                                   valid_from=dt.date(2016, 3, 1))

    created.refresh_from_db()
    assert created.name == "경제정책과"
    assert created.parent == office
    assert created.established_on == dt.date(2016, 3, 1)
    [entry] = created.names.all()
    assert (entry.name, entry.valid_from, entry.valid_to) == ("경제정책과", dt.date(2016, 3, 1), None)


def test_creating_a_department_is_audited(admin: User) -> None:
    created = do_create_department(admin, "경제정책과")
    [event] = audit_events(created, AuditAction.CREATE)
    assert event.actor == admin
    assert event.actor_name == "admin"
    assert event.changes["name"] == [None, "경제정책과"]


@pytest.mark.parametrize("name", ["", "   ", "\t\n"])
def test_it_refuses_a_department_without_a_name(admin: User, name: str) -> None:
    with pytest.raises(ValidationError) as caught:
        do_create_department(admin, name)
    assert "name" in caught.value.message_dict
    assert not Department.objects.exists()


def test_an_officer_may_not_create_a_department(department: Department) -> None:
    officer = do_create_user(None, "officer", PASSWORD, Role.OFFICER, [department])
    with pytest.raises(PermissionDenied):
        do_create_department(officer, "새로운과")
    assert not Department.objects.filter(name="새로운과").exists()


def test_a_planner_may_create_a_department() -> None:
    planner = do_create_user(None, "planner", PASSWORD, Role.PLANNER)
    assert do_create_department(planner, "새로운과").pk is not None


# --- renaming -------------------------------------------------------------------------------


def test_renaming_keeps_the_old_name_until_the_day_before(
    admin: User, department: Department, reorganisation: Reorganisation
) -> None:
    do_rename_department(admin, department, " 미래산업과 ", reorganisation)

    department.refresh_from_db()
    assert department.name == "미래산업과"
    old, new = department.names.order_by("valid_from")
    assert (old.name, old.valid_from, old.valid_to) == (
        "신성장산업과", dt.date(2015, 1, 1), dt.date(2019, 6, 30))
    assert (new.name, new.valid_from, new.valid_to) == ("미래산업과", REORGANISED, None)
    assert new.reorganisation == reorganisation


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (dt.date(2015, 1, 1), "신성장산업과"),
        (dt.date(2019, 6, 30), "신성장산업과"),
        (dt.date(2019, 7, 1), "미래산업과"),
        (dt.date(2030, 1, 1), "미래산업과"),
    ],
)
def test_name_on_gives_the_name_in_force_that_day(
    admin: User, department: Department, reorganisation: Reorganisation, day: dt.date,
    expected: str,
) -> None:
    do_rename_department(admin, department, "미래산업과", reorganisation)
    assert Department.objects.get(pk=department.pk).name_on(day) == expected


def test_renaming_twice_keeps_every_name_in_order(
    admin: User, department: Department, reorganisation: Reorganisation
) -> None:
    do_rename_department(admin, department, "미래산업과", reorganisation)
    later = Reorganisation.objects.create(effective_on=dt.date(2022, 1, 1), title="2022 개편")
    do_rename_department(admin, department, "바이오산업과", later)

    fresh = Department.objects.get(pk=department.pk)
    assert [n.name for n in fresh.names.order_by("valid_from")] == [
        "신성장산업과", "미래산업과", "바이오산업과"]
    assert fresh.name_on(dt.date(2018, 1, 1)) == "신성장산업과"
    assert fresh.name_on(dt.date(2021, 12, 31)) == "미래산업과"
    assert fresh.name_on(dt.date(2022, 1, 1)) == "바이오산업과"


def test_find_department_finds_a_renamed_department_by_old_and_new_names(
    admin: User, department: Department, reorganisation: Reorganisation
) -> None:
    do_rename_department(admin, department, "미래산업과", reorganisation)
    assert find_department("미래산업과") == department
    assert find_department("신성장산업과") == department
    assert find_department("없는과") is None


def test_find_department_prefers_the_department_that_has_the_name_now(
    admin: User, department: Department, reorganisation: Reorganisation
) -> None:
    do_rename_department(admin, department, "미래산업과", reorganisation)
    successor = do_create_department(admin, "신성장산업과", valid_from=REORGANISED)
    assert find_department("신성장산업과") == successor


def test_renaming_is_audited_from_the_old_to_the_new_name(
    admin: User, department: Department, reorganisation: Reorganisation
) -> None:
    do_rename_department(admin, department, "미래산업과", reorganisation)
    [event] = audit_events(department, AuditAction.UPDATE)
    assert event.changes == {"name": ["신성장산업과", "미래산업과"]}
    assert event.actor == admin
    assert event.target_repr == "미래산업과"


@pytest.mark.parametrize("name", ["", "  "])
def test_it_refuses_renaming_to_an_empty_name(
    admin: User, department: Department, reorganisation: Reorganisation, name: str
) -> None:
    with pytest.raises(ValidationError) as caught:
        do_rename_department(admin, department, name, reorganisation)
    assert "new_name" in caught.value.message_dict
    assert Department.objects.get(pk=department.pk).name == "신성장산업과"
    assert department.names.count() == 1


@pytest.mark.parametrize("effective_on", [dt.date(2014, 12, 31), dt.date(2015, 1, 1)])
def test_it_refuses_a_rename_dated_before_the_current_name_started(
    admin: User, department: Department, effective_on: dt.date
) -> None:
    early = Reorganisation.objects.create(effective_on=effective_on, title="잘못된 개편")
    with pytest.raises(ValidationError) as caught:
        do_rename_department(admin, department, "미래산업과", early)
    assert "effective_on" in caught.value.message_dict
    fresh = Department.objects.get(pk=department.pk)
    assert fresh.name == "신성장산업과"
    assert [(n.name, n.valid_to) for n in fresh.names.all()] == [("신성장산업과", None)]
    assert not audit_events(department, AuditAction.UPDATE)


@pytest.mark.parametrize("role", [Role.OFFICER, Role.PLANNER, Role.VIEWER])
def test_only_an_administrator_may_rename(
    department: Department, reorganisation: Reorganisation, role: str
) -> None:
    user = do_create_user(None, f"user-{role}", PASSWORD, role, [department])
    with pytest.raises(PermissionDenied):
        do_rename_department(user, department, "미래산업과", reorganisation)
    fresh = Department.objects.get(pk=department.pk)
    assert fresh.name == "신성장산업과"
    assert fresh.names.count() == 1


# --- users ----------------------------------------------------------------------------------


def test_creating_a_user_sets_role_departments_and_a_usable_password(
    admin: User, department: Department
) -> None:
    user = do_create_user(admin, "kim", PASSWORD, Role.OFFICER, [department], "kim@seoul.go.kr")
    user.refresh_from_db()
    assert (user.role, user.email, user.is_staff, user.is_superuser) == (
        Role.OFFICER, "kim@seoul.go.kr", False, False)
    assert list(user.departments.all()) == [department]
    assert user.check_password(PASSWORD)
    [event] = audit_events(user, AuditAction.CREATE)
    assert event.changes["departments"] == [None, ["신성장산업과"]]
    assert "password" not in event.changes


def test_an_administrator_is_created_as_staff_and_superuser() -> None:
    user = do_create_user(None, "root", PASSWORD, Role.ADMIN)
    assert user.is_staff and user.is_superuser


@pytest.mark.parametrize("role", ["superuser", "Admin", ""])
def test_it_refuses_an_unknown_role(admin: User, role: str) -> None:
    with pytest.raises(ValidationError) as caught:
        do_create_user(admin, "lee", PASSWORD, role)
    assert "role" in caught.value.message_dict
    assert not User.objects.filter(username="lee").exists()


def test_it_refuses_a_duplicate_username(admin: User) -> None:
    do_create_user(admin, "park", PASSWORD, Role.VIEWER)
    with pytest.raises(ValidationError) as caught:
        do_create_user(admin, "park", "another-password-1", Role.PLANNER)
    assert "username" in caught.value.message_dict
    assert User.objects.get(username="park").role == Role.VIEWER


@pytest.mark.parametrize("role", [Role.OFFICER, Role.PLANNER, Role.VIEWER])
def test_only_an_administrator_may_create_users(department: Department, role: str) -> None:
    user = do_create_user(None, f"user-{role}", PASSWORD, role, [department])
    with pytest.raises(PermissionDenied):
        do_create_user(user, "choi", PASSWORD, Role.ADMIN)
    assert not User.objects.filter(username="choi").exists()


@pytest.mark.parametrize("username", ["", "has space", "a/b"])
def test_it_refuses_a_malformed_username(admin: User, username: str) -> None:
    with pytest.raises(ValidationError):
        do_create_user(admin, username, PASSWORD, Role.VIEWER)


def test_moving_a_department_keeps_where_it_stood_before(db: Any) -> None:
    from rtis.orgs.actions import do_create_department, do_move_department
    from rtis.orgs.queries import hierarchy_on

    old = do_create_department(None, "가본부", kind="office")
    new = do_create_department(None, "나실", kind="office")
    unit = do_create_department(None, "다과", parent=old)
    reorg = Reorganisation.objects.create(effective_on=dt.date(2019, 1, 1), title="개편")
    do_move_department(None, unit, new, reorg, provenance={"document": "x.txt"})
    unit.refresh_from_db()
    assert unit.parent == new
    assert hierarchy_on(dt.date(2018, 12, 31)).path(unit.pk) == "가본부 → 다과"
    assert hierarchy_on(dt.date(2019, 1, 1)).path(unit.pk) == "나실 → 다과"
    assert unit.parent_on(dt.date(2018, 6, 1)) == old


def test_only_an_administrator_moves_a_department(db: Any, planner: Any) -> None:
    from rtis.orgs.actions import do_create_department, do_move_department

    unit = do_create_department(None, "라과")
    reorg = Reorganisation.objects.create(effective_on=dt.date(2019, 1, 1), title="개편")
    with pytest.raises(PermissionDenied):
        do_move_department(planner, unit, None, reorg)


def test_an_alias_cannot_take_another_departments_name(db: Any, planner: Any) -> None:
    from rtis.orgs.actions import do_add_department_alias, do_create_department, find_department

    first = do_create_department(None, "마과")
    do_create_department(None, "바과")
    alias = do_add_department_alias(planner, first, "마 과장실", provenance={"section": "IV-2"})
    assert find_department("마 과장실") == first and alias.provenance == {"section": "IV-2"}
    with pytest.raises(ValidationError, match="바과"):
        do_add_department_alias(planner, first, "바과")
