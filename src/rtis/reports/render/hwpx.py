"""Render a Report as an HWPX document (한/글), with python-hwpx.

The document is built from python-hwpx's blank skeleton (`HwpxDocument.new()`):

- title block: organisation, title (large, bold), subtitle, "(YYYY.MM.DD. 기준)", centred;
- section headings: bold 바탕글 paragraphs sized by level. The 개요 1–3 styles are not used on
  purpose: 한/글 numbers them itself ("1.", "가."), and our headings carry their own numbers
  ("Ⅰ.", "1."), so they would print twice;
- body text in 바탕글, bullets "○ ", notes "※ " (smaller);
- each table: its caption (bold), the unit line right-aligned above it
  (`TableBlock.unit_caption`), a shaded bold header row repeated on every page, cells formatted
  with `format_number` and the column's decimals (numbers right-aligned), subtotal rows bold,
  total rows bold and shaded, and the footnote below ("주: ...").

Deterministic: the same Report gives byte-identical bytes. python-hwpx gives every new paragraph
and table a random id (uuid4); they are renumbered in document order before saving. The ZIP
entries keep the skeleton's fixed timestamps, and the package metadata (creator, dates) is set
from the report (dates = the report's as-of date), never from the clock.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from hwpx import HwpxDocument

from rtis.lib.report_model import Paragraph, Report, Row, Section, TableBlock, format_number

__all__ = ["render_hwpx"]

BODY_STYLE = "바탕글"

_HEADING_SIZES = {1: 15, 2: 13, 3: 11}  # points; body text is 10pt
_HEADING_SPACE_BEFORE = {1: 12, 2: 8, 3: 6}
_HEADER_SHADE = "#D9E1F2"
_TOTAL_SHADE = "#F2F2F2"
_INDENT_MM = 3.0  # label indent per Row.indent level
_PREFIX = {"body": "", "bullet": "○ ", "note": "※ "}


class _Styles:
    """The character shapes the report uses, minted once per document (ids are deterministic)."""

    def __init__(self, doc: HwpxDocument) -> None:
        ensure = doc.styles.ensure_run
        self.organisation = ensure(bold=True, size=12)
        self.title = ensure(bold=True, size=18)
        self.subtitle = ensure(size=12)
        self.headings = {level: ensure(bold=True, size=size)
                         for level, size in _HEADING_SIZES.items()}
        self.bold = ensure(bold=True)
        self.small = ensure(size=9)


class _Formats:
    """Paragraph formats gathered while writing and applied at the end.

    python-hwpx looks for an equal paragraph shape for every paragraph it formats, which is slow
    on big tables; paragraphs with the same shape and the same format share the shape minted for
    the first of them.
    """

    def __init__(self) -> None:
        self.groups: dict[tuple[Any, ...], list[Any]] = {}

    def add(self, paragraph: Any, **options: Any) -> None:
        key = (paragraph.para_pr_id_ref, *sorted(options.items()))
        self.groups.setdefault(key, []).append(paragraph)

    def apply(self, doc: HwpxDocument) -> None:
        for (_, *options), paragraphs in self.groups.items():
            first, *others = paragraphs
            doc.styles.apply_paragraph_format(paragraphs=[first], **dict(options))
            for paragraph in others:
                paragraph.para_pr_id_ref = first.para_pr_id_ref


def render_hwpx(report: Report) -> bytes:
    """The report as an .hwpx file (bytes); the same report always gives the same bytes."""
    doc = HwpxDocument.new()
    try:
        styles = _Styles(doc)
        formats = _Formats()
        _title_block(doc, report, styles, formats)
        for section in report.sections:
            _section(doc, section, styles, formats)
        formats.apply(doc)
        _renumber_ids(doc)
        _set_metadata(doc, report)
        return doc.to_bytes()
    finally:
        doc.close()


def _add(doc: HwpxDocument, text: str, char_pr: str | None = None) -> Any:
    return doc.add_paragraph(text, style=BODY_STYLE, char_pr_id_ref=char_pr)


def _title_block(doc: HwpxDocument, report: Report, styles: _Styles, formats: _Formats) -> None:
    # The skeleton's first paragraph holds the section settings: it takes the first line.
    first = doc.paragraphs[0]
    first.text = report.organisation
    first.char_pr_id_ref = styles.organisation
    formats.add(first, alignment="CENTER")
    title = _add(doc, report.title, styles.title)
    formats.add(title, alignment="CENTER", spacing_before_pt=6, spacing_after_pt=4)
    if report.subtitle:
        formats.add(_add(doc, report.subtitle, styles.subtitle), alignment="CENTER")
    as_of = _add(doc, f"({report.as_of:%Y.%m.%d.} 기준)")
    formats.add(as_of, alignment="CENTER", spacing_after_pt=12)


def _section(doc: HwpxDocument, section: Section, styles: _Styles, formats: _Formats) -> None:
    level = min(max(section.level, 1), 3)
    heading = _add(doc, section.heading, styles.headings[level])
    formats.add(heading, spacing_before_pt=_HEADING_SPACE_BEFORE[level], spacing_after_pt=4,
                keep_with_next=True)
    for block in section.blocks:
        if isinstance(block, Paragraph):
            _paragraph(doc, block, styles)
        else:
            _table(doc, block, styles, formats)


def _paragraph(doc: HwpxDocument, paragraph: Paragraph, styles: _Styles) -> None:
    prefix = _PREFIX.get(paragraph.style, "")
    _add(doc, prefix + paragraph.text, styles.small if paragraph.style == "note" else None)


def _table(doc: HwpxDocument, block: TableBlock, styles: _Styles, formats: _Formats) -> None:
    if block.caption:
        caption = _add(doc, block.caption, styles.bold)
        formats.add(caption, spacing_before_pt=6, keep_with_next=True)
    if block.unit_caption:
        unit = _add(doc, block.unit_caption, styles.small)
        formats.add(unit, alignment="RIGHT", keep_with_next=True)

    n_cols = max(len(block.columns), max((len(r.cells) for r in block.rows), default=0), 1)
    table = doc.add_table(1 + len(block.rows), n_cols)
    numeric = [block.decimals_of(i) is not None for i in range(n_cols)]
    table.set_column_widths([1 if numeric[i] else 2 for i in range(n_cols)])
    rows = table.rows  # physical rows; a new table has no merged cells

    # Header row: bold, centred, shaded, repeated at the top of every page.
    table.element.set("repeatHeader", "1")
    header_texts = [*block.columns, *[""] * (n_cols - len(block.columns))]
    for col, cell in enumerate(rows[0].cells):
        _fill(cell, header_texts[col], styles.bold)
        cell.element.set("header", "1")
        formats.add(cell.paragraphs[0], alignment="CENTER")
    shading = _Shading(table)
    shading.shade(0, rows[0].cells, _HEADER_SHADE)

    for index, row in enumerate(block.rows, start=1):
        _row(rows[index].cells, row, block, numeric, styles, formats)
        if row.style == "total":
            shading.shade(index, rows[index].cells, _TOTAL_SHADE)

    if block.footnote:
        _add(doc, f"주: {block.footnote}", styles.small)


def _row(cells: list[Any], row: Row, block: TableBlock, numeric: list[bool], styles: _Styles,
         formats: _Formats) -> None:
    emphasised = row.style in ("subtotal", "total")
    for col, cell in enumerate(cells):
        value = row.cells[col] if col < len(row.cells) else ""
        _fill(cell, format_number(value, block.decimals_of(col)),
              styles.bold if emphasised else None)
        paragraph = cell.paragraphs[0]
        if numeric[col]:
            formats.add(paragraph, alignment="RIGHT")
        elif col == 0 and row.indent > 0:
            formats.add(paragraph, indent_left_mm=_INDENT_MM * row.indent)


class _Shading:
    """Shades whole rows of one table: python-hwpx shades the first cell of a colour, and the
    other cells take the same border fill (every cell of a new table starts from the same one)."""

    def __init__(self, table: Any) -> None:
        self.table = table
        self.fills: dict[str, str] = {}

    def shade(self, row: int, cells: list[Any], colour: str) -> None:
        if colour not in self.fills:
            self.table.set_cell_shading(row, 0, colour)
            self.fills[colour] = cells[0].element.get("borderFillIDRef")
        for cell in cells:
            cell.element.set("borderFillIDRef", self.fills[colour])
        self.table.mark_dirty()


def _fill(cell: Any, text: str, char_pr: str | None) -> None:
    cell.text = text
    if char_pr is not None:
        cell.paragraphs[0].char_pr_id_ref = char_pr


def _iter_elements(root: Any) -> Iterable[tuple[str, Any]]:
    for element in root.iter():
        tag = element.tag
        if isinstance(tag, str):  # comments and processing instructions have no name
            yield tag.rsplit("}", 1)[-1], element


def _renumber_ids(doc: HwpxDocument) -> None:
    """Replace python-hwpx's random paragraph and table ids by their order in the document."""
    counters = {"p": 0, "tbl": 0}
    for section in doc.sections:
        for name, element in _iter_elements(section.element):
            if name in counters and element.get("id") is not None:
                element.set("id", str(counters[name]))
                counters[name] += 1
        section.mark_dirty()


def _set_metadata(doc: HwpxDocument, report: Report) -> None:
    """Package metadata from the report, dated by its as-of date (never the clock)."""
    stamp = f"{report.as_of:%Y-%m-%d}T00:00:00Z"
    doc.parts.clear_document_metadata(keep=("title", "language"), timestamp=stamp)
    doc.parts.set_document_metadata(title=report.title, creator=report.organisation,
                                     subject=report.subtitle or report.title,
                                     created_date=stamp, modified_date=stamp)
