"""What the public may see beyond a plan's published flag: its publication date, and the nodes a
planner withholds from public pages, the API's public answers and the downloads."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from rtis.plans.models import Node, Plan


class PlanPublication(models.Model):
    """The day a plan was (last) published, said on its public pages and in the open data."""

    plan_id: int
    plan = models.OneToOneField(Plan, on_delete=models.CASCADE, related_name="publication")
    published_on = models.DateField(_("공개일"))
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("계획 공개일")
        verbose_name_plural = _("계획 공개일")

    def __str__(self) -> str:
        return f"{self.plan.slug} {self.published_on}"

    def audit_scope(self) -> tuple[int | None, int | None]:
        return self.plan_id, None


class WithheldNode(models.Model):
    """A node (and everything below it) kept off the public pages of a published plan."""

    node_id: int
    node = models.OneToOneField(Node, on_delete=models.CASCADE, related_name="withholding")
    reason = models.CharField(_("비공개 사유"), max_length=300)
    withheld_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                    null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("비공개 과제")
        verbose_name_plural = _("비공개 과제")

    def __str__(self) -> str:
        return f"{self.node} (비공개)"

    def audit_scope(self) -> tuple[int | None, int | None]:
        return self.node.plan_id, self.node_id


class ReportPublication(models.Model):
    """A generated report (snapshot) a planner published with a date: the public sees it then.

    Without one a report stays with its readers inside (planners and viewers, /reports/); with
    one it is listed in the open data (/data/reports/), downloadable by anyone, found by the
    public search and in the bulk download. Who generated or published it is never shown.
    """

    snapshot_id: int
    snapshot = models.OneToOneField("reports.ReportSnapshot", on_delete=models.CASCADE,
                                    related_name="publication")
    published_on = models.DateField(_("공개일"))
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                     null=True, blank=True, related_name="+")
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("보고서 공개")
        verbose_name_plural = _("보고서 공개")

    def __str__(self) -> str:
        return f"{self.snapshot.title} {self.published_on}"

    def audit_scope(self) -> tuple[int | None, int | None]:
        return self.snapshot.plan_id, None
