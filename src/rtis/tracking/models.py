"""Performance tracking: reporting periods and monthly budget execution of unit projects."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from rtis.orgs.models import Department
from rtis.plans.models import (
    MAX_AMOUNT_WON,
    MAX_YEAR,
    MIN_YEAR,
    FundingSource,
    Indicator,
    Node,
    Plan,
)

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

    @property
    def starts_on(self) -> dt.date:
        """Return the first day of the month or quarter."""
        month = self.number if self.kind == PeriodKind.MONTH else (self.number - 1) * 3 + 1
        return dt.date(self.year, month, 1)

    @property
    def ends_on(self) -> dt.date:
        """Return the last day of the month or quarter."""
        return period_end(self.kind, self.year, self.number)

    def audit_scope(self) -> tuple[int | None, int | None]:
        return self.plan_id, None


def period_end(kind: str, year: int, number: int) -> dt.date:
    """Return the last day of a month (kind month) or quarter (kind quarter) of a year."""
    last_month = number if kind == PeriodKind.MONTH else number * 3
    if last_month == MONTHS_PER_YEAR:
        return dt.date(year, 12, 31)
    return dt.date(year, last_month + 1, 1) - dt.timedelta(days=1)


class ExecutionStatus(models.TextChoices):
    """The approval (결재) state of an entry: execution, indicator actual or milestone."""

    DRAFT = "draft", _("작성 중")
    SUBMITTED = "submitted", _("결재 요청")
    APPROVED = "approved", _("승인")
    RETURNED = "returned", _("반려")


EntryStatus = ExecutionStatus


class ApprovalEntry(models.Model):
    """What a department enters for a period and a planner approves (결재) or returns."""

    period = models.ForeignKey(ReportingPeriod, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(_("결재 상태"), max_length=10, choices=ExecutionStatus.choices,
                              default=ExecutionStatus.DRAFT)
    return_comment = models.TextField(_("반려 사유"), blank=True)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True

    def owner_node(self) -> Node:
        """Return the node whose owning department enters and submits this entry."""
        return self.node  # type: ignore[attr-defined]


AMOUNT_FIELDS = ("original_budget", "transfers", "carryover", "committed", "spent")


class ExecutionRecord(ApprovalEntry):
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


class AnnualExecution(models.Model):
    """A node's settled (결산) spending of a closed year by funding source, in won.

    Monthly execution records carry no funding source; what a pledge card prints "by year and
    source" for past years comes from here (from the documents, or entered at year-end closing).
    """

    node = models.ForeignKey(Node, on_delete=models.CASCADE, related_name="annual_executions")
    year = models.PositiveSmallIntegerField(
        _("연도"), validators=[MinValueValidator(MIN_YEAR), MaxValueValidator(MAX_YEAR)])
    source = models.ForeignKey(FundingSource, verbose_name=_("재원"), on_delete=models.PROTECT)
    amount_won = models.BigIntegerField(
        _("집행액(원)"), validators=[MinValueValidator(0), MaxValueValidator(MAX_AMOUNT_WON)])
    provenance = models.JSONField(_("출처"), default=dict, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["node", "year", "source__position"]
        verbose_name = _("연도별 집행액")
        verbose_name_plural = _("연도별 집행액")
        constraints = [
            models.UniqueConstraint(fields=["node", "year", "source"],
                                    name="annual_execution_unique"),
            models.CheckConstraint(condition=Q(amount_won__gte=0) & Q(amount_won__lte=MAX_AMOUNT_WON),
                                   name="annual_execution_amount_in_range"),
        ]

    def __str__(self) -> str:
        return f"{self.node.code} {self.year} {self.source_id} 집행액"

    def audit_scope(self) -> tuple[int | None, int | None]:
        return self.node.plan_id, self.node_id


# --- per-plan settings ------------------------------------------------------------------------


class TrackingSettings(models.Model):
    """How a plan is tracked: period kinds, due dates, reminders and the projection threshold."""

    plan = models.OneToOneField(Plan, on_delete=models.CASCADE, related_name="tracking_settings")
    execution_period = models.CharField(_("집행실적 주기"), max_length=10,
                                        choices=PeriodKind.choices, default=PeriodKind.MONTH)
    indicator_period = models.CharField(_("성과지표 실적 주기"), max_length=10,
                                        choices=PeriodKind.choices, default=PeriodKind.QUARTER)
    milestone_period = models.CharField(_("추진일정 주기"), max_length=10,
                                        choices=PeriodKind.choices, default=PeriodKind.QUARTER)
    due_days = models.PositiveSmallIntegerField(
        _("제출 기한(기간 종료 후 일수)"), default=10, validators=[MaxValueValidator(90)])
    reminder_days = models.PositiveSmallIntegerField(
        _("미리 알림(기한 전 일수)"), default=3, validators=[MaxValueValidator(30)])
    projection_threshold = models.DecimalField(
        _("연말 집행률 경고 기준(%)"), max_digits=5, decimal_places=1, default=Decimal("90.0"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))])
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("실적 관리 설정")
        verbose_name_plural = _("실적 관리 설정")

    def __str__(self) -> str:
        return f"{self.plan.slug} 실적 관리 설정"

    def audit_scope(self) -> tuple[int | None, int | None]:
        return self.plan_id, None


# --- indicator actuals --------------------------------------------------------------------------


class IndicatorReport(ApprovalEntry):
    """An indicator's actual value for a period as a department reports it, with evidence.

    On approval it becomes the plan's IndicatorActual for that period (the figure of record).
    """

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="reports")
    period = models.ForeignKey(ReportingPeriod, on_delete=models.PROTECT,
                               related_name="indicator_reports")
    value = models.DecimalField(_("실적값"), max_digits=24, decimal_places=4)
    unit = models.CharField(_("단위"), max_length=30)
    evidence = models.TextField(_("근거"), blank=True)

    class Meta:
        ordering = ["period", "indicator__position"]
        verbose_name = _("성과지표 실적")
        verbose_name_plural = _("성과지표 실적")
        constraints = [
            models.UniqueConstraint(fields=["indicator", "period"], name="indicator_report_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.indicator.name} {self.period.label} 실적"

    def owner_node(self) -> Node:
        return self.indicator.node

    def audit_scope(self) -> tuple[int | None, int | None]:
        return self.indicator.node.plan_id, self.indicator.node_id


# --- milestones ---------------------------------------------------------------------------------


class MilestoneState(models.TextChoices):
    DONE = "done", _("완료")
    IN_PROGRESS = "in_progress", _("진행")
    DELAYED = "delayed", _("지연")
    NOT_STARTED = "not_started", _("미착수")


class Milestone(ApprovalEntry):
    """A node's planned activity for a quarter and what was achieved (분기별 추진계획 대비 실적)."""

    node = models.ForeignKey(Node, on_delete=models.CASCADE, related_name="milestones")
    period = models.ForeignKey(ReportingPeriod, on_delete=models.PROTECT,
                               related_name="milestones")
    planned = models.TextField(_("계획"))
    achieved = models.TextField(_("실적"), blank=True)
    state = models.CharField(_("추진 상태"), max_length=12, choices=MilestoneState.choices,
                             default=MilestoneState.NOT_STARTED)
    delay_reason = models.TextField(_("지연 사유"), blank=True)
    completed_on = models.DateField(_("완료일"), null=True, blank=True)
    provenance = models.JSONField(_("출처"), default=dict, blank=True)

    class Meta:
        ordering = ["period", "node__position"]
        verbose_name = _("추진일정")
        verbose_name_plural = _("추진일정")
        constraints = [
            models.UniqueConstraint(fields=["node", "period"], name="milestone_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.node.code} {self.period.label} 추진일정"

    def audit_scope(self) -> tuple[int | None, int | None]:
        return self.node.plan_id, self.node_id


# --- node status --------------------------------------------------------------------------------


class NodeStatus(models.TextChoices):
    NORMAL = "normal", _("정상추진")
    IN_PROGRESS = "in_progress", _("추진중")
    COMPLETED = "completed", _("추진완료")
    CONTINUING = "continuing", _("이행 후 계속추진")
    PARTIAL = "partial", _("일부추진")
    DELAYED = "delayed", _("지연")
    ON_HOLD = "on_hold", _("보류")
    ABANDONED = "abandoned", _("폐기")


# A status that says the node is not going as planned needs a reason.
STATUSES_NEEDING_REASON = {NodeStatus.PARTIAL, NodeStatus.DELAYED, NodeStatus.ON_HOLD,
                           NodeStatus.ABANDONED}


class StatusChange(models.Model):
    """A node's 추진 상황 from a date on, with the reason; the latest by date is in force."""

    node = models.ForeignKey(Node, on_delete=models.CASCADE, related_name="status_changes")
    status = models.CharField(_("추진 상황"), max_length=12, choices=NodeStatus.choices)
    reason = models.TextField(_("사유"), blank=True)
    effective_on = models.DateField(_("기준일"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                    null=True, blank=True, related_name="+")
    provenance = models.JSONField(_("출처"), default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["node", "-effective_on", "-id"]
        verbose_name = _("추진 상황")
        verbose_name_plural = _("추진 상황 이력")
        indexes = [models.Index(fields=["node", "effective_on"])]

    def __str__(self) -> str:
        return f"{self.node.code} {self.get_status_display()} ({self.effective_on})"

    def audit_scope(self) -> tuple[int | None, int | None]:
        return self.node.plan_id, self.node_id


# --- citizen participation ---------------------------------------------------------------------


class ParticipationKind(models.TextChoices):
    BRIEFING = "briefing", _("설명회·공청회")
    SURVEY = "survey", _("만족도 조사")
    ADVISORY = "advisory", _("민간전문가 자문")
    MEDIA = "media", _("언론/방송 보도")
    PUBLICATION = "publication", _("보고서 발간")


class ParticipationEvent(models.Model):
    """Citizen participation (시민 참여실적): an event or a counted series of them."""

    node = models.ForeignKey(Node, on_delete=models.CASCADE, related_name="participation_events")
    kind = models.CharField(_("유형"), max_length=12, choices=ParticipationKind.choices)
    held_on = models.DateField(_("일자"), null=True, blank=True)  # None: cumulative, undated
    count = models.PositiveIntegerField(_("횟수"), default=1)
    description = models.TextField(_("내용"), blank=True)
    provenance = models.JSONField(_("출처"), default=dict, blank=True)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["node", "kind", "held_on", "id"]
        verbose_name = _("시민 참여실적")
        verbose_name_plural = _("시민 참여실적")
        constraints = [
            models.CheckConstraint(condition=Q(count__lte=1_000_000),
                                   name="participation_count_in_range"),
        ]

    def __str__(self) -> str:
        return f"{self.node.code} {self.get_kind_display()} {self.count}회"

    def audit_scope(self) -> tuple[int | None, int | None]:
        return self.node.plan_id, self.node_id


# --- pledge card data ---------------------------------------------------------------------------


class PledgeProfile(models.Model):
    """What a pledge card says of a node beyond the plan tree: number, goal, overview, term."""

    node = models.OneToOneField(Node, on_delete=models.CASCADE, related_name="pledge_profile")
    number = models.CharField(_("공약 번호"), max_length=20, blank=True)
    final_goal = models.TextField(_("최종 목표"), blank=True)
    overview = models.TextField(_("정책 개요"), blank=True)
    overview_items = models.JSONField(_("추진계획 항목"), default=list, blank=True)
    kind = models.CharField(_("사업 구분"), max_length=20, blank=True)
    term = models.CharField(_("완료 시기"), max_length=20, blank=True)
    provenance = models.JSONField(_("출처"), default=dict, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("공약 카드 정보")
        verbose_name_plural = _("공약 카드 정보")

    def __str__(self) -> str:
        return f"{self.number or self.node.code} {self.node.title}"

    def audit_scope(self) -> tuple[int | None, int | None]:
        return self.node.plan_id, self.node_id


class ContactRole(models.TextChoices):
    LEAD = "lead", _("총괄부서")
    COOPERATING = "cooperating", _("협조부서")


class NodeContact(models.Model):
    """A person to call about a node (담당자 연락처), as the pledge card prints them."""

    node = models.ForeignKey(Node, on_delete=models.CASCADE, related_name="contacts")
    role = models.CharField(_("구분"), max_length=12, choices=ContactRole.choices)
    department = models.ForeignKey(Department, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+")
    department_name = models.CharField(_("부서"), max_length=100)
    position = models.CharField(_("직위"), max_length=100, blank=True)
    name = models.CharField(_("성명"), max_length=50)
    phone = models.CharField(_("전화"), max_length=30, blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["node", "order", "id"]
        verbose_name = _("담당자")
        verbose_name_plural = _("담당자")

    def __str__(self) -> str:
        return f"{self.department_name} {self.position} {self.name}".replace("  ", " ")

    def audit_scope(self) -> tuple[int | None, int | None]:
        return self.node.plan_id, self.node_id


# --- reminders ----------------------------------------------------------------------------------


class NotificationKind(models.TextChoices):
    DUE_SOON = "due_soon", _("제출 기한 임박")
    OVERDUE = "overdue", _("제출 기한 경과")
    RETURNED = "returned", _("반려")
    SUBMITTED = "submitted", _("결재 요청")
    APPROVED = "approved", _("승인")


class Notification(models.Model):
    """An in-app reminder for one user; `key` makes a reminder idempotent (sent once)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="notifications")
    kind = models.CharField(_("구분"), max_length=12, choices=NotificationKind.choices)
    key = models.CharField(max_length=200)
    message = models.TextField(_("내용"))
    url = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    emailed_at = models.DateTimeField(null=True, blank=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("알림")
        verbose_name_plural = _("알림")
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="notification_once")]

    def __str__(self) -> str:
        return self.message
