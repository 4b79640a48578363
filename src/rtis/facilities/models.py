"""Anchor facilities, their tenants and outcomes, funds, and indicators computed from them.

Areas are square metres (two decimals), money is integer won. A facility links to the plan
nodes that build or run it; an indicator computed from these records is a ComputedIndicator
pointing at plans.Indicator (plans stays unaware of this app).
"""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from rtis.orgs.models import Department
from rtis.plans.models import MAX_AMOUNT_WON, MAX_YEAR, MIN_YEAR, Indicator, Node
from rtis.rnd.models import Organisation


class FacilityKind(models.TextChoices):
    ANCHOR = "anchor", _("앵커시설")
    HUB = "hub", _("허브·거점")
    STARTUP_CENTER = "startup_center", _("창업지원시설")
    KNOWLEDGE_CENTER = "knowledge_center", _("지식산업센터")
    RESEARCH = "research", _("연구지원시설")
    OTHER = "other", _("기타")


class Cluster(models.TextChoices):
    YANGJAE = "yangjae", _("양재")
    HONGNEUNG = "hongneung", _("홍릉")
    GAEPO = "gaepo", _("개포")
    MAGOK = "magok", _("마곡")
    GVALLEY = "gvalley", _("G밸리")
    DMC = "dmc", _("DMC")
    CHANGDONG = "changdong", _("창동·상계")
    URBAN_MANUFACTURING = "urban_manufacturing", _("도심제조")
    OTHER = "other", _("기타")


class Phase(models.TextChoices):
    PLANNED = "planned", _("계획")
    UNDER_CONSTRUCTION = "under_construction", _("조성 중")
    OPEN = "open", _("운영 중")
    CLOSED = "closed", _("운영 종료")


