"""The search page: results the reader may see, grouped by kind, with the match marked."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from rtis.search.queries import SearchInputError, parse_request, search
from rtis.search.registry import KINDS


@require_GET
def search_page(request: HttpRequest) -> HttpResponse:
    params = {name: request.GET.get(name, "") for name in request.GET}
    try:
        wanted = parse_request(params)
    except SearchInputError as exc:
        q = request.GET.get("q", "")
        return render(request, "search/results.html", {
            "error": str(exc), "q": q[:200] if "\ufffd" not in q else "", "results": None,
            "kinds": KINDS}, status=400)
    results = search(request.user, wanted) if wanted.q else None
    group = results.groups[0] if results and wanted.kind and results.groups else None
    pages = 0
    if group is not None:
        pages = -(-group.count // wanted.per_page)
    return render(request, "search/results.html", {
        "q": wanted.q, "kind": wanted.kind, "results": results, "group": group,
        "page": wanted.page, "pages": pages, "has_next": wanted.page < pages,
        "has_previous": wanted.page > 1, "kinds": KINDS})
