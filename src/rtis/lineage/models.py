"""Links between nodes of different plans: one undertaking followed from plan to plan."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from rtis.plans.models import Node


class LinkKind(models.TextChoices):
    SAME = "same", _("동일 사업")
    SUCCESSOR = "successor", _("후속 사업")
    SPLIT = "split", _("분할")
    MERGED = "merged", _("통합")


class NodeLink(models.Model):
    """The earlier plan's node is followed by the later plan's node (kind, note, evidence)."""

    earlier = models.ForeignKey(Node, on_delete=models.CASCADE, related_name="lineage_next",
                                verbose_name=_("앞선 계획의 과제"))
    later = models.ForeignKey(Node, on_delete=models.CASCADE, related_name="lineage_previous",
                              verbose_name=_("뒤 계획의 과제"))
    kind = models.CharField(_("관계"), max_length=10, choices=LinkKind.choices)
    note = models.TextField(_("메모"), blank=True)
    evidence = models.TextField(_("근거"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, blank=True, related_name="+")
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["earlier", "later"]
        verbose_name = _("사업 연계")
        verbose_name_plural = _("사업 연계")
        constraints = [
            models.UniqueConstraint(fields=["earlier", "later"], name="node_link_unique"),
            models.CheckConstraint(condition=~Q(earlier=F("later")), name="node_link_not_self"),
        ]

    def __str__(self) -> str:
        return f"{self.earlier} → {self.later} ({self.get_kind_display()})"
