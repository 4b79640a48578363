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


def test_a_preloaded_resolver_answers_the_same_without_the_database(
        refdata: Any, django_assert_num_queries: Any) -> None:
    """The C path's reading thread resolves codes with no connection of its own: after
    preload(), every answer comes from memory, and a list it was not given is an error."""
    plain, preloaded = CodeResolver(), CodeResolver()
    from rtis.ntis.importer import CODE_LISTS

    assert set(CODE_LISTS) == set(LISTS)
    preloaded.preload(CODE_LISTS)
    spellings = {s for code, name in Code.objects.values_list("code", "name") for s in (code, name)}
    questions = [(list_name, spelling, year) for list_name in LISTS
                 for spelling in [*sorted(spellings)[:40], "없는값"]
                 for year in (1995, 2005, 2017, 2018, 2024)]
    expected = [plain(*question) for question in questions]
    with django_assert_num_queries(0):
        assert [preloaded(*question) for question in questions] == expected
        with pytest.raises(RuntimeError):
            preloaded("not_a_list", "x", 2020)
