"""The C fast path for UTF-8 CSV (rtis.ntis.fastcsv) gives exactly what the Python path gives.

Every file here is imported twice from the same starting state, once with fast=False (the Python
reader and converter) and once with fast=True, and the two results must be identical: the rows of
ntis_project (every column, and on SQLite every value's storage type: integer, text or NULL), the
whole ImportReport, the reject file's bytes, the ImportBatch counters and the audit entry. Which
records the C path converts itself and which it hands to Python is its own affair: the contract
is the outcome.

The files are awkward on purpose (CSV syntax, Unicode whitespace that str.strip() removes and
zero-width space that it does not, digits that str.isdigit() accepts and int() or the SQL checks
do not, dates, amounts and codes at every edge, encodings, limits), hand-written and generated
(Hypothesis). The C path is SQLite only; on PostgreSQL the tests at the end check that fast=None
imports through the Python path.
"""

from __future__ import annotations

import codecs
import dataclasses
import os
import shutil
import sysconfig
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import pytest
from django.db import connection, transaction
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from rtis.audit.models import AuditEvent
from rtis.ingest.seed import SEED_DIR
from rtis.ntis.fields import FIELDS
from rtis.ntis.importer import ImportReport, do_import_projects
from rtis.ntis.models import ImportBatch, Project
from rtis.ntis.rows import COLUMNS, TEXT_LIMITS
from rtis.ntis.synth import Synth
from rtis.refdata.seed import load_refdata

pytestmark = pytest.mark.django_db


NAMES = [f.name for f in FIELDS]
HEADERS = [f.header for f in FIELDS]
BATCH_FIELDS = ("file_name", "sha256", "kind", "file_format", "encoding", "mode", "rows",
                "rejected", "added", "changed", "removed", "unchanged", "years")
# What str.strip() removes at a cell's ends (and U+200B, which it keeps).
STRIPPED = ("\u3000", "\xa0", "\u1680", "\u2028", "\u2029", "\x1c", "\x1d", "\x1e", "\x1f", "\x85",
            "\u200a", "\u202f", "\u2000", "\u205f", "\t", "\x0b", "\x0c", " ")
KEPT = ("\u200b", "\ufeff", "\u2060")
DATES = ("2019-07-01 00:00:00.0", "20190701", "2019.07.01", "2019/07/01", "2019-7-1",
         "2017-02-30", "0000-01-01", "2019-07-01xyz", "20190701abc", "2019-0-701", "2019/0701x",
         "2019-07-0", "201907", "٢٠١٩0701", "2019-07-01T00:00", "20191301", "2019-02-29",
         "2020-02-29", "9999-12-31", "0001-01-01", " 2019-07-01 ", "2019-07-01\u3000", "-",
         "2019--07-01", "2019-07-01 ", "")
AMOUNTS = ("1,234", "1234.0", "+5", "-0", "-5", "9" * 19, "9" * 18, "0" * 30 + "7",
           "١٢٣", "²", "1.5", "", "1.00", ".0", ",", "1,,2,", "+-5", "--5", "1e3", " 12 ",
           "12\u3000", "1 234", "0x10", "+0.0", "-0.0", "00", "1_000", "９", "12.0.0",
           "9,223,372,036,854,775,807", "999999999999999999.0")
YEARS = ("2017", " 2017 ", "02017", "1989", "1990", "2100", "2101", "²", "٢٠١٩", "2019.0",
         "+2019", "0002019", "00002019", "", "19 90", "２０１９",
         # past a 32-bit int: 2**32 + 2019, 2**33 + 2019, 100 * 2**32 + 2019 (12 digits)
         "4294969315", "8589936611", "429496731619", "000000002019", "0000000002019")
PROJECT_NOS = ("123456789", "12345678901", "١٢٣٤٥٦٧٨٩٠", "０１２３４５６７８９", " 1700999999 ",
               "1700999998\u3000", "1700999997\u200b", "17009999a6", "+170099999", "0000000000",
               "")
SCIENCE = ("ee", "Ee", "EE01", "ee0101", "ſa", "eı", "ｅｅ", "ß", "EEEEEEEEEEE", "EEEEEEEEEE",
           "ZZ", "E", "가나", "ee\u200b", "\u3000la\u3000", "Ε", "ǈa")
SCIENCE_NAMES = ("정보/통신", "정보/통신-세부", "보건의료-", "-정보/통신", "없는분류", " 생명과학 ",
                 "생 명 과 학")
CODED = {"ministry": ("없는부처", "과학기술정보통신부 ", "과학기술 정보통신부", "미래창조과학부", "가" * 100,
                      "가" * 101, ""),
         "stage": ("기초연구", "기초 연구", "없는단계", ""),
         "performer": ("대학", "없는주체", "대 학", ""),
         "region": ("서울", "서울특별시", "아틀란티스", "강원특별자치도", "세종", ""),
         "six_t": ("it", "IT", "BT(생명공학기술)", "ｉｔ", "XT", "")}


# --- the two paths ------------------------------------------------------------------------------

def _can_build() -> bool:
    include = sysconfig.get_paths().get("include") or ""
    return bool(shutil.which("cc")) and Path(include, "Python.h").exists()


def _fast_available() -> tuple[bool, str]:
    try:
        from rtis.ntis import fastcsv
    except ImportError as exc:
        return False, f"rtis.ntis.fastcsv does not import ({exc})"
    return bool(fastcsv.available()), "fastcsv.available() is False"


