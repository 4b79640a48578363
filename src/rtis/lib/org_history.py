"""The organisation's dated history as data: renames, moves in the hierarchy, printed variants.

One shape serves the seed file `rtis-orgs/1` (src/rtis/seed/orgs/departments.yaml) and the
department list of a plan file `rtis-plan/1` (its `reorganisations` and each department's
`names`, `parents` and `aliases`). Pure pydantic: no Django.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

SLUG = r"^[a-z0-9]+(-[a-z0-9]+)*$"
Kind = Literal["office", "bureau", "department", "agency", "external"]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class ReorganisationDoc(Strict):
    key: str = Field(pattern=SLUG, max_length=80)  # a label for references within the file
    effective_on: dt.date
    title: str = Field(min_length=1, max_length=200)
    note: str = ""
    provenance: dict[str, Any] = {}


class NameSpanDoc(Strict):
    name: str = Field(min_length=1, max_length=100)
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None
    reorganisation: str | None = None
    provenance: dict[str, Any] = {}


class ParentSpanDoc(Strict):
    parent: str | None = None  # None: a top unit over this span
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None
    reorganisation: str | None = None
    provenance: dict[str, Any] = {}


class AliasDoc(Strict):
    name: str = Field(min_length=1, max_length=100)
    note: str = Field(default="", max_length=300)
    provenance: dict[str, Any] = {}


class HistoryFields(Strict):
    names: list[NameSpanDoc] = []
    parents: list[ParentSpanDoc] = []
    aliases: list[AliasDoc] = []


class OrgDepartmentDoc(HistoryFields):
    name: str = Field(min_length=1, max_length=100)  # the name in force today
    kind: Kind = "department"


class OrgHistoryFile(Strict):
    format: Literal["rtis-orgs/1"]
    reorganisations: list[ReorganisationDoc] = []
    departments: list[OrgDepartmentDoc]


Span = NameSpanDoc | ParentSpanDoc


def _overlap(a: Span, b: Span) -> bool:
    a_end = a.valid_to or dt.date.max
    b_end = b.valid_to or dt.date.max
    a_start = a.valid_from or dt.date.min
    b_start = b.valid_from or dt.date.min
    return a_start <= b_end and b_start <= a_end


def span_problems(spans: list[NameSpanDoc] | list[ParentSpanDoc] | list[Span], path: str,
                  reorganisations: set[str]) -> list[tuple[str, str]]:
    """Return (path, message) for spans out of order, overlapping or naming no reorganisation."""
    problems: list[tuple[str, str]] = []
    listed: list[Span] = list(spans)
    for i, span in enumerate(listed):
        if span.valid_from and span.valid_to and span.valid_to < span.valid_from:
            problems.append((f"{path}[{i}].valid_to", "종료일이 시작일보다 앞섭니다 / valid_to "
                                                      "precedes valid_from"))
        if span.reorganisation is not None and span.reorganisation not in reorganisations:
            problems.append((f"{path}[{i}].reorganisation", f"알 수 없는 조직개편 "
                                                            f"'{span.reorganisation}' / unknown "
                                                            "reorganisation"))
        for j in range(i):
            if _overlap(listed[j], span):
                problems.append((f"{path}[{i}]", f"{path}[{j}]와(과) 기간이 겹칩니다 / overlaps "
                                                 f"{path}[{j}]"))
    return problems


def all_names(department: OrgDepartmentDoc) -> list[str]:
    """Return the name in force today and every former name."""
    return [department.name, *(n.name for n in department.names if n.name != department.name)]


def org_file_problems(doc: OrgHistoryFile) -> list[tuple[str, str]]:
    """Check an organisation file: spans, references, names unique across departments."""
    problems: list[tuple[str, str]] = []
    reorganisations = {r.key for r in doc.reorganisations}
    owner: dict[str, int] = {}
    for i, d in enumerate(doc.departments):
        for name in [*all_names(d), *(a.name for a in d.aliases)]:
            if owner.setdefault(name, i) != i:
                problems.append((f"departments[{i}]", f"이름 '{name}'을(를) 두 부서가 씁니다 / "
                                                      f"two departments use the name '{name}'"))
    for i, d in enumerate(doc.departments):
        path = f"departments[{i}]"
        problems += span_problems(d.names, f"{path}.names", reorganisations)
        problems += span_problems(d.parents, f"{path}.parents", reorganisations)
        if d.names and not any(n.name == d.name and n.valid_to is None for n in d.names):
            problems.append((f"{path}.name", f"'{d.name}'은(는) 끝나지 않은 이름이어야 합니다 / the "
                                             "name must be the open-ended one of names"))
        for j, p in enumerate(d.parents):
            if p.parent is not None and p.parent not in owner:
                problems.append((f"{path}.parents[{j}].parent", f"파일에 없는 부서 '{p.parent}' / "
                                                                f"department '{p.parent}' is "
                                                                "not in the file"))
            elif p.parent is not None and owner[p.parent] == i:
                problems.append((f"{path}.parents[{j}].parent", "자기 자신이 상위 조직일 수 "
                                                                "없습니다 / a department "
                                                                "cannot be its own parent"))
    return problems
