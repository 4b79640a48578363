"""rtis-backup/1: the whole database of the rtis apps in one ZIP archive, and back.

The archive holds `manifest.json` and one JSON-lines file per table (`data/<app>.<model>.jsonl`,
one row per line, columns by their database attribute name, rows in primary-key order). The
manifest names the format, the RTIS version, the applied migrations of the rtis apps and, for
each table, its columns, row count and SHA-256. The set of tables is not a hand-kept list: every
concrete model of every `rtis.*` app, with the many-to-many tables they declare, is written,
except what `EXCLUDED_MODELS` names with its reason; secrets (`SECRET_FIELDS`) are never written
unless the operator asks for password hashes.

Writing streams table by table inside one read transaction (a consistent snapshot); reading
checks every checksum first, then loads all tables in one transaction, keeping primary keys, and
either everything is restored or nothing (`BackupError` names the file, the line and the reason).
"""

from __future__ import annotations

import base64
import datetime as dt
import decimal
import hashlib
import json
import logging
import os
import re
import shutil
import time
import uuid
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from django.apps import apps
from django.contrib.auth.hashers import make_password
from django.core.exceptions import ValidationError
from django.core.management.color import no_style
from django.db import DatabaseError, connections, models, transaction
from django.db.migrations.recorder import MigrationRecorder
from django.db.models.fields import AutoFieldMixin
from django.utils import timezone
from django.utils.duration import duration_string

import rtis
from rtis.lib.filesig import ZIP_OPEN_ERRORS

logger = logging.getLogger("rtis.ingest")

FORMAT = "rtis-backup/1"
MANIFEST = "manifest.json"
DATA_DIR = "data/"
# Entries carry a fixed date so that the same data gives the same archive entries.
ENTRY_DATE = (1980, 1, 1, 0, 0, 0)
BATCH = 500
# Reading bounds, so that a hostile archive cannot make a restore hold gigabytes: the manifest
# of every real archive is a few kilobytes; the longest real row is a staged table import
# (`ImportBatch.tables`: at most 50 MB of cell text once unpacked, `rtis.ingest.tables`).
MAX_MANIFEST_BYTES = 16 * 1024 * 1024
MAX_LINE_BYTES = 128 * 1024 * 1024
_CHUNK = 1024 * 1024

# Models of the rtis apps a backup leaves out, each with the reason. Every other model of an
# rtis app is written; tests/ingest/test_backup.py fails on an entry naming no model.
EXCLUDED_MODELS: dict[str, str] = {
    "orgs.user_groups": "RTIS는 Django 그룹 대신 역할(role)을 씁니다; 그룹은 보관 파일 밖의 auth "
                        "표를 가리킵니다 / RTIS uses roles, not Django groups, which live in "
                        "auth tables outside the archive",
    "orgs.user_user_permissions": "역할로 권한을 정하므로 쓰지 않습니다; 권한 ID는 DB마다 다릅니다 / "
                                  "rights come from roles; permission ids differ per database",
    "search.searchentry": "검색 색인은 자료에서 다시 만듭니다 (복원이 끝나면 다시 만듦) / the "
                          "search index is derived data, rebuilt at the end of a restore",
    # api-fast
    "apicache.dataversion": "서버 응답 캐시의 자료 판일 뿐이며 복원 자체가 값을 바꿉니다 / only "
                            "the answer cache's data version; the restore's writes change it",
}

# Tables `rtis migrate` fills: in a new database their rows give way to the archive's (whose
# labels may have been edited in /admin/). Any other table must be empty. A new data migration
# of an rtis app must be named here (tests/web/test_demo.py restores the demo into a new one).
MIGRATION_FILLED: dict[str, str] = {
    "plans.fundingsource": "migration plans/0002_funding_sources",
    "grants.printedfigure": "migration grants/0002_printed_figures",
}

# Fields never written (secrets), by model label. Imported users get an unusable password.
SECRET_FIELDS: dict[str, frozenset[str]] = {"orgs.user": frozenset({"password"})}
PASSWORD_MODEL = "orgs.user"
PASSWORD_FIELD = "password"


class BackupError(Exception):
    """An archive that cannot be written or restored; the message names file, line and reason."""


# --- which tables ---------------------------------------------------------------------------


def rtis_models() -> list[type[models.Model]]:
    """Every table-backed model of the rtis apps, with the many-to-many tables they declare."""
    found: list[type[models.Model]] = []
    for config in apps.get_app_configs():
        if not config.name.startswith("rtis."):
            continue
        for model in config.get_models(include_auto_created=True):
            if model._meta.proxy:
                continue  # shares its concrete model's table
            found.append(model)
    return sorted(found, key=lambda m: m._meta.label_lower)


