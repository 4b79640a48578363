"""Load the facilities seed (src/rtis/seed/facilities/*.yaml): facilities and funds as printed.

Idempotent: a facility or fund already present (by name) is kept. Nodes are found by plan slug
and code; a plan not loaded yet leaves that link out. Departments by any name they had.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from django.db import transaction

from rtis.facilities.actions import do_create_facility, do_create_fund
from rtis.facilities.models import Facility, Fund
from rtis.lib.facility_seed import FacilitySeedFile, SeedNodeRef
from rtis.lib.money import to_won
from rtis.lib.seed_schema import parse_seed_text
from rtis.orgs.actions import find_department
from rtis.plans.models import Node

SEED_DIR = Path(__file__).resolve().parent.parent / "seed" / "facilities"


def _day(printed: str | None) -> dt.date | None:
    """Return the first day of a printed "YYYY" or "YYYY-MM" (the precision stays in provenance)."""
    if printed is None:
        return None
    year, _, month = printed.partition("-")
    return dt.date(int(year), int(month or 1), 1)


def _nodes(refs: list[SeedNodeRef]) -> list[Node]:
    found = []
    for ref in refs:
        node = Node.objects.filter(plan__slug=ref.plan, code=ref.node).first()
        if node is not None:
            found.append(node)
    return found


def read_facility_seed(directory: Path = SEED_DIR) -> list[tuple[str, FacilitySeedFile]]:
    """Parse every facilities seed file; raise SeedError naming file and line."""
    files = []
    for path in sorted(directory.glob("*.yaml")):
        name = f"seed/facilities/{path.name}"
        parsed = parse_seed_text(path.read_text(encoding="utf-8"), name)
        if isinstance(parsed, FacilitySeedFile):
            files.append((name, parsed))
    return files


@transaction.atomic
def do_load_facility_seed(actor: Any | None = None, directory: Path = SEED_DIR) -> list[str]:
    """Create the seed's facilities and funds that are missing; return what was created."""
    created = []
    for name, seed in read_facility_seed(directory):
        for item in seed.facilities:
            if Facility.objects.filter(name=item.name).exists():
                continue
            department = find_department(item.department) if item.department else None
            provenance = {**item.provenance, "seed": name}
            if item.opened:
                provenance["opened_precision"] = "month" if "-" in item.opened else "year"
            do_create_facility(
                actor, nodes=_nodes(item.nodes), name=item.name, kind=item.kind,
                cluster=item.cluster, district=item.district, address=item.address,
                site_area_m2=item.site_area_m2, floor_area_m2=item.floor_area_m2,
                buildings=item.buildings, tenant_spaces=item.tenant_spaces,
                operator=item.operator, operating_department=department, phase=item.phase,
                construction_started_on=_day(item.works_started), opened_on=_day(item.opened),
                published=True, provenance=provenance)
            created.append(f"facility: {item.name}")
        for fund in seed.funds:
            if Fund.objects.filter(name=fund.name).exists():
                continue
            do_create_fund(
                actor, name=fund.name, target_size_won=to_won(fund.target_size, fund.unit),
                city_target_won=(to_won(fund.city_target, fund.unit)
                                 if fund.city_target is not None else None),
                manager=fund.manager, vintage=fund.vintage,
                investment_years=fund.investment_years, recovery_years=fund.recovery_years,
                nodes=_nodes(fund.nodes), published=True,
                provenance={**fund.provenance, "seed": name, "unit": fund.unit})
            created.append(f"fund: {fund.name}")
    return created
