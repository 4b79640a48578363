"""The plan JSON format `rtis-plan/1`: its schema and the checks that name every problem's path."""

from __future__ import annotations

import datetime as dt
import json
import re
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictInt, ValidationError, WithJsonSchema

from rtis.lib.claims import FIGURE_CLAIM_MODELS, TABLE_CLAIM_MODELS, validate_claims
from rtis.lib.numbers import ascii_int
from rtis.lib.org_history import HistoryFields, ReorganisationDoc, span_problems

FORMAT = "rtis-plan/1"
YEAR = Field(ge=1990, le=2100)
PERIOD_RE = re.compile(r"^(19|20|21)\d\d(-(Q[1-4]|H[12]|(0[1-9]|1[0-2])))?$")
SLUG_RE = r"^[a-z0-9]+(-[a-z0-9]+)*$"
KINDS = {"신규", "확대", "계속"}

# Decimals keep printed figures exact; in JSON (and the OpenAPI document) they are numbers.
Number = StrictInt | Annotated[Decimal, WithJsonSchema({"type": "number"})]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class PlanMeta(Strict):
    slug: str = Field(pattern=SLUG_RE, max_length=80)
    title: str = Field(min_length=1, max_length=300)
    document_number: str | None = Field(default=None, max_length=100)
    policy_number: str | None = Field(default=None, max_length=100)  # 방침번호 as printed
    approved_on: dt.date | None = None
    period: tuple[StrictInt, StrictInt]
    department: str | None = None
    summary: str = ""
    source_document: str | None = None
    published: bool = False


class DepartmentDoc(HistoryFields):
    # name and parent as on the plan's approval date; names, parents (dated, naming parents by
    # their `name` in this list) and aliases: the department's history (lib/org_history.py).
    name: str = Field(min_length=1, max_length=100)
    parent: str | None = None
    kind: Literal["office", "bureau", "department", "agency", "external"] = "department"


class NodeDoc(Strict):
    code: str = Field(min_length=1, max_length=40)
    title: str = Field(min_length=1, max_length=300)
    depth: StrictInt = Field(ge=1, le=10)
    parent: str | None = None
    level_name: str = Field(min_length=1, max_length=40)
    kind: str | None = None
    departments: list[str] = []
    cooperating_departments: list[str] = []
    description: str = ""
    provenance: dict[str, Any] = {}


class BudgetLineDoc(Strict):
    node: str
    year: StrictInt = YEAR
    source: str
    amount_won: StrictInt = Field(ge=0, le=10**16)
    note: str = Field(default="", max_length=200)
    provenance: dict[str, Any] = {}


class IndicatorDoc(Strict):
    node: str
    name: str = Field(min_length=1, max_length=200)
    unit: str = Field(min_length=1, max_length=30)
    direction: Literal["increase", "decrease", "maintain"] = "increase"
    definition: str = ""
    targets: dict[str, Number] = {}
    actuals: dict[str, Number] = {}
    provenance: dict[str, Any] = {}


class StatedFigureDoc(Strict):
    key: str = Field(pattern=SLUG_RE, max_length=120)
    label: str = Field(min_length=1, max_length=300)
    value: Number
    unit_as_printed: str = ""
    printed: str = ""
    provenance: dict[str, Any] = {}
    claims: list[dict[str, Any]] = []


class StatedRowDoc(Strict):
    label: str
    values: list[Number | str | None]


class StatedTableDoc(Strict):
    key: str = Field(pattern=SLUG_RE, max_length=120)
    title: str = Field(min_length=1, max_length=300)
    unit_as_printed: str | None = None
    as_of: dt.date | None = None
    columns: list[str]
    rows: list[StatedRowDoc]
    note: str = ""
    provenance: dict[str, Any] = {}
    claims: list[dict[str, Any]] = []


class PlanDoc(Strict):
    format: Literal["rtis-plan/1"]
    plan: PlanMeta
    reorganisations: list[ReorganisationDoc] = []
    departments: list[DepartmentDoc] = []
    nodes: list[NodeDoc]
    budget_lines: list[BudgetLineDoc] = []
    indicators: list[IndicatorDoc] = []
    stated_figures: list[StatedFigureDoc] = []
    stated_tables: list[StatedTableDoc] = []


class PlanFileError(Exception):
    """A plan file that cannot be imported; `problems` lists (JSON path, message)."""

    def __init__(self, source: str, problems: list[tuple[str, str]]) -> None:
        self.source = source
        self.problems = problems
        lines = "\n".join(f"  {path}: {message}" for path, message in problems)
        super().__init__(
            f"{source}: 가져오지 않았습니다. 문제 {len(problems)}건 / not imported, "
            f"{len(problems)} problem(s):\n{lines}"
        )


