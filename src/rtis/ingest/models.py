"""Staged imports: an uploaded document's tables waiting for a planner's mapping and commit."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class BatchStatus(models.TextChoices):
    STAGED = "staged", _("검토 중")
    COMMITTED = "committed", _("반영 완료")
    DISCARDED = "discarded", _("취소")


class ImportBatch(models.Model):
    """One uploaded HWPX/XLSX file: its extracted tables, the mapping, the validation report."""

    plan = models.ForeignKey("plans.Plan", on_delete=models.CASCADE, related_name="imports")
    file_name = models.CharField(_("파일명"), max_length=255)
    file_sha256 = models.CharField(max_length=64)
    file_kind = models.CharField(max_length=10)
    tables = models.JSONField(_("추출한 표"), default=list)
    mapping = models.JSONField(_("대응"), default=list)
    status = models.CharField(_("상태"), max_length=10, choices=BatchStatus.choices,
                              default=BatchStatus.STAGED)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("가져오기")
        verbose_name_plural = _("가져오기")

    def __str__(self) -> str:
        return self.file_name

    def audit_scope(self) -> tuple[int | None, int | None]:
        return self.plan_id, None
