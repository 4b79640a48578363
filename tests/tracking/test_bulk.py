"""XLSX bulk entry: the template a department downloads, and the all-or-nothing upload."""

from __future__ import annotations

import datetime as dt
import io
import unicodedata
import zipfile
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from rtis.audit.models import AuditEvent
from rtis.lib.korean import josa
from rtis.orgs.models import Department, User
from rtis.plans.models import Indicator, Node, Plan
from rtis.tracking.actions import (
    do_close_period,
    do_lock_period,
    do_open_period,
    do_save_execution,
    do_save_indicator_report,
    do_save_milestone,
    do_submit_execution,
)
from rtis.tracking.bulk import (
    EXECUTION,
    FIRST_ROW,
    INDICATORS,
    MILESTONES,
    README,
    SHEET,
    BulkRefused,
    CellError,
    Problem,
    SheetSpec,
    build_template,
    department_units,
    do_save_bulk_upload,
    parse_amount,
    plan_tree,
    read_upload,
)
from rtis.tracking.models import ExecutionRecord, IndicatorReport, Milestone, ReportingPeriod
from tests.conftest import import_doc
from tests.factories import sample_plan_doc
from tests.tracking.conftest import AMOUNTS, saved_amounts

pytestmark = pytest.mark.django_db

COLUMNS = EXECUTION.columns
HEADER = {column.name: column.label for column in COLUMNS}


# --- helpers shared with the view and browser tests ---------------------------------------------


def department(name: str) -> Department:
    return Department.objects.get(name=name)


def template_for(plan: Plan, department_name: str, period: ReportingPeriod) -> bytes:
    return build_template(plan, department(department_name), period)


def sheet_rows(data: bytes, sheet: str = SHEET) -> list[list[Any]]:
    book = load_workbook(io.BytesIO(data))
    return [list(row) for row in book[sheet].iter_rows(values_only=True)]


def fill(data: bytes, entries: dict[Any, dict[str, Any]], spec: SheetSpec = EXECUTION) -> bytes:
    """Write values into the rows of the given keys (column name → value), as an officer would.

    Rows are found by 과제번호, on the 성과지표 sheet by 지표번호; an unknown key appends a row.
    """
    book = load_workbook(io.BytesIO(data))
    sheet = book[spec.title]
    key = spec.column("indicator" if spec is INDICATORS else "code").letter
    rows = {str(sheet[f"{key}{row}"].value): row for row in range(FIRST_ROW, sheet.max_row + 1)}
    for name, values in entries.items():
        row = rows.get(str(name))
        if row is None:
            row = max([*rows.values(), FIRST_ROW - 1]) + 1
            rows[str(name)] = row
            sheet[f"{key}{row}"] = name
        for column, value in values.items():
            sheet[f"{spec.column(column).letter}{row}"] = value
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def submit(user: User, data: bytes) -> tuple[int, list[Problem]]:
    """Upload a workbook the way the page does: check everything, then save all or nothing."""
    try:
        upload = read_upload(user, data, "upload.xlsx")
        return do_save_bulk_upload(user, upload), []
    except BulkRefused as refused:
        return 0, refused.problems


def counts() -> tuple[int, int]:
    return ExecutionRecord.objects.count(), AuditEvent.objects.count()


@pytest.fixture
def wide_plan(plan: Plan) -> Plan:
    """A second plan whose task 2-1 (신성장산업과) has three unit projects: 2-1-1 … 2-1-3."""
    doc = sample_plan_doc(slug="wide-plan", title="넓은 계획")
    doc["departments"] = []
    for number in (2, 3):
        doc["nodes"].append({
            "code": f"2-1-{number}", "title": f"추가 단위사업 {number}", "depth": 3,
            "parent": "2-1", "level_name": "단위사업", "kind": None, "departments": [],
            "cooperating_departments": [], "description": "", "provenance": {}})
    for node, name, unit, target in (("2-1", "허브 입주기업수", "개", 40), ("2-1-1", "공정률", "%", 60),
                                     ("1-1", "앵커 입주율", "%", 80)):
        doc["indicators"].append({"node": node, "name": name, "unit": unit,
                                  "direction": "increase", "definition": "",
                                  "targets": {"2019": target}, "actuals": {}, "provenance": {}})
    return import_doc(doc)


@pytest.fixture
def wide_month(wide_plan: Plan, planner: User) -> ReportingPeriod:
    from tests.tracking.conftest import open_month

    return open_month(planner, wide_plan, 7)


# --- the template -------------------------------------------------------------------------------


def test_the_template_has_a_row_per_unit_project_the_department_owns(
        plan: Plan, month: ReportingPeriod) -> None:
    rows = sheet_rows(template_for(plan, "신성장산업과", month))
    assert rows[1] == ["과제번호", "사업명", "기간", "버전", "본예산(원)", "예산이체(원)", "이월액(원)",
                       "원인행위액(원)", "지출액(원)", "예산현액(원)", "집행률(%)", "결재 상태"]
    assert [row[:4] for row in rows[2:]] == [["2-1-1", "글로벌협력동 신축", "2019-07", None]]
    assert rows[2][4:9] == [None] * 5  # nothing saved yet: blank, not 0
    assert [row[0] for row in sheet_rows(template_for(plan, "경제정책과", month))[2:]] == ["1-1-1"]
    assert sheet_rows(template_for(plan, "문화융합경제과", month))[2:] == []


