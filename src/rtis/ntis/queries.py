"""Read national project data for pages and the API: search, a project with its chain and
outputs, and the statistic tables (rows ready for a page, CSV or XLSX)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from rtis.ntis import stats
from rtis.ntis.models import Output, Project
from rtis.refdata.queries import index

PAGE_SIZE = 50


def search_projects(q: str = "", field: str = "", year: int | None = None) -> QuerySet[Project]:
    """Projects whose title, organisation or keywords hold `q`, optionally of a field/year."""
    found = Project.objects.all()
    for word in q.split()[:5]:
        found = found.filter(Q(title__icontains=word) | Q(organisation__icontains=word)
                             | Q(keywords__icontains=word))
    if field:
        found = found.filter(science_large=field)
    if year:
        found = found.filter(year=year)
    return found.order_by("-year", "project_no").only(
        "project_no", "year", "title", "organisation", "ministry", "region_code",
        "science_large", "gov_funds", "total_funds")


@dataclass
class ProjectPage:
    project: Project
    chain: list[Project]
    outputs: list[Output]


def project_page(number: str, year: int) -> ProjectPage | None:
    """A project-year, the years of its chain (earlier numbers it names, later ones naming it)
    and the outputs of every number in the chain."""
    project = Project.objects.filter(project_no=number, year=year).first()
    if project is None:
        return None
    numbers = {project.project_no, *[n.strip() for n in project.previous_numbers.split(";")
                                     if n.strip()]}
    later = Project.objects.filter(previous_numbers__contains=project.project_no).only(
        "project_no", "previous_numbers")
    for row in later:
        numbers.add(row.project_no)
        numbers.update(n.strip() for n in row.previous_numbers.split(";") if n.strip())
    chain = list(Project.objects.filter(project_no__in=numbers).order_by("year", "project_no")
                 .only("project_no", "year", "title", "organisation", "gov_funds",
                       "total_funds", "continuing"))
    outputs = list(Output.objects.filter(project_no__in=numbers).order_by("year", "kind", "id"))
    return ProjectPage(project, chain, outputs)


def names(list_name: str) -> dict[str, str]:
    """Code → name over every version of a list (labels for statistics across years)."""
    from rtis.refdata.models import Code

    return dict(Code.objects.filter(list_version__code_list__name=list_name)
                .order_by("list_version__valid_from").values_list("code", "name"))


def share_table(dim: str, year_from: int | None = None, year_to: int | None = None,
                ) -> tuple[list[str], list[list[Any]]] | None:
    """Seoul's share by year (dim='year') or by year × another dimension, as header + rows."""
    dims = ["year"] if dim == "year" else ["year", dim]
    rows = stats.seoul_share(dims, year_from=year_from, year_to=year_to)
    if rows is None:
        return None
    label_list = stats.DIMENSIONS[dim][2]
    labels = names(label_list) if label_list else {}
    header = [str(stats.DIMENSIONS["year"][1])]
    if dim != "year":
        header.append(str(stats.DIMENSIONS[dim][1]))
    header += [_("서울 정부연구비(원)"), _("전국 정부연구비(원)"), _("서울 비중(%)"),
               _("서울 과제 수"), _("전국 과제 수")]
    body = []
    for row in rows:
        keys: list[Any] = [row.keys[0]]
        if dim != "year":
            code = row.keys[1] or ""
            keys.append(f"{labels.get(code, code or _('미상'))}")
        body.append([*keys, row.seoul_funds, row.nation_funds, row.share, row.seoul_projects,
                     row.nation_projects])
    return header, body


__all__ = ["PAGE_SIZE", "index", "names", "project_page", "search_projects", "share_table"]
