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
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import connection, transaction

from rtis.audit.log import record_create
from rtis.config import clock
from rtis.ntis import fastcsv
from rtis.ntis.access import require_ntis_import
from rtis.ntis.models import ImportBatch
from rtis.ntis.reader import FileRefused, Source, open_source
from rtis.ntis.rows import CODED, COLUMNS, RowProblem, make_converter
from rtis.refdata.models import CodeListVersion
from rtis.refdata.queries import CodeIndex, in_force, version_index, versions

CHUNK_ROWS = 20_000
CODE_LISTS = (*CODED.values(), "science_class")  # every list the converter resolves against
LOAD_BYTES_PER_ROW = 1_000  # a low guess of a file's rows from its size (CSV rows are ~450 B)
LOAD_MIN_ROWS = 50_000  # below this, indexes are kept (rebuilding costs more than it saves)
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
    fast: bool = False  # read by the C path (rtis.ntis.fastcsv)

    @property
    def loaded(self) -> int:
        return self.records - self.problem_count


class _Abort(Exception):
    """Roll the transaction back; the report says why."""


class CodeResolver:
    """Resolve a value against the reference list in force in a year (end of year, else start).

    A value valid at either end of the year is accepted: 2017's records name 미래창조과학부 or
    과학기술정보통신부, the reorganisation fell mid-year. Each list's versions are read once and
    each version's codes once (an import asks for six lists × every year it holds)."""

    def __init__(self) -> None:
        self.indexes: dict[tuple[str, int], tuple[CodeIndex, CodeIndex]] = {}
        self.versions: dict[tuple[str, int], CodeIndex] = {}
        self.candidates: dict[str, list[CodeListVersion]] = {}
        self.frozen = False

    def preload(self, list_names: Iterable[str]) -> None:
        """Read every version of these lists now; afterwards the resolver never touches the
        database (the C path calls it from its reading thread, which has no connection of its
        own inside the import's transaction), and asking for another list is an error."""
        for list_name in list_names:
            self.candidates[list_name] = versions(list_name)
            for version in self.candidates[list_name]:
                self.versions[(list_name, version.pk)] = version_index(list_name, version)
        self.frozen = True

    def _index(self, list_name: str, day: dt.date) -> CodeIndex:
        """index(list_name, day), each list version read once (every year asks for two days,
        most of them in the same version)."""
        if list_name not in self.candidates:
            if self.frozen:
                raise RuntimeError(f"code list {list_name!r} was not preloaded")
            self.candidates[list_name] = versions(list_name)
        version = in_force(self.candidates[list_name], day)
        if version is None:
            return CodeIndex(list_name, "")
        if (list_name, version.pk) not in self.versions:
            if self.frozen:
                raise RuntimeError(f"code list {list_name!r} version {version.pk} not preloaded")
            self.versions[(list_name, version.pk)] = version_index(list_name, version)
        return self.versions[(list_name, version.pk)]

    def __call__(self, list_name: str, value: str, year: int) -> str | None:
        pair = self.indexes.get((list_name, year))
        if pair is None:
            pair = (self._index(list_name, dt.date(year, 12, 31)),
                    self._index(list_name, dt.date(year, 1, 1)))
            if not pair[0].codes and not pair[1].codes:
                pair = (self._earliest(list_name), pair[1])
            self.indexes[(list_name, year)] = pair
        found = pair[0].get(value) or pair[1].get(value)
        return found.code if found is not None else None

    def _earliest(self, list_name: str) -> CodeIndex:
        """The list's first version, standing in for years before it (the 2018 과학기술표준분류
        for projects of 2005–2017, whose own classification RTIS does not hold yet)."""
        if list_name not in self.candidates:
            self.candidates[list_name] = versions(list_name)
        candidates = self.candidates[list_name]
        if not candidates:
            return CodeIndex(list_name, "")
        first = min(candidates, key=lambda v: (v.valid_from, v.pk))
        return self._index(list_name, first.valid_from)


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
                       fast: bool | None = None) -> ImportReport:
    """Import one national project file (CSV, XLSX or XML); see the module's rules.

    `fast`: None or True reads a UTF-8 CSV file into SQLite with the C path when it is built
    (rtis.ntis.fastcsv; the same result as the Python path, which it falls back to by itself);
    False always uses the Python path."""
    require_ntis_import(actor)
    report = ImportReport(file_name=file_name or path.name,
                          mode="quarantine" if quarantine else "strict")
    if connection.vendor == "sqlite" and not connection.in_atomic_block:
        with connection.cursor() as cursor:  # the staging table in memory, not a temp file
            cursor.execute("PRAGMA temp_store = MEMORY")
    try:
        with transaction.atomic():
            _run(actor, path, report, quarantine, encoding, progress, source, fast)
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
         source: Source | None, fast: bool | None) -> None:
    if (source is None and fast is not False and connection.vendor == "sqlite"
            and fastcsv.available()):
        fast_encoding = fastcsv.csv_encoding(path, encoding)
        if fast_encoding is not None:
            try:
                with transaction.atomic():  # a savepoint: an Abort leaves nothing behind
                    _run_fast(actor, path, report, quarantine, fast_encoding, progress)
                return
            except fastcsv.Abort:
                fresh = ImportReport(file_name=report.file_name, mode=report.mode)
                report.__dict__.update(fresh.__dict__)
    _run_python(actor, path, report, quarantine, encoding, progress, source)


