"""Tenant outcomes by XLSX: a facility's template for a year, uploaded back all or nothing.

The tracking bulk-entry pattern (tracking/bulk.py): the template lists the tenancies in force
during the year with their current figures and versions; an upload is read through the same
safety checks (load_workbook_safely), every row is checked, and any problem refuses the whole
file with the file, sheet, row, column and reason; otherwise every changed row is saved in one
transaction (actions.do_save_outcomes).
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Q
from openpyxl import Workbook

from rtis.facilities.actions import OUTCOME_FIELDS, OutcomeRow, check_outcome, do_save_outcomes
from rtis.facilities.models import Facility, Occupancy, TenantOutcome
from rtis.tracking.bulk import (
    BulkRefused,
    CellError,
    Problem,
    cell_text,
    load_workbook_safely,
    parse_amount,
    parse_version,
)

SHEET = "입주기업 성과"
README = "안내"
HEADERS = ("입주번호", "입주공간", "기업명", "사업자등록번호", "매출(원)", "고용(명)",
           "투자유치(원)", "지식재산권(건)", "버전")
COLUMNS = dict(zip(("occupancy", "space", "name", "bizno", *OUTCOME_FIELDS, "version"),
                   "ABCDEFGHI", strict=True))
XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def tenancies_in_year(facility: Facility, year: int) -> list[Occupancy]:
    """Return the facility's tenancies that overlap the year, by space."""
    return list(facility.occupancies.select_related("tenant").filter(
        Q(moved_in_on__lte=dt.date(year, 12, 31))
        & (Q(moved_out_on__isnull=True) | Q(moved_out_on__gte=dt.date(year, 1, 1))))
        .order_by("space", "moved_in_on"))


def build_template(facility: Facility, year: int) -> bytes:
    """Return the XLSX template of a facility's tenant outcomes for a year."""
    occupancies = tenancies_in_year(facility, year)
    current = {o.occupancy_id: o for o in TenantOutcome.objects.filter(
        occupancy__in=occupancies, year=year)}
    book = Workbook()
    sheet = book.active
    sheet.title = SHEET
    sheet.append(list(HEADERS))
    for occ in occupancies:
        outcome = current.get(occ.pk)
        sheet.append([occ.pk, occ.space, occ.tenant.name, occ.tenant.business_number,
                      *[getattr(outcome, f) if outcome else None for f in OUTCOME_FIELDS],
                      outcome.version if outcome else None])
    readme = book.create_sheet(README)
    readme.append(["시설번호", facility.pk])
    readme.append(["시설명", facility.name])
    readme.append(["연도", year])
    readme.append(["작성 방법", "매출·투자유치는 원 단위, 고용은 명, 지식재산권은 건. 입주번호와 버전은 "
                              "고치지 마십시오. 한 행이라도 틀리면 파일 전체를 저장하지 않습니다."])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@dataclass
class OutcomeUpload:
    facility: Facility
    year: int
    rows: list[OutcomeRow] = field(default_factory=list)
    unchanged: int = 0


def _readme_value(book: Any, label: str) -> Any:
    if README not in book.sheetnames:
        raise BulkRefused([Problem(README, None, "", f"'{README}' 시트가 없습니다. 내려받은 서식을 "
                                                      f"쓰십시오 / the '{README}' sheet is missing: "
                                                      f"use the downloaded template")])
    for row in book[README].iter_rows(values_only=True):
        if row and row[0] == label:
            return row[1] if len(row) > 1 else None
    raise BulkRefused([Problem(README, None, "B", f"'{label}' 값이 없습니다 / '{label}' is missing")])


def read_upload(facility: Facility, data: bytes, file_name: str) -> OutcomeUpload:
    """Check an uploaded template against the facility; raise BulkRefused with every problem."""
    book = load_workbook_safely(data, file_name)
    if _readme_value(book, "시설번호") != facility.pk:
        raise BulkRefused([Problem(README, 1, "B", "다른 시설의 서식입니다 / the template is of "
                                                   "another facility")])
    year = _readme_value(book, "연도")
    if not isinstance(year, int):
        raise BulkRefused([Problem(README, 3, "B", f"연도를 읽을 수 없습니다: {year!r} / unreadable year")])
    if SHEET not in book.sheetnames:
        raise BulkRefused([Problem(SHEET, None, "", f"'{SHEET}' 시트가 없습니다 / the '{SHEET}' "
                                                    f"sheet is missing")])
    sheet = book[SHEET]
    header = [cell_text(c) for c in next(sheet.iter_rows(min_row=1, max_row=1, values_only=True))]
    if tuple(header[:len(HEADERS)]) != HEADERS:
        raise BulkRefused([Problem(SHEET, 1, "", "머리글이 서식과 다릅니다 / the header row differs "
                                                 "from the template")])
    occupancies = {o.pk: o for o in facility.occupancies.select_related("facility", "tenant")}
    current = {o.occupancy_id: o for o in TenantOutcome.objects.filter(
        occupancy__facility=facility, year=year)}
    upload = OutcomeUpload(facility, year)
    problems: list[Problem] = []
    for number, row in enumerate(sheet.iter_rows(min_row=2, values_only=True), start=2):
        cells = dict(zip(COLUMNS, row, strict=False))
        if all(v is None or cell_text(v) == "" for v in cells.values()):
            continue
        problems.extend(_check_row(number, cells, occupancies, current, upload))
    if problems:
        raise BulkRefused(problems)
    return upload


def _check_row(number: int, cells: dict[str, Any], occupancies: dict[int, Occupancy],
               current: dict[int, TenantOutcome], upload: OutcomeUpload) -> list[Problem]:
    def problem(column: str, reason: str) -> Problem:
        return Problem(SHEET, number, COLUMNS[column], reason)

    occupancy = occupancies.get(cells.get("occupancy"))  # type: ignore[arg-type]
    if occupancy is None:
        return [problem("occupancy", f"이 시설의 입주번호가 아닙니다: {cells.get('occupancy')!r} / not a "
                                     f"tenancy of this facility")]
    values: dict[str, Any] = {}
    problems = []
    for name in OUTCOME_FIELDS:
        try:
            values[name] = parse_amount(cells.get(name))
        except CellError as exc:
            problems.append(problem(name, str(exc)))
    try:
        version = parse_version(cells.get("version"))
    except CellError as exc:
        problems.append(problem("version", str(exc)))
        version = None
    if problems:
        return problems
    if all(v is None for v in values.values()):
        return []  # nothing entered for this tenancy
    values = {k: 0 if v is None else v for k, v in values.items()}
    try:
        clean = check_outcome(occupancy, upload.year, values)
    except ValidationError as exc:
        return [problem(name if name in COLUMNS else "occupancy", message)
                for name, messages in exc.message_dict.items() for message in messages]
    existing = current.get(occupancy.pk)
    if existing is not None and version != existing.version:
        return [problem("version", f"내려받은 뒤 다른 사람이 고쳤습니다(버전 {version} → "
                                   f"{existing.version}). 서식을 다시 내려받으십시오 / changed by "
                                   f"someone else since the download: download again")]
    if existing is not None and all(getattr(existing, f) == clean[f] for f in OUTCOME_FIELDS):
        upload.unchanged += 1
        return []
    upload.rows.append(OutcomeRow(occupancy, upload.year, values))
    return []


def do_save_outcome_upload(actor: Any, upload: OutcomeUpload) -> tuple[int, int]:
    """Save a checked upload (all or nothing); return (created, changed)."""
    return do_save_outcomes(actor, upload.rows)