def require_fast_path() -> None:
    """Skip on PostgreSQL and where the extension cannot be built; fail where it could be."""
    if connection.vendor != "sqlite":
        pytest.skip("the C path is SQLite only (PostgreSQL: see the tests at the end)")
    ready, why = _fast_available()
    if ready:
        return
    if not _can_build():
        pytest.skip(f"the C extension is not built and cannot be here: no C compiler (cc) or "
                    f"no Python.h ({why})")
    pytest.fail(f"a C compiler and Python.h exist but the C extension is not built: {why}")


@pytest.fixture
def fast_path(db: Any, request: pytest.FixtureRequest) -> None:
    """The C path built (see require_fast_path), then the reference lists loaded."""
    require_fast_path()
    request.getfixturevalue("refdata")


@dataclasses.dataclass
class Outcome:
    earlier: list[dict[str, Any]]  # the reports of the imports made before, same path
    report: dict[str, Any]
    fast: bool
    table: list[tuple[Any, ...]]
    rejects: bytes | None
    batches: list[tuple[Any, ...]]
    audit: list[tuple[Any, ...]]


def report_fields(report: ImportReport) -> dict[str, Any]:
    fields = dataclasses.asdict(report)
    batch = fields.pop("batch_id")
    fields.pop("fast", None)
    fields["has_batch"] = batch is not None
    fields["loaded"] = report.loaded
    return fields


def dump_table() -> list[tuple[Any, ...]]:
    """Every project row, every column but id and batch_id, with SQLite's storage types."""
    if connection.vendor == "sqlite":
        columns = ", ".join(f"{c}, typeof({c})" for c in COLUMNS)
    else:
        columns = ", ".join(COLUMNS)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {columns} FROM ntis_project ORDER BY project_no, year")
        return [tuple(row) for row in cursor.fetchall()]


def import_once(path: Path, *, fast: bool | None, quarantine: bool, encoding: str | None,
                before: Sequence[Path]) -> Outcome:
    """Import `path` (after `before`) in a savepoint, note everything, roll it all back."""
    point = transaction.savepoint()
    try:
        audit_from = AuditEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0
        earlier = [report_fields(do_import_projects(None, p, fast=fast)) for p in before]
        rejects = path.with_name(f"{path.stem}.rejects-{fast}-{quarantine}.csv")
        rejects.unlink(missing_ok=True)
        report = do_import_projects(None, path, quarantine=quarantine, encoding=encoding,
                                    reject_path=rejects, fast=fast)
        audit = [(e.action, e.target_type, e.target_repr, e.reason,
                  {k: v for k, v in e.changes.items() if k not in ("id", "at")})
                 for e in AuditEvent.objects.filter(id__gt=audit_from).order_by("id")]
        return Outcome(
            earlier=earlier, report=report_fields(report), fast=bool(report.fast),
            table=dump_table(), rejects=rejects.read_bytes() if rejects.exists() else None,
            batches=list(ImportBatch.objects.order_by("id").values_list(*BATCH_FIELDS)),
            audit=audit)
    finally:
        transaction.savepoint_rollback(point)


RAN_FAST: dict[str, bool] = {}  # which files the C path took (printed with -s, for the record)


def assert_same(path: Path, *, modes: Iterable[bool] = (False, True), encoding: str | None = None,
                before: Sequence[Path] = ()) -> list[Outcome]:
    """Import the file by both paths, strict and quarantine; every outcome must be the same.
    Return the fast outcomes."""
    fast_outcomes = []
    for quarantine in modes:
        slow = import_once(path, fast=False, quarantine=quarantine, encoding=encoding,
                           before=before)
        assert not slow.fast, "fast=False must never take the C path"
        fast = import_once(path, fast=True, quarantine=quarantine, encoding=encoding,
                           before=before)
        where = f"{path.name} ({'quarantine' if quarantine else 'strict'}, C path "
        where += f"{'ran' if fast.fast else 'fell back'})"
        assert fast.earlier == slow.earlier, f"{where}: the earlier imports differ"
        assert fast.report == slow.report, f"{where}: the reports differ"
        assert fast.table == slow.table, f"{where}: the rows differ"
        assert fast.rejects == slow.rejects, f"{where}: the reject files differ"
        assert fast.batches == slow.batches, f"{where}: the import batches differ"
        assert fast.audit == slow.audit, f"{where}: the audit entries differ"
        RAN_FAST[f"{path.name}/{'q' if quarantine else 's'}"] = fast.fast
        fast_outcomes.append(fast)
    return fast_outcomes


# --- building files -----------------------------------------------------------------------------

class Raw(str):
    """A cell written as is, never quoted (to make odd CSV syntax)."""


def quote(cell: str) -> str:
    if isinstance(cell, Raw):
        return cell
    if any(c in cell for c in ',"\r\n'):
        return '"' + cell.replace('"', '""') + '"'
    return cell


def line(cells: Sequence[str]) -> str:
    return ",".join(quote(c) for c in cells)


def pool(count: int = 80, years: Sequence[int] = (2019, 2020), seed: int = 11,
         ) -> list[dict[str, Any]]:
    """Valid rows (ministries and regions of 2017 on) set in `years`, numbers all distinct."""
    rows = [dict(r) for r in Synth(seed).rows(count * 4) if r["year"] >= 2018][:count]
    assert len(rows) == count
    for i, row in enumerate(rows):
        row["year"] = years[i % len(years)]
    return rows


POOL = pool()


def cells_of(row: dict[str, Any], columns: Sequence[str] = NAMES) -> list[str]:
    return [str(row.get(name, "")) for name in columns]


