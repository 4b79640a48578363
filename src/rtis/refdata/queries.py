"""Read the reference code lists: which code a value means on a given day.

Stable API (other contexts rely on it):

- `resolve(list_name, code_or_name, on=None) -> Code | None`: the code whose code, name or one of
  whose other spellings equals the value (spaces and case ignored), in the version in force on
  `on` (default: today by rtis.config.clock). None when the value is unknown.
- `choices(list_name, on=None) -> list[tuple[str, str]]`: (code, name) pairs for a form field.
- `index(list_name, on=None) -> CodeIndex`: the whole version in memory, for imports that resolve
  many values (one query, then dictionary look-ups).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Q

from rtis.config import clock
from rtis.lib.refdata_schema import fold
from rtis.refdata.models import Code as CodeRow
from rtis.refdata.models import CodeListVersion

__all__ = ["Code", "CodeIndex", "choices", "in_force", "index", "list_names", "resolve",
           "version_index", "version_on", "versions"]

# The lists the seed provides (seed/refdata/).
SCIENCE_CLASS = "science_class"
SIX_T = "six_t"
RND_STAGE = "rnd_stage"
PERFORMER = "performer"
REGION = "region"
MINISTRY = "ministry"


@dataclass(frozen=True)
class Code:
    list_name: str
    version: str
    code: str
    name: str
    name_en: str = ""
    parent: str = ""
    group: str = ""


@dataclass
class CodeIndex:
    list_name: str
    version: str
    codes: list[Code] = field(default_factory=list)
    by_key: dict[str, Code] = field(default_factory=dict)

    def get(self, value: str | None) -> Code | None:
        if value is None:
            return None
        return self.by_key.get(fold(str(value)))


def version_on(list_name: str, on: dt.date | None = None) -> CodeListVersion | None:
    """The version of a list in force on a day (the latest started one), or None."""
    day = on or clock.today()
    return (CodeListVersion.objects.filter(code_list__name=list_name, valid_from__lte=day)
            .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=day))
            .order_by("-valid_from", "-pk").first())


def versions(list_name: str) -> list[CodeListVersion]:
    """Every version of a list, latest start first (one query; `in_force` picks from them)."""
    return list(CodeListVersion.objects.filter(code_list__name=list_name)
                .order_by("-valid_from", "-pk"))


def in_force(candidates: list[CodeListVersion], day: dt.date) -> CodeListVersion | None:
    """version_on's choice among `versions()`, in memory."""
    for version in candidates:
        if version.valid_from <= day and (version.valid_to is None or version.valid_to >= day):
            return version
    return None


def index(list_name: str, on: dt.date | None = None) -> CodeIndex:
    """The list's codes in force on `on`; empty when the list has no version then."""
    version = version_on(list_name, on)
    if version is None:
        return CodeIndex(list_name, "")
    return version_index(list_name, version)


def version_index(list_name: str, version: CodeListVersion) -> CodeIndex:
    """One version's codes in memory."""
    result = CodeIndex(list_name, version.version)
    rows = CodeRow.objects.filter(list_version=version).order_by("sort", "code")
    for row in rows:
        code = Code(list_name, version.version, row.code, row.name, row.name_en, row.parent,
                    row.group)
        result.codes.append(code)
        for key in (row.code, row.name, *row.aliases):
            result.by_key.setdefault(fold(key), code)
    return result


def resolve(list_name: str, code_or_name: str | None, on: dt.date | None = None) -> Code | None:
    """The code a value (code, name or other spelling) means on a day, or None when unknown."""
    if code_or_name is None or not str(code_or_name).strip():
        return None
    return index(list_name, on).get(code_or_name)


def choices(list_name: str, on: dt.date | None = None) -> list[tuple[str, str]]:
    """(code, name) pairs of the version in force on `on`, in the list's order."""
    return [(c.code, c.name) for c in index(list_name, on).codes]


def list_names() -> list[str]:
    """The names of the lists in the database."""
    from rtis.refdata.models import CodeList

    return list(CodeList.objects.order_by("name").values_list("name", flat=True))
