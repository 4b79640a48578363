"""Read endpoints for plans, nodes, budget lines, indicators and the plan JSON export."""

from __future__ import annotations

import base64
import csv
import datetime as dt
import io
import json
import re
from collections.abc import Collection, Iterable, Iterator
from typing import Any, Literal

import orjson
from django.db import connection
from django.db.models import Prefetch
from django.http import HttpRequest, StreamingHttpResponse
from ninja import Field, Query, Router, Schema, Status

from rtis.ingest.export import stream_plan
from rtis.ingest.planfile import PlanDoc, number_to_json
from rtis.orgs.queries import Hierarchy, hierarchy_on
from rtis.plans import paging
from rtis.plans.access import get_node_for_user, get_plan_for_user, plans_for_user
from rtis.plans.models import BudgetLine, Indicator, Node, NodeDepartment, Plan
from rtis.plans.queries import (
    budget_summary as budget_summary_matrices,
)
from rtis.plans.queries import (
    name_departments_on_plan_day,
    subtree_ids_sql,
)
from rtis.portal.access import hidden_codes, hidden_node_ids

router = Router()


class ErrorOut(Schema):
    detail: str


class FieldProblem(Schema):
    field: str
    message: str


class InvalidOut(Schema):
    detail: str
    errors: list[FieldProblem]


class PlanOut(Schema):
    slug: str
    title: str
    document_number: str | None
    policy_number: str | None = Field(default=None, description="방침번호 / policy number as printed")
    approved_on: dt.date | None
    period: list[int]
    department: str | None = Field(description="결재일 당시 부서명 / the name on the approval date")
    published: bool
    summary: str


class NodeOut(Schema):
    code: str
    title: str
    depth: int
    parent: str | None
    level_name: str
    kind: str | None
    departments: list[str]
    cooperating_departments: list[str]
    description: str
    provenance: dict[str, Any]


class BudgetLineOut(Schema):
    node: str
    year: int
    source: str
    amount_won: int
    note: str
    provenance: dict[str, Any]


class IndicatorOut(Schema):
    node: str
    name: str
    unit: str
    direction: str
    definition: str
    targets: dict[str, int | float]
    actuals: dict[str, int | float]


class MatrixOut(Schema):
    years: list[int]
    columns: list[str] = Field(description="재원 코드 또는 분야 번호 / source codes or area codes")
    labels: list[str]
    cells: list[list[int]] = Field(description="연도별 행, 열 순서대로 원 / per year, won")
    year_totals: list[int]
    column_totals: list[int]
    total: int


class BudgetSummaryOut(Schema):
    by_source: MatrixOut
    by_area: MatrixOut


class LineFilter(Schema):
    year: int | None = Field(default=None, ge=1990, le=2100)
    source: Literal["city", "national", "district", "sh", "private", "fund", "other"] | None = None
    node: str | None = Field(default=None, description="과제 번호; 하위 과제 포함 / node code")


def _plan_out(plan: Plan) -> dict[str, Any]:
    return {"slug": plan.slug, "title": plan.title,
            "document_number": plan.document_number or None,
            "policy_number": plan.policy_number or None, "approved_on": plan.approved_on,
            "period": [plan.period_start, plan.period_end],
            "department": plan.department.name_on(plan.org_day) if plan.department else None,
            "published": plan.published, "summary": plan.summary}


class PlanPageOut(Schema):
    items: list[PlanOut]
    next: str | None = Field(description=paging.NEXT_DESCRIPTION)
    total: int = Field(description=paging.TOTAL_DESCRIPTION)


class NodePageOut(Schema):
    items: list[NodeOut]
    next: str | None = Field(description=paging.NEXT_DESCRIPTION)
    total: int = Field(description=paging.TOTAL_DESCRIPTION)


class IndicatorPageOut(Schema):
    items: list[IndicatorOut]
    next: str | None = Field(description=paging.NEXT_DESCRIPTION)
    total: int = Field(description=paging.TOTAL_DESCRIPTION)


