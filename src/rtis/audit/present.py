"""The change trail in the reader's words: field labels, choices, sources and amounts, not codes.

Events keep what the actions recorded (`{field: [old, new]}` by attribute name, codes, won);
this module only translates them for a page. Nothing here writes.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from rtis.audit.log import HIDDEN, SYSTEM_ACTOR_NAME
from rtis.audit.models import AuditEvent

# Fields that only say where a row hangs (ids): shown by the target, not as a change.
_STRUCTURAL = {"id", "plan_id", "node_id", "parent_id", "session_id", "period_id", "version",
               "position", "depth"}
# Model fields holding integer won.
_WON_SUFFIX = "_won"
# target_repr of a budget line or settled execution: "<code> <year> <source> …".
_REPR_WITH_SOURCE = {"plans.budgetline", "tracking.annualexecution"}


@dataclass
class Change:
    field: str
    label: str
    old: str
    new: str


@dataclass
class Entry:
    event: AuditEvent
    actor: str
    action: str
    target: str
    reason: str
    changes: list[Change] = field(default_factory=list)


def _reason(text: str) -> str:
    """Say in the reader's language why the system changed something (file names left out)."""
    if not text:
        return ""
    words = {
        "import": _("가져오기"),
        "seed": _("시드 자료 적재"),
        "admin": _("기준정보 관리 화면"),
        "approve": _("승인"),
        "plan replaced by import": _("가져오기로 계획을 바꿈"),
        "plan replaced by seed": _("시드 자료로 계획을 바꿈"),
        "session replaced by import": _("가져오기로 회기를 바꿈"),
    }
    if text in words:
        return words[text]
    head = text.split(" ", 1)[0]
    if head in {"import", "seed"} and re.search(r"\.(ya?ml|json|txt)\b", text):
        return words[head]
    lines = re.fullmatch(r"(\d+) budget lines", text)
    if lines:
        return _("소요예산 %(n)s건") % {"n": lines.group(1)}
    return text


def _model(target_type: str) -> type[models.Model] | None:
    try:
        return apps.get_model(target_type)
    except (LookupError, ValueError):
        return None


def _field(model: type[models.Model] | None, name: str) -> models.Field[Any, Any] | None:
    if model is None:
        return None
    for candidate in (name, name[:-3] if name.endswith("_id") else None):
        if not candidate:
            continue
        try:
            found = model._meta.get_field(candidate)
        except FieldDoesNotExist:
            continue
        if isinstance(found, models.Field):
            return found
    return None


def _fallback_labels() -> dict[str, str]:
    """Labels of fields that carry no verbose name of their own."""
    return {"year": _("연도"), "value": pgettext("history", "값"), "period": _("기간"), "note": _("비고"),
            "label": _("항목"), "role": _("역할"), "unit_as_printed": _("인쇄 단위"),
            "printed": _("인쇄된 표현"), "amount_won": _("금액(원)"), "published": _("공개"),
            "key": _("식별자"), "title": _("명칭"), "columns": _("열"), "rows": _("행"),
            "claims": _("검증 규칙"), "provenance": _("출처")}


def _label(model: type[models.Model] | None, name: str) -> str:
    found = _field(model, name)
    if found is not None and found.verbose_name and found.verbose_name != found.name.replace(
            "_", " "):
        return str(found.verbose_name)
    plain = name[:-3] if name.endswith("_id") else name
    return _fallback_labels().get(plain, _fallback_labels().get(name, name))


class _Names:
    """Funding source labels, read once per page."""

    def __init__(self) -> None:
        self._sources: dict[str, str] | None = None

    def source(self, code: object) -> str:
        if self._sources is None:
            from rtis.plans.models import FundingSource

            self._sources = {s.code: s.display_label for s in FundingSource.objects.all()}
        return self._sources.get(str(code), str(code))


def _value(model: type[models.Model] | None, name: str, value: Any, names: _Names) -> str:
    if value is None or value == "":
        return "∅"
    if value == HIDDEN:
        return pgettext("history", "(변경됨)")
    found = _field(model, name)
    if isinstance(value, bool):
        return pgettext("history", "예") if value else pgettext("history", "아니오")
    if name.endswith(_WON_SUFFIX) and isinstance(value, int):
        return _("%(amount)s원") % {"amount": f"{value:,}"}
    if found is not None and found.is_relation and found.related_model is not None and (
            found.related_model._meta.label_lower == "plans.fundingsource"):
        return names.source(value)
    if found is not None and found.choices:
        return str(dict(found.flatchoices).get(value, value))
    if name == "provenance" and isinstance(value, dict):
        from rtis.plans.sources import describe

        return describe(value) or "∅"
    if isinstance(value, list):
        return ", ".join(str(v) for v in value) or "∅"
    if isinstance(value, dict):
        return ", ".join(f"{k}: {v}" for k, v in value.items()) or "∅"
    return str(value)


def _target(event: AuditEvent, names: _Names) -> str:
    text = event.target_repr
    if event.target_type in _REPR_WITH_SOURCE:
        parts = text.split(" ")
        if len(parts) > 2:
            parts[2] = names.source(parts[2])
            text = " ".join(parts)
    return text


def present(events: Iterable[AuditEvent]) -> list[Entry]:
    """Turn audit events into entries a reader understands (one query for the source labels)."""
    names = _Names()
    entries = []
    for event in events:
        model = _model(event.target_type)
        kind = str(model._meta.verbose_name) if model is not None else ""
        target = _target(event, names)
        changes = []
        if event.action == "update":
            changes = [Change(name, _label(model, name), _value(model, name, pair[0], names),
                              _value(model, name, pair[1], names))
                       for name, pair in event.changes.items() if name not in _STRUCTURAL]
        entries.append(Entry(
            event=event,
            actor=pgettext("actor", "시스템") if event.actor_name == SYSTEM_ACTOR_NAME else event.actor_name,
            action=event.get_action_display(),
            target=f"{kind} {target}".strip() if kind else target,
            reason=_reason(event.reason),
            changes=changes,
        ))
    return entries
