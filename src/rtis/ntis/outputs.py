"""`rtis ntis import --outputs KIND FILE`: 성과 exports (논문, 특허, 사업화, 기술료), linked to
projects by 과제고유번호. All or nothing: a wrong record writes nothing and is reported with its
line. A file replaces the outputs of its kind for the project numbers it names, so importing it
again changes nothing."""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import transaction

from rtis.audit.log import record_create
from rtis.config import clock
from rtis.lib.numbers import is_ascii_digits
from rtis.ntis.access import require_ntis_import
from rtis.ntis.fields import OUTPUT_COMMON, OUTPUT_KINDS
from rtis.ntis.importer import sha256_of
from rtis.ntis.models import ImportBatch, Output
from rtis.ntis.reader import FileRefused, bad_lines_for, detect_encoding
from rtis.ntis.rows import PROJECT_NO, parse_won


@dataclass
class OutputReport:
    kind: str
    records: int = 0
    loaded: int = 0
    replaced: int = 0
    problems: list[str] = field(default_factory=list)
    refused: str = ""

    def __str__(self) -> str:
        if self.refused:
            return f"거부 / refused: {self.refused}"
        if self.problems:
            return (f"{len(self.problems)}건 오류, 아무것도 저장하지 않음 / nothing written: "
                    + "; ".join(self.problems[:10]))
        return (f"{OUTPUT_KINDS[self.kind][0]} {self.loaded:,}건 적재 (교체 {self.replaced:,}) / "
                f"loaded, replaced")


def _norm(label: str) -> str:
    return "".join(label.replace("\ufeff", "").split())


def _rows(path: Path, encoding: str | None) -> tuple[list[str], list[tuple[int, list[str]]]]:
    if path.suffix.lower() == ".xlsx":
        from openpyxl import load_workbook

        from rtis.ntis.reader import _cell_text, _check_zip

        _check_zip(path)
        book = load_workbook(path, read_only=True, data_only=True)
        try:
            rows = [(n, [_cell_text(v) for v in r]) for n, r in
                    enumerate(book.worksheets[0].iter_rows(values_only=True), start=1)]
        finally:
            book.close()
    else:
        enc = encoding or detect_encoding(path)[0]
        if bad_lines_for(path, enc):
            raise FileRefused(f"{enc}(으)로 읽을 수 없는 줄이 있습니다 / lines not in {enc}",
                              code="encoding")
        with path.open(encoding=enc, newline="") as f:
            reader = csv.reader(f)
            rows = []
            start = 1
            for cells in reader:
                rows.append((start, cells))
                start = reader.line_num + 1
    for index, (_n, cells) in enumerate(rows[:5]):
        names = {_norm(c) for c in cells}
        if "과제고유번호" in names and "성과발생년도" in names:
            return cells, rows[index + 1:]
    raise FileRefused("키 열이 없습니다: 과제고유번호, 성과발생년도 / key columns missing",
                      code="key-columns")


def do_import_outputs(actor: Any | None, path: Path, kind: str, *,
                      encoding: str | None = None) -> OutputReport:
    require_ntis_import(actor)
    report = OutputReport(kind)
    label, specific = OUTPUT_KINDS[kind]
    try:
        header, rows = _rows(path, encoding)
    except FileRefused as refused:
        report.refused = refused.reason
        return report
    lookup = {}
    for spec in (*OUTPUT_COMMON, *specific):
        for name in (spec.header, *spec.synonyms):
            lookup[_norm(name)] = spec.name
    positions: dict[str, int] = {}
    for i, cell in enumerate(header):
        if _norm(cell) in lookup:
            positions.setdefault(lookup[_norm(cell)], i)
    outputs = []
    for where, cells in rows:
        if not any(c.strip() for c in cells):
            continue
        report.records += 1
        values = {name: (cells[i].strip() if i < len(cells) else "")
                  for name, i in positions.items()}
        number, year = values.get("project_no", ""), values.get("year", "")
        if not PROJECT_NO.fullmatch(number):
            report.problems.append(f"{where}행 과제고유번호 '{number}': 숫자 10자리가 아님 / not "
                                   f"10 digits")
            continue
        if not (is_ascii_digits(year) and len(year) == 4):
            report.problems.append(f"{where}행 성과발생년도 '{year}': 연도가 아님 / not a year")
            continue
        amount = None
        if "amount" in values:
            try:
                amount = parse_won(values["amount"])
            except ValueError:
                report.problems.append(f"{where}행 금액 '{values['amount']}': 정수(원)가 아님 / "
                                       f"not won")
                continue
            if amount is not None and amount < 0:
                report.problems.append(f"{where}행 금액: 음수 / negative amount")
                continue
        detail = {k: v for k, v in values.items()
                  if k not in ("project_no", "year", "title", "amount") and v}
        outputs.append(Output(kind=kind, project_no=number, year=int(year),
                              title=values.get("title", "")[:500] or label, detail=detail,
                              amount=amount))
    if report.problems:
        return report
    with transaction.atomic():
        batch = ImportBatch.objects.create(
            file_name=path.name[:300], sha256=sha256_of(path), kind=kind,
            file_format=path.suffix.lower().lstrip("."), mode="strict", rows=report.records,
            added=len(outputs), at=clock.now(),
            actor=actor if getattr(actor, "is_authenticated", False) else None)
        numbers = {o.project_no for o in outputs}
        report.replaced, _ = Output.objects.filter(kind=kind, project_no__in=numbers).delete()
        for output in outputs:
            output.batch = batch
        Output.objects.bulk_create(outputs, batch_size=2000)
        record_create(actor, batch, reason=f"ntis outputs {kind}: {len(outputs)}")
    report.loaded = len(outputs)
    return report
