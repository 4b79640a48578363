"""The columnar copy of national project data for analytics: Parquet written by DuckDB.

`rebuild()` runs after each import (the `rtis ntis import` command, the demo): it streams the
analytic columns out of the database into a temporary CSV, and DuckDB turns that into
`<var>/ntis/projects.parquet` (written beside, then renamed, so readers never see half a file).
Queries go through `query()`, a DuckDB connection per process holding the file's rows in DuckDB's
in-memory columnar table `projects`, reloaded when the file changes.
"""

from __future__ import annotations

import csv
import os
import tempfile
import threading
from pathlib import Path
from typing import Any

import duckdb
from django.conf import settings
from django.db import connection

ANALYTIC_COLUMNS = ("year", "ministry_code", "performer_code", "region_code", "science_large",
                    "stage_code", "six_t_code", "gov_funds", "private_funds", "total_funds")
_TYPES = {"year": "SMALLINT", "gov_funds": "BIGINT", "private_funds": "BIGINT",
          "total_funds": "BIGINT"}
_local = threading.local()


def parquet_path() -> Path:
    return Path(settings.VAR_DIR) / "ntis" / "projects.parquet"


def rebuild() -> int:
    """Rewrite the Parquet copy from the database; return its row count."""
    target = parquet_path()
    target.parent.mkdir(parents=True, exist_ok=True)
    columns = ", ".join(ANALYTIC_COLUMNS)
    fd, name = tempfile.mkstemp(suffix=".csv", dir=target.parent)
    rows = 0
    try:
        with os.fdopen(fd, "w", newline="", encoding="utf-8") as out:
            writer = csv.writer(out)
            with connection.cursor() as cursor:
                cursor.execute(f"SELECT {columns} FROM ntis_project")
                while batch := cursor.fetchmany(50_000):
                    writer.writerows(batch)
                    rows += len(batch)
        types = ", ".join(f"'{c}': '{_TYPES.get(c, 'VARCHAR')}'" for c in ANALYTIC_COLUMNS)
        partial = target.with_suffix(".parquet.part")
        con = duckdb.connect()
        try:
            con.execute(
                f"COPY (SELECT * FROM read_csv('{_quote(name)}', header=false, "
                f"columns={{{types}}}, nullstr='') ORDER BY year) "
                f"TO '{_quote(str(partial))}' (FORMAT parquet, COMPRESSION zstd)")
        finally:
            con.close()
        os.replace(partial, target)
    finally:
        Path(name).unlink(missing_ok=True)
    _local.__dict__.pop("state", None)
    return rows


def _quote(text: str) -> str:
    return text.replace("'", "''")


def _connection() -> duckdb.DuckDBPyConnection | None:
    path = parquet_path()
    try:
        stamp = path.stat().st_mtime_ns
    except FileNotFoundError:
        return None
    state = getattr(_local, "state", None)
    if state is None or state[0] != (str(path), stamp):
        if state is not None:
            state[1].close()
        con = duckdb.connect()
        con.execute("SET threads TO 2")
        # Loaded once per process and file version into DuckDB's own in-memory columns: a
        # query then scans no Parquet pages and decompresses nothing.
        # Seoul's funds and count are precomputed columns, so the share is two plain sums.
        con.execute(f"CREATE TABLE projects AS SELECT *, "
                    f"CASE WHEN region_code = '11' THEN gov_funds ELSE 0 END AS seoul_gov, "
                    f"(region_code = '11')::INTEGER AS seoul_n "
                    f"FROM read_parquet('{_quote(str(path))}')")
        # The cube: exact integer sums per combination of the statistics' five dimensions,
        # so a query groups thousands of rows, not millions (same results: sums of sums).
        con.execute("CREATE TABLE cube AS SELECT year, ministry_code, performer_code, "
                    "science_large, stage_code, SUM(seoul_gov)::BIGINT AS seoul_gov, "
                    "SUM(gov_funds)::BIGINT AS gov_funds, SUM(seoul_n)::BIGINT AS seoul_n, "
                    "COUNT(*)::BIGINT AS n FROM projects GROUP BY ALL")
        state = ((str(path), stamp), con)
        _local.state = state
    return state[1]


def query(sql: str, params: list[Any] | None = None) -> list[tuple[Any, ...]] | None:
    """Run SQL over the view `projects`; None when there is no columnar copy yet."""
    con = _connection()
    if con is None:
        return None
    return con.execute(sql, params or []).fetchall()
