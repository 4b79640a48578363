"""Reads of the grants context: programme statistics (computed and printed), due surveys."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum

from rtis.grants.models import (
    AgreementAmount,
    FollowUpSurvey,
    FundSource,
    Measure,
    Output,
    OutputKind,
    PrintedFigure,
    SurveyState,
)
from rtis.plans.models import BudgetLine
from rtis.rnd.models import Application, ApplicationStatus, Programme

EOK = 100_000_000
APPLIED = [ApplicationStatus.SUBMITTED, ApplicationStatus.SELECTED,
           ApplicationStatus.NOT_SELECTED]

# NTIS's output categories (논문, 특허, 사업화, 기술료) for each of ours: the one table an export to
# NTIS reads. "기타" are kept by RTIS but have no NTIS category of their own.
NTIS_CATEGORY: dict[str, str] = {
    OutputKind.PAPER: "논문",
    OutputKind.PATENT_APPLICATION: "특허",
    OutputKind.PATENT_REGISTRATION: "특허",
    OutputKind.PROTOTYPE: "사업화",
    OutputKind.SOFTWARE: "사업화",
    OutputKind.TECH_TRANSFER: "기술료",
    OutputKind.ROYALTY: "기술료",
    OutputKind.COMMERCIALISATION: "사업화",
    OutputKind.SALES: "사업화",
    OutputKind.JOBS: "기타",
    OutputKind.INVESTMENT: "사업화",
}


def percent(part: int, whole: int) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"), ROUND_HALF_UP)


@dataclass
class ProgrammeYear:
    """Computed figures of one programme's calls of one year (from project records)."""

    programme: str
    year: int
    applications: int = 0
    selected: int = 0
    agreements: int = 0
    city_funds_won: int = 0
    outputs: int = 0
    commercialised: int = 0
    surveys_due: int = 0
    surveys_answered: int = 0
    ntis: dict[str, int] = field(default_factory=dict)

    @property
    def selection_rate(self) -> Decimal | None:
        return percent(self.selected, self.applications)

    @property
    def outputs_per_eok(self) -> Decimal | None:
        if not self.city_funds_won:
            return None
        return (Decimal(self.outputs) * EOK / Decimal(self.city_funds_won)).quantize(
            Decimal("0.01"), ROUND_HALF_UP)

    @property
    def commercialisation_rate(self) -> Decimal | None:
        return percent(self.commercialised, self.agreements)

    @property
    def response_rate(self) -> Decimal | None:
        return percent(self.surveys_answered, self.surveys_due)


def computed_statistics(today: dt.date) -> list[ProgrammeYear]:
    """Per programme and call year, from the records (five grouped queries)."""
    rows: dict[tuple[str, int], ProgrammeYear] = {}

    def row(name: str, year: int) -> ProgrammeYear:
        return rows.setdefault((name, year), ProgrammeYear(name, year))

    for item in (Application.objects.filter(status__in=APPLIED)
                 .values("call__programme__name", "call__year")
                 .annotate(n=Count("pk"), chosen=Count("pk", filter=Q(
                     status=ApplicationStatus.SELECTED)), agreed=Count("agreement"))):
        r = row(item["call__programme__name"], item["call__year"])
        r.applications, r.selected, r.agreements = item["n"], item["chosen"], item["agreed"]
    for money in (AgreementAmount.objects.filter(source=FundSource.CITY)
                 .values("agreement__application__call__programme__name",
                         "agreement__application__call__year")
                 .annotate(won=Sum("amount_won"))):
        row(money["agreement__application__call__programme__name"],
            money["agreement__application__call__year"]).city_funds_won = money["won"] or 0
    commercialised: dict[tuple[str, int], set[int]] = defaultdict(set)
    for out in (Output.objects.values("agreement_id", "kind",
                                       "agreement__application__call__programme__name",
                                       "agreement__application__call__year")
                 .annotate(n=Count("pk"))):
        key = (out["agreement__application__call__programme__name"],
               out["agreement__application__call__year"])
        r = row(*key)
        r.outputs += out["n"]
        category = NTIS_CATEGORY[out["kind"]]
        r.ntis[category] = r.ntis.get(category, 0) + out["n"]
        if out["kind"] in (OutputKind.COMMERCIALISATION, OutputKind.SALES):
            commercialised[key].add(out["agreement_id"])
    for survey in (FollowUpSurvey.objects.filter(Q(due_on__lt=today) | Q(
            state=SurveyState.SUBMITTED))
                 .values("agreement_id", "state", "commercialised",
                         "agreement__application__call__programme__name",
                         "agreement__application__call__year")):
        key = (survey["agreement__application__call__programme__name"],
               survey["agreement__application__call__year"])
        r = row(*key)
        r.surveys_due += 1
        if survey["state"] == SurveyState.SUBMITTED:
            r.surveys_answered += 1
            if survey["commercialised"]:
                commercialised[key].add(survey["agreement_id"])
    for key, ids in commercialised.items():
        rows[key].commercialised = len(ids)
    return sorted(rows.values(), key=lambda r: (r.year, r.programme))


