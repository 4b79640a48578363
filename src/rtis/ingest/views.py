"""Table import pages for planners: upload, map, preview (with the checker), commit."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from rtis.ingest.models import ImportBatch
from rtis.ingest.staging import (
    do_commit_import,
    do_discard_import,
    do_set_import_mapping,
    do_stage_import,
    preview_import,
)
from rtis.lib.conflict import EditConflict
from rtis.lib.numbers import ascii_int, is_ascii_digits
from rtis.plans.access import require_planner
from rtis.plans.models import FundingSource, Plan
from rtis.web.language import in_language
from rtis.web.uploads import upload_problem

PREVIEW_ROWS = 60


def get_batch_for_user(user: Any, pk: int) -> ImportBatch:
    """Return a staged import a planner may see, or 404."""
    require_planner(user)
    batch = ImportBatch.objects.select_related("plan").filter(pk=pk).first()
    if batch is None:
        raise Http404(f"가져오기 {pk}이(가) 없습니다 / no import {pk}")
    return batch


@login_required
@require_http_methods(["GET", "POST"])
def import_index(request: HttpRequest) -> HttpResponse:
    require_planner(request.user)
    plans = list(Plan.objects.order_by("slug"))
    error = ""
    if request.method == "POST":
        from rtis.ingest.tables import TableImportError

        upload = request.FILES.get("file")
        plan = next((p for p in plans if p.slug == request.POST.get("plan")), None)
        if upload is None and upload_problem(request):
            error = upload_problem(request)
        elif upload is None or plan is None:
            error = _("계획과 파일(HWPX 또는 XLSX)을 고르십시오.")
        else:
            try:
                batch = do_stage_import(request.user, plan, upload.name or "upload",
                                        upload.read())
            except TableImportError as exc:
                error = str(exc)
            except ValidationError as exc:
                error = " ".join(exc.messages)
            else:
                return redirect("ingest:batch", pk=batch.pk)
    # The plan the planner came from (?plan=slug on the plan pages' links), kept after an error.
    chosen = request.POST.get("plan") or request.GET.get("plan", "")
    batches = ImportBatch.objects.select_related("plan", "created_by")[:30]
    return render(request, "ingest/index.html", {"plans": plans, "batches": batches,
                                                 "chosen": chosen, "error": error},
                  status=400 if error else 200)


def _mapping_from_post(batch: ImportBatch, post: Any) -> list[dict[str, Any]]:
    mapping = []
    for i, table in enumerate(batch.tables):
        rows = {str(r): post.get(f"t{i}_row_{r}", "") for r in range(len(table["cells"]))}
        width = max((len(row) for row in table["cells"]), default=0)
        columns = {str(c): post.get(f"t{i}_col_{c}", "") for c in range(width)}
        mapping.append({
            "table": i, "unit": post.get(f"t{i}_unit", "백만원"),
            "source": post.get(f"t{i}_source", "city"),
            "header_row": post.get(f"t{i}_header_row", 0) or 0,
            "label_column": post.get(f"t{i}_label_column", 0) or 0,
            "rows": {k: v for k, v in rows.items() if v},
            "columns": {k: v for k, v in columns.items() if is_ascii_digits(v.strip())},
        })
    return mapping


@login_required
@require_http_methods(["GET", "POST"])
def batch_detail(request: HttpRequest, pk: int) -> HttpResponse:
    batch = get_batch_for_user(request.user, pk)
    status = 200
    shown: list[dict[str, Any]] | None = None  # a refused mapping stays on the page as chosen
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "map":
                raw_version = request.POST.get("version", "")
                do_set_import_mapping(request.user, batch, _mapping_from_post(batch, request.POST),
                                      ascii_int(raw_version))
                messages.success(request, _("대응을 저장했습니다. 아래 검증 결과를 확인하십시오."))
            elif action == "commit":
                count = do_commit_import(request.user, batch)
                messages.success(request, _("소요예산 %(count)d건을 반영했습니다.") % {"count": count})
            elif action == "discard":
                do_discard_import(request.user, batch)
                messages.success(request, _("가져오기를 취소했습니다."))
            else:
                raise ValidationError({"action": f"알 수 없는 작업 '{action}' / unknown action"})
        except EditConflict as exc:
            messages.error(request, in_language(exc))
            status = 409
        except ValidationError as exc:
            messages.error(request, " ".join(in_language(m) for m in exc.messages))
            status = 400
        else:
            return redirect("ingest:batch", pk=batch.pk)
        batch.refresh_from_db()
        if action == "map":
            shown = _mapping_from_post(batch, request.POST)
    preview = preview_import(batch, request.user)
    nodes = list(batch.plan.nodes.order_by("position").values_list("code", "title"))
    tables = []
    for i, table in enumerate(batch.tables):
        chosen = batch.mapping if shown is None else shown
        mapping = chosen[i] if i < len(chosen) else {}
        width = max((len(row) for row in table["cells"]), default=0)
        tables.append({
            "index": i, "caption": table.get("caption") or table.get("sheet") or "",
            "width": range(width), "mapping": mapping,
            "columns": {int(k): v for k, v in mapping.get("columns", {}).items()},
            "rows": [{"index": r, "cells": row, "node": mapping.get("rows", {}).get(str(r), "")}
                     for r, row in enumerate(table["cells"][:PREVIEW_ROWS])],
            "more": max(len(table["cells"]) - PREVIEW_ROWS, 0)})
    return render(request, "ingest/batch.html", {
        "batch": batch, "tables": tables, "preview": preview, "nodes": nodes,
        "sources": list(FundingSource.objects.values_list("code", "label")),
        "units": ["원", "천원", "백만원", "억원"]}, status=status)