def test_ownership_flows_down_the_tree_to_every_unit(wide_plan: Plan) -> None:
    units = department_units(plan_tree(wide_plan), department("신성장산업과"))
    assert [u.code for u in units] == ["2-1-1", "2-1-2", "2-1-3"]
    assert department_units(plan_tree(wide_plan), department("문화융합경제과")) == []


def test_the_template_is_prefilled_with_the_saved_figures_and_version(
        plan: Plan, officer: User, unit: Node, month: ReportingPeriod) -> None:
    record = do_save_execution(officer, unit, month, None, **AMOUNTS)
    do_save_execution(officer, unit, month, record.version, spent=600_000_000)
    row = sheet_rows(template_for(plan, "신성장산업과", month))[2]
    assert row[3] == 2
    assert row[4:9] == [1_000_000_000, -100_000_000, 200_000_000, 800_000_000, 600_000_000]
    assert row[9].startswith("=") and row[10].startswith("=")  # computed for reading only
    assert row[11] == "작성 중"


def test_key_columns_are_locked_and_entry_cells_unlocked(plan: Plan,
                                                         month: ReportingPeriod) -> None:
    book = load_workbook(io.BytesIO(template_for(plan, "신성장산업과", month)))
    sheet = book[SHEET]
    assert sheet.protection.sheet
    locked = {c.name: sheet[f"{c.letter}{FIRST_ROW}"].protection.locked for c in COLUMNS}
    assert locked == {c.name: not c.entry for c in COLUMNS}
    assert [c.name for c in COLUMNS if c.entry] == [
        "original_budget", "transfers", "carryover", "committed", "spent"]
    assert book[README].protection.sheet


def test_the_template_validates_whole_won_and_lets_only_transfers_go_negative(
        plan: Plan, month: ReportingPeriod) -> None:
    sheet = load_workbook(io.BytesIO(template_for(plan, "신성장산업과", month)))[SHEET]
    rules = {str(v.sqref): (v.type, v.operator, v.formula1)
             for v in sheet.data_validations.dataValidation}
    assert rules["E3 G3"] == ("whole", "greaterThanOrEqual", "0")
    assert rules["F3"][:2] == ("whole", "between") and rules["F3"][2].startswith("-")
    assert rules["H3"][0] == "custom" and "H3<=N(E3)+N(F3)+N(G3)" in rules["H3"][2]
    assert rules["I3"][0] == "custom" and "I3<=N(H3)" in rules["I3"][2]


def test_the_readme_names_plan_department_and_period(plan: Plan,
                                                     month: ReportingPeriod) -> None:
    rows = sheet_rows(template_for(plan, "신성장산업과", month), README)
    keys = {row[0]: row[1] for row in rows if row[0] in {"서식", "계획", "부서 번호", "기간"}}
    assert keys == {"서식": "rtis-bulk/1", "계획": "sample-plan",
                    "부서 번호": department("신성장산업과").pk, "기간": "2019-07"}
    text = "\n".join(str(row[0]) for row in rows if row[0])
    assert "지출액 ≤ 원인행위액 ≤ 예산현액" in text


# --- round trip ---------------------------------------------------------------------------------


def test_a_filled_template_saves_the_exact_won_values(plan: Plan, officer: User, unit: Node,
                                                      month: ReportingPeriod) -> None:
    data = fill(template_for(plan, "신성장산업과", month), {"2-1-1": {
        "original_budget": 1_234_567_891, "transfers": "-100,000,000", "carryover": 200_000_000.0,
        "committed": "800,000,001", "spent": 523_456_789}})
    events = AuditEvent.objects.count()
    assert submit(officer, data) == (1, [])
    record = ExecutionRecord.objects.get(node=unit, period=month)
    assert saved_amounts(record) == {
        "original_budget": 1_234_567_891, "transfers": -100_000_000, "carryover": 200_000_000,
        "committed": 800_000_001, "spent": 523_456_789}
    assert AuditEvent.objects.count() == events + 1
    # and the next download shows exactly what was saved
    row = sheet_rows(template_for(plan, "신성장산업과", month))[2]
    assert row[3:9] == [1, 1_234_567_891, -100_000_000, 200_000_000, 800_000_001, 523_456_789]


def test_an_upload_saves_every_changed_row_and_skips_unchanged_ones(
        wide_plan: Plan, officer: User, wide_month: ReportingPeriod) -> None:
    first = wide_plan.nodes.get(code="2-1-1")
    do_save_execution(officer, first, wide_month, None, **AMOUNTS)
    data = fill(template_for(wide_plan, "신성장산업과", wide_month), {
        "2-1-2": {"original_budget": 500, "committed": 400, "spent": 300},
        "2-1-3": {"original_budget": 0, "committed": 0, "spent": 0}})
    before = AuditEvent.objects.count()
    upload = read_upload(officer, data, "x.xlsx")
    assert (upload.unchanged, [c.row for c in upload.changes]) == (1, [4, 5])
    assert do_save_bulk_upload(officer, upload) == 2
    assert AuditEvent.objects.count() == before + 2
    assert ExecutionRecord.objects.get(node__code="2-1-2", period=wide_month).spent == 300


