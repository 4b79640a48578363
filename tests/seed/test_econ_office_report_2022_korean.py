"""Seed econ-office-report-2022: everything the loader stores for pages, the API and reports is Korean."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from rtis.lib.seed_language import english_prose
from rtis.oversight.models import AuditItem, CouncilSession
from rtis.plans.models import BudgetLine, Indicator, Node, Plan, StatedFigure, StatedTable
from tests.seed.helpers import seed_fixture

SLUG = "econ-office-report-2022"
seeded = seed_fixture(SLUG)

# What readers see of each loaded row (keys, codes, claims and file names are not text).
SHOWN = [
    (Plan.objects.filter(slug=SLUG), ["title", "summary"]),
    (Node.objects.filter(plan__slug=SLUG), ["title", "level_name", "description", "provenance"]),
    (BudgetLine.objects.filter(node__plan__slug=SLUG), ["note", "provenance"]),
    (Indicator.objects.filter(node__plan__slug=SLUG), ["name", "unit", "definition",
                                                        "provenance"]),
    (StatedFigure.objects.filter(plan__slug=SLUG), ["label", "printed", "unit_as_printed",
                                                     "provenance"]),
    (StatedTable.objects.filter(plan__slug=SLUG), ["title", "unit_as_printed", "columns", "rows",
                                                    "note", "provenance"]),
    (CouncilSession.objects.filter(plan__slug=SLUG), ["title", "committee", "body"]),
    (AuditItem.objects.filter(session__plan__slug=SLUG), ["title", "department_names",
                                                          "status_as_printed", "actions",
                                                          "next_steps"]),
]


def strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            if key not in {"document", "key", "claims"}:
                yield from strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from strings(item)


def test_every_text_the_loader_stores_for_the_report_is_korean(seeded: None) -> None:
    english = []
    for queryset, fields in SHOWN:
        assert queryset.exists(), queryset.model.__name__
        for row in queryset.values(*fields):
            for field, value in row.items():
                english += [(queryset.model.__name__, field, text[:80]) for text in strings(value)
                            if english_prose(text)]
    assert english == []


def test_the_council_summary_keeps_no_maintainers_note(seeded: None) -> None:
    summary = CouncilSession.objects.get(key="audit-2021").summary_table
    assert "note_en" not in summary and all("note_en" not in r for r in summary["rows"])
