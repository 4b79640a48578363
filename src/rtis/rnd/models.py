"""Seoul-type R&D (서울형 R&D): programmes, their calls (공고), applicant organisations and
applications. Money is integer won; times are aware (shown in Asia/Seoul)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class ProgrammeKind(models.TextChoices):
    COMMERCIALISATION = "commercialisation", _("기술상용화")
    URBAN_PROBLEM = "urban_problem", _("도시문제해결")
    INNOVATION_CHALLENGE = "innovation_challenge", _("서울혁신챌린지")
    IP = "ip", _("지식재산권")
    OTHER = "other", _("기타")


class Programme(models.Model):
    """A Seoul-type R&D programme (사업), e.g. 기술상용화 R&D, run by an operator such as SBA."""

    name = models.CharField(_("사업명"), max_length=200, unique=True)
    kind = models.CharField(_("사업 유형"), max_length=30, choices=ProgrammeKind.choices)
    # The plan item the programme carries out: its money and indicators roll up there.
    node = models.ForeignKey("plans.Node", null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="rnd_programmes", verbose_name=_("계획 과제"))
    operator = models.CharField(_("수행기관"), max_length=100, blank=True)
    description = models.TextField(_("사업 개요"), blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["name"]
        verbose_name = _("R&D 사업")
        verbose_name_plural = _("R&D 사업")

    def __str__(self) -> str:
        return self.name

    def audit_scope(self) -> tuple[int | None, int | None]:
        node = self.node
        if node is None:
            return None, None
        return node.plan_id, node.pk


class ProgrammeBudget(models.Model):
    """A programme's budget for one year, in won."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="budgets")
    year = models.PositiveSmallIntegerField(_("연도"))
    amount_won = models.BigIntegerField(_("예산(원)"))
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["programme", "year"]
        verbose_name = _("사업 예산")
        verbose_name_plural = _("사업 예산")
        constraints = [
            models.UniqueConstraint(fields=["programme", "year"], name="rnd_budget_year_unique"),
            models.CheckConstraint(condition=Q(amount_won__gte=0), name="rnd_budget_nonnegative"),
        ]

    def __str__(self) -> str:
        return f"{self.programme} {self.year}"


class Eligibility(models.TextChoices):
    """Who may apply to a call; an organisation's kind must be among its call's."""

    SEOUL_SME = "seoul_sme", _("서울 소재 중소기업")
    STARTUP = "startup", _("창업기업")
    PRE_FOUNDER = "pre_founder", _("예비창업자")
    UNIVERSITY = "university", _("대학")
    CONSORTIUM = "consortium", _("컨소시엄")


class OrganisationKind(models.TextChoices):
    SEOUL_SME = "seoul_sme", _("서울 소재 중소기업")
    STARTUP = "startup", _("창업기업")
    PRE_FOUNDER = "pre_founder", _("예비창업자")
    UNIVERSITY = "university", _("대학")
    CONSORTIUM = "consortium", _("컨소시엄")
    OTHER = "other", _("기타")


class CallState(models.TextChoices):
    DRAFT = "draft", _("작성중")
    PUBLISHED = "published", _("공고중")
    CLOSED = "closed", _("마감")


