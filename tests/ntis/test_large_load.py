"""A large national import sets the table's secondary indexes aside and creates them again.

On SQLite, when a file may hold at least as many rows as the table, the importer drops the
secondary indexes of ntis_project (never the key's), loads, and creates them again from their
own SQL before the staged years are compared; a rollback restores them. These tests hold it to
that on both paths (C and Python) and check that small loads and PostgreSQL keep the indexes.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from rtis.ntis import importer
from rtis.ntis.importer import do_import_projects
from rtis.ntis.models import Project
from tests.ntis.conftest import csv_file, synth_rows

pytestmark = pytest.mark.django_db


def indexes() -> list[tuple[str, str]]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND "
                       "tbl_name = 'ntis_project' ORDER BY name")
        return list(cursor.fetchall())


def drops(queries: CaptureQueriesContext) -> list[str]:
    return [q["sql"] for q in queries.captured_queries if "DROP INDEX" in q["sql"]]


@pytest.fixture
def large(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every file counts as large (its size in bytes as its rows)."""
    monkeypatch.setattr(importer, "LOAD_BYTES_PER_ROW", 1)
    monkeypatch.setattr(importer, "LOAD_MIN_ROWS", 1)


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite only: PostgreSQL keeps them")
@pytest.mark.parametrize("fast", [None, False])
def test_a_large_load_restores_every_index_as_it_was(refdata: Any, tmp_path: Path, large: None,
                                                     fast: bool | None) -> None:
    before = indexes()
    assert len([name for name, sql in before if sql]) >= 2  # batch_id, (year, region_code)
    rows = synth_rows(50)
    with CaptureQueriesContext(connection) as queries:
        report = do_import_projects(None, csv_file(tmp_path, rows), fast=fast)
    assert report.written and report.added == 50
    # the (year, region) index is set aside; the key's and the batch's are kept
    assert [q.split('"')[1] for q in drops(queries)] == ["ntis_project_year_region"]
    assert indexes() == before
    # the restored indexes are used and agree with the table
    assert Project.objects.filter(year=rows[0]["year"]).count() == sum(
        1 for r in rows if r["year"] == rows[0]["year"])
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA integrity_check")
        assert cursor.fetchone()[0] == "ok"


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite only: PostgreSQL keeps them")
def test_a_refused_large_load_leaves_the_indexes(refdata: Any, tmp_path: Path,
                                                 large: None) -> None:
    before = indexes()
    rows = synth_rows(30)
    rows[7] = {**rows[7], "project_no": "12345"}  # wrong shape: strict mode writes nothing
    report = do_import_projects(None, csv_file(tmp_path, rows))
    assert not report.written and report.problem_count == 1
    assert indexes() == before
    assert Project.objects.count() == 0


def test_a_small_load_into_a_larger_table_keeps_the_indexes(refdata: Any, tmp_path: Path,
                                                            monkeypatch: pytest.MonkeyPatch,
                                                            ) -> None:
    monkeypatch.setattr(importer, "LOAD_MIN_ROWS", 1)  # the size rule alone decides
    rows = synth_rows(80)
    with CaptureQueriesContext(connection) as first:
        do_import_projects(None, csv_file(tmp_path, rows[:60], "first.csv"))
    with CaptureQueriesContext(connection) as second:
        report = do_import_projects(None, csv_file(tmp_path, rows[60:], "second.csv"))
    assert report.written and report.added == 20
    # into the empty table the first file is large; 20 rows' bytes / 1,000 is below 60 rows
    assert bool(drops(first)) == (connection.vendor == "sqlite")
    assert drops(second) == []
