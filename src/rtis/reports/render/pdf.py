"""Render a Report (rtis.lib.report_model) as a PDF, the way Seoul's printed reports look.

A4 portrait (a table too wide for it gets landscape pages), NanumGothic embedded as a TrueType
subset so Korean text can be selected and extracted, a title block, numbered headings, "○" bullets
and "※" notes, tables with their caption and unit line above, the header row repeated on every
page the table spans, a footnote below, and "- N / M -" page numbers.

The output is deterministic: the same Report gives the same bytes (the creation date is the
report's as-of date; the file identifier is a hash of the content).
"""

from __future__ import annotations

import datetime as dt
import logging
import unicodedata
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from fpdf import FPDF, FontFace
from fpdf.enums import (
    Align,
    MethodReturnValue,
    TableBordersLayout,
    VAlign,
    WrapMode,
    XPos,
    YPos,
)
from fpdf.errors import FPDFException
from fpdf.fonts import TTFFont

from rtis.lib.report_model import (
    Paragraph,
    Report,
    Row,
    Section,
    TableBlock,
    Value,
    format_number,
)

__all__ = ["render_pdf"]

FONT_DIR = Path(__file__).resolve().parent.parent / "fonts"
FAMILY = "NanumGothic"

# Page geometry (mm) and type sizes (pt).
MARGIN_X = 20.0
MARGIN_TOP = 20.0
MARGIN_BOTTOM = 20.0
FOOTER_Y = -13.0
BODY_SIZE = 11.0
NOTE_SIZE = 9.5
TABLE_SIZE = 9.0
MIN_TABLE_SIZE = 6.0
HEADING_SIZES = {1: 14.0, 2: 12.0, 3: 11.0}
HEADING_INDENT = {1: 0.0, 2: 2.0, 3: 4.0}
BODY_INDENT = 3.0
LINE_FACTOR = 1.6  # line height = font size × factor
PT = 25.4 / 72  # one point in mm
NB_ALIAS = "{nb}"  # replaced by the page count when the document is closed

# Tables.
CELL_PAD_X = 1.6
CELL_PAD_Y = 1.1
INDENT_STEP = 3.5  # mm per Row.indent level
MAX_INDENT = 6  # deeper levels print at this depth
TEXT_COLUMN_CAP = 70.0  # a text column's natural width is at most this (it wraps beyond)
TEXT_COLUMN_MIN = 14.0  # ...and its narrowest width, unless its content is narrower
LABEL_BONUS = 1.25  # the first (label) column gets this much more than its content needs
HEADER_FILL = (221, 225, 232)
TOTAL_FILL = (232, 232, 232)
SUBTOTAL_FILL = (244, 244, 244)
RULE_GREY = 90


class _QuietSubsetting(logging.Filter):
    """Drop fontTools' notes that NanumGothic's hinting-source tables (TSI*) are not subset."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "NOT subset" not in record.getMessage()


_SUBSET_LOGGER = logging.getLogger("fontTools.subset")
if not any(isinstance(f, _QuietSubsetting) for f in _SUBSET_LOGGER.filters):
    _SUBSET_LOGGER.addFilter(_QuietSubsetting())


@dataclass(frozen=True)
class _TableLayout:
    """How a table is printed: on which pages, in what type, in which column groups.

    A table normally is one group of all its columns. One too wide even for landscape pages in
    small type is printed as several tables, each repeating the label column.
    """

    orientation: str  # "P" or "L"
    font_size: float
    groups: list[list[int]]  # column indices of each printed part
    widths: list[list[float]]  # and their widths (mm)


class _Document(FPDF):
    """FPDF with the footer this report style needs, and text widths measured once."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._string_widths: dict[tuple[str, str, str, float], float] = {}

    def string_width(self, text: str) -> float:
        """`get_string_width` of the current font, remembered: the same texts are measured for
        each type size a table is tried in, and for the bound of a row's lines."""
        key = (text, self.font_family, self.font_style, self.font_size_pt)
        width = self._string_widths.get(key)
        if width is None:
            width = self._string_widths[key] = self.get_string_width(text)
        return width

    def footer(self) -> None:
        self.set_y(FOOTER_Y)
        self.set_font(FAMILY, "", 9)
        self.set_text_color(60)
        self.cell(0, 5, f"- {self.page_no()} / {NB_ALIAS} -", align=Align.C)
        self.set_text_color(0)