def csv_bytes(records: Iterable[Sequence[str] | str], *, header: Sequence[str] = HEADERS,
              eol: str = "\r\n", bom: bool = False, final_eol: bool = True,
              before: Sequence[str] = (), encoding: str = "utf-8") -> bytes:
    """A CSV file: `before` lines, the header, then records (cell lists, or a str: a raw line)."""
    lines = [*before, line(header)]
    lines += [r if isinstance(r, str) else line(r) for r in records]
    data = (eol.join(lines) + (eol if final_eol else "")).encode(encoding)
    return codecs.BOM_UTF8 + data if bom else data


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / f"{name}.csv"
    path.write_bytes(data)
    return path


def with_values(field: str, values: Sequence[str], start: int = 0) -> list[list[str]]:
    """One record per value, each a valid pool row with `field` set to it."""
    assert start + len(values) <= len(POOL)
    records = []
    for row, value in zip(POOL[start:], values, strict=False):
        changed = dict(row)
        changed[field] = value
        records.append(cells_of(changed))
    return records


def plain(count: int = 6) -> list[list[str]]:
    return [cells_of(r) for r in POOL[:count]]


# --- the plain file takes the C path ------------------------------------------------------------

def test_a_plain_utf8_csv_takes_the_c_path_and_gives_the_same(fast_path: None,
                                                                tmp_path: Path) -> None:
    path = write(tmp_path, "plain", csv_bytes(plain(12)))
    outcomes = assert_same(path)
    assert all(o.fast for o in outcomes), "a plain UTF-8 CSV must be taken by the C path"
    assert outcomes[0].report["added"] == 12 and outcomes[0].report["written"]
    default = import_once(path, fast=None, quarantine=True, encoding=None, before=())
    assert default == outcomes[1]  # fast=None: the C path where it applies, as fast=True


def test_a_file_that_is_not_csv_never_takes_the_c_path(fast_path: None, tmp_path: Path) -> None:
    from rtis.ntis.synth import write_xlsx

    xlsx = tmp_path / "p.xlsx"
    write_xlsx(iter(POOL[:3]), xlsx)
    assert not any(o.fast for o in assert_same(xlsx, modes=(False,)))


# --- CSV syntax ---------------------------------------------------------------------------------

def _syntax_records() -> list[list[str]]:
    rows = plain(14)
    rows[0][2] = "가, 나, 다"  # title with commas (quoted)
    rows[1][2] = "첫 줄\n둘째 줄"
    rows[2][2] = "첫 줄\r\n둘째 줄"
    rows[3][2] = "첫 줄\r둘째 줄"
    rows[4][2] = 'a "quoted" word ""'
    rows[5][2] = Raw('ab"cd')  # a quote inside an unquoted field: kept
    rows[6][2] = Raw('"ab"cd')  # text after the closing quote: appended
    rows[7][2] = Raw('"ab" "cd"')
    rows[8][10] = "\n"  # goal is only a newline
    rows[9][2] = Raw('"제목"')  # quoted without need
    rows[10][1] = Raw('"' + rows[10][1] + '"')  # quoted project number
    rows[11][3] = '"'
    rows[12][2] = "\n\r\n\r제목\n"
    rows[13][0] = Raw(f'"{rows[13][0]}"x')  # a year with text after its quote
    return rows


@pytest.mark.parametrize("eol", ["\r\n", "\n", "\r"], ids=["crlf", "lf", "cr"])
def test_quoted_fields_and_line_endings(fast_path: None, tmp_path: Path, eol: str) -> None:
    assert_same(write(tmp_path, f"syntax-{len(eol)}{eol == chr(13)}",
                      csv_bytes(_syntax_records(), eol=eol)))


def test_mixed_line_endings_in_one_file(fast_path: None, tmp_path: Path) -> None:
    rows = plain(4)
    data = (line(HEADERS) + "\r\n" + line(rows[0]) + "\n" + line(rows[1]) + "\r" + line(rows[2])
            + "\n\r" + line(rows[3]) + "\r\r\n").encode()
    assert_same(write(tmp_path, "mixed-eol", data))


@pytest.mark.parametrize("kind", ["bom", "bom-crlf-no-final", "no-final-newline",
                                  "blank-lines", "commas-only", "spaces-only", "ragged-short",
                                  "ragged-long", "eof-in-quote", "eof-in-quote-no-newline",
                                  "nul", "header-quoted", "lone-quote-line", "repeated-header",
                                  "many-fields", "big-arena"])
def test_file_shapes(fast_path: None, tmp_path: Path, kind: str) -> None:
    cells = plain(5)
    rows: list[Sequence[str] | str] = list(cells)
    options: dict[str, Any] = {}
    if kind == "bom":
        options["bom"] = True
    elif kind == "bom-crlf-no-final":
        options.update(bom=True, final_eol=False)
    elif kind == "no-final-newline":
        options["final_eol"] = False
    elif kind == "blank-lines":
        rows = ["", rows[0], "", "", rows[1], rows[2], "", rows[3], rows[4], "", ""]
    elif kind == "commas-only":
        rows = [",,,,", rows[0], "," * 27, rows[1], ",", rows[2], rows[3], rows[4], ",,,"]
    elif kind == "spaces-only":
        rows = [rows[0], " ", rows[1], " , ", "\u3000", rows[2], "\t", rows[3], rows[4]]
    elif kind == "ragged-short":
        rows = [rows[0][:3], rows[1][:2], rows[2][:1], rows[3][:20], rows[4]]
    elif kind == "ragged-long":
        rows = [[*rows[0], "x"], [*rows[1], "", "", ""], [*rows[2], *rows[2]], rows[3], rows[4]]
    elif kind.startswith("eof-in-quote"):
        rows.append(line(cells_of(POOL[10])[:2]) + ',"열린 따옴표\n둘째 줄')
        options["final_eol"] = kind == "eof-in-quote"
    elif kind == "nul":
        cells[1][2] = "제\x00목"
        cells[2][1] += "\x00"
        cells[3][11] = "\x00"
    elif kind == "header-quoted":
        options["header"] = [Raw(f'"{h}"') for h in HEADERS]
    elif kind == "lone-quote-line":
        rows.insert(2, '"')
    elif kind == "repeated-header":  # exports pasted one after another
        rows.insert(3, HEADERS)
    elif kind == "many-fields":  # the C reader's field list grows past its first 64
        rows.insert(1, [*cells[1], *(["x"] * 300)])
        rows[2] = [*cells[2], *(['"a""b"'] * 100)]
        rows.insert(3, "," * 5000)
    elif kind == "big-arena":  # unquoted text past the C reader's first 64 KiB of scratch
        for k in (10, 11, 12):
            cells[1][k] = 'a"' * 20_000
        cells[2][13] = '"' * 99_999
    assert_same(write(tmp_path, kind, csv_bytes(rows, **options)))


