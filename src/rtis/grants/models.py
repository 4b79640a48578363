"""After selection (선정): agreements (협약) with their amounts and changes, annual reports and
evaluations, the final evaluation, outputs (성과), the five-year follow-up survey (추적조사), and
the programme-level figures printed in the seeds. Money is integer won; times are aware."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class AgreementState(models.TextChoices):
    ACTIVE = "active", _("수행중")
    STOPPED = "stopped", _("중단")
    FINISHED = "finished", _("종료")


class Agreement(models.Model):
    """The agreement (협약) made for one selected application, within its awarded city funds."""

    application = models.OneToOneField("rnd.Application", on_delete=models.PROTECT,
                                       related_name="agreement", verbose_name=_("선정 과제"))
    number = models.CharField(_("협약번호"), max_length=30, unique=True)
    starts_on = models.DateField(_("협약 시작일"))
    ends_on = models.DateField(_("협약 종료일"))
    conditions = models.TextField(_("협약 조건"), blank=True)
    state = models.CharField(_("상태"), max_length=10, choices=AgreementState.choices,
                             default=AgreementState.ACTIVE)
    made_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="+")
    made_at = models.DateTimeField(_("협약일시"))
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-starts_on", "number"]
        verbose_name = _("협약")
        verbose_name_plural = _("협약")
        constraints = [models.CheckConstraint(condition=Q(ends_on__gt=models.F("starts_on")),
                                              name="grants_agreement_period_order")]

    def __str__(self) -> str:
        return f"{self.number} {self.application.title}"

    def audit_scope(self) -> tuple[int | None, int | None]:
        return self.application.call.programme.audit_scope()

    @property
    def years(self) -> list[int]:
        return list(range(self.starts_on.year, self.ends_on.year + 1))


class FundSource(models.TextChoices):
    CITY = "city", _("시비")
    PRIVATE_CASH = "private_cash", _("민간부담금(현금)")
    PRIVATE_IN_KIND = "private_in_kind", _("민간부담금(현물)")
    OTHER = "other", _("기타")


class AgreementAmount(models.Model):
    """Agreed money for one year and source; the city's (시비) total stays within the award."""

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="amounts")
    year = models.PositiveSmallIntegerField(_("연도"))
    source = models.CharField(_("재원"), max_length=20, choices=FundSource.choices)
    amount_won = models.BigIntegerField(_("금액(원)"))

    class Meta:
        ordering = ["agreement", "year", "source"]
        verbose_name = _("협약 금액")
        verbose_name_plural = _("협약 금액")
        constraints = [
            models.UniqueConstraint(fields=["agreement", "year", "source"],
                                    name="grants_amount_unique"),
            models.CheckConstraint(condition=Q(amount_won__gte=0), name="grants_amount_nonneg"),
        ]

    def __str__(self) -> str:
        return f"{self.agreement.number} {self.year} {self.source}"

    def audit_scope(self) -> tuple[int | None, int | None]:
        return self.agreement.audit_scope()


class TargetKind(models.TextChoices):
    DELIVERABLE = "deliverable", _("산출물")
    INDICATOR = "indicator", _("성과지표")


class AgreementTarget(models.Model):
    """A deliverable (산출물, with its due date) or an indicator target (성과지표 목표)."""

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="targets")
    kind = models.CharField(_("구분"), max_length=12, choices=TargetKind.choices)
    name = models.CharField(_("이름"), max_length=200)
    unit = models.CharField(_("단위"), max_length=20, blank=True)
    target = models.DecimalField(_("목표값"), max_digits=18, decimal_places=2, null=True,
                                 blank=True)
    due_on = models.DateField(_("기한"), null=True, blank=True)

    class Meta:
        ordering = ["agreement", "kind", "pk"]
        verbose_name = _("협약 목표")
        verbose_name_plural = _("협약 목표")

    def __str__(self) -> str:
        return self.name


class ChangeKind(models.TextChoices):
    APPROVAL = "approval", _("승인")
    NOTIFICATION = "notification", _("통보")


