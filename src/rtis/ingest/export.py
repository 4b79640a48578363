"""Export a plan as `rtis-plan/1` JSON (also the open-data and import format)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from typing import Any

import orjson
from django.db.models import TextField
from django.db.models.functions import Cast

from rtis.ingest.planfile import FORMAT, number_to_json
from rtis.orgs.models import DepartmentAlias, DepartmentName, DepartmentParent, Reorganisation
from rtis.orgs.queries import hierarchy_on
from rtis.plans.models import (
    BudgetLine,
    Indicator,
    Node,
    NodeDepartment,
    Plan,
    StatedFigure,
    StatedTable,
)
from rtis.plans.queries import plan_nodes


def _span(obj: DepartmentName | DepartmentParent) -> dict[str, Any]:
    return {"valid_from": obj.valid_from.isoformat() if obj.valid_from else None,
            "valid_to": obj.valid_to.isoformat() if obj.valid_to else None}


def _span_key(obj: DepartmentName | DepartmentParent) -> tuple[bool, str, int]:
    return (obj.valid_from is not None, obj.valid_from.isoformat() if obj.valid_from else "",
            obj.pk)


class _Names:
    """Departments as the plan's own document knew them: names and parents on its approval date.

    The listing also carries each department's dated history (names, parents, printed variants)
    so that an import elsewhere rebuilds the hierarchy of every day, not only of this one.
    """

    def __init__(self, plan: Plan) -> None:
        self.org = hierarchy_on(plan.org_day)  # one query for the organisation on that day

    def name(self, department_id: int) -> str:
        return self.org.name(department_id)

    def listing(self, used: list[int]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        """List the used departments with their ancestors (then and in their history), parents
        first, and the reorganisations their history refers to."""
        names: dict[int, list[DepartmentName]] = {}
        links: dict[int, list[DepartmentParent]] = {}
        aliases: dict[int, list[DepartmentAlias]] = {}
        # Three queries for the whole organisation's history; it is small.
        for n in DepartmentName.objects.select_related("reorganisation"):
            names.setdefault(n.department_id, []).append(n)
        for link in DepartmentParent.objects.select_related("reorganisation"):
            links.setdefault(link.department_id, []).append(link)
        for a in DepartmentAlias.objects.all():
            aliases.setdefault(a.department_id, []).append(a)
        ordered: list[int] = []

        def add(department_id: int) -> None:
            if department_id in ordered:
                return
            ordered.append(department_id)  # placed early: a cycle in the history cannot loop
            parents = [self.org.parent_id(department_id),
                       *(link.parent_id for link in links.get(department_id, []))]
            for parent_id in parents:
                if parent_id is not None:
                    add(parent_id)
            ordered.remove(department_id)
            ordered.append(department_id)

        for department_id in used:
            add(department_id)
        reorganisations: dict[int, Reorganisation] = {}
        for i in ordered:
            spans: list[DepartmentName | DepartmentParent] = [*names.get(i, []),
                                                              *links.get(i, [])]
            for span in spans:
                if span.reorganisation is not None:
                    reorganisations[span.reorganisation.pk] = span.reorganisation
        keys = _reorganisation_keys(list(reorganisations.values()))
        listing = []
        for i in ordered:
            parent_id = self.org.parent_id(i)
            entry: dict[str, Any] = {
                "name": self.name(i),
                "parent": self.name(parent_id) if parent_id is not None else None,
                "kind": self.org.units[i].kind}
            own_names = sorted(names.get(i, []), key=_span_key)
            if len(own_names) > 1 or any(n.valid_from or n.valid_to or n.provenance
                                         for n in own_names):
                entry["names"] = [{"name": n.name, **_span(n),
                                   "reorganisation": keys.get(n.reorganisation_id or 0),
                                   "provenance": n.provenance} for n in own_names]
            if links.get(i):
                entry["parents"] = [
                    {"parent": self.name(link.parent_id) if link.parent_id else None,
                     **_span(link), "reorganisation": keys.get(link.reorganisation_id or 0),
                     "provenance": link.provenance}
                    for link in sorted(links[i], key=_span_key)]
            if aliases.get(i):
                entry["aliases"] = [{"name": a.name, "note": a.note, "provenance": a.provenance}
                                    for a in sorted(aliases[i], key=lambda a: a.name)]
            listing.append(entry)
        reorganisation_docs = [
            {"key": keys[r.pk], "effective_on": r.effective_on.isoformat(), "title": r.title,
             "note": r.note, "provenance": r.provenance}
            for r in sorted(reorganisations.values(), key=lambda r: (r.effective_on, r.title))]
        return listing, reorganisation_docs


def _reorganisation_keys(reorganisations: list[Reorganisation]) -> dict[int, str]:
    """Label reorganisations within one file by date: reorg-2019-01-01, reorg-2019-01-01-2."""
    keys: dict[int, str] = {}
    taken: set[str] = set()
    for r in sorted(reorganisations, key=lambda r: (r.effective_on, r.title)):
        key, n = f"reorg-{r.effective_on.isoformat()}", 1
        while key in taken:
            n += 1
            key = f"reorg-{r.effective_on.isoformat()}-{n}"
        taken.add(key)
        keys[r.pk] = key
    return keys


def _plan_doc(plan: Plan, names: _Names) -> dict[str, Any]:
    return {
        "slug": plan.slug, "title": plan.title,
        "document_number": plan.document_number or None,
        "policy_number": plan.policy_number or None,
        "approved_on": plan.approved_on.isoformat() if plan.approved_on else None,
        "period": [plan.period_start, plan.period_end],
        "department": names.name(plan.department_id) if plan.department_id else None,
        "summary": plan.summary, "source_document": plan.source_document or None,
        "published": plan.published,
    }


def _node_doc(n: Node, names: _Names, parent_code: str | None) -> dict[str, Any]:
    roles: list[NodeDepartment] = list(n.department_roles.all())
    return {
        "code": n.code, "title": n.title, "depth": n.depth, "parent": parent_code,
        "level_name": n.level_name, "kind": n.kind or None,
        "departments": [names.name(r.department_id) for r in roles if r.role == "owner"],
        "cooperating_departments": [names.name(r.department_id) for r in roles
                                    if r.role == "cooperating"],
        "description": n.description, "provenance": n.provenance,
    }


def _line_doc(node_code: str, year: int, source: str, amount_won: int, note: str,
              provenance: Any) -> dict[str, Any]:
    return {"node": node_code, "year": year, "source": source, "amount_won": amount_won,
            "note": note, "provenance": provenance}


def _indicator_doc(ind: Indicator) -> dict[str, Any]:
    return {"node": ind.node.code, "name": ind.name, "unit": ind.unit,
            "direction": ind.direction, "definition": ind.definition,
            "targets": {str(t.year): number_to_json(t.value) for t in ind.targets.all()},
            "actuals": {a.period: number_to_json(a.value) for a in ind.actuals.all()},
            "provenance": ind.provenance}


def _figure_doc(f: StatedFigure) -> dict[str, Any]:
    return {"key": f.key, "label": f.label, "value": number_to_json(f.value),
            "unit_as_printed": f.unit_as_printed, "printed": f.printed,
            "provenance": f.provenance, "claims": f.claims}


def _table_doc(t: StatedTable) -> dict[str, Any]:
    return {"key": t.key, "title": t.title, "unit_as_printed": t.unit_as_printed or None,
            "as_of": t.as_of.isoformat() if t.as_of else None, "columns": t.columns,
            "rows": t.rows, "note": t.note, "provenance": t.provenance, "claims": t.claims}


_LINE_FIELDS = ("node__code", "year", "source_id", "amount_won", "note", "provenance")
_LINE_ORDER = ("node__position", "year", "source__position")


def export_plan(plan: Plan) -> dict[str, Any]:
    """Return the plan as a JSON-ready dict in document order."""
    nodes = plan_nodes(plan)
    names = _Names(plan)
    code_of = {n.pk: n.code for n in nodes}
    used: list[int] = [plan.department_id] if plan.department_id else []
    for n in nodes:
        roles: list[NodeDepartment] = list(n.department_roles.all())
        used.extend([r.department_id for r in roles if r.role == "owner"]
                    + [r.department_id for r in roles if r.role == "cooperating"])
    node_docs = [_node_doc(n, names, code_of.get(n.parent_id) if n.parent_id else None)
                 for n in nodes]
    lines = (BudgetLine.objects.filter(node__plan=plan).order_by(*_LINE_ORDER)
             .values_list(*_LINE_FIELDS))
    departments, reorganisations = names.listing(used)
    indicators = (Indicator.objects.filter(node__plan=plan).select_related("node")
                  .prefetch_related("targets", "actuals").order_by("node__position", "position", "id"))
    return {
        "format": FORMAT,
        "plan": _plan_doc(plan, names),
        "reorganisations": reorganisations,
        "departments": departments,
        "nodes": node_docs,
        "budget_lines": [_line_doc(*line) for line in lines],
        "indicators": [_indicator_doc(ind) for ind in indicators],
        "stated_figures": [_figure_doc(f) for f in plan.stated_figures.order_by("position")],
        "stated_tables": [_table_doc(t) for t in plan.stated_tables.order_by("position")],
    }


STREAM_CHUNK = 500  # rows fetched (and prefetched for) at a time while streaming
TABLE_CHUNK = 50  # printed tables (each with its rows and claims) at a time
_FLUSH_BYTES = 64 * 1024


def stream_plan(plan: Plan, hidden: Iterable[str] = ()) -> Iterator[bytes]:
    """Yield `dumps(export_plan(plan))` (without the `hidden` node codes) as UTF-8, in pieces.

    The same bytes as the document built whole, in memory bounded by a chunk of rows: nodes,
    lines, indicators and printed tables are read `STREAM_CHUNK` at a time; only the
    departments (the listing needs every one the nodes name, before the nodes) are read first,
    as ids. Each item is encoded by orjson, which writes what `json.dumps(indent=2)` writes
    except for floats outside 1e-4..1e16 (`_encode` falls back for those).
    """
    hidden = set(hidden)
    names = _Names(plan)
    roles = (NodeDepartment.objects.filter(node__plan=plan, role__in=["owner", "cooperating"])
             .order_by("node__position", "-role", "position")  # owners, then cooperating
             .values_list("department_id", flat=True))
    used = [plan.department_id] if plan.department_id else []
    used.extend(dict.fromkeys(roles))
    departments, reorganisations = names.listing(used)
    lines = (BudgetLine.objects.filter(node__plan=plan).exclude(node__code__in=hidden)
             .order_by(*_LINE_ORDER)
             .values_list(*_LINE_FIELDS[:-1], Cast("provenance", TextField())))
    indicators = (Indicator.objects.filter(node__plan=plan).exclude(node__code__in=hidden)
                  .select_related("node").prefetch_related("targets", "actuals")
                  .order_by("node__position", "position", "id"))
    fields: list[tuple[str, Any]] = [
        ("format", FORMAT), ("plan", _plan_doc(plan, names)),
        ("reorganisations", reorganisations), ("departments", departments),
        ("nodes", _Items(_streamed_nodes(plan, names, hidden))),
        ("budget_lines", _Items(_line_doc(code, year, source, won, note, _json(provenance))
                                for code, year, source, won, note, provenance
                                in lines.iterator(chunk_size=STREAM_CHUNK * 4))),
        ("indicators", _Items(_indicator_doc(i)
                              for i in indicators.iterator(chunk_size=STREAM_CHUNK))),
        ("stated_figures", _Items(_figure_doc(f) for f in plan.stated_figures
                                  .order_by("position").iterator(chunk_size=STREAM_CHUNK))),
        # a printed table carries its rows: fewer at a time
        ("stated_tables", _Items((_table_doc(t) for t in plan.stated_tables.order_by("position")
                                  .iterator(chunk_size=TABLE_CHUNK)), TABLE_CHUNK)),
    ]
    return _buffered(_object_pieces(fields))


def _json(text: str | Any) -> Any:
    """Decode a JSON column read as text (orjson; the standard library for what it refuses)."""
    if not isinstance(text, str):  # a driver that decodes JSON itself
        return text
    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError:  # e.g. an integer beyond 64 bits, NaN
        return json.loads(text)


def _streamed_nodes(plan: Plan, names: _Names, hidden: set[str]) -> Iterator[dict[str, Any]]:
    """The nodes' documents, read `STREAM_CHUNK` at a time with their departments."""
    rows = (plan.nodes.exclude(code__in=hidden).order_by("position")
            .values_list("id", "code", "title", "depth", "parent__code", "level_name", "kind",
                         "description", Cast("provenance", TextField())))
    for chunk in _batches(rows.iterator(chunk_size=STREAM_CHUNK), STREAM_CHUNK):
        yield from _node_chunk(chunk, names)


