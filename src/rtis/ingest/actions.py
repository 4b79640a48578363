"""Import a plan file into the database: all or nothing, audited."""

from __future__ import annotations

import logging
import time
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction

from rtis.audit.log import record_create, record_creates, record_deletes
from rtis.ingest.planfile import PlanDoc, PlanFileError, load_json_text, parse_plan_doc
from rtis.lib.org_history import HistoryFields
from rtis.orgs.access import is_planner
from rtis.orgs.actions import (
    do_create_department,
    find_department,
    reorganisation_from_doc,
    write_department_history,
)
from rtis.orgs.models import Department, DepartmentAlias, DepartmentName
from rtis.plans.models import (
    BudgetLine,
    FundingSource,
    Indicator,
    IndicatorActual,
    IndicatorTarget,
    Node,
    NodeDepartment,
    Plan,
    StatedFigure,
    StatedTable,
)
from rtis.search.index import index_objects, refresh_plan_kinds
from rtis.tracking.models import ExecutionRecord, IndicatorReport, Milestone

logger = logging.getLogger("rtis.ingest")


def known_department_names() -> set[str]:
    """Return every name (current, former or a printed variant) a department is known by."""
    return (set(DepartmentName.objects.values_list("name", flat=True))
            | set(Department.objects.values_list("name", flat=True))
            | set(DepartmentAlias.objects.values_list("name", flat=True)))


def parse_plan_file_text(text: str, source: str) -> PlanDoc:
    """Decode and validate plan JSON text against the database's sources and departments."""
    data = load_json_text(text, source)
    return parse_plan_doc(data, source, set(FundingSource.objects.values_list("code", flat=True)),
                          known_department_names())


def _resolve_departments(actor: Any, doc: PlanDoc) -> dict[str, Department]:
    resolved: dict[str, Department] = {}
    created: set[str] = set()
    pending = list(doc.departments)
    # Parents first: a department listed before its parent waits one round.
    for _round in range(len(pending) + 1):
        waiting = []
        for d in pending:
            if d.parent and d.parent not in resolved and find_department(d.parent) is None:
                waiting.append(d)
                continue
            existing = find_department(d.name)
            if existing is None:
                parent = resolved.get(d.parent) or find_department(d.parent) if d.parent else None
                existing = do_create_department(actor, d.name, kind=d.kind, parent=parent)
                created.add(d.name)
            resolved[d.name] = existing
        if not waiting:
            break
        pending = waiting
    _write_histories(actor, doc, resolved, created)
    return resolved


def _write_histories(actor: Any, doc: PlanDoc, resolved: dict[str, Department],
                     created: set[str]) -> None:
    """Give departments new to the database the file's dated history; add printed variants.

    A department the database already knows keeps its own history (the organisation's seed or
    an earlier import is authoritative); only aliases it lacks are added.
    """
    reorganisations = {r.key: reorganisation_from_doc(r) for r in doc.reorganisations}

    def resolve(name: str) -> Department | None:
        return resolved.get(name) or find_department(name)

    for d in doc.departments:
        if d.name not in resolved:
            continue
        history = d if d.name in created else HistoryFields(aliases=[
            a for a in d.aliases if find_department(a.name) is None])
        if history.names or history.parents or history.aliases:
            write_department_history(actor, resolved[d.name], history, resolve, reorganisations)


def _department(name: str, resolved: dict[str, Department]) -> Department:
    department = resolved.get(name) or find_department(name)
    assert department is not None, name  # parse_plan_doc already refused unknown names
    return department


def _links_of(plan: Plan) -> tuple[list[int], dict[int, list[str]]]:
    """Remember what points into a plan from outside it: council sessions and references."""
    from rtis.plans.models import Reference

    sessions = list(plan.council_sessions.values_list("pk", flat=True))
    references: dict[int, list[str]] = {}
    for reference_id, code in Reference.nodes.through.objects.filter(
            node__plan=plan).values_list("reference_id", "node__code"):
        references.setdefault(reference_id, []).append(code)
    return sessions, references


def _restore_links(plan: Plan, nodes: dict[str, Node],
                   links: tuple[list[int], dict[int, list[str]]]) -> None:
    """Point sessions and references at the new plan's nodes again (by node code)."""
    from rtis.oversight.models import CouncilSession
    from rtis.plans.models import Reference

    sessions, references = links
    CouncilSession.objects.filter(pk__in=sessions).update(plan=plan)
    Reference.nodes.through.objects.bulk_create([
        Reference.nodes.through(reference_id=reference_id, node_id=nodes[code].pk)
        for reference_id, codes in references.items() for code in codes if code in nodes
    ], ignore_conflicts=True)


