"""The seed dataset formats (docs/seed-format.md): schema, and conversion to plan JSON.

Run `python -m rtis.lib.seed_schema FILE...` to validate seed files by hand.
"""

from __future__ import annotations

import datetime as dt
import re
import sys
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictInt, ValidationError

from rtis.lib.claims import FIGURE_CLAIM_MODELS, TABLE_CLAIM_MODELS, validate_claims
from rtis.lib.facility_seed import FacilitySeedFile
from rtis.lib.kdate import quarter_bounds
from rtis.lib.money import UNITS, MoneyError, to_won, won_unit_factor
from rtis.lib.org_history import OrgHistoryFile, org_file_problems
from rtis.lib.refdata_schema import RefdataFile
from rtis.lib.seed_language import english_fields
from rtis.lib.yamlines import YamlError, line_of, load_with_lines

SOURCES = {"city", "national", "district", "sh", "private", "fund", "other"}
Number = StrictInt | Decimal | float
Provenance = dict[str, Any]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    # A maintainers' note in any language: never loaded, shown, exported or checked for language.
    note_en: str | None = Field(default=None, exclude=True)


# The language of the source document; a Korean document's user-visible texts must be Korean.
Language = Literal["ko", "en"]


class SeedPlan(Strict):
    slug: str = Field(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$")
    title: str
    document_number: str | None = None
    policy_number: str | None = None  # 방침번호 as printed on the approval sheet
    approved_on: dt.date | None = None
    period: tuple[StrictInt, StrictInt]
    department: str | None = None
    summary: str = ""
    published: bool = False


class SeedDepartment(Strict):
    name: str
    parent: str | None = None
    kind: Literal["office", "bureau", "department", "agency", "external"] = "department"


class SeedNode(Strict):
    code: str
    title: str
    level_name: str
    kind: Literal["신규", "확대", "계속"] | None = None
    departments: list[str] = []
    cooperating_departments: list[str] = []
    description: str | None = None
    provenance: Provenance = {}
    children: list[SeedNode] = []


class SeedBudgetLine(Strict):
    node: str
    source: Literal["city", "national", "district", "sh", "private", "fund", "other"]
    source_as_printed: str | None = None
    amounts: list[Number | None]
    note: str | None = None


class SeedBudgetTable(Strict):
    table: str
    section: str | None = None
    unit: Literal["원", "천원", "백만원", "억원", "조원"]
    years: list[StrictInt]
    lines: list[SeedBudgetLine]
    note: str | None = None
    provenance: Provenance = {}


class SeedRow(Strict):
    label: str
    values: list[Number | str | None]


class SeedStatedTable(Strict):
    key: str = Field(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$")
    title: str
    unit: str | None = None
    as_of: dt.date | None = None
    columns: list[str]
    rows: list[SeedRow]
    note: str | None = None
    provenance: Provenance = {}
    claims: list[dict[str, Any]] = []


class SeedFigure(Strict):
    key: str = Field(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$")
    label: str
    value: Number
    unit: str | None = None
    printed: str | None = None
    provenance: Provenance = {}
    claims: list[dict[str, Any]] = []


class SeedIndicator(Strict):
    node: str
    name: str
    unit: str
    direction: Literal["increase", "decrease", "maintain"] = "increase"
    definition: str | None = None
    # A printed "-" is null: no target that year.
    targets: dict[int | str, Number | None] = {}
    actuals: dict[int | str, Number | None] = {}
    provenance: Provenance = {}


# --- the pledge section (seed 003): tracking data of a mayoral pledge --------------------------

# 추진상황 as printed (docs/GLOSSARY.md); rtis.tracking.pledge maps them to NodeStatus.
PledgeStatus = Literal["정상추진", "추진중", "추진완료", "이행 후 계속추진", "일부추진", "지연",
                       "보류", "폐기"]
# 시민 참여실적 kinds as pledge cards name them; rtis.tracking.pledge maps them to ParticipationKind.
ParticipationLabel = Literal["설명회·공청회", "만족도 조사", "민간전문가 자문", "언론/방송 보도",
                             "보고서 발간"]
# The printed table of settled spending by year and source that a pledge card carries.
PLEDGE_EXECUTED_TABLE = "executed-by-year-source"
# Row labels of totals: printed sums, never data.
TOTAL_LABELS = {"계", "소계", "합계", "총계"}
# Funding sources by their printed names (a plan's own budget lines may add more).
SOURCE_LABELS = {"시비": "city", "국비": "national", "구비": "district", "SH공사": "sh",
                 "민자": "private", "민간": "private", "모태펀드": "fund", "기타": "other"}


class SeedAmount(Strict):
    value: Number
    unit: Literal["원", "천원", "백만원", "억원", "조원"]


class SeedAnnualPlan(Strict):
    node: str
    year: StrictInt | None = None
    period_as_printed: str | None = None
    text: str | None = None
    achieved: str | None = None


class SeedQuarterlyPlan(Strict):
    node: str
    year: StrictInt
    quarter: StrictInt | None = Field(default=None, ge=1, le=4)  # None: not placed in a quarter
    planned: str | None = None
    achieved: str | None = None
    # ours, not printed: reported = the 추진 실적 table prints an achievement; planned = plan only
    state: Literal["reported", "planned"] | None = None
    placement: Literal["inferred", "unplaced"] | None = None
    note: str | None = None


class SeedAchievement(Strict):
    node: str
    year: StrictInt | None = None
    quarter: StrictInt | None = Field(default=None, ge=1, le=4)
    date_as_printed: str | None = None
    text: str
    detail: str | None = None
    note: str | None = None


class SeedNextStep(Strict):
    node: str
    year: StrictInt | None = None
    date_as_printed: str | None = None
    text: str


class SeedParticipation(Strict):
    node: str
    kind: ParticipationLabel
    kind_as_printed: str | None = None
    count: StrictInt | None = Field(default=None, ge=0, le=1_000_000)  # None: printed "-"
    year: StrictInt | None = None  # None: cumulative to the reporting point
    description: str | None = None


class SeedCooperatingBody(Strict):
    name: str
    members: list[str] = []
    members_complete: bool = False
    size_as_printed: str | None = None
    note: str | None = None


class SeedContact(Strict):
    role: Literal["총괄부서", "협조부서"]
    department: str
    position: str | None = None
    name: str
    phone: str | None = None
    printed: str | None = None


class SeedPledge(Strict):
    """Tracking data of a mayoral pledge (seed 003), loaded by rtis.tracking.pledge."""

    number: str
    title: str | None = None
    status: PledgeStatus
    status_reason: str | None = None
    # The date the status and the reported quarters stand at; when the document prints none,
    # the loader takes the end of the last quarter it reports (see pledge_reported_on).
    reported_on: dt.date | None = None
    type: str | None = None
    term: str | None = None
    final_goal: str | None = None
    overview: str | None = None
    overview_items: list[str] = []
    total_cost: SeedAmount | None = None
    executed: SeedAmount | None = None
    annual_plan: list[SeedAnnualPlan] = []
    annual_plan_note: str | None = None
    quarterly_plans: list[SeedQuarterlyPlan] = []
    quarterly_plans_note: str | None = None
    achievements: list[SeedAchievement] = []
    next_steps: list[SeedNextStep] = []
    participation: list[SeedParticipation] = []
    cooperating_bodies: list[SeedCooperatingBody] = []
    cooperation_text: str | None = None
    contacts: list[SeedContact] = []


class SeedPlanFile(Strict):
    format: Literal["rtis-seed/1"]
    document: str
    language: Language = "ko"
    plan: SeedPlan
    departments: list[SeedDepartment] = []
    nodes: list[SeedNode]
    budget_tables: list[SeedBudgetTable] = []
    stated_tables: list[SeedStatedTable] = []
    stated_figures: list[SeedFigure] = []
    indicators: list[SeedIndicator] = []
    references: list[Any] = []
    # Tracking data of a pledge (seed 003), loaded into the tracking app's models.
    pledge: SeedPledge | None = None


class SeedConcern(Strict):
    plan: str
    node: str


class SeedReference(Strict):
    key: str
    title: str
    publisher: str | None = None
    published_on: dt.date | str | None = None
    summary: str | None = None
    concerns: list[SeedConcern] = []


class SeedReferencesFile(Strict):
    format: Literal["rtis-references/1"]
    document: str
    language: Language = "ko"
    references: list[SeedReference]


class SeedAuditItem(Strict):
    number: StrictInt
    category: Literal["corrective", "recommendation", "document_request"]
    title: str
    departments: list[str]
    status: Literal["완료", "추진중", "검토중", "미반영"]
    status_as_printed: str | None = None
    actions: str | None = None
    next_steps: str | None = None
    provenance: Provenance = {}


class SeedSession(Strict):
    key: str = Field(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$")
    title: str
    committee: str | None = None
    year: StrictInt
    body: str | None = None
    plan: str | None = None  # the plan whose document printed the follow-up


class SeedAuditFile(Strict):
    format: Literal["rtis-audit/1"]
    document: str
    language: Language = "ko"
    session: SeedSession
    summary_table: SeedStatedTable
    items: list[SeedAuditItem]


FORMATS: dict[str, type[BaseModel]] = {
    "rtis-seed/1": SeedPlanFile,
    "rtis-references/1": SeedReferencesFile,
    "rtis-audit/1": SeedAuditFile,
    "rtis-orgs/1": OrgHistoryFile,  # the organisation's dated history (seed/orgs/)
    "rtis-facilities/1": FacilitySeedFile,  # anchor facilities and funds (seed/facilities/)
    "rtis-refdata/1": RefdataFile,  # versioned reference code lists (seed/refdata/)
}


class SeedError(Exception):
    """A seed file is wrong; `problems` are (file, line, path, message)."""

    def __init__(self, problems: list[tuple[str, int | None, str, str]]) -> None:
        self.problems = problems
        text = "\n".join(
            f"  {file}:{line or '?'}: {path}: {message}" for file, line, path, message in problems
        )
        super().__init__(f"시드 데이터 오류 {len(problems)}건, 아무것도 불러오지 않았습니다 / "
                         f"{len(problems)} seed problem(s), nothing loaded:\n{text}")


def _dotted(path: tuple[Any, ...]) -> str:
    return "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in path).lstrip(".")


def parse_seed_text(text: str, file_name: str) -> BaseModel:
    """Parse and validate one seed file; raise SeedError naming file and line."""
    try:
        data, lines = load_with_lines(text, file_name)
    except YamlError as exc:
        raise SeedError([(file_name, None, "", str(exc))]) from None
    fmt = data.get("format") if isinstance(data, dict) else None
    model = FORMATS.get(str(fmt))
    if model is None:
        raise SeedError([(file_name, line_of(lines, ("format",)), "format",
                          f"알 수 없는 형식 {fmt!r} (사용 가능: {', '.join(FORMATS)}) / "
                          f"unknown format {fmt!r}")])
    try:
        parsed = model.model_validate(data)
    except ValidationError as exc:
        problems = []
        seen_locs: set[tuple[Any, ...]] = set()
        for error in exc.errors():
            loc = tuple(p for p in error["loc"] if not (isinstance(p, str) and (
                p in {"int", "decimal", "float", "str", "none", "date"} or "[" in p)))
            if loc in seen_locs:  # a union reports each member's complaint; one is enough
                continue
            seen_locs.add(loc)
            given = error.get("input")
            shown = "" if isinstance(given, dict | list) else f" (값: {given!r})"
            problems.append((file_name, line_of(lines, loc), _dotted(loc), error["msg"] + shown))
        raise SeedError(problems) from None
    language_problems = _language_problems(parsed, data, lines, file_name)
    if isinstance(parsed, SeedPlanFile):
        problems = _plan_problems(parsed, lines, file_name) + language_problems
        if problems:
            raise SeedError(problems)
    elif language_problems:
        raise SeedError(language_problems)
    if isinstance(parsed, OrgHistoryFile):
        org_problems = org_file_problems(parsed)
        if org_problems:
            raise SeedError([(file_name, None, path, message) for path, message in org_problems])
    if isinstance(parsed, SeedAuditFile):
        summary = parsed.summary_table
        problems = [(file_name, line_of(lines, ("summary_table", "claims")),
                     "summary_table." + m.split(":", 1)[0], m)
                    for m in validate_claims(summary.claims, TABLE_CLAIM_MODELS)]
        problems += [(file_name, line_of(lines, ("summary_table", "rows", j)),
                      f"summary_table.rows[{j}].values",
                      f"값 {len(r.values)}개, 열 {len(summary.columns)}개 / "
                      f"{len(r.values)} values for {len(summary.columns)} columns")
                     for j, r in enumerate(summary.rows) if len(r.values) != len(summary.columns)]
        if problems:
            raise SeedError(problems)
    return parsed


def _language_problems(parsed: BaseModel, data: Any, lines: dict[tuple[Any, ...], int],
                       file_name: str) -> list[tuple[str, int | None, str, str]]:
    """Refuse English prose in the user-visible texts of a Korean document (seed_language)."""
    if getattr(parsed, "language", "ko") != "ko":
        return []
    problems = []
    for path, text, words in english_fields(data):
        shown = text if len(text) <= 120 else text[:117] + "..."
        problems.append((file_name, line_of(lines, path), _dotted(path),
                         f"한국어 문서에 영어 문장 ('{words}'): 한국어로 쓰고, 관리자용 메모는 "
                         f"note_en이나 YAML 주석으로 옮기십시오 / English prose in a Korean "
                         f"document ('{words}'): write it in Korean; move maintainers' notes to "
                         f"note_en or a YAML comment: {shown!r}"))
    return problems


def _flatten(nodes: list[SeedNode], parent: str | None = None, depth: int = 1,
             path: tuple[Any, ...] = ("nodes",)) -> list[tuple[SeedNode, str | None, int, tuple[Any, ...]]]:
    flat = []
    for i, node in enumerate(nodes):
        here = (*path, i)
        flat.append((node, parent, depth, here))
        flat.extend(_flatten(node.children, node.code, depth + 1, (*here, "children")))
    return flat


def _plan_problems(seed: SeedPlanFile, lines: dict[tuple[Any, ...], int],
                   file_name: str) -> list[tuple[str, int | None, str, str]]:
    problems: list[tuple[str, int | None, str, str]] = []

    def add(path: tuple[Any, ...], message: str) -> None:
        problems.append((file_name, line_of(lines, path), _dotted(path), message))

    departments = {d.name for d in seed.departments}
    codes: set[str] = set()
    for node, _parent, _depth, path in _flatten(seed.nodes):
        if node.code in codes:
            add((*path, "code"), f"번호 '{node.code}' 중복 / duplicate code")
        codes.add(node.code)
        for field in ("departments", "cooperating_departments"):
            for j, name in enumerate(getattr(node, field)):
                if name not in departments:
                    add((*path, field, j), f"departments 목록에 없는 부서 '{name}' / "
                                           f"department '{name}' is not listed under departments")
    for i, d in enumerate(seed.departments):
        if d.parent and d.parent not in departments:
            add(("departments", i, "parent"), f"departments 목록에 없는 상위 조직 '{d.parent}' / "
                                              "parent not listed under departments")
    if seed.plan.department and seed.plan.department not in departments:
        add(("plan", "department"), f"departments 목록에 없는 부서 '{seed.plan.department}'")
    seen: dict[tuple[str, int, str], tuple[Any, ...]] = {}
    for t, table in enumerate(seed.budget_tables):
        for j, line in enumerate(table.lines):
            path = ("budget_tables", t, "lines", j)
            if line.node not in codes:
                add((*path, "node"), f"없는 과제 번호 '{line.node}' / unknown node code")
            if len(line.amounts) != len(table.years):
                add((*path, "amounts"), f"금액 {len(line.amounts)}개, 연도 {len(table.years)}개 / "
                                        f"{len(line.amounts)} amounts for {len(table.years)} years")
            for k, (year, amount) in enumerate(zip(table.years, line.amounts, strict=False)):
                if amount is None:
                    continue
                try:
                    to_won(Decimal(str(amount)), table.unit)
                except MoneyError as exc:
                    add((*path, "amounts", k), str(exc))
                key = (line.node, year, line.source)
                if key in seen:
                    add((*path, "amounts", k), f"같은 과제·연도·재원이 이미 있습니다 {key} (줄 "
                                               f"{line_of(lines, seen[key])}) / duplicate line")
                seen[key] = (*path, "amounts", k)
    for i, ind in enumerate(seed.indicators):
        if ind.node not in codes:
            add(("indicators", i, "node"), f"없는 과제 번호 '{ind.node}' / unknown node code")
    for i, figure in enumerate(seed.stated_figures):
        for field, message in figure_money_problems(figure):
            add(("stated_figures", i, field), message)
    for kind in ("stated_tables", "stated_figures"):
        keys: set[str] = set()
        for i, item in enumerate(getattr(seed, kind)):
            if item.key in keys:
                add((kind, i, "key"), f"키 '{item.key}' 중복 / duplicate key")
            keys.add(item.key)
    for kind, models in (("stated_tables", TABLE_CLAIM_MODELS),
                         ("stated_figures", FIGURE_CLAIM_MODELS)):
        for i, item in enumerate(getattr(seed, kind)):
            for message in validate_claims(item.claims, models):
                index = int(message.split("[", 1)[1].split("]", 1)[0])
                add((kind, i, "claims", index), message)
    for i, stated in enumerate(seed.stated_tables):
        for j, row in enumerate(stated.rows):
            if len(row.values) != len(stated.columns):
                add(("stated_tables", i, "rows", j, "values"),
                    f"값 {len(row.values)}개, 열 {len(stated.columns)}개 / "
                    f"{len(row.values)} values for {len(stated.columns)} columns")
    if seed.pledge is not None:
        for path, message in _pledge_problems(seed, codes, departments):
            add(path, message)
    return problems


# --- money in stated figures: always converted to won ----------------------------------------

# A number followed by a Korean won unit in printed words: "50억", "2천만원", "1,200백만원".
# A bare 억 counts only when no Hangul follows ("1억뷰" is views); 만, 천 or 조 alone never do.
_PRINTED_MONEY = re.compile(r"([0-9][0-9,]*(?:\.[0-9]+)?)\s*((?:[십백천]?[만억조]?)\s*원|[십백천]?억"
                            r"(?![가-힣$＄]))")


def printed_money(printed: str | None) -> list[tuple[Decimal, str, int]]:
    """Return every amount printed with a won unit: (number as printed, unit, value in won)."""
    found = []
    for match in _PRINTED_MONEY.finditer(printed or ""):
        number = Decimal(match.group(1).replace(",", ""))
        factor = won_unit_factor(match.group(2))
        if factor is None:
            continue
        won = number * factor
        if won == won.to_integral_value():
            found.append((number, "".join(match.group(2).split()), int(won)))
    return found


def figure_money_problems(figure: SeedFigure) -> list[tuple[str, str]]:
    """Refuse a money figure that would be stored as the bare printed number instead of won.

    The loader converts a figure whose `unit` is a won unit (won_unit_factor) to won. So:
    (1) a unit that says 원 but is no won unit cannot be converted ("억원(추정)"); (2) a figure
    whose printed words give its own value with a won unit ("50억") must carry that unit,
    not a count's; (3) a won figure must agree with its printed words: when they print money
    and one amount has the figure's number, its value in won must be among them.
    """
    value = Decimal(str(figure.value))
    unit = "".join((figure.unit or "").split())
    factor = won_unit_factor(unit)
    amounts = printed_money(figure.printed)
    same_number = [(n, u) for n, u, _won in amounts if n == value]
    if factor is None:
        if "원" in unit and "/" not in unit:
            return [("unit", f"알 수 없는 금액 단위 {figure.unit!r}: 원, 천원, 만원, 백만원, 천만원, "
                             f"억원, 억, 조원 ... / unknown money unit {figure.unit!r}")]
        if same_number:
            number, printed_unit = same_number[0]
            return [("unit", f"인쇄된 '{figure.printed}'의 {number}{printed_unit}은(는) 금액인데 "
                             f"단위가 {figure.unit!r}입니다: unit을 {printed_unit!r}(으)로 쓰면 "
                             f"원으로 바뀝니다 / the printed amount {number}{printed_unit} is "
                             f"money but the unit is {figure.unit!r}: write unit: {printed_unit} "
                             f"so that it is stored in won")]
        return []
    won = value * factor
    if won != won.to_integral_value():
        return [("value", f"원 단위 정수가 아닙니다 {figure.value} {figure.unit} / not a whole "
                          "number of won")]
    if same_number and int(won) not in {w for _n, _u, w in amounts}:
        number, printed_unit = same_number[0]
        return [("unit", f"단위 {figure.unit!r}이(가) 인쇄된 {number}{printed_unit}과(와) 다릅니다 "
                         f"/ unit {figure.unit!r} disagrees with the printed "
                         f"{number}{printed_unit}")]
    return []


# --- the pledge section: checks and conversions (pure; rtis.tracking.pledge writes) ----------


@dataclass(frozen=True)
class PledgeExecution:
    """One settled-spending cell of a pledge's printed executed table, in won."""

    node: str
    year: int
    source: str
    amount_won: int
    label_as_printed: str
    path: tuple[Any, ...]


_NODE_IN_NOTE = re.compile(r"\bnode\s+([0-9A-Za-z]+(?:-[0-9A-Za-z]+)*)")
_YEAR_COLUMN = re.compile(r"^[0-9]{4}$")


def _label_key(label: str) -> str:
    return "".join(label.split())


def _executed_table(seed: SeedPlanFile) -> tuple[int, SeedStatedTable] | None:
    return next(((i, t) for i, t in enumerate(seed.stated_tables)
                 if t.key == PLEDGE_EXECUTED_TABLE), None)


def _executed_node(seed: SeedPlanFile, table: SeedStatedTable) -> str | None:
    """The node a printed executed table belongs to: named in a note, else the only budget node."""
    found = _NODE_IN_NOTE.search(f"{table.note_en or ''} {table.note or ''}")
    if found:
        return found.group(1)
    nodes = {line.node for t in seed.budget_tables for line in t.lines}
    return nodes.pop() if len(nodes) == 1 else None


def pledge_executions(seed: SeedPlanFile,
                      ) -> tuple[list[PledgeExecution], list[tuple[tuple[Any, ...], str]]]:
    """Read the printed executed table (year × source) as settled spending cells in won.

    Rows of totals (계, 소계, 합계) and columns that are not a year (계, 임기 후) are printed
    sums, not data. Row labels name funding sources as printed (국비, 시 비 ...).
    """
    found = _executed_table(seed)
    if found is None:
        return [], []
    index, table = found
    base: tuple[Any, ...] = ("stated_tables", index)
    problems: list[tuple[tuple[Any, ...], str]] = []
    node = _executed_node(seed, table)
    if node is None:
        problems.append(((*base, "note"), "집행액 표가 어느 과제의 것인지 알 수 없습니다: note에 "
                                          "'node 번호'를 적으십시오 / say which node the "
                                          "executed table belongs to ('node CODE' in its note)"))
    if table.unit not in UNITS:
        problems.append(((*base, "unit"), f"금액 단위가 아닙니다 {table.unit!r} / not a money unit"))
    if problems or node is None or table.unit is None:
        return [], problems
    sources = dict(SOURCE_LABELS)
    sources.update({_label_key(line.source_as_printed): line.source for t in seed.budget_tables
                    for line in t.lines if line.source_as_printed})
    years = {k: int(c) for k, c in enumerate(table.columns) if _YEAR_COLUMN.match(c.strip())}
    cells = []
    for j, row in enumerate(table.rows):
        label = _label_key(row.label)
        if label in TOTAL_LABELS:
            continue
        source = sources.get(label)
        if source is None:
            problems.append(((*base, "rows", j, "label"),
                             f"재원을 알 수 없는 행 '{row.label}' (사용 가능: "
                             f"{', '.join(sorted(sources))}) / unknown funding source row"))
            continue
        for k, year in years.items():
            value = row.values[k] if k < len(row.values) else None
            path = (*base, "rows", j, "values", k)
            if value is None:
                continue
            if isinstance(value, str):
                problems.append((path, f"금액이 아닙니다 {value!r} / not an amount"))
                continue
            try:
                won = to_won(Decimal(str(value)), table.unit)
            except MoneyError as exc:
                problems.append((path, str(exc)))
                continue
            cells.append(PledgeExecution(node, year, source, won, row.label, path))
    return cells, problems


def pledge_reported_on(pledge: SeedPledge) -> tuple[dt.date | None, str]:
    """Return the date a pledge sheet reports at and how it was found.

    A seed may state it (`reported_on`); a sheet that prints no date reports up to the end of
    the last quarter whose achievements it prints.
    """
    if pledge.reported_on is not None:
        return pledge.reported_on, "stated"
    quarters = [(q.year, q.quarter) for q in pledge.quarterly_plans
                if q.state == "reported" and q.quarter is not None]
    quarters += [(a.year, a.quarter) for a in pledge.achievements
                 if a.year is not None and a.quarter is not None]
    if not quarters:
        return None, ""
    return quarter_bounds(*max(quarters))[1], "end of the last reported quarter"


def _pledge_problems(seed: SeedPlanFile, codes: set[str], departments: set[str],
                     ) -> list[tuple[tuple[Any, ...], str]]:
    pledge = seed.pledge
    assert pledge is not None
    problems: list[tuple[tuple[Any, ...], str]] = []
    base: tuple[Any, ...] = ("pledge",)
    if pledge.number not in codes:
        problems.append(((*base, "number"), f"공약 번호 '{pledge.number}'인 과제가 없습니다 / no "
                                            f"node has the pledge number as its code"))
    for field in ("annual_plan", "quarterly_plans", "achievements", "next_steps",
                  "participation"):
        for i, item in enumerate(getattr(pledge, field)):
            if item.node not in codes:
                problems.append(((*base, field, i, "node"),
                                 f"없는 과제 번호 '{item.node}' / unknown node code"))
    seen: dict[tuple[str, int, int], int] = {}
    for i, plan in enumerate(pledge.quarterly_plans):
        here = (*base, "quarterly_plans", i)
        if plan.quarter is None:
            if plan.placement != "unplaced":
                problems.append(((*here, "placement"), "분기가 없는 항목은 placement: unplaced "
                                                       "여야 합니다 / a row without a quarter "
                                                       "must say placement: unplaced"))
            continue
        if plan.placement == "unplaced":
            problems.append(((*here, "quarter"), "placement: unplaced인데 분기가 있습니다 / an "
                                                 "unplaced row has a quarter"))
        if plan.state is None:
            problems.append(((*here, "state"), "분기 항목에는 state(reported|planned)가 필요합니다 "
                                               "/ a quarter row needs a state"))
        if plan.state == "reported" and not plan.achieved:
            problems.append(((*here, "achieved"), "state: reported인데 실적(achieved)이 없습니다 / "
                                                  "a reported row needs the achieved text"))
        if not plan.planned and not plan.achieved:
            problems.append(((*here, "planned"), "계획도 실적도 없습니다 / neither planned nor "
                                                 "achieved text"))
        key = (plan.node, plan.year, plan.quarter)
        if key in seen:
            problems.append(((*here, "quarter"), f"같은 과제·연도·분기가 이미 있습니다 "
                                                 f"(quarterly_plans[{seen[key]}]) / duplicate "
                                                 "node, year and quarter"))
        seen[key] = i
    for i, contact in enumerate(pledge.contacts):
        if contact.department not in departments:
            problems.append(((*base, "contacts", i, "department"),
                             f"departments 목록에 없는 부서 '{contact.department}' / department "
                             "is not listed under departments"))
    if pledge_reported_on(pledge)[0] is None:
        problems.append(((*base, "reported_on"), "기준일을 알 수 없습니다: reported_on을 적거나 "
                                                 "실적이 있는 분기를 두십시오 / state reported_on "
                                                 "(no reported quarter to take it from)"))
    executions, table_problems = pledge_executions(seed)
    problems += table_problems
    if executions and executions[0].node not in codes:
        problems.append(((*executions[0].path[:2], "note"),
                         f"집행액 표의 과제 '{executions[0].node}'이(가) 없습니다 / unknown node "
                         "code in the executed table's note"))
    return problems


def _num(value: Number | str | None) -> Any:
    """Keep a printed number as printed: 1.0 stays 1.0 (its decimal says how it was rounded)."""
    if isinstance(value, Decimal):
        exponent = value.as_tuple().exponent
        return float(value) if isinstance(exponent, int) and exponent < 0 else int(value)
    return value


def _prov(document: str, base: Provenance, **extra: Any) -> Provenance:
    merged = {"document": document, **{k: v for k, v in extra.items() if v is not None}}
    merged.update(base)
    return merged


def seed_to_plan_doc(seed: SeedPlanFile) -> dict[str, Any]:
    """Convert a seed plan file to the plan JSON format (amounts to integer won)."""
    doc = seed.document
    nodes = [
        {"code": n.code, "title": n.title, "depth": depth, "parent": parent,
         "level_name": n.level_name, "kind": n.kind, "departments": n.departments,
         "cooperating_departments": n.cooperating_departments,
         "description": n.description or "", "provenance": _prov(doc, n.provenance)}
        for n, parent, depth, _path in _flatten(seed.nodes)
    ]
    lines = []
    for table in seed.budget_tables:
        for line in table.lines:
            for year, amount in zip(table.years, line.amounts, strict=True):
                if amount is None:
                    continue
                lines.append({
                    "node": line.node, "year": year, "source": line.source,
                    "amount_won": to_won(Decimal(str(amount)), table.unit),
                    "note": line.note or "",
                    "provenance": _prov(doc, table.provenance, table=table.table,
                                        section=table.section, unit=table.unit,
                                        source_as_printed=line.source_as_printed),
                })
    figures = []
    for f in seed.stated_figures:
        value = Decimal(str(f.value))
        factor = won_unit_factor(f.unit)
        if factor is not None and value * factor == (value * factor).to_integral_value():
            value = Decimal(int(value * factor))  # money in won; the unit stays as printed
        figures.append({"key": f.key, "label": f.label, "value": _num(value),
                        "unit_as_printed": f.unit or "", "printed": f.printed or "",
                        "provenance": _prov(doc, f.provenance), "claims": f.claims})
    return {
        "format": "rtis-plan/1",
        "plan": {
            "slug": seed.plan.slug, "title": seed.plan.title,
            "document_number": seed.plan.document_number,
            "policy_number": seed.plan.policy_number,
            "approved_on": seed.plan.approved_on.isoformat() if seed.plan.approved_on else None,
            "period": list(seed.plan.period), "department": seed.plan.department,
            "summary": seed.plan.summary, "source_document": doc,
            "published": seed.plan.published,
        },
        "departments": [d.model_dump() for d in seed.departments],  # note_en is excluded
        "nodes": nodes,
        "budget_lines": lines,
        "indicators": [
            {"node": i.node, "name": i.name, "unit": i.unit, "direction": i.direction,
             "definition": i.definition or "",
             "targets": {str(k): _num(v) for k, v in i.targets.items() if v is not None},
             "actuals": {str(k): _num(v) for k, v in i.actuals.items() if v is not None},
             "provenance": _prov(doc, i.provenance)}
            for i in seed.indicators
        ],
        "stated_figures": figures,
        "stated_tables": [
            {"key": t.key, "title": t.title, "unit_as_printed": t.unit,
             "as_of": t.as_of.isoformat() if t.as_of else None, "columns": t.columns,
             "rows": [{"label": r.label, "values": [_num(v) for v in r.values]} for r in t.rows],
             "note": t.note or "", "provenance": _prov(doc, t.provenance), "claims": t.claims}
            for t in seed.stated_tables
        ],
    }


def main(argv: list[str]) -> int:
    """Validate the named seed files and print what is wrong."""
    status = 0
    for name in argv:
        try:
            parsed = parse_seed_text(Path(name).read_text(encoding="utf-8"), name)
            if isinstance(parsed, SeedPlanFile):
                seed_to_plan_doc(parsed)
        except (SeedError, MoneyError) as exc:
            print(exc)
            status = 1
        else:
            print(f"{name}: OK")
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
