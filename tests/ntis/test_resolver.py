"""The code resolver of national imports: each list version read once, the same answers."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from rtis.ntis.importer import CodeResolver
from rtis.refdata.models import Code
from rtis.refdata.queries import index

pytestmark = pytest.mark.django_db

LISTS = ("ministry", "rnd_stage", "performer", "region", "six_t", "science_class")


def test_the_resolver_reads_each_version_once_and_answers_as_the_lists_do(refdata: Any) -> None:
    resolve = CodeResolver()
    for list_name in LISTS:
        spellings = {s for code, name in Code.objects.filter(
            list_version__code_list__name=list_name).values_list("code", "name")
            for s in (code, name)} | {"없는값"}
        for year in range(2005, 2026):
            end, start = index(list_name, dt.date(year, 12, 31)), index(list_name,
                                                                        dt.date(year, 1, 1))
            if not end.codes and not start.codes:
                continue  # before the list's first version: the earliest stands in (tested in
                #           test_import through the 2005–2017 science classes)
            for spelling in spellings:
                found = end.get(spelling) or start.get(spelling)
                assert resolve(list_name, spelling, year) == (found.code if found else None)
    versions = {key[1] for key in resolve.versions}
    assert len(resolve.versions) == len(versions) < len(LISTS) * 21 * 2