def test_uploading_the_unchanged_template_saves_nothing(plan: Plan, officer: User, unit: Node,
                                                        month: ReportingPeriod) -> None:
    do_save_execution(officer, unit, month, None, **AMOUNTS)
    before = counts()
    assert submit(officer, template_for(plan, "신성장산업과", month)) == (0, [])
    assert counts() == before


def test_a_blank_cell_keeps_the_saved_figure(plan: Plan, officer: User, unit: Node,
                                             month: ReportingPeriod) -> None:
    record = do_save_execution(officer, unit, month, None, **AMOUNTS)
    data = fill(template_for(plan, "신성장산업과", month),
                {"2-1-1": {"original_budget": None, "spent": 700_000_000}})
    assert submit(officer, data) == (1, [])
    assert saved_amounts(record) == {**AMOUNTS, "spent": 700_000_000}


def test_the_computed_columns_are_ignored(plan: Plan, officer: User, unit: Node,
                                          month: ReportingPeriod) -> None:
    data = fill(template_for(plan, "신성장산업과", month), {"2-1-1": {
        **AMOUNTS, "current_budget": 1, "spent_rate": "=1/0", "status": "승인"}})
    assert submit(officer, data) == (1, [])
    record = ExecutionRecord.objects.get(node=unit, period=month)
    assert (record.current_budget, record.status) == (1_100_000_000, "draft")


def test_a_planner_uploads_any_departments_template(plan: Plan, planner: User,
                                                    other_unit: Node,
                                                    month: ReportingPeriod) -> None:
    data = fill(template_for(plan, "경제정책과", month), {"1-1-1": AMOUNTS})
    assert submit(planner, data) == (1, [])
    assert saved_amounts(ExecutionRecord.objects.get(node=other_unit)) == AMOUNTS


# --- bad input: reported by sheet, row, column and reason; nothing saved --------------------------


BAD_AMOUNTS = [
    ({**AMOUNTS, "spent": 900_000_000}, "spent", "지출액(900,000,000)이 원인행위액(800,000,000)보다"),
    ({**AMOUNTS, "committed": 1_200_000_000}, "committed", "원인행위액(1,200,000,000)이 예산현액"),
    ({**AMOUNTS, "carryover": -1}, "carryover", "이월액은 음수일 수 없습니다"),
    ({**AMOUNTS, "original_budget": -5}, "original_budget", "본예산은 음수일 수 없습니다"),
    ({**AMOUNTS, "committed": 1234.5}, "committed", "원 단위 정수여야 합니다"),
    ({**AMOUNTS, "spent": "오백만원"}, "spent", "금액으로 읽을 수 없습니다"),
    ({**AMOUNTS, "transfers": -2_000_000_000}, "transfers", "예산현액이 음수"),
]


@pytest.mark.parametrize(("amounts", "column", "reason"), BAD_AMOUNTS)
def test_bad_amounts_are_reported_and_nothing_is_saved(
        plan: Plan, officer: User, month: ReportingPeriod, amounts: dict[str, Any], column: str,
        reason: str) -> None:
    data = fill(template_for(plan, "신성장산업과", month), {"2-1-1": amounts})
    before = counts()
    saved, problems = submit(officer, data)
    assert saved == 0 and counts() == before
    assert [(p.sheet, p.row, p.column) for p in problems] == [(SHEET, 3, HEADER[column])]
    assert reason in problems[0].reason


def test_every_problem_of_every_row_is_reported_and_no_row_is_saved(
        wide_plan: Plan, officer: User, wide_month: ReportingPeriod) -> None:
    data = fill(template_for(wide_plan, "신성장산업과", wide_month), {
        "2-1-1": AMOUNTS,  # fine on its own, but not saved: all or nothing
        "2-1-2": {"original_budget": 100, "committed": 50, "spent": 60},
        "2-1-3": {"original_budget": -1, "spent": 1.5}})
    before = counts()
    saved, problems = submit(officer, data)
    assert saved == 0 and counts() == before
    assert [(p.row, p.column) for p in problems] == [
        (4, HEADER["spent"]), (5, HEADER["spent"])]  # 1.5 is refused before the sign is checked
    assert "지출액(60)이 원인행위액(50)보다 큽니다" in problems[0].reason
    data = fill(data, {"2-1-3": {"original_budget": -1, "spent": None}})
    _, problems = submit(officer, data)
    assert [(p.row, p.column) for p in problems] == [
        (4, HEADER["spent"]), (5, HEADER["original_budget"])]


def test_a_locked_period_is_refused_naming_the_period(plan: Plan, officer: User, planner: User,
                                                      month: ReportingPeriod) -> None:
    data = fill(template_for(plan, "신성장산업과", month), {"2-1-1": AMOUNTS})
    do_lock_period(planner, month)
    before = counts()
    for who in (officer, planner):
        saved, problems = submit(who, data)
        assert saved == 0 and counts() == before
        assert [(p.sheet, p.row, p.column) for p in problems] == [(SHEET, 3, HEADER["period"])]
        assert "2019-07은 확정되어 입력할 수 없습니다" in problems[0].reason