class _Digest(threading.Thread):
    """The file's SHA-256, computed beside the import (hashlib releases the GIL, and so does
    the C path)."""

    def __init__(self, path: Path) -> None:
        super().__init__(daemon=True)
        self.path = path
        self.value = ""
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            self.value = sha256_of(self.path) if self.path.exists() else ""
        except BaseException as exc:  # re-raised by result() in the importing thread
            self.error = exc

    def result(self) -> str:
        self.join()
        if self.error is not None:
            raise self.error
        return self.value


def _begin(actor: Any | None, path: Path, report: ImportReport,
           ) -> tuple[ImportBatch, set[int], list[str]]:
    """The staging table, the batch row, the years the database already holds (their rows go
    through the staging table, to be compared and replaced; other years' rows go straight into
    the table), and the secondary indexes set aside for a large load (see _set_indexes_aside)."""
    _create_stage(connection.vendor)
    batch = ImportBatch.objects.create(
        file_name=report.file_name[:300], sha256="", file_format=report.file_format,
        encoding=report.encoding, mode=report.mode, at=clock.now(),
        actor=actor if actor is not None and getattr(actor, "is_authenticated", False) else None)
    with connection.cursor() as cursor:
        cursor.execute("SELECT DISTINCT year FROM ntis_project")
        held = {int(y) for (y,) in cursor.fetchall()}
    return batch, held, _set_indexes_aside(path)


def _set_indexes_aside(path: Path) -> list[str]:
    """SQLite: when the file may hold at least as many rows as the table, drop the table's
    secondary indexes (not the key's, nor the batch's, whose new entries all go at its end) and
    return their SQL; _finish creates them again before
    the staged years are compared. Sorting a million keys once costs less than keeping two
    indexes ordered row by row. Inside the import's transaction: a rollback restores them."""
    if connection.vendor != "sqlite" or not path.exists():
        return []
    estimate = path.stat().st_size // LOAD_BYTES_PER_ROW
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM ntis_project")
        if estimate < max(int(cursor.fetchone()[0]), LOAD_MIN_ROWS):
            return []
        cursor.execute("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND "
                       "tbl_name = 'ntis_project' AND sql IS NOT NULL ORDER BY name")
        found = []
        for name, sql in cursor.fetchall():
            cursor.execute(f"SELECT name FROM pragma_index_info('{name}')")
            if [column for (column,) in cursor.fetchall()] == ["batch_id"]:
                continue  # every new row has the newest batch: appended at the end, cheap
            found.append((name, sql))
        for name, _sql in found:
            cursor.execute(f'DROP INDEX "{name}"')
    return [sql for _name, sql in found]


def _record_problem(report: ImportReport, quarantine: bool, where: int, problem: RowProblem,
                    cells: list[str]) -> None:
    report.problem_count += 1
    if len(report.problems) < KEPT_PROBLEMS or quarantine:
        report.problems.append(Problem(where, problem.field, problem.value, problem.reason,
                                       list(cells)))


