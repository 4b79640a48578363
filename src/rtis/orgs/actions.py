"""Writes to departments and users: every change audited."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import translation

from rtis.audit.log import record_change, record_create
from rtis.orgs.access import is_planner
from rtis.orgs.models import Department, DepartmentKind, DepartmentName, Reorganisation, Role, User


def _require_admin(actor: Any | None) -> None:
    if actor is not None and not (actor.is_superuser or actor.role == Role.ADMIN):
        raise PermissionDenied("관리자만 할 수 있습니다 / only an administrator may do this")


@transaction.atomic
def do_create_department(
    actor: Any | None,
    name: str,
    kind: str = DepartmentKind.DEPARTMENT,
    parent: Department | None = None,
    valid_from: dt.date | None = None,
) -> Department:
    """Create a department with its first name."""
    if actor is not None and not is_planner(actor):
        raise PermissionDenied("부서를 만들 권한이 없습니다 / you may not create departments")
    name = name.strip()
    if not name:
        raise ValidationError({"name": "부서명이 비어 있습니다 / the name is empty"})
    department = Department.objects.create(
        name=name, kind=kind, parent=parent, established_on=valid_from
    )
    DepartmentName.objects.create(department=department, name=name, valid_from=valid_from)
    record_create(actor, department)
    return department


@transaction.atomic
def do_rename_department(
    actor: Any | None, department: Department, new_name: str, reorganisation: Reorganisation
) -> Department:
    """Rename a department from the reorganisation's date on, keeping the old name's history."""
    _require_admin(actor)
    new_name = new_name.strip()
    if not new_name:
        raise ValidationError({"new_name": "새 부서명이 비어 있습니다 / the new name is empty"})
    if new_name == department.name:
        raise ValidationError({"new_name": f"지금 이름과 같습니다 '{new_name}' / "
                                           "the new name equals the current one"})
    day = reorganisation.effective_on
    current = department.names.filter(valid_to__isnull=True).order_by("-valid_from").first()
    if current is not None:
        if current.valid_from is not None and current.valid_from >= day:
            raise ValidationError(
                {"effective_on": "개편일이 현재 이름의 시작일보다 뒤여야 합니다 / "
                 "the reorganisation must come after the current name started"}
            )
        current.valid_to = day - dt.timedelta(days=1)
        current.save(update_fields=["valid_to"])
    DepartmentName.objects.create(
        department=department, name=new_name, valid_from=day, reorganisation=reorganisation
    )
    old_name = department.name
    department.name = new_name
    department.save(update_fields=["name"])
    record_change(actor, department, {"name": [old_name, new_name]})
    return department


def find_department(name: str) -> Department | None:
    """Find a department by any name it has had, preferring the one whose current name it is."""
    department = Department.objects.filter(name=name).order_by("id").first()
    if department is not None:
        return department
    entry = DepartmentName.objects.filter(name=name).select_related("department").first()
    return entry.department if entry else None


def _password_problems(password: str, user: User, language: str) -> str:
    with translation.override(language):
        try:
            validate_password(password, user)
        except ValidationError as exc:
            return " ".join(exc.messages)
    return ""


def _validate_password(password: str, user: User) -> None:
    """Apply the password rules (AUTH_PASSWORD_VALIDATORS), saying what failed in both languages."""
    korean = _password_problems(password, user, "ko")
    if korean:
        english = _password_problems(password, user, "en")
        raise ValidationError({"password": f"{korean} / {english}"})


@transaction.atomic
def do_create_user(
    actor: Any | None,
    username: str,
    password: str,
    role: str,
    departments: list[Department] | None = None,
    email: str = "",
) -> User:
    """Create a user with a role and, for officers, departments."""
    _require_admin(actor)
    if role not in Role.values:
        raise ValidationError({"role": f"알 수 없는 역할 '{role}' / unknown role '{role}'"})
    if User.objects.filter(username=username).exists():
        raise ValidationError({"username": f"이미 있는 사용자 '{username}' / '{username}' exists"})
    user = User(username=username, role=role, email=email, is_staff=role == Role.ADMIN)
    user.is_superuser = role == Role.ADMIN
    _validate_password(password, user)
    user.set_password(password)
    user.full_clean(exclude=["password"])
    user.save()
    if departments:
        user.departments.set(departments)
    record_create(actor, user, fields={"username": username, "role": role,
                                       "departments": [d.name for d in departments or []]})
    return user


@transaction.atomic
def do_sync_directory_user(actor: Any | None, user: User, *, role: str,
                           departments: list[Department], created: bool = False) -> User:
    """Give a directory user the role and departments its groups say, auditing what changed.

    `created`: the directory sign-in has just made the account (it has no local password).
    """
    _require_admin(actor)
    if role not in Role.values:
        raise ValidationError({"role": f"알 수 없는 역할 '{role}' / unknown role '{role}'"})
    changes: dict[str, list[Any]] = {}
    wanted = {"role": role, "is_staff": role == Role.ADMIN, "is_superuser": role == Role.ADMIN}
    for name, value in wanted.items():
        if getattr(user, name) != value:
            changes[name] = [getattr(user, name), value]
            setattr(user, name, value)
    if changes:
        user.save(update_fields=list(changes))
    before = sorted(user.departments.values_list("name", flat=True))
    after = sorted(d.name for d in departments)
    if before != after:
        user.departments.set(departments)
        changes["departments"] = [before, after]
    if created:
        record_create(actor, user, fields={"username": user.username, "role": role,
                                           "departments": after, "source": "directory"})
    elif changes:
        record_change(actor, user, changes, reason="directory")
    return user
