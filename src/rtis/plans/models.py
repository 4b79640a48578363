"""Plans, their node tree, planned money, indicators, and what the documents printed."""

from __future__ import annotations

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from rtis.orgs.models import Department

MIN_YEAR, MAX_YEAR = 1990, 2100
# Larger than any budget Seoul will print (Korea's whole state budget is ~7 × 10^14 won).
MAX_AMOUNT_WON = 10**16


class FundingSource(models.Model):
    """A source of money (시비, 국비 ...); codes are fixed, labels editable."""

    code = models.CharField(_("코드"), max_length=20, primary_key=True)
    label = models.CharField(_("이름"), max_length=50)
    label_en = models.CharField(_("영문 이름"), max_length=50)
    position = models.PositiveSmallIntegerField(_("순서"), default=0)

    class Meta:
        ordering = ["position", "code"]
        verbose_name = _("재원")
        verbose_name_plural = _("재원")

    def __str__(self) -> str:
        return self.display_label

    @property
    def display_label(self) -> str:
        """Return the label in the reader's language: Korean, or English from the catalogue
        (the stored English label for a source the catalogue does not know)."""
        from django.utils.translation import get_language, gettext

        if not (get_language() or "ko").startswith("en"):
            return self.label
        translated = gettext(self.label)
        return translated if translated != self.label else (self.label_en or self.label)


class Plan(models.Model):
    """An approved plan document (계획) and its metadata."""

    slug = models.SlugField(_("식별자"), max_length=80, unique=True)
    title = models.CharField(_("계획명"), max_length=300)
    document_number = models.CharField(_("문서번호"), max_length=100, blank=True)
    approved_on = models.DateField(_("결재일자"), null=True, blank=True)
    period_start = models.PositiveSmallIntegerField(
        _("시작연도"), validators=[MinValueValidator(MIN_YEAR), MaxValueValidator(MAX_YEAR)]
    )
    period_end = models.PositiveSmallIntegerField(
        _("종료연도"), validators=[MinValueValidator(MIN_YEAR), MaxValueValidator(MAX_YEAR)]
    )
    department = models.ForeignKey(
        Department, verbose_name=_("소관부서"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="plans",
    )
    source_document = models.CharField(_("원문 파일"), max_length=200, blank=True)
    summary = models.TextField(_("개요"), blank=True)
    published = models.BooleanField(_("공개"), default=False)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-approved_on", "slug"]
        verbose_name = _("계획")
        verbose_name_plural = _("계획")
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__gte=F("period_start")), name="plan_period_in_order"
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def years(self) -> list[int]:
        return list(range(self.period_start, self.period_end + 1))

    def audit_scope(self) -> tuple[int | None, int | None]:
        return self.pk, None


class NodeKind(models.TextChoices):
    NEW = "신규", _("신규")
    EXPANDED = "확대", _("확대")
    CONTINUED = "계속", _("계속")