def test_a_closed_period_is_refused_to_officers_but_not_planners(
        plan: Plan, officer: User, planner: User, month: ReportingPeriod) -> None:
    data = fill(template_for(plan, "신성장산업과", month), {"2-1-1": AMOUNTS})
    do_close_period(planner, month)
    saved, problems = submit(officer, data)
    assert saved == 0 and "마감되었습니다" in problems[0].reason
    assert submit(planner, data) == (1, [])


def test_a_submitted_record_is_refused_to_the_department(plan: Plan, officer: User, unit: Node,
                                                         month: ReportingPeriod) -> None:
    record = do_save_execution(officer, unit, month, None, **AMOUNTS)
    do_submit_execution(officer, record)
    data = fill(template_for(plan, "신성장산업과", month), {"2-1-1": {"spent": 1}})
    before = counts()
    saved, problems = submit(officer, data)
    assert saved == 0 and counts() == before
    assert [(p.row, p.column) for p in problems] == [(3, HEADER["status"])]
    assert "'결재 요청' 상태의 실적은 부서에서 고칠 수 없습니다" in problems[0].reason


# --- tampering with the locked key columns ------------------------------------------------------


def test_a_code_changed_to_another_departments_unit_is_refused(
        plan: Plan, officer: User, month: ReportingPeriod) -> None:
    data = fill(template_for(plan, "신성장산업과", month), {"2-1-1": {**AMOUNTS, "code": "1-1-1"}})
    before = counts()
    saved, problems = submit(officer, data)
    assert saved == 0 and counts() == before
    assert [(p.sheet, p.row, p.column) for p in problems] == [(SHEET, 3, HEADER["code"])]
    assert "'1-1-1'은 신성장산업과의 과제가 아닙니다" in problems[0].reason


def test_an_added_row_for_another_departments_unit_is_refused_even_for_a_planner(
        plan: Plan, planner: User, month: ReportingPeriod) -> None:
    data = fill(template_for(plan, "신성장산업과", month),
                {"2-1-1": AMOUNTS, "1-1-1": {**AMOUNTS, "period": "2019-07"}})
    before = counts()
    saved, problems = submit(planner, data)
    assert saved == 0 and counts() == before
    assert [(p.row, p.column) for p in problems] == [(4, HEADER["code"])]


@pytest.mark.parametrize(("change", "column", "reason"), [
    ({"code": "2-1"}, "code", "'2-1'은 단위사업이 아닙니다"),
    ({"code": "9-9-9"}, "code", "이 계획에 과제번호 '9-9-9'가 없습니다"),
    ({"code": None}, "code", "과제번호가 비어 있습니다"),
    ({"period": "2019-08"}, "period", "기간이 이 서식의 기간(2019-07)과 다릅니다"),
    ({"version": 7}, "version", "저장된 실적이 없는데 버전이 적혀 있습니다"),
    ({"version": "두번째"}, "version", "버전은 내려받은 서식의 값 그대로여야 합니다"),
    ({"spent": "=H3"}, "spent", "수식 대신 값을 입력하십시오"),
])
def test_tampered_key_cells_are_refused(plan: Plan, officer: User, month: ReportingPeriod,
                                        change: dict[str, Any], column: str,
                                        reason: str) -> None:
    data = fill(template_for(plan, "신성장산업과", month), {"2-1-1": {**AMOUNTS, **change}})
    before = counts()
    saved, problems = submit(officer, data)
    assert saved == 0 and counts() == before
    assert [(p.row, p.column) for p in problems] == [(3, HEADER[column])]
    assert reason in problems[0].reason


def test_a_duplicated_row_is_refused(wide_plan: Plan, officer: User,
                                     wide_month: ReportingPeriod) -> None:
    data = fill(template_for(wide_plan, "신성장산업과", wide_month),
                {"2-1-1": AMOUNTS, "2-1-2": {**AMOUNTS, "code": "2-1-1"}})
    saved, problems = submit(officer, data)
    assert saved == 0
    assert [(p.row, p.column, p.reason.split(" / ")[0]) for p in problems] == [
        (4, HEADER["code"], "과제번호 '2-1-1'이 3행에도 있습니다")]


def test_another_departments_workbook_is_refused_whole(plan: Plan, officer: User,
                                                       month: ReportingPeriod) -> None:
    data = fill(template_for(plan, "경제정책과", month), {"1-1-1": AMOUNTS})
    before = counts()
    with pytest.raises(PermissionDenied):
        read_upload(officer, data, "x.xlsx")
    assert counts() == before


