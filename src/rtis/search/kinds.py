"""The kinds RTIS indexes today; facilities, NTIS projects and R&D applications add theirs here.

Each `documents(keys)` reads its objects in few queries (select_related/prefetch_related) and
says who may find each one: published plans and what hangs from them are public, the rest is
for staff; draft calls for planners; report snapshots for report readers.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator
from typing import Any

from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from rtis.search.registry import Document, Kind, register


def _only(queryset: QuerySet[Any], keys: Collection[Any] | None) -> QuerySet[Any]:
    return queryset if keys is None else queryset.filter(pk__in=[int(k) for k in keys])


def _plan_audience(published: bool) -> str:
    return "public" if published else "internal"


def plans(keys: Collection[Any] | None) -> Iterator[Document]:
    from rtis.plans.models import Plan

    for plan in _only(Plan.objects.select_related("department").order_by("pk"), keys):
        body = " ".join(filter(None, [plan.summary, plan.document_number,
                                      plan.department.name if plan.department else ""]))
        yield Document(str(plan.pk), plan.title, body,
                       reverse("plans:detail", args=[plan.slug]), _plan_audience(plan.published),
                       f"{plan.period_start}–{plan.period_end}")


def nodes(keys: Collection[Any] | None) -> Iterator[Document]:
    from rtis.plans.models import Node

    rows = Node.objects.select_related("plan").order_by("plan_id", "position", "pk")
    for node in _only(rows, keys):
        yield Document(str(node.pk), node.title, node.description,
                       reverse("plans:node", args=[node.plan.slug, node.code]),
                       _plan_audience(node.plan.published),
                       f"{node.plan.title} · {node.code} {node.level_name}")


def indicators(keys: Collection[Any] | None) -> Iterator[Document]:
    from rtis.plans.models import Indicator

    rows = Indicator.objects.select_related("node__plan").order_by("node__plan_id", "pk")
    for indicator in _only(rows, keys):
        node = indicator.node
        yield Document(str(indicator.pk), indicator.name,
                       " ".join(filter(None, [indicator.definition, indicator.unit])),
                       reverse("plans:node", args=[node.plan.slug, node.code]),
                       _plan_audience(node.plan.published), f"{node.plan.title} · {node.title}")


def audit_items(keys: Collection[Any] | None) -> Iterator[Document]:
    from rtis.oversight.models import AuditItem

    rows = AuditItem.objects.select_related("session__plan").order_by("session_id", "pk")
    for item in _only(rows, keys):
        plan = item.session.plan
        body = "\n".join(filter(None, [", ".join(str(n) for n in item.department_names or []),
                                       item.actions, item.next_steps]))
        yield Document(str(item.pk), item.title, body,
                       reverse("oversight:item", args=[item.session.key, item.category,
                                                       item.number]),
                       _plan_audience(bool(plan and plan.published)),
                       f"{item.session.title} · {item.get_category_display()} {item.number}")


def references(keys: Collection[Any] | None) -> Iterator[Document]:
    from rtis.plans.models import Reference

    rows = Reference.objects.prefetch_related("nodes__plan").order_by("pk")
    for reference in _only(rows, keys):
        linked = sorted(reference.nodes.all(), key=lambda n: (not n.plan.published, n.pk))
        if not linked:
            continue  # shown on the pages of the items it concerns; none, nowhere to open
        node = linked[0]
        yield Document(str(reference.pk), reference.title,
                       " ".join(filter(None, [reference.summary, reference.publisher])),
                       reverse("plans:node", args=[node.plan.slug, node.code]),
                       _plan_audience(node.plan.published),
                       " · ".join(filter(None, [reference.publisher,
                                                f"{reference.published_on:%Y-%m-%d}"
                                                if reference.published_on else ""])))


def reports(keys: Collection[Any] | None) -> Iterator[Document]:
    """Report snapshots: public once published (and still shown, rtis.portal.access), linked to
    their public download; otherwise for report readers, linked to /reports/."""
    from rtis.portal.access import public_reports
    from rtis.reports.models import ReportSnapshot

    rows = ReportSnapshot.objects.select_related("plan").order_by("pk")
    public = {r.pk for r in public_reports()}
    for snapshot in _only(rows, keys):
        query = f"?plan={snapshot.plan.slug}" if snapshot.plan else ""
        shown = snapshot.pk in public
        url = (reverse("portal:public_report", args=[snapshot.pk, "html"]) if shown
               else reverse("reports:index") + query)
        yield Document(str(snapshot.pk), snapshot.title,
                       snapshot.plan.title if snapshot.plan else "", url,
                       "public" if shown else "reportreader",
                       f"{snapshot.get_kind_display()} · {snapshot.as_of:%Y-%m-%d}")


def programmes(keys: Collection[Any] | None) -> Iterator[Document]:
    from rtis.rnd.models import Programme

    rows = Programme.objects.select_related("node__plan").order_by("pk")
    for programme in _only(rows, keys):
        node = programme.node
        url = (reverse("plans:node", args=[node.plan.slug, node.code]) if node
               else reverse("rnd:calls"))
        yield Document(str(programme.pk), programme.name,
                       " ".join(filter(None, [programme.description, programme.operator])), url,
                       _plan_audience(bool(node and node.plan.published)),
                       f"{programme.get_kind_display()}"
                       + (f" · {node.plan.title}" if node else ""))


def calls(keys: Collection[Any] | None) -> Iterator[Document]:
    from rtis.rnd.models import Call

    for call in _only(Call.objects.select_related("programme").order_by("pk"), keys):
        yield Document(str(call.pk), call.title, call.rfp, reverse("rnd:call", args=[call.pk]),
                       "public" if call.is_public else "planner",
                       f"{call.programme.name} · {call.year}")


register(Kind("plan", _("계획"), plans))
register(Kind("node", _("과제"), nodes))
register(Kind("indicator", _("성과지표"), indicators))
register(Kind("audititem", _("의회 지적사항"), audit_items))
register(Kind("reference", _("참고 연구"), references))
register(Kind("report", _("보고서"), reports))
register(Kind("programme", _("R&D 사업"), programmes))
register(Kind("call", _("R&D 공고"), calls))