def render_pdf(report: Report) -> bytes:
    """Return the report as PDF bytes; the same Report always gives the same bytes."""
    pdf = _new_document(report)
    layouts = {id(t): _table_layout(pdf, t) for t in report.tables()}
    pdf.add_page(orientation="P")
    _title_block(pdf, report)
    for section in report.sections:
        _section(pdf, section, layouts)
    return bytes(pdf.output())


# --- document -------------------------------------------------------------------------------


def _new_document(report: Report) -> _Document:
    pdf = _Document(orientation="P", unit="mm", format="A4")
    pdf.add_font(FAMILY, "", str(FONT_DIR / "NanumGothic.ttf"))
    pdf.add_font(FAMILY, "B", str(FONT_DIR / "NanumGothicBold.ttf"))
    for key, font in pdf.fonts.items():
        if isinstance(font, TTFFont):
            pdf.fonts[key] = _MeasuredFont.of(font)
    pdf.set_margins(MARGIN_X, MARGIN_TOP, MARGIN_X)
    pdf.set_auto_page_break(True, margin=MARGIN_BOTTOM)
    pdf.set_creation_date(dt.datetime.combine(report.as_of, dt.time(0), tzinfo=dt.UTC))
    pdf.set_title(_clean(report.title))
    if report.subtitle:
        pdf.set_subject(_clean(report.subtitle))
    pdf.set_author(_clean(report.organisation))
    pdf.set_creator("Seoul RTIS")
    pdf.set_lang("ko-KR")
    pdf.set_display_mode("fullwidth")
    pdf.alias_nb_pages(NB_ALIAS)
    pdf.set_font(FAMILY, "", BODY_SIZE)
    return pdf


class _MeasuredFont(TTFFont):
    """A font that remembers the width of each text it measured, at each size.

    fpdf's line breaker measures a cell's text again from the line's start at every character
    (a line of n characters costs n²), and a table cell is laid out three times: our dry run
    for tall rows, fpdf's to size the row, and the drawing. A text's width at a size never
    changes, so the second and third layouts, and every repeated text, are dictionary lookups.
    The widths are the font's own: the PDF is the same, byte for byte.
    """

    __slots__ = ("_widths",)
    _widths: dict[tuple[str, float], tuple[int, float]]

    @classmethod
    def of(cls, font: TTFFont) -> _MeasuredFont:
        measured = cls.__new__(cls)
        for name in TTFFont.__slots__:
            if hasattr(font, name):
                setattr(measured, name, getattr(font, name))
        measured._widths = {}
        return measured

    def get_text_width(self, text: str, font_size_pt: float,
                       text_shaping_params: dict[str, Any] | None) -> tuple[int, float]:
        if text_shaping_params:  # shaped text is not measured by characters: not remembered
            return super().get_text_width(text, font_size_pt, text_shaping_params)
        key = (text, font_size_pt)
        width: tuple[int, float] | None = self._widths.get(key)
        if width is None:
            width = self._widths[key] = super().get_text_width(text, font_size_pt,
                                                               text_shaping_params)
        return width


# Characters Korean documents use that NanumGothic has no glyph for, and what to print instead.
SUBSTITUTES = {"\u2024": "·"}  # ONE DOT LEADER, as in "구축․운영" → MIDDLE DOT


def _clean(text: object) -> str:
    """Text safe to typeset: control characters (but newlines) become spaces."""
    out = []
    for ch in str(text).replace("\r\n", "\n"):
        ch = SUBSTITUTES.get(ch, ch)
        if ch == "\n":
            out.append(ch)
        elif unicodedata.category(ch) in ("Cc", "Cs", "Co", "Cn"):
            out.append(" ")
        else:
            out.append(ch)
    return "".join(out)


def _line(size: float) -> float:
    return size * PT * LINE_FACTOR


def _ensure_orientation(pdf: FPDF, orientation: str) -> None:
    if pdf.cur_orientation.value != orientation:
        pdf.add_page(orientation=orientation)