def test_a_readme_changed_to_another_department_is_refused(plan: Plan, officer: User,
                                                          other_officer: User,
                                                          month: ReportingPeriod) -> None:
    book = load_workbook(io.BytesIO(fill(template_for(plan, "신성장산업과", month),
                                         {"2-1-1": AMOUNTS})))
    book[README]["B5"] = department("문화융합경제과").pk  # the other officer's department
    buffer = io.BytesIO()
    book.save(buffer)
    saved, problems = submit(other_officer, buffer.getvalue())
    assert saved == 0 and not ExecutionRecord.objects.exists()
    assert "'2-1-1'은 문화융합경제과의 과제가 아닙니다" in problems[0].reason


# --- edit conflicts -----------------------------------------------------------------------------


def test_a_row_changed_since_the_download_is_a_conflict_naming_who_and_what(
        plan: Plan, officer: User, planner: User, unit: Node, month: ReportingPeriod) -> None:
    record = do_save_execution(officer, unit, month, None, **AMOUNTS)
    data = fill(template_for(plan, "신성장산업과", month), {"2-1-1": {"spent": 100}})
    do_save_execution(planner, unit, month, record.version, committed=900_000_000)
    before = counts()
    saved, problems = submit(officer, data)
    assert saved == 0 and counts() == before
    assert [(p.row, p.column) for p in problems] == [(3, HEADER["version"])]
    assert problems[0].reason.startswith("충돌: 내려받은 뒤 planner가")
    assert "(원인행위액(원); 버전 1 → 2)" in problems[0].reason
    assert saved_amounts(record)["committed"] == 900_000_000


def test_a_record_created_since_the_download_is_a_conflict(plan: Plan, officer: User,
                                                          planner: User, unit: Node,
                                                          month: ReportingPeriod) -> None:
    data = fill(template_for(plan, "신성장산업과", month), {"2-1-1": AMOUNTS})
    do_save_execution(planner, unit, month, None, original_budget=5)
    saved, problems = submit(officer, data)
    assert saved == 0 and "버전 - → 1" in problems[0].reason


def test_a_conflict_between_checking_and_saving_rolls_back_every_row(
        wide_plan: Plan, officer: User, planner: User, wide_month: ReportingPeriod) -> None:
    data = fill(template_for(wide_plan, "신성장산업과", wide_month), {
        "2-1-1": AMOUNTS, "2-1-3": AMOUNTS})
    upload = read_upload(officer, data, "x.xlsx")
    # someone saves 2-1-3 after the check, before the save
    do_save_execution(planner, wide_plan.nodes.get(code="2-1-3"), wide_month, None, spent=0)
    before = counts()
    with pytest.raises(BulkRefused) as refused:
        do_save_bulk_upload(officer, upload)
    assert counts() == before
    assert [(p.row, p.column) for p in refused.value.problems] == [(5, HEADER["version"])]
    assert not ExecutionRecord.objects.filter(node__code="2-1-1").exists()


# --- the file itself ----------------------------------------------------------------------------


def test_a_file_that_is_not_xlsx_is_refused(officer: User, month: ReportingPeriod) -> None:
    for data in (b"not a workbook", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1 old xls"):
        with pytest.raises(BulkRefused) as refused:
            read_upload(officer, data, "x.xlsx")
        assert refused.value.problems[0].row is None


def test_a_zip_bomb_is_refused_before_it_is_inflated(officer: User) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", b"<Types/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (4 * 1024 * 1024))
    with pytest.raises(BulkRefused) as refused:
        read_upload(officer, buffer.getvalue(), "bomb.xlsx")
    assert "압축" in refused.value.problems[0].reason


def test_a_workbook_that_is_not_the_template_is_refused(officer: User) -> None:
    from openpyxl import Workbook

    buffer = io.BytesIO()
    Workbook().save(buffer)
    with pytest.raises(BulkRefused) as refused:
        read_upload(officer, buffer.getvalue(), "x.xlsx")
    assert "'집행실적'·'안내' 시트가 없습니다" in refused.value.problems[0].reason


def test_moved_columns_are_refused_naming_the_header(plan: Plan, officer: User,
                                                     month: ReportingPeriod) -> None:
    book = load_workbook(io.BytesIO(template_for(plan, "신성장산업과", month)))
    book[SHEET]["H2"], book[SHEET]["I2"] = "지출액(원)", "원인행위액(원)"
    buffer = io.BytesIO()
    book.save(buffer)
    with pytest.raises(BulkRefused) as refused:
        read_upload(officer, buffer.getvalue(), "x.xlsx")
    assert [(p.row, p.column) for p in refused.value.problems] == [
        (2, HEADER["committed"]), (2, HEADER["spent"])]


# --- the cell parser ----------------------------------------------------------------------------

AMOUNT = st.integers(min_value=-(10**16), max_value=10**16)


@given(AMOUNT)
def test_whole_numbers_are_read_as_they_are_written(number: int) -> None:
    assert parse_amount(number) == number
    assert parse_amount(str(number)) == number
    assert parse_amount(f"{number:,}") == number
    assert parse_amount(f" {number:,}원 ") == number
    assert parse_amount(f"{number}.00") == number


@given(st.integers(min_value=-(2**53) + 1, max_value=2**53 - 1))
def test_whole_floats_are_accepted_while_exact(number: int) -> None:
    assert parse_amount(float(number)) == number


