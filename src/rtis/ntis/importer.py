"""`rtis ntis import`: national project files into the database, in bulk, all or nothing.

Rows are validated in Python (rtis.ntis.rows) and streamed into a temporary staging table with
the driver's bulk path (sqlite3 executemany on the raw connection, COPY on PostgreSQL); set
operations in SQL then apply the file: a year that already has rows is replaced by the file's
rows of that year (added, changed and removed rows are counted and named), a year that has none
is inserted as is. Re-importing the same file therefore changes nothing.

Modes: strict (default) writes nothing when any record is wrong and reports every problem with
its record/line and reason; quarantine loads the valid records and writes each rejected one,
with its reason, to the reject file. A file-level refusal (hostile or malformed file, missing
key columns) writes nothing in either mode.
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import connection, transaction

from rtis.audit.log import record_create
from rtis.config import clock
from rtis.ntis.access import require_ntis_import
from rtis.ntis.models import ImportBatch
from rtis.ntis.reader import FileRefused, Source, open_source
from rtis.ntis.rows import COLUMNS, RowProblem, make_converter
from rtis.refdata.models import CodeListVersion
from rtis.refdata.queries import CodeIndex, index, version_on

CHUNK_ROWS = 20_000
KEPT_PROBLEMS = 10_000
SHOWN_KEYS = 20
STAGE = "ntis_stage"


@dataclass
class Problem:
    where: int
    field: str
    value: str
    reason: str
    cells: list[str] = dataclasses.field(default_factory=list)

    def __str__(self) -> str:
        value = f" '{self.value}'" if self.value else ""
        return f"{self.where}행 {self.field}{value}: {self.reason}"


@dataclass
class ImportReport:
    file_name: str
    file_format: str = ""
    encoding: str = ""
    mode: str = "strict"
    records: int = 0
    problems: list[Problem] = field(default_factory=list)
    problem_count: int = 0
    refused: str = ""
    added: int = 0
    changed: int = 0
    removed: int = 0
    unchanged: int = 0
    years: list[int] = field(default_factory=list)
    replaced_years: list[int] = field(default_factory=list)
    changed_keys: list[str] = field(default_factory=list)
    removed_keys: list[str] = field(default_factory=list)
    unknown_columns: list[str] = field(default_factory=list)
    written: bool = False
    batch_id: int | None = None

    @property
    def loaded(self) -> int:
        return self.records - self.problem_count


class _Abort(Exception):
    """Roll the transaction back; the report says why."""


class CodeResolver:
    """Resolve a value against the reference list in force in a year (end of year, else start).

    A value valid at either end of the year is accepted: 2017's records name 미래창조과학부 or
    과학기술정보통신부, the reorganisation fell mid-year."""

    def __init__(self) -> None:
        self.indexes: dict[tuple[str, int], tuple[CodeIndex, CodeIndex]] = {}
        self.versions: dict[tuple[str, int], CodeIndex] = {}

    def _index(self, list_name: str, day: dt.date) -> CodeIndex:
        """index(list_name, day), each list version read once (every year asks for two days,
        most of them in the same version)."""
        version = version_on(list_name, day)
        if version is None:
            return CodeIndex(list_name, "")
        if (list_name, version.pk) not in self.versions:
            self.versions[(list_name, version.pk)] = index(list_name, day)
        return self.versions[(list_name, version.pk)]

    def __call__(self, list_name: str, value: str, year: int) -> str | None:
        pair = self.indexes.get((list_name, year))
        if pair is None:
            pair = (self._index(list_name, dt.date(year, 12, 31)),
                    self._index(list_name, dt.date(year, 1, 1)))
            if not pair[0].codes and not pair[1].codes:
                pair = (_earliest(list_name), pair[1])
            self.indexes[(list_name, year)] = pair
        found = pair[0].get(value) or pair[1].get(value)
        return found.code if found is not None else None


def _earliest(list_name: str) -> CodeIndex:
    """The list's first version, standing in for years before it (the 2018 과학기술표준분류 for
    projects of 2005–2017, whose own classification RTIS does not hold yet)."""
    first = (CodeListVersion.objects.filter(code_list__name=list_name)
             .order_by("valid_from").first())
    return index(list_name, first.valid_from) if first is not None else CodeIndex(list_name, "")


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        while chunk := f.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def do_import_projects(actor: Any | None, path: Path, *, quarantine: bool = False,
                       encoding: str | None = None, reject_path: Path | None = None,
                       progress: Callable[[int], None] | None = None,
                       source: Source | None = None, file_name: str | None = None,
                       ) -> ImportReport:
    """Import one national project file (CSV, XLSX or XML); see the module's rules."""
    require_ntis_import(actor)
    report = ImportReport(file_name=file_name or path.name,
                          mode="quarantine" if quarantine else "strict")
    if connection.vendor == "sqlite" and not connection.in_atomic_block:
        with connection.cursor() as cursor:  # the staging table in memory, not a temp file
            cursor.execute("PRAGMA temp_store = MEMORY")
    try:
        with transaction.atomic():
            _run(actor, path, report, quarantine, encoding, progress, source)
    except FileRefused as refused:
        report.refused = refused.reason if refused.line is None else (
            f"{refused.line}행: {refused.reason}")
        report.written = False
    except _Abort:
        report.written = False
    finally:
        _drop_stage()
    if quarantine and reject_path is not None:
        write_rejects(reject_path, report)
    return report


