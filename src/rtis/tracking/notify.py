"""Reminders: in-app notifications plus e-mail through Django's mail backend.

A notification is keyed per user (`Notification.key`), so running the reminder job twice on
the same day, or returning an entry that was already announced, never sends twice. Mail is
sent after the transaction commits: a rolled-back return sends nothing.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from rtis.config import clock
from rtis.lib.korean import josa
from rtis.orgs.models import Role, User
from rtis.plans.access import owning_department_ids
from rtis.plans.models import Node
from rtis.tracking.models import (
    ApprovalEntry,
    ExecutionRecord,
    ExecutionStatus,
    IndicatorReport,
    Milestone,
    Notification,
    NotificationKind,
    PeriodKind,
    PeriodState,
    ReportingPeriod,
    TrackingSettings,
)

log = logging.getLogger("rtis.tracking")

SUBJECT_PREFIX = "[서울 RTIS] "


def _officers_of(department_ids: Iterable[int]) -> list[User]:
    return list(User.objects.filter(is_active=True, role=Role.OFFICER,
                                    departments__in=list(department_ids)).distinct())


def _planners() -> list[User]:
    return list(User.objects.filter(is_active=True).filter(
        Q(role__in=[Role.PLANNER, Role.ADMIN]) | Q(is_superuser=True)).distinct())


def notify(users: Iterable[User], kind: str, key: str, message: str, url: str = "",
           *, email: bool = True) -> list[Notification]:
    """Create one notification per user for `key` (once ever) and mail those with an address."""
    created = []
    for user in users:
        note, is_new = Notification.objects.get_or_create(
            user=user, key=key, defaults={"kind": kind, "message": message, "url": url})
        if is_new:
            created.append(note)
    if email:
        mailable = [n for n in created if n.user.email]
        if mailable:
            transaction.on_commit(lambda: _mail([n.pk for n in mailable]))
    return created


def _mail(notification_ids: list[int]) -> None:
    base = getattr(settings, "RTIS_BASE_URL", "")
    for note in Notification.objects.filter(pk__in=notification_ids).select_related("user"):
        body = note.message + (f"\n\n{base}{note.url}" if note.url else "")
        try:
            send_mail(SUBJECT_PREFIX + note.get_kind_display(), body, None, [note.user.email])
        except OSError:  # a mail server that is down must not lose the in-app reminder
            log.exception("reminder mail to %s failed", note.user.email)
            continue
        Notification.objects.filter(pk=note.pk).update(emailed_at=timezone.now())


def entry_label(entry: ApprovalEntry) -> str:
    """Return what an entry is, in words: "2-1-1 2019-07 집행실적"."""
    node = entry.owner_node()
    if isinstance(entry, IndicatorReport):
        return f"{node.code} {entry.indicator.name} {entry.period.label} 실적"
    if isinstance(entry, Milestone):
        return f"{node.code} {entry.period.label} 추진일정"
    return f"{node.code} {entry.period.label} 집행실적"


def entry_url(entry: ApprovalEntry) -> str:
    node = entry.owner_node()
    param = ("iperiod" if isinstance(entry, IndicatorReport)
             else "mperiod" if isinstance(entry, Milestone) else "period")
    return (reverse("tracking:node", args=[node.plan.slug, node.code])
            + f"?{param}={entry.period_id}")


def entry_returned(entry: ApprovalEntry, comment: str) -> None:
    """Tell the owning department's officers that an entry came back, with the comment."""
    node = entry.owner_node()
    officers = _officers_of(owning_department_ids(node))
    key = f"returned:{entry._meta.label_lower}:{entry.pk}:{entry.version}"
    notify(officers, NotificationKind.RETURNED, key,
           f"{entry_label(entry)}{josa(entry_label(entry), '이가')} 반려되었습니다: {comment}", entry_url(entry))


def entry_approved(entry: ApprovalEntry) -> None:
    """Tell the owning department's officers, in the app (no mail), that an entry was approved."""
    node = entry.owner_node()
    officers = _officers_of(owning_department_ids(node))
    key = f"approved:{entry._meta.label_lower}:{entry.pk}:{entry.version}"
    notify(officers, NotificationKind.APPROVED, key, f"승인되었습니다: {entry_label(entry)}",
           entry_url(entry), email=False)