def exported_models() -> list[type[models.Model]]:
    """The models a backup writes, parents before the tables that refer to them."""
    chosen = [m for m in rtis_models() if m._meta.label_lower not in EXCLUDED_MODELS]
    labels = {m._meta.label_lower: m for m in chosen}
    ordered: list[type[models.Model]] = []
    seen: set[str] = set()

    def visit(model: type[models.Model], path: set[str]) -> None:
        label = model._meta.label_lower
        if label in seen or label in path:
            return  # a cycle: foreign keys are checked at the end of the transaction anyway
        for f in model._meta.local_concrete_fields:
            target = f.related_model if f.is_relation else None
            if isinstance(target, type) and target._meta.label_lower in labels:
                visit(target, path | {label})
        seen.add(label)
        ordered.append(model)

    for model in chosen:
        visit(model, set())
    return ordered


def columns_of(model: type[models.Model], with_secrets: bool = False) -> list[models.Field[Any, Any]]:
    """The columns a backup writes for a model: its own concrete fields, secrets left out."""
    secret = set() if with_secrets else SECRET_FIELDS.get(model._meta.label_lower, frozenset())
    return [f for f in stored_fields(model) if f.name not in secret]


def stored_fields(model: type[models.Model]) -> list[models.Field[Any, Any]]:
    """The model's own columns that hold data (a generated column is computed by the database)."""
    return [f for f in model._meta.local_concrete_fields if not getattr(f, "generated", False)]


def entry_name(model: type[models.Model]) -> str:
    return f"{DATA_DIR}{model._meta.label_lower}.jsonl"


def migration_state(using: str = "default") -> dict[str, list[str]]:
    """The applied migrations of the rtis apps, by app label."""
    labels = {c.label for c in apps.get_app_configs() if c.name.startswith("rtis.")}
    state: dict[str, list[str]] = {label: [] for label in sorted(labels)}
    for app, name in MigrationRecorder(connections[using]).applied_migrations():
        if app in state:
            state[app].append(name)
    return {app: sorted(names) for app, names in state.items()}


# --- values ---------------------------------------------------------------------------------


def encode_value(f: models.Field[Any, Any], value: Any) -> Any:
    """A column value as JSON: exact text for decimals, dates and times, base64 for bytes."""
    if value is None or isinstance(f, models.JSONField):
        return value
    if isinstance(value, bool | int | str | float):
        return value
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, dt.timedelta):
        return duration_string(value)
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, bytes | memoryview):
        return base64.b64encode(bytes(value)).decode("ascii")
    raise BackupError(f"{f.model._meta.label_lower}.{f.name}: 보관할 수 없는 값의 형식 "
                      f"{type(value).__name__} / cannot write a {type(value).__name__} value")


def decode_value(f: models.Field[Any, Any], value: Any) -> Any:
    """The Python value of a column from its JSON form; raises ValueError saying why not."""
    if value is None:
        if not f.null:
            raise ValueError("빈 값(null)을 허용하지 않는 열입니다 / the column is not nullable")
        return None
    if isinstance(f, models.JSONField):
        return value
    if isinstance(value, dict | list):
        raise ValueError(f"목록이나 객체가 아니라 값이어야 합니다 / expected a single value, got "
                         f"{type(value).__name__}")
    try:
        result = f.to_python(value)
        if isinstance(f, AutoFieldMixin) and isinstance(result, int) and result < 1:
            # the database numbers rows from 1; PostgreSQL cannot set its sequence below that
            raise ValueError("자동 번호는 1 이상이어야 합니다 / an automatic key is 1 or more")
        if isinstance(result, dt.datetime) and timezone.is_naive(result):
            raise ValueError("시간대가 없는 일시입니다 / a date-time without a time zone")
        if result is None and not f.null:
            raise ValueError("빈 값을 허용하지 않는 열입니다 / the column is not nullable")
        f.run_validators(result)
    except ValidationError as exc:
        raise ValueError("; ".join(str(m) for m in exc.messages)) from None
    except (TypeError, ArithmeticError, OverflowError) as exc:
        raise ValueError(str(exc) or type(exc).__name__) from None
    return result


# --- writing --------------------------------------------------------------------------------


@dataclass
class TableSummary:
    model: str
    file: str
    columns: list[str]
    rows: int
    sha256: str


@dataclass
class FileSummary:
    model: str  # the model whose rows name the file, e.g. "rnd.attachment"
    path: str  # the name a row holds, relative to the model's storage
    entry: str  # the archive entry: files/<model>/<path>
    size: int
    sha256: str


@dataclass
class BackupSummary:
    tables: list[TableSummary] = field(default_factory=list)
    password_hashes: bool = False
    files: list[FileSummary] = field(default_factory=list)
    # (model, path) of rows whose file was not on disk when the backup was written
    missing_files: list[tuple[str, str]] = field(default_factory=list)

    @property
    def rows(self) -> int:
        return sum(t.rows for t in self.tables)


def _snapshot(using: str, outer: bool) -> None:
    """Make the transaction just begun one consistent, read-only view of the database.

    SQLite gives a transaction a snapshot by itself; PostgreSQL needs REPEATABLE READ, which
    can only be asked for before the transaction's first query (not inside an outer one).
    """
    connection = connections[using]
    if connection.vendor == "postgresql" and not outer:
        with connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")