class Call(models.Model):
    """A call for applications (공고) of a programme, with its application window."""

    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="calls",
                                  verbose_name=_("사업"))
    year = models.PositiveSmallIntegerField(_("연도"))
    title = models.CharField(_("공고명"), max_length=200)
    budget_won = models.BigIntegerField(_("지원 예산(원)"))
    opens_at = models.DateTimeField(_("접수 시작"))
    closes_at = models.DateTimeField(_("접수 마감"))
    rfp = models.TextField(_("제안요청 내용"), blank=True)
    # A list of Eligibility values.
    eligibility = models.JSONField(_("신청 자격"), default=list)
    state = models.CharField(_("상태"), max_length=10, choices=CallState.choices,
                             default=CallState.DRAFT)
    published_at = models.DateTimeField(_("공고일시"), null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-year", "-opens_at", "title"]
        verbose_name = _("공고")
        verbose_name_plural = _("공고")
        constraints = [
            models.CheckConstraint(condition=Q(closes_at__gt=models.F("opens_at")),
                                   name="rnd_call_window_order"),
            models.CheckConstraint(condition=Q(budget_won__gte=0), name="rnd_call_budget_nonnegative"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_public(self) -> bool:
        return self.state in {CallState.PUBLISHED, CallState.CLOSED}

    def eligibility_labels(self) -> list[str]:
        labels = dict(Eligibility.choices)
        return [str(labels.get(value, value)) for value in self.eligibility]

    def audit_scope(self) -> tuple[int | None, int | None]:
        return self.programme.audit_scope()


class CallStage(models.Model):
    """One stage of a call's selection (단일 평가, or 예선 → 결선 …)."""

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="stages")
    order = models.PositiveSmallIntegerField(_("순서"))
    name = models.CharField(_("단계명"), max_length=100)

    class Meta:
        ordering = ["call", "order"]
        verbose_name = _("평가 단계")
        verbose_name_plural = _("평가 단계")
        constraints = [models.UniqueConstraint(fields=["call", "order"], name="rnd_stage_order_unique")]

    def __str__(self) -> str:
        return f"{self.call} · {self.name}"


class EvaluationCriterion(models.Model):
    """One criterion of a stage's evaluation template: weights of a stage add up to 100."""

    stage = models.ForeignKey(CallStage, on_delete=models.CASCADE, related_name="criteria")
    order = models.PositiveSmallIntegerField(_("순서"))
    name = models.CharField(_("평가항목"), max_length=200)
    weight = models.PositiveSmallIntegerField(_("가중치(%)"))
    max_score = models.PositiveSmallIntegerField(_("배점"))

    class Meta:
        ordering = ["stage", "order"]
        verbose_name = _("평가항목")
        verbose_name_plural = _("평가항목")
        constraints = [
            models.UniqueConstraint(fields=["stage", "order"], name="rnd_criterion_order_unique"),
        ]

    def __str__(self) -> str:
        return self.name


class Organisation(models.Model):
    """An applicant organisation; its 사업자등록번호 is checked by lib/bizno (pre-founders have none)."""

    name = models.CharField(_("기관명"), max_length=200)
    kind = models.CharField(_("기관 유형"), max_length=20, choices=OrganisationKind.choices)
    # Ten bare digits, or empty for a pre-founder (예비창업자).
    business_number = models.CharField(_("사업자등록번호"), max_length=10, blank=True)
    corporate_number = models.CharField(_("법인등록번호"), max_length=13, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["name"]
        verbose_name = _("신청기관")
        verbose_name_plural = _("신청기관")
        constraints = [
            models.UniqueConstraint(fields=["business_number"], condition=~Q(business_number=""),
                                    name="rnd_organisation_business_number_unique"),
        ]

    def __str__(self) -> str:
        return self.name


class ApplicationStatus(models.TextChoices):
    DRAFT = "draft", _("작성중")
    SUBMITTED = "submitted", _("제출")
    WITHDRAWN = "withdrawn", _("철회")
    # Set by the evaluation's selection (rtis.review), never by the applicant.
    SELECTED = "selected", _("선정")
    NOT_SELECTED = "not_selected", _("미선정")


class Application(models.Model):
    """An organisation's application to a call: one live application per organisation and call."""

    call = models.ForeignKey(Call, on_delete=models.PROTECT, related_name="applications")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT,
                                     related_name="applications", verbose_name=_("신청기관"))
    title = models.CharField(_("과제명"), max_length=200)
    summary = models.TextField(_("과제 요약"), blank=True)
    principal_investigator = models.CharField(_("연구책임자"), max_length=100)
    # {"2025": won, "2026": won}: the city funds (시비) asked for, by year of the call's period.
    requested_funds = models.JSONField(_("연차별 신청 시비(원)"), default=dict)
    private_matching_won = models.BigIntegerField(_("민간부담금(원)"), default=0)
    status = models.CharField(_("상태"), max_length=20, choices=ApplicationStatus.choices,
                              default=ApplicationStatus.DRAFT)
    submitted_at = models.DateTimeField(_("제출일시"), null=True, blank=True)
    # The city funds awarded at selection (total over the years, won); agreements stay within it.
    awarded_won = models.BigIntegerField(_("선정 지원금(원)"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    # The stage applied to (the call's first); one live application per organisation and stage.
    stage = models.ForeignKey(CallStage, null=True, blank=True, on_delete=models.PROTECT,
                              related_name="applications", verbose_name=_("평가 단계"))
    # The organisation's people: the PI (its name is kept above as printed) and participants.
    pi = models.ForeignKey("Person", null=True, blank=True, on_delete=models.PROTECT,
                           related_name="led_applications", verbose_name=_("연구책임자"))
    participants: models.ManyToManyField[Person, Any] = models.ManyToManyField(
        "Person", blank=True, related_name="applications", verbose_name=_("참여 인력"))
    period_start = models.DateField(_("수행 시작일"), null=True, blank=True)
    period_end = models.DateField(_("수행 종료일"), null=True, blank=True)
    # NTIS classification codes (rtis.refdata code lists): 과학기술표준분류, 6T, 연구개발단계,
    # 연구수행주체. Stored as codes so they export to NTIS as they are.
    science_class = models.CharField(_("과학기술표준분류"), max_length=20, blank=True)
    six_t = models.CharField(_("6T 분류"), max_length=20, blank=True)
    development_phase = models.CharField(_("연구개발단계"), max_length=20, blank=True)
    performer_type = models.CharField(_("연구수행주체"), max_length=20, blank=True)
    # [{"name": "특허 출원", "unit": "건", "target": 2}]: the proposed indicators and targets.
    indicators = models.JSONField(_("성과지표·목표"), default=list, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["call", "organisation__name", "pk"]
        verbose_name = _("신청 과제")
        verbose_name_plural = _("신청 과제")
        constraints = [
            models.UniqueConstraint(fields=["call", "organisation", "stage"],
                                    condition=~Q(status="withdrawn"),
                                    name="rnd_application_one_per_call_stage"),
            models.CheckConstraint(condition=Q(private_matching_won__gte=0),
                                   name="rnd_application_matching_nonnegative"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def requested_total_won(self) -> int:
        return sum(int(v) for v in self.requested_funds.values())


class Applicant(models.Model):
    """An applicant account's tie to its organisation; confirmed once its e-mail link is opened."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                related_name="rnd_applicant")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT,
                                     related_name="applicants", verbose_name=_("신청기관"))
    confirmed_at = models.DateTimeField(_("이메일 확인 일시"), null=True, blank=True)

    class Meta:
        verbose_name = _("신청자 계정")
        verbose_name_plural = _("신청자 계정")

    def __str__(self) -> str:
        return f"{self.user} · {self.organisation}"


class Person(models.Model):
    """A person of an applicant organisation, entered once and named in its applications."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="people",
                                     verbose_name=_("신청기관"))
    name = models.CharField(_("성명"), max_length=100)
    position = models.CharField(_("직위·역할"), max_length=100, blank=True)
    # The department (학과·부서): conflict screening compares it with the evaluators'.
    department = models.CharField(_("부서·학과"), max_length=100, blank=True)
    email = models.EmailField(_("이메일"), blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["organisation", "name", "pk"]
        verbose_name = _("참여 인력")
        verbose_name_plural = _("참여 인력")

    def __str__(self) -> str:
        return self.name


class AttachmentStorage(FileSystemStorage):
    """Files under VAR_DIR/media (read at each use, so a test's or a site's VAR_DIR applies)."""

    @property
    def base_location(self) -> str:
        return str(Path(settings.VAR_DIR) / "media")

    @property
    def location(self) -> str:
        return os.path.abspath(self.base_location)


ATTACHMENTS = AttachmentStorage()
ATTACHMENT_FOLDER = "rnd/applications"  # under ATTACHMENTS: the application files, nothing else


def attachment_name(application_id: int, extension: str) -> str:
    """Return a safe stored name: the application's folder and a random name, never the upload's."""
    import uuid

    return f"{ATTACHMENT_FOLDER}/{application_id}/{uuid.uuid4().hex}{extension}"


class Attachment(models.Model):
    """A file attached to an application; its type checked by content, stored under a safe name."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE,
                                    related_name="attachments")
    # The path under VAR_DIR/media (ATTACHMENTS), made by attachment_name.
    stored_name = models.CharField(max_length=200, unique=True)
    original_name = models.CharField(_("파일명"), max_length=200)
    extension = models.CharField(max_length=10)
    size = models.PositiveIntegerField(_("크기(바이트)"))
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    uploaded_at = models.DateTimeField(_("올린 일시"))

    # The whole-database backup carries the file each row names (rtis.ingest.backup); the
    # folder holds these files only, so a --replace restore removes those no row names.
    backup_files = ("stored_name", ATTACHMENTS, ATTACHMENT_FOLDER)

    class Meta:
        ordering = ["application", "uploaded_at", "pk"]
        verbose_name = _("첨부파일")
        verbose_name_plural = _("첨부파일")

    def __str__(self) -> str:
        return self.original_name

    def audit_scope(self) -> tuple[int | None, int | None]:
        return None, None


class JoinState(models.TextChoices):
    UNCONFIRMED = "unconfirmed", _("이메일 확인 전")
    PENDING = "pending", _("승인 대기")
    APPROVED = "approved", _("승인")
    REFUSED = "refused", _("거절")


class JoinRequest(models.Model):
    """A request to join an already registered organisation as another applicant account.

    The account stays inactive and acts for nobody until the organisation's applicant or an R&D
    manager approves; an Applicant row exists only from the approval on (never auto-join).
    """

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT,
                                     related_name="join_requests", verbose_name=_("신청기관"))
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                related_name="rnd_join_request")
    name = models.CharField(_("성명"), max_length=100)
    position = models.CharField(_("직위·역할"), max_length=100, blank=True)
    department = models.CharField(_("부서·학과"), max_length=100, blank=True)
    email = models.EmailField(_("이메일"))
    state = models.CharField(_("상태"), max_length=20, choices=JoinState.choices,
                             default=JoinState.UNCONFIRMED)
    requested_at = models.DateTimeField(_("요청 일시"))
    confirmed_at = models.DateTimeField(_("이메일 확인 일시"), null=True, blank=True)
    decided_at = models.DateTimeField(_("처리 일시"), null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    reason = models.CharField(_("거절 사유"), max_length=300, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-requested_at", "-pk"]
        verbose_name = _("기관 가입 요청")
        verbose_name_plural = _("기관 가입 요청")

    def __str__(self) -> str:
        return f"{self.name} → {self.organisation}"

    def audit_scope(self) -> tuple[int | None, int | None]:
        return None, None