@given(st.integers(min_value=0, max_value=10**16))
def test_a_triangle_or_unicode_minus_means_negative(number: int) -> None:
    assert parse_amount(f"△{number:,}") == -number
    assert parse_amount(f"−{number}") == -number


@given(st.floats(allow_nan=True, allow_infinity=True).filter(lambda f: not f.is_integer()))
def test_fractions_nan_and_infinity_are_refused(number: float) -> None:
    with pytest.raises(CellError):
        parse_amount(number)


@given(AMOUNT, st.integers(min_value=1, max_value=99))
def test_text_with_a_fraction_is_refused(number: int, cents: int) -> None:
    with pytest.raises(CellError, match="원 단위 정수여야 합니다"):
        parse_amount(f"{number}.{cents:02d}")


def _normalised(text: str) -> str:
    return unicodedata.normalize("NFKC", text).strip().replace(" ", "")


@settings(suppress_health_check=[HealthCheck.too_slow])
@given(st.text(min_size=1).filter(lambda s: not any(c.isdigit() for c in _normalised(s))))
def test_text_without_digits_is_blank_or_refused(text: str) -> None:
    if _normalised(text):
        with pytest.raises(CellError):
            parse_amount(text)
    else:
        assert parse_amount(text) is None


@pytest.mark.parametrize("value", [None, "", "   "])
def test_blank_cells_are_none(value: Any) -> None:
    assert parse_amount(value) is None


@pytest.mark.parametrize("value", [True, "1,23", "12,3456", "1.2억", "1e6", float(2**60)])
def test_ambiguous_values_are_refused(value: Any) -> None:
    with pytest.raises(CellError):
        parse_amount(value)


# --- indicators and milestones: the quarter covering the month ------------------------------------


@pytest.fixture
def quarter(wide_plan: Plan, planner: User, wide_month: ReportingPeriod) -> ReportingPeriod:
    """2019-Q3 of the wide plan, with milestones planned for 2-1, 2-1-1 and 1-1."""
    period = do_open_period(planner, wide_plan, kind="quarter", year=2019, number=3,
                            due_on=dt.date(2019, 10, 10))
    for code, planned in (("2-1", "설계 공모"), ("2-1-1", "착공"), ("1-1", "기본계획 수립")):
        do_save_milestone(planner, wide_plan.nodes.get(code=code), period, None, planned=planned,
                          achieved="", state="not_started", today=dt.date(2019, 7, 15))
    return period


def indicator(plan: Plan, name: str) -> Indicator:
    return Indicator.objects.get(node__plan=plan, name=name)


def test_the_workbook_has_the_quarters_indicators_and_milestones(
        wide_plan: Plan, wide_month: ReportingPeriod, quarter: ReportingPeriod) -> None:
    data = template_for(wide_plan, "신성장산업과", wide_month)
    assert load_workbook(io.BytesIO(data)).sheetnames == ["집행실적", "성과지표", "추진일정", "안내"]
    houses, progress = indicator(wide_plan, "허브 입주기업수"), indicator(wide_plan, "공정률")
    assert sheet_rows(data, "성과지표")[2:] == [
        ["2-1", houses.pk, "허브 입주기업수", "2019-Q3", None, 40, None, "개", None, None],
        ["2-1-1", progress.pk, "공정률", "2019-Q3", None, 60, None, "%", None, None]]
    assert [row[:8] for row in sheet_rows(data, "추진일정")[2:]] == [
        ["2-1", "홍릉 서울바이오허브 조성", "2019-Q3", 1, "설계 공모", None, "미착수", None],
        ["2-1-1", "글로벌협력동 신축", "2019-Q3", 1, "착공", None, "미착수", None]]
    book = load_workbook(io.BytesIO(data))
    milestones = book["추진일정"]
    assert [milestones[f"{c.letter}3"].protection.locked for c in MILESTONES.columns] == [
        True, True, True, True, True, False, False, False, False, True]  # 계획 is read only
    lists = {str(v.sqref): v.formula1 for v in milestones.data_validations.dataValidation
             if v.type == "list"}
    assert lists == {"G3:G4": '"완료,진행,지연,미착수"'}
    units = {str(v.sqref): v.formula1 for v in book["성과지표"].data_validations.dataValidation
             if v.type == "list"}
    assert units == {"H3": '"개"', "H4": '"%"'}


def test_without_the_quarter_there_are_no_quarterly_sheets(plan: Plan,
                                                          month: ReportingPeriod) -> None:
    book = load_workbook(io.BytesIO(template_for(plan, "신성장산업과", month)))
    assert book.sheetnames == ["집행실적", "안내"]