def _run(actor: Any | None, path: Path, report: ImportReport, quarantine: bool,
         encoding: str | None, progress: Callable[[int], None] | None,
         source: Source | None) -> None:
    if source is None:
        source = open_source(path, encoding)
    report.file_format = source.file_format
    report.encoding = source.encoding
    report.unknown_columns = source.unknown_columns
    convert = make_converter(source.positions, CodeResolver())
    bad_lines = source.bad_lines
    vendor = connection.vendor
    _create_stage(vendor)
    batch = ImportBatch.objects.create(
        file_name=report.file_name[:300], sha256="", file_format=report.file_format,
        encoding=report.encoding, mode=report.mode, at=clock.now(),
        actor=actor if actor is not None and getattr(actor, "is_authenticated", False) else None)
    # Years the database already holds go through the staging table (to be compared and
    # replaced); rows of other years go straight into the table.
    with connection.cursor() as cursor:
        cursor.execute("SELECT DISTINCT year FROM ntis_project")
        held = {int(y) for (y,) in cursor.fetchall()}
    seen: set[int] = set()
    buffer: list[tuple[Any, ...]] = []
    direct: list[tuple[Any, ...]] = []
    direct_years: set[int] = set()
    direct_count = 0
    last_where = 0
    for where, cells in source.rows:
        if not any(cells):  # a blank line (cells of spaces fail validation, reported)
            last_where = where
            continue
        report.records += 1
        try:
            if bad_lines and any(line in bad_lines for line in range(where, where + 1)):
                raise RowProblem("인코딩", "", f"{report.encoding}(으)로 읽을 수 없는 바이트 "
                                 f"(혼합 인코딩) / bytes not in {report.encoding} (mixed "
                                 f"encodings)")
            row = convert(cells)
            key = int(row[0]) * 10_000 + row[1]
            if key in seen:
                raise RowProblem("과제고유번호+기준년도", f"{row[0]}/{row[1]}",
                                 "파일 안에서 키 중복 / key repeated within the file")
            seen.add(key)
        except RowProblem as problem:
            report.problem_count += 1
            if len(report.problems) < KEPT_PROBLEMS or quarantine:
                report.problems.append(Problem(where, problem.field, problem.value,
                                               problem.reason, list(cells)))
            continue
        if report.problem_count and not quarantine:
            continue  # strict: keep reading to report every problem, write nothing
        if row[1] in held:
            buffer.append(row)
            if len(buffer) >= CHUNK_ROWS:
                _stage(vendor, buffer)
                buffer.clear()
        else:
            direct.append(row)
            if len(direct) >= CHUNK_ROWS:
                direct_count += _insert(vendor, direct, batch.pk, direct_years)
                direct.clear()
        if progress is not None and report.records % 10_000 == 0:
            progress(report.records)
        last_where = where
    del last_where
    if report.problem_count and not quarantine:
        raise _Abort
    if buffer:
        _stage(vendor, buffer)
    if direct:
        direct_count += _insert(vendor, direct, batch.pk, direct_years)
    if progress is not None:
        progress(report.records)
    report.batch_id = batch.pk
    _apply(report, batch.pk)
    report.added += direct_count
    report.years = sorted(set(report.years) | direct_years)
    batch.sha256 = sha256_of(path) if path.exists() else ""
    batch.rows, batch.rejected = report.records, report.problem_count
    batch.added, batch.changed, batch.removed = report.added, report.changed, report.removed
    batch.unchanged, batch.years = report.unchanged, report.years
    batch.save(update_fields=["sha256", "rows", "rejected", "added", "changed", "removed",
                              "unchanged", "years"])
    record_create(actor, batch, reason=f"ntis import: +{report.added} ~{report.changed} "
                                        f"-{report.removed}")
    report.written = True


