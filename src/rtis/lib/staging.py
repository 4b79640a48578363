"""Turn an extracted table grid plus a planner's mapping into budget lines, naming every problem.

Pure: the grid is text as extracted from HWPX or XLSX (merged cells already expanded), the mapping
says which rows are which nodes and which columns are which years, and in which printed unit the
numbers are. Every rejected cell is reported with table, row, column and reason; nothing is
partially accepted — the caller commits all candidates or none.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from rtis.lib.money import MoneyError, parse_amount, to_won

YEAR = re.compile(r"(?:^|[^\d])(?:(19|20|21)(\d\d)|[’'‘`](\d\d))(?:[^\d]|$)")
SOURCE_CODES = {"city", "national", "district", "sh", "private", "fund", "other"}


@dataclass
class TableMapping:
    """How one extracted table maps onto budget lines."""

    table: int
    unit: str = "백만원"
    source: str = "city"
    header_row: int = 0
    label_column: int = 0
    rows: dict[int, str] = field(default_factory=dict)  # grid row → node code
    columns: dict[int, int] = field(default_factory=dict)  # grid column → year

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> TableMapping:
        return cls(table=int(data["table"]), unit=data.get("unit", "백만원"),
                   source=data.get("source", "city"), header_row=int(data.get("header_row", 0)),
                   label_column=int(data.get("label_column", 0)),
                   rows={int(k): str(v) for k, v in data.get("rows", {}).items() if v},
                   columns={int(k): int(v) for k, v in data.get("columns", {}).items() if v})

    def to_dict(self) -> dict[str, Any]:
        return {"table": self.table, "unit": self.unit, "source": self.source,
                "header_row": self.header_row, "label_column": self.label_column,
                "rows": {str(k): v for k, v in self.rows.items()},
                "columns": {str(k): v for k, v in self.columns.items()}}


@dataclass(frozen=True)
class Candidate:
    node: str
    year: int
    source: str
    amount_won: int
    where: str  # "표 2, 3행, 2019 열"


@dataclass(frozen=True)
class Problem:
    table: int
    row: int | None
    column: int | None
    reason: str

    def where(self) -> str:
        parts = [f"표 {self.table + 1}"]
        if self.row is not None:
            parts.append(f"{self.row + 1}행")
        if self.column is not None:
            parts.append(f"{self.column + 1}열")
        return ", ".join(parts)


def year_of_header(text: str) -> int | None:
    """Read a year from a header cell: "2018", "2018년", "’19", "'20년"."""
    match = YEAR.search(text or "")
    if not match:
        return None
    return int(match.group(1) + match.group(2)) if match.group(1) else 2000 + int(match.group(3))


# What documents print before a row's title: bullets (□ ○ - ·), numbers and codes ("1.", "1-1",
# "(2)", "①", "Ⅱ.", "가."), one at a time. Circled numbers become digits under NFKC.
_PREFIX = re.compile(
    r"^(?:[\s□■○●◦◎▪▫•·∙ㆍ\-–—*※>]+"
    r"|[(\[]?\s*(?:\d+(?:\s*[-.]\s*\d+)*|[ⅠⅡⅢⅣⅤⅥⅦⅧⅨⅩ]+|[IVX]+)\s*[)\].,]?"
    r"|[(\[]?[가-하][).])")
# Markers a budget table prints after a title: (신규), (확대), (계속), (가칭) …
_MARKER = re.compile(r"[(\[](?:신규|확대|계속|가칭|신설|완료|변경)[)\]]")
_CODE = re.compile(r"^\W*(\d+(?:-\d+)*)(?!\d)")


def _clean(text: str) -> str:
    text = _MARKER.sub("", unicodedata.normalize("NFKC", str(text or "")))
    return " ".join(text.split())


def _is_number(text: str) -> bool:
    return not text.replace("-", "").replace(".", "").replace(" ", "").isdigit()


def label_forms(text: str) -> list[str]:
    """Return a printed label as it is, then without each leading number or bullet in turn
    ("1-1. □ 도심제조 앵커(신규)" → "1-1. □ 도심제조 앵커", "□ 도심제조 앵커", "도심제조 앵커").
    A bare number names no title and is left out."""
    forms, text = [], _clean(text)
    while text:
        if len(text) >= 2 and _is_number(text):
            forms.append(text)
        stripped = _PREFIX.sub("", text, count=1).strip()
        if stripped == text:
            break
        text = stripped
    return forms


def _fold(text: str) -> str:
    return text.replace(" ", "").lower()


@dataclass
class TitleIndex:
    """The plan's node titles, looked up as printed (spacing normalised) or with no spacing."""

    exact: dict[str, set[str]] = field(default_factory=dict)
    folded: dict[str, set[str]] = field(default_factory=dict)

    @classmethod
    def of(cls, node_titles: dict[str, str]) -> TitleIndex:
        index = cls()
        for code, title in node_titles.items():
            clean = _clean(title)
            index.exact.setdefault(clean, set()).add(code)
            index.folded.setdefault(_fold(clean), set()).add(code)
        return index

    def match(self, labels: list[str]) -> str | None:
        """Return the code of the node a row's label cells name, or None (none, or ambiguous).

        Exact titles first, then titles without spacing; each label as printed before its
        stripped forms. When the label cells name several nodes, the rightmost cell (the most
        specific level of a printed hierarchy) decides. Two nodes with the same title are told
        apart only by a number printed with the label that is one of their codes.
        """
        numbers = {m.group(1) for label in labels if (m := _CODE.match(_clean(label)))}
        for lookup, key in ((self.exact, str), (self.folded, _fold)):
            for label in reversed(labels):
                for form in label_forms(label):
                    codes = lookup.get(key(form))
                    if not codes:
                        continue
                    if len(codes) > 1:
                        codes = codes & numbers
                    if len(codes) == 1:
                        return next(iter(codes))
                    break  # ambiguous: this label names several nodes
        return None


