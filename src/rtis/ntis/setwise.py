"""The fast path of a CSV import: the file goes into the database with no Python code per record.

`csv.reader` parses the decoded file and C-level iterators (`filter(any, …)`, `map` over
`operator.add` and `operator.itemgetter`) pad each record and pick the columns the header names;
SQLite's `executemany` (PostgreSQL: `COPY` of the re-written CSV into a staging table) takes them
as they come. One SQL statement then converts and checks every record (text trimmed as
`str.strip()` does, amounts, years, dates, codes joined against the reference lists) and writes it.

The SQL accepts a subset of what the per-record converter (rtis.ntis.rows) accepts, and gives
the same values for it: anything else — a record with a problem, a code spelled in a way the
lists do not hold verbatim, a year the database already holds (it is compared and replaced),
a key twice in the file, bytes not in the encoding, an unreadable CSV — makes the statement fail
on that record (a NULL into a NOT NULL column, or the key's unique index), the savepoint is rolled
back, and the file goes through the per-record path, which reports every problem with its line.
So a clean file of new years loads at the database's speed, and every other file gets exactly
the report it got before.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import itertools
import operator
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.db import connection

from rtis.config import clock
from rtis.ntis.fields import FIELDS, header_map
from rtis.ntis.reader import _named_encoding
from rtis.ntis.rows import CODED, COLUMNS, MAX_WON_DIGITS, MIN_YEAR, TEXT_LIMITS, Resolver
from rtis.refdata.models import Code as CodeRow

CHUNK_ROWS = 50_000
HEAD_BYTES = 1 << 16
RAW = "ntis_raw"
CODES = "ntis_codes"
# Every character str.strip() removes (str.isspace), so SQL trims as Python does.
WHITESPACE = "".join(chr(i) for i in range(0x110000) if chr(i).isspace())
NAMES = tuple(f.name for f in FIELDS)
_LISTS = (*CODED.values(), "science_class")


class NotFast(Exception):
    """This file needs the per-record path (the caller rolls the fast attempt back)."""


@dataclass
class FastResult:
    encoding: str
    unknown_columns: list[str]
    records: int
    sha256: str


# --- reading ------------------------------------------------------------------------------------


class _Hashing(io.RawIOBase):
    """A file read once: the SHA-256 of its bytes computed as the CSV reader pulls them."""

    def __init__(self, raw: Any) -> None:
        self.raw = raw
        self.digest = hashlib.sha256()

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        count = self.raw.readinto(buffer)
        if count:
            self.digest.update(memoryview(buffer)[:count])
        return count or 0

    def close(self) -> None:
        self.raw.close()
        super().close()


def choose_encoding(path: Path, named: str | None) -> str:
    """The encoding the per-record path would pick, judged from the file's start; a file whose
    start does not tell (or that turns out otherwise later) is not for the fast path."""
    if named:
        return _named_encoding(named)
    with path.open("rb") as f:
        head = f.read(HEAD_BYTES)
    bom = head.startswith(codecs.BOM_UTF8)
    for encoding in ("utf-8", "cp949"):
        try:
            codecs.getincrementaldecoder(encoding)("strict").decode(head, final=False)
        except UnicodeDecodeError:
            if bom:
                break
            continue
        if encoding == "utf-8":
            return "utf-8-sig" if bom else "utf-8"
        return encoding
    raise NotFast("encoding")


@dataclass
class _Opened:
    reader: Any  # csv.reader
    hashing: _Hashing
    text: io.TextIOWrapper
    positions: dict[str, int]
    unknown: list[str]


def _open(path: Path, encoding: str) -> _Opened:
    hashing = _Hashing(path.open("rb", buffering=0))
    buffered = io.BufferedReader(hashing, buffer_size=1 << 20)
    text = io.TextIOWrapper(buffered, encoding=encoding, errors="strict", newline="")
    reader = csv.reader(text)
    for _ in range(5):  # the header is within the first five rows (reader._find_header)
        cells = next(reader, None)
        if cells is None:
            break
        positions, unknown = header_map(cells)
        if "project_no" in positions and "year" in positions:
            return _Opened(reader, hashing, text, positions, unknown)
    text.close()
    raise NotFast("header")


def records(opened: _Opened) -> tuple[Iterator[tuple[str, ...]], list[str]]:
    """(each non-blank record's cells of the known fields, in file order; those fields' names).

    Blank records (no cell with text) are dropped as the per-record path drops them; a short
    record is padded with empty cells, as the converter pads it."""
    present = [name for name in NAMES if name in opened.positions]
    width = max(opened.positions.values()) + 1
    pick = operator.itemgetter(*(opened.positions[name] for name in present))
    padded = map(operator.add, filter(any, opened.reader), itertools.repeat([""] * width))
    # each cell str.strip()ped as the converter strips it (in C: a map per record, no frame)
    return map(tuple, map(map, itertools.repeat(str.strip), map(pick, padded))), present


def chunks(rows: Iterator[tuple[str, ...]]) -> Iterator[list[tuple[str, ...]]]:
    while chunk := list(itertools.islice(rows, CHUNK_ROWS)):
        yield chunk


# --- codes ----------------------------------------------------------------------------------------


def _spellings(list_name: str) -> set[str]:
    """Every code, name and other spelling the list has held, as written."""
    found: set[str] = set()
    for code, name, aliases in CodeRow.objects.filter(
            list_version__code_list__name=list_name).values_list("code", "name", "aliases"):
        found.update(s.strip() for s in (code, name, *(aliases or [])) if s.strip())
    if list_name == "science_class":  # looked up by the first two characters of a code, upper
        found |= {s[:2].upper() for s in found if s.isascii()}
    return found


def code_rows(resolve: Resolver, years: range) -> list[tuple[str, str, int, str]]:
    """(list, spelling, year, code) for every spelling the lists hold, in every year: the table
    the SQL joins. A value spelled otherwise finds no row and goes the per-record way."""
    rows = []
    for list_name in _LISTS:
        spellings = _spellings(list_name)
        for year in years:
            for spelling in spellings:
                code = resolve(list_name, spelling, year)
                if code is not None:
                    rows.append((list_name, spelling, year, code))
    return rows


def code_years() -> range:
    return range(MIN_YEAR, clock.today().year + 2)


# --- SQL ----------------------------------------------------------------------------------------


class _Dialect:
    def __init__(self, vendor: str) -> None:
        self.sqlite = vendor == "sqlite"

    def trim(self, x: str) -> str:
        return f"{'trim' if self.sqlite else 'btrim'}({x}, '{WHITESPACE}')"

    def digits(self, x: str, count: int | None = None) -> str:
        """x is ASCII digits only (exactly `count` of them when given), never empty."""
        if self.sqlite:
            if count:
                return f"{x} GLOB '{'[0-9]' * count}'"
            return f"({x} <> '' AND {x} NOT GLOB '*[^0-9]*')"
        return f"{x} ~ '^[0-9]{{{count}}}$'" if count else f"{x} ~ '^[0-9]+$'"

    def printable_ascii(self, x: str) -> str:
        return f"{x} NOT GLOB '*[^ -~]*'" if self.sqlite else f"{x} ~ '^[ -~]*$'"

    def find(self, x: str, what: str) -> str:
        return f"instr({x}, '{what}')" if self.sqlite else f"strpos({x}, '{what}')"

    def last2(self, x: str) -> str:
        return f"substr({x}, -2)" if self.sqlite else f"right({x}, 2)"

    def valid_date(self, iso: str) -> str:
        """iso ('YYYY-MM-DD', digits checked) is a day of the calendar, year 1 or later."""
        if self.sqlite:
            # date() echoes 02-30 as written; a modifier makes it compute the day (03-02)
            return f"(substr({iso}, 1, 4) <> '0000' AND date({iso}, '+0 days') = {iso})"
        y, m, d = (f"CAST(substr({iso}, {a}, {b}) AS integer)" for a, b in ((1, 4), (6, 2),
                                                                              (9, 2)))
        return (f"(CASE WHEN {y} >= 1 AND {m} BETWEEN 1 AND 12 THEN {d} BETWEEN 1 AND "
                f"extract(day FROM make_date({y}, {m}, 1) + interval '1 month' - interval "
                f"'1 day') ELSE false END)")

    def date_value(self, iso: str) -> str:
        return iso if self.sqlite else f"CAST({iso} AS date)"


def converted(vendor: str, present: list[str], source: str, held: list[int],
              batch_id: int) -> str:
    """SELECT over `source` (columns f_<field>) giving ntis_project's columns (COLUMNS order, then
    batch_id), every value as rtis.ntis.rows would give it; project_no is NULL for a record the
    SQL does not accept as it stands (so the INSERT fails on it).

    Built in layers, each a subquery the planner may not merge into the next (OFFSET 0), so a
    value used several times (a trimmed cell, a date's digits) is computed once per record."""
    q = _Dialect(vendor)
    fence = "LIMIT -1 OFFSET 0" if q.sqlite else "OFFSET 0"
    codes = f"temp.{CODES}" if q.sqlite else CODES
    # 1: every cell (already stripped: t_), amounts without commas
    first = [f"{f'f_{n}' if n in present else chr(39) * 2} AS t_{n}" for n in NAMES]
    amounts = ("gov_funds", "private_funds", "total_funds")
    first += [f"replace(f_{n}, ',', '') AS k_{n}" if n in present
              else f"'' AS k_{n}" for n in amounts]
    # 2: the year, amounts without one trailing ".0", dates' first 10 or 8 characters, the
    # science code in capitals and the science name up to its first '-'
    second = ["CAST(t_year AS integer) AS yr"]
    second += [f"(CASE WHEN {q.last2(f'k_{n}')} = '.0' THEN substr(k_{n}, 1, length(k_{n}) - 2) "
               f"ELSE k_{n} END) AS w_{n}" for n in amounts]
    dates = ("start_date", "end_date")
    second += [f"(CASE WHEN length(t_{n}) >= 10 AND substr(t_{n}, 5, 1) IN ('-', '.', '/') "
               f"THEN substr(t_{n}, 1, 10) ELSE substr(t_{n}, 1, 8) END) AS h_{n}" for n in dates]
    second += ["upper(t_science_code) AS sc",
               f"(CASE WHEN {q.find('t_science_name', '-')} > 0 THEN substr(t_science_name, 1, "
               f"{q.find('t_science_name', '-')} - 1) ELSE t_science_name END) AS sn"]
    # 3: dates' digits; codes looked up in the year's lists
    third = [f"replace(replace(replace(h_{n}, '-', ''), '.', ''), '/', '') AS d_{n}"
             for n in dates]

    def code(list_name: str, key: str) -> str:
        return (f"(SELECT c.code FROM {codes} c WHERE c.list = '{list_name}' AND c.key = {key} "
                f"AND c.year = yr)")

    for name in ("ministry", "stage", "performer", "region", "six_t"):
        third.append(f"(CASE WHEN t_{name} = '' THEN '' ELSE {code(CODED[name], f't_{name}')} "
                     f"END) AS c_{name}")
    third.append(f"(CASE WHEN sc <> '' THEN {code('science_class', 'substr(sc, 1, 2)')} WHEN "
                 f"t_science_name <> '' THEN {code('science_class', 'sn')} ELSE '' END) AS large")
    # 4: dates as ISO text
    fourth = [f"(substr(d_{n}, 1, 4) || '-' || substr(d_{n}, 5, 2) || '-' || substr(d_{n}, 7, 2))"
              f" AS iso_{n}" for n in dates]
    checks = [q.digits("t_project_no", 10), q.digits("t_year", 4),
              f"yr BETWEEN {MIN_YEAR} AND 2100", "t_title <> ''", "length(t_title) <= 500",
              *(f"length(t_{n}) <= {limit}" for n, limit in TEXT_LIMITS.items()
                if n != "title" and n in present),
              *(f"(t_{n} = '' OR ({q.digits(f'w_{n}')} AND length(w_{n}) <= {MAX_WON_DIGITS}))"
                for n in amounts),
              "length(t_ministry) <= 100",
              f"(CASE WHEN sc <> '' THEN {q.printable_ascii('sc')} AND length(sc) <= 10 "
              f"ELSE true END)",
              *(f"(t_{n} = '' OR ({q.digits(f'd_{n}', 8)} AND {q.valid_date(f'iso_{n}')}))"
                for n in dates),
              *(f"c_{n} IS NOT NULL" for n in ("ministry", "stage", "performer", "region",
                                               "six_t")),
              "large IS NOT NULL"]
    if held:
        checks.append(f"yr NOT IN ({', '.join(str(int(y)) for y in held)})")

    def won(n: str) -> str:
        return f"(CASE WHEN t_{n} = '' THEN NULL ELSE CAST(w_{n} AS bigint) END)"

    values = {n: f"t_{n}" for n in COLUMNS if n in NAMES}
    values.update({
        "project_no": f"CASE WHEN {' AND '.join(f'({c})' for c in checks)} THEN t_project_no END",
        "year": "yr", "ministry_code": "c_ministry", "stage_code": "c_stage",
        "performer_code": "c_performer", "region_code": "c_region", "six_t_code": "c_six_t",
        "gov_funds": f"coalesce({won('gov_funds')}, 0)",
        "private_funds": f"coalesce({won('private_funds')}, 0)",
        "total_funds": f"coalesce({won('total_funds')}, coalesce({won('gov_funds')}, 0) + "
                       f"coalesce({won('private_funds')}, 0))",
        "science_code": "(CASE WHEN sc <> '' THEN sc WHEN t_science_name <> '' THEN large "
                        "ELSE '' END)",
        "science_large": "large",
        **{n: f"(CASE WHEN t_{n} = '' THEN NULL ELSE {q.date_value(f'iso_{n}')} END)"
           for n in dates}})
    layered = source
    for number, layer in enumerate((first, second, third, fourth), start=1):
        layered = f"(SELECT *, {', '.join(layer)} FROM {layered} {fence}) AS l{number}"
    return f"SELECT {', '.join(values[c] for c in COLUMNS)}, {int(batch_id)} FROM {layered}"


def _create_codes(vendor: str, resolve: Resolver) -> None:
    with connection.cursor() as cursor:
        if vendor == "sqlite":
            cursor.execute(f"DROP TABLE IF EXISTS temp.{CODES}")
            cursor.execute(f"CREATE TEMP TABLE {CODES} (list text, key text, year integer, "
                           f"code text, PRIMARY KEY (list, key, year)) WITHOUT ROWID")
        else:
            cursor.execute(f"DROP TABLE IF EXISTS {CODES}")
            cursor.execute(f"CREATE TEMP TABLE {CODES} (list text, key text, year integer, "
                           f"code text, PRIMARY KEY (list, key, year)) ON COMMIT DROP")
    rows = code_rows(resolve, code_years())
    raw = connection.connection
    if vendor == "sqlite":
        raw.executemany(f"INSERT INTO temp.{CODES} VALUES (?, ?, ?, ?)", rows)
    else:
        with raw.cursor() as cursor, cursor.copy(f"COPY {CODES} FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {CODES}")


def drop_temp_tables() -> None:
    if connection.vendor == "sqlite" and connection.connection is not None:
        with connection.cursor() as cursor:
            for table in (CODES, RAW):
                cursor.execute(f"DROP TABLE IF EXISTS temp.{table}")


# --- loading ------------------------------------------------------------------------------------

_INSERT_COLUMNS = ", ".join((*COLUMNS, "batch_id"))


def load_csv(path: Path, named_encoding: str | None, held: list[int], batch_id: int,
             resolve: Resolver, progress: Callable[[int], None] | None = None) -> FastResult:
    """Write every record of a CSV file into ntis_project, or raise (NotFast, a decoding or CSV
    error, a database error): the caller runs this in a savepoint and falls back."""
    vendor = connection.vendor
    encoding = choose_encoding(path, named_encoding)
    opened = _open(path, encoding)
    try:
        rows, present = records(opened)
        _create_codes(vendor, resolve)
        if vendor == "sqlite":
            count = _load_sqlite(rows, present, held, batch_id, progress)
        else:
            count = _load_postgresql(rows, present, held, batch_id, progress)
    finally:
        opened.text.close()
    return FastResult(encoding, opened.unknown, count, opened.hashing.digest.hexdigest())


def _load_sqlite(rows: Iterator[tuple[str, ...]], present: list[str], held: list[int],
                 batch_id: int, progress: Callable[[int], None] | None) -> int:
    params = ", ".join(f"? AS f_{name}" for name in present)
    sql = (f"INSERT INTO ntis_project ({_INSERT_COLUMNS}) "
           f"{converted('sqlite', present, f'(SELECT {params}) AS p', held, batch_id)}")
    raw = connection.connection
    (cache,) = raw.execute("PRAGMA cache_size").fetchone()
    raw.execute("PRAGMA cache_size = -262144")  # 256 MB of pages for this load, then back
    count = 0
    try:
        for chunk in chunks(rows):
            count += raw.executemany(sql, chunk).rowcount
            if progress is not None:
                progress(count)
    finally:
        raw.execute(f"PRAGMA cache_size = {int(cache)}")
    return count


def _load_postgresql(rows: Iterator[tuple[str, ...]], present: list[str], held: list[int],
                     batch_id: int, progress: Callable[[int], None] | None) -> int:
    columns = ", ".join(f"f_{name}" for name in present)
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {RAW}")
        cursor.execute(f"CREATE TEMP TABLE {RAW} ({', '.join(f'f_{n} text' for n in present)}) "
                       f"ON COMMIT DROP")
    raw = connection.connection
    count = 0
    with raw.cursor() as cursor, cursor.copy(
            f"COPY {RAW} ({columns}) FROM STDIN WITH (FORMAT csv, FORCE_NOT_NULL "
            f"({columns}))") as copy:
        for chunk in chunks(rows):
            out = io.StringIO()
            csv.writer(out, lineterminator="\r\n").writerows(chunk)
            copy.write(out.getvalue())
            count += len(chunk)
            if progress is not None:
                progress(count)
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO ntis_project ({_INSERT_COLUMNS}) "
                       f"{converted('postgresql', present, RAW, held, batch_id)}")
        inserted = cursor.rowcount
    if inserted != count:  # every row is inserted or the statement fails; never quietly fewer
        raise NotFast("rows lost")
    return count