def _rows(model: type[models.Model], cols: list[models.Field[Any, Any]],
          using: str) -> Iterator[dict[str, Any]]:
    names = [f.attname for f in cols]
    query = model._base_manager.using(using).order_by("pk").values_list(*names)
    for values in query.iterator(chunk_size=2000):
        yield {f.attname: encode_value(f, v) for f, v in zip(cols, values, strict=True)}


def _line(row: dict[str, Any]) -> bytes:
    return (json.dumps(row, ensure_ascii=False, separators=(",", ":")) + "\n").encode("utf-8")


def write_backup(target: str | Path | IO[bytes], *, password_hashes: bool = False,
                 using: str = "default") -> BackupSummary:
    """Write every exported table of the database to an rtis-backup/1 archive."""
    summary = BackupSummary(password_hashes=password_hashes)
    outer = connections[using].in_atomic_block
    with transaction.atomic(using=using):
        _snapshot(using, outer)
        with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for model in exported_models():
                cols = columns_of(model, with_secrets=password_hashes)
                name = entry_name(model)
                info = zipfile.ZipInfo(name, date_time=ENTRY_DATE)
                info.compress_type = zipfile.ZIP_DEFLATED
                digest, count = hashlib.sha256(), 0
                with archive.open(info, "w", force_zip64=True) as out:
                    for row in _rows(model, cols, using):
                        line = _line(row)
                        digest.update(line)
                        out.write(line)
                        count += 1
                summary.tables.append(TableSummary(model._meta.label_lower, name,
                                                   [f.attname for f in cols], count,
                                                   digest.hexdigest()))
            files, missing = _write_files(archive)
            summary.files, summary.missing_files = files, missing
            manifest = {
                "format": FORMAT,
                "rtis_version": rtis.__version__,
                "created_at": timezone.now().isoformat(),
                "database": connections[using].vendor,
                "password_hashes": password_hashes,
                "migrations": migration_state(using),
                "excluded": dict(sorted(EXCLUDED_MODELS.items())),
                "secret_fields": {k: sorted(v) for k, v in sorted(SECRET_FIELDS.items())
                                  if not password_hashes},
                "tables": [vars(t) for t in summary.tables],
                "files": [vars(f) for f in files],
                "missing_files": [{"model": m, "path": p} for m, p in missing],
            }
            info = zipfile.ZipInfo(MANIFEST, date_time=ENTRY_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, json.dumps(manifest, ensure_ascii=False, indent=1) + "\n")
    return summary


# --- reading --------------------------------------------------------------------------------


@dataclass
class Manifest:
    format: str
    rtis_version: str
    password_hashes: bool
    migrations: dict[str, list[str]]
    tables: list[TableSummary]
    # Stored files (rnd-pages): optional, so that archives written before them still restore.
    files: list[FileSummary] = field(default_factory=list)
    missing_files: list[tuple[str, str]] = field(default_factory=list)


def _fail(where: str, reason: str) -> BackupError:
    return BackupError(f"{where}: {reason}")


def _json(raw: bytes, where: str) -> Any:
    """Decode one JSON text; anything undecodable is a BackupError naming where it was."""
    try:
        return json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise _fail(where, f"JSON이 아닙니다 / not JSON ({exc})") from None
    except RecursionError:
        raise _fail(where, "JSON이 너무 깊게 중첩되어 있습니다 / JSON nested too deeply") from None


def _parse_manifest(raw: bytes, where: str) -> Manifest:
    data = _json(raw, where)
    if not isinstance(data, dict):
        raise _fail(where, "객체가 아닙니다 / not a JSON object")
    fmt = data.get("format")
    if fmt != FORMAT:
        raise _fail(where, f"형식 {fmt!r}은(는) 읽을 수 없습니다 ({FORMAT}만 읽음) / unsupported "
                           f"format {fmt!r} (this RTIS reads {FORMAT})")
    problems: list[str] = []

    def need(key: str, kind: type | tuple[type, ...]) -> Any:
        value = data.get(key)
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            problems.append(f"$.{key}")
        return value

    version = need("rtis_version", str)
    hashes = need("password_hashes", bool)
    migrations = need("migrations", dict)
    tables_raw = need("tables", list)
    tables: list[TableSummary] = []
    if isinstance(migrations, dict):
        for app, names in migrations.items():
            if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
                problems.append(f"$.migrations.{app}")
    for i, t in enumerate(tables_raw if isinstance(tables_raw, list) else []):
        ok = (isinstance(t, dict) and isinstance(t.get("model"), str)
              and isinstance(t.get("file"), str) and isinstance(t.get("columns"), list)
              and all(isinstance(c, str) for c in t["columns"])
              and isinstance(t.get("rows"), int) and not isinstance(t.get("rows"), bool)
              and t["rows"] >= 0 and isinstance(t.get("sha256"), str))
        if not ok:
            problems.append(f"$.tables[{i}]")
            continue
        tables.append(TableSummary(t["model"], t["file"], list(t["columns"]), t["rows"],
                                   t["sha256"]))
    files, missing = _parse_files(data, problems)
    if problems:
        raise _fail(where, "빠지거나 잘못된 항목 / missing or malformed: " + ", ".join(problems))
    return Manifest(fmt, version, hashes, migrations, tables, files, missing)


