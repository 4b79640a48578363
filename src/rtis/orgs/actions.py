"""Writes to departments and users: every change audited."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import translation

from rtis.audit.log import record_change, record_create, record_creates, record_deletes
from rtis.lib.org_history import HistoryFields, OrgHistoryFile, ReorganisationDoc
from rtis.orgs.access import is_planner
from rtis.orgs.models import (
    Department,
    DepartmentAlias,
    DepartmentKind,
    DepartmentName,
    DepartmentParent,
    Reorganisation,
    Role,
    User,
)
from rtis.orgs.queries import fold


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
    if parent is not None:
        DepartmentParent.objects.create(department=department, parent=parent,
                                        valid_from=valid_from)
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


@transaction.atomic
def do_move_department(actor: Any | None, department: Department, parent: Department | None,
                       reorganisation: Reorganisation,
                       provenance: dict[str, Any] | None = None) -> Department:
    """Put a department under another parent from the reorganisation's date on, keeping history."""
    _require_admin(actor)
    day = reorganisation.effective_on
    if parent is not None and parent.pk == department.pk:
        raise ValidationError({"parent": "자기 자신 아래에 둘 수 없습니다 / a department cannot "
                                         "be its own parent"})
    links = list(department.parent_links.order_by("valid_from"))
    current = next((link for link in links if link.valid_to is None), None)
    if current is None and not links and department.parent_id is not None:
        # No history yet: the parent of today has stood since an unknown date.
        current = DepartmentParent.objects.create(department=department,
                                                  parent_id=department.parent_id)
    if current is not None:
        if current.valid_from is not None and current.valid_from >= day:
            raise ValidationError({"effective_on": "개편일이 현재 상위 조직의 시작일보다 뒤여야 "
                                                   "합니다 / the reorganisation must come after "
                                                   "the current parent's start"})
        current.valid_to = day - dt.timedelta(days=1)
        current.save(update_fields=["valid_to"])
    DepartmentParent.objects.create(department=department, parent=parent, valid_from=day,
                                    reorganisation=reorganisation, provenance=provenance or {})
    old_parent = department.parent_id
    department.parent = parent
    department.save(update_fields=["parent"])
    record_change(actor, department, {"parent_id": [old_parent, department.parent_id]},
                  reason=str(reorganisation))
    return department


@transaction.atomic
def do_add_department_alias(actor: Any | None, department: Department, name: str,
                            provenance: dict[str, Any] | None = None,
                            note: str = "") -> DepartmentAlias:
    """Record a way a document printed the department's name, with where it was printed."""
    if actor is not None and not is_planner(actor):
        raise PermissionDenied("부서명 이표기를 등록할 권한이 없습니다 / you may not add aliases")
    name = name.strip()
    if not name:
        raise ValidationError({"name": "표기가 비어 있습니다 / the variant is empty"})
    other = find_department(name)
    if other is not None and other.pk != department.pk:
        raise ValidationError({"name": f"'{name}'은(는) 이미 '{other.name}'의 이름입니다 / "
                                       f"'{name}' already names '{other.name}'"})
    alias, created = DepartmentAlias.objects.update_or_create(
        name=name, defaults={"department": department, "provenance": provenance or {},
                             "note": note})
    if created:
        record_create(actor, alias)
    return alias


def find_department(name: str) -> Department | None:
    """Find a department by any name it has had or a variant printed for it.

    Prefers the department whose current name it is, then a former name, then a recorded
    alias (a misprint or variant), then the same letters with other spacing.
    """
    name = name.strip()
    department = Department.objects.filter(name=name).order_by("id").first()
    if department is not None:
        return department
    entry = DepartmentName.objects.filter(name=name).select_related("department").first()
    if entry is not None:
        return entry.department
    alias = DepartmentAlias.objects.filter(name=name).select_related("department").first()
    if alias is not None:
        return alias.department
    from rtis.orgs.queries import NameIndex

    folded = NameIndex().folded.get(fold(name))
    return Department.objects.filter(pk=folded).first() if folded else None


def reorganisation_from_doc(doc: ReorganisationDoc, *, update: bool = False) -> Reorganisation:
    """Find a reorganisation by date and title, or create it (with update: note and source too)."""
    values = {"note": doc.note, "provenance": doc.provenance}
    if update:
        found, _created = Reorganisation.objects.update_or_create(
            effective_on=doc.effective_on, title=doc.title, defaults=values)
    else:
        found, _created = Reorganisation.objects.get_or_create(
            effective_on=doc.effective_on, title=doc.title, defaults=values)
    return found


