"""Where a figure comes from, in plain words: document title, section, table, page.

Provenance is stored as the seed recorded it ({"document": "000_….txt", "section": "Ⅴ-①",
"table": "연차별 소요예산", "page": 7, "unit": "백만원"}); the file name is for maintainers and
is never shown. A document is named by the title of the plan (or council session) that was
transcribed from it; a document RTIS does not know is called "원문 문서".
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext as _

# Provenance keys shown to readers, in this order; any other key (seed path, reading notes) is
# a maintainer's note and stays out of the page.
SHOWN = ("section", "table", "page")


def document_title(document: str, owner: Any = None) -> str:
    """Return the plain title of a source document, never its file name.

    `owner` is the plan or council session on whose page the provenance is shown: its own
    document is named without a query. Another document is looked up among the plans.
    """
    if not document:
        return ""
    for candidate in _owners(owner):
        if getattr(candidate, "source_document", "") == document:
            return str(candidate.title)
    from rtis.oversight.models import CouncilSession
    from rtis.plans.models import Plan

    title = (Plan.objects.filter(source_document=document).values_list("title", flat=True)
             .first())
    if title is None:
        title = (CouncilSession.objects.filter(source_document=document)
                 .values_list("title", flat=True).first())
    return str(title) if title else _("원문 문서")


def _owners(owner: Any) -> list[Any]:
    """The plan itself; for a council session, the report that printed it, then the session."""
    if owner is None:
        return []
    plan = getattr(owner, "plan", None) if not hasattr(owner, "slug") else None
    return [p for p in (plan, owner) if p is not None]


def location_parts(provenance: Mapping[str, Any] | None) -> list[str]:
    """Return section, table and page of a provenance as words ("Ⅴ-①", "「예산」 표", "7쪽")."""
    if not provenance:
        return []
    parts: list[str] = []
    section, table, page = (provenance.get(key) for key in SHOWN)
    if section:
        parts.append(str(section))
    if table:
        parts.append(_("「%(table)s」 표") % {"table": table})
    if page not in (None, ""):
        parts.append(_("%(page)s쪽") % {"page": page})
    return parts


def describe(provenance: Mapping[str, Any] | None, owner: Any = None, *,
             with_document: bool = True) -> str:
    """Return where something is printed: 「title」 · section · 「table」 표 · page."""
    if not provenance:
        return ""
    parts = location_parts(provenance)
    document = str(provenance.get("document") or "")
    if with_document and document:
        parts.insert(0, f"「{document_title(document, owner)}」")
    return " · ".join(parts)


def tell_apart(tables: list[Any]) -> list[Any]:
    """Give each printed table a `display_title`: its title, with its section when another
    table of the list has the same title (a plan prints "연차별 소요예산" once per project)."""
    counts: dict[str, int] = {}
    for table in tables:
        counts[table.title] = counts.get(table.title, 0) + 1
    for table in tables:
        title = str(table.title)
        if counts[title] > 1:
            where = " · ".join(location_parts({"section": table.provenance.get("section"),
                                               "page": table.provenance.get("page")}))
            title = f"{title} ({where})" if where else title
        table.display_title = title
    return tables
