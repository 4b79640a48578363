"""Versioned reference code lists (과학기술표준분류, 6T, 연구개발단계, 연구수행주체, 지역, 부처).

A list (`CodeList`) has dated versions (`CodeListVersion`, valid_from … valid_to inclusive); a
version holds its codes. Imports resolve a value against the version in force on the record's
day; an unknown value is reported, never invented. Lists are loaded from seed/refdata/*.yaml.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class CodeList(models.Model):
    name = models.SlugField(_("목록 식별자"), max_length=40, unique=True)
    title = models.CharField(_("목록명"), max_length=100)

    class Meta:
        ordering = ["name"]
        verbose_name = _("코드 목록")
        verbose_name_plural = _("코드 목록")

    def __str__(self) -> str:
        return self.title


class CodeListVersion(models.Model):
    code_list = models.ForeignKey(CodeList, on_delete=models.CASCADE, related_name="versions",
                                  verbose_name=_("코드 목록"))
    version = models.CharField(_("판"), max_length=20)
    valid_from = models.DateField(_("시행일"))
    valid_to = models.DateField(_("종료일"), null=True, blank=True)
    # Where the codes come from, as a reader can check it; `verified` False says the codes were
    # written from secondary sources and still await a check against the official table.
    source = models.TextField(_("출처"))
    verified = models.BooleanField(_("원문 대조 완료"), default=False)
    # sha256 of the version's codes as loaded: reloading the same file changes nothing.
    digest = models.CharField(max_length=64)

    class Meta:
        ordering = ["code_list", "valid_from"]
        constraints = [models.UniqueConstraint(fields=["code_list", "version"],
                                               name="refdata_version_unique")]
        verbose_name = _("코드 목록 판")
        verbose_name_plural = _("코드 목록 판")

    def __str__(self) -> str:
        return f"{self.code_list.name} {self.version}"


class Code(models.Model):
    list_version = models.ForeignKey(CodeListVersion, on_delete=models.CASCADE,
                                     related_name="codes", verbose_name=_("코드 목록 판"))
    code = models.CharField(_("코드"), max_length=20)
    name = models.CharField(_("명칭"), max_length=100)
    name_en = models.CharField(_("영문 명칭"), max_length=100, blank=True)
    parent = models.CharField(_("상위 코드"), max_length=20, blank=True)
    group = models.CharField(_("구분"), max_length=50, blank=True)
    # Other spellings found in national files (e.g. "서울" for 서울특별시), matched by resolve().
    aliases = models.JSONField(_("다른 표기"), default=list, blank=True)
    sort = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["list_version", "sort", "code"]
        constraints = [models.UniqueConstraint(fields=["list_version", "code"],
                                               name="refdata_code_unique")]
        verbose_name = _("코드")
        verbose_name_plural = _("코드")

    def __str__(self) -> str:
        return f"{self.code} {self.name}"
