"""Importing national project files: formats, encodings, strict vs quarantine, replacement."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import pytest

from rtis.ntis.importer import do_import_projects
from rtis.ntis.models import ImportBatch, Project
from rtis.ntis.reader import detect_encoding
from rtis.ntis.rows import COLUMNS
from rtis.ntis.synth import write_xlsx, write_xml
from tests.ntis.conftest import csv_file, synth_rows

pytestmark = pytest.mark.django_db


def table(columns: tuple[str, ...] = COLUMNS) -> list[tuple[Any, ...]]:
    return sorted(Project.objects.values_list(*columns))


# The OpenAPI shape has no element for (기관)세부과제번호: XML carries every other column.
XML_COLUMNS = tuple(c for c in COLUMNS if c != "detail_no")


def test_csv_imports_every_row_with_codes_resolved(refdata: Any, tmp_path: Path) -> None:
    rows = synth_rows(60)
    report = do_import_projects(None, csv_file(tmp_path, rows))
    assert report.written and report.added == 60 and report.problem_count == 0
    first = Project.objects.get(project_no=rows[0]["project_no"], year=rows[0]["year"])
    assert first.total_funds == rows[0]["total_funds"]
    assert first.science_large == rows[0]["science_code"]
    seoul = [r for r in rows if r["region"] == "서울"]
    assert Project.objects.filter(region_code="11").count() == len(seoul)


def test_reimporting_the_same_file_changes_nothing(refdata: Any, tmp_path: Path) -> None:
    path = csv_file(tmp_path, synth_rows(40))
    do_import_projects(None, path)
    before = table()
    again = do_import_projects(None, path)
    assert (again.added, again.changed, again.removed, again.unchanged) == (0, 0, 0, 40)
    assert table() == before


def test_a_newer_file_replaces_its_years_and_says_what_changed(refdata: Any,
                                                               tmp_path: Path) -> None:
    rows = synth_rows(80)
    do_import_projects(None, csv_file(tmp_path, rows, "old.csv"))
    year = rows[0]["year"]
    of_year = [r for r in rows if r["year"] == year]
    assert len(of_year) >= 2
    newer = [dict(r) for r in of_year[1:]]
    newer[0]["total_funds"] += 1000
    newer[0]["private_funds"] += 1000
    report = do_import_projects(None, csv_file(tmp_path, newer, "new.csv"))
    assert report.replaced_years == [year]
    assert (report.added, report.changed, report.removed) == (0, 1, 1)
    assert report.changed_keys == [f"{newer[0]['project_no']}/{year}"]
    assert report.removed_keys == [f"{of_year[0]['project_no']}/{year}"]
    assert Project.objects.filter(year=year).count() == len(of_year) - 1
    assert Project.objects.count() == 79  # other years untouched


def test_xml_and_xlsx_give_the_same_rows_as_csv(refdata: Any, tmp_path: Path) -> None:
    rows = synth_rows(30)
    do_import_projects(None, csv_file(tmp_path, rows))
    from_csv = table()
    Project.objects.all().delete()
    xml = tmp_path / "p.xml"
    with xml.open("w", encoding="utf-8") as out:
        write_xml(iter(rows), out)
    assert do_import_projects(None, xml).written
    assert table(XML_COLUMNS) == [tuple(v for c, v in zip(COLUMNS, row, strict=True)
                                        if c != "detail_no") for row in from_csv]
    Project.objects.all().delete()
    xlsx = tmp_path / "p.xlsx"
    write_xlsx(iter(rows), xlsx)
    assert do_import_projects(None, xlsx).written
    assert table() == from_csv


@pytest.mark.parametrize("encoding", ["cp949", "utf-8-sig", "utf-8"])
def test_encodings_are_detected_from_real_bytes(refdata: Any, tmp_path: Path,
                                               encoding: str) -> None:
    rows = synth_rows(20)
    path = csv_file(tmp_path, rows, encoding=encoding)
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") == (encoding == "utf-8-sig")
    assert detect_encoding(path) == (encoding, set())
    report = do_import_projects(None, path)
    assert report.written and report.encoding == encoding
    assert Project.objects.filter(title=rows[0]["title"]).exists()


def test_cp949_xml_with_its_declaration_imports(refdata: Any, tmp_path: Path) -> None:
    rows = synth_rows(15)
    path = tmp_path / "p.xml"
    with path.open("w", encoding="euc-kr") as out:
        write_xml(iter(rows), out)
    assert path.read_bytes().startswith(b'<?xml version="1.0" encoding="euc-kr"?>')
    report = do_import_projects(None, path)
    assert report.written and report.added == 15


# --- bad input: strict writes nothing; quarantine loads the rest and lists the rejects ---------

def _bad_csv(tmp_path: Path, kind: str) -> tuple[Path, int]:
    rows = synth_rows(10)
    bad = dict(rows[3])
    if kind == "unknown code":
        bad["region"] = "아틀란티스"
    elif kind == "negative funds":
        bad["gov_funds"] = -5
    elif kind == "project number shape":
        bad["project_no"] = "12-34"
    elif kind == "duplicated key":
        bad = dict(rows[2])
    elif kind == "superscript year":
        bad["year"] = "²"  # str.isdigit() is true for it; int() is not
    elif kind == "amount beyond the column":
        bad["gov_funds"] = "9" * 19
    rows[3] = bad
    return csv_file(tmp_path, rows), 5  # line 5: header is line 1, the 4th record line 5


@pytest.mark.parametrize("kind", ["unknown code", "negative funds", "project number shape",
                                  "duplicated key", "superscript year",
                                  "amount beyond the column"])
def test_a_bad_record_in_strict_mode_writes_nothing_and_names_its_line(
        refdata: Any, tmp_path: Path, kind: str) -> None:
    path, line = _bad_csv(tmp_path, kind)
    report = do_import_projects(None, path)
    assert not report.written and Project.objects.count() == 0
    assert ImportBatch.objects.count() == 0
    assert [p.where for p in report.problems] == [line]


@pytest.mark.parametrize("kind", ["unknown code", "negative funds", "project number shape",
                                  "duplicated key"])
def test_quarantine_loads_the_valid_records_and_writes_the_reject_file(
        refdata: Any, tmp_path: Path, kind: str) -> None:
    path, line = _bad_csv(tmp_path, kind)
    rejects = tmp_path / "rejects.csv"
    report = do_import_projects(None, path, quarantine=True, reject_path=rejects)
    assert report.written and Project.objects.count() == 9
    with rejects.open(encoding="utf-8-sig") as f:
        lines = list(csv.reader(f))
    assert len(lines) == 2 and lines[1][0] == str(line) and lines[1][3]


def test_mixed_encodings_reject_the_lines_in_the_other_encoding(refdata: Any,
                                                              tmp_path: Path) -> None:
    path = csv_file(tmp_path, synth_rows(10))
    lines = path.read_bytes().split(b"\r\n")
    lines[4] = lines[4].decode("utf-8").encode("cp949")  # one record saved as CP949
    path.write_bytes(b"\r\n".join(lines))
    strict = do_import_projects(None, path)
    assert not strict.written and [p.where for p in strict.problems] == [5]
    assert "혼합 인코딩" in strict.problems[0].reason
    rejects = tmp_path / "r.csv"
    loose = do_import_projects(None, path, quarantine=True, reject_path=rejects)
    assert loose.written and Project.objects.count() == 9


def _xml(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "bad.xml"
    path.write_text(text, encoding="utf-8")
    return path


def _good_xml(rows: int = 3) -> str:
    import io

    out = io.StringIO()
    write_xml(iter(synth_rows(rows)), out)
    return out.getvalue()


@pytest.mark.parametrize("quarantine", [False, True])
@pytest.mark.parametrize("kind", ["truncated", "malformed", "entities", "error message"])
def test_a_broken_or_hostile_xml_is_refused_whole_in_both_modes(
        refdata: Any, tmp_path: Path, kind: str, quarantine: bool) -> None:
    text = _good_xml()
    if kind == "truncated":
        text = text[: len(text) * 2 // 3]
    elif kind == "malformed":
        text = text.replace("</ProjectYear>", "</ProjectYaer>", 2)
    elif kind == "entities":
        text = text.replace("<RESULT>", '<!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
                                        "<RESULT>", 1).replace("<Korean>", "<Korean>&x;", 1)
    else:
        text = "<?xml version='1.0'?><RESULT><ERROR>인증키가 유효하지 않습니다</ERROR></RESULT>"
    rejects = tmp_path / "r.csv"
    report = do_import_projects(None, _xml(tmp_path, text), quarantine=quarantine,
                                reject_path=rejects)
    assert not report.written and report.refused
    assert Project.objects.count() == 0
    if kind == "error message":
        assert "인증키" in report.refused
    if quarantine:
        assert report.refused in rejects.read_text(encoding="utf-8-sig")


def test_a_file_without_the_key_columns_is_refused_naming_them(refdata: Any,
                                                             tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_text("과제명(국문),연구비합계\n가,1\n", encoding="utf-8")
    report = do_import_projects(None, path)
    assert not report.written and "과제고유번호" in report.refused and "기준년도" in report.refused


def test_a_huge_cell_refuses_the_file(refdata: Any, tmp_path: Path) -> None:
    rows = synth_rows(3)
    rows[1]["goal"] = "가" * 200_000
    report = do_import_projects(None, csv_file(tmp_path, rows))
    assert not report.written and report.refused


def test_unknown_columns_are_tolerated_and_reported(refdata: Any, tmp_path: Path) -> None:
    path = csv_file(tmp_path, synth_rows(3))
    text = path.read_text(encoding="utf-8").splitlines()
    text = [line + ",x" for line in text]
    text[0] = text[0][:-2] + ",비고"
    path.write_text("\n".join(text) + "\n", encoding="utf-8")
    report = do_import_projects(None, path)
    assert report.written and report.unknown_columns == ["비고"]


def test_outputs_link_to_projects_and_reimport_changes_nothing(refdata: Any,
                                                              tmp_path: Path) -> None:
    from rtis.ntis.models import Output
    from rtis.ntis.outputs import do_import_outputs

    path = tmp_path / "papers.csv"
    path.write_text("성과발생년도,과제고유번호,논문명,학술지명,SCI여부\n"
                    "2016,1711000001,수소 전지 연구,한국수소학회지,SCI\n"
                    "2017,1711000001,수소 전지 후속 연구,Energy,비SCI\n", encoding="cp949")
    report = do_import_outputs(None, path, "paper")
    assert report.loaded == 2 and not report.problems
    assert do_import_outputs(None, path, "paper").loaded == 2
    assert Output.objects.count() == 2
    first = Output.objects.get(year=2016)
    assert (first.title, first.detail) == ("수소 전지 연구",
                                           {"journal": "한국수소학회지", "sci": "SCI"})
    royalty = tmp_path / "royalty.csv"
    royalty.write_text("성과발생년도,과제고유번호,기술실시계약명,당해연도 기술료(원)\n"
                       "2018,17110,계약,-5\n", encoding="utf-8")
    bad = do_import_outputs(None, royalty, "royalty")
    assert bad.problems and "2행" in bad.problems[0] and Output.objects.count() == 2


@pytest.mark.parametrize("kind", ["zip bomb", "dtd in a part", "not a zip"])
def test_a_hostile_xlsx_is_refused(refdata: Any, tmp_path: Path, kind: str) -> None:
    import zipfile

    rows = synth_rows(3)
    path = tmp_path / "p.xlsx"
    write_xlsx(iter(rows), path)
    if kind == "not a zip":
        path.write_bytes(b"PK\x03\x04 broken")
    else:
        hostile = tmp_path / "h.xlsx"
        with zipfile.ZipFile(path) as src, zipfile.ZipFile(hostile, "w",
                                                           zipfile.ZIP_DEFLATED) as out:
            for info in src.infolist():
                data = src.read(info)
                if kind == "dtd in a part" and info.filename.endswith("sheet1.xml"):
                    data = data.replace(b"<worksheet", b'<!DOCTYPE w [<!ENTITY e "x">]><worksheet',
                                        1)
                out.writestr(info.filename, data)
            if kind == "zip bomb":
                out.writestr("xl/media/padding.bin", b"\0" * (8 << 20))
        path = hostile
    report = do_import_projects(None, path)
    assert not report.written and Project.objects.count() == 0
    assert {"zip bomb": "압축 폭탄", "dtd in a part": "DOCTYPE",
            "not a zip": "XLSX(ZIP)"}[kind] in report.refused


def test_an_output_year_in_digits_int_refuses_is_a_named_problem(refdata: Any,
                                                                  tmp_path: Path) -> None:
    from rtis.ntis.models import Output
    from rtis.ntis.outputs import do_import_outputs

    path = tmp_path / "papers.csv"
    path.write_text("성과발생년도,과제고유번호,논문명,학술지명,SCI여부\n"
                    "²٠١٦,1711000001,수소 전지 연구,한국수소학회지,SCI\n"  # int() refuses '²'
                    "٢٠١٧,1711000001,수소 전지 후속 연구,Energy,비SCI\n", encoding="utf-8")
    report = do_import_outputs(None, path, "paper")
    assert [p.split(" ", 1)[0] for p in report.problems] == ["2행", "3행"]
    assert all("연도가 아님" in p for p in report.problems) and not Output.objects.exists()


def test_an_xlsx_of_a_later_zip_version_is_refused_and_nothing_written(refdata: Any,
                                                                       tmp_path: Path) -> None:
    from tests.lib.test_zip_versions import later_version

    good = tmp_path / "good.xlsx"
    write_xlsx(iter(synth_rows(5)), good)
    path = tmp_path / "later.xlsx"
    path.write_bytes(later_version(good.read_bytes()))
    report = do_import_projects(None, path)
    assert not report.written and "XLSX" in report.refused and "damaged" in report.refused
    assert Project.objects.count() == 0