_PAGED = ("쪽 단위(기본 100개, 최대 1000개)로 돌려줍니다. 다음 쪽은 `next` 주소를 그대로 "
          "요청합니다. 커서는 마지막 항목의 자리이므로 그 사이 항목이 더해지거나 지워져도 남은 "
          "항목이 빠지거나 두 번 나오지 않습니다. 잘못된 커서는 400. `{items, next, total}` "
          "객체입니다. / Pages (default 100, at most 1000); request `next` as given for the "
          "following page. The cursor is the last item's place, so items added or deleted "
          "meanwhile never make a remaining item skip or repeat; a bad cursor is 400. The answer "
          "is an object `{items, next, total}`.")
_STREAMS = (" `format=csv`(UTF-8 BOM)·`format=ndjson`은 모든 항목을 같은 순서로 흘려보냅니다. / "
            "`format=csv` (UTF-8 with BOM) and `format=ndjson` stream every item in the same "
            "order.")
_PLAN_KEYS = paging.Keyset("plans", ("slug",))
_NODE_KEYS = paging.Keyset("nodes", ("position",))
_INDICATOR_KEYS = paging.Keyset("indicators", ("node__position", "position", "id"))
_NODE_HEADER = ["code", "title", "depth", "parent", "level_name", "kind", "departments",
                "cooperating_departments", "description", "provenance"]
_INDICATOR_HEADER = ["node", "name", "unit", "direction", "definition", "targets", "actuals"]


@router.get("", response={200: PlanPageOut, 400: ErrorOut, 422: InvalidOut},
            summary="계획 목록 / list plans, a page at a time (by slug)",
            description=_PAGED)
def list_plans(request: HttpRequest, query: Query[paging.PageQuery]) -> Any:
    plans = plans_for_user(request.user).select_related("department").prefetch_related(
        "department__names").order_by("slug")
    found = paging.page(request, plans, _PLAN_KEYS, query, lambda p: (p.slug,))
    if isinstance(found, Status):
        return found
    rows, following = found
    return paging.json_response(request, {"items": [_plan_out(p) for p in rows],
                                          "next": following,
                                          "total": plans_for_user(request.user).count()})


@router.get("/{slug}", response={200: PlanOut, 404: ErrorOut}, summary="계획 / one plan")
def get_plan(request: HttpRequest, slug: str) -> dict[str, Any]:
    return _plan_out(get_plan_for_user(request.user, slug))


def _plan_node_rows(plan: Plan) -> Any:
    roles = NodeDepartment.objects.select_related("department").order_by("role", "position")
    return (plan.nodes.order_by("position").select_related("parent")
            .prefetch_related(Prefetch("department_roles", queryset=roles)))


def _named(org: Hierarchy, nodes: list[Node]) -> list[Node]:
    for node in nodes:
        for role in node.department_roles.all():
            role.shown_name = org.name(role.department_id)  # type: ignore[attr-defined]
    return nodes


@router.get("/{slug}/nodes",
            response={200: NodePageOut, 400: ErrorOut, 404: ErrorOut, 422: InvalidOut},
            openapi_extra={"responses": {200: {"content": paging.STREAMED_CONTENT}}},
            summary="추진체계 / the node tree in document order, a page at a time",
            description=_PAGED + _STREAMS)
def list_nodes(request: HttpRequest, slug: str, query: Query[paging.StreamPageQuery]) -> Any:
    plan = get_plan_for_user(request.user, slug)
    rows = _plan_node_rows(plan)
    hidden = hidden_node_ids(request.user, [plan.pk])  # withheld from the public (portal)
    if hidden:
        rows = rows.exclude(pk__in=hidden)
    org = hierarchy_on(plan.org_day)
    if query.format != "json":
        pages = ([_node_out(n) for n in _named(org, chunk)]
                 for chunk in paging.walk(rows, _NODE_KEYS, lambda n: (n.position,)))
        return paging.stream(query.format, f"{plan.slug}-nodes", _NODE_HEADER, pages)
    found = paging.page(request, rows, _NODE_KEYS, query, lambda n: (n.position,))
    if isinstance(found, Status):
        return found
    nodes, following = found
    total = plan.nodes.exclude(pk__in=hidden).count() if hidden else plan.nodes.count()
    return paging.json_response(request, {"items": [_node_out(n) for n in _named(org, nodes)],
                                          "next": following, "total": total})


