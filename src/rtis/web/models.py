"""Sign-in throttling state: failures and locks per account name and per client address."""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.utils.translation import gettext_lazy as _


class ThrottleKind(models.TextChoices):
    ACCOUNT = "account", _("계정")
    ADDRESS = "address", _("접속 주소")


class SignInThrottle(models.Model):
    """Failed sign-ins of one account name (known or not) or one client address, and its lock.

    `lock_level` counts the locks since the last success or quiet period: each lock lasts twice
    the previous one, up to the configured maximum.
    """

    kind = models.CharField(_("구분"), max_length=10, choices=ThrottleKind.choices)
    key = models.CharField(_("계정 또는 주소"), max_length=150)
    failures = models.PositiveIntegerField(_("연속 실패"), default=0)
    lock_level = models.PositiveIntegerField(_("잠금 횟수"), default=0)
    locked_until = models.DateTimeField(_("잠금 해제 시각"), null=True, blank=True)
    last_failure_at = models.DateTimeField(_("마지막 실패"), null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["kind", "key"], name="signin_throttle_key")]
        ordering = ["-last_failure_at"]
        verbose_name = _("로그인 잠금")
        verbose_name_plural = _("로그인 잠금")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.key}"

    def is_locked(self, now: dt.datetime) -> bool:
        return self.locked_until is not None and self.locked_until > now
