"""The audit trail: who changed what, when, from which value to which."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditAction(models.TextChoices):
    CREATE = "create", _("생성")
    UPDATE = "update", _("수정")
    DELETE = "delete", _("삭제")
    # Sign-in events (rtis.web.signin): not data changes, but part of the same trail.
    LOGIN = "login", _("로그인")
    LOGIN_FAILED = "login_fail", _("로그인 실패")
    LOCK = "lock", _("로그인 잠금")
    UNLOCK = "unlock", _("잠금 해제")


class AuditEvent(models.Model):
    """One create, update or delete of domain data.

    The target and its plan/node are kept as plain ids, not foreign keys, so the trail outlives
    what it describes (a deleted budget line keeps its history).
    """

    at = models.DateTimeField(_("일시"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("변경자"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    actor_name = models.CharField(_("변경자 이름"), max_length=150, blank=True)
    action = models.CharField(_("구분"), max_length=10, choices=AuditAction.choices)
    target_type = models.CharField(_("대상 종류"), max_length=100)
    target_id = models.CharField(_("대상 ID"), max_length=64)
    target_repr = models.CharField(_("대상"), max_length=300)
    plan_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    node_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    changes = models.JSONField(_("변경 내용"), default=dict)
    reason = models.CharField(_("사유"), max_length=300, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["target_type", "target_id"])]
        verbose_name = _("변경 이력")
        verbose_name_plural = _("변경 이력")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_name} {self.action} {self.target_repr}"
