"""Generated reports: each snapshot keeps the content it was rendered from, so it renders again."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ReportKind(models.TextChoices):
    WORK_REPORT = "work-report", _("주요 업무보고")
    PLAN_TABLES = "plan-tables", _("계획 총괄표")
    PLEDGE_CARD = "pledge-card", _("공약 카드")


class ReportSnapshot(models.Model):
    """A report as generated at an as-of date: its full content, who made it, from what data."""

    kind = models.CharField(_("종류"), max_length=30, choices=ReportKind.choices)
    plan = models.ForeignKey("plans.Plan", null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="report_snapshots")
    node_code = models.CharField(_("과제"), max_length=40, blank=True)
    as_of = models.DateField(_("기준일"))
    title = models.CharField(_("제목"), max_length=300)
    content = models.JSONField(_("내용"))
    content_sha256 = models.CharField(max_length=64)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("보고서 스냅숏")
        verbose_name_plural = _("보고서 스냅숏")

    def __str__(self) -> str:
        return f"{self.title} ({self.as_of:%Y-%m-%d})"

    def audit_scope(self) -> tuple[int | None, int | None]:
        return self.plan_id, None