class ChangeState(models.TextChoices):
    PENDING = "pending", _("승인 대기")
    APPROVED = "approved", _("승인")
    REJECTED = "rejected", _("반려")
    NOTIFIED = "notified", _("통보(즉시 반영)")


class AgreementChange(models.Model):
    """A change (협약 변경): 승인 waits for a manager's decision, 통보 takes effect at once.

    `proposed` holds what changes: {"ends_on": "2023-12-31", "conditions": "…",
    "amounts": {"2023": {"city": won, …}}}; `previous` the values it replaced."""

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="changes")
    kind = models.CharField(_("변경 구분"), max_length=12, choices=ChangeKind.choices)
    state = models.CharField(_("처리 상태"), max_length=10, choices=ChangeState.choices)
    reason = models.TextField(_("변경 사유"))
    proposed = models.JSONField(_("변경 내용"), default=dict)
    previous = models.JSONField(_("변경 전"), default=dict, blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="+")
    requested_at = models.DateTimeField(_("요청일시"))
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    decided_at = models.DateTimeField(_("처리일시"), null=True, blank=True)
    decision_comment = models.TextField(_("처리 의견"), blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["agreement", "-requested_at", "-pk"]
        verbose_name = _("협약 변경")
        verbose_name_plural = _("협약 변경")

    def __str__(self) -> str:
        return f"{self.agreement.number} 변경 {self.pk}"

    def audit_scope(self) -> tuple[int | None, int | None]:
        return self.agreement.audit_scope()


class ReportState(models.TextChoices):
    DRAFT = "draft", _("작성중")
    SUBMITTED = "submitted", _("제출")


class AnnualReport(models.Model):
    """The performer's annual report (연차보고서) for one year of the agreement."""

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="reports")
    year = models.PositiveSmallIntegerField(_("연도"))
    progress = models.TextField(_("추진 실적"))
    spent_city_won = models.BigIntegerField(_("시비 집행액(원)"), default=0)
    spent_private_won = models.BigIntegerField(_("민간부담금 집행액(원)"), default=0)
    issues = models.TextField(_("애로사항"), blank=True)
    state = models.CharField(_("상태"), max_length=10, choices=ReportState.choices,
                             default=ReportState.DRAFT)
    submitted_at = models.DateTimeField(_("제출일시"), null=True, blank=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="+")
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["agreement", "year"]
        verbose_name = _("연차보고서")
        verbose_name_plural = _("연차보고서")
        constraints = [
            models.UniqueConstraint(fields=["agreement", "year"], name="grants_report_year"),
            models.CheckConstraint(condition=Q(spent_city_won__gte=0) & Q(spent_private_won__gte=0),
                                   name="grants_report_spent_nonneg"),
        ]

    def __str__(self) -> str:
        return f"{self.agreement.number} {self.year} 연차보고서"

    def audit_scope(self) -> tuple[int | None, int | None]:
        return self.agreement.audit_scope()


class Decision(models.TextChoices):
    CONTINUE = "continue", _("계속")
    ADJUST = "adjust", _("조정")
    STOP = "stop", _("중단")


class AnnualEvaluation(models.Model):
    """A manager's annual evaluation (연차평가) of a submitted report; it sets next year's
    city funds: 계속 keeps them, 조정 sets them to `next_year_city_won`, 중단 ends the project."""

    report = models.OneToOneField(AnnualReport, on_delete=models.PROTECT,
                                  related_name="evaluation")
    decision = models.CharField(_("평가 결과"), max_length=10, choices=Decision.choices)
    score = models.PositiveSmallIntegerField(_("평가 점수"), null=True, blank=True)
    comment = models.TextField(_("평가 의견"))
    next_year_city_won = models.BigIntegerField(_("차년도 시비(원)"), null=True, blank=True)
    evaluated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="+")
    evaluated_at = models.DateTimeField(_("평가일시"))

    class Meta:
        ordering = ["report"]
        verbose_name = _("연차평가")
        verbose_name_plural = _("연차평가")

    def __str__(self) -> str:
        return f"{self.report} → {self.decision}"

    def audit_scope(self) -> tuple[int | None, int | None]:
        return self.report.agreement.audit_scope()


