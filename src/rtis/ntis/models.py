"""National R&D project data (NTIS): project-years, their outputs, import batches, the client's
resume point and the printed statistic series of seed 001.

A project-year is keyed by (과제고유번호, 기준년도). Money is integer won. Codes are those of the
reference lists (rtis.refdata) in force in the project's year; the names as the file gave them
are kept beside. Rows are written in bulk by rtis.ntis.importer (raw executemany / COPY), never
one ORM object per row.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ImportBatch(models.Model):
    """One file imported (or refused): what it held and what it changed."""

    file_name = models.CharField(_("파일"), max_length=300)
    sha256 = models.CharField(max_length=64)
    kind = models.CharField(_("종류"), max_length=20, default="project")
    file_format = models.CharField(_("형식"), max_length=10)
    encoding = models.CharField(_("인코딩"), max_length=20, blank=True)
    mode = models.CharField(_("방식"), max_length=12)
    rows = models.PositiveIntegerField(_("행 수"), default=0)
    rejected = models.PositiveIntegerField(_("거부 행"), default=0)
    added = models.PositiveIntegerField(_("추가"), default=0)
    changed = models.PositiveIntegerField(_("변경"), default=0)
    removed = models.PositiveIntegerField(_("삭제"), default=0)
    unchanged = models.PositiveIntegerField(_("동일"), default=0)
    years = models.JSONField(_("기준년도"), default=list)
    at = models.DateTimeField(_("가져온 시각"))
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("NTIS 가져오기")
        verbose_name_plural = _("NTIS 가져오기")

    def __str__(self) -> str:
        return self.file_name


class Project(models.Model):
    """One national R&D project in one year (세부과제 × 기준년도)."""

    project_no = models.CharField(_("과제고유번호"), max_length=10)
    year = models.PositiveSmallIntegerField(_("기준년도"))
    title = models.CharField(_("과제명"), max_length=500)
    title_en = models.CharField(_("영문 과제명"), max_length=500, blank=True)
    ministry = models.CharField(_("부처명"), max_length=100, blank=True)
    ministry_code = models.CharField(_("부처 코드"), max_length=20, blank=True)
    business_name = models.CharField(_("사업명"), max_length=300, blank=True)
    sub_business_name = models.CharField(_("내역사업명"), max_length=300, blank=True)
    manager = models.CharField(_("연구책임자"), max_length=100, blank=True)
    organisation = models.CharField(_("수행기관"), max_length=300, blank=True)
    manage_agency = models.CharField(_("전문기관"), max_length=300, blank=True)
    goal = models.TextField(_("연구목표"), blank=True)
    content = models.TextField(_("연구내용"), blank=True)
    effect = models.TextField(_("기대효과"), blank=True)
    keywords = models.CharField(_("키워드"), max_length=500, blank=True)
    total_funds = models.BigIntegerField(_("연구비 합계(원)"))
    gov_funds = models.BigIntegerField(_("정부연구비(원)"))
    private_funds = models.BigIntegerField(_("민간연구비(원)"))
    continuing = models.CharField(_("신규계속구분"), max_length=10, blank=True)
    previous_numbers = models.CharField(_("이전과제고유번호"), max_length=1000, blank=True)
    detail_no = models.CharField(_("세부과제번호"), max_length=50, blank=True)
    stage_code = models.CharField(_("연구개발단계"), max_length=10, blank=True)
    performer_code = models.CharField(_("연구수행주체"), max_length=10, blank=True)
    region_code = models.CharField(_("지역"), max_length=10, blank=True)
    science_code = models.CharField(_("과학기술표준분류코드"), max_length=10, blank=True)
    science_large = models.CharField(_("과학기술표준분류 대분류"), max_length=2, blank=True)
    six_t_code = models.CharField(_("6T"), max_length=4, blank=True)
    start_date = models.DateField(_("총연구기간 시작"), null=True, blank=True)
    end_date = models.DateField(_("총연구기간 종료"), null=True, blank=True)
    batch = models.ForeignKey(ImportBatch, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="+")

    class Meta:
        ordering = ["-year", "project_no"]
        constraints = [models.UniqueConstraint(fields=["project_no", "year"],
                                               name="ntis_project_key")]
        indexes = [models.Index(fields=["year", "region_code"], name="ntis_project_year_region")]
        verbose_name = _("국가R&D 과제")
        verbose_name_plural = _("국가R&D 과제")

    def __str__(self) -> str:
        return f"{self.project_no} ({self.year}) {self.title}"


class OutputKind(models.TextChoices):
    PAPER = "paper", _("논문")
    PATENT = "patent", _("특허")
    COMMERCIAL = "commercial", _("사업화")
    ROYALTY = "royalty", _("기술료")


class Output(models.Model):
    """A result (성과) of a national project, linked by 과제고유번호."""

    kind = models.CharField(_("성과 종류"), max_length=12, choices=OutputKind.choices)
    project_no = models.CharField(_("과제고유번호"), max_length=10, db_index=True)
    year = models.PositiveSmallIntegerField(_("성과발생년도"))
    title = models.CharField(_("명칭"), max_length=500)
    detail = models.JSONField(_("세부 항목"), default=dict)
    amount = models.BigIntegerField(_("금액(원)"), null=True, blank=True)
    batch = models.ForeignKey(ImportBatch, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="+")

    class Meta:
        ordering = ["project_no", "year", "kind", "id"]
        verbose_name = _("국가R&D 성과")
        verbose_name_plural = _("국가R&D 성과")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.title}"


class FetchState(models.Model):
    """Where an OpenAPI download stopped: the next start position of one query."""

    query_key = models.CharField(max_length=64, unique=True)
    collection = models.CharField(max_length=20)
    query = models.CharField(max_length=300)
    next_position = models.PositiveIntegerField(default=1)
    total_hits = models.PositiveIntegerField(null=True, blank=True)
    done = models.BooleanField(default=False)
    updated_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.collection} {self.query} @{self.next_position}"
