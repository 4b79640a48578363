"""Renderers: the same Report as HTML, PDF, XLSX or HWPX bytes."""

from __future__ import annotations

from collections.abc import Callable

from rtis.lib.report_model import Report

FORMATS = {
    "html": ("text/html; charset=utf-8", "html"),
    "pdf": ("application/pdf", "pdf"),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"),
    "hwpx": ("application/hwp+zip", "hwpx"),
}


def renderer(fmt: str) -> Callable[[Report], bytes]:
    """Return the renderer of a format (imported lazily: each pulls its own library)."""
    if fmt == "html":
        from rtis.reports.render.html import render_html

        return render_html
    if fmt == "pdf":
        from rtis.reports.render.pdf import render_pdf

        return render_pdf
    if fmt == "xlsx":
        from rtis.reports.render.xlsx import render_xlsx

        return render_xlsx
    if fmt == "hwpx":
        from rtis.reports.render.hwpx import render_hwpx

        return render_hwpx
    raise ValueError(f"알 수 없는 형식 '{fmt}' (html, pdf, xlsx, hwpx) / unknown format '{fmt}'")