def write_department_history(actor: Any | None, department: Department, history: HistoryFields,
                             resolve: Callable[[str], Department | None],
                             reorganisations: dict[str, Reorganisation]) -> None:
    """Replace a department's names, dated parents and aliases with the given history.

    Only the parts the history gives are replaced (no names listed: the names stay). The
    department's `name` and `parent` become those of its open-ended spans (today's).
    """
    changes: dict[str, list[Any]] = {}
    wanted_names = [(n.name, n.valid_from, n.valid_to,
                     getattr(reorganisations.get(n.reorganisation or ""), "pk", None),
                     n.provenance) for n in history.names]
    have_names = [(n.name, n.valid_from, n.valid_to, n.reorganisation_id, n.provenance)
                  for n in department.names.all()]
    if history.names and sorted(wanted_names, key=str) != sorted(have_names, key=str):
        old = list(department.names.all())
        record_deletes(actor, old, reason="history replaced")
        department.names.all().delete()
        names = DepartmentName.objects.bulk_create([DepartmentName(
            department=department, name=n.name, valid_from=n.valid_from, valid_to=n.valid_to,
            reorganisation=reorganisations.get(n.reorganisation or ""), provenance=n.provenance)
            for n in history.names])
        record_creates(actor, names, reason="history")
        latest = max(history.names, key=lambda n: (n.valid_to is None, n.valid_to or dt.date.min,
                                                   n.valid_from or dt.date.min))
        changes["name"] = [department.name, latest.name]
        department.name = latest.name
    links: list[DepartmentParent] = []
    for p in history.parents:
        parent = resolve(p.parent) if p.parent is not None else None
        if p.parent is not None and parent is None:
            raise ValidationError({"parents": f"알 수 없는 상위 조직 '{p.parent}' / unknown "
                                              f"parent '{p.parent}'"})
        links.append(DepartmentParent(
            department=department, parent=parent, valid_from=p.valid_from,
            valid_to=p.valid_to, reorganisation=reorganisations.get(p.reorganisation or ""),
            provenance=p.provenance))
    have_links = sorted(((link.parent_id, link.valid_from, link.valid_to,
                          link.reorganisation_id, link.provenance)
                         for link in department.parent_links.all()), key=str)
    wanted_links = sorted(((link.parent_id, link.valid_from, link.valid_to,
                            link.reorganisation_id, link.provenance) for link in links), key=str)
    if links and have_links != wanted_links:
        old_links = list(department.parent_links.all())
        record_deletes(actor, old_links, reason="history replaced")
        department.parent_links.all().delete()
        record_creates(actor, DepartmentParent.objects.bulk_create(links), reason="history")
        latest_link = max(links, key=lambda link: (link.valid_to is None,
                                                   link.valid_to or dt.date.min,
                                                   link.valid_from or dt.date.min))
        changes["parent_id"] = [department.parent_id, latest_link.parent_id]
        department.parent = latest_link.parent
    for a in history.aliases:
        alias, created = DepartmentAlias.objects.update_or_create(
            name=a.name, defaults={"department": department, "note": a.note,
                                   "provenance": a.provenance})
        if created:
            record_create(actor, alias, reason="history")
    if record_change(actor, department, changes, reason="history") is not None:
        department.save(update_fields=["name", "parent"])


@transaction.atomic
def do_load_org_history(actor: Any | None, doc: OrgHistoryFile) -> list[str]:
    """Load the organisation's dated history (the seed's departments.yaml); return names created.

    The file is authoritative for the departments it lists: their names, dated parents and
    aliases are replaced by the file's (an unchanged history is left alone). A department is
    found by any name the file gives it.
    """
    _require_admin(actor)
    reorganisations = {r.key: reorganisation_from_doc(r, update=True)
                       for r in doc.reorganisations}
    created: list[str] = []
    by_name: dict[str, Department] = {}
    for d in doc.departments:
        department = next((found for name in [d.name, *(n.name for n in d.names)]
                           if (found := find_department(name)) is not None), None)
        if department is None:
            department = do_create_department(None, d.name, kind=d.kind)
            created.append(d.name)
        elif department.kind != d.kind:
            record_change(actor, department, {"kind": [department.kind, d.kind]})
            department.kind = d.kind
            department.save(update_fields=["kind"])
        for name in [d.name, *(n.name for n in d.names), *(a.name for a in d.aliases)]:
            by_name[name] = department

    def resolve(name: str) -> Department | None:
        return by_name.get(name) or find_department(name)

    for d in doc.departments:
        write_department_history(actor, by_name[d.name], d, resolve, reorganisations)
    return created


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