def _refuse_losing_tracking(plan: Plan, source: str) -> None:
    """Refuse to replace a plan whose nodes carry reported figures: replacing would lose them."""
    counts = {label: model.objects.filter(period__plan=plan).count() for label, model in (
        ("집행실적", ExecutionRecord), ("성과지표 실적", IndicatorReport), ("추진일정", Milestone))}
    held = ", ".join(f"{label} {n}건" for label, n in counts.items() if n)
    if held:
        raise PlanFileError(source, [("$.plan.slug", (
            f"계획 '{plan.slug}'에 입력된 실적이 있어 바꿀 수 없습니다({held}). 과제 구조를 바꾸려면 "
            f"화면에서 수정하십시오 / plan '{plan.slug}' holds reported figures ({held}); "
            f"replacing it would lose them"))])


def _delete_plan(actor: Any, plan: Plan) -> None:
    nodes = list(plan.nodes.all())
    lines = list(BudgetLine.objects.filter(node__plan=plan).select_related("node"))
    record_deletes(actor, [*lines, *nodes], reason="plan replaced by import")
    record_deletes(actor, [plan], reason="plan replaced by import")
    plan.delete()


@transaction.atomic
def do_import_plan(actor: Any | None, doc: PlanDoc, *, replace: bool = False,
                   source: str = "") -> Plan:
    """Create a plan with its tree, money, indicators and stated figures from a validated file."""
    if actor is not None and not is_planner(actor):
        raise PermissionDenied("기획 담당자만 계획을 가져올 수 있습니다 / only planners may import")
    started = time.monotonic()
    existing = Plan.objects.filter(slug=doc.plan.slug).first()
    kept_links: tuple[list[int], dict[int, list[str]]] = ([], {})
    if existing is not None:
        if not replace:
            raise PlanFileError(source or doc.plan.slug, [(
                "$.plan.slug",
                f"계획 '{doc.plan.slug}'이(가) 이미 있습니다 (바꾸려면 --replace) / plan "
                f"'{doc.plan.slug}' exists (use --replace to replace it)")])
        _refuse_losing_tracking(existing, source or doc.plan.slug)
        kept_links = _links_of(existing)
        _delete_plan(actor, existing)
    resolved = _resolve_departments(actor, doc)
    meta = doc.plan
    plan = Plan.objects.create(
        slug=meta.slug, title=meta.title, document_number=meta.document_number or "",
        policy_number=meta.policy_number or "",
        approved_on=meta.approved_on, period_start=meta.period[0], period_end=meta.period[1],
        department=_department(meta.department, resolved) if meta.department else None,
        summary=meta.summary, source_document=meta.source_document or "", published=meta.published,
    )
    record_create(actor, plan, reason=f"import {source}".strip())
    nodes = _create_nodes(doc, plan, resolved)
    record_creates(actor, nodes.values(), reason="import")
    sources = {s.code: s for s in FundingSource.objects.all()}
    lines = BudgetLine.objects.bulk_create([
        BudgetLine(node=nodes[line.node], year=line.year, source=sources[line.source],
                   amount_won=line.amount_won, note=line.note, provenance=line.provenance)
        for line in doc.budget_lines
    ], batch_size=500)
    record_creates(actor, lines, reason="import")
    _create_indicators(actor, doc, nodes)
    _restore_links(plan, nodes, kept_links)
    StatedFigure.objects.bulk_create([
        StatedFigure(plan=plan, key=f.key, label=f.label, value=Decimal(f.value),
                     unit_as_printed=f.unit_as_printed, printed=f.printed,
                     provenance=f.provenance, claims=f.claims, position=i)
        for i, f in enumerate(doc.stated_figures)
    ])
    StatedTable.objects.bulk_create([
        StatedTable(plan=plan, key=t.key, title=t.title, unit_as_printed=t.unit_as_printed or "",
                    as_of=t.as_of, columns=t.columns,
                    rows=[{"label": r.label, "values": [_jsonable(v) for v in r.values]}
                          for r in t.rows],
                    note=t.note, provenance=t.provenance, claims=t.claims, position=i)
        for i, t in enumerate(doc.stated_tables)
    ])
    logger.info("imported plan %s: %d nodes, %d budget lines in %.2fs", plan.slug, len(nodes),
                len(lines), time.monotonic() - started)
    refresh_plan_kinds()
    return plan


