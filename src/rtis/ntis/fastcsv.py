"""The C path of the national project import (rtis.ntis._ntisfast), for UTF-8 CSV into SQLite.

The extension is optional (setup.py builds it where a C compiler and Python's headers exist).
It reads the file, checks and converts each record and binds it into SQLite through the
caller's own connection, inside the import's transaction. It never decides a record on its own
rules: a record it is not certain about goes to the Python converter (rtis.ntis.rows), and a
file it cannot read exactly as `csv.reader` does raises `Abort`, after which the importer rolls
back to its savepoint and reads the file with the Python path. tests/ntis/test_fast_equivalence.py
holds the two paths to the same rows, reports and reject files.
"""

from __future__ import annotations

import codecs
import platform
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from rtis.ntis.fields import FIELDS
from rtis.ntis.reader import FileRefused, _find_header
from rtis.ntis.rows import MAX_WON_DIGITS, MAX_YEAR, MIN_YEAR, TEXT_LIMITS

try:
    from rtis.ntis import _ntisfast  # type: ignore[attr-defined]
except ImportError:  # not built here: the Python path does everything
    _ntisfast = None

HEADER_SEARCH = 5  # records searched for the header, as rtis.ntis.reader._find_header
FIELD_NAMES = tuple(f.name for f in FIELDS)


class Abort(Exception):
    """The C path cannot read this file as the Python path would; use the Python path."""


def available() -> bool:
    """True when the extension is built and fits this interpreter and field set."""
    return (_ntisfast is not None and platform.python_implementation() == "CPython"
            and (3, 10) <= sys.version_info[:2] <= (3, 14)
            and tuple(_ntisfast.FIELDS) == FIELD_NAMES)


def csv_encoding(path: Path, encoding: str | None) -> str | None:
    """The encoding name the Python path would report when the file is UTF-8 ('utf-8' or
    'utf-8-sig'), or None when the C path does not apply (not CSV, another encoding named)."""
    if path.suffix.lower() not in (".csv", ".txt"):
        return None
    named = None
    if encoding:
        try:
            named = codecs.lookup(encoding).name
        except LookupError:
            return None
        if named not in ("utf-8", "utf-8-sig"):
            return None
    try:
        with path.open("rb") as f:
            bom = f.read(3) == codecs.BOM_UTF8
    except OSError:
        return None
    if named == "utf-8-sig" or bom:
        return "utf-8-sig"
    return "utf-8"


def header(path: Path) -> tuple[dict[str, int], list[str], int, int]:
    """(positions, unknown columns, byte offset and line number after the header record).

    Raises Abort when the first records are not plain UTF-8 CSV, or when the header is not
    found (the Python path then gives its refusal, word for word)."""
    assert _ntisfast is not None
    try:
        _bom, records = _ntisfast.head(str(path), HEADER_SEARCH)
    except _ntisfast.Abort as exc:
        raise Abort(str(exc)) from None
    taken: list[int] = []

    def rows() -> Iterator[tuple[int, list[str]]]:
        for index, (where, cells, _offset, _line) in enumerate(records):
            taken.append(index)
            yield where, cells

    try:
        positions, unknown = _find_header(rows())
    except FileRefused:
        raise Abort("header not found") from None
    _where, _cells, offset, line = records[taken[-1]]
    return positions, unknown, offset, line


def ingest(raw_connection: Any, path: Path, offset: int, line: int, positions: dict[str, int],
           *, held: set[int], stage_sql: str, direct_sql: str, row_sql: str,
           resolve: Callable[[str, str, int], str | None],
           slow: Callable[[int, list[str]], tuple[Any, ...] | None],
           duplicate: Callable[[int, list[str], str, int], None],
           progress: Callable[[int], None] | None, quarantine: bool) -> dict[str, Any]:
    """Read the records after the header into SQLite (see the module). Abort: use Python.

    `stage_sql` and `direct_sql` are INSERT statements ending in `VALUES `; `row_sql` is one
    row's value group (`(?, …)`), repeated for the multi-row statements."""
    assert _ntisfast is not None
    import _sqlite3  # the library the sqlite3 module loaded: the C side calls the same one
    import sqlite3

    if not isinstance(raw_connection, sqlite3.Connection):  # the C side reads its handle
        raise Abort("not a sqlite3 connection")
    batch = ", ".join([row_sql] * _ntisfast.BATCH)

    try:
        return dict(_ntisfast.ingest(
            connection=raw_connection, library=_sqlite3.__file__, path=str(path),
            offset=offset, line=line,
            positions=tuple(positions.get(name, -1) for name in FIELD_NAMES),
            limits=tuple(TEXT_LIMITS.get(name, 0) for name in FIELD_NAMES),
            years=(MIN_YEAR, MAX_YEAR), won_digits=MAX_WON_DIGITS, held=frozenset(held),
            stage_sql=stage_sql + row_sql, direct_sql=direct_sql + row_sql,
            stage_many_sql=stage_sql + batch, direct_many_sql=direct_sql + batch,
            resolve=resolve, slow=slow,
            duplicate=duplicate, progress=progress, quarantine=quarantine))
    except _ntisfast.Abort as exc:
        raise Abort(str(exc)) from None