def test_indicator_actuals_are_saved_with_evidence(wide_plan: Plan, officer: User,
                                                   wide_month: ReportingPeriod,
                                                   quarter: ReportingPeriod) -> None:
    houses, progress = indicator(wide_plan, "허브 입주기업수"), indicator(wide_plan, "공정률")
    data = fill(template_for(wide_plan, "신성장산업과", wide_month), {
        houses.pk: {"value": 12, "evidence": "입주계약서 12건"},
        progress.pk: {"value": "45.25", "unit": " % "}}, INDICATORS)
    assert submit(officer, data) == (2, [])
    saved = {r.indicator.name: (r.value, r.unit, r.evidence, r.status)
             for r in IndicatorReport.objects.filter(period=quarter)}
    assert saved == {"허브 입주기업수": (Decimal("12"), "개", "입주계약서 12건", "draft"),
                     "공정률": (Decimal("45.25"), "%", "", "draft")}
    again = template_for(wide_plan, "신성장산업과", wide_month)
    assert sheet_rows(again, "성과지표")[3][4:9] == [1, 60, 45.25, "%", None]
    assert submit(officer, again) == (0, [])  # unchanged: nothing saved


@pytest.mark.parametrize(("change", "column", "reason"), [
    ({"value": 1.23456}, "G 실적값", "소수 넷째 자리까지"),
    ({"value": "많음"}, "G 실적값", "실적값은 숫자여야 합니다"),
    ({"unit": "명"}, "H 단위", "'허브 입주기업수'의 단위는 '개'입니다"),
    ({"code": "1-1"}, "A 과제번호", "'1-1'은 신성장산업과의 과제가 아닙니다"),
    ({"period": "2019-Q2"}, "D 기간", "기간이 이 서식의 기간(2019-Q3)과 다릅니다"),
    ({"evidence": "근거만"}, "G 실적값", "실적값을 입력하십시오"),
])
def test_bad_indicator_rows_are_reported_and_nothing_is_saved(
        wide_plan: Plan, officer: User, wide_month: ReportingPeriod, quarter: ReportingPeriod,
        change: dict[str, Any], column: str, reason: str) -> None:
    houses = indicator(wide_plan, "허브 입주기업수")
    values = {"value": 12, **change} if "evidence" not in change else change
    data = fill(template_for(wide_plan, "신성장산업과", wide_month), {"2-1-1": AMOUNTS})
    data = fill(data, {houses.pk: values}, INDICATORS)
    before = counts()
    saved, problems = submit(officer, data)
    assert saved == 0 and counts() == before and not IndicatorReport.objects.exists()
    assert [(p.sheet, p.row, p.column) for p in problems] == [("성과지표", 3, column)]
    assert reason in problems[0].reason


def test_an_indicator_of_another_department_is_refused(wide_plan: Plan, officer: User,
                                                       wide_month: ReportingPeriod,
                                                       quarter: ReportingPeriod) -> None:
    houses, theirs = indicator(wide_plan, "허브 입주기업수"), indicator(wide_plan, "앵커 입주율")
    data = fill(template_for(wide_plan, "신성장산업과", wide_month),
                {houses.pk: {"indicator": theirs.pk, "value": 3}}, INDICATORS)
    saved, problems = submit(officer, data)
    assert saved == 0 and [(p.row, p.column) for p in problems] == [(3, "B 지표번호")]
    assert f"과제 '2-1'에 지표번호 '{theirs.pk}'{josa(theirs.pk, '이가')} 없습니다" in problems[0].reason


def test_an_indicator_changed_since_the_download_is_a_conflict(
        wide_plan: Plan, officer: User, planner: User, wide_month: ReportingPeriod,
        quarter: ReportingPeriod) -> None:
    houses = indicator(wide_plan, "허브 입주기업수")
    report = do_save_indicator_report(officer, houses, quarter, None, value=10, unit="개")
    data = fill(template_for(wide_plan, "신성장산업과", wide_month), {houses.pk: {"value": 11}},
                INDICATORS)
    do_save_indicator_report(planner, houses, quarter, report.version, value=13, unit="개")
    saved, problems = submit(officer, data)
    assert saved == 0 and [(p.sheet, p.column) for p in problems] == [("성과지표", "E 버전")]
    assert "planner" in problems[0].reason and "(실적값; 버전 1 → 2)" in problems[0].reason


def test_milestones_are_reported_done_with_a_date(wide_plan: Plan, officer: User,
                                                  wide_month: ReportingPeriod,
                                                  quarter: ReportingPeriod) -> None:
    data = fill(template_for(wide_plan, "신성장산업과", wide_month), {"2-1": {
        "state": "완료", "achieved": "설계 공모 당선작 선정", "completed_on": dt.date(2019, 9, 10),
        "planned": "바꿔도 무시됨"}}, MILESTONES)
    assert submit(officer, data) == (1, [])
    milestone = Milestone.objects.get(node__code="2-1", period=quarter)
    assert (milestone.state, milestone.achieved, milestone.completed_on, milestone.planned) == (
        "done", "설계 공모 당선작 선정", dt.date(2019, 9, 10), "설계 공모")
    row = sheet_rows(template_for(wide_plan, "신성장산업과", wide_month), "추진일정")[2]
    assert row[3:9] == [2, "설계 공모", "설계 공모 당선작 선정", "완료", None,
                        dt.datetime(2019, 9, 10)]