@pytest.mark.parametrize("junk", [1, 2, 3, 4, 5], ids=lambda n: f"{n}-lines")
def test_the_header_below_junk_lines(fast_path: None, tmp_path: Path, junk: int) -> None:
    before = ["국가R&D 과제 검색결과", "", "기준년도,제목", ",,,", "과제고유번호,비고",
              "x"][:junk]
    assert_same(write(tmp_path, f"junk-{junk}", csv_bytes(plain(4), before=before)))


def test_a_header_only_file_and_an_empty_file(fast_path: None, tmp_path: Path) -> None:
    assert_same(write(tmp_path, "header-only", csv_bytes([])))
    assert_same(write(tmp_path, "empty", b""))
    assert_same(write(tmp_path, "bom-only", codecs.BOM_UTF8))


# --- columns ------------------------------------------------------------------------------------

@pytest.mark.parametrize("kind", ["unknown", "duplicated", "no-science-code", "no-total",
                                  "only-keys", "reordered", "synonyms", "spaced-headers",
                                  "no-dates"])
def test_columns(fast_path: None, tmp_path: Path, kind: str) -> None:
    columns = list(NAMES)
    header = list(HEADERS)
    extra: dict[int, str] = {}
    if kind == "unknown":
        header.insert(3, "비고")
        header.append(" 메모 ")
        columns.insert(3, "?")
        columns.append("?")
        extra = {3: "아무 값", len(columns) - 1: "x"}
    elif kind == "duplicated":
        header.append("과제명(국문)")
        columns.append("?")
        extra = {len(columns) - 1: "두 번째 제목"}
    elif kind in ("no-science-code", "no-total", "no-dates"):
        drop = {"no-science-code": ("science_code",), "no-total": ("total_funds",),
                "no-dates": ("start_date", "end_date")}[kind]
        keep = [i for i, name in enumerate(columns) if name not in drop]
        columns, header = [columns[i] for i in keep], [header[i] for i in keep]
    elif kind == "only-keys":
        columns, header = ["project_no", "year", "title"], ["과제고유번호", "기준년도", "과제명"]
    elif kind == "reordered":
        columns, header = columns[::-1], header[::-1]
    elif kind == "synonyms":
        synonyms = {f.header: f.synonyms[0] for f in FIELDS if f.synonyms}
        header = [synonyms.get(h, h) for h in header]
    elif kind == "spaced-headers":
        header = [f" {h[:2]} {h[2:]}\u3000" for h in header]
    records = []
    for row in POOL[:8]:
        cells = cells_of(row, columns)
        for i, value in extra.items():
            cells[i] = value
        records.append(cells)
    if kind == "no-science-code":
        records[1][columns.index("science_name")] = "정보/통신-네트워크"
        records[2][columns.index("science_name")] = "없는분류"
        records[3][columns.index("science_name")] = ""
    assert_same(write(tmp_path, f"columns-{kind}", csv_bytes(records, header=header)))


# --- values -------------------------------------------------------------------------------------

VALUE_CASES: dict[str, tuple[str, Sequence[str]]] = {
    "start-dates": ("start_date", DATES),
    "end-dates": ("end_date", DATES),
    "gov-amounts": ("gov_funds", AMOUNTS),
    "total-amounts": ("total_funds", AMOUNTS),
    "private-amounts": ("private_funds", AMOUNTS),
    "years": ("year", YEARS),
    "project-numbers": ("project_no", PROJECT_NOS),
    "science-codes": ("science_code", SCIENCE),
    **{f"codes-{name}": (name, values) for name, values in CODED.items()},
    "titles": ("title", ("", " ", "\u3000", "\u200b", "가" * 500, "가" * 501,
                         " " + "가" * 500 + "\u3000", "가" * 499 + "\u200b\u200b", "a" * 41)),
}


@pytest.mark.parametrize("case", sorted(VALUE_CASES))
def test_awkward_values(fast_path: None, tmp_path: Path, case: str) -> None:
    field, values = VALUE_CASES[case]
    assert_same(write(tmp_path, case, csv_bytes(with_values(field, values))))


@pytest.mark.parametrize("year", ["4294969315", "8589936611", "429496731619"])
def test_a_year_past_a_32_bit_integer_is_not_a_year_by_either_path(fast_path: None,
                                                                    tmp_path: Path,
                                                                    year: str) -> None:
    """2**32 + 2019 is not 2019: the Python path refuses it ('기준년도 오류')."""
    path = write(tmp_path, f"year-{year}",
                 f"과제고유번호,기준년도,과제명\n1700000001,{year},x\n".encode())
    outcome = assert_same(path, modes=(False,))[0]
    assert outcome.report["problem_count"] == 1 and not outcome.table


