"""Council oversight: sessions (e.g. an administrative audit) and the items they raised."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from rtis.orgs.models import Department


class CouncilSession(models.Model):
    """A council session whose demands are followed up, e.g. 2021 행정사무감사."""

    key = models.SlugField(_("식별자"), max_length=80, unique=True)
    title = models.CharField(_("명칭"), max_length=200)
    body = models.CharField(_("기관"), max_length=100, blank=True)
    committee = models.CharField(_("위원회"), max_length=100, blank=True)
    year = models.PositiveSmallIntegerField(_("연도"))
    # The report that printed the follow-up (its summary table is a stated table of that plan).
    plan = models.ForeignKey("plans.Plan", null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="council_sessions")
    source_document = models.CharField(_("원문 파일"), max_length=200, blank=True)
    # The printed summary (처리결과 총괄) as printed, with its claims: never used as data.
    summary_table = models.JSONField(_("처리결과 총괄(인쇄)"), default=dict, blank=True)

    class Meta:
        ordering = ["-year", "key"]
        verbose_name = _("의회 회기")
        verbose_name_plural = _("의회 회기")

    def __str__(self) -> str:
        return self.title


class Category(models.TextChoices):
    CORRECTIVE = "corrective", _("시정·처리 요구사항")
    RECOMMENDATION = "recommendation", _("건의사항")
    DOCUMENT_REQUEST = "document_request", _("기타(자료제출)")


class Status(models.TextChoices):
    DONE = "완료", _("완료")
    IN_PROGRESS = "추진중", _("추진중")
    UNDER_REVIEW = "검토중", _("검토중")
    NOT_ADOPTED = "미반영", _("미반영")


class AuditItem(models.Model):
    """One demand of a council session and what the departments did about it."""

    session = models.ForeignKey(CouncilSession, on_delete=models.CASCADE, related_name="items")
    category = models.CharField(_("구분"), max_length=20, choices=Category.choices)
    number = models.PositiveIntegerField(_("번호"))
    title = models.TextField(_("요구사항"))
    # Departments as printed (misprints included); resolved ones are linked below.
    department_names = models.JSONField(_("부서(인쇄)"), default=list)
    departments = models.ManyToManyField(Department, blank=True, related_name="audit_items")
    status = models.CharField(_("처리상황"), max_length=10, choices=Status.choices)
    status_as_printed = models.CharField(_("처리상황(인쇄)"), max_length=30, blank=True)
    actions = models.TextField(_("추진내용"), blank=True)
    next_steps = models.TextField(_("향후계획"), blank=True)
    # The last dated step of next_steps (lib/duedates.py); the overdue list compares it with a day.
    due_on = models.DateField(_("완료 기한"), null=True, blank=True)
    provenance = models.JSONField(_("출처"), default=dict, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["session", "category", "number"]
        verbose_name = _("지적사항")
        verbose_name_plural = _("지적사항")
        constraints = [
            models.UniqueConstraint(fields=["session", "category", "number"],
                                    name="audit_item_number_unique")
        ]

    def __str__(self) -> str:
        return f"{self.get_category_display()} {self.number}"

    def audit_scope(self) -> tuple[int | None, int | None]:
        return self.session.plan_id, None