def _open_archive(source: str | Path | IO[bytes], label: str) -> zipfile.ZipFile:
    try:
        return zipfile.ZipFile(source)
    except OSError as exc:
        raise _fail(label, f"읽을 수 없습니다 / cannot read ({exc})") from None
    except ZIP_OPEN_ERRORS as exc:
        raise _fail(label, f"손상되었거나 잘린 ZIP 파일입니다 / a damaged or truncated ZIP "
                           f"archive ({exc})") from None


_DAMAGE = (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError, RuntimeError,
           ValueError)


def _entry_lines(archive: zipfile.ZipFile, name: str, label: str,
                 limit: int = MAX_LINE_BYTES) -> Iterator[bytes]:
    """The lines of an archive entry, read in a streaming way, none longer than *limit* bytes;
    damage is a BackupError."""
    line_no = 0
    try:
        with archive.open(name) as stream:
            while line := stream.readline(limit + 1):
                line_no += 1
                if len(line) > limit:
                    raise _fail(f"{label}: {name} {line_no}행 / line {line_no}",
                                f"행이 {limit // (1024 * 1024)} MB보다 깁니다 / the line is longer "
                                f"than {limit // (1024 * 1024)} MB")
                yield line
    except _DAMAGE as exc:
        raise _fail(f"{label}: {name}", f"손상된 항목입니다 / damaged entry ({exc})") from None


def _entry_digest(archive: zipfile.ZipFile, name: str, label: str) -> tuple[str, int]:
    """An entry's SHA-256 and line count, read in chunks (no line is held whole)."""
    digest, lines, last = hashlib.sha256(), 0, b"\n"
    try:
        with archive.open(name) as stream:
            while block := stream.read(_CHUNK):
                digest.update(block)
                lines += block.count(b"\n")
                last = block[-1:]
    except _DAMAGE as exc:
        raise _fail(f"{label}: {name}", f"손상된 항목입니다 / damaged entry ({exc})") from None
    return digest.hexdigest(), lines + (last != b"\n")


def read_manifest(archive: zipfile.ZipFile, label: str) -> Manifest:
    names = archive.namelist()
    if MANIFEST not in names:
        raise _fail(label, f"{MANIFEST}이(가) 없습니다: RTIS 백업이 아닙니다 / no {MANIFEST}: "
                           f"not an RTIS backup")
    if archive.getinfo(MANIFEST).file_size > MAX_MANIFEST_BYTES:
        raise _fail(f"{label}: {MANIFEST}", f"{MAX_MANIFEST_BYTES // (1024 * 1024)} MB보다 큽니다: "
                                            f"RTIS 백업이 아닙니다 / larger than "
                                            f"{MAX_MANIFEST_BYTES // (1024 * 1024)} MB: not an "
                                            f"RTIS backup")
    manifest = _parse_manifest(b"".join(_entry_lines(archive, MANIFEST, label,
                                                     MAX_MANIFEST_BYTES)),
                               f"{label}: {MANIFEST}")
    listed = {t.file for t in manifest.tables}
    if len(listed) != len(manifest.tables) or len({t.model for t in manifest.tables}) != len(listed):
        raise _fail(f"{label}: {MANIFEST}", "같은 표가 두 번 나옵니다 / a table is listed twice")
    entries = {f.entry for f in manifest.files}
    if len(entries) != len(manifest.files) or entries & listed:
        raise _fail(f"{label}: {MANIFEST}", "같은 파일이 두 번 나옵니다 / a file is listed twice")
    listed |= entries
    extra = sorted(set(names) - listed - {MANIFEST})
    missing = sorted(listed - set(names))
    if extra or missing or len(names) != len(set(names)):
        raise _fail(label, f"목록과 내용이 다릅니다 / the archive does not match its manifest "
                           f"(없음 missing: {missing},목록에 없음 unlisted: {extra})")
    return manifest


def verify_archive(archive: zipfile.ZipFile, manifest: Manifest, label: str) -> None:
    """Check every table's row count and SHA-256 against the manifest, before anything is read."""
    for table in manifest.tables:
        digest, count = _entry_digest(archive, table.file, label)
        if digest != table.sha256:
            raise _fail(f"{label}: {table.file}", "SHA-256이 목록과 다릅니다: 파일이 바뀌었거나 "
                                                  "손상되었습니다 / SHA-256 does not match the "
                                                  "manifest: the file was changed or damaged")
        if count != table.rows:
            raise _fail(f"{label}: {table.file}", f"행 수 {count}이(가) 목록의 {table.rows}와 "
                                                  f"다릅니다 / {count} rows, the manifest says "
                                                  f"{table.rows}")
    for stored in manifest.files:
        digest, size = _file_digest(archive, stored.entry, label)
        if digest != stored.sha256 or size != stored.size:
            raise _fail(f"{label}: {stored.entry}", "SHA-256 또는 크기가 목록과 다릅니다: 파일이 "
                                                    "바뀌었거나 손상되었습니다 / SHA-256 or size "
                                                    "does not match the manifest: the file was "
                                                    "changed or damaged")