def test_science_names_when_the_code_column_is_absent(fast_path: None, tmp_path: Path) -> None:
    keep = [i for i, name in enumerate(NAMES) if name != "science_code"]
    records = [[cells[i] for i in keep] for cells in with_values("science_name", SCIENCE_NAMES)]
    header = [HEADERS[i] for i in keep]
    assert_same(write(tmp_path, "science-names", csv_bytes(records, header=header)))


def test_science_names_beside_an_empty_code(fast_path: None, tmp_path: Path) -> None:
    records = with_values("science_name", SCIENCE_NAMES)
    for cells in records:
        cells[NAMES.index("science_code")] = ""
    assert_same(write(tmp_path, "science-names-empty-code", csv_bytes(records)))


PAD_GROUPS = {"ascii": tuple(c for c in STRIPPED if c.isascii()),
              "unicode": tuple(c for c in STRIPPED if not c.isascii()), "kept": KEPT}


@pytest.mark.parametrize("group", sorted(PAD_GROUPS))
def test_whitespace_at_cell_ends(fast_path: None, tmp_path: Path, group: str) -> None:
    pads = PAD_GROUPS[group]
    records = []
    for i, row in enumerate(POOL[:len(NAMES)]):  # one field padded per record, each field once
        cells = cells_of(row)
        pad = pads[i % len(pads)]
        cells[i] = pad + cells[i] + pads[(i + 1) % len(pads)]
        records.append(cells)
    for k, pad in enumerate(pads):  # every field padded; a text field of nothing but the pad
        everything = cells_of(POOL[len(NAMES) + 2 * k])
        records.append([pad + c + pad * 2 for c in everything])
        only = cells_of(POOL[len(NAMES) + 2 * k + 1])
        only[NAMES.index("title_en")] = pad * 3
        records.append(only)
    assert_same(write(tmp_path, f"pad-{group}", csv_bytes(records)))


def test_text_limits_at_the_limit_and_one_over(fast_path: None, tmp_path: Path) -> None:
    records = []
    start = 0
    for field, limit in sorted(TEXT_LIMITS.items()):
        values = ("가" * limit, "a" * (limit + 1), " " + "가" * limit + "\u3000",
                  "가" * limit + "\u200b", "\xa0" * (limit + 5))
        records += with_values(field, values, start)
        start += len(values)
    assert_same(write(tmp_path, "limits", csv_bytes(records)))


@pytest.mark.parametrize("size", [100_000, 100_001])
def test_a_cell_at_and_over_the_size_limit(fast_path: None, tmp_path: Path, size: int) -> None:
    records = plain(4)
    records[2][NAMES.index("goal")] = "가" * (size - 2) + '""'  # quotes count once, unquoted
    assert_same(write(tmp_path, f"cell-{size}", csv_bytes(records)))
    records = plain(4)
    records[1][NAMES.index("content")] = "x" * size  # unquoted
    assert_same(write(tmp_path, f"cell-plain-{size}", csv_bytes(records)))
    # four bytes a character: 100,000 of them are 400,000 bytes (+ 2 quotes), still allowed
    records = plain(4)
    records[1][NAMES.index("goal")] = "\U0001F600" * size  # unquoted
    records[2][NAMES.index("effect")] = "\U0001F600" * (size - 1) + ","  # quoted
    records[3][NAMES.index("content")] = '"' * size  # quoted: every quote doubled
    assert_same(write(tmp_path, f"cell-wide-{size}", csv_bytes(records)))


def test_duplicate_keys_in_one_file(fast_path: None, tmp_path: Path) -> None:
    rows = plain(5)
    second = list(rows[1])
    second[2] = "다른 제목"
    padded = list(rows[2])
    padded[1] = f" {padded[1]}\u3000"  # the same key once stripped
    zero_year = list(rows[3])
    zero_year[0] = "0" + zero_year[0]  # '02019' is 2019
    assert_same(write(tmp_path, "duplicates", csv_bytes(
        [*rows, second, padded, zero_year, rows[0]])))


def test_a_bad_record_before_a_duplicate_of_it(fast_path: None, tmp_path: Path) -> None:
    rows = plain(3)
    bad = list(rows[0])
    bad[NAMES.index("region")] = "아틀란티스"
    assert_same(write(tmp_path, "bad-then-dup", csv_bytes([bad, *rows, rows[0]])))


# --- the C reader's buffer boundary ---------------------------------------------------------

READ_BUFFER = 8 << 20  # _ntisfast.c reader_open: the first read after the header holds this much
SPLIT = "§"  # where the boundary falls: the byte after it is the first of the next read
BOUNDARY_CASES = {
    "crlf-ending": ("x", "\r" + SPLIT + "\n"),
    "cr-ending": ("x", "\r" + SPLIT),
    "cr-in-quotes": ('"a\r' + SPLIT + 'b"', "\r\n"),
    "crlf-in-quotes": ('"a\r' + SPLIT + '\nb"', "\r\n"),
    "doubled-quote": ('"a"' + SPLIT + '"b"', "\r\n"),
    "text-after-quote": ('"a"' + SPLIT + 'b', "\r\n"),
    "quote-then-comma": ('"a"' + SPLIT, "\r\n"),
    "comma": ("a" + SPLIT, "\r\n"),
    "utf8": ("\uac00" + SPLIT, "\r\n"),  # split inside 가's three bytes (below)
    # 8 MiB more after it: the next read overwrites the buffer where rows read before the
    # boundary lay (rows waiting to be written must be written before the buffer moves)
    "crlf-ending-then-8-mib": ("x", "\r" + SPLIT + "\n"),
}