KOREAN_MESSAGES = {
    "missing": "필수 항목이 없습니다",
    "extra_forbidden": "알 수 없는 항목입니다",
    "int_type": "정수여야 합니다",
    "string_type": "문자열이어야 합니다",
    "greater_than_equal": "값이 너무 작습니다",
    "less_than_equal": "값이 너무 큽니다",
    "literal_error": "허용되지 않는 값입니다",
    "date_from_datetime_parsing": "날짜(YYYY-MM-DD)가 아닙니다",
    "date_parsing": "날짜(YYYY-MM-DD)가 아닙니다",
    "string_pattern_mismatch": "형식이 맞지 않습니다",
    "string_too_short": "비어 있습니다",
    "string_too_long": "너무 깁니다",
    "decimal_type": "숫자여야 합니다",
    "list_type": "목록이어야 합니다",
    "dict_type": "객체여야 합니다",
    "bool_type": "참/거짓이어야 합니다",
    "model_type": "객체여야 합니다",
}


def json_path(loc: tuple[Any, ...]) -> str:
    """Render a pydantic location as a JSON path: ('nodes', 3, 'code') -> $.nodes[3].code."""
    path = "$"
    for part in loc:
        path += f"[{part}]" if isinstance(part, int) else f".{part}"
    return path


def _schema_problems(exc: ValidationError) -> list[tuple[str, str]]:
    problems = []
    for error in exc.errors():
        # Union members repeat the location with a type name appended; keep the field's path.
        loc = tuple(p for p in error["loc"] if not (isinstance(p, str) and
                                                    p in {"int", "decimal", "str", "none"}))
        korean = KOREAN_MESSAGES.get(error["type"], "")
        given = error.get("input")
        shown = "" if isinstance(given, dict | list) or given is None else f" ({given!r})"
        text = f"{korean} / {error['msg']}{shown}" if korean else f"{error['msg']}{shown}"
        problems.append((json_path(loc), text))
    return problems


