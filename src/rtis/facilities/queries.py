"""Reads of the facilities context: aggregates in SQL, one query per list, no object per row."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum

from rtis.facilities.models import (
    ContributorKind,
    ExitKind,
    Facility,
    Fund,
    FundExit,
    Occupancy,
    OutcomeSummary,
)


@dataclass(frozen=True)
class FundSummary:
    committed_won: int
    city_committed_won: int
    called_won: int
    invested_won: int
    proceeds_won: int
    leverage: Decimal | None  # committed ÷ city committed
    planned_leverage: Decimal | None  # target ÷ city's planned share
    multiple: Decimal | None  # proceeds ÷ invested (of the investments exited or not)


def _ratio(part: int, whole: int | None) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(part) / Decimal(whole)).quantize(Decimal("0.01"))


def fund_summary(fund: Fund) -> FundSummary:
    """Return a fund's committed, called, invested and recovered money and the city's leverage."""
    commitments = fund.commitments.aggregate(
        total=Sum("amount_won"), city=Sum("amount_won", filter=Q(contributor_kind=ContributorKind.CITY)))
    committed = int(commitments["total"] or 0)
    city = int(commitments["city"] or 0)
    called = int(fund.capital_calls.aggregate(s=Sum("amount_won"))["s"] or 0)
    invested = int(fund.investments.aggregate(s=Sum("amount_won"))["s"] or 0)
    proceeds = int(FundExit.objects.filter(investment__fund=fund)
                   .aggregate(s=Sum("proceeds_won"))["s"] or 0)
    return FundSummary(committed, city, called, invested, proceeds, _ratio(committed, city),
                       _ratio(fund.target_size_won, fund.city_target_won),
                       _ratio(proceeds, invested))


def funds_table(funds: QuerySet[Fund]) -> list[dict[str, Any]]:
    """Return one row per fund with its sums, in three queries whatever the number of funds."""
    rows: list[dict[str, Any]] = [dict(r) for r in funds.values("id", "name", "target_size_won", "city_target_won", "manager",
                             "vintage", "investment_years", "recovery_years").annotate(
        committed=Sum("commitments__amount_won"),
        city=Sum("commitments__amount_won",
                 filter=Q(commitments__contributor_kind=ContributorKind.CITY)))]
    invested = dict(funds.values_list("id").annotate(s=Sum("investments__amount_won")))
    for row in rows:
        row["committed"] = int(row["committed"] or 0)
        row["city"] = int(row["city"] or 0)
        row["invested"] = int(invested.get(row["id"]) or 0)
        row["leverage"] = _ratio(row["committed"], row["city"])
        row["planned_leverage"] = _ratio(row["target_size_won"], row["city_target_won"])
    return rows


def in_force_on(day: dt.date) -> Q:
    """Occupancies in force on a day: moved in on or before it, not moved out on or before it."""
    return Q(moved_in_on__lte=day) & (Q(moved_out_on__isnull=True) | Q(moved_out_on__gt=day))


def facility_rows(facilities: QuerySet[Facility], day: dt.date) -> list[dict[str, Any]]:
    """Return one row per facility with its tenants in force on the day (one query)."""
    return [dict(r) for r in facilities.values(
        "id", "name", "kind", "cluster", "district", "floor_area_m2", "tenant_spaces", "phase",
        "opened_on", "operating_department__name", "published").annotate(
        tenants=Count("occupancies__tenant", filter=Q(occupancies__in=Occupancy.objects.filter(
            in_force_on(day))), distinct=True)).order_by("name")]


def tenants_in_force(facilities: QuerySet[Facility], day: dt.date) -> dict[int, int]:
    """Return {facility id: distinct tenants in force on the day} in one grouped query."""
    return dict(Occupancy.objects.filter(in_force_on(day), facility__in=facilities)
                .values_list("facility_id").annotate(n=Count("tenant_id", distinct=True)))


def outcome_totals(facilities: QuerySet[Facility]) -> list[dict[str, Any]]:
    """Return the tenants' outcomes summed by year (sales, employees, investment, patents)."""
    return [dict(r) for r in OutcomeSummary.objects.filter(facility__in=facilities)
                .values("year").annotate(sales=Sum("sales_won"), employees=Sum("employees"),
                                         investment=Sum("investment_won"),
                                         patents=Sum("patents"), tenants=Sum("tenants"))
                .order_by("year")]


@dataclass(frozen=True)
class Survival:
    graduated: int
    surviving: int

    @property
    def rate(self) -> Decimal | None:
        return _ratio(self.surviving * 100, self.graduated) if self.graduated else None


def graduate_survival(facilities: QuerySet[Facility], on: dt.date) -> Survival:
    """Return how many tenants graduated and how many of them still operate on a day."""
    graduates = Occupancy.objects.filter(facility__in=facilities, exit_kind=ExitKind.GRADUATED,
                                         moved_out_on__lte=on)
    counts = graduates.aggregate(
        graduated=Count("tenant", distinct=True),
        closed=Count("tenant", distinct=True,
                     filter=Q(tenant__closed_on__isnull=False, tenant__closed_on__lte=on)))
    return Survival(counts["graduated"], counts["graduated"] - counts["closed"])
