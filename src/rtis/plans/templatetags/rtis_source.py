"""Template filters that show provenance in plain words (never a seed file name)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django import template

from rtis.plans import sources

register = template.Library()


@register.filter
def source(provenance: Mapping[str, Any] | None, owner: Any = None) -> str:
    """{{ node.provenance|source:plan }} → 「계획명」 · Ⅴ-① · 「연차별 소요예산」 표 · 7쪽."""
    return sources.describe(provenance, owner)


@register.filter
def source_location(provenance: Mapping[str, Any] | None) -> str:
    """{{ line.provenance|source_location }} → Ⅴ-① · 「연차별 소요예산」 표 (no document)."""
    return " · ".join(sources.location_parts(provenance))


@register.filter
def document_name(owner: Any) -> str:
    """{{ plan|document_name }} → the plain title of the document the plan was taken from."""
    document = getattr(owner, "source_document", "") or ""
    return sources.document_title(document, owner) if document else ""