# --- staging and applying -----------------------------------------------------------------------

_STAGE_COLUMNS = ", ".join(COLUMNS)
_COLUMN_TYPES = {"year": "integer", "total_funds": "bigint", "gov_funds": "bigint",
                 "private_funds": "bigint", "start_date": "date", "end_date": "date"}


def _create_stage(vendor: str) -> None:
    columns = ", ".join(f"{c} {_COLUMN_TYPES.get(c, 'text')}" for c in COLUMNS)
    with connection.cursor() as cursor:
        if vendor == "sqlite":
            cursor.execute(f"DROP TABLE IF EXISTS temp.{STAGE}")
            cursor.execute(f"CREATE TEMP TABLE {STAGE} ({columns})")
        else:
            cursor.execute(f"DROP TABLE IF EXISTS {STAGE}")
            cursor.execute(f"CREATE TEMP TABLE {STAGE} ({columns}) ON COMMIT DROP")


def _drop_stage() -> None:
    if connection.vendor == "sqlite" and connection.connection is not None:
        try:
            with connection.cursor() as cursor:
                cursor.execute(f"DROP TABLE IF EXISTS temp.{STAGE}")
        except Exception:
            pass


def _stage(vendor: str, rows: list[tuple[Any, ...]]) -> None:
    raw = connection.connection
    if vendor == "sqlite":
        marks = ", ".join("?" * len(COLUMNS))
        raw.executemany(f"INSERT INTO temp.{STAGE} ({_STAGE_COLUMNS}) VALUES ({marks})", rows)
    else:
        with raw.cursor() as cursor, cursor.copy(
                f"COPY {STAGE} ({_STAGE_COLUMNS}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)


def _insert(vendor: str, rows: list[tuple[Any, ...]], batch_id: int, years: set[int]) -> int:
    """Write rows of years the database does not hold yet straight into the table."""
    raw = connection.connection
    years.update(row[1] for row in rows)
    if vendor == "sqlite":
        marks = ", ".join("?" * len(COLUMNS))
        raw.executemany(f"INSERT INTO ntis_project ({_STAGE_COLUMNS}, batch_id) "
                        f"VALUES ({marks}, {int(batch_id)})", rows)
    else:
        with raw.cursor() as cursor, cursor.copy(
                f"COPY ntis_project ({_STAGE_COLUMNS}, batch_id) FROM STDIN") as copy:
            for row in rows:
                copy.write_row((*row, batch_id))
    return len(rows)


def _differs(vendor: str) -> str:
    op = "IS NOT" if vendor == "sqlite" else "IS DISTINCT FROM"
    return " OR ".join(f"p.{c} {op} s.{c}" for c in COLUMNS[2:])


def _keys(cursor: Any, sql: str, params: Iterable[Any]) -> list[str]:
    cursor.execute(sql, list(params))
    return [f"{number}/{year}" for number, year in cursor.fetchall()]


def _apply(report: ImportReport, batch_id: int) -> None:
    vendor = connection.vendor
    stage = f"temp.{STAGE}" if vendor == "sqlite" else STAGE
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT DISTINCT year FROM {stage} ORDER BY year")
        report.years = [int(y) for (y,) in cursor.fetchall()]
        if not report.years:
            return
        marks = ", ".join(["%s"] * len(report.years))
        cursor.execute(f"SELECT DISTINCT year FROM ntis_project WHERE year IN ({marks})",
                       report.years)
        replaced = sorted(int(y) for (y,) in cursor.fetchall())
        report.replaced_years = replaced
        columns = _STAGE_COLUMNS
        if replaced:
            cursor.execute(f"CREATE INDEX {'temp.' if vendor == 'sqlite' else ''}"
                           f"ntis_stage_key ON {STAGE} (project_no, year)")
            ymarks = ", ".join(["%s"] * len(replaced))
            gone = (f"FROM ntis_project p WHERE p.year IN ({ymarks}) AND NOT EXISTS (SELECT 1 "
                    f"FROM {stage} s WHERE s.project_no = p.project_no AND s.year = p.year)")
            report.removed_keys = _keys(cursor, f"SELECT p.project_no, p.year {gone} ORDER BY "
                                                f"p.year, p.project_no LIMIT {SHOWN_KEYS}",
                                        replaced)
            cursor.execute(f"DELETE FROM ntis_project WHERE id IN (SELECT p.id {gone})",
                           replaced)
            report.removed = cursor.rowcount
            diff = (f"FROM ntis_project p JOIN {stage} s ON s.project_no = p.project_no AND "
                    f"s.year = p.year WHERE p.year IN ({ymarks}) AND ({_differs(vendor)})")
            report.changed_keys = _keys(cursor, f"SELECT p.project_no, p.year {diff} ORDER BY "
                                                f"p.year, p.project_no LIMIT {SHOWN_KEYS}",
                                        replaced)
            cursor.execute(f"DELETE FROM ntis_project WHERE id IN (SELECT p.id {diff})",
                           replaced)
            report.changed = cursor.rowcount
            cursor.execute(
                f"INSERT INTO ntis_project ({columns}, batch_id) SELECT {columns}, %s "
                f"FROM {stage} s WHERE NOT EXISTS (SELECT 1 FROM ntis_project p WHERE "
                f"p.project_no = s.project_no AND p.year = s.year)", [batch_id])
        else:
            cursor.execute(f"INSERT INTO ntis_project ({columns}, batch_id) "
                           f"SELECT {columns}, %s FROM {stage} s", [batch_id])
        inserted = cursor.rowcount
        cursor.execute(f"SELECT COUNT(*) FROM {stage}")
        staged = int(cursor.fetchone()[0])
    report.added = inserted - report.changed
    report.unchanged = staged - inserted


def write_rejects(path: Path, report: ImportReport) -> None:
    """The reject file: one line per rejected record (where, field, value, reason, its cells);
    a refused file gets one line with the reason. UTF-8 with BOM, for spreadsheets."""
    with path.open("w", encoding="utf-8-sig", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["위치(행)", "항목", "값", "사유", "원래 값…"])
        if report.refused:
            writer.writerow(["", "파일", report.file_name, report.refused])
        for problem in report.problems:
            writer.writerow([problem.where, problem.field, problem.value, problem.reason,
                             *problem.cells])
