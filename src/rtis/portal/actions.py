"""Writes of the portal: publishing a plan with its date, withholding a node from the public.

Each: planners only, one transaction, audited; the bulk download is rebuilt after the commit.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction

from rtis.audit.log import record_change, record_create, record_delete
from rtis.plans.access import require_planner
from rtis.plans.actions import do_set_plan_published
from rtis.plans.models import Node, Plan
from rtis.portal.models import PlanPublication, WithheldNode

MAX_REASON = 300


def _rebuild_bundle_later() -> None:
    from rtis.portal.bundle import rebuild_if_stale

    transaction.on_commit(rebuild_if_stale)


@transaction.atomic
def do_publish_plan(actor: Any, plan: Plan, published: bool, published_on: dt.date | None) -> Plan:
    """Publish a plan with its publication date (today when none given), or withdraw it."""
    from rtis.config import clock

    require_planner(actor)
    current = Plan.objects.select_for_update().get(pk=plan.pk)
    if published_on is not None and published_on > clock.today():
        raise ValueError(f"공개일 {published_on}은(는) 오늘({clock.today()}) 이후일 수 없습니다 / "
                         "the publication date (published_on) cannot be in the future")
    do_set_plan_published(actor, current, published)
    if published:
        day = published_on or clock.today()
        publication = PlanPublication._default_manager.filter(plan=current).first()
        if publication is None:
            publication = PlanPublication._default_manager.create(plan=current, published_on=day)
            record_create(actor, publication)
        elif publication.published_on != day:
            old = publication.published_on
            publication.published_on = day
            publication.version += 1
            publication.save(update_fields=["published_on", "version", "updated_at"])
            record_change(actor, publication, {"published_on": [old, day]})
    _rebuild_bundle_later()
    return current


@transaction.atomic
def do_withhold_node(actor: Any, node: Node, reason: str) -> WithheldNode:
    """Keep a node and everything below it off the public pages, the API and the downloads."""
    require_planner(actor)
    reason = reason.strip()
    if not reason:
        raise ValueError("비공개 사유(reason)를 입력하세요 / give the reason for withholding")
    if len(reason) > MAX_REASON:
        raise ValueError(f"비공개 사유(reason)는 {MAX_REASON}자 이하입니다 / reason is at most "
                         f"{MAX_REASON} characters")
    found = WithheldNode._default_manager.select_for_update().filter(node=node).first()
    if found is not None:
        if found.reason != reason:
            old = found.reason
            found.reason = reason
            found.save(update_fields=["reason"])
            record_change(actor, found, {"reason": [old, reason]})
        return found
    withheld = WithheldNode._default_manager.create(node=node, reason=reason,
                                           withheld_by=actor if actor and actor.pk else None)
    record_create(actor, withheld, {"node": node.code, "reason": reason})
    _rebuild_bundle_later()
    return withheld


@transaction.atomic
def do_release_node(actor: Any, node: Node) -> None:
    """Show a withheld node to the public again."""
    require_planner(actor)
    found = WithheldNode._default_manager.select_for_update().filter(node=node).first()
    if found is None:
        return
    record_delete(actor, found)
    found.delete()
    _rebuild_bundle_later()