def _node_out(n: Any) -> dict[str, Any]:
    roles = list(n.department_roles.all())
    return {"code": n.code, "title": n.title, "depth": n.depth,
            "parent": n.parent.code if n.parent_id else None,
            "level_name": n.level_name, "kind": n.kind or None,
            "departments": [r.shown_name for r in roles if r.role == "owner"],
            "cooperating_departments": [r.shown_name for r in roles if r.role == "cooperating"],
            "description": n.description, "provenance": n.provenance}


@router.get("/{slug}/nodes/{code}", response={200: NodeOut, 404: ErrorOut},
            summary="과제 / one node")
def get_node(request: HttpRequest, slug: str, code: str) -> dict[str, Any]:
    plan = get_plan_for_user(request.user, slug)
    node = get_node_for_user(request.user, plan, code)
    chosen = _plan_node_rows(plan).get(pk=node.pk)
    name_departments_on_plan_day(plan, [chosen])
    return _node_out(chosen)


PAGE_DEFAULT, PAGE_MAX = 100, 1000
_CURSOR_PREFIX = "bl2:"
_CURSOR_RE = re.compile(r"bl2:(\d{1,18}):(\d{1,4}):([a-z_]{1,20})")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_CSV_HEADER = ["node", "year", "source", "amount_won", "note", "provenance"]


class BudgetLinePageOut(Schema):
    items: list[BudgetLineOut]
    next: str | None = Field(
        description="다음 쪽 주소(경로와 질의), 마지막 쪽이면 null / the next page's path and "
                    "query, null on the last page")


class LinePageQuery(LineFilter):
    limit: int = Field(default=PAGE_DEFAULT, ge=1, le=PAGE_MAX,
                       description=f"쪽당 행 수 (최대 {PAGE_MAX}) / lines per page "
                                   f"(at most {PAGE_MAX})")
    cursor: str | None = Field(default=None, max_length=100,
                               description="앞 쪽 응답의 next에서 받은 값 / the opaque cursor "
                                           "of the previous page's next link")
    format: Literal["json", "csv", "ndjson"] = Field(
        default="json",
        description="json: 한 쪽씩; csv(UTF-8 BOM)·ndjson: 조건에 맞는 모든 행을 끊김 없이 "
                    "(limit·cursor 무시) / json: one page; csv (UTF-8 with BOM) and ndjson: "
                    "every matching line, streamed (limit and cursor ignored)")


_Position = tuple[int, int, str]  # (node id, year, source code): the order of pages, unique


def encode_cursor(node_id: int, year: int, source: str) -> str:
    """An opaque cursor: the last line's place in the order, base64url without padding."""
    text = f"{_CURSOR_PREFIX}{node_id}:{year}:{source}"
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def decode_cursor(token: str) -> _Position | None:
    """The place a cursor points after, or None when it is not a cursor this API issued."""
    try:
        text = base64.b64decode(token + "=" * (-len(token) % 4), altchars=b"-_",
                                validate=True).decode("ascii")
    except (ValueError, UnicodeDecodeError):
        return None
    match = _CURSOR_RE.fullmatch(text)
    if match is None:
        return None
    return int(match.group(1)), int(match.group(2)), match.group(3)


