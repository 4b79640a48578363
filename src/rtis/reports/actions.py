"""Generate a report: build its content from the data, keep it as a snapshot, audited."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import translation

from rtis.audit.log import record_create
from rtis.lib.report_model import Report
from rtis.plans.access import require_planner
from rtis.plans.models import Plan
from rtis.reports.builders.plan_tables import build_plan_tables
from rtis.reports.builders.pledge_card import build_pledge_card
from rtis.reports.builders.work_report import build_work_report
from rtis.reports.models import ReportKind, ReportSnapshot
from rtis.search.index import index_objects


def build_report(kind: str, plan: Plan, as_of: dt.date, node_code: str = "") -> Report:
    """Build the content of a report of a kind from the data (no writes).

    Reports are Korean documents for the Council and the city, whatever language the person
    who makes one has chosen for the screens.
    """
    with translation.override("ko"):
        return _build_report(kind, plan, as_of, node_code)


def _build_report(kind: str, plan: Plan, as_of: dt.date, node_code: str) -> Report:
    if kind == ReportKind.WORK_REPORT:
        return build_work_report(plan, as_of)
    if kind == ReportKind.PLAN_TABLES:
        return build_plan_tables(plan, as_of)
    if kind == ReportKind.PLEDGE_CARD:
        code = node_code or (plan.nodes.filter(depth=1).values_list("code", flat=True).first() or "")
        node = plan.nodes.filter(code=code).first()
        if node is None:
            raise ValidationError({"node": f"'{plan.slug}' 계획에 과제 '{code}'이(가) 없습니다 / "
                                           f"no node '{code}'"})
        return build_pledge_card(plan, node, as_of)
    raise ValidationError({"kind": f"알 수 없는 보고서 '{kind}' ({', '.join(ReportKind.values)}) / "
                                   f"unknown report kind"})


def content_digest(content: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(content, ensure_ascii=False, sort_keys=True)
                          .encode("utf-8")).hexdigest()


@transaction.atomic
def do_generate_report(actor: Any | None, kind: str, plan: Plan, as_of: dt.date,
                       node_code: str = "") -> ReportSnapshot:
    """Build a report and keep it as a snapshot that renders identically in every format later."""
    if actor is not None:
        require_planner(actor)
    report = build_report(kind, plan, as_of, node_code)
    content = report.to_dict()
    snapshot = ReportSnapshot.objects.create(
        kind=kind, plan=plan, node_code=node_code, as_of=as_of, title=report.title,
        content=content, content_sha256=content_digest(content),
        created_by=actor if actor is not None and actor.is_authenticated else None)
    record_create(actor, snapshot, fields={"kind": kind, "plan": plan.slug,
                                           "as_of": as_of.isoformat(), "node": node_code})
    index_objects("report", [snapshot.pk])
    return snapshot


def snapshot_report(snapshot: ReportSnapshot) -> Report:
    """Return the content a snapshot was generated with."""
    return Report.from_dict(snapshot.content)