@pytest.mark.parametrize(("change", "column", "reason"), [
    ({"state": "끝남"}, "G 추진 상태", "추진 상태는 완료·진행·지연·미착수 중 하나입니다"),
    ({"state": "완료", "achieved": "완료", "completed_on": "2019-13-45"}, "I 완료일",
     "날짜로 읽을 수 없습니다"),
    ({"state": "완료", "achieved": ""}, "F 실적", "완료한 일정은 실적을 입력하십시오"),
    ({"state": "진행", "achieved": "설계 중"}, "H 지연 사유", "지연 사유를 입력하십시오"),
    ({"code": "2-1-2", "achieved": "x"}, "A 과제번호", "2019-Q3 추진일정이 등록되어 있지 않습니다"),
])
def test_bad_milestone_rows_are_reported_with_the_execution_left_unsaved(
        wide_plan: Plan, officer: User, wide_month: ReportingPeriod, quarter: ReportingPeriod,
        change: dict[str, Any], column: str, reason: str) -> None:
    data = fill(template_for(wide_plan, "신성장산업과", wide_month), {"2-1-1": AMOUNTS})
    data = fill(data, {"2-1": change}, MILESTONES)
    before = counts(), list(Milestone.objects.values_list("version", flat=True))
    saved, problems = submit(officer, data)
    assert saved == 0
    assert (counts(), list(Milestone.objects.values_list("version", flat=True))) == before
    assert [(p.sheet, p.row, p.column) for p in problems] == [("추진일정", 3, column)]
    assert reason in problems[0].reason


def test_problems_of_every_sheet_come_together_in_sheet_order(
        wide_plan: Plan, officer: User, wide_month: ReportingPeriod,
        quarter: ReportingPeriod) -> None:
    data = fill(template_for(wide_plan, "신성장산업과", wide_month), {"2-1": {"state": "?"}},
                MILESTONES)
    data = fill(data, {indicator(wide_plan, "공정률").pk: {"value": "x"}}, INDICATORS)
    data = fill(data, {"2-1-3": {"spent": 5}})
    _, problems = submit(officer, data)
    assert [(p.sheet, p.row, p.column) for p in problems] == [
        ("집행실적", 5, "I 지출액(원)"), ("성과지표", 4, "G 실적값"), ("추진일정", 3, "G 추진 상태")]


def test_a_locked_quarter_refuses_its_rows_but_not_the_months(
        wide_plan: Plan, officer: User, planner: User, wide_month: ReportingPeriod,
        quarter: ReportingPeriod) -> None:
    data = fill(template_for(wide_plan, "신성장산업과", wide_month),
                {indicator(wide_plan, "공정률").pk: {"value": 50}}, INDICATORS)
    data = fill(data, {"2-1-1": AMOUNTS})
    do_lock_period(planner, quarter)
    saved, problems = submit(officer, data)
    assert saved == 0 and [(p.sheet, p.column) for p in problems] == [("성과지표", "D 기간")]
    assert not ExecutionRecord.objects.exists()


def test_saved_text_that_looks_like_a_formula_stays_text(
        wide_plan: Plan, officer: User, wide_month: ReportingPeriod,
        quarter: ReportingPeriod) -> None:
    progress = indicator(wide_plan, "공정률")
    do_save_indicator_report(officer, progress, quarter, None, value=5, unit="%",
                             evidence='=HYPERLINK("http://example.invalid","보기")')
    data = template_for(wide_plan, "신성장산업과", wide_month)
    cell = load_workbook(io.BytesIO(data))["성과지표"]["I4"]
    assert (cell.data_type, cell.value) == ("s", '=HYPERLINK("http://example.invalid","보기")')
    assert submit(officer, data) == (0, [])  # read back as the same text: unchanged


# --- digits str.isdigit() takes and int() refuses ('²') are bad cells, not a 500 -----------------


def test_an_indicator_number_in_digits_int_refuses_is_reported_and_nothing_is_saved(
        wide_plan: Plan, officer: User, wide_month: ReportingPeriod,
        quarter: ReportingPeriod) -> None:
    houses = indicator(wide_plan, "허브 입주기업수")
    data = fill(template_for(wide_plan, "신성장산업과", wide_month),
                {houses.pk: {"indicator": "²", "value": 3}}, INDICATORS)
    saved, problems = submit(officer, data)
    assert saved == 0 and [(p.row, p.column) for p in problems] == [(3, "B 지표번호")]
    assert "지표번호 '²'" in problems[0].reason and not IndicatorReport.objects.exists()


def test_a_department_number_in_digits_int_refuses_or_misreads_is_refused(
        plan: Plan, officer: User, month: ReportingPeriod) -> None:
    from rtis.tracking.bulk import KEY_ROWS

    own = department("신성장산업과").pk
    for odd in ("²", str(own).translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩"))):
        book = load_workbook(io.BytesIO(fill(template_for(plan, "신성장산업과", month),
                                             {"2-1-1": AMOUNTS})))
        book[README].cell(KEY_ROWS["department"], 2).value = odd
        buffer = io.BytesIO()
        book.save(buffer)
        before = counts()
        saved, problems = submit(officer, buffer.getvalue())
        assert saved == 0 and counts() == before, odd
        assert [(p.sheet, p.column) for p in problems] == [(README, "B 부서 번호")], odd
        assert "부서를 찾을 수 없습니다" in problems[0].reason, odd