def line_page_sql(plan: Plan, root: Node | None, year: int | None, source: str | None,
                  after: _Position | None, limit: int | None,
                  hidden: Collection[int] = ()) -> tuple[str, list[Any]]:
    """One page of the plan's lines (of root's subtree), in the order node, year, source, as one
    hand-written statement (no ORM compile, no per-row JSON field object): the unique index
    (node, year, source) gives the order, so the database stops at the page's end; the cursor is
    one row-value comparison on the same index. No limit: every line (for a stream)."""
    lines, nodes = BudgetLine._meta.db_table, Node._meta.db_table
    if root is not None:
        tables, order = f"{lines} line JOIN {nodes} node ON node.id = line.node_id", "line.node_id"
        where, params = [f"line.node_id IN ({subtree_ids_sql()})"], [root.pk]
    else:
        # The plan's nodes in id order, each one's lines on the unique index: the order asked
        # for with no sort, stopping at the page's end (SQLite keeps a CROSS JOIN's nesting).
        # `node_id IN (every node id of the plan)` built that list first: 50 ms a page at 1M.
        tables, order = f"{nodes} node CROSS JOIN {lines} line", "node.id"
        where, params = ["line.node_id = node.id", "node.plan_id = %s"], [plan.pk]
        if after is not None:
            where.append("node.id >= %s")
            params.append(after[0])
    if year is not None:
        where.append("line.year = %s")
        params.append(year)
    if source:
        where.append("line.source_id = %s")
        params.append(source)  # type: ignore[arg-type]
    if hidden:  # withheld from the public (portal)
        where.append(f"line.node_id NOT IN ({', '.join(['%s'] * len(hidden))})")
        params += sorted(hidden)
    if after is not None:
        where.append("(line.node_id, line.year, line.source_id) > (%s, %s, %s)")
        params += list(after)  # type: ignore[arg-type]
    sql = (f"SELECT line.node_id, node.code, line.year, line.source_id, line.amount_won, "
           f"line.note, line.provenance FROM {tables} WHERE {' AND '.join(where)} "
           f"ORDER BY {order}, line.year, line.source_id")
    if limit is None:  # every line (a stream)
        return sql, params
    return f"{sql} LIMIT %s", [*params, limit]


def line_page(plan: Plan, root: Node | None, year: int | None, source: str | None,
              after: _Position | None, limit: int,
              hidden: Collection[int] = ()) -> list[tuple[Any, ...]]:
    """The rows of `line_page_sql`, provenance decoded (orjson)."""
    sql, params = line_page_sql(plan, root, year, source, after, limit, hidden)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    return [(*row[:6], _decoded(row[6])) for row in rows]


def _decoded(provenance: Any) -> Any:
    return orjson.loads(provenance) if isinstance(provenance, (str, bytes)) else provenance


def _line_dict(row: tuple[Any, ...]) -> dict[str, Any]:
    _, node, year, source, won, note, provenance = row
    return {"node": node, "year": year, "source": source, "amount_won": won, "note": note,
            "provenance": provenance}


def _csv_text(value: str) -> str:
    # A spreadsheet would run "=…" as a formula (CSV injection): keep such text as text.
    return "'" + value if value.startswith(_FORMULA_START) else value


def _stream_csv(rows: Iterable[tuple[Any, ...]]) -> Iterator[bytes]:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    out.write("\ufeff")
    writer.writerow(_CSV_HEADER)
    for i, (_, node, year, source, won, note, provenance) in enumerate(rows, 1):
        writer.writerow([_csv_text(node), year, source, won, _csv_text(note),
                         json.dumps(provenance, ensure_ascii=False)])
        if i % 500 == 0:
            yield out.getvalue().encode("utf-8")
            out.seek(0)
            out.truncate()
    yield out.getvalue().encode("utf-8")


def _stream_ndjson(rows: Iterable[tuple[Any, ...]]) -> Iterator[bytes]:
    chunk: list[bytes] = []
    for row in rows:
        chunk.append(orjson.dumps(_line_dict(row)))
        if len(chunk) == 500:
            yield b"\n".join(chunk) + b"\n"
            chunk = []
    if chunk:
        yield b"\n".join(chunk) + b"\n"


def line_rows(plan: Plan, root: Node | None, year: int | None, source: str | None,
              hidden: Collection[int] = ()) -> Iterator[tuple[Any, ...]]:
    """Every line `line_page_sql` selects (no page limit), as `line_page` gives them, read 2000
    at a time from one statement: a server-side cursor on PostgreSQL, as the ORM's iterator
    uses, so a stream of a million lines holds one chunk in memory, not the result."""
    sql, params = line_page_sql(plan, root, year, source, None, None, hidden)
    with connection.chunked_cursor() as cursor:
        cursor.execute(sql, params)
        while rows := cursor.fetchmany(2000):
            for row in rows:
                yield (*row[:6], _decoded(row[6]))