def _check_compatible(manifest: Manifest, label: str, using: str) -> list[type[models.Model]]:
    """The models to load, in order; refuses an archive written for another schema."""
    here = migration_state(using)
    if manifest.migrations != here:
        diff = sorted(
            f"{app}: {sorted(set(manifest.migrations.get(app, [])) ^ set(here.get(app, [])))}"
            for app in set(manifest.migrations) | set(here)
            if set(manifest.migrations.get(app, [])) != set(here.get(app, []))
        )
        raise _fail(label, f"보관 파일의 DB 구조(마이그레이션)가 이 DB와 다릅니다: {'; '.join(diff)}. "
                           f"RTIS {manifest.rtis_version} 버전에서 `rtis migrate` 후 가져오고, 그 "
                           f"다음에 업그레이드하십시오 / the archive's migrations differ from this "
                           f"database's: restore with RTIS {manifest.rtis_version} after `rtis "
                           f"migrate`, then upgrade")
    ordered = exported_models()
    by_label = {m._meta.label_lower: m for m in ordered}
    tables = {t.model: t for t in manifest.tables}
    unknown = sorted(set(tables) - set(by_label))
    absent = sorted(set(by_label) - set(tables))
    if unknown or absent:
        raise _fail(f"{label}: {MANIFEST}", f"표 목록이 이 RTIS와 다릅니다 / the tables differ from "
                                            f"this RTIS (모르는 표 unknown: {unknown}, 빠진 표 "
                                            f"missing: {absent})")
    for model in ordered:
        table = tables[model._meta.label_lower]
        expected = [f.attname for f in columns_of(model, with_secrets=manifest.password_hashes)]
        if table.columns != expected or table.file != entry_name(model):
            raise _fail(f"{label}: {table.file}", f"열이 이 RTIS와 다릅니다 / the columns differ: "
                                                  f"{table.columns} ≠ {expected}")
    return ordered


@dataclass
class RestoreSummary:
    tables: int = 0
    rows: int = 0
    password_hashes: bool = False
    users: list[str] = field(default_factory=list)
    files: int = 0
    missing_files: list[tuple[str, str]] = field(default_factory=list)
    # --replace: stored files no restored row names, removed from their model's own folder
    removed_files: list[tuple[str, str]] = field(default_factory=list)


class _DryRun(Exception):
    pass


def _quote(using: str, model: type[models.Model]) -> str:
    return connections[using].ops.quote_name(model._meta.db_table)


def _wipe(ordered: list[type[models.Model]], using: str) -> None:
    """Empty the archive's tables and what refers to them outside it (admin log, sessions)."""
    covered = {m._meta.label_lower for m in ordered}
    referring = [
        m for m in apps.get_models(include_auto_created=True)
        if m._meta.label_lower not in covered and not m._meta.proxy and m._meta.managed
        and any(f.is_relation and isinstance(f.related_model, type)
                and f.related_model._meta.label_lower in covered
                for f in m._meta.local_concrete_fields)
    ]
    # Sessions name users by id: after a restore they could sign in someone else.
    extra = [m for m in apps.get_models() if m._meta.label_lower == "sessions.session"]
    with connections[using].cursor() as cursor:
        for model in [*referring, *extra, *reversed(ordered)]:
            cursor.execute(f"DELETE FROM {_quote(using, model)}")


def _refuse_unless_empty(ordered: list[type[models.Model]], label: str, using: str) -> None:
    """Refuse a database holding rows in any table but those `rtis migrate` fills."""
    full = [(m._meta.label_lower, m._base_manager.using(using).count()) for m in ordered
            if m._meta.label_lower not in MIGRATION_FILLED
            and m._base_manager.using(using).exists()]
    if full:
        tables = ", ".join(f"{name} ({count})" for name, count in full)
        raise _fail(label, f"DB가 비어 있지 않습니다 (표·행 수: {tables}). 새 DB에 `rtis migrate` 후 "
                           f"가져오거나, DB 내용을 지우고 보관 파일로 바꾸려면 --replace를 쓰십시오 / "
                           f"the database is not empty (tables, rows: {tables}). Import into a new "
                           f"database after `rtis migrate`, or use --replace to erase its content "
                           f"and put the archive's in its place")


