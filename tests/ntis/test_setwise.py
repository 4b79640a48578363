"""The set-wise CSV path (rtis.ntis.setwise) against the per-record path: same rows, same report.

A file the SQL accepts as it stands is loaded with no Python per record (`report.fast`); any
other file is rolled back and read record by record, so its problems, lines and reasons are the
per-record path's. Both are run on the same bytes and compared, for hand-picked and generated
files full of awkward cells.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rtis.ntis import setwise
from rtis.ntis.importer import CodeResolver, do_import_projects
from rtis.ntis.models import ImportBatch, Project
from rtis.ntis.rows import COLUMNS
from rtis.ntis.synth import HEADERS
from tests.ntis.conftest import csv_file, synth_rows

pytestmark = pytest.mark.django_db

NAMES = [name for name in setwise.NAMES]


def _table() -> list[tuple[Any, ...]]:
    return sorted(Project.objects.values_list(*COLUMNS))


def _summary(report: Any) -> tuple[Any, ...]:
    return (report.written, report.refused, report.records, report.problem_count,
            [(p.where, p.field, p.value, p.reason, p.cells) for p in report.problems],
            report.added, report.changed, report.removed, report.unchanged, report.years,
            report.encoding, report.unknown_columns)


def _both(path: Path, **options: Any) -> tuple[Any, Any]:
    """Import the file by each path into an empty table; return both (report, table, batch)."""
    results = []
    for fast in (True, False):
        Project.objects.all().delete()
        ImportBatch.objects.all().delete()
        report = do_import_projects(None, path, fast=fast, **options)
        batch = list(ImportBatch.objects.values_list("sha256", "rows", "added", "years",
                                                     "encoding"))
        results.append((report, _table(), batch))
    return results[0], results[1]


def _write(path: Path, rows: list[list[str]], encoding: str = "utf-8") -> Path:
    with path.open("w", encoding=encoding, newline="") as out:
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(HEADERS)
        writer.writerows(rows)
    return path


def _cells(rows: list[dict[str, Any]]) -> list[list[str]]:
    return [[str(row.get(name, "")) for name in NAMES] for row in rows]


def _assert_same(fast: Any, slow: Any) -> None:
    assert _summary(fast[0]) == _summary(slow[0])
    assert fast[1] == slow[1]
    assert fast[2] == slow[2]
    assert not slow[0].fast


def test_a_clean_file_loads_set_wise_with_the_per_record_paths_rows(refdata: Any,
                                                                     tmp_path: Path) -> None:
    fast, slow = _both(csv_file(tmp_path, synth_rows(120)))
    assert fast[0].fast and fast[0].added == 120
    _assert_same(fast, slow)


ODD_BUT_VALID = {  # spellings the converter accepts that the SQL must read the same way
    # ("{}" stands for the row's own value)
    "project_no": [" {}\u3000"], "year": ["\xa0{} "],
    "gov_funds": ["1,234", "1234.0", "0001", " 1,000.0 ", "999999999999999999"],
    "private_funds": ["", "0"], "total_funds": ["", "12,000"],
    "start_date": ["20170501", "2017.05.01", "2017/05/01", "2017-05-01 00:00:00.0",
                   "2017-0501-x", "2016-02-29"],
    "end_date": ["", "2017-12-31T00", "20171231 235959"],
    "region": ["서울특별시", "11", "서울시"], "science_code": [" ee ", "EE0101", "Na"],
    "stage": [""], "performer": [""], "six_t": [""], "ministry": [""],
    "title": ["  과제\t"], "manager": ["x" * 100],
}


@pytest.mark.parametrize("field", sorted(ODD_BUT_VALID))
def test_odd_but_valid_spellings_load_set_wise_as_the_converter_reads_them(
        refdata: Any, tmp_path: Path, field: str) -> None:
    rows = _cells(synth_rows(12))
    column = NAMES.index(field)
    for i, value in enumerate(ODD_BUT_VALID[field]):
        rows[i][column] = value.format(rows[i][column])  # "{}": the value, padded
    fast, slow = _both(_write(tmp_path / "odd.csv", rows))
    assert fast[0].fast, _summary(slow[0])
    _assert_same(fast, slow)


def test_the_science_name_stands_in_for_a_missing_code(refdata: Any, tmp_path: Path) -> None:
    rows = _cells(synth_rows(4))
    rows[0][NAMES.index("science_code")] = ""
    rows[0][NAMES.index("science_name")] = "정보/통신-기타"
    rows[1][NAMES.index("science_code")] = ""
    fast, slow = _both(_write(tmp_path / "science.csv", rows))
    assert fast[0].fast
    _assert_same(fast, slow)


SPELLINGS = ("code spelled with a space", "leading zero year", "long padded manager")
BAD = {  # (field, value) the converter rejects, or (SPELLINGS) accepts in a way the SQL leaves to it
    "unknown code": ("region", "아틀란티스"), "code spelled with a space": ("region", "서 울"),
    "negative": ("gov_funds", "-5"), "plus sign": ("gov_funds", "+5"),
    "19 digits": ("gov_funds", "9" * 19), "comma only": ("total_funds", ","),
    "fraction": ("private_funds", "1.5"), "arabic digit": ("gov_funds", "\u0663"),
    "project number": ("project_no", "12-34"), "wide digits": ("project_no", "１" * 10),
    "superscript year": ("year", "²"), "year 1989": ("year", "1989"),
    "leading zero year": ("year", "02017"), "no title": ("title", " "),
    "long title": ("title", "가" * 501), "long padded manager": ("manager", " " + "x" * 100),
    "long manager": ("manager", "x" * 101), "long ministry": ("ministry", "부" * 101),
    "day 30 of February": ("start_date", "2017-02-30"), "year 0": ("end_date", "0000-01-01"),
    "short date": ("start_date", "2017-5-1"), "not a date": ("end_date", "soon"),
    "long science code": ("science_code", "E" * 11), "unknown science": ("science_code", "ZZ"),
    "non-ASCII science": ("science_code", "ée"), "unknown science name": ("science_name", "없음"),
}


@pytest.mark.parametrize("quarantine", [False, True])
def test_a_file_with_every_kind_of_bad_record_gets_the_per_record_report(
        refdata: Any, tmp_path: Path, quarantine: bool) -> None:
    rows = _cells(synth_rows(len(BAD) + 4))
    for row, kind in enumerate(sorted(BAD), start=2):
        field, value = BAD[kind]
        rows[row][NAMES.index(field)] = value
        if field == "science_name":
            rows[row][NAMES.index("science_code")] = ""
    fast, slow = _both(_write(tmp_path / "bad.csv", rows), quarantine=quarantine)
    _assert_same(fast, slow)
    assert not fast[0].fast and len(slow[0].problems) >= len(BAD) - len(SPELLINGS)


@pytest.mark.parametrize("kind", sorted(BAD))
def test_each_bad_record_alone_sends_the_file_the_per_record_way(refdata: Any, tmp_path: Path,
                                                                kind: str) -> None:
    rows = _cells(synth_rows(3))
    field, value = BAD[kind]
    rows[1][NAMES.index(field)] = value
    if field == "science_name":
        rows[1][NAMES.index("science_code")] = ""
    report = do_import_projects(None, _write(tmp_path / "one.csv", rows))
    assert not report.fast
    assert report.written == (kind in SPELLINGS)


@pytest.mark.parametrize("kind", ["duplicate key", "blank lines", "short row", "long row",
                                  "cp949", "mixed encodings", "huge cell", "no key column"])
def test_files_of_every_shape_give_the_same_rows_and_report(refdata: Any, tmp_path: Path,
                                                            kind: str) -> None:
    rows = _cells(synth_rows(8))
    encoding = "utf-8"
    if kind == "duplicate key":
        rows[5] = list(rows[2])
    elif kind == "blank lines":
        rows[2:2] = [[], [""] * 3, [""] * len(NAMES)]
        rows.append([])
    elif kind == "short row":
        rows[4] = rows[4][:NAMES.index("six_t")]
    elif kind == "long row":
        rows[4] = [*rows[4], "", "extra"]
    elif kind == "cp949":
        encoding = "cp949"
    elif kind == "huge cell":
        rows[4][NAMES.index("goal")] = "가" * 200_000
    path = _write(tmp_path / "shape.csv", rows, encoding)
    if kind == "mixed encodings":
        lines = path.read_bytes().split(b"\r\n")
        lines[4] = lines[4].decode("utf-8").encode("cp949")
        path.write_bytes(b"\r\n".join(lines))
    if kind == "no key column":
        path.write_text(path.read_text(encoding="utf-8").replace("과제고유번호", "번호", 1),
                        encoding="utf-8")
    fast, slow = _both(path)
    _assert_same(fast, slow)
    assert fast[0].fast == (kind in ("blank lines", "short row", "long row", "cp949"))


def test_a_file_of_a_year_already_held_is_compared_not_loaded_set_wise(refdata: Any,
                                                                     tmp_path: Path) -> None:
    path = csv_file(tmp_path, synth_rows(30))
    assert do_import_projects(None, path).fast
    again = do_import_projects(None, path)
    assert not again.fast and again.written and again.unchanged == 30 and again.added == 0


def test_the_code_table_answers_as_the_resolver(refdata: Any) -> None:
    resolve = CodeResolver()
    rows = setwise.code_rows(CodeResolver(), range(2005, 2026))
    assert rows and all(resolve(name, key, year) == code for name, key, year, code in rows)
    keys = {(name, key) for name, key, _year, _code in rows}
    assert ("region", "서울") in keys and ("science_class", "EE") in keys


# --- generated files: any mix of awkward cells, both paths compared ---------------------------

CELLS = {
    "project_no": ["1700000001", " 1700000002 ", "12-34", "", "１７０００００００３"],
    "year": ["2017", " 2018", "02017", "²", "1989", "2101", ""],
    "title": ["과제", " ", "가" * 501, "  제목\u3000"],
    "gov_funds": ["123", "1,234", "1234.0", "-5", "+5", "9" * 19, "", ",", ".0", "1.5", "0"],
    "total_funds": ["", "5,000", "-0", "00012"],
    "start_date": ["2017-05-01", "20170501", "2017.05.01", "2017-02-30", "0000-01-01",
                   "2017-5-1", "", "x", "2017-05-01 00:00:00.0", "2016-02-29"],
    "region": ["서울", "서울특별시", "서 울", "11", "아틀란티스", "", " 경기 "],
    "science_code": ["EE", "ee", "EE01", "ÉE", "ZZ", "", "E" * 11],
    "science_name": ["정보/통신", "정보/통신-기타", "", "없는분류"],
    "manager": ["", "x" * 100, " " + "x" * 100, "x" * 101],
    "ministry": ["", "보건복지부", " 환경부 ", "없는부"],
}


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(changes=st.lists(st.tuples(st.integers(0, 5), st.sampled_from(sorted(CELLS)),
                                  st.integers(0, 20)), max_size=4),
       blank=st.booleans(), quarantine=st.booleans())
def test_generated_files_give_the_same_rows_and_report_by_both_paths(
        refdata: Any, tmp_path: Path, changes: list[tuple[int, str, int]], blank: bool,
        quarantine: bool) -> None:
    rows = _cells(synth_rows(6, seed=11))
    for row, field, pick in changes:
        options = CELLS[field]
        rows[row][NAMES.index(field)] = options[pick % len(options)]
    if blank:
        rows.insert(2, [])
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows([HEADERS, *rows])
    path = tmp_path / "generated.csv"
    path.write_text(out.getvalue(), encoding="utf-8")
    fast, slow = _both(path, quarantine=quarantine)
    _assert_same(fast, slow)
    if fast[0].fast:
        assert fast[0].problem_count == 0 and fast[0].added == 6