@pytest.mark.parametrize("case", sorted(BOUNDARY_CASES))
def test_a_record_across_the_c_readers_buffer_boundary(fast_path: None, tmp_path: Path,
                                                       case: str) -> None:
    """A record straddling the end of the C reader's first 8 MiB read (files of real size)."""
    content, eol = BOUNDARY_CASES[case]
    head = (line(HEADERS) + "\r\n").encode()
    filler_row = dict(POOL[0])
    filler_row["goal"] = "x" * 50_000
    data = bytearray(head)
    number = 1_800_000_000
    while True:
        filler_row["project_no"] = str(number + 1)
        filler = (line(cells_of(filler_row)) + "\r\n").encode()
        if len(data) + len(filler) > len(head) + READ_BUFFER - 10_000:
            break
        data += filler
        number += 1
    target = dict(POOL[1])
    cells = cells_of(target)
    goal, at = NAMES.index("goal"), NAMES.index("content")

    def target_bytes(pad: int) -> tuple[bytes, int]:
        cells[goal] = "y" * pad
        cells[at] = Raw("§CONTENT§")
        raw = (line(cells).replace("§CONTENT§", content) + eol).encode()
        split = raw.index(SPLIT.encode())
        raw = raw.replace(SPLIT.encode(), b"")
        if case == "utf8":
            split -= 2  # after the first byte of 가 (EA B0 80)
        return raw, split

    _raw, split = target_bytes(0)
    pad = len(head) + READ_BUFFER - len(data) - split
    assert 0 <= pad < 100_000
    raw, split = target_bytes(pad)
    assert len(data) + split == len(head) + READ_BUFFER
    data += raw
    after = cells_of(POOL[3])
    after[NAMES.index("region")] = "아틀란티스"  # a rejected record: its line is reported
    data += (line(cells_of(POOL[2])) + "\r\n" + line(after) + "\r\n").encode()
    added = number - 1_800_000_000 + 2
    if case.endswith("-then-8-mib"):
        while len(data) < len(head) + 2 * READ_BUFFER + 100_000:
            number += 1
            filler_row["project_no"] = str(number)
            filler_row["goal"] = chr(0xAC00 + number % 1000) * 17_000  # not what lay there
            data += (line(cells_of(filler_row)) + "\r\n").encode()
            added += 1
    outcome = assert_same(write(tmp_path, f"boundary-{case}", bytes(data)), modes=(True,))[0]
    assert outcome.fast and outcome.report["problem_count"] == 1
    assert outcome.report["added"] == added


# --- encodings ----------------------------------------------------------------------------------

def test_a_cp949_file(fast_path: None, tmp_path: Path) -> None:
    assert_same(write(tmp_path, "cp949", csv_bytes(plain(4), encoding="cp949")))


@pytest.mark.parametrize("eol", ["\r\n", "\r"], ids=["crlf", "cr"])
def test_a_utf8_file_with_one_cp949_line(fast_path: None, tmp_path: Path, eol: str) -> None:
    rows = plain(5)
    lines = [line(HEADERS).encode(), *(line(r).encode() for r in rows)]
    lines[3] = line(rows[2]).encode("cp949")
    assert_same(write(tmp_path, f"mixed-{len(eol)}", eol.encode().join(lines) + eol.encode()))


def test_bytes_in_no_encoding_and_a_truncated_utf8_character(fast_path: None,
                                                             tmp_path: Path) -> None:
    data = csv_bytes(plain(3))
    assert_same(write(tmp_path, "ff-byte", data.replace(b"\r\n", b"\xff\r\n", 2)))
    assert_same(write(tmp_path, "cut-char", data + "가".encode()[:2]))
    assert_same(write(tmp_path, "overlong", data + b"\xc0\xaf,x\r\n"))
    assert_same(write(tmp_path, "surrogate", data + b"\xed\xa0\x80,x\r\n"))


@pytest.mark.parametrize(("encoding", "bom"), [("utf-8", False), ("UTF8", False),
                                               ("utf-8", True), ("utf-8-sig", True),
                                               ("utf-8-sig", False), ("cp949", False),
                                               ("euc-kr", False), ("latin-1", False),
                                               ("no-such-codec", False)])
def test_a_named_encoding(fast_path: None, tmp_path: Path, encoding: str, bom: bool) -> None:
    path = write(tmp_path, f"named-{encoding}-{bom}", csv_bytes(plain(3), bom=bom))
    assert_same(path, encoding=encoding)