class Node(models.Model):
    """One item of a plan's tree: an area, a task, a unit project; per-plan level names."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="nodes")
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="children"
    )
    code = models.CharField(_("번호"), max_length=40)
    title = models.CharField(_("명칭"), max_length=300)
    depth = models.PositiveSmallIntegerField(_("단계"))
    level_name = models.CharField(_("단계명"), max_length=40)
    kind = models.CharField(_("구분"), max_length=10, choices=NodeKind.choices, blank=True)
    # Document order within the plan (pre-order); the tree is printed in this order.
    position = models.PositiveIntegerField(_("순서"))
    description = models.TextField(_("설명"), blank=True)
    provenance = models.JSONField(_("출처"), default=dict, blank=True)
    departments = models.ManyToManyField(
        Department, through="NodeDepartment", related_name="nodes", blank=True
    )
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["plan", "position"]
        verbose_name = _("과제")
        verbose_name_plural = _("과제")
        constraints = [
            models.UniqueConstraint(fields=["plan", "code"], name="node_code_unique_in_plan"),
            models.UniqueConstraint(fields=["plan", "position"], name="node_position_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"

    def audit_scope(self) -> tuple[int | None, int | None]:
        return self.plan_id, self.pk


class DepartmentRole(models.TextChoices):
    OWNER = "owner", _("소관")
    COOPERATING = "cooperating", _("협조")


class NodeDepartment(models.Model):
    """A department's role on a node (소관 or 협조)."""

    node = models.ForeignKey(Node, on_delete=models.CASCADE, related_name="department_roles")
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="+")
    role = models.CharField(max_length=20, choices=DepartmentRole.choices)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["node", "role", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["node", "department", "role"], name="node_department_role_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.node_id}:{self.department_id}:{self.role}"


class BudgetLine(models.Model):
    """Planned money: node × year × source → integer won, as a document printed it."""

    node = models.ForeignKey(Node, on_delete=models.CASCADE, related_name="budget_lines")
    year = models.PositiveSmallIntegerField(
        _("연도"), validators=[MinValueValidator(MIN_YEAR), MaxValueValidator(MAX_YEAR)]
    )
    source = models.ForeignKey(FundingSource, verbose_name=_("재원"), on_delete=models.PROTECT)
    amount_won = models.BigIntegerField(
        _("금액(원)"), validators=[MinValueValidator(0), MaxValueValidator(MAX_AMOUNT_WON)]
    )
    note = models.CharField(_("비고"), max_length=200, blank=True)
    provenance = models.JSONField(_("출처"), default=dict, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["node__position", "year", "source__position"]
        verbose_name = _("소요예산")
        verbose_name_plural = _("소요예산")
        constraints = [
            models.UniqueConstraint(
                fields=["node", "year", "source"], name="budget_line_unique"
            ),
            models.CheckConstraint(
                condition=Q(amount_won__gte=0) & Q(amount_won__lte=MAX_AMOUNT_WON),
                name="budget_amount_in_range",
            ),
            models.CheckConstraint(
                condition=Q(year__gte=MIN_YEAR) & Q(year__lte=MAX_YEAR), name="budget_year_in_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.node.code} {self.year} {self.source_id} {self.amount_won:,}원"

    def audit_scope(self) -> tuple[int | None, int | None]:
        return self.node.plan_id, self.node_id


class Direction(models.TextChoices):
    INCREASE = "increase", _("상향(클수록 좋음)")
    DECREASE = "decrease", _("하향(작을수록 좋음)")
    MAINTAIN = "maintain", _("유지")


class Indicator(models.Model):
    """A performance indicator of a node: name, unit, direction, definition."""

    node = models.ForeignKey(Node, on_delete=models.CASCADE, related_name="indicators")
    name = models.CharField(_("지표명"), max_length=200)
    unit = models.CharField(_("단위"), max_length=30)
    direction = models.CharField(
        _("방향"), max_length=10, choices=Direction.choices, default=Direction.INCREASE
    )
    definition = models.TextField(_("정의"), blank=True)
    position = models.PositiveSmallIntegerField(default=0)
    provenance = models.JSONField(_("출처"), default=dict, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["node__position", "position", "id"]
        verbose_name = _("성과지표")
        verbose_name_plural = _("성과지표")
        constraints = [
            models.UniqueConstraint(fields=["node", "name"], name="indicator_name_unique_in_node")
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.unit})"

    def audit_scope(self) -> tuple[int | None, int | None]:
        return self.node.plan_id, self.node_id

    def achievement_rate(self, year: int) -> Decimal | None:
        """Return actual ÷ target in percent for a year (inverted for decreasing indicators)."""
        target = next((t.value for t in self.targets.all() if t.year == year), None)
        actual = next((a.value for a in self.actuals.all() if a.period == str(year)), None)
        if target is None or actual is None or target == 0:
            return None
        if self.direction == Direction.DECREASE:
            return None if actual == 0 else (target / actual * 100).quantize(Decimal("0.1"))
        return (actual / target * 100).quantize(Decimal("0.1"))


class IndicatorTarget(models.Model):
    """A yearly target (목표치) of an indicator."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="targets")
    year = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(MIN_YEAR), MaxValueValidator(MAX_YEAR)]
    )
    value = models.DecimalField(max_digits=24, decimal_places=4)

    class Meta:
        ordering = ["indicator", "year"]
        constraints = [
            models.UniqueConstraint(fields=["indicator", "year"], name="indicator_target_unique")
        ]

    def __str__(self) -> str:
        return f"{self.year}: {self.value}"

    def audit_scope(self) -> tuple[int | None, int | None]:
        return self.indicator.node.plan_id, self.indicator.node_id


PERIOD_PATTERN = r"^(19|20|21)\d\d(-(Q[1-4]|H[12]|(0[1-9]|1[0-2])))?$"


class IndicatorActual(models.Model):
    """An actual (실적) of an indicator for a period: "2021", "2021-Q3", "2021-H1" or "2021-07"."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="actuals")
    period = models.CharField(max_length=7)
    value = models.DecimalField(max_digits=24, decimal_places=4)
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["indicator", "period"]
        constraints = [
            models.UniqueConstraint(fields=["indicator", "period"], name="indicator_actual_unique")
        ]

    def __str__(self) -> str:
        return f"{self.period}: {self.value}"

    def audit_scope(self) -> tuple[int | None, int | None]:
        return self.indicator.node.plan_id, self.indicator.node_id


class StatedFigure(models.Model):
    """A single number a document printed (a headline total, a count) — kept, never used as data."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="stated_figures")
    key = models.SlugField(max_length=120)
    label = models.CharField(max_length=300)
    # Money is normalised to won; other units keep the printed number.
    value = models.DecimalField(max_digits=24, decimal_places=4)
    unit_as_printed = models.CharField(max_length=30, blank=True)
    printed = models.CharField(max_length=300, blank=True)
    provenance = models.JSONField(default=dict, blank=True)
    # What the figure claims about the data (lib/claims.py); checked by `rtis check`.
    claims = models.JSONField(default=list, blank=True)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["plan", "position"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "key"], name="stated_figure_key_unique")
        ]

    def __str__(self) -> str:
        return f"{self.label} {self.printed or self.value}"

    @property
    def is_money(self) -> bool:
        """Tell whether the figure is an amount of money (stored in won, shown in any unit)."""
        from rtis.lib.money import UNITS

        return self.unit_as_printed in UNITS and self.value == self.value.to_integral_value()

    @property
    def display_value(self) -> str:
        """Show the value in the printed unit (money is stored in won)."""
        from rtis.lib.money import won_unit_factor

        value = self.value
        factor = won_unit_factor(self.unit_as_printed)
        if factor is not None and value == value.to_integral_value():
            value = value / factor
        normal = value.normalize()
        return f"{int(normal):,}" if normal == normal.to_integral_value() else f"{normal:,f}"

    def audit_scope(self) -> tuple[int | None, int | None]:
        return self.plan_id, None


class StatedTable(models.Model):
    """A table exactly as a document printed it, in its printed unit, at its as-of date."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="stated_tables")
    key = models.SlugField(max_length=120)
    title = models.CharField(max_length=300)
    unit_as_printed = models.CharField(max_length=30, blank=True)
    as_of = models.DateField(null=True, blank=True)
    columns = models.JSONField(default=list)
    rows = models.JSONField(default=list)
    note = models.TextField(blank=True)
    provenance = models.JSONField(default=dict, blank=True)
    # What the table claims: sums, shares, execution invariants, agreement with the data.
    claims = models.JSONField(default=list, blank=True)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["plan", "position"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "key"], name="stated_table_key_unique")
        ]

    def __str__(self) -> str:
        return self.title

    def audit_scope(self) -> tuple[int | None, int | None]:
        return self.plan_id, None


class Reference(models.Model):
    """A research report or digest that concerns parts of plans (e.g. 서울연구원 studies)."""

    key = models.SlugField(max_length=120, unique=True)
    title = models.CharField(_("제목"), max_length=300)
    publisher = models.CharField(_("발행기관"), max_length=100, blank=True)
    published_on = models.DateField(_("발행일"), null=True, blank=True)
    summary = models.TextField(_("요약"), blank=True)
    source_document = models.CharField(_("원문 파일"), max_length=200, blank=True)
    nodes = models.ManyToManyField(Node, related_name="references", blank=True)

    class Meta:
        ordering = ["key"]
        verbose_name = _("참고 연구")
        verbose_name_plural = _("참고 연구")

    def __str__(self) -> str:
        return self.title