def _jsonable(value: Decimal | int | str | None) -> int | float | str | None:
    # A printed "1.0" stays 1.0: its decimal tells the checker the precision it was printed to.
    if isinstance(value, Decimal):
        exponent = value.as_tuple().exponent
        return float(value) if isinstance(exponent, int) and exponent < 0 else int(value)
    return value


def _create_nodes(doc: PlanDoc, plan: Plan, resolved: dict[str, Department]) -> dict[str, Node]:
    nodes: dict[str, Node] = {}
    # Parents precede children in the file, so one pass per depth creates every parent first.
    for depth in sorted({n.depth for n in doc.nodes}):
        batch = [
            Node(plan=plan, parent=nodes[n.parent] if n.parent else None, code=n.code,
                 title=n.title, depth=n.depth, level_name=n.level_name, kind=n.kind or "",
                 position=i, description=n.description, provenance=n.provenance)
            for i, n in enumerate(doc.nodes) if n.depth == depth
        ]
        for node in Node.objects.bulk_create(batch):
            nodes[node.code] = node
    roles = []
    for n in doc.nodes:
        for role, names in (("owner", n.departments), ("cooperating", n.cooperating_departments)):
            seen: set[int] = set()
            for position, name in enumerate(names):
                department = _department(name, resolved)
                if department.pk in seen:
                    continue
                seen.add(department.pk)
                roles.append(NodeDepartment(node=nodes[n.code], department=department, role=role,
                                            position=position))
    NodeDepartment.objects.bulk_create(roles)
    return nodes


def _create_indicators(actor: Any, doc: PlanDoc, nodes: dict[str, Node]) -> None:
    positions: dict[str, int] = {}
    created = []
    for ind in doc.indicators:
        position = positions.get(ind.node, 0)
        positions[ind.node] = position + 1
        created.append((ind, Indicator(node=nodes[ind.node], name=ind.name, unit=ind.unit,
                                       direction=ind.direction, definition=ind.definition,
                                       position=position, provenance=ind.provenance)))
    indicators = Indicator.objects.bulk_create([obj for _, obj in created])
    record_creates(actor, indicators, reason="import")
    IndicatorTarget.objects.bulk_create([
        IndicatorTarget(indicator=obj, year=int(year), value=Decimal(value))
        for (ind, _), obj in zip(created, indicators, strict=True)
        for year, value in ind.targets.items()
    ])
    IndicatorActual.objects.bulk_create([
        IndicatorActual(indicator=obj, period=period, value=Decimal(value))
        for (ind, _), obj in zip(created, indicators, strict=True)
        for period, value in ind.actuals.items()
    ])


def import_plan_text(actor: Any | None, text: str, source: str, *, replace: bool = False) -> Plan:
    """Validate and import plan JSON text; nothing is written if anything is wrong."""
    doc = parse_plan_file_text(text, source)
    return do_import_plan(actor, doc, replace=replace, source=source)


@transaction.atomic
def do_load_references(actor: Any | None, parsed: Any) -> list[str]:
    """Create or update references and link them to the nodes they concern; refuse broken links."""
    from rtis.lib.seed_schema import SeedError
    from rtis.plans.models import Reference

    if actor is not None and not is_planner(actor):
        raise PermissionDenied("기획 담당자만 가져올 수 있습니다 / only planners may import")

    created: list[str] = []
    problems: list[tuple[str, int | None, str, str]] = []
    links: list[tuple[Reference, list[Node]]] = []
    for i, item in enumerate(parsed.references):
        nodes: list[Node] = []
        for j, concern in enumerate(item.concerns):
            node = Node.objects.filter(plan__slug=concern.plan, code=concern.node).first()
            if node is None:
                problems.append(("references.yaml", None, f"references[{i}].concerns[{j}]",
                                 f"없는 계획·과제 {concern.plan} {concern.node} / no such node"))
            else:
                nodes.append(node)
        reference, was_created = Reference.objects.update_or_create(
            key=item.key, defaults={"title": item.title, "publisher": item.publisher or "",
                                    "published_on": item.published_on if not isinstance(
                                        item.published_on, str) else None,
                                    "summary": item.summary or "",
                                    "source_document": parsed.document})
        if was_created:
            record_create(actor, reference, reason="seed")
            created.append(item.key)
        links.append((reference, nodes))
    if problems:
        raise SeedError(problems)
    for reference, nodes in links:
        reference.nodes.set(nodes)
    index_objects("reference", [reference.pk for reference, _ in links])
    return created