@pytest.mark.parametrize("name", ["p.txt", "P.CSV", "p.Csv"])
def test_other_csv_file_names(fast_path: None, tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    path.write_bytes(csv_bytes(plain(3)))
    assert_same(path, modes=(True,))


# --- replacing years already held ---------------------------------------------------------------

def test_a_changed_file_replaces_its_years_the_same_way(fast_path: None, tmp_path: Path) -> None:
    old = POOL[:10]
    first = write(tmp_path, "old", csv_bytes([cells_of(r) for r in old]))
    new = [dict(r) for r in old]
    new[0]["total_funds"] += 1000  # changed
    new[1]["start_date"] = ""  # a date becomes NULL
    new[2]["title_en"] = " "  # '' stays '' (unchanged)
    new[3]["goal"] = new[3]["goal"] + "\u3000"  # unchanged once stripped
    new[4]["total_funds"] = f"{new[4]['total_funds']:,}"  # unchanged: commas
    new[5]["science_code"] = new[5]["science_code"].lower()  # unchanged: upper-cased
    del new[6]  # removed
    new.append(dict(POOL[10]))  # added
    second = write(tmp_path, "new", csv_bytes([cells_of(r) for r in new]))
    outcome = assert_same(second, before=[first])
    assert outcome[0].report["replaced_years"] == [2019, 2020]


def test_a_file_mixing_held_and_new_years(fast_path: None, tmp_path: Path) -> None:
    first = write(tmp_path, "held", csv_bytes([cells_of(r) for r in POOL[:6]]))
    later = pool(8, years=(2019, 2021), seed=12)
    mixed = [cells_of(r) for r in later] + [cells_of(POOL[0]), cells_of(POOL[2])]
    bad = cells_of(later[0])
    bad[NAMES.index("project_no")] = "17"
    mixed.insert(3, bad)
    assert_same(write(tmp_path, "mixed-years", csv_bytes(mixed)), before=[first])


def test_a_large_replacement_fills_whole_batches_of_both_tables(fast_path: None,
                                                                tmp_path: Path) -> None:
    """Enough rows that the C path writes full multi-row batches to the staging table (held
    years) and to the table (new years), with changed, unchanged and removed rows."""
    first = write(tmp_path, "held-many", csv_bytes([cells_of(r) for r in POOL[:60]]))
    later = [dict(r) for r in POOL[5:75]] + pool(40, years=(2021,), seed=13)
    for i, row in enumerate(later[:50]):
        if i % 3 == 0:
            row["gov_funds"] = int(row["gov_funds"]) + 1
            row["private_funds"] = int(row["private_funds"]) - 1
        if i % 7 == 0:
            row["six_t"] = ""
    outcome = assert_same(write(tmp_path, "replace-many", csv_bytes(
        [cells_of(r) for r in later])), before=[first])
    assert outcome[0].report["replaced_years"] == [2019, 2020] and outcome[0].fast


def test_reimporting_the_same_file_changes_nothing_by_either_path(fast_path: None,
                                                                  tmp_path: Path) -> None:
    path = write(tmp_path, "same", csv_bytes(plain(8)))
    assert_same(path, before=[path])


@pytest.mark.django_db(transaction=True)
def test_outside_a_transaction_the_c_path_runs_and_commits_the_same(tmp_path: Path) -> None:
    """As `rtis ntis import` runs it: no enclosing atomic block, the import's own commit."""
    require_fast_path()
    load_refdata(None, sorted((SEED_DIR / "refdata").glob("*.yaml")))
    bad = cells_of(POOL[9])
    bad[NAMES.index("region")] = "아틀란티스"
    path = write(tmp_path, "committed", csv_bytes([*plain(8), bad]))
    seen: list[tuple[bool, list[Any]]] = []
    for fast in (False, True):
        assert not connection.in_atomic_block
        rejects = tmp_path / f"rejects-{fast}.csv"
        report = do_import_projects(None, path, quarantine=True, reject_path=rejects, fast=fast)
        seen.append((report.fast, [report_fields(report), dump_table(), rejects.read_bytes(),
                                   list(ImportBatch.objects.values_list(*BATCH_FIELDS))]))
        Project.objects.all().delete()
        ImportBatch.objects.all().delete()
    (slow_ran_fast, slow_run), (fast_ran_fast, fast_run) = seen
    assert (slow_ran_fast, fast_ran_fast) == (False, True)
    assert fast_run == slow_run
    assert slow_run[0]["added"] == 8 and slow_run[0]["problem_count"] == 1


# --- generated files (Hypothesis) ---------------------------------------------------------------

AWKWARD = (*STRIPPED[:8], *KEPT, ",", '"', "\n", "\r", "\r\n", "\x00", "0", "1", "9", "١", "²",
           "-", ".", "/", "+", "a", "E", "e", "ſ", "ı", "가", "ｅ")
FIELD_VALUES: dict[str, Sequence[str]] = {
    "year": YEARS, "project_no": PROJECT_NOS, "total_funds": AMOUNTS, "gov_funds": AMOUNTS,
    "private_funds": AMOUNTS, "start_date": DATES, "end_date": DATES, "science_code": SCIENCE,
    "science_name": SCIENCE_NAMES, **CODED,
    **{name: ("가" * limit, "a" * (limit + 1), " " * (limit + 1), "가" * limit + "\u200b")
       for name, limit in TEXT_LIMITS.items()},
    "title": ("", "가" * 500, "가" * 501, " " + "가" * 500 + " "),
}
GEN_POOL = POOL[:24]
awkward_text = st.lists(st.sampled_from(AWKWARD), max_size=6).map("".join)


# CSV syntax written as is into a cell's place: quotes, doubled quotes, text after a closing
# quote, line ends inside quotes (each counts as a line for the records after it).
SYNTAX = ('"a\rb"', '"a\r\nb"', '"a\nb"', '"a\n\rb"', '"\r"', '"\r\r\n"', '"a""b"', '"a"b"c',
          '"a" b', '"a"\u3000', 'a"b', '""', '""""', '"a,b"c', '"a\r"b', '"2019"', '"1,234"',
          '"\u3000 2019\u3000"', '"a""\r\nb"x"y')
NUMERIC = ("0", "1", "2", "9", "0", ",", ".", "-", "+", "/", " ", "٢", "²", "\u3000")
numeric_text = st.lists(st.sampled_from(NUMERIC), max_size=22).map("".join)


@st.composite
def cell_values(draw: st.DrawFn, name: str, value: str) -> str:
    how = draw(st.sampled_from(["keep", "keep", "keep", "value", "value", "other", "pad",
                                "text", "around", "number", "syntax"]))
    if how == "syntax":
        return Raw(draw(st.sampled_from(SYNTAX)))
    if how == "value" and name in FIELD_VALUES:
        return draw(st.sampled_from(FIELD_VALUES[name]))
    if how == "other":  # a value meant for another field
        return draw(st.sampled_from(FIELD_VALUES[draw(st.sampled_from(sorted(FIELD_VALUES)))]))
    if how == "pad":
        return draw(st.sampled_from(STRIPPED + KEPT)) + value + draw(
            st.sampled_from(("", *STRIPPED, *KEPT)))
    if how == "text":
        return draw(awkward_text)
    if how == "around":
        return draw(awkward_text) + value + draw(awkward_text)
    if how == "number":  # digits, signs and separators: years, numbers, amounts, dates
        return draw(st.one_of(numeric_text, st.integers(-10**20, 10**20).map(str),
                              st.integers(0, 2**64).map(lambda n: str(n * 2**32 + 2019))))
    return value


@st.composite
def records(draw: st.DrawFn, columns: Sequence[str]) -> Sequence[str] | str:
    shape = draw(st.sampled_from(["row"] * 8 + ["blank", "commas", "raw"]))
    if shape == "blank":
        return ""
    if shape == "commas":
        return "," * draw(st.integers(0, 30))
    row = draw(st.sampled_from(GEN_POOL))
    cells: list[str] = []
    mutate = draw(st.booleans())
    unquoted = draw(st.integers(0, 9)) == 0  # write mutated cells as is: odd CSV syntax
    for name in columns:
        value = str(row.get(name, "")) if name in NAMES else draw(awkward_text)
        if mutate:
            new = draw(cell_values(name, value))
            value = Raw(new) if unquoted and new != value and not isinstance(new, Raw) else new
        cells.append(value)
    if shape == "raw":
        return draw(awkward_text) + line(cells)
    ragged = draw(st.sampled_from(["no"] * 8 + ["short", "long"]))
    if ragged == "short":
        cells = cells[:draw(st.integers(0, len(cells)))]
    elif ragged == "long":
        cells += draw(st.lists(awkward_text, min_size=1, max_size=3))
    return cells


@st.composite
def csv_files(draw: st.DrawFn) -> tuple[bytes, bool, list[bytes]]:
    columns = list(NAMES)
    header = list(HEADERS)
    change = draw(st.sampled_from(["none"] * 5 + ["drop", "unknown", "pad"]))
    if change == "drop":
        at = draw(st.integers(2, len(columns) - 1))  # keep the key columns
        del columns[at], header[at]
    elif change == "unknown":
        at = draw(st.integers(0, len(columns)))
        columns.insert(at, "?")
        header.insert(at, draw(st.sampled_from(["비고", "", " ", "\u3000메모", "과제명(국문)"])))
    elif change == "pad":
        header = [draw(st.sampled_from(("", *STRIPPED[:4], *KEPT))) + h for h in header]
    body = draw(st.lists(records(columns), max_size=7))
    junk = draw(st.lists(st.sampled_from(["", "검색결과", ",,,", "기준년도", '"a\nb"']),
                         max_size=2))
    data = csv_bytes(body, header=header, before=junk,
                     eol=draw(st.sampled_from(["\r\n", "\n", "\r"])),
                     bom=draw(st.integers(0, 5)) == 0, final_eol=draw(st.booleans()))
    if draw(st.integers(0, 15)) == 0:
        data += "\r\n2019,1700000001,한글 제목\r\n".encode("cp949")
    held = [line(cells_of(r)).encode() for r in draw(
        st.lists(st.sampled_from(GEN_POOL), max_size=4, unique_by=id))]
    return data, draw(st.booleans()), held


GENERATED = settings(max_examples=int(os.environ.get("RTIS_NTIS_EQUIV_EXAMPLES", "100")), deadline=None, database=None, print_blob=True,
                     suppress_health_check=[HealthCheck.function_scoped_fixture,
                                            HealthCheck.too_slow, HealthCheck.data_too_large])


def test_generated_files_give_the_same_by_both_paths(fast_path: None, tmp_path: Path) -> None:
    counts = {"fast": 0, "fell back": 0}

    @GENERATED
    @given(csv_files())
    def run(case: tuple[bytes, bool, list[bytes]]) -> None:
        data, quarantine, held = case
        path = write(tmp_path, "generated", data)
        before = []
        if held:
            before = [write(tmp_path, "generated-held",
                            csv_bytes([], eol="\r\n") + b"\r\n".join(held) + b"\r\n")]
        outcome = assert_same(path, modes=(quarantine,), before=before)[0]
        counts["fast" if outcome.fast else "fell back"] += 1
        event(f"C path {'ran' if outcome.fast else 'fell back'}")

    run()
    assert counts["fast"] > 0, f"the C path never ran on a generated file: {counts}"


# --- PostgreSQL: the Python path ----------------------------------------------------------------

@pytest.fixture
def on_postgresql(refdata: Any) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only: there fast=None must take the Python path")


@pytest.mark.parametrize("name", ["plain", "syntax", "awkward-amounts"])
def test_on_postgresql_fast_none_imports_by_the_python_path(on_postgresql: None,
                                                           tmp_path: Path, name: str) -> None:
    records: Sequence[Sequence[str] | str] = plain(6)
    if name == "syntax":
        records = _syntax_records()
    elif name == "awkward-amounts":
        records = with_values("gov_funds", AMOUNTS)
    path = write(tmp_path, name, csv_bytes(records))
    for quarantine in (False, True):
        chosen = import_once(path, fast=None, quarantine=quarantine, encoding=None, before=())
        python = import_once(path, fast=False, quarantine=quarantine, encoding=None, before=())
        assert not chosen.fast and not python.fast
        assert chosen == python
        if name == "plain":
            assert chosen.report["written"] and chosen.report["added"] == 6
            assert len(chosen.table) == 6