def _node_chunk(chunk: list[tuple[Any, ...]], names: _Names) -> Iterator[dict[str, Any]]:
    roles: dict[int, tuple[list[str], list[str]]] = {row[0]: ([], []) for row in chunk}
    for node_id, role, department_id in (
            NodeDepartment.objects.filter(node_id__in=list(roles))
            .order_by("role", "position").values_list("node_id", "role", "department_id")):
        if role in ("owner", "cooperating"):
            roles[node_id][role == "cooperating"].append(names.name(department_id))
    for node_id, code, title, depth, parent, level_name, kind, description, provenance in chunk:
        owners, cooperating = roles[node_id]
        yield {"code": code, "title": title, "depth": depth, "parent": parent,
               "level_name": level_name, "kind": kind or None, "departments": owners,
               "cooperating_departments": cooperating, "description": description,
               "provenance": _json(provenance)}


class _Items:
    """A list value given as an iterator of items (encoded `batch` at a time)."""

    def __init__(self, items: Iterable[Any], batch: int | None = None) -> None:
        self.items = iter(items)
        self.batch = batch or STREAM_CHUNK


# orjson writes a float unlike Python's repr from 1e16 up ("1e16" vs "1e+16") and below 1e-4
# ("0.00001" vs "1e-05"); such an item is written by the standard library instead. The pattern
# finds every such number token (its exponent ends the token); it may also fire on text inside
# a string ("1e5,"), which only costs that item the slow way.
_EXPONENT = re.compile(rb"e(?<=[0-9]e)-?[0-9]+(?:[,\n\]}]|$)")  # starts on "e": fast


