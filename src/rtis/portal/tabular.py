"""One way to download any table page: CSV (UTF-8 with BOM, or CP949 on ?encoding=cp949) and XLSX,
keeping the page's filters and the columns the reader chose (?columns=a,b).

A page describes its table once as a Table (columns with stable keys and Korean labels, and the
rows); `respond` answers ?format=csv|xlsx with the file, `links` gives the template include
(portal/_downloads.html) its URLs. Amounts are integer won, the header says so. Bad parameters are
a TabularError, which views turn into a 400 with a message.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any
from urllib.parse import quote, urlencode

from django.http import HttpRequest, HttpResponse, QueryDict

from rtis.dashboards.exports import XLSX_TYPE, Sheet, render_xlsx

Cell = str | int | Decimal | None
FORMATS = ("csv", "xlsx")
ENCODINGS = ("utf-8", "cp949")
HEADERS = ("label", "key")
# Download options are not filters: a link to another format drops them.
OPTION_PARAMS = ("format", "encoding", "columns", "col", "header")
_FORMULA_START = ("=", "+", "-", "@")
MAX_PARAM = 2000


class TabularError(ValueError):
    """A download asked with a parameter we cannot honour (the message says which, in both languages)."""


@dataclass(frozen=True)
class Column:
    key: str  # stable identifier: the same in every download and in the data dictionary
    label: Any  # Korean header, lazy (English on the English screen)
    value: Callable[[Any], Cell]
    description: str = ""


@dataclass
class Table:
    name: str  # file name stem, ASCII ("plans", "budget-innovation-growth-2018")
    title: str
    columns: list[Column]
    rows: Iterable[Any]
    note: str = ""  # which filters made it
    default_columns: Sequence[str] | None = None  # None: all
    extra: dict[str, Any] = field(default_factory=dict)

    def keys(self) -> list[str]:
        return [c.key for c in self.columns]


@dataclass(frozen=True)
class Choice:
    """What the reader asked for: a format (None: the page), an encoding, columns, header kind."""

    fmt: str | None
    encoding: str
    columns: list[str]
    header: str


def _one(params: QueryDict, name: str, allowed: Sequence[str], default: str | None) -> str | None:
    raw = params.get(name)
    if raw is None or raw == "":
        return default
    if len(raw) > MAX_PARAM or raw.lower() not in allowed:
        raise TabularError(f"{name}={raw[:40]!r}: {', '.join(allowed)} 중 하나여야 합니다 / "
                           f"must be one of {', '.join(allowed)}")
    return raw.lower()


def choice(params: QueryDict, table: Table) -> Choice:
    """Read the download options of a request for a table; unknown values raise TabularError."""
    fmt = _one(params, "format", FORMATS, None)
    encoding = _one(params, "encoding", ENCODINGS, "utf-8") or "utf-8"
    header = _one(params, "header", HEADERS, "label") or "label"
    known = table.keys()
    raw = params.get("columns", "")
    if len(raw) > MAX_PARAM:
        raise TabularError("columns가 너무 깁니다 / columns is too long")
    # ?columns=a,b (a link) or ?col=a&col=b (the column chooser's checkboxes).
    asked = [c.strip() for c in raw.split(",") if c.strip()] if raw else []
    asked += [c.strip() for c in params.getlist("col")[:len(known) + 1] if c.strip()]
    if len(asked) > len(known) * 2:
        raise TabularError("열이 너무 많습니다 / too many columns")
    asked = list(dict.fromkeys(asked))
    unknown = [c for c in asked if c not in known]
    if unknown:
        raise TabularError(f"알 수 없는 열 {', '.join(unknown)[:200]}: 가능한 열은 {', '.join(known)} / "
                           f"unknown columns; known: {', '.join(known)}")
    columns = asked or list(table.default_columns or known)
    return Choice(fmt, encoding, columns, header)


def _text(value: Cell) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        # A spreadsheet would run "=…" as a formula (CSV injection): quote it as text.
        return "'" + value if value.startswith(_FORMULA_START) else value
    return str(value)


def matrix(table: Table, columns: Sequence[str], header: str = "label") -> list[list[Cell]]:
    """Return the table as rows of cells, header first, in the chosen columns."""
    by_key = {c.key: c for c in table.columns}
    chosen = [by_key[k] for k in columns]
    head: list[Cell] = [c.key if header == "key" else str(c.label) for c in chosen]
    return [head, *([c.value(row) for c in chosen] for row in table.rows)]


def render_csv(rows: list[list[Cell]], encoding: str = "utf-8") -> bytes:
    """Return rows as CSV: UTF-8 with a BOM (Excel reads Korean), or CP949 (older tools)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    for row in rows:
        writer.writerow([_text(v) for v in row])
    if encoding == "cp949":
        # A character CP949 lacks (rare hanja, emoji) becomes "?", never an error.
        return out.getvalue().encode("cp949", errors="replace")
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def render(table: Table, chosen: Choice) -> HttpResponse:
    """Return the table as a download in the chosen format."""
    rows = matrix(table, chosen.columns, chosen.header)
    if chosen.fmt == "xlsx":
        sheet = Sheet(table.title, table.note, [str(h) for h in rows[0]], rows[1:])
        response = HttpResponse(render_xlsx(sheet), content_type=XLSX_TYPE)
    else:
        charset = "cp949" if chosen.encoding == "cp949" else "utf-8"
        response = HttpResponse(render_csv(rows, chosen.encoding),
                                content_type=f"text/csv; charset={charset}")
    filename = f"{table.name}.{chosen.fmt}"
    response["Content-Disposition"] = (f"attachment; filename=\"{filename}\"; "
                                       f"filename*=UTF-8''{quote(filename)}")
    return response


def respond(request: HttpRequest, table: Table) -> HttpResponse | None:
    """Answer ?format=csv|xlsx with the file; None when the page itself was asked for."""
    chosen = choice(request.GET, table)
    return render(table, chosen) if chosen.fmt else None


def filters_of(params: QueryDict) -> list[tuple[str, str]]:
    """Return the request's parameters that are filters (not download options, not the page)."""
    return [(k, v) for k, values in params.lists() if k not in (*OPTION_PARAMS, "page")
            for v in values]


@dataclass(frozen=True)
class Links:
    csv: str
    cp949: str
    xlsx: str
    base: str
    filters: list[tuple[str, str]]
    columns: list[tuple[str, str, bool]]  # key, label, chosen


def links(request: HttpRequest, table: Table, path: str | None = None) -> Links:
    """Return the download URLs of a table page, keeping its filters and chosen columns."""
    filters = filters_of(request.GET)
    try:
        chosen = choice(request.GET, table).columns
    except TabularError:
        chosen = list(table.default_columns or table.keys())
    base = path or request.path
    keep = list(filters)
    if chosen != list(table.default_columns or table.keys()):
        keep.append(("columns", ",".join(chosen)))

    def url(**options: str) -> str:
        return f"{base}?{urlencode([*keep, *options.items()])}"

    return Links(url(format="csv"), url(format="csv", encoding="cp949"), url(format="xlsx"),
                 base, filters, [(c.key, str(c.label), c.key in chosen) for c in table.columns])