def _load_table(archive: zipfile.ZipFile, table: TableSummary, model: type[models.Model],
                manifest: Manifest, label: str, replace: bool, using: str,
                summary: RestoreSummary) -> None:
    cols = columns_of(model, with_secrets=manifest.password_hashes)
    by_name = {f.attname: f for f in cols}
    pk = model._meta.pk.attname
    if model._meta.label_lower in MIGRATION_FILLED and not replace:
        with connections[using].cursor() as cursor:
            cursor.execute(f"DELETE FROM {_quote(using, model)}")
    fields = stored_fields(model)
    set_password = model._meta.label_lower == PASSWORD_MODEL and not manifest.password_hashes
    connection = connections[using]
    batch: list[models.Model] = []
    first_line = 1

    def flush(last_line: int) -> None:
        if not batch:
            return
        try:
            with transaction.atomic(using=using):
                model._base_manager._insert(batch, fields=fields, using=using, raw=True)  # type: ignore[attr-defined]
        except DatabaseError as exc:
            raise _fail(f"{label}: {table.file} {first_line}–{last_line}행 / lines "
                        f"{first_line}–{last_line}",
                        f"DB가 행을 받지 않습니다 / the database refused the rows: {exc}") from None
        batch.clear()

    line_no = 0
    for line_no, raw in enumerate(_entry_lines(archive, table.file, label), start=1):
        where = f"{label}: {table.file} {line_no}행 / line {line_no}"
        row = _json(raw, where)
        if not isinstance(row, dict) or list(row) != table.columns:
            keys = list(row) if isinstance(row, dict) else type(row).__name__
            raise _fail(where, f"열이 목록과 다릅니다 / the columns differ from the manifest: "
                               f"{keys}")
        values: dict[str, Any] = {}
        for name, value in row.items():
            try:
                values[name] = decode_value(by_name[name], value)
            except ValueError as exc:
                raise _fail(f"{where}, {name}", f"값 {value!r}: {exc} / value {value!r}: "
                                                f"{exc}") from None
        if set_password:
            values[PASSWORD_FIELD] = make_password(None)
        if model._meta.label_lower == PASSWORD_MODEL:
            summary.users.append(str(values.get("username", values[pk])))
        if not batch:
            first_line = line_no
        batch.append(model(**values))
        if len(batch) >= max(1, min(BATCH, connection.ops.bulk_batch_size(fields, batch))):
            flush(line_no)
        summary.rows += 1
    flush(line_no)
    summary.tables += 1


def _reset_sequences(ordered: list[type[models.Model]], using: str) -> None:
    connection = connections[using]
    statements = connection.ops.sequence_reset_sql(no_style(), ordered)
    if statements:
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)


def restore_backup(source: str | Path | IO[bytes], *, label: str | None = None,
                   replace: bool = False, dry_run: bool = False,
                   using: str = "default") -> RestoreSummary:
    """Load an rtis-backup/1 archive into the database, all or nothing.

    Refuses a database holding any row but those `rtis migrate` writes (`MIGRATION_FILLED`,
    which give way to the archive's), unless `replace`, which empties the archive's tables
    first. `dry_run` does everything, then rolls back.
    """
    label = label or (str(source) if isinstance(source, str | Path) else "archive")
    started = time.monotonic()
    archive = _open_archive(source, label)
    with archive:
        manifest = read_manifest(archive, label)
        verify_archive(archive, manifest, label)
        summary = RestoreSummary(password_hashes=manifest.password_hashes)
        staged: list[tuple[Path, Path]] = []
        try:
            with transaction.atomic(using=using):
                ordered = _check_compatible(manifest, label, using)
                tables = {t.model: t for t in manifest.tables}
                if replace:
                    _wipe(ordered, using)
                else:
                    _refuse_unless_empty(ordered, label, using)
                for model in ordered:
                    _load_table(archive, tables[model._meta.label_lower], model, manifest, label,
                                replace, using, summary)
                try:
                    connections[using].check_constraints(
                        table_names=[m._meta.db_table for m in ordered])
                except DatabaseError as exc:
                    raise _fail(label, f"참조가 맞지 않습니다 / a reference does not hold: "
                                       f"{exc}") from None
                _verify_counts(ordered, tables, label, using)
                _check_files(manifest, label, using)
                if not dry_run:
                    staged = _stage_files(archive, manifest, label)
                summary.files = len(manifest.files)
                summary.missing_files = list(manifest.missing_files)
                _reset_sequences(ordered, using)
                if using == "default":
                    from rtis.search.index import reindex

                    reindex()
                if dry_run:
                    raise _DryRun
        except _DryRun:
            return summary
        except BaseException:
            _discard_staged(staged)
            raise
    _place_staged(staged, label)
    if replace:
        summary.removed_files = _remove_unreferenced_files(using)
    logger.info("restored backup %s: %d tables, %d rows, %d old file(s) removed in %.2fs", label,
                summary.tables, summary.rows, len(summary.removed_files),
                time.monotonic() - started)
    return summary


def _verify_counts(ordered: list[type[models.Model]], tables: dict[str, TableSummary],
                   label: str, using: str) -> None:
    for model in ordered:
        table = tables[model._meta.label_lower]
        count = model._base_manager.using(using).count()
        if count != table.rows:
            raise _fail(f"{label}: {table.file}", f"가져온 뒤 행 수 {count}이(가) 목록의 "
                                                  f"{table.rows}와 다릅니다 / {count} rows after "
                                                  f"the import, the manifest says {table.rows}")