def _encode(value: Any, indent: int) -> bytes:
    """`json.dumps(value, ensure_ascii=False, indent=2)` in UTF-8, nested `indent` spaces deep."""
    try:
        data = orjson.dumps(value, option=orjson.OPT_INDENT_2)
    except orjson.JSONEncodeError:  # e.g. an integer beyond 64 bits
        data = b""
    if not data or b"0.0000" in data or _EXPONENT.search(data):
        data = json.dumps(value, ensure_ascii=False, indent=2).encode()
    # JSON text holds no raw newline inside a string, so every newline starts a line.
    return data.replace(b"\n", b"\n" + b" " * indent) if indent else data


def _object_pieces(fields: list[tuple[str, Any]]) -> Iterator[bytes]:
    yield b"{"
    for number, (key, value) in enumerate(fields):
        yield (b",\n  " if number else b"\n  ") + _encode(key, 0) + b": "
        if not isinstance(value, _Items):
            yield _encode(value, 2)
            continue
        opened = False
        for chunk in _batches(value.items, value.batch):
            # A chunk is encoded as one list, "[\n    {…},\n    {…}\n  ]"; the chunks' inner
            # parts joined by commas are the whole list as json.dumps writes it.
            inner = _encode(chunk, 2)[1:-4]
            yield (b"," if opened else b"[") + inner
            opened = True
        yield b"\n  ]" if opened else b"[]"
    yield b"\n}\n"


def _batches(items: Iterator[Any], size: int) -> Iterator[list[Any]]:
    chunk: list[Any] = []
    for item in items:
        chunk.append(item)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _buffered(pieces: Iterator[bytes]) -> Iterator[bytes]:
    """Join small pieces into blocks of about 64 KB (fewer, larger writes)."""
    block: list[bytes] = []
    size = 0
    for piece in pieces:
        block.append(piece)
        size += len(piece)
        if size >= _FLUSH_BYTES:
            yield b"".join(block)
            block, size = [], 0
    if block:
        yield b"".join(block)


def dumps(doc: dict[str, Any]) -> str:
    """Serialise an export deterministically (UTF-8 Korean, stable indentation)."""
    return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"