@dataclass
class PrintedYear:
    """A printed figure row: what a seed document says of one programme in one year."""

    label: str
    programme: str
    year: int
    projects: int | None
    funds_won: int | None
    prototypes: int | None
    sources: list[str]


def printed_statistics() -> list[PrintedYear]:
    """The seeds' programme-level figures, one row per printed label and year."""
    rows: dict[tuple[int, str], PrintedYear] = {}
    for figure in PrintedFigure.objects.all():
        r = rows.setdefault((figure.year, figure.label), PrintedYear(
            figure.label, figure.programme_name, figure.year, None, None, None, []))
        if figure.measure == Measure.PROJECTS:
            r.projects = figure.value
        elif figure.measure == Measure.FUNDS:
            r.funds_won = figure.value
        else:
            r.prototypes = figure.value
        where = f"{figure.source} p.{figure.page} l.{figure.line}"
        if where not in r.sources:
            r.sources.append(where)
    return sorted(rows.values(), key=lambda r: (r.year, r.label))


def yearly_totals(computed: list[ProgrammeYear], printed: list[PrintedYear]
                  ) -> list[dict[str, Any]]:
    """Per year: selected projects and city funds computed, beside the printed ones."""
    years = sorted({r.year for r in computed} | {r.year for r in printed})
    totals = []
    for year in years:
        done = [r for r in computed if r.year == year]
        said = [r for r in printed if r.year == year]
        projects = [r.projects for r in said if r.projects is not None]
        funds = [r.funds_won for r in said if r.funds_won is not None]
        totals.append({
            "year": year,
            "selected": sum(r.selected for r in done) if done else None,
            "city_funds_won": sum(r.city_funds_won for r in done) if done else None,
            "printed_projects": sum(projects) if projects else None,
            "printed_funds_won": max(funds) if funds else None,
        })
    return totals


def programme_plan_money() -> list[dict[str, Any]]:
    """Each programme linked to a plan item, with that item's planned money by year (won)."""
    programmes = list(Programme.objects.filter(node__isnull=False).select_related("node__plan"))
    money: dict[int, dict[int, int]] = defaultdict(dict)
    for line in (BudgetLine.objects.filter(node__in=[p.node_id for p in programmes])
                 .values("node_id", "year").annotate(won=Sum("amount_won"))):
        money[line["node_id"]][line["year"]] = line["won"] or 0
    return [{"programme": p, "node": p.node, "by_year": sorted(money[p.node_id or 0].items())}
            for p in programmes]


def surveys_due_in(year: int) -> QuerySet[FollowUpSurvey]:
    """Surveys whose due date falls in the year, with their agreement and organisation."""
    return FollowUpSurvey.objects.filter(due_on__year=year).select_related(
        "agreement__application__organisation", "agreement__application__call__programme"
    ).order_by("due_on", "agreement__number")


def non_responses(today: dt.date) -> QuerySet[FollowUpSurvey]:
    """Surveys past their due date and still unanswered."""
    return FollowUpSurvey.objects.filter(state=SurveyState.DUE, due_on__lt=today).select_related(
        "agreement__application__organisation").order_by("due_on")