# --- stored files (rnd-pages) ---------------------------------------------------------------
# A model whose rows name a file on disk declares `backup_files = (column, storage)` (e.g.
# rnd.Attachment: the uploaded application files under VAR_DIR/media). The archive carries each
# named file as `files/<model>/<path>`, listed in the manifest with its size and SHA-256, so a
# restore brings back the bytes, not only the rows.

FILES_DIR = "files/"
_SAFE_PART = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,199}$")


def file_models() -> list[tuple[type[models.Model], str, Any]]:
    """The exported models whose rows name stored files: (model, column, storage)."""
    found = []
    for model in exported_models():
        declared = getattr(model, "backup_files", None)
        if declared is not None:
            column, storage = declared[:2]
            found.append((model, column, storage))
    return found


def file_folders() -> list[tuple[type[models.Model], str, Path, Path]]:
    """The exported models whose stored files live in a folder of their own, holding nothing
    else (`backup_files = (column, storage, folder)`): (model, column, the storage's root,
    that folder)."""
    found = []
    for model in exported_models():
        declared = getattr(model, "backup_files", None)
        if declared is not None and len(declared) > 2 and safe_relative(declared[2]):
            column, storage, folder = declared
            found.append((model, column, Path(storage.location), Path(storage.location) / folder))
    return found


def _remove_unreferenced_files(using: str) -> list[tuple[str, str]]:
    """After a --replace restore: delete each file of a model's own folder that no row of the
    restored database names (the old database's files), so the disk holds what the data
    holds. Only regular files inside that folder are touched (a symbolic link is neither
    followed nor removed, nothing outside the folder is looked at), and the names are read
    from the database after the restore committed: a named file is never removed."""
    removed: list[tuple[str, str]] = []
    for model, column, storage_root, folder in file_folders():
        root = folder.resolve()
        if not root.is_dir():
            continue
        storage_root = storage_root.resolve()
        named = {str(Path(name)) for name in
                 model._base_manager.using(using).values_list(column, flat=True)}
        for directory, subdirs, files in os.walk(root, topdown=True, followlinks=False):
            here = Path(directory)
            subdirs[:] = [d for d in subdirs if not (here / d).is_symlink()]
            for name in files:
                path = here / name
                if path.is_symlink() or not path.is_file():
                    continue
                real = path.resolve()
                if not real.is_relative_to(root):
                    continue
                relative = str(real.relative_to(storage_root))
                if relative in named:
                    continue
                real.unlink()
                removed.append((model._meta.label_lower, relative))
        for directory, _subdirs, _files in os.walk(root, topdown=False, followlinks=False):
            here = Path(directory)
            if here != root and not here.is_symlink() and not any(here.iterdir()):
                here.rmdir()
    return removed


def safe_relative(path: str) -> bool:
    """A stored name that stays inside its storage: relative, plain parts, no '..'."""
    parts = path.split("/")
    return bool(path) and len(path) <= 400 and all(_SAFE_PART.match(p) for p in parts)


