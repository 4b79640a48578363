"""Applications imported from XLSX by an R&D manager: all or nothing, every problem located."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from rtis.lib.bizno import business_check_digit, format_business_number
from rtis.orgs.models import User
from rtis.rnd.actions import do_import_applications, do_register_applicant
from rtis.rnd.importing import ImportRefused
from rtis.rnd.models import Application, Call, Organisation
from tests.conftest import PASSWORD, client_for

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("code_lists")]

HEADER = ["기관명", "사업자등록번호", "기관 유형", "과제명", "과제 요약", "연구책임자", "연구책임자 부서",
          "2026년 신청 시비(원)", "2027년 신청 시비(원)", "민간부담금(원)", "과학기술표준분류", "6T 분류"]


def number(nine: str) -> str:
    return format_business_number(nine + str(business_check_digit(nine)))


def row(n: int, **changes: Any) -> list[Any]:
    values = {"기관명": f"주식회사 가져옴{n}", "사업자등록번호": number(f"41081{n:04d}"),
              "기관 유형": "seoul_sme", "과제명": f"가져온 과제 {n}", "과제 요약": "요약",
              "연구책임자": f"책임자{n}", "연구책임자 부서": "연구소",
              "2026년 신청 시비(원)": "100,000,000", "2027년 신청 시비(원)": "",
              "민간부담금(원)": 20_000_000, "과학기술표준분류": "EA", "6T 분류": "IT"}
    values.update(changes)
    return [values[h] for h in HEADER]


def workbook(*rows: list[Any], sheet: str = "신청") -> bytes:
    book = Workbook()
    ws = book.active
    ws.title = sheet
    ws.append(HEADER)
    for r in rows:
        ws.append(r)
    data = io.BytesIO()
    book.save(data)
    return data.getvalue()


def test_a_manager_imports_applications_submitted_with_their_people(planner: User,
                                                                     call: Call) -> None:
    created = do_import_applications(planner, call, "접수.xlsx", workbook(row(1), row(2)))
    assert [a.status for a in created] == ["submitted", "submitted"]
    first = Application.objects.get(title="가져온 과제 1")
    assert first.requested_funds == {"2026": 100_000_000}
    assert first.pi is not None and first.pi.department == "연구소"
    assert first.science_class == "EA" and first.six_t == "IT"


def test_one_bad_cell_refuses_the_whole_file_naming_where(planner: User, call: Call) -> None:
    data = workbook(row(1), row(2, **{"2026년 신청 시비(원)": "많이"}),
                    row(3, **{"사업자등록번호": "410-81-00039"}), row(4, **{"6T 분류": "QT"}))
    with pytest.raises(ImportRefused) as info:
        do_import_applications(planner, call, "접수.xlsx", data)
    where = {(p.file, p.sheet, p.row, p.column) for p in info.value.problems}
    assert ("접수.xlsx", "신청", 3, "2026년 신청 시비(원)") in where
    text = "\n".join(str(p) for p in info.value.problems)
    assert "많이" in text
    assert not Application.objects.exists() and not Organisation.objects.exists()


def test_action_refusals_are_located_too_and_nothing_is_kept(planner: User, call: Call) -> None:
    data = workbook(row(1), row(3, **{"사업자등록번호": "410-81-00039"}),
                    row(4, **{"6T 분류": "QT"}))
    with pytest.raises(ImportRefused) as info:
        do_import_applications(planner, call, "접수.xlsx", data)
    where = {(p.row, p.column) for p in info.value.problems}
    assert (3, "사업자등록번호") in where and (4, "6T 분류") in where
    assert not Application.objects.exists() and not Organisation.objects.exists()


def test_a_missing_sheet_or_column_is_refused(planner: User, call: Call) -> None:
    with pytest.raises(ImportRefused, match="'신청' 시트가 없습니다"):
        do_import_applications(planner, call, "a.xlsx", workbook(row(1), sheet="Sheet"))
    with pytest.raises(ImportRefused, match=r"HWPX|XLSX"):
        do_import_applications(planner, call, "a.xlsx", b"plain text")


def test_a_dry_run_checks_and_keeps_nothing(planner: User, call: Call) -> None:
    assert do_import_applications(planner, call, "a.xlsx", workbook(row(1)), dry_run=True) == []
    assert not Application.objects.exists()


def test_only_managers_import(applicant: User, call: Call) -> None:
    with pytest.raises(PermissionDenied):
        do_import_applications(applicant, call, "a.xlsx", workbook(row(1)))


def test_the_import_page_lists_the_problems(planner: User, call: Call) -> None:
    client = client_for(planner)
    bad = SimpleUploadedFile("접수.xlsx", workbook(row(1, **{"과제명": ""})))
    response = client.post(reverse("rnd:call_import", args=[call.pk]), {"file": bad})
    assert response.status_code == 400 and "접수.xlsx · 신청 · 2행 · 과제명" in (
        response.content.decode())
    good = SimpleUploadedFile("접수.xlsx", workbook(row(1)))
    assert client.post(reverse("rnd:call_import", args=[call.pk]),
                       {"file": good}).status_code == 302
    assert Application.objects.count() == 1


def test_a_manager_registers_an_applicant_for_a_known_organisation(
        planner: User, sme: Organisation) -> None:
    applicant = do_register_applicant(planner, username="newone", password=PASSWORD,
                                      email="n@x.example", name="새담당",
                                      organisation_name="무시됨", kind="seoul_sme",
                                      business_number="124-81-00998")
    assert applicant.organisation == sme and applicant.user.is_active
    response = client_for(planner).post(reverse("rnd:applicant_new"), {
        "organisation_name": "새 기관", "kind": "startup", "business_number": number("410810001"),
        "name": "담당", "email": "d@x.example", "username": "newtwo", "password": PASSWORD})
    assert response.status_code == 302
    assert Organisation.objects.filter(name="새 기관").exists()


def test_the_command_imports_all_or_nothing(planner: User, call: Call, tmp_path: Any) -> None:
    from django.core.management import CommandError, call_command

    bad = tmp_path / "접수.xlsx"
    bad.write_bytes(workbook(row(1), row(2, **{"기관 유형": ""})))
    with pytest.raises(CommandError, match="아무것도 저장하지 않았습니다"):
        call_command("import_rnd_applications", str(call.pk), str(bad), "--as", "planner")
    assert not Application.objects.exists()
    good = tmp_path / "ok.xlsx"
    good.write_bytes(workbook(row(1), row(2)))
    call_command("import_rnd_applications", str(call.pk), str(good), "--as", "planner",
                 "--dry-run")
    assert not Application.objects.exists()
    call_command("import_rnd_applications", str(call.pk), str(good), "--as", "planner")
    assert Application.objects.filter(status="submitted").count() == 2
