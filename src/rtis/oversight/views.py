"""Council follow-up pages (read-only for now): the computed summary and every item."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from rtis.oversight.models import AuditItem, Category, Status
from rtis.oversight.queries import sessions_for_user, status_summary


@require_GET
def session_list(request: HttpRequest) -> HttpResponse:
    return render(request, "oversight/session_list.html",
                  {"sessions": sessions_for_user(request.user)})


@require_GET
def session_detail(request: HttpRequest, key: str) -> HttpResponse:
    session = sessions_for_user(request.user).filter(key=key).first()
    if session is None:
        raise Http404(f"의회 회기 '{key}'이(가) 없습니다 / no council session '{key}'")
    items = AuditItem.objects.filter(session=session).prefetch_related("departments")
    category = request.GET.get("category", "")
    status = request.GET.get("status", "")
    if category in Category.values:
        items = items.filter(category=category)
    if status in Status.values:
        items = items.filter(status=status)
    return render(request, "oversight/session_detail.html", {
        "session": session, "summary": status_summary(session), "items": items,
        "category": category, "status": status, "categories": Category.choices,
        "statuses": Status.choices, "printed": session.summary_table})