def entry_submitted(entry: ApprovalEntry) -> None:
    """Put a submitted entry in the planners' in-app list (no mail: they see the queue)."""
    key = f"submitted:{entry._meta.label_lower}:{entry.pk}:{entry.version}"
    notify(_planners(), NotificationKind.SUBMITTED, key,
           f"{entry_label(entry)} 결재 요청이 있습니다", reverse("tracking:approvals"),
           email=False)


# --- due-date reminders -------------------------------------------------------------------------


@dataclass(frozen=True)
class Missing:
    """What a department still owes for a period: how many entries are not yet submitted."""

    period: ReportingPeriod
    department_id: int
    count: int


def _owned_leaf_units(plan_id: int) -> dict[int, set[int]]:
    """Return unit project (leaf) id → owning department ids, ownership flowing down the tree."""
    nodes = list(Node.objects.filter(plan_id=plan_id).prefetch_related("department_roles"))
    by_id = {n.pk: n for n in nodes}
    parents_with_children = {n.parent_id for n in nodes if n.parent_id}
    result: dict[int, set[int]] = {}
    for node in nodes:
        if node.pk in parents_with_children:
            continue
        owners: set[int] = set()
        current: Node | None = node
        while current is not None:
            owners |= {r.department_id for r in current.department_roles.all()
                       if r.role == "owner"}
            current = by_id.get(current.parent_id) if current.parent_id else None
        result[node.pk] = owners
    return result


def missing_execution(period: ReportingPeriod) -> list[Missing]:
    """Count, per owning department, unit projects with no submitted/approved record."""
    if period.kind != _execution_kind(period.plan_id):
        return []
    done = set(ExecutionRecord.objects.filter(
        period=period, status__in=[ExecutionStatus.SUBMITTED, ExecutionStatus.APPROVED])
        .values_list("node_id", flat=True))
    counts: dict[int, int] = {}
    for unit, owners in _owned_leaf_units(period.plan_id).items():
        if unit in done:
            continue
        for department in owners:
            counts[department] = counts.get(department, 0) + 1
    return [Missing(period, d, c) for d, c in sorted(counts.items())]


def _execution_kind(plan_id: int) -> str:
    conf = TrackingSettings.objects.filter(plan_id=plan_id).first()
    return conf.execution_period if conf else PeriodKind.MONTH


def send_due_reminders(today: dt.date | None = None) -> int:
    """Remind officers of open periods due within the plan's reminder days, and of overdue ones.

    Returns the number of notifications created (0 when run again the same day).
    """
    today = today or clock.today()
    created = 0
    periods = (ReportingPeriod.objects.filter(state=PeriodState.OPEN)
               .select_related("plan").order_by("due_on"))
    reminder_days = dict(TrackingSettings.objects.values_list("plan_id", "reminder_days"))
    for period in periods:
        days_left = (period.due_on - today).days
        ahead = reminder_days.get(period.plan_id, TrackingSettings().reminder_days)
        if days_left > ahead:
            continue
        overdue = days_left < 0
        for item in missing_execution(period):
            kind = NotificationKind.OVERDUE if overdue else NotificationKind.DUE_SOON
            when = (f"기한({period.due_on})이 {-days_left}일 지났습니다" if overdue
                    else f"기한은 {period.due_on}입니다(D-{days_left})")
            message = (f"{period.plan.title} {period.label} 집행실적 {item.count}건이 "
                       f"아직 결재 요청되지 않았습니다. {when}.")
            key = f"{kind}:{period.pk}:{item.department_id}"
            created += len(notify(_officers_of([item.department_id]), kind, key, message,
                                  reverse("tracking:my_work")))
    return created


def unread_count(user: Any) -> int:
    if not getattr(user, "is_authenticated", False):
        return 0
    return Notification.objects.filter(user=user, read_at__isnull=True).count()
