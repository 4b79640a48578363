"""The evaluation of R&D applications: the evaluator pool, panels per call stage, conflicts of
interest with their reasons, score sheets with their revisions, and the stage's results.

An assignment is one evaluator scoring one application in one panel; its score sheet lives on it
(scores and comments per criterion, keyed by the criterion's id), locked once submitted: every
later change is a ScoreRevision with its reason.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Evaluator(models.Model):
    """A person of the evaluator pool (평가위원 풀), signed in as a user with the evaluator role."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                related_name="evaluator", verbose_name=_("사용자"))
    name = models.CharField(_("성명"), max_length=100)
    organisation = models.CharField(_("소속기관"), max_length=200)
    department = models.CharField(_("학과·부서"), max_length=200, blank=True)
    # Fields of expertise, e.g. ["바이오", "AI"].
    expertise = models.JSONField(_("전문분야"), default=list)
    active = models.BooleanField(_("활동"), default=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("평가위원")
        verbose_name_plural = _("평가위원")

    def __str__(self) -> str:
        return f"{self.name} ({self.organisation})"


class DeclaredConflict(models.Model):
    """A conflict of interest an evaluator declared (자진 신고): with an organisation (every
    application of it), or with one application only (then `organisation` stays empty, so the
    organisation's other applications are not excluded)."""

    evaluator = models.ForeignKey(Evaluator, on_delete=models.CASCADE, related_name="declared")
    organisation = models.CharField(_("기관명"), max_length=200, blank=True)
    application = models.ForeignKey("rnd.Application", null=True, blank=True,
                                    on_delete=models.CASCADE, related_name="+",
                                    verbose_name=_("신청 과제"))
    reason = models.CharField(_("사유"), max_length=300)

    class Meta:
        ordering = ["evaluator", "organisation"]
        verbose_name = _("신고된 이해관계")
        verbose_name_plural = _("신고된 이해관계")

    def __str__(self) -> str:
        return f"{self.evaluator.name} · {self.organisation}"


class CoWork(models.Model):
    """An evaluator's past co-work with an organisation on an RTIS project, by year."""

    evaluator = models.ForeignKey(Evaluator, on_delete=models.CASCADE, related_name="coworks")
    organisation = models.CharField(_("기관명"), max_length=200)
    year = models.PositiveSmallIntegerField(_("연도"))
    note = models.CharField(_("내용"), max_length=300, blank=True)

    class Meta:
        ordering = ["evaluator", "-year"]
        verbose_name = _("공동 수행 이력")
        verbose_name_plural = _("공동 수행 이력")

    def __str__(self) -> str:
        return f"{self.evaluator.name} · {self.organisation} ({self.year})"


class Aggregation(models.TextChoices):
    MEAN = "mean", _("산술평균")
    TRIMMED_MEAN = "trimmed_mean", _("최고·최저 제외 평균(5인 이상)")
    MEDIAN = "median", _("중앙값")


class StageRule(models.Model):
    """How a call stage is evaluated and what its applicants are shown afterwards."""

    stage = models.OneToOneField("rnd.CallStage", on_delete=models.CASCADE,
                                 related_name="review_rule")
    aggregation = models.CharField(_("집계 방식"), max_length=20, choices=Aggregation.choices,
                                   default=Aggregation.TRIMMED_MEAN)
    pass_mark = models.PositiveSmallIntegerField(_("합격 기준점(100점 만점)"), default=70)
    lookback_years = models.PositiveSmallIntegerField(_("공동 수행 확인 기간(년)"), default=3)
    disclose_panel = models.BooleanField(_("평가위원 명단 공개"), default=True)
    disclose_comments = models.BooleanField(_("평가 의견 공개"), default=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("평가 기준")
        verbose_name_plural = _("평가 기준")
        constraints = [models.CheckConstraint(condition=Q(pass_mark__lte=100),
                                              name="review_pass_mark_at_most_100")]

    def __str__(self) -> str:
        return str(self.stage)


class AvoidRequest(models.Model):
    """An evaluator the applicant asked not to be evaluated by (회피 요청)."""

    application = models.ForeignKey("rnd.Application", on_delete=models.CASCADE,
                                    related_name="avoid_requests")
    evaluator = models.ForeignKey(Evaluator, on_delete=models.CASCADE, related_name="+")
    reason = models.CharField(_("사유"), max_length=300)

    class Meta:
        verbose_name = _("평가위원 회피 요청")
        verbose_name_plural = _("평가위원 회피 요청")
        constraints = [models.UniqueConstraint(fields=["application", "evaluator"],
                                               name="review_avoid_once")]

    def __str__(self) -> str:
        return f"{self.application} · {self.evaluator.name}"


class AvoidedPerson(models.Model):
    """A person the applicant asked not to be evaluated by (기피 신청), named by name and
    organisation: the applicant never sees the evaluator pool; screening matches the pool."""

    application = models.ForeignKey("rnd.Application", on_delete=models.CASCADE,
                                    related_name="avoided_people")
    name = models.CharField(_("성명"), max_length=100)
    organisation = models.CharField(_("소속기관"), max_length=200)
    reason = models.CharField(_("사유"), max_length=300)
    named_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["application", "pk"]
        verbose_name = _("기피 신청 인물")
        verbose_name_plural = _("기피 신청 인물")

    def __str__(self) -> str:
        return f"{self.name} ({self.organisation})"


class Panel(models.Model):
    """An evaluation panel (평가위원회) of a call stage: its members score its applications."""

    stage = models.ForeignKey("rnd.CallStage", on_delete=models.PROTECT, related_name="panels")
    name = models.CharField(_("위원회명"), max_length=100)
    # The fields of expertise the panel needs (member choice balances them).
    fields = models.JSONField(_("필요 전문분야"), default=list)
    size = models.PositiveSmallIntegerField(_("위원 수"), default=5)
    applications = models.ManyToManyField("rnd.Application", related_name="panels",
                                          verbose_name=_("평가 과제"))
    members = models.ManyToManyField(Evaluator, related_name="panels", verbose_name=_("위원"))
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["stage", "name"]
        verbose_name = _("평가위원회")
        verbose_name_plural = _("평가위원회")

    def __str__(self) -> str:
        return f"{self.stage} · {self.name}"

    def audit_scope(self) -> tuple[int | None, int | None]:
        return self.stage.call.audit_scope()


class ConflictFinding(models.Model):
    """A conflict of interest found by screening, with its reasons (rtis.lib.review_rules)."""

    panel = models.ForeignKey(Panel, on_delete=models.CASCADE, related_name="conflicts")
    evaluator = models.ForeignKey(Evaluator, on_delete=models.CASCADE, related_name="+")
    application = models.ForeignKey("rnd.Application", on_delete=models.CASCADE, related_name="+")
    reasons = models.JSONField(_("사유"), default=list)
    # What matched, by reason code: {"same_department": "서울대학교 기계공학부"} (the
    # application's data as submitted online; the evaluator's for declarations and co-work).
    matched = models.JSONField(_("일치한 내용"), default=dict, blank=True)
    found_at = models.DateTimeField(_("확인 일시"))

    class Meta:
        ordering = ["panel", "application", "evaluator"]
        verbose_name = _("이해충돌")
        verbose_name_plural = _("이해충돌")
        constraints = [models.UniqueConstraint(fields=["panel", "evaluator", "application"],
                                               name="review_conflict_once")]

    def __str__(self) -> str:
        return f"{self.evaluator.name} × {self.application}"


class SheetState(models.TextChoices):
    OPEN = "open", _("평가중")
    SUBMITTED = "submitted", _("제출")
    RECUSED = "recused", _("회피")


class Assignment(models.Model):
    """One evaluator scoring one application in a panel, with the score sheet."""

    panel = models.ForeignKey(Panel, on_delete=models.CASCADE, related_name="assignments")
    evaluator = models.ForeignKey(Evaluator, on_delete=models.PROTECT, related_name="assignments")
    application = models.ForeignKey("rnd.Application", on_delete=models.PROTECT,
                                    related_name="assignments")
    state = models.CharField(_("상태"), max_length=10, choices=SheetState.choices,
                             default=SheetState.OPEN)
    # {"<criterion id>": score} and {"<criterion id>": comment}
    scores = models.JSONField(_("점수"), default=dict)
    comments = models.JSONField(_("항목별 의견"), default=dict)
    comment = models.TextField(_("종합 의견"), blank=True)
    submitted_at = models.DateTimeField(_("제출일시"), null=True, blank=True)
    recusal_reason = models.CharField(_("회피 사유"), max_length=300, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["panel", "application", "evaluator"]
        verbose_name = _("평가 배정")
        verbose_name_plural = _("평가 배정")
        constraints = [models.UniqueConstraint(fields=["panel", "evaluator", "application"],
                                               name="review_assignment_once")]

    def __str__(self) -> str:
        return f"{self.evaluator.name} → {self.application}"

    def audit_scope(self) -> tuple[int | None, int | None]:
        return self.panel.audit_scope()


class ScoreRevision(models.Model):
    """A change to a submitted score sheet, with its reason: the history is kept."""

    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="revisions")
    old_scores = models.JSONField(default=dict)
    new_scores = models.JSONField(default=dict)
    old_comments = models.JSONField(default=dict)
    new_comments = models.JSONField(default=dict)
    old_comment = models.TextField(blank=True)
    new_comment = models.TextField(blank=True)
    reason = models.CharField(_("수정 사유"), max_length=300)
    revised_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                                   related_name="+")
    revised_at = models.DateTimeField(_("수정 일시"))

    class Meta:
        ordering = ["assignment", "revised_at", "pk"]
        verbose_name = _("점수 수정 이력")
        verbose_name_plural = _("점수 수정 이력")

    def __str__(self) -> str:
        return f"{self.assignment} ({self.revised_at:%Y-%m-%d})"


class Outcome(models.TextChoices):
    SELECTED = "selected", _("선정")
    BELOW_PASS_MARK = "below_pass_mark", _("미선정(기준점 미달)")
    OVER_BUDGET = "over_budget", _("미선정(예산 초과)")


class Result(models.Model):
    """An application's aggregated score, rank and outcome in a stage's selection."""

    stage = models.ForeignKey("rnd.CallStage", on_delete=models.PROTECT, related_name="results")
    application = models.ForeignKey("rnd.Application", on_delete=models.PROTECT,
                                    related_name="review_results")
    total = models.DecimalField(_("종합 점수"), max_digits=7, decimal_places=3)
    rank = models.PositiveIntegerField(_("순위"))
    outcome = models.CharField(_("결과"), max_length=20, choices=Outcome.choices)
    tie = models.CharField(_("동점 처리"), max_length=20, blank=True)
    awarded_won = models.BigIntegerField(_("선정 지원금(원)"), default=0)
    evaluators = models.PositiveSmallIntegerField(_("평가위원 수"))
    decided_at = models.DateTimeField(_("결정 일시"))

    class Meta:
        ordering = ["stage", "rank"]
        verbose_name = _("평가 결과")
        verbose_name_plural = _("평가 결과")
        constraints = [models.UniqueConstraint(fields=["stage", "application"],
                                               name="review_result_once")]

    def __str__(self) -> str:
        # ids only: audit records thousands of results at once without reading their rows
        return f"신청 {self.application_id} · {self.rank}위 / application {self.application_id} #{self.rank}"