class Grade(models.TextChoices):
    """The final grade: S·A·B count as 성공, C·D as 실패 (the failure needs its causes)."""

    S = "S", _("S (탁월)")
    A = "A", _("A (우수)")
    B = "B", _("B (보통)")
    C = "C", _("C (미흡)")
    D = "D", _("D (불량)")


SUCCESS_GRADES = frozenset({Grade.S, Grade.A, Grade.B})


class FailureCause(models.TextChoices):
    TECHNOLOGY = "technology", _("기술 개발 미달")
    MARKET = "market", _("시장 수요 부족")
    FUNDING = "funding", _("후속 자금 부족")
    TEAM = "team", _("인력·조직 문제")
    REGULATION = "regulation", _("인허가·규제")
    PARTNER = "partner", _("협력기관 문제")
    MANAGEMENT = "management", _("과제 관리 부실")
    OTHER = "other", _("기타")


class FinalEvaluation(models.Model):
    """The final evaluation (최종평가) of an agreement with its grade and, for a failure (C, D),
    the failure-cause analysis: categories (FailureCause) and text."""

    agreement = models.OneToOneField(Agreement, on_delete=models.PROTECT,
                                     related_name="final_evaluation")
    grade = models.CharField(_("평가 등급"), max_length=1, choices=Grade.choices)
    comment = models.TextField(_("종합 의견"))
    failure_causes = models.JSONField(_("실패 원인 유형"), default=list, blank=True)
    failure_analysis = models.TextField(_("실패 원인 분석"), blank=True)
    evaluated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="+")
    evaluated_on = models.DateField(_("평가일"))

    class Meta:
        ordering = ["-evaluated_on"]
        verbose_name = _("최종평가")
        verbose_name_plural = _("최종평가")

    def __str__(self) -> str:
        return f"{self.agreement.number} {self.grade}"

    @property
    def succeeded(self) -> bool:
        return self.grade in SUCCESS_GRADES

    def failure_cause_labels(self) -> list[str]:
        labels = dict(FailureCause.choices)
        return [str(labels.get(c, c)) for c in self.failure_causes]

    def audit_scope(self) -> tuple[int | None, int | None]:
        return self.agreement.audit_scope()


class OutputKind(models.TextChoices):
    PAPER = "paper", _("논문")
    PATENT_APPLICATION = "patent_application", _("특허 출원")
    PATENT_REGISTRATION = "patent_registration", _("특허 등록")
    PROTOTYPE = "prototype", _("시제품")
    SOFTWARE = "software", _("소프트웨어")
    TECH_TRANSFER = "tech_transfer", _("기술이전")
    ROYALTY = "royalty", _("기술료")
    COMMERCIALISATION = "commercialisation", _("사업화")
    SALES = "sales", _("매출")
    JOBS = "jobs", _("고용 창출")
    INVESTMENT = "investment", _("투자 유치")