def guess_mapping(table: int, grid: list[list[str]], node_titles: dict[str, str]) -> TableMapping:
    """Propose a mapping: year columns from the first header row that has years; rows whose
    label cells print a node's title, whatever numbering, bullets or spacing come with it.

    A row is matched by title, never by a leading number alone (a table's own numbering need
    not be the plan's). Each node is proposed for its first matching row; the planner can
    change every row before anything is written.
    """
    mapping = TableMapping(table=table)
    for r, row in enumerate(grid[:5]):
        years = {c: year_of_header(cell) for c, cell in enumerate(row)}
        found = {c: y for c, y in years.items() if y is not None}
        if len(found) >= 2:
            mapping.header_row, mapping.columns = r, found
            break
    index = TitleIndex.of(node_titles)
    used: set[str] = set()
    label_columns: dict[int, int] = {}
    for r, row in enumerate(grid):
        if r <= mapping.header_row or not row:
            continue
        labels = [(c, str(cell)) for c, cell in enumerate(row)
                  if c not in mapping.columns and str(cell).strip()]
        code = index.match([text for _, text in labels])
        if code and code not in used:
            mapping.rows[r] = code
            used.add(code)
            for c, text in labels:
                if index.match([text]) == code:
                    label_columns[c] = label_columns.get(c, 0) + 1
    if label_columns:
        mapping.label_column = max(label_columns, key=lambda c: (label_columns[c], -c))
    return mapping


def candidates_from(grids: list[list[list[str]]], mappings: list[TableMapping],
                    node_codes: set[str]) -> tuple[list[Candidate], list[Problem]]:
    """Build budget-line candidates from mapped cells; every bad cell becomes a Problem."""
    candidates: list[Candidate] = []
    problems: list[Problem] = []
    seen: dict[tuple[str, int, str], str] = {}
    for mapping in mappings:
        if not 0 <= mapping.table < len(grids):
            problems.append(Problem(mapping.table, None, None,
                                    "없는 표입니다 / no such table"))
            continue
        grid = grids[mapping.table]
        if mapping.source not in SOURCE_CODES:
            problems.append(Problem(mapping.table, None, None,
                                    f"알 수 없는 재원 '{mapping.source}' / unknown funding source"))
            continue
        for r, code in sorted(mapping.rows.items()):
            if code not in node_codes:
                problems.append(Problem(mapping.table, r, None,
                                        f"없는 과제 번호 '{code}' / unknown node code"))
                continue
            for c, year in sorted(mapping.columns.items()):
                if not 1990 <= year <= 2100:
                    problems.append(Problem(mapping.table, r, c, f"연도 범위 밖 {year} / year "
                                                                  "outside 1990–2100"))
                    continue
                text = grid[r][c] if r < len(grid) and c < len(grid[r]) else ""
                try:
                    amount = parse_amount(text)
                    if amount is None:
                        continue
                    if amount < 0:
                        raise MoneyError(f"음수는 입력할 수 없습니다 / negative amount: '{text}'")
                    won = to_won(amount, mapping.unit)
                except MoneyError as exc:
                    problems.append(Problem(mapping.table, r, c, str(exc)))
                    continue
                if won > 10**16:
                    problems.append(Problem(mapping.table, r, c, "금액이 비정상적으로 큽니다 / "
                                                                 "absurdly large amount"))
                    continue
                key = (code, year, mapping.source)
                where = f"표 {mapping.table + 1}, {r + 1}행, {c + 1}열"
                if key in seen:
                    problems.append(Problem(mapping.table, r, c, f"{seen[key]}와(과) 같은 과제·연도·"
                                                                 f"재원입니다 / duplicate of {seen[key]}"))
                    continue
                seen[key] = where
                candidates.append(Candidate(code, year, mapping.source, won, where))
    return candidates, problems
