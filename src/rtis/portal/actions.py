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
    _reindex_reports_of(node.plan_id)
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
    _reindex_reports_of(node.plan_id)
    _rebuild_bundle_later()


def _reindex_reports_of(plan_id: int) -> None:
    """A withheld node takes the plan's published reports that hold it off the public search."""
    from rtis.reports.models import ReportSnapshot
    from rtis.search.index import index_objects

    index_objects("report", ReportSnapshot.objects.filter(plan_id=plan_id)
                  .values_list("pk", flat=True))


def _report_refusal(snapshot: Any) -> str | None:
    """Say why a report may not be public, or None: its plan must be published, and nothing in
    it withheld (the report's node, or for a whole-plan report any node of the plan)."""
    from rtis.portal.access import withheld_ids

    plan = snapshot.plan
    if plan is None:
        return ("계획이 지워진 보고서는 공개할 수 없습니다 / a report whose plan was deleted "
                "cannot be published")
    if not plan.published:
        return (f"계획 '{plan.slug}'이(가) 공개되지 않아 보고서를 공개할 수 없습니다 / plan "
                f"'{plan.slug}' is not published, so its report cannot be")
    hidden = withheld_ids([plan.pk])
    if not hidden:
        return None
    codes = sorted(Node.objects.filter(pk__in=hidden).values_list("code", flat=True))
    if snapshot.node_code and snapshot.node_code not in codes:
        return None
    return (f"비공개 과제({', '.join(codes[:5])})의 내용이 들어 있어 공개할 수 없습니다 / the "
            f"report contains withheld nodes ({', '.join(codes[:5])})")


def _reindex_report(pk: int) -> None:
    from rtis.search.index import index_objects

    index_objects("report", [pk])


@transaction.atomic
def do_publish_report(actor: Any, snapshot: Any, published_on: dt.date | None) -> Any:
    """Publish a generated report with its date (today when none given), or change the date."""
    from rtis.config import clock
    from rtis.portal.models import ReportPublication
    from rtis.reports.models import ReportSnapshot

    require_planner(actor)
    current = (ReportSnapshot.objects.select_for_update(of=("self",)).select_related("plan")
               .get(pk=snapshot.pk))
    day = published_on or clock.today()
    if day > clock.today():
        raise ValueError(f"공개일 {day}은(는) 오늘({clock.today()}) 이후일 수 없습니다 / the "
                         "publication date (published_on) cannot be in the future")
    refusal = _report_refusal(current)
    if refusal:
        raise ValueError(refusal)
    found = ReportPublication._default_manager.filter(snapshot=current).first()
    if found is None:
        found = ReportPublication._default_manager.create(
            snapshot=current, published_on=day,
            published_by=actor if actor is not None and actor.pk else None)
        record_create(actor, found, {"report": current.pk, "published_on": day.isoformat()})
    elif found.published_on != day:
        old = found.published_on
        found.published_on = day
        found.version += 1
        found.save(update_fields=["published_on", "version", "updated_at"])
        record_change(actor, found, {"published_on": [old, day]})
    _reindex_report(current.pk)
    _rebuild_bundle_later()
    return found


@transaction.atomic
def do_withdraw_report(actor: Any, snapshot: Any) -> None:
    """Take a report off the public pages, downloads, search and open data again."""
    from rtis.portal.models import ReportPublication

    require_planner(actor)
    found = ReportPublication._default_manager.select_for_update().filter(
        snapshot_id=snapshot.pk).first()
    if found is None:
        return
    record_delete(actor, found)
    found.delete()
    _reindex_report(snapshot.pk)
    _rebuild_bundle_later()