_STREAMED = {"text/csv": {"schema": {"type": "string"}},
             "application/x-ndjson": {"schema": {"type": "string"}}}


@router.get("/{slug}/budget-lines",
            response={200: BudgetLinePageOut, 400: ErrorOut, 404: ErrorOut, 422: InvalidOut},
            openapi_extra={"responses": {200: {"content": _STREAMED}}},
            summary="소요예산 / planned budget lines (won), paged or streamed",
            description=(
                "쪽 단위(기본 100행, 최대 1000행)로 과제(가져온 순서)·연도·재원 코드 순서대로 "
                "돌려줍니다. 다음 쪽은 `next` 주소를 그대로 요청합니다. 커서는 마지막 행의 "
                "자리를 가리키므로 그 사이 행이 더해지거나 지워져도 남은 행이 빠지거나 두 번 "
                "나오지 않습니다(이미 지나간 자리에 더해진 행은 나오지 않음). 잘못된 커서는 "
                "400. `format=csv`(UTF-8 BOM)와 `format=ndjson`은 조건에 맞는 모든 행을 같은 "
                "순서로 흘려보냅니다(limit·cursor 무시). 예전의 행 배열 대신 `{items, next}` "
                "객체를 돌려줍니다. / Pages of lines ordered by node (in the order nodes were "
                "imported), year and source code (default 100, at most 1000); request `next` as "
                "given for the following page. The cursor is the last line's place, so lines "
                "added or deleted meanwhile never make a remaining line skip or repeat (a line "
                "added behind the cursor is not returned); a bad cursor is 400. `format=csv` "
                "(UTF-8 with BOM) and `format=ndjson` stream every matching line in the same "
                "order (limit and cursor ignored). The answer is an object `{items, next}`, no "
                "longer the bare array of earlier releases."))
def list_budget_lines(request: HttpRequest, slug: str,
                      filters: Query[LinePageQuery]) -> Any:
    plan, root, hidden = readable_scope(request.user, slug, filters.node)
    return budget_lines_response(request, plan, root, hidden, filters.year, filters.source,
                                 filters.limit, filters.cursor, filters.format)


def readable_scope(user: Any, slug: str, node: str | None) -> tuple[Plan, Node | None, set[int]]:
    """The plan, the subtree's root (when a node code is given) and the ids of the nodes withheld
    from this reader: the access rules of the budget-lines endpoint, for the view and for the
    public's thin path in front of Django (`rtis.apicache.thin`) alike. Http404 as the view."""
    plan = get_plan_for_user(user, slug)
    root = get_node_for_user(user, plan, node) if node else None
    hidden = hidden_node_ids(user, [plan.pk])  # withheld from the public (portal)
    return plan, root, hidden


def budget_lines_response(request: HttpRequest, plan: Plan, root: Node | None,
                          hidden: Collection[int], year: int | None, source: str | None,
                          limit: int, cursor: str | None, fmt: str) -> Any:
    """The budget-lines answer for a reader whose scope `readable_scope` gave: a page (JSON), a
    stream (CSV, NDJSON) or the 400 of a bad cursor. Uses of `request`: path, GET, headers."""
    if fmt != "json":
        streamed = line_rows(plan, root, year, source, hidden)
        if fmt == "csv":
            response = StreamingHttpResponse(_stream_csv(streamed),
                                             content_type="text/csv; charset=utf-8")
            response["Content-Disposition"] = (
                f'attachment; filename="{plan.slug}-budget-lines.csv"')
            return response
        return StreamingHttpResponse(_stream_ndjson(streamed),
                                     content_type="application/x-ndjson; charset=utf-8")
    after = None
    if cursor is not None:
        after = decode_cursor(cursor)
        if after is None:
            return Status(400, {"detail": "알 수 없는 커서입니다. 처음 쪽부터 다시 요청하십시오 / "
                                          "unknown cursor: start again from the first page"})
    page = line_page(plan, root, year, source, after, limit + 1, hidden)
    following = None
    if len(page) > limit:
        page = page[:limit]
        query = request.GET.copy()
        node_id, _, last_year, last_source, *_ = page[-1]
        query["cursor"] = encode_cursor(node_id, last_year, last_source)
        following = f"{request.path}?{query.urlencode()}"
    return paging.json_response(request, {"items": [_line_dict(row) for row in page],
                                          "next": following})


