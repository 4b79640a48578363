"""The JSON a dashboard chart is drawn from (static/dashboards/charts.js reads it).

A chart is a bar chart: categories, one or more series of numbers, and per category the URL of
the records behind it (a click on a bar goes there). Money is given in 백만원 for the axis; the
table next to the chart remains the figure of record.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

MILLION = 1_000_000


def in_millions(won: int) -> float:
    """Return won in 백만원, one decimal, for a chart axis."""
    return round(won / MILLION, 1)


def number(value: Decimal | int | None) -> float | None:
    return None if value is None else float(value)


def bar_chart(title: str, categories: Sequence[str],
              series: Sequence[tuple[str, Sequence[float | None]]], links: Sequence[str],
              unit: str, *, mark: tuple[float, str] | None = None,
              maximum: float | None = None,
              names: Sequence[str] | None = None) -> dict[str, Any]:
    """Return a bar chart's data: categories, series, drill-down links, unit, optional line.

    `names` are the categories' full names for the tooltip when the labels are shortened.
    """
    return {
        "title": title,
        "categories": list(categories),
        "names": list(names) if names is not None else list(categories),
        "empty": all(v is None for _name, values in series for v in values),
        "series": [{"name": name, "data": list(values)} for name, values in series],
        "links": list(links),
        "unit": unit,
        "mark": {"value": mark[0], "label": mark[1]} if mark else None,
        "max": maximum,
    }
