"""The search index: one entry per searchable object, its tokens in a database-specific table.

The tokens (rtis.lib.bigrams) live beside the entry: in an FTS5 table on SQLite, in a tsvector
with a GIN index on PostgreSQL (rtis.search.backend); both are created by migration 0001.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class SearchEntry(models.Model):
    """What a result shows and who may see it; `kind` names its registry entry."""

    kind = models.CharField(_("종류"), max_length=30)
    key = models.CharField(_("식별자"), max_length=200)
    title = models.CharField(_("제목"), max_length=300)
    body = models.TextField(_("내용"), blank=True)
    context = models.CharField(_("소속"), max_length=300, blank=True)
    url = models.CharField(max_length=300)
    # An audience of rtis.search.registry.AUDIENCES (public, internal, planner, report_reader).
    audience = models.CharField(_("공개 범위"), max_length=20)

    class Meta:
        verbose_name = _("검색 항목")
        verbose_name_plural = _("검색 항목")
        constraints = [models.UniqueConstraint(fields=["kind", "key"], name="search_entry_unique")]

    def __str__(self) -> str:
        return f"{self.kind}:{self.key}"