def _title_block(pdf: FPDF, report: Report) -> None:
    width = pdf.epw
    pdf.set_text_color(70)
    pdf.set_font(FAMILY, "", 11)
    pdf.cell(width, 6, _clean(report.organisation), align=Align.C,
             new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_text_color(0)
    pdf.ln(3)
    # The title between a thick and a thin rule, as on a Seoul report's cover box.
    pdf.set_draw_color(0)
    pdf.set_line_width(0.8)
    pdf.line(pdf.l_margin, pdf.y, pdf.l_margin + width, pdf.y)
    pdf.ln(4)
    pdf.set_font(FAMILY, "B", 20)
    pdf.multi_cell(width, 10, _clean(report.title), align=Align.C,
                   new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    if report.subtitle:
        pdf.ln(1)
        pdf.set_font(FAMILY, "", 12)
        pdf.multi_cell(width, 7, _clean(report.subtitle), align=Align.C,
                       new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(3)
    pdf.set_line_width(0.3)
    pdf.line(pdf.l_margin, pdf.y, pdf.l_margin + width, pdf.y)
    pdf.ln(2)
    pdf.set_font(FAMILY, "", 11)
    pdf.cell(width, 6, _as_of_text(report.as_of), align=Align.R,
             new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_line_width(0.2)
    pdf.ln(6)


def _as_of_text(day: dt.date) -> str:
    return f"{day.year}. {day.month}. {day.day}. 기준"


# --- sections and paragraphs ----------------------------------------------------------------


def _section(pdf: _Document, section: Section, layouts: dict[int, _TableLayout]) -> None:
    first = section.blocks[0] if section.blocks else None
    orientation = layouts[id(first)].orientation if isinstance(first, TableBlock) else "P"
    _ensure_orientation(pdf, orientation)
    _heading(pdf, section.heading, section.level)
    for block in section.blocks:
        if isinstance(block, Paragraph):
            _ensure_orientation(pdf, "P")
            _paragraph(pdf, block)
        else:
            _table(pdf, block, layouts[id(block)])


def _heading(pdf: FPDF, text: str, level: int) -> None:
    level = min(max(level, 1), 3)
    size = HEADING_SIZES[level]
    line = _line(size)
    space_before = {1: 5.0, 2: 3.5, 3: 2.5}[level]
    # Keep a heading with at least a couple of lines of what follows it.
    if pdf.will_page_break(space_before + line + 3 * _line(BODY_SIZE)):
        pdf.add_page(orientation=pdf.cur_orientation.value)
    elif pdf.y > pdf.t_margin + 0.1:
        pdf.ln(space_before)
    pdf.set_font(FAMILY, "B", size)
    indent = HEADING_INDENT[level]
    pdf.set_x(pdf.l_margin + indent)
    pdf.multi_cell(pdf.epw - indent, line, _clean(text), align=Align.L, new_x=XPos.LMARGIN,
                   new_y=YPos.NEXT)
    pdf.ln(1.0)


_MARKERS = {"bullet": "○", "note": "※"}


def _paragraph(pdf: FPDF, paragraph: Paragraph) -> None:
    text = _clean(paragraph.text).strip()
    size = NOTE_SIZE if paragraph.style == "note" else BODY_SIZE
    line = _line(size)
    pdf.set_font(FAMILY, "", size)
    left = pdf.l_margin + BODY_INDENT + (2.0 if paragraph.style == "note" else 0.0)
    width = pdf.l_margin + pdf.epw - left
    marker = _MARKERS.get(paragraph.style)
    if marker:
        if text.startswith(marker):
            text = text[len(marker):].lstrip()
        prefix = f"{marker} "
        hang = pdf.get_string_width(prefix)
        if pdf.will_page_break(line):
            pdf.add_page(orientation=pdf.cur_orientation.value)
        pdf.set_x(left)
        if paragraph.style == "note":
            pdf.set_text_color(50)
        pdf.cell(hang, line, prefix)
        pdf.multi_cell(width - hang, line, text, align=Align.L, new_x=XPos.LMARGIN,
                       new_y=YPos.NEXT)
        pdf.set_text_color(0)
    else:
        pdf.set_x(left)
        pdf.multi_cell(width, line, text, align=Align.L, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(1.2)


# --- tables ---------------------------------------------------------------------------------


def _normalised(table: TableBlock) -> tuple[list[str], list[Row], int]:
    """Header and rows padded to the same number of columns."""
    n = max([len(table.columns), *(len(r.cells) for r in table.rows)])
    header = [_clean(c) for c in table.columns] + [""] * (n - len(table.columns))
    rows = [Row(list(r.cells) + [""] * (n - len(r.cells)), r.style, r.indent) for r in table.rows]
    return header, rows, n


def _is_number(value: Value) -> bool:
    return isinstance(value, (int, Decimal)) and not isinstance(value, bool)


def _cell_text(table: TableBlock, column: int, value: Value) -> str:
    return _clean(format_number(value, table.decimals_of(column)))


def _numeric_column(table: TableBlock, rows: list[Row], column: int) -> bool:
    if table.decimals_of(column) is not None:
        return True
    values = [r.cells[column] for r in rows if r.cells[column] not in (None, "")]
    return bool(values) and all(_is_number(v) for v in values)


def _table_layout(pdf: _Document, table: TableBlock) -> _TableLayout:
    """Choose orientation, type size and column widths so that numbers never wrap."""
    header, rows, n = _normalised(table)
    if n == 0:
        return _TableLayout("P", TABLE_SIZE, [], [])
    portrait = 210.0 - 2 * MARGIN_X
    landscape = 297.0 - 2 * MARGIN_X
    everything = list(range(n))
    size = TABLE_SIZE
    while True:
        natural, minimum = _column_widths(pdf, table, header, rows, n, size)
        if sum(minimum) <= portrait and sum(natural) <= portrait * 1.5:
            return _TableLayout("P", size, [everything], [_fit(natural, minimum, portrait)])
        if sum(minimum) <= landscape:
            return _TableLayout("L", size, [everything], [_fit(natural, minimum, landscape)])
        if size <= MIN_TABLE_SIZE:
            break
        size = max(MIN_TABLE_SIZE, size - 0.5)
    # Too many columns even in small type: print them in groups, each after the label column.
    groups: list[list[int]] = []
    current, used = [0], minimum[0]
    for j in range(1, n):
        if len(current) > 1 and used + minimum[j] > landscape:
            groups.append(current)
            current, used = [0], minimum[0]
        current.append(j)
        used += minimum[j]
    groups.append(current)
    widths = [_fit([natural[j] for j in g], [minimum[j] for j in g], landscape) for g in groups]
    return _TableLayout("L", size, groups, widths)


def _column_widths(pdf: _Document, table: TableBlock, header: list[str], rows: list[Row], n: int,
                   size: float) -> tuple[list[float], list[float]]:
    """Each column's natural width (content on one line) and narrowest acceptable width."""
    natural: list[float] = []
    minimum: list[float] = []
    pad = 2 * CELL_PAD_X + 0.6
    for j in range(n):
        pdf.set_font(FAMILY, "B", size)
        head_full = max((pdf.string_width(line) for line in header[j].split("\n")),
                        default=0.0)
        head_word = max((pdf.string_width(w) for w in header[j].split()), default=0.0)
        numeric = _numeric_column(table, rows, j)
        body_full = 0.0
        body_word = 0.0
        number = 0.0  # the widest number: numbers never wrap, whatever the column holds
        for row in rows:
            pdf.set_font(FAMILY, "B" if row.style != "normal" else "", size)
            value = row.cells[j]
            text = _cell_text(table, j, value)
            extra = _indent(row) if j == 0 else 0.0
            full = max((pdf.string_width(t) for t in text.split("\n")), default=0.0) + extra
            body_full = max(body_full, full)
            if _is_number(value) or value is None:
                number = max(number, full)
            else:
                word = max((pdf.string_width(w) for w in text.split()), default=0.0)
                body_word = max(body_word, word + extra)
        if numeric:
            nat = max(head_full, body_full)
            low = max(min(head_word, nat, TEXT_COLUMN_CAP), body_word)
        else:
            nat = min(max(head_full, body_full), TEXT_COLUMN_CAP)
            low = min(max(head_word, body_word), max(TEXT_COLUMN_MIN, nat * 0.5))
            low = min(low, nat)
            if j == 0 and n > 1:
                nat *= LABEL_BONUS
        low = max(low, number)
        nat = max(nat, low)
        natural.append(max(nat, 4.0) + pad)
        minimum.append(max(low, 4.0) + pad)
    return natural, minimum


def _fit(natural: list[float], minimum: list[float], available: float) -> list[float]:
    """Widths filling `available`: proportional to content, never under the minimum."""
    total = sum(natural)
    if sum(minimum) >= available:
        return [low * available / sum(minimum) for low in minimum]
    if total <= available:
        return [w * available / total for w in natural]
    slack = [nat - low for nat, low in zip(natural, minimum, strict=True)]
    spare = available - sum(minimum)
    share = sum(slack)
    if share <= 0:
        return [low * available / sum(minimum) for low in minimum]
    return [low + spare * s / share for low, s in zip(minimum, slack, strict=True)]


def _table(pdf: _Document, table: TableBlock, layout: _TableLayout) -> None:
    _ensure_orientation(pdf, layout.orientation)
    header, rows, _ = _normalised(table)
    size = layout.font_size
    line = size * PT * 1.35
    caption = _clean(table.caption).strip()
    unit = _clean(table.unit_caption)
    # Keep the caption, unit line, header row and first rows together.
    needed = 4 + (_line(10.5) if caption else 0) + (_line(8.5) if unit else 0)
    needed += 3 * (line + 2 * CELL_PAD_Y)
    if pdf.will_page_break(needed):
        pdf.add_page(orientation=pdf.cur_orientation.value)
    else:
        pdf.ln(2)
    if caption:
        pdf.set_font(FAMILY, "B", 10.5)
        pdf.multi_cell(pdf.epw, _line(10.5), f"< {caption} >", align=Align.C,
                       new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    if unit:
        pdf.set_font(FAMILY, "", 8.5)
        pdf.cell(pdf.epw, _line(8.5), unit, align=Align.R, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    for part, (columns, widths) in enumerate(zip(layout.groups, layout.widths, strict=True)):
        if part:
            pdf.ln(3)
        sub = _project(table, header, rows, columns)
        _table_body(pdf, sub, sub.columns, sub.rows, widths, size, line)
    footnote = _clean(table.footnote).strip()
    if footnote:
        pdf.ln(1)
        pdf.set_font(FAMILY, "", 8.5)
        pdf.set_text_color(50)
        if not footnote.startswith(("※", "*", "주", "자료")):
            footnote = f"※ {footnote}"
        pdf.multi_cell(pdf.epw, _line(8.5) * 0.9, footnote, align=Align.L, new_x=XPos.LMARGIN,
                       new_y=YPos.NEXT)
        pdf.set_text_color(0)
    pdf.ln(3)


def _project(table: TableBlock, header: list[str], rows: list[Row],
             columns: list[int]) -> TableBlock:
    """The part of a (normalised) table made of the given columns."""
    return TableBlock(caption=table.caption, columns=[header[j] for j in columns],
                      decimals=[table.decimals_of(j) for j in columns],
                      rows=[Row([r.cells[j] for j in columns], r.style, r.indent) for r in rows])


def _indent(row: Row) -> float:
    return INDENT_STEP * min(max(row.indent, 0), MAX_INDENT)


def _table_body(pdf: _Document, table: TableBlock, header: list[str], rows: list[Row],
                widths: list[float], size: float, line: float) -> None:
    numeric = [_numeric_column(table, rows, j) for j in range(len(header))]
    rows = _split_tall_rows(pdf, table, header, rows, widths, size, line)
    pdf.set_font(FAMILY, "", size)
    pdf.set_draw_color(RULE_GREY)
    pdf.set_line_width(0.15)
    styles = {
        "normal": FontFace(family=FAMILY, emphasis="", size_pt=size),
        "subtotal": FontFace(family=FAMILY, emphasis="B", size_pt=size, fill_color=SUBTOTAL_FILL),
        "total": FontFace(family=FAMILY, emphasis="B", size_pt=size, fill_color=TOTAL_FILL),
    }
    with pdf.table(
        col_widths=[float(w) for w in widths],
        width=sum(widths),
        align=Align.L,
        line_height=line,
        padding=(CELL_PAD_Y, CELL_PAD_X),
        headings_style=FontFace(family=FAMILY, emphasis="B", size_pt=size,
                                fill_color=HEADER_FILL),
        text_align=Align.L,
        v_align=VAlign.M,
        borders_layout=TableBordersLayout.ALL,
        outer_border_width=0.4,
        wrapmode=WrapMode.WORD,
        repeat_headings=1,
        num_heading_rows=1,
        first_row_as_headings=True,
    ) as grid:
        heading = grid.row()
        for text in header:
            heading.cell(text, align=Align.C)
        for row in rows:
            cells = grid.row()
            style = styles.get(row.style, styles["normal"])
            for j, value in enumerate(row.cells):
                text = _cell_text(table, j, value)
                is_figure = _is_number(value) or value is None
                right = (numeric[j] or is_figure) and (j > 0 or numeric[0])
                padding: tuple[float, ...] | None = None
                if j == 0 and row.indent > 0:
                    padding = (CELL_PAD_Y, CELL_PAD_X, CELL_PAD_Y, CELL_PAD_X + _indent(row))
                cells.cell(text, align=Align.R if right else Align.L, style=style,
                           padding=padding)
    pdf.set_draw_color(0)
    pdf.set_line_width(0.2)


def _wrapped(pdf: FPDF, text: str, width: float, line: float) -> list[str]:
    """The lines `text` wraps into in a cell of `width` (the current font)."""
    if not text:
        return []
    saved = pdf.c_margin
    pdf.c_margin = 0  # table cells have padding instead
    try:
        lines = pdf.multi_cell(max(width, 1.0), line, text, dry_run=True,
                               output=MethodReturnValue.LINES, wrapmode=WrapMode.WORD)
    except FPDFException:
        return list(text)  # narrower than a character: the most lines it could take
    finally:
        pdf.c_margin = saved
    return [str(t) for t in lines] if isinstance(lines, list) else [text]


def _most_lines(pdf: _Document, text: str, width: float, size: float) -> float:
    """At most how many lines `_wrapped` can give `text` in `width` (the current font).

    Each paragraph wraps greedily: a line ends only where it and the start of the next line
    (with the space between them) would be wider than the cell, so any two consecutive lines
    with that space are wider than the cell, and k lines need a paragraph wider than
    ⌊k/2⌋ × width: k ≤ 2 × paragraph width / width + 2. In a cell narrower than two ems (where
    a character may not fit at all) only the count of characters bounds it, as in
    `_split_tall_rows`: each line takes one at least.
    """
    width = max(width, 1.0)
    if width < 2 * size * PT:
        return len(text) + 1
    return min(len(text) + 1,
               sum(2 * pdf.string_width(part) / width + 2 for part in text.split("\n")))


def _pick_glyphs(pdf: _Document, text: str) -> None:
    """Put the glyphs of `text` into the current font's subset as drawing it would."""
    font = pdf.current_font
    if isinstance(font, TTFFont):
        for character in text:
            if character != "\n":
                font.subset.pick(ord(character))


def _split_tall_rows(pdf: _Document, table: TableBlock, header: list[str], rows: list[Row],
                     widths: list[float], size: float, line: float) -> list[Row]:
    """Cut a row too tall for one page into continuation rows (a table row cannot break)."""
    inner = [w - 2 * CELL_PAD_X - 0.8 for w in widths]  # padding, borders, safety
    pdf.set_font(FAMILY, "B", size)
    header_lines = max((len(_wrapped(pdf, h, inner[j], line)) for j, h in enumerate(header)),
                       default=1)
    page_height = pdf.h - pdf.t_margin - pdf.b_margin
    room = page_height - (max(header_lines, 1) * line + 2 * CELL_PAD_Y) - 2 * CELL_PAD_Y - 4
    most = max(int(room // line), 1)
    out: list[Row] = []
    for row in rows:
        pdf.set_font(FAMILY, "B" if row.style != "normal" else "", size)
        texts = [_cell_text(table, j, v) for j, v in enumerate(row.cells)]
        if max((len(t) for t in texts), default=0) + 1 <= most:
            out.append(row)  # cannot need more lines than fit (each line takes a character)
            continue
        widths = [inner[j] - (_indent(row) if j == 0 else 0) for j in range(len(texts))]
        if all(_most_lines(pdf, t, w, size) <= most for t, w in zip(texts, widths, strict=True)):
            # no cell can wrap into more lines than fit: no dry run needed, but its glyphs
            # enter the font subset now, in the order the dry run would have put them there
            # (the subset numbers glyphs by first use: the same order, the same bytes)
            for text in texts:
                _pick_glyphs(pdf, text)
            out.append(row)
            continue
        lines = [_wrapped(pdf, t, w, line) for t, w in zip(texts, widths, strict=True)]
        if max(len(ls) for ls in lines) <= most:
            out.append(row)
            continue
        parts = (max(len(ls) for ls in lines) + most - 1) // most
        for k in range(parts):
            cells: list[Value] = []
            for j, value in enumerate(row.cells):
                if k == 0 and (_is_number(value) or value is None):
                    cells.append(value)
                elif _is_number(value) or value is None:
                    cells.append("")
                else:
                    cells.append("\n".join(lines[j][k * most:(k + 1) * most]))
            out.append(Row(cells, row.style, row.indent))
    return out