def _duplicate(number: str, year: int) -> RowProblem:
    return RowProblem("과제고유번호+기준년도", f"{number}/{year}",
                      "파일 안에서 키 중복 / key repeated within the file")


def _run_fast(actor: Any | None, path: Path, report: ImportReport, quarantine: bool,
              encoding: str, progress: Callable[[int], None] | None) -> None:
    """The C path (rtis.ntis.fastcsv): the same steps as _run_python, records read, checked
    and written by C; records it is not certain about converted by the same Python converter."""
    positions, unknown, offset, line = fastcsv.header(path)
    report.file_format, report.encoding, report.unknown_columns = "csv", encoding, unknown
    resolver = CodeResolver()
    resolver.preload(CODE_LISTS)  # the C path's reading thread resolves codes in memory only
    convert = make_converter(positions, resolver)
    batch, held, indexes = _begin(actor, path, report)
    digest = _Digest(path)
    digest.start()

    def slow(where: int, cells: list[str]) -> tuple[Any, ...] | None:
        try:
            return convert(cells)
        except RowProblem as problem:
            _record_problem(report, quarantine, where, problem, cells)
            return None

    def duplicate(where: int, cells: list[str], number: str, year: int) -> None:
        _record_problem(report, quarantine, where, _duplicate(number, year), cells)

    marks = ", ".join("?" * len(COLUMNS))
    try:
        result = fastcsv.ingest(
            connection.connection, path, offset, line, positions, held=held,
            stage_sql=f"INSERT INTO temp.{STAGE} ({_STAGE_COLUMNS}, batch_id) VALUES ",
            direct_sql=f"INSERT INTO ntis_project ({_STAGE_COLUMNS}, batch_id) VALUES ",
            row_sql=f"({marks}, {int(batch.pk)})",
            resolve=resolver, slow=slow, duplicate=duplicate, progress=progress,
            quarantine=quarantine)
    finally:
        sha256 = digest.result()
    report.records = int(result["records"])
    report.fast = True
    if report.problem_count and not quarantine:
        raise _Abort
    _finish(actor, report, batch, int(result["direct"]), set(result["direct_years"]),
            sha256, progress, indexes)


def _run_python(actor: Any | None, path: Path, report: ImportReport, quarantine: bool,
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
    batch, held, indexes = _begin(actor, path, report)
    seen: set[int] = set()
    buffer: list[tuple[Any, ...]] = []
    direct: list[tuple[Any, ...]] = []
    direct_years: set[int] = set()
    direct_count = 0
    for where, cells in source.rows:
        if not any(cells):  # a blank line (cells of spaces fail validation, reported)
            continue
        report.records += 1
        try:
            if bad_lines and where in bad_lines:
                raise RowProblem("인코딩", "", f"{report.encoding}(으)로 읽을 수 없는 바이트 "
                                 f"(혼합 인코딩) / bytes not in {report.encoding} (mixed "
                                 f"encodings)")
            row = convert(cells)
            key = int(row[0]) * 10_000 + row[1]
            if key in seen:
                raise _duplicate(row[0], row[1])
            seen.add(key)
        except RowProblem as problem:
            _record_problem(report, quarantine, where, problem, cells)
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
    if report.problem_count and not quarantine:
        raise _Abort
    if buffer:
        _stage(vendor, buffer)
    if direct:
        direct_count += _insert(vendor, direct, batch.pk, direct_years)
    _finish(actor, report, batch, direct_count, direct_years,
            sha256_of(path) if path.exists() else "", progress, indexes)


def _finish(actor: Any | None, report: ImportReport, batch: ImportBatch, direct_count: int,
            direct_years: set[int], sha256: str, progress: Callable[[int], None] | None,
            indexes: list[str]) -> None:
    """Create the indexes set aside again, apply the staged years, then record the batch and
    its audit entry."""
    if progress is not None:
        progress(report.records)
    if indexes:
        with connection.cursor() as cursor:
            for sql in indexes:
                cursor.execute(sql)
    report.batch_id = batch.pk
    _apply(report, batch.pk)
    report.added += direct_count
    report.years = sorted(set(report.years) | direct_years)
    batch.sha256 = sha256
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
    columns += ", batch_id bigint"  # the C path writes the same value group to both tables
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