class Facility(models.Model):
    """An anchor facility (앵커시설) or hub: where, how big, who runs it, and its phase."""

    name = models.CharField(_("시설명"), max_length=200, unique=True)
    kind = models.CharField(_("유형"), max_length=20, choices=FacilityKind.choices,
                            default=FacilityKind.ANCHOR)
    cluster = models.CharField(_("클러스터"), max_length=20, choices=Cluster.choices, blank=True)
    district = models.CharField(_("자치구"), max_length=20, blank=True)
    address = models.CharField(_("주소"), max_length=300, blank=True)
    site_area_m2 = models.DecimalField(_("대지면적(㎡)"), max_digits=12, decimal_places=2,
                                       null=True, blank=True)
    floor_area_m2 = models.DecimalField(_("연면적(㎡)"), max_digits=12, decimal_places=2,
                                        null=True, blank=True)
    buildings = models.PositiveSmallIntegerField(_("동 수"), null=True, blank=True)
    tenant_spaces = models.PositiveIntegerField(_("입주공간 수"), null=True, blank=True)
    operator = models.CharField(_("운영기관"), max_length=200, blank=True)
    # Officers of this department enter the facility's tenants and outcomes.
    operating_department = models.ForeignKey(
        Department, verbose_name=_("소관부서"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="facilities")
    phase = models.CharField(_("단계"), max_length=20, choices=Phase.choices,
                             default=Phase.PLANNED)
    construction_started_on = models.DateField(_("착공일"), null=True, blank=True)
    opened_on = models.DateField(_("개관일"), null=True, blank=True)
    closed_on = models.DateField(_("운영 종료일"), null=True, blank=True)
    nodes = models.ManyToManyField(Node, verbose_name=_("관련 과제"), blank=True,
                                   related_name="facilities")
    published = models.BooleanField(_("공개"), default=False)
    # The day the page was (last) published; the public page shows it. None while unpublished.
    published_on = models.DateField(_("공개일"), null=True, blank=True)
    provenance = models.JSONField(_("출처"), default=dict, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["name"]
        verbose_name = _("시설")
        verbose_name_plural = _("시설")
        constraints = [
            models.CheckConstraint(condition=Q(site_area_m2__gte=0) | Q(site_area_m2=None),
                                   name="facility_site_area_nonnegative"),
            models.CheckConstraint(condition=Q(floor_area_m2__gte=0) | Q(floor_area_m2=None),
                                   name="facility_floor_area_nonnegative"),
        ]

    def __str__(self) -> str:
        return self.name


class Tenant(models.Model):
    """A tenant company; shares its 사업자등록번호 with the R&D applicants' organisations."""

    name = models.CharField(_("기업명"), max_length=200)
    business_number = models.CharField(_("사업자등록번호"), max_length=10, unique=True)
    organisation = models.ForeignKey(Organisation, verbose_name=_("R&D 신청기관"),
                                     on_delete=models.SET_NULL, null=True, blank=True,
                                     related_name="tenancies")
    closed_on = models.DateField(_("폐업일"), null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["name"]
        verbose_name = _("입주기업")
        verbose_name_plural = _("입주기업")

    def __str__(self) -> str:
        return self.name


class ExitKind(models.TextChoices):
    GRADUATED = "graduated", _("졸업")
    RELOCATED = "relocated", _("이전")
    TERMINATED = "terminated", _("계약 해지")
    CLOSED = "closed", _("폐업")


class Occupancy(models.Model):
    """A tenancy contract: a tenant in a space of a facility from move-in to move-out."""

    facility = models.ForeignKey(Facility, on_delete=models.CASCADE, related_name="occupancies")
    tenant = models.ForeignKey(Tenant, on_delete=models.PROTECT, related_name="occupancies")
    space = models.CharField(_("입주공간"), max_length=50)
    moved_in_on = models.DateField(_("입주일"))
    moved_out_on = models.DateField(_("퇴거일"), null=True, blank=True)
    exit_kind = models.CharField(_("퇴거 사유"), max_length=12, choices=ExitKind.choices,
                                 blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["facility", "space", "moved_in_on"]
        verbose_name = _("입주")
        verbose_name_plural = _("입주")
        indexes = [models.Index(fields=["facility", "moved_in_on", "moved_out_on"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(moved_out_on__isnull=True) | Q(moved_out_on__gte=models.F("moved_in_on")),
                name="occupancy_out_after_in"),
        ]

    def __str__(self) -> str:
        return f"{self.facility} {self.space} {self.tenant}"


class TenantOutcome(models.Model):
    """A tenant's yearly outcome at a facility: sales, employees, investment, patents."""

    occupancy = models.ForeignKey(Occupancy, on_delete=models.CASCADE, related_name="outcomes")
    year = models.PositiveSmallIntegerField(
        _("연도"), validators=[MinValueValidator(MIN_YEAR), MaxValueValidator(MAX_YEAR)])
    sales_won = models.BigIntegerField(_("매출(원)"), default=0)
    employees = models.PositiveIntegerField(_("고용(명)"), default=0)
    investment_won = models.BigIntegerField(_("투자유치(원)"), default=0)
    patents = models.PositiveIntegerField(_("지식재산권(건)"), default=0)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["occupancy", "year"]
        verbose_name = _("입주기업 성과")
        verbose_name_plural = _("입주기업 성과")
        constraints = [
            models.UniqueConstraint(fields=["occupancy", "year"], name="tenant_outcome_unique"),
            models.CheckConstraint(
                condition=Q(sales_won__gte=0) & Q(sales_won__lte=MAX_AMOUNT_WON)
                & Q(investment_won__gte=0) & Q(investment_won__lte=MAX_AMOUNT_WON),
                name="tenant_outcome_amounts_in_range"),
        ]

    def __str__(self) -> str:
        return f"{self.occupancy} {self.year}"


# --- funds ----------------------------------------------------------------------------------


class Fund(models.Model):
    """A fund the city contributes to (출자): size, manager (GP), vintage and periods."""

    name = models.CharField(_("펀드명"), max_length=200, unique=True)
    target_size_won = models.BigIntegerField(
        _("목표 규모(원)"), validators=[MinValueValidator(0), MaxValueValidator(MAX_AMOUNT_WON)])
    # What the plan says the city will put in (市 출자 계획): the planned leverage's divisor.
    city_target_won = models.BigIntegerField(
        _("시 출자 계획(원)"), null=True, blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(MAX_AMOUNT_WON)])
    manager = models.CharField(_("운용사(GP)"), max_length=200, blank=True)
    vintage = models.PositiveSmallIntegerField(
        _("결성연도"), null=True, blank=True,
        validators=[MinValueValidator(MIN_YEAR), MaxValueValidator(MAX_YEAR)])
    investment_years = models.PositiveSmallIntegerField(_("투자기간(년)"), null=True, blank=True)
    recovery_years = models.PositiveSmallIntegerField(_("회수기간(년)"), null=True, blank=True)
    nodes = models.ManyToManyField(Node, verbose_name=_("관련 과제"), blank=True,
                                   related_name="funds")
    published = models.BooleanField(_("공개"), default=False)
    provenance = models.JSONField(_("출처"), default=dict, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["name"]
        verbose_name = _("펀드")
        verbose_name_plural = _("펀드")
        constraints = [
            models.CheckConstraint(condition=Q(target_size_won__gte=0),
                                   name="fund_target_nonnegative"),
        ]

    def __str__(self) -> str:
        return self.name


class ContributorKind(models.TextChoices):
    CITY = "city", _("서울시")
    NATIONAL = "national", _("정부·모태펀드")
    PRIVATE = "private", _("민간")
    OTHER = "other", _("기타")


class FundCommitment(models.Model):
    """A contributor's commitment (출자약정) to a fund; city money is what leverage divides by."""

    fund = models.ForeignKey(Fund, on_delete=models.CASCADE, related_name="commitments")
    contributor = models.CharField(_("출자자"), max_length=200)
    contributor_kind = models.CharField(_("출자자 구분"), max_length=10,
                                        choices=ContributorKind.choices)
    amount_won = models.BigIntegerField(
        _("약정액(원)"), validators=[MinValueValidator(0), MaxValueValidator(MAX_AMOUNT_WON)])
    committed_on = models.DateField(_("약정일"))
    provenance = models.JSONField(_("출처"), default=dict, blank=True)

    class Meta:
        ordering = ["fund", "committed_on", "id"]
        verbose_name = _("출자약정")
        verbose_name_plural = _("출자약정")
        constraints = [
            models.CheckConstraint(condition=Q(amount_won__gte=0),
                                   name="fund_commitment_nonnegative"),
        ]

    def __str__(self) -> str:
        return f"{self.fund} {self.contributor}"


class CapitalCall(models.Model):
    """Capital called from the contributors (출자금 납입 요청) on a date."""

    fund = models.ForeignKey(Fund, on_delete=models.CASCADE, related_name="capital_calls")
    called_on = models.DateField(_("납입요청일"))
    amount_won = models.BigIntegerField(
        _("요청액(원)"), validators=[MinValueValidator(0), MaxValueValidator(MAX_AMOUNT_WON)])

    class Meta:
        ordering = ["fund", "called_on", "id"]
        verbose_name = _("출자금 납입요청")
        verbose_name_plural = _("출자금 납입요청")
        constraints = [
            models.CheckConstraint(condition=Q(amount_won__gte=0), name="capital_call_nonnegative"),
        ]

    def __str__(self) -> str:
        return f"{self.fund} {self.called_on}"


class Stage(models.TextChoices):
    SEED = "seed", _("시드")
    EARLY = "early", _("초기")
    GROWTH = "growth", _("성장")
    LATER = "later", _("후기")


class FundInvestment(models.Model):
    """An investment of a fund in a company (a tenant when the company is one)."""

    fund = models.ForeignKey(Fund, on_delete=models.CASCADE, related_name="investments")
    company = models.CharField(_("피투자기업"), max_length=200)
    tenant = models.ForeignKey(Tenant, on_delete=models.SET_NULL, null=True, blank=True,
                               related_name="fund_investments")
    amount_won = models.BigIntegerField(
        _("투자액(원)"), validators=[MinValueValidator(0), MaxValueValidator(MAX_AMOUNT_WON)])
    invested_on = models.DateField(_("투자일"))
    stage = models.CharField(_("투자단계"), max_length=10, choices=Stage.choices)
    follow_on = models.BooleanField(_("후속투자"), default=False)

    class Meta:
        ordering = ["fund", "invested_on", "id"]
        verbose_name = _("펀드 투자")
        verbose_name_plural = _("펀드 투자")
        constraints = [
            models.CheckConstraint(condition=Q(amount_won__gt=0), name="fund_investment_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.fund} → {self.company}"


class FundExit(models.Model):
    """The recovery of an investment (회수): date, proceeds and how."""

    investment = models.ForeignKey(FundInvestment, on_delete=models.CASCADE, related_name="exits")
    exited_on = models.DateField(_("회수일"))
    proceeds_won = models.BigIntegerField(
        _("회수액(원)"), validators=[MinValueValidator(0), MaxValueValidator(MAX_AMOUNT_WON)])
    kind = models.CharField(_("회수 방식"), max_length=40, blank=True)

    class Meta:
        ordering = ["investment", "exited_on", "id"]
        verbose_name = _("투자 회수")
        verbose_name_plural = _("투자 회수")
        constraints = [
            models.CheckConstraint(condition=Q(proceeds_won__gte=0), name="fund_exit_nonnegative"),
        ]

    def __str__(self) -> str:
        return f"{self.investment} {self.exited_on}"


# --- computed indicators ------------------------------------------------------------------------


class Formula(models.TextChoices):
    TENANTS_AT_YEAR_END = "tenants_at_year_end", _("입주기업수: 연말 기준 입주 중인 기업 수")
    FLOOR_AREA_OPENED = "floor_area_opened", _("조성연면적: 그 해 개관한 시설의 연면적")
    FACILITIES_OPENED = "facilities_opened", _("앵커시설조성: 그 해 개관한 시설 수")
    FUND_COMMITTED = "fund_committed", _("펀드조성: 그 해 약정된 펀드 규모")
    TENANT_EMPLOYEES = "tenant_employees", _("일자리창출: 그 해 입주기업 고용 합계")


class ComputedIndicator(models.Model):
    """A plan indicator whose yearly actuals are computed from these records, not entered."""

    indicator = models.OneToOneField(Indicator, on_delete=models.CASCADE,
                                     related_name="computed_by")
    formula = models.CharField(_("산식"), max_length=30, choices=Formula.choices)
    computed_at = models.DateTimeField(_("마지막 산출"), null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("자동 산출 지표")
        verbose_name_plural = _("자동 산출 지표")

    def __str__(self) -> str:
        return f"{self.indicator} = {self.get_formula_display()}"

    def audit_scope(self) -> tuple[int | None, int | None]:
        return self.indicator.node.plan_id, self.indicator.node_id


class OutcomeSummary(models.Model):
    """A facility's tenant outcomes summed for a year: what dashboards read instead of the rows.

    Derived data, rebuilt by compute.refresh_outcome_summaries whenever outcomes are saved.
    """

    facility = models.ForeignKey(Facility, on_delete=models.CASCADE, related_name="summaries")
    year = models.PositiveSmallIntegerField(_("연도"))
    tenants = models.PositiveIntegerField(_("보고 기업 수"), default=0)
    sales_won = models.BigIntegerField(_("매출(원)"), default=0)
    employees = models.PositiveIntegerField(_("고용(명)"), default=0)
    investment_won = models.BigIntegerField(_("투자유치(원)"), default=0)
    patents = models.PositiveIntegerField(_("지식재산권(건)"), default=0)

    class Meta:
        ordering = ["facility", "year"]
        verbose_name = _("입주기업 성과 합계")
        verbose_name_plural = _("입주기업 성과 합계")
        constraints = [
            models.UniqueConstraint(fields=["facility", "year"], name="outcome_summary_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.facility} {self.year}"