def _semantic_problems(doc: PlanDoc, known_sources: set[str],
                       known_departments: set[str]) -> list[tuple[str, str]]:
    problems: list[tuple[str, str]] = []
    start, end = doc.plan.period
    if not (1990 <= start <= end <= 2100):
        problems.append(("$.plan.period", f"기간은 1990~2100 사이, 시작≤종료여야 합니다 / the period "
                                          f"must lie within 1990–2100 with start ≤ end: {start}–{end}"))
    departments = known_departments | {d.name for d in doc.departments}
    reorganisations = {r.key for r in doc.reorganisations}
    for i, d in enumerate(doc.departments):
        if d.parent and d.parent not in departments:
            problems.append((f"$.departments[{i}].parent", f"알 수 없는 부서 '{d.parent}' / "
                                                           f"unknown department '{d.parent}'"))
        for j, span in enumerate(d.parents):
            if span.parent is not None and span.parent not in departments:
                problems.append((f"$.departments[{i}].parents[{j}].parent",
                                 f"알 수 없는 부서 '{span.parent}' / unknown department "
                                 f"'{span.parent}'"))
        for kind in ("names", "parents"):
            problems += [(f"$.{path}", message) for path, message in span_problems(
                getattr(d, kind), f"departments[{i}].{kind}", reorganisations)]
    if doc.plan.department and doc.plan.department not in departments:
        problems.append(("$.plan.department", f"알 수 없는 부서 '{doc.plan.department}' / "
                                              f"unknown department '{doc.plan.department}'"))
    depth_of: dict[str, int] = {}
    for i, n in enumerate(doc.nodes):
        path = f"$.nodes[{i}]"
        if n.code in depth_of:
            problems.append((f"{path}.code", f"번호 '{n.code}'이(가) 중복됩니다 / duplicate code"))
        if n.parent is None:
            if n.depth != 1:
                problems.append((f"{path}.depth", f"최상위 과제의 단계는 1이어야 합니다: {n.depth} / "
                                                  "a node without parent must have depth 1"))
        elif n.parent not in depth_of:
            problems.append((f"{path}.parent", f"상위 과제 '{n.parent}'이(가) 앞에 없습니다 / parent "
                                               f"'{n.parent}' is not listed before this node"))
        elif n.depth != depth_of[n.parent] + 1:
            problems.append((f"{path}.depth", f"단계는 상위 과제보다 1 커야 합니다: {n.depth} / "
                                              f"depth must be the parent's plus one"))
        if n.kind is not None and n.kind not in KINDS:
            problems.append((f"{path}.kind", f"구분은 신규·확대·계속 중 하나입니다: '{n.kind}' / "
                                             f"kind must be 신규, 확대 or 계속"))
        for field in ("departments", "cooperating_departments"):
            for j, name in enumerate(getattr(n, field)):
                if name not in departments:
                    problems.append((f"{path}.{field}[{j}]", f"알 수 없는 부서 '{name}' / "
                                                             f"unknown department '{name}'"))
        depth_of.setdefault(n.code, n.depth)
    seen_lines: set[tuple[str, int, str]] = set()
    for i, line in enumerate(doc.budget_lines):
        path = f"$.budget_lines[{i}]"
        if line.node not in depth_of:
            problems.append((f"{path}.node", f"알 수 없는 과제 '{line.node}' / unknown node"))
        if line.source not in known_sources:
            problems.append((f"{path}.source", f"알 수 없는 재원 '{line.source}' (사용 가능: "
                                               f"{', '.join(sorted(known_sources))}) / unknown "
                                               f"funding source '{line.source}'"))
        key = (line.node, line.year, line.source)
        if key in seen_lines:
            problems.append((path, f"같은 과제·연도·재원이 중복됩니다 {key} / duplicate line"))
        seen_lines.add(key)
    seen_indicators: set[tuple[str, str]] = set()
    for i, ind in enumerate(doc.indicators):
        path = f"$.indicators[{i}]"
        if ind.node not in depth_of:
            problems.append((f"{path}.node", f"알 수 없는 과제 '{ind.node}' / unknown node"))
        if (ind.node, ind.name) in seen_indicators:
            problems.append((f"{path}.name", f"지표명이 중복됩니다 '{ind.name}' / duplicate name"))
        seen_indicators.add((ind.node, ind.name))
        for year in ind.targets:
            number = ascii_int(year)
            if number is None or not 1990 <= number <= 2100:
                problems.append((f"{path}.targets.{year}", "목표 연도는 1990~2100이어야 합니다 / "
                                                           "a target's key must be a year 1990–2100"))
        for period in ind.actuals:
            if not PERIOD_RE.match(period):
                problems.append((f"{path}.actuals.{period}", "기간은 2021, 2021-Q3, 2021-H1, "
                                                             "2021-07 형식입니다 / a period is "
                                                             "2021, 2021-Q3, 2021-H1 or 2021-07"))
    for kind in ("stated_figures", "stated_tables"):
        keys: set[str] = set()
        for i, item in enumerate(getattr(doc, kind)):
            if item.key in keys:
                problems.append((f"$.{kind}[{i}].key", f"키 '{item.key}'이(가) 중복됩니다 / "
                                                       "duplicate key"))
            keys.add(item.key)
    for kind, models in (("stated_tables", TABLE_CLAIM_MODELS),
                         ("stated_figures", FIGURE_CLAIM_MODELS)):
        for i, item in enumerate(getattr(doc, kind)):
            for message in validate_claims(item.claims, models):
                problems.append((f"$.{kind}[{i}].{message.split(':', 1)[0]}",
                                 message.split(":", 1)[1].strip()))
    for i, table in enumerate(doc.stated_tables):
        for j, row in enumerate(table.rows):
            if len(row.values) != len(table.columns):
                problems.append((f"$.stated_tables[{i}].rows[{j}].values",
                                 f"값 {len(row.values)}개, 열 {len(table.columns)}개로 맞지 않습니다 / "
                                 f"{len(row.values)} values for {len(table.columns)} columns"))
    return problems


def parse_plan_doc(data: Any, source: str, known_sources: set[str],
                   known_departments: set[str]) -> PlanDoc:
    """Validate decoded JSON as a plan file; raise PlanFileError listing every problem."""
    try:
        doc = PlanDoc.model_validate(data)
    except ValidationError as exc:
        raise PlanFileError(source, _schema_problems(exc)) from None
    problems = _semantic_problems(doc, known_sources, known_departments)
    if problems:
        raise PlanFileError(source, problems)
    return doc


def load_json_text(text: str, source: str) -> Any:
    """Decode JSON keeping decimals exact; a syntax error names line and column."""
    try:
        return json.loads(text, parse_float=Decimal)
    except json.JSONDecodeError as exc:
        raise PlanFileError(source, [(f"line {exc.lineno}, column {exc.colno}",
                                      f"JSON 문법 오류 / invalid JSON: {exc.msg}")]) from None
    except RecursionError:
        # Thousands of nested brackets exhaust the decoder's stack: no plan nests that deep.
        raise PlanFileError(source, [("$", "JSON이 너무 깊게 중첩되어 있습니다 / JSON nested too "
                                           "deeply")]) from None
    except ValueError as exc:  # an integer of more digits than Python converts (4,300)
        raise PlanFileError(source, [("$", f"읽을 수 없는 숫자가 있습니다 / a number that cannot "
                                           f"be read: {exc}")]) from None


def number_to_json(value: Decimal | int) -> int | float:
    """Render a stored number for JSON: whole numbers as int, others as the shortest float."""
    if isinstance(value, int):
        return value
    normal = value.normalize()
    if normal == normal.to_integral_value():
        return int(normal)
    return float(normal)
