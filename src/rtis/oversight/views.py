"""Council follow-up pages: the computed summary, every item, its updates and the overdue list."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from rtis.config import clock
from rtis.lib.conflict import EditConflict
from rtis.lib.numbers import ascii_int
from rtis.orgs.access import is_internal
from rtis.oversight import actions
from rtis.oversight.access import (
    can_edit_audit_item,
    get_audit_item_for_user,
    get_session_for_user,
    require_audit_item_editor,
)
from rtis.oversight.forms import AuditItemForm
from rtis.oversight.models import AuditItem, Category, CouncilSession, Status
from rtis.oversight.queries import (
    field_label,
    item_history,
    overdue_items,
    public_history,
    search_items,
    session_departments,
    sessions_for_user,
    status_summary,
)
from rtis.web.language import add_errors


@require_GET
def session_list(request: HttpRequest) -> HttpResponse:
    return render(request, "oversight/session_list.html",
                  {"sessions": sessions_for_user(request.user)})


ITEMS_PER_PAGE = 30


@require_GET
def session_detail(request: HttpRequest, key: str) -> HttpResponse:
    session = get_session_for_user(request.user, key)
    category = request.GET.get("category", "")
    status = request.GET.get("status", "")
    text = request.GET.get("q", "").strip()[:100]
    departments = session_departments(session)
    department_id, department_error = _chosen_department(request, {d.pk for d in departments})
    items = search_items(session, category=category, status=status, text=text,
                         department_id=department_id)
    page = Paginator(items, ITEMS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "oversight/session_detail.html", {
        "session": session, "summary": status_summary(session), "page": page,
        "items": page.object_list, "category": category if category in Category.values else "",
        "status": status if status in Status.values else "", "q": text,
        "departments": departments, "department_id": department_id,
        "errors": [department_error] if department_error else [],
        "filtered": bool(category or status or text or department_id),
        "categories": Category.choices, "statuses": Status.choices,
        "printed": session.summary_table}, status=400 if department_error else 200)


def _item_form(item: AuditItem) -> AuditItemForm:
    return AuditItemForm(initial={"status": item.status, "actions": item.actions,
                                  "next_steps": item.next_steps, "due_on": item.due_on,
                                  "version": item.version})


def _conflict_rows(conflict: EditConflict | None) -> list[dict[str, Any]]:
    """Pair each value now stored with its field's label, for the conflict notice."""
    if conflict is None:
        return []
    return [{"field": field, "label": field_label(field), "value": value}
            for field, value in conflict.current.items()]


def _item_page(request: HttpRequest, session: CouncilSession, item: AuditItem, *,
               form: AuditItemForm | None = None, conflict: EditConflict | None = None,
               status: int = 200) -> HttpResponse:
    can_edit = can_edit_audit_item(request.user, item)
    return render(request, "oversight/item_detail.html", {
        "session": session, "item": item, "departments": list(item.departments.all()),
        "history": item_history(item) if is_internal(request.user) else [],
        "public_history": [] if is_internal(request.user) else public_history(item),
        "staff": is_internal(request.user),
        "can_edit": can_edit, "form": (form or _item_form(item)) if can_edit else None,
        "conflict": conflict, "conflict_rows": _conflict_rows(conflict),
    }, status=status)


@require_GET
def item_detail(request: HttpRequest, key: str, category: str, number: int) -> HttpResponse:
    session = get_session_for_user(request.user, key)
    item = get_audit_item_for_user(request.user, session, category, number)
    return _item_page(request, session, item)


@login_required
@require_POST
def item_edit(request: HttpRequest, key: str, category: str, number: int) -> HttpResponse:
    session = get_session_for_user(request.user, key)
    item = get_audit_item_for_user(request.user, session, category, number)
    require_audit_item_editor(request.user, item)
    form = AuditItemForm(request.POST)
    conflict = None
    if form.is_valid():
        data = form.cleaned_data
        try:
            actions.do_update_audit_item(
                request.user, item, data["version"], status=data["status"],
                actions=data["actions"], next_steps=data["next_steps"], due_on=data["due_on"])
        except EditConflict as exc:
            conflict = exc
            # Keep the editor's text, but let the next save target the version now stored.
            form = AuditItemForm({**request.POST.dict(), "version": exc.current_version})
            item.refresh_from_db()
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("저장했습니다."))
            return redirect("oversight:item", key=session.key, category=item.category,
                            number=item.number)
    return _item_page(request, session, item, form=form, conflict=conflict,
                      status=409 if conflict else 400)


def _reference_day(request: HttpRequest) -> tuple[dt.date, str]:
    """Return the day asked for (?on=YYYY-MM-DD) or today, and an error if it is malformed."""
    raw = request.GET.get("on", "")
    if not raw:
        return clock.today(), ""
    try:
        return dt.date.fromisoformat(raw), ""
    except ValueError:
        return clock.today(), (f"on: '{raw}'은(는) 날짜(YYYY-MM-DD)가 아닙니다 / "
                                      f"on: '{raw}' is not a date (YYYY-MM-DD)")


def _chosen_department(request: HttpRequest, known: set[int]) -> tuple[int | None, str]:
    """Return the department asked for (?department=id), and an error if it is not one listed."""
    raw = request.GET.get("department", "")
    if not raw:
        return None, ""
    chosen = ascii_int(raw)
    if chosen is not None and chosen in known:
        return chosen, ""
    return None, (f"department: '{raw}'은(는) 이 회기 지적사항의 부서가 아닙니다 / "
                  f"department: '{raw}' is not a department of this session's items")


@require_GET
def overdue(request: HttpRequest, key: str) -> HttpResponse:
    session = get_session_for_user(request.user, key)
    day, day_error = _reference_day(request)
    departments = session_departments(session)
    department_id, department_error = _chosen_department(request, {d.pk for d in departments})
    errors = [e for e in (day_error, department_error) if e]
    return render(request, "oversight/overdue.html", {
        "session": session, "day": day, "rows": overdue_items(session, day, department_id),
        "departments": departments, "department_id": department_id, "errors": errors,
    }, status=400 if errors else 200)
