"""Reads of the organisation: the hierarchy as it stood on a day, and names as printed."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import BigIntegerField, Case, Exists, F, OuterRef, Subquery, When
from django.db.models.functions import Coalesce

from rtis.orgs.models import Department, DepartmentAlias, DepartmentName, DepartmentParent, covering


@dataclass(frozen=True)
class Unit:
    """A department as it stood on one day."""

    id: int
    name: str  # the name in force that day
    current_name: str
    kind: str
    parent_id: int | None  # the parent that day
    existed: bool


class Hierarchy:
    """The whole organisation on one day, loaded in one query."""

    def __init__(self, day: dt.date, units: dict[int, Unit]) -> None:
        self.day = day
        self.units = units

    def __contains__(self, department_id: object) -> bool:
        return department_id in self.units

    def name(self, department_id: int) -> str:
        return self.units[department_id].name

    def parent_id(self, department_id: int) -> int | None:
        return self.units[department_id].parent_id

    def children(self, department_id: int) -> list[Unit]:
        """Return the units directly under a department that day, by name."""
        return sorted((u for u in self.units.values() if u.parent_id == department_id),
                      key=lambda u: (u.name, u.id))

    def chain(self, department_id: int) -> list[Unit]:
        """Return the department and its ancestors on the day, the top unit first."""
        chain: list[Unit] = []
        current: int | None = department_id
        while current is not None and current in self.units and len(chain) < 20:
            unit = self.units[current]
            if unit in chain:  # a cycle in hand-edited data: stop rather than loop
                break
            chain.insert(0, unit)
            current = unit.parent_id
        return chain

    def path(self, department_id: int) -> str:
        """Return the chain as the documents print it: '경제진흥본부 → 경제기획관 → 경제정책과'."""
        return " → ".join(u.name for u in self.chain(department_id))


def hierarchy_on(day: dt.date) -> Hierarchy:
    """Return every department with its name and parent in force on the day (one query).

    A department with a dated parent history (DepartmentParent) takes its parent from it, and
    has none on a day no span covers; one without history keeps `parent`, the parent of today.
    """
    name_then = (DepartmentName.objects.filter(covering(day), department=OuterRef("pk"))
                 .order_by("-valid_from").values("name")[:1])
    links = DepartmentParent.objects.filter(department=OuterRef("pk"))
    parent_then = links.filter(covering(day)).order_by("-valid_from").values("parent_id")[:1]
    rows = (Department.objects
            .annotate(name_then=Coalesce(Subquery(name_then), "name"),
                      parent_then=Case(When(Exists(links), then=Subquery(parent_then)),
                                       default="parent_id", output_field=BigIntegerField()))
            .values_list("pk", "name_then", "name", "kind", "parent_then", "established_on",
                         "abolished_on"))
    units = {
        pk: Unit(id=pk, name=name_then, current_name=name, kind=kind, parent_id=parent,
                 existed=(established is None or established <= day)
                 and (abolished is None or day < abolished))
        for pk, name_then, name, kind, parent, established, abolished in rows
    }
    return Hierarchy(day, units)


def fold(name: str) -> str:
    """Fold spacing so '바 이 오 AI 산 업 과', '바이오 AI산업과' and '바이오AI산업과' compare equal."""
    return "".join(name.split())


class NameIndex:
    """Every name a department is known by (current, former, aliases), loaded in three queries."""

    def __init__(self) -> None:
        self.current: dict[str, int] = {}
        self.former: dict[str, int] = {}
        self.alias: dict[str, int] = {}
        for pk, name in Department.objects.order_by("-pk").values_list("pk", "name"):
            self.current[name] = pk  # the lowest id wins, as in find_department
        for pk, name in DepartmentName.objects.order_by("-pk").values_list("department_id",
                                                                            "name"):
            self.former[name] = pk
        for pk, name in DepartmentAlias.objects.values_list("department_id", "name"):
            self.alias[name] = pk
        self.folded: dict[str, int] = {}
        for table in (self.alias, self.former, self.current):  # current names win
            for name, pk in table.items():
                self.folded[fold(name)] = pk

    def resolve(self, name: str) -> int | None:
        """Return the department printed under this name, or None."""
        name = name.strip()
        for table in (self.current, self.former, self.alias):
            if name in table:
                return table[name]
        return self.folded.get(fold(name))


def aliases_of(department: Department) -> list[DepartmentAlias]:
    """Return a department's printed variants (one query)."""
    return list(DepartmentAlias.objects.filter(department=department).order_by("name"))


def parent_history(department: Department, day: dt.date) -> list[DepartmentParent]:
    """Return a department's dated parents, oldest first (one query, two with the names).

    Each gets `parent_name`: the parent's name within the span, on the day asked about when the
    span holds it, else on the span's nearest end.
    """
    links = list(DepartmentParent.objects.filter(department=department)
                 .select_related("parent", "reorganisation")
                 .prefetch_related("parent__names")
                 .order_by(F("valid_from").asc(nulls_first=True), "pk"))
    for link in links:
        then = day
        if link.valid_to is not None and then > link.valid_to:
            then = link.valid_to
        if link.valid_from is not None and then < link.valid_from:
            then = link.valid_from
        link.parent_name = link.parent.name_on(then) if link.parent else ""  # type: ignore[attr-defined]
    return links
