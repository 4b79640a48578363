"""The content of a generated report, independent of its format (HTML, PDF, XLSX, HWPX).

Builders (rtis.reports.builders) read the database at an as-of date and produce a Report; each
renderer turns the same Report into bytes. A Report round-trips through JSON (`to_dict`,
`from_dict`), so a snapshot can be rendered again, identically, years later.

Numbers in tables are already in the table's unit (e.g. 백만원) as Decimal or int: rounding to the
printed unit happens once, in the builder. Renderers only format them (thousands separators, the
column's decimals) and never compute.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Literal

Value = int | Decimal | str | None
RowStyle = Literal["normal", "subtotal", "total"]
ParagraphStyle = Literal["body", "bullet", "note"]


@dataclass
class Paragraph:
    """A paragraph of body text (바탕글), a bullet, or a small note."""

    text: str
    style: ParagraphStyle = "body"


@dataclass
class Row:
    """One table row: its cells in column order; totals are styled, never recomputed here."""

    cells: list[Value]
    style: RowStyle = "normal"
    indent: int = 0


@dataclass
class TableBlock:
    """A table: caption, unit, as-of date, one header row, rows, footnote, column decimals.

    `decimals[i]` is the number of decimals column i is printed with (None for text columns).
    The first column is usually the row label (text).
    """

    caption: str
    columns: list[str]
    rows: list[Row]
    unit: str = ""
    as_of: dt.date | None = None
    footnote: str = ""
    decimals: list[int | None] = field(default_factory=list)
    key: str = ""  # stable identifier, e.g. "budget-execution" (sheet names, tests)

    def decimals_of(self, column: int) -> int | None:
        return self.decimals[column] if column < len(self.decimals) else None

    @property
    def unit_caption(self) -> str:
        """The printed unit line, e.g. "(단위: 백만원, '22.1.21. 기준)"."""
        parts = [f"단위: {self.unit}"] if self.unit else []
        if self.as_of:
            parts.append(f"{self.as_of:%Y.%m.%d.} 기준")
        return f"({', '.join(parts)})" if parts else ""


Block = Paragraph | TableBlock


@dataclass
class Section:
    """A heading (level 1–3) and its blocks in order."""

    heading: str
    level: int = 1
    blocks: list[Block] = field(default_factory=list)


@dataclass
class Report:
    """A whole report: what, for whom, as of when, and its sections."""

    kind: str
    title: str
    as_of: dt.date
    sections: list[Section]
    subtitle: str = ""
    organisation: str = "서울특별시"
    meta: dict[str, Any] = field(default_factory=dict)  # what data it used (ids, versions, counts)

    def tables(self) -> list[TableBlock]:
        """Every table in document order."""
        return [b for s in self.sections for b in s.blocks if isinstance(b, TableBlock)]

    # --- JSON round trip -------------------------------------------------------------------

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind, "title": self.title, "subtitle": self.subtitle,
            "organisation": self.organisation, "as_of": self.as_of.isoformat(),
            "meta": self.meta,
            "sections": [{"heading": s.heading, "level": s.level,
                          "blocks": [_block_to_dict(b) for b in s.blocks]}
                         for s in self.sections],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Report:
        return cls(
            kind=data["kind"], title=data["title"], subtitle=data.get("subtitle", ""),
            organisation=data.get("organisation", "서울특별시"),
            as_of=dt.date.fromisoformat(data["as_of"]), meta=data.get("meta", {}),
            sections=[Section(heading=s["heading"], level=s["level"],
                              blocks=[_block_from_dict(b) for b in s["blocks"]])
                      for s in data["sections"]],
        )


def _value_to_json(value: Value) -> Any:
    if isinstance(value, Decimal):
        return {"d": str(value)}  # exact: a float would not survive the round trip
    return value


def _value_from_json(value: Any) -> Value:
    if isinstance(value, dict):
        return Decimal(value["d"])
    return value


def _block_to_dict(block: Block) -> dict[str, Any]:
    if isinstance(block, Paragraph):
        return {"type": "paragraph", "text": block.text, "style": block.style}
    return {"type": "table", "key": block.key, "caption": block.caption, "unit": block.unit,
            "as_of": block.as_of.isoformat() if block.as_of else None,
            "columns": block.columns, "decimals": block.decimals, "footnote": block.footnote,
            "rows": [{"cells": [_value_to_json(c) for c in r.cells], "style": r.style,
                      "indent": r.indent} for r in block.rows]}


def _block_from_dict(data: dict[str, Any]) -> Block:
    if data["type"] == "paragraph":
        return Paragraph(text=data["text"], style=data["style"])
    return TableBlock(
        key=data.get("key", ""), caption=data["caption"], unit=data["unit"],
        as_of=dt.date.fromisoformat(data["as_of"]) if data["as_of"] else None,
        columns=data["columns"], decimals=data["decimals"], footnote=data["footnote"],
        rows=[Row(cells=[_value_from_json(c) for c in r["cells"]], style=r["style"],
                  indent=r["indent"]) for r in data["rows"]])


def format_number(value: Value, decimals: int | None) -> str:
    """Print a cell as Korean documents do: thousands separators, fixed decimals, "-" for none."""
    if value is None:
        return "-"
    if isinstance(value, str):
        return value
    if decimals is None:
        decimals = 0
    quantum = Decimal(1).scaleb(-decimals)
    number = Decimal(value).quantize(quantum, rounding=ROUND_HALF_UP)
    return f"{number:,.{decimals}f}"


def sample_report() -> Report:
    """A small report using every feature: for renderer tests and demos."""
    return Report(
        kind="sample", title="표본 보고서", subtitle="렌더러 시험용", as_of=dt.date(2022, 1, 21),
        sections=[
            Section("Ⅰ. 일반 현황", 1, [
                Paragraph("경제정책실은 2실 10과로 구성되어 있습니다."),
                Paragraph("예산현액은 본예산, 예산이체, 이월액을 더한 금액입니다.", "note"),
                TableBlock(
                    key="budget-execution", caption="예산 집행 현황", unit="백만원",
                    as_of=dt.date(2022, 1, 21),
                    columns=["부서", "예산현액", "원인행위액", "지출액", "집행률(%)"],
                    decimals=[None, 0, 0, 0, 1],
                    rows=[Row(["계", 753976, 41181, 19488, Decimal("2.6")], "total"),
                          Row(["경제정책과", 131125, 120, 120, Decimal("0.1")]),
                          Row(["창업정책과", 39822, 1147, 994, Decimal("2.5")])],
                    footnote="예산현액 = 본예산 + 예산이체 + 이월액"),
            ]),
            Section("Ⅱ. 추진 계획", 1, [
                Paragraph("세부 내용은 아래와 같습니다.", "bullet"),
            ]),
            Section("1. 도심제조 활력 도시", 2, [
                Paragraph("도심제조 스마트 앵커를 조성합니다."),
                TableBlock(key="targets", caption="핵심 지표", unit="개",
                           columns=["지표", "2018", "2019", "계"], decimals=[None, 0, 0, 0],
                           rows=[Row(["입주기업수", None, 200, 200]),
                                 Row(["앵커시설조성", 4, 5, 9])]),
            ]),
        ],
        meta={"plans": ["sample"]},
    )
