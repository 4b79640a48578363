"""Writes to plans, nodes and budget lines: permission, validation, audit, in one transaction."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from rtis.audit.log import record_change, record_create, record_delete
from rtis.audit.versioned import conflict_for, update_versioned
from rtis.plans.access import require_node_editor, require_planner
from rtis.plans.models import (
    MAX_AMOUNT_WON,
    MAX_YEAR,
    MIN_YEAR,
    BudgetLine,
    FundingSource,
    Node,
    NodeKind,
    Plan,
)
from rtis.search.index import index_objects, refresh_plan_kinds


def validate_amount_won(value: Any, field: str = "amount_won") -> int:
    """Return a valid amount in won or raise ValidationError naming the field."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValidationError({field: f"금액은 원 단위 정수여야 합니다: {value!r} / "
                                      f"the amount must be a whole number of won: {value!r}"})
    if value < 0:
        raise ValidationError({field: f"금액은 음수일 수 없습니다: {value:,} / "
                                      f"the amount cannot be negative: {value}"})
    if value > MAX_AMOUNT_WON:
        raise ValidationError({field: f"금액이 비정상적으로 큽니다(10^16원 초과): {value:,} / "
                                      f"the amount is absurdly large (over 10^16 won): {value}"})
    return value


def validate_year(value: Any, field: str = "year") -> int:
    """Return a year within 1990–2100 or raise ValidationError naming the field."""
    if isinstance(value, bool) or not isinstance(value, int) or not MIN_YEAR <= value <= MAX_YEAR:
        raise ValidationError({field: f"연도는 {MIN_YEAR}~{MAX_YEAR} 사이의 정수여야 합니다: {value!r} "
                                      f"/ the year must be a whole number within "
                                      f"{MIN_YEAR}–{MAX_YEAR}: {value!r}"})
    return value


def get_funding_source(code: str, field: str = "source") -> FundingSource:
    """Return the funding source with this code or raise ValidationError listing the codes."""
    try:
        return FundingSource.objects.get(code=code)
    except FundingSource.DoesNotExist:
        codes = ", ".join(FundingSource.objects.values_list("code", flat=True))
        raise ValidationError({field: f"알 수 없는 재원 '{code}' (사용 가능: {codes}) / "
                                      f"unknown funding source '{code}' (known: {codes})"}) from None


@transaction.atomic
def do_update_node(actor: Any, node: Node, expected_version: int, *, title: str,
                   kind: str, description: str) -> Node:
    """Change a node's title, kind and description, refusing a stale version."""
    require_node_editor(actor, node)
    title = title.strip()
    if not title:
        raise ValidationError({"title": "명칭을 입력하십시오 / the title is required"})
    if len(title) > 300:
        raise ValidationError({"title": "명칭은 300자 이내여야 합니다 / at most 300 characters"})
    if kind and kind not in NodeKind.values:
        raise ValidationError({"kind": f"구분은 신규·확대·계속 중 하나입니다: '{kind}' / "
                                       f"kind must be 신규, 확대 or 계속: '{kind}'"})
    node = update_versioned(actor, node, expected_version,
                            {"title": title, "kind": kind, "description": description.strip()})
    index_objects("node", [node.pk])
    return node


@transaction.atomic
def do_set_budget_line(actor: Any, node: Node, *, year: int, source_code: str, amount_won: int,
                       note: str | None = None, expected_version: int | None = None,
                       replace: bool = False) -> BudgetLine:
    """Create or change the planned amount of a node for a year and source.

    `expected_version=None` only creates: a line that exists already needs the version its
    editor saw (else EditConflict with what it holds), so a stale page never silently wins.
    `replace=True` is for a committed table import, whose preview showed what it replaces.
    `note=None` keeps the line's note (an import of amounts must not wipe a printed "(~23)").
    """
    require_node_editor(actor, node)
    validate_year(year)
    validate_amount_won(amount_won)
    source = get_funding_source(source_code)
    line = BudgetLine.objects.select_for_update().filter(node=node, year=year,
                                                         source=source).first()
    if line is None:
        line = BudgetLine.objects.create(node=node, year=year, source=source,
                                         amount_won=amount_won, note=(note or "").strip())
        record_create(actor, line)
        return line
    if expected_version is None and not replace:
        raise conflict_for(line, ["amount_won", "note"])
    version = line.version if expected_version is None else expected_version
    changes: dict[str, Any] = {"amount_won": amount_won}
    if note is not None:
        changes["note"] = note.strip()
    return update_versioned(actor, line, version, changes)


@transaction.atomic
def do_delete_budget_line(actor: Any, line: BudgetLine) -> None:
    """Delete a budget line, keeping what it held in the audit trail."""
    require_node_editor(actor, line.node)
    record_delete(actor, line)
    line.delete()


@transaction.atomic
def do_set_plan_published(actor: Any, plan: Plan, published: bool) -> Plan:
    """Publish a plan to the public portal, or withdraw it."""
    require_planner(actor)
    old = plan.published
    plan.published = published
    plan.save(update_fields=["published", "updated_at"])
    record_change(actor, plan, {"published": [old, published]})
    refresh_plan_kinds()  # what the public may find follows the plan
    return plan