@router.get("/{slug}/budget-summary", response={200: BudgetSummaryOut, 404: ErrorOut},
            summary="소요예산 합계 / totals by year × source and year × area (computed)")
def budget_summary(request: HttpRequest, slug: str) -> Any:
    return budget_summary_response(request, get_plan_for_user(request.user, slug))


def budget_summary_response(request: HttpRequest, plan: Plan) -> Any:
    """The budget-summary answer of a plan the reader may read (the view and the thin path)."""
    by_source, by_area, area_code = budget_summary_matrices(plan)

    def out(matrix: Any, rename: dict[str, str] | None = None) -> dict[str, Any]:
        return {"years": matrix.years,
                "columns": [(rename or {}).get(k, k) for k, _ in matrix.columns],
                "labels": [label for _, label in matrix.columns],
                "cells": [[matrix.cell(y, k) for k, _ in matrix.columns] for y in matrix.years],
                "year_totals": [matrix.year_total(y) for y in matrix.years],
                "column_totals": matrix.totals(), "total": matrix.grand_total}

    return paging.json_response(request, {"by_source": out(by_source),
                                          "by_area": out(by_area, area_code)})


def _indicator_out(i: Indicator) -> dict[str, Any]:
    return {"node": i.node.code, "name": i.name, "unit": i.unit, "direction": i.direction,
            "definition": i.definition,
            "targets": {str(t.year): number_to_json(t.value) for t in i.targets.all()},
            "actuals": {a.period: number_to_json(a.value) for a in i.actuals.all()}}


def _indicator_key(i: Indicator) -> paging.Key:
    return (i.node.position, i.position, i.pk)


@router.get("/{slug}/indicators",
            response={200: IndicatorPageOut, 400: ErrorOut, 404: ErrorOut, 422: InvalidOut},
            openapi_extra={"responses": {200: {"content": paging.STREAMED_CONTENT}}},
            summary="성과지표 / indicators with targets and actuals, a page at a time",
            description=_PAGED + _STREAMS)
def list_indicators(request: HttpRequest, slug: str,
                    query: Query[paging.StreamPageQuery]) -> Any:
    plan = get_plan_for_user(request.user, slug)
    hidden = hidden_node_ids(request.user, [plan.pk])  # withheld from the public (portal)
    mine = Indicator.objects.filter(node__plan=plan).exclude(node_id__in=hidden)
    rows = (mine.select_related("node")
            .prefetch_related("targets", "actuals").order_by(*_INDICATOR_KEYS.fields))
    if query.format != "json":
        pages = ([_indicator_out(i) for i in chunk]
                 for chunk in paging.walk(rows, _INDICATOR_KEYS, _indicator_key))
        return paging.stream(query.format, f"{plan.slug}-indicators", _INDICATOR_HEADER, pages)
    found = paging.page(request, rows, _INDICATOR_KEYS, query, _indicator_key)
    if isinstance(found, Status):
        return found
    indicators, following = found
    return paging.json_response(
        request, {"items": [_indicator_out(i) for i in indicators], "next": following,
                  "total": mine.count()})


@router.get("/{slug}/export", response={200: PlanDoc, 404: ErrorOut}, url_name="plan_export",
            summary="계획 내보내기 (rtis-plan/1) / the plan as an importable JSON document")
def plan_export(request: HttpRequest, slug: str) -> StreamingHttpResponse:
    plan = get_plan_for_user(request.user, slug)
    # Streamed: the same bytes as dumps(export_plan(plan)) in bounded memory (pages-scale).
    response = StreamingHttpResponse(stream_plan(plan, hidden_codes(request.user, plan)),
                                     content_type="application/json; charset=utf-8")
    if request.GET.get("download"):
        response["Content-Disposition"] = f'attachment; filename="{plan.slug}.json"'
    return response
