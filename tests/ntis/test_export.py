"""Seoul R&D projects exported in NTIS's field set import back unchanged (XML and CSV)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from rtis.ntis.export import export_seoul, project_rows, provisional_number
from rtis.ntis.importer import do_import_projects
from rtis.ntis.models import Project
from rtis.ntis.rows import COLUMNS
from rtis.rnd.actions import do_create_call, do_create_programme
from rtis.rnd.models import Application, Organisation

pytestmark = pytest.mark.django_db


@pytest.fixture
def selected(refdata: Any) -> Application:
    programme = do_create_programme(None, name="기술상용화 R&D", kind="commercialisation")
    opens = dt.datetime(2021, 3, 1, tzinfo=dt.UTC)
    call = do_create_call(None, programme, year=2021, title="2021 기술상용화 공고",
                          budget_won=1_000_000_000, opens_at=opens,
                          closes_at=opens + dt.timedelta(days=30), eligibility=["seoul_sme"],
                          stages=[{"name": "서면평가", "criteria": [
                              {"name": "기술성", "weight": 100, "max_score": 100}]}])
    org = Organisation.objects.create(name="(주)서울수소", kind="seoul_sme")
    other = Organisation.objects.create(name="(주)다른기업", kind="startup")
    Application.objects.create(call=call, organisation=other, title="미선정 과제",
                               principal_investigator="김미선", status="not_selected",
                               requested_funds={"2021": 1})
    return Application.objects.create(
        call=call, organisation=org, title="수소 충전 안전 모니터링", summary="충전소 누출 감지",
        principal_investigator="이연구", requested_funds={"2021": 150_000_000,
                                                          "2022": 100_000_000},
        private_matching_won=50_000_001, status="selected", awarded_won=250_000_000)


@pytest.mark.parametrize("file_format", ["xml", "csv"])
def test_export_then_import_round_trips(selected: Application, tmp_path: Path,
                                        file_format: str) -> None:
    path = tmp_path / f"seoul.{file_format}"
    assert export_seoul(path, file_format) == 2
    report = do_import_projects(None, path)
    assert report.written and report.added == 2
    rows = list(Project.objects.order_by("year").values(*COLUMNS))
    number = provisional_number(selected.pk)
    assert [(r["project_no"], r["year"], r["gov_funds"], r["private_funds"], r["total_funds"],
             r["region_code"], r["performer_code"], r["continuing"]) for r in rows] == [
        (number, 2021, 150_000_000, 25_000_000, 175_000_000, "11", "06", "신규"),
        (number, 2022, 100_000_000, 25_000_001, 125_000_001, "11", "06", "계속")]
    assert rows[0]["title"] == "수소 충전 안전 모니터링" and rows[0]["manager"] == "이연구"


@pytest.mark.parametrize("file_format", ["xml", "csv"])
def test_national_rows_round_trip_file_db_file_db(refdata: Any, tmp_path: Path,
                                                  file_format: str) -> None:
    from rtis.ntis.synth import write_csv, write_xml
    from tests.ntis.conftest import synth_rows

    first = tmp_path / f"in.{file_format}"
    with first.open("w", encoding="utf-8", newline="") as out:
        (write_csv if file_format == "csv" else write_xml)(iter(synth_rows(40)), out)
    assert do_import_projects(None, first).added == 40
    table = sorted(Project.objects.values_list(*COLUMNS))
    exported = tmp_path / f"out.{file_format}"
    with exported.open("w", encoding="utf-8", newline="") as out:
        (write_csv if file_format == "csv" else write_xml)(project_rows(Project.objects.all()),
                                                           out)
    Project.objects.all().delete()
    assert do_import_projects(None, exported).added == 40
    assert sorted(Project.objects.values_list(*COLUMNS)) == table
    again = tmp_path / f"again.{file_format}"
    with again.open("w", encoding="utf-8", newline="") as out:
        (write_csv if file_format == "csv" else write_xml)(project_rows(
            Project.objects.order_by("id")), out)
    assert sorted(again.read_text().splitlines()) == sorted(exported.read_text().splitlines())
