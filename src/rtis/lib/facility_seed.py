"""The facilities seed file (format rtis-facilities/1): anchor facilities and funds as printed.

Pure: pydantic only. Areas are ㎡ as printed; money is given with its printed unit and turned
into won by the loader. `opened`/`completion` keep the document's precision ("2018", "2021-09").
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictInt, field_validator

MONTH = re.compile(r"^(19|20|21)\d\d(-(0[1-9]|1[0-2]))?$")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class SeedNodeRef(_Strict):
    plan: str
    node: str


def _month(value: str | None) -> str | None:
    if value is not None and not MONTH.match(value):
        raise ValueError(f"'YYYY' 또는 'YYYY-MM'이어야 합니다: {value!r} / expected YYYY or YYYY-MM")
    return value


class SeedFacility(_Strict):
    name: str = Field(min_length=1, max_length=200)
    kind: str
    cluster: str = ""
    district: str = ""
    address: str = ""
    site_area_m2: Decimal | None = Field(default=None, ge=0)
    floor_area_m2: Decimal | None = Field(default=None, ge=0)
    buildings: StrictInt | None = Field(default=None, ge=0)
    tenant_spaces: StrictInt | None = Field(default=None, ge=0)
    operator: str = ""
    department: str = ""
    phase: Literal["planned", "under_construction", "open", "closed"]
    works_started: str | None = None
    opened: str | None = None
    nodes: list[SeedNodeRef] = []
    provenance: dict[str, Any]
    note_en: str = ""

    _months = field_validator("works_started", "opened")(_month)


class SeedFund(_Strict):
    name: str = Field(min_length=1, max_length=200)
    target_size: Decimal = Field(ge=0)
    city_target: Decimal | None = Field(default=None, ge=0)
    unit: Literal["억원", "백만원", "원"]
    manager: str = ""
    vintage: StrictInt | None = None
    investment_years: StrictInt | None = Field(default=None, ge=0)
    recovery_years: StrictInt | None = Field(default=None, ge=0)
    nodes: list[SeedNodeRef] = []
    provenance: dict[str, Any]
    note_en: str = ""


class FacilitySeedFile(_Strict):
    format: Literal["rtis-facilities/1"]
    language: Literal["ko"] = "ko"
    facilities: list[SeedFacility]
    funds: list[SeedFund]