def _write_files(archive: zipfile.ZipFile) -> tuple[list[FileSummary], list[tuple[str, str]]]:
    files: list[FileSummary] = []
    missing: list[tuple[str, str]] = []
    for model, column, storage in file_models():
        label = model._meta.label_lower
        names = model._base_manager.order_by("pk").values_list(column, flat=True)
        for name in names.iterator(chunk_size=2000):
            entry = f"{FILES_DIR}{label}/{name}"
            if not safe_relative(name):
                raise BackupError(f"{label} {name!r}: 저장 경로가 올바르지 않습니다 / not a safe "
                                  f"stored name")
            try:
                source = storage.open(name, "rb")
            except FileNotFoundError:
                missing.append((label, name))
                continue
            info = zipfile.ZipInfo(entry, date_time=ENTRY_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            digest, size = hashlib.sha256(), 0
            with source, archive.open(info, "w", force_zip64=True) as out:
                while block := source.read(_CHUNK):
                    digest.update(block)
                    size += len(block)
                    out.write(block)
            files.append(FileSummary(label, name, entry, size, digest.hexdigest()))
    if missing:
        logger.warning("backup: %d stored file(s) missing on disk: %s", len(missing),
                       ", ".join(f"{m} {p}" for m, p in missing[:10]))
    return files, missing


def _parse_files(data: dict[str, Any], problems: list[str]
                 ) -> tuple[list[FileSummary], list[tuple[str, str]]]:
    raw = data.get("files", [])
    raw_missing = data.get("missing_files", [])
    files: list[FileSummary] = []
    missing: list[tuple[str, str]] = []
    if not isinstance(raw, list):
        problems.append("$.files")
        raw = []
    if not isinstance(raw_missing, list):
        problems.append("$.missing_files")
        raw_missing = []
    for i, f in enumerate(raw):
        ok = (isinstance(f, dict) and isinstance(f.get("model"), str)
              and isinstance(f.get("path"), str) and safe_relative(f["path"])
              and f.get("entry") == f"{FILES_DIR}{f.get('model')}/{f.get('path')}"
              and isinstance(f.get("size"), int) and not isinstance(f.get("size"), bool)
              and f["size"] >= 0 and isinstance(f.get("sha256"), str))
        if not ok:
            problems.append(f"$.files[{i}]")
            continue
        files.append(FileSummary(f["model"], f["path"], f["entry"], f["size"], f["sha256"]))
    for i, m in enumerate(raw_missing):
        if not (isinstance(m, dict) and isinstance(m.get("model"), str)
                and isinstance(m.get("path"), str)):
            problems.append(f"$.missing_files[{i}]")
            continue
        missing.append((m["model"], m["path"]))
    return files, missing


def _file_digest(archive: zipfile.ZipFile, name: str, label: str) -> tuple[str, int]:
    digest, size = hashlib.sha256(), 0
    try:
        with archive.open(name) as stream:
            while block := stream.read(_CHUNK):
                digest.update(block)
                size += len(block)
    except _DAMAGE as exc:
        raise _fail(f"{label}: {name}", f"손상된 항목입니다 / damaged entry ({exc})") from None
    return digest.hexdigest(), size


def _check_files(manifest: Manifest, label: str, using: str) -> None:
    """Every file of the archive is named by a restored row, and every row's file is in the
    archive (or was recorded missing when the backup was written)."""
    carried = {(f.model, f.path) for f in manifest.files}
    known = set(manifest.missing_files)
    for model, column, _storage in file_models():
        name = model._meta.label_lower
        named = set(model._base_manager.using(using).values_list(column, flat=True))
        stray = sorted(p for m, p in carried if m == name and p not in named)
        if stray:
            raise _fail(f"{label}: {FILES_DIR}{name}/{stray[0]}",
                        f"이 파일을 가리키는 행이 없습니다 / no {name} row names this file")
        lacking = sorted(p for p in named if (name, p) not in carried and (name, p) not in known)
        if lacking:
            raise _fail(f"{label}: {name}", f"행이 가리키는 파일이 보관 파일에 없습니다: {lacking[0]}"
                                            f"{f' 외 {len(lacking) - 1}개' if len(lacking) > 1 else ''}"
                                            f" / a row names a file the archive lacks: "
                                            f"{lacking[0]}")
    unknown = sorted({f.model for f in manifest.files}
                     - {m._meta.label_lower for m, _c, _s in file_models()})
    if unknown:
        raise _fail(f"{label}: {MANIFEST}", f"파일을 담지 않는 표의 파일입니다 / files of tables "
                                            f"that hold none: {unknown}")


def _stage_files(archive: zipfile.ZipFile, manifest: Manifest, label: str
                 ) -> list[tuple[Path, Path]]:
    """Unpack the files beside their places (same file system), checked again while written;
    they are moved into place only once the database is restored."""
    storages = {m._meta.label_lower: s for m, _c, s in file_models()}
    staged: list[tuple[Path, Path]] = []
    token = uuid.uuid4().hex
    try:
        for stored in manifest.files:
            root = Path(storages[stored.model].location)
            target = root / stored.path
            temp = root / f".restore-{token}" / stored.path
            temp.parent.mkdir(parents=True, exist_ok=True)
            staged.append((temp, target))
            digest, size = hashlib.sha256(), 0
            with archive.open(stored.entry) as source, temp.open("wb") as out:
                while block := source.read(_CHUNK):
                    size += len(block)
                    if size > stored.size:
                        break
                    digest.update(block)
                    out.write(block)
            if size != stored.size or digest.hexdigest() != stored.sha256:
                raise _fail(f"{label}: {stored.entry}", "풀어 쓴 파일이 목록과 다릅니다 / the "
                                                        "unpacked file does not match the "
                                                        "manifest")
    except _DAMAGE as exc:
        _discard_staged(staged)
        raise _fail(label, f"파일을 풀 수 없습니다 / cannot unpack the files ({exc})") from None
    except BaseException:
        _discard_staged(staged)
        raise
    return staged


def _discard_staged(staged: list[tuple[Path, Path]]) -> None:
    for root in {_staging_root(temp) for temp, _target in staged}:
        shutil.rmtree(root, ignore_errors=True)


def _staging_root(path: Path) -> Path:
    """The .restore-<token> folder a staged file lies in."""
    return next(p for p in path.parents if p.name.startswith(".restore-"))


def _place_staged(staged: list[tuple[Path, Path]], label: str) -> None:
    """Move the unpacked files into place (a rename each: the same file system)."""
    roots = {_staging_root(t) for t, _ in staged}
    try:
        for temp, target in staged:
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(temp, target)
    except OSError as exc:
        raise BackupError(f"{label}: DB는 복원되었으나 파일을 제자리에 옮기지 못했습니다 ({exc}); "
                          f"다시 --replace로 복원하십시오 / the database was restored but the "
                          f"files could not be moved into place ({exc}); restore again with "
                          f"--replace") from None
    finally:
        for root in roots:
            shutil.rmtree(root, ignore_errors=True)
