"""Departments and agencies with their renames over time; users with roles and memberships."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class DepartmentKind(models.TextChoices):
    OFFICE = "office", _("실·본부")
    BUREAU = "bureau", _("국·관")
    DEPARTMENT = "department", _("과·담당관")
    AGENCY = "agency", _("기관")
    EXTERNAL = "external", _("외부기관")


class Reorganisation(models.Model):
    """A 조직개편: the event that renames, creates or abolishes departments."""

    effective_on = models.DateField(_("시행일"))
    title = models.CharField(_("제목"), max_length=200)
    note = models.TextField(_("비고"), blank=True)
    # Where the change is attested: {document, section, page, ...}.
    provenance = models.JSONField(_("출처"), default=dict, blank=True)

    class Meta:
        ordering = ["effective_on", "id"]
        verbose_name = _("조직개편")
        verbose_name_plural = _("조직개편")

    def __str__(self) -> str:
        return f"{self.effective_on:%Y-%m-%d} {self.title}"


class Department(models.Model):
    """A department or agency; its name can change, its identity does not."""

    # The name in force today; every name it ever had, with dates, is in DepartmentName.
    name = models.CharField(_("부서명"), max_length=100, db_index=True)
    kind = models.CharField(
        _("구분"), max_length=20, choices=DepartmentKind.choices, default=DepartmentKind.DEPARTMENT
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("상위 조직"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    established_on = models.DateField(_("설치일"), null=True, blank=True)
    abolished_on = models.DateField(_("폐지일"), null=True, blank=True)

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("부서")
        verbose_name_plural = _("부서")

    def __str__(self) -> str:
        return self.name

    def name_on(self, day: dt.date) -> str:
        """Return the name in force on the given day."""
        for entry in self.names.all():
            if entry.covers(day):
                return entry.name
        return self.name

    def parent_on(self, day: dt.date) -> Department | None:
        """Return the parent on the given day: the dated history, else the parent of today."""
        links = list(self.parent_links.select_related("parent"))
        if not links:
            return self.parent
        for link in links:
            if link.covers(day):
                return link.parent
        return None


def _covers(valid_from: dt.date | None, valid_to: dt.date | None, day: dt.date) -> bool:
    return (valid_from is None or valid_from <= day) and (valid_to is None or day <= valid_to)


def covering(day: dt.date, prefix: str = "") -> Q:
    """Return a filter for rows with valid_from/valid_to whose span holds the day."""
    return ((Q(**{f"{prefix}valid_from__isnull": True}) | Q(**{f"{prefix}valid_from__lte": day}))
            & (Q(**{f"{prefix}valid_to__isnull": True}) | Q(**{f"{prefix}valid_to__gte": day})))


class DepartmentName(models.Model):
    """One name of a department and the dates it was in force."""

    department = models.ForeignKey(Department, on_delete=models.CASCADE, related_name="names")
    name = models.CharField(_("부서명"), max_length=100, db_index=True)
    valid_from = models.DateField(_("시작일"), null=True, blank=True)
    valid_to = models.DateField(_("종료일"), null=True, blank=True)
    reorganisation = models.ForeignKey(
        Reorganisation, null=True, blank=True, on_delete=models.SET_NULL, related_name="names"
    )
    provenance = models.JSONField(_("출처"), default=dict, blank=True)

    class Meta:
        ordering = ["department", "valid_from"]
        verbose_name = _("부서명 이력")
        verbose_name_plural = _("부서명 이력")
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True)
                | Q(valid_from__isnull=True)
                | Q(valid_to__gte=models.F("valid_from")),
                name="department_name_dates_in_order",
            )
        ]

    def __str__(self) -> str:
        return self.name

    def covers(self, day: dt.date) -> bool:
        """Tell whether this name was in force on the day (a name ends the day before its successor)."""
        return _covers(self.valid_from, self.valid_to, day)


class DepartmentParent(models.Model):
    """Where a department stood in the hierarchy from one date to another (조직개편 moves it)."""

    department = models.ForeignKey(Department, on_delete=models.CASCADE,
                                   related_name="parent_links")
    # None: a top unit over that span (directly under the city).
    parent = models.ForeignKey(Department, verbose_name=_("상위 조직"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="child_links")
    valid_from = models.DateField(_("시작일"), null=True, blank=True)
    valid_to = models.DateField(_("종료일"), null=True, blank=True)
    reorganisation = models.ForeignKey(
        Reorganisation, null=True, blank=True, on_delete=models.SET_NULL, related_name="moves"
    )
    provenance = models.JSONField(_("출처"), default=dict, blank=True)

    class Meta:
        ordering = ["department", "valid_from"]
        verbose_name = _("상위 조직 이력")
        verbose_name_plural = _("상위 조직 이력")
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True)
                | Q(valid_from__isnull=True)
                | Q(valid_to__gte=models.F("valid_from")),
                name="department_parent_dates_in_order",
            ),
            models.CheckConstraint(condition=~Q(parent=models.F("department")),
                                   name="department_parent_not_itself"),
        ]

    def __str__(self) -> str:
        return f"{self.department} → {self.parent or '—'}"

    def covers(self, day: dt.date) -> bool:
        """Tell whether the department stood under this parent on the day."""
        return _covers(self.valid_from, self.valid_to, day)


class DepartmentAlias(models.Model):
    """A way a document printed a department's name (spacing, a misprint, a variant)."""

    department = models.ForeignKey(Department, on_delete=models.CASCADE, related_name="aliases")
    name = models.CharField(_("표기"), max_length=100, unique=True)
    note = models.CharField(_("비고"), max_length=300, blank=True)
    # Where the variant is printed: {document, section, items, ...}.
    provenance = models.JSONField(_("출처"), default=dict, blank=True)

    class Meta:
        ordering = ["department", "name"]
        verbose_name = _("부서명 이표기")
        verbose_name_plural = _("부서명 이표기")

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    ADMIN = "admin", _("관리자")
    PLANNER = "planner", _("기획 담당(경제정책과)")
    OFFICER = "officer", _("부서 담당자")
    VIEWER = "viewer", _("열람자(의회·감사)")
    # Seoul-type R&D: SBA's programme managers, external evaluators and applicants
    # (companies, universities). They see R&D pages only, within their own calls,
    # panels and organisations.
    RND_MANAGER = "rnd_manager", _("R&D 사업 관리자(SBA)")
    EVALUATOR = "evaluator", _("평가위원")
    APPLICANT = "applicant", _("신청자(기업·대학)")


class User(AbstractUser):
    """A person who signs in: a role, and for officers the departments they work for."""

    role = models.CharField(_("역할"), max_length=20, choices=Role.choices, default=Role.VIEWER)
    departments = models.ManyToManyField(
        Department, verbose_name=_("소속 부서"), blank=True, related_name="members"
    )

    class Meta:
        verbose_name = _("사용자")
        verbose_name_plural = _("사용자")

    @property
    def display_name(self) -> str:
        full = f"{self.last_name}{self.first_name}".strip()
        return full or self.username

    @property
    def is_planner(self) -> bool:
        """Tell whether templates should offer planner tools (the rule lives in orgs.access)."""
        from rtis.orgs.access import is_planner

        return is_planner(self)
