"""HTML with print CSS: the report as a standalone page (fonts and styles inline, no network)."""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string

from rtis.lib.report_model import Paragraph, Report, TableBlock, format_number


def render_html(report: Report) -> bytes:
    """Render a standalone, printable HTML page."""
    sections = []
    for section in report.sections:
        blocks: list[dict[str, Any]] = []
        for block in section.blocks:
            if isinstance(block, Paragraph):
                blocks.append({"type": "p", "text": block.text, "style": block.style})
            elif isinstance(block, TableBlock):
                blocks.append({"type": "table", "table": block, "rows": [
                    {"style": row.style, "indent": min(max(row.indent, 0), 6), "cells": [
                        {"text": format_number(c, block.decimals_of(i)) if not isinstance(c, str)
                         else c, "numeric": (not isinstance(c, str) and block.decimals_of(i)
                         is not None) or isinstance(c, int)}
                        for i, c in enumerate(row.cells)]}
                    for row in block.rows]})
        sections.append({"heading": section.heading, "level": min(section.level + 1, 4),
                         "blocks": blocks})
    return render_to_string("reports/report.html",
                            {"report": report, "sections": sections}).encode("utf-8")
