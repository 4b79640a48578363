"""The query-string filters every dashboard shares: plan, as-of date, year, department, format.

Malformed values are reported (Korean / English, naming the parameter) and replaced by their
default, so the page still renders, with status 400. The filters rebuild the query string for
drill-down and export links, so both keep what the reader chose.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from django.http import Http404, HttpRequest

from rtis.config import clock
from rtis.dashboards.queries import Scope
from rtis.lib.numbers import ascii_int
from rtis.plans.access import plans_for_user
from rtis.plans.models import MAX_YEAR, MIN_YEAR

FORMATS = ("csv", "xlsx")


@dataclass
class Filters:
    """What the reader asked for, validated."""

    scope: Scope
    year: int | None = None  # indicator year (None: not given)
    department: int | None = None  # a department id, queries.UNOWNED, or None for all
    format: str = ""  # "", "csv" or "xlsx"
    flagged: bool = False
    area: int | None = None
    page: int = 1  # records pages: which page of rows (downloads hold every row)
    raw: dict[str, str] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)

    @property
    def plan_slug(self) -> str:
        return self.scope.plan.slug if self.scope.plan is not None else ""

    def query(self, **changes: Any) -> str:
        """Return the query string of these filters with some changed ('' or None drops one)."""
        params: dict[str, Any] = {"plan": self.plan_slug, "as_of": self.scope.as_of.isoformat()}
        if self.year is not None:
            params["year"] = self.year
        if self.department is not None:
            params["department"] = self.department
        if self.area is not None:
            params["area"] = self.area
        if self.flagged:
            params["flagged"] = "1"
        params.update(changes)
        return urlencode({k: v for k, v in params.items() if v not in ("", None)})

    def department_error(self, known: set[int]) -> None:
        """Report a department that is not one of the rows' (after the rows are known)."""
        if self.department is not None and self.department not in known:
            self.errors.append(
                f"department: '{self.raw.get('department')}'은(는) 이 현황의 부서가 아닙니다 / "
                f"department: '{self.raw.get('department')}' is not a department of these rows")
            self.department = None

    def area_error(self, known: set[int]) -> None:
        if self.area is not None and self.area not in known:
            self.errors.append(f"area: '{self.raw.get('area')}'은(는) 이 계획의 분야가 아닙니다 / "
                               f"area: '{self.raw.get('area')}' is not an area of these plans")
            self.area = None


def _as_of(raw: str, errors: list[str]) -> dt.date:
    if not raw:
        return clock.today()
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        errors.append(f"as_of: '{raw}'은(는) 날짜(YYYY-MM-DD)가 아닙니다 / "
                      f"as_of: '{raw}' is not a date (YYYY-MM-DD)")
        return clock.today()


def _number(name: str, raw: str, errors: list[str], low: int = 0,
            high: int = 2**31 - 1) -> int | None:
    if not raw:
        return None
    number = ascii_int(raw)
    if number is not None and low <= number <= high:
        return number
    errors.append(f"{name}: '{raw}'은(는) {low}~{high} 사이의 정수여야 합니다 / "
                  f"{name}: '{raw}' must be a whole number within {low}–{high}")
    return None


def parse_filters(request: HttpRequest) -> Filters:
    """Read the filters of a dashboard request; an unknown or unreadable plan is a 404."""
    raw = {key: request.GET.get(key, "").strip() for key in
           ("plan", "as_of", "year", "department", "area", "flagged", "format", "page")}
    errors: list[str] = []
    plans = list(plans_for_user(request.user).order_by("-period_end", "slug"))
    plan = None
    if raw["plan"]:
        # The list is plans_for_user, so this is get_plan_for_user without a second query.
        plan = next((p for p in plans if p.slug == raw["plan"]), None)
        if plan is None:
            raise Http404(f"계획 '{raw['plan']}'이(가) 없습니다 / no plan '{raw['plan']}'")
    fmt = raw["format"]
    if fmt and fmt not in FORMATS:
        errors.append(f"format: '{fmt}'은(는) csv 또는 xlsx여야 합니다 / "
                      f"format: '{fmt}' must be csv or xlsx")
        fmt = ""
    return Filters(
        scope=Scope(plans, plan, _as_of(raw["as_of"], errors)),
        year=_number("year", raw["year"], errors, MIN_YEAR, MAX_YEAR),
        department=_number("department", raw["department"], errors),
        area=_number("area", raw["area"], errors, 1),
        page=_number("page", raw["page"], errors, 1) or 1,
        format=fmt, flagged=raw["flagged"] in {"1", "on", "true"}, raw=raw, errors=errors)
