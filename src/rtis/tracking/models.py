"""Performance tracking: reporting periods and monthly budget execution of unit projects."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from rtis.plans.models import MAX_AMOUNT_WON, MAX_YEAR, MIN_YEAR, Node, Plan

MONTHS_PER_YEAR = 12
QUARTERS_PER_YEAR = 4


def percent(part: int, whole: int) -> Decimal | None:
    """Return part ÷ whole in percent to one decimal, half up; None when whole is 0."""
    if whole == 0:
        return None
    # Korean budget reports round 집행률 half up (사사오입), not to even.
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


class PeriodKind(models.TextChoices):
    MONTH = "month", _("월")
    QUARTER = "quarter", _("분기")


class PeriodState(models.TextChoices):
    OPEN = "open", _("입력 중")
    CLOSED = "closed", _("마감")
    LOCKED = "locked", _("확정")


class ReportingPeriod(models.Model):
    """A month or quarter of a plan in which departments report, with a due date and a state."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="reporting_periods")
    kind = models.CharField(_("구분"), max_length=10, choices=PeriodKind.choices)
    year = models.PositiveSmallIntegerField(
        _("연도"), validators=[MinValueValidator(MIN_YEAR), MaxValueValidator(MAX_YEAR)]
    )
    number = models.PositiveSmallIntegerField(_("월·분기"))
    due_on = models.DateField(_("제출 기한"))
    state = models.CharField(
        _("상태"), max_length=10, choices=PeriodState.choices, default=PeriodState.OPEN
    )
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["plan", "kind", "year", "number"]
        verbose_name = _("보고 기간")
        verbose_name_plural = _("보고 기간")
        constraints = [
            models.UniqueConstraint(fields=["plan", "kind", "year", "number"],
                                    name="reporting_period_unique"),
            models.CheckConstraint(
                condition=Q(number__gte=1) & (
                    Q(kind=PeriodKind.MONTH, number__lte=MONTHS_PER_YEAR)
                    | Q(kind=PeriodKind.QUARTER, number__lte=QUARTERS_PER_YEAR)
                ),
                name="reporting_period_number_in_range",
            ),
            models.CheckConstraint(
                condition=Q(year__gte=MIN_YEAR) & Q(year__lte=MAX_YEAR),
                name="reporting_period_year_in_range",
            ),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        """Return "2021-07" for a month, "2021-Q3" for a quarter (the IndicatorActual notation)."""
        if self.kind == PeriodKind.QUARTER:
            return f"{self.year}-Q{self.number}"
        return f"{self.year}-{self.number:02d}"

    def audit_scope(self) -> tuple[int | None, int | None]:
        return self.plan_id, None


class ExecutionStatus(models.TextChoices):
    DRAFT = "draft", _("작성 중")
    SUBMITTED = "submitted", _("결재 요청")
    APPROVED = "approved", _("승인")
    RETURNED = "returned", _("반려")


AMOUNT_FIELDS = ("original_budget", "transfers", "carryover", "committed", "spent")


class ExecutionRecord(models.Model):
    """A unit project's budget execution as of the end of a month, year to date, in won.

    예산현액 (current budget) = 본예산 + 예산이체 + 이월액; it is computed, never stored.
    """

    node = models.ForeignKey(Node, on_delete=models.CASCADE, related_name="execution_records")
    period = models.ForeignKey(ReportingPeriod, on_delete=models.PROTECT,
                               related_name="execution_records")
    original_budget = models.BigIntegerField(_("본예산"), default=0)
    transfers = models.BigIntegerField(_("예산이체"), default=0)  # may be negative: money moved out
    carryover = models.BigIntegerField(_("이월액"), default=0)
    committed = models.BigIntegerField(_("원인행위액"), default=0)
    spent = models.BigIntegerField(_("지출액"), default=0)
    status = models.CharField(_("결재 상태"), max_length=10, choices=ExecutionStatus.choices,
                              default=ExecutionStatus.DRAFT)
    return_comment = models.TextField(_("반려 사유"), blank=True)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["period", "node__position"]
        verbose_name = _("예산 집행 실적")
        verbose_name_plural = _("예산 집행 실적")
        constraints = [
            models.UniqueConstraint(fields=["node", "period"], name="execution_record_unique"),
            models.CheckConstraint(
                condition=(
                    Q(original_budget__gte=0) & Q(original_budget__lte=MAX_AMOUNT_WON)
                    & Q(carryover__gte=0) & Q(carryover__lte=MAX_AMOUNT_WON)
                    & Q(transfers__gte=-MAX_AMOUNT_WON) & Q(transfers__lte=MAX_AMOUNT_WON)
                    & Q(committed__gte=0) & Q(committed__lte=MAX_AMOUNT_WON)
                    & Q(spent__gte=0) & Q(spent__lte=MAX_AMOUNT_WON)
                ),
                name="execution_amounts_in_range",
            ),
            models.CheckConstraint(
                condition=Q(spent__lte=F("committed"))
                & Q(committed__lte=F("original_budget") + F("transfers") + F("carryover")),
                name="execution_spent_committed_budget_in_order",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.node.code} {self.period.label} 집행실적"

    @property
    def current_budget(self) -> int:
        """Return 예산현액: 본예산 + 예산이체 + 이월액."""
        return self.original_budget + self.transfers + self.carryover

    def committed_rate(self) -> Decimal | None:
        """Return 원인행위액 ÷ 예산현액 in percent (one decimal, half up); None without a budget."""
        return percent(self.committed, self.current_budget)

    def spent_rate(self) -> Decimal | None:
        """Return 지출액 ÷ 예산현액 in percent (one decimal, half up); None without a budget."""
        return percent(self.spent, self.current_budget)

    def audit_scope(self) -> tuple[int | None, int | None]:
        return self.node.plan_id, self.node_id