class Output(models.Model):
    """An output (성과) of an agreement, dated, with its evidence; `amount_won` for money
    outputs (royalty, sales, investment, tech transfer), `quantity` for jobs (persons)."""

    agreement = models.ForeignKey(Agreement, on_delete=models.PROTECT, related_name="outputs")
    kind = models.CharField(_("성과 구분"), max_length=24, choices=OutputKind.choices)
    title = models.CharField(_("성과명"), max_length=300)
    occurred_on = models.DateField(_("발생일"))
    reference = models.CharField(_("번호(출원·등록번호, DOI 등)"), max_length=100, blank=True)
    amount_won = models.BigIntegerField(_("금액(원)"), null=True, blank=True)
    quantity = models.PositiveIntegerField(_("수량(명·건)"), null=True, blank=True)
    evidence = models.TextField(_("증빙"))
    survey = models.ForeignKey("FollowUpSurvey", null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="outputs", verbose_name=_("추적조사"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField(_("등록일시"))
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["agreement", "-occurred_on", "pk"]
        verbose_name = _("성과")
        verbose_name_plural = _("성과")
        constraints = [models.CheckConstraint(condition=Q(amount_won__isnull=True)
                                              | Q(amount_won__gte=0),
                                              name="grants_output_amount_nonneg")]

    def __str__(self) -> str:
        return self.title

    def audit_scope(self) -> tuple[int | None, int | None]:
        return self.agreement.audit_scope()


class SurveyState(models.TextChoices):
    DUE = "due", _("미제출")
    SUBMITTED = "submitted", _("제출")


class FollowUpSurvey(models.Model):
    """One year of the five-year follow-up survey (추적조사) after a project ends."""

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="surveys")
    round = models.PositiveSmallIntegerField(_("차수"))  # 1…5 years after the end
    year = models.PositiveSmallIntegerField(_("조사 연도"))
    due_on = models.DateField(_("제출 기한"))
    state = models.CharField(_("상태"), max_length=10, choices=SurveyState.choices,
                             default=SurveyState.DUE)
    commercialised = models.BooleanField(_("사업화 여부"), default=False)
    sales_won = models.BigIntegerField(_("해당 연도 매출(원)"), default=0)
    jobs = models.PositiveIntegerField(_("고용 인원(명)"), default=0)
    investment_won = models.BigIntegerField(_("투자 유치(원)"), default=0)
    note = models.TextField(_("비고"), blank=True)
    submitted_at = models.DateTimeField(_("제출일시"), null=True, blank=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="+")
    reminders_sent = models.PositiveSmallIntegerField(_("독촉 횟수"), default=0)
    last_reminded_on = models.DateField(_("최근 독촉일"), null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["due_on", "agreement"]
        verbose_name = _("추적조사")
        verbose_name_plural = _("추적조사")
        constraints = [
            models.UniqueConstraint(fields=["agreement", "round"], name="grants_survey_round"),
            models.CheckConstraint(condition=Q(sales_won__gte=0) & Q(investment_won__gte=0),
                                   name="grants_survey_money_nonneg"),
        ]

    def __str__(self) -> str:
        return f"{self.agreement.number} 추적조사 {self.round}차({self.year})"

    def audit_scope(self) -> tuple[int | None, int | None]:
        return self.agreement.audit_scope()


class Measure(models.TextChoices):
    PROJECTS = "projects", _("지원 과제 수")
    FUNDS = "funds_won", _("지원 금액(원)")
    PROTOTYPES = "prototypes", _("시제품 제작(건)")


class PrintedFigure(models.Model):
    """A programme-level figure as a seed document printed it (no project records behind it),
    shown beside the computed ones and never mixed into them."""

    # The present programme (rnd.Programme.name) the figure belongs to; blank for a figure of
    # the whole 서울형 R&D (e.g. 2014: 64 과제 149억) or of a programme that no longer exists.
    programme_name = models.CharField(_("현재 사업명"), max_length=200, blank=True)
    label = models.CharField(_("사업명(원문)"), max_length=200)
    year = models.PositiveSmallIntegerField(_("연도"))
    measure = models.CharField(_("항목"), max_length=20, choices=Measure.choices)
    value = models.BigIntegerField(_("값"))
    source = models.CharField(_("출처 파일"), max_length=100)
    page = models.CharField(_("쪽"), max_length=20, blank=True)
    line = models.PositiveIntegerField(_("줄"))
    quote = models.CharField(_("원문"), max_length=300)

    class Meta:
        ordering = ["year", "label", "measure"]
        verbose_name = _("인쇄된 사업 실적")
        verbose_name_plural = _("인쇄된 사업 실적")
        constraints = [models.UniqueConstraint(fields=["label", "year", "measure"],
                                               name="grants_printed_unique")]

    def __str__(self) -> str:
        return f"{self.year} {self.label} {self.measure}={self.value}"
