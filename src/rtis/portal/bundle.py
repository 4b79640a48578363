"""The bulk download of all public data: a ZIP of CSVs with a data dictionary, and a SQLite file.

Built as the public sees the data (an anonymous reader), so withheld nodes and unpublished plans
are never in it. It is rebuilt when the data changed since it was built (the stamp is the latest
audit event: publishing, withholding and every edit are audited), after each publish and by
`rtis portal-bundle`.
"""

from __future__ import annotations

import io
import json
import os
import sqlite3
import tempfile
import zipfile
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.http import QueryDict
from django.utils import translation

from rtis.audit.models import AuditEvent
from rtis.config import clock
from rtis.portal.datasets import DATASETS
from rtis.portal.tabular import Cell, Table, matrix, render_csv

ZIP_NAME = "rtis-open-data.zip"
SQLITE_NAME = "rtis-open-data.sqlite3"


@dataclass(frozen=True)
class Built:
    folder: Path
    stamp: str

    @property
    def zip_path(self) -> Path:
        return self.folder / ZIP_NAME

    @property
    def sqlite_path(self) -> Path:
        return self.folder / SQLITE_NAME


def folder() -> Path:
    return Path(settings.VAR_DIR) / "portal"


def current_stamp() -> str:
    """Return what the public data was last changed by: the latest audit event's id."""
    latest = AuditEvent.objects.order_by("-id").values_list("id", flat=True).first()
    return f"audit-{latest or 0}"


def public_tables() -> list[Table]:
    """Return every dataset as the public sees it, unfiltered, all columns, in Korean."""
    with translation.override("ko"):
        tables = []
        for dataset in DATASETS.values():
            table = dataset.build(AnonymousUser(), QueryDict())
            table.rows = list(table.rows)
            table.default_columns = None
            tables.append(table)
        return tables


def dictionary_rows(tables: list[Table]) -> list[list[Cell]]:
    """Return the data dictionary: file, column key, Korean label, type seen."""
    rows: list[list[Cell]] = [["file", "column", "label", "type"]]
    for table in tables:
        sample = matrix(table, table.keys())[1:]
        for index, column in enumerate(table.columns):
            values = [r[index] for r in sample if r[index] is not None]
            kind = ("integer" if values and all(isinstance(v, int) for v in values) else
                    "decimal" if values and all(isinstance(v, int | Decimal) for v in values)
                    else "text")
            rows.append([f"{table.name}.csv", column.key, str(column.label), kind])
    return rows


def _sqlite_type(values: list[Cell]) -> str:
    present = [v for v in values if v is not None]
    if present and all(isinstance(v, int) for v in present):
        return "INTEGER"
    if present and all(isinstance(v, int | Decimal) for v in present):
        return "REAL"
    return "TEXT"


def write_sqlite(path: Path, tables: list[Table], stamp: str) -> None:
    """Write the tables to a fresh SQLite file, one table each, column names = stable keys."""
    db = sqlite3.connect(path)
    try:
        for table in tables:
            rows = matrix(table, table.keys())[1:]
            name = table.name.replace("-", "_")
            types = [_sqlite_type([r[i] for r in rows]) for i in range(len(table.columns))]
            columns = ", ".join(f'"{c.key}" {t}' for c, t in zip(table.columns, types, strict=True))
            db.execute(f'CREATE TABLE "{name}" ({columns})')
            marks = ", ".join("?" * len(table.columns))
            db.executemany(f'INSERT INTO "{name}" VALUES ({marks})',
                           [[float(v) if isinstance(v, Decimal) else v for v in r] for r in rows])
        db.execute('CREATE TABLE "_dictionary" ("file" TEXT, "column" TEXT, "label" TEXT, "type" TEXT)')
        db.executemany('INSERT INTO "_dictionary" VALUES (?, ?, ?, ?)',
                       dictionary_rows(tables)[1:])
        db.execute('CREATE TABLE "_about" ("key" TEXT, "value" TEXT)')
        db.executemany('INSERT INTO "_about" VALUES (?, ?)',
                       [("stamp", stamp), ("as_of", clock.today().isoformat())])
        db.commit()
    finally:
        db.close()


def write_zip(path: Path, tables: list[Table], stamp: str) -> None:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for table in tables:
            archive.writestr(f"{table.name}.csv", render_csv(matrix(table, table.keys())))
        archive.writestr("data-dictionary.csv", render_csv(dictionary_rows(tables)))
        archive.writestr("about.json", json.dumps(
            {"format": "rtis-open-data/1", "stamp": stamp, "as_of": clock.today().isoformat(),
             "files": [f"{t.name}.csv" for t in tables], "encoding": "utf-8 with BOM",
             "money": "integer won (원)"}, ensure_ascii=False, indent=2))


def build() -> Built:
    """Build the bundle now (ZIP and SQLite) and return where it is."""
    stamp = current_stamp()
    target = folder()
    target.mkdir(parents=True, exist_ok=True)
    tables = public_tables()
    # Written aside and moved in place, so a download never reads a half-written file.
    with tempfile.TemporaryDirectory(dir=target) as work:
        zip_tmp, db_tmp = Path(work) / ZIP_NAME, Path(work) / SQLITE_NAME
        write_zip(zip_tmp, tables, stamp)
        write_sqlite(db_tmp, tables, stamp)
        os.replace(zip_tmp, target / ZIP_NAME)
        os.replace(db_tmp, target / SQLITE_NAME)
    (target / "stamp").write_text(stamp, encoding="utf-8")
    return Built(target, stamp)


def built_stamp() -> str:
    path = folder() / "stamp"
    return path.read_text(encoding="utf-8") if path.exists() else ""


def rebuild_if_stale() -> Built:
    """Return the bundle, building it first when the data changed since it was built."""
    stamp = current_stamp()
    if built_stamp() != stamp or not (folder() / ZIP_NAME).exists():
        return build()
    return Built(folder(), stamp)


def read(built: Built, kind: str) -> io.BufferedReader:
    return open(built.zip_path if kind == "zip" else built.sqlite_path, "rb")
