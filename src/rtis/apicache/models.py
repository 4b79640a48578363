"""The data version: one row whose value changes with every committed write to the database."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class DataVersion(models.Model):
    """One row (id 1). Its value grows by a random step after every committed write (any table
    but the sessions'), and starts at a random value when the row is (re)created, so a version
    is never reused for other data. Written only by `rtis.apicache.version`."""

    id = models.SmallIntegerField(primary_key=True)
    value = models.BigIntegerField(_("자료 판"))

    class Meta:
        verbose_name = _("자료 판")
        verbose_name_plural = _("자료 판")

    def __str__(self) -> str:
        return str(self.value)
