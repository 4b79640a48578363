"""Keyset pages for the API's lists: a stable order, an opaque cursor, a maximum, a next link.

A list is read in the order of a unique key (a tuple of columns); a cursor is the last item's
key, base64url-encoded, and the next page is the items after it — one indexed comparison, so a
page deep in a long list costs what the first does, and rows added or deleted between two
requests never make a remaining row skip or repeat. Streams (CSV, NDJSON) walk the same pages
in chunks, so their memory does not grow with the list.
"""

from __future__ import annotations

import base64
import csv
import gzip
import hashlib
import io
import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any, Literal

import orjson
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseNotModified, StreamingHttpResponse
from ninja import Field, Schema, Status

PAGE_DEFAULT, PAGE_MAX = 100, 1000
STREAM_CHUNK = 500
GZIP_MIN = 1024
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

Key = tuple[int | str, ...]

BAD_CURSOR = ("알 수 없는 커서입니다. 처음 쪽부터 다시 요청하십시오 / "
              "unknown cursor: start again from the first page")

STREAMED_CONTENT = {"text/csv": {"schema": {"type": "string"}},
                    "application/x-ndjson": {"schema": {"type": "string"}}}


class PageQuery(Schema):
    limit: int = Field(default=PAGE_DEFAULT, ge=1, le=PAGE_MAX,
                       description=f"쪽당 항목 수 (최대 {PAGE_MAX}) / items per page "
                                   f"(at most {PAGE_MAX})")
    cursor: str | None = Field(default=None, max_length=200,
                               description="앞 쪽 응답의 next에서 받은 값 / the opaque cursor "
                                           "of the previous page's next link")


class StreamPageQuery(PageQuery):
    format: Literal["json", "csv", "ndjson"] = Field(
        default="json",
        description="json: 한 쪽씩; csv(UTF-8 BOM)·ndjson: 모든 항목을 같은 순서로 끊김 없이 "
                    "(limit·cursor 무시) / json: one page; csv (UTF-8 with BOM) and ndjson: "
                    "every item in the same order, streamed (limit and cursor ignored)")


NEXT_DESCRIPTION = ("다음 쪽 주소(경로와 질의), 마지막 쪽이면 null / the next page's path and "
                    "query, null on the last page")
TOTAL_DESCRIPTION = "조건에 맞는 전체 항목 수 / the number of items in every page together"


class Keyset:
    """The order of one list: ORM lookups whose values, together, are unique per item."""

    def __init__(self, name: str, fields: Sequence[str]) -> None:
        """`fields` as for order_by: a leading "-" reads that field in descending order."""
        self.name, self.fields = name, tuple(fields)

    def encode(self, key: Key) -> str:
        text = json.dumps([self.name, *key], ensure_ascii=False, separators=(",", ":"))
        return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")

    def decode(self, token: str) -> Key | None:
        """The key a cursor points after, or None when it is not a cursor of this list."""
        try:
            raw = base64.b64decode(token + "=" * (-len(token) % 4), altchars=b"-_",
                                   validate=True)
            value = json.loads(raw.decode("utf-8"))
        except (ValueError, UnicodeDecodeError):
            return None
        if (not isinstance(value, list) or len(value) != len(self.fields) + 1
                or value[0] != self.name):
            return None
        key = value[1:]
        if not all((isinstance(v, int) and not isinstance(v, bool) and abs(v) < 2**62)
                   or (isinstance(v, str) and len(v) <= 300) for v in key):
            return None
        return tuple(key)

    def after(self, key: Key) -> Q:
        """Items after `key` in the order: (a > x) or (a = x and b > y) or …"""
        condition = Q()
        names = [field.lstrip("-") for field in self.fields]
        for i, field in enumerate(self.fields):
            beyond = "lt" if field.startswith("-") else "gt"
            step = Q(**{f"{names[i]}__{beyond}": key[i]})
            for earlier, value in zip(names[:i], key[:i], strict=True):
                step &= Q(**{earlier: value})
            condition |= step
        return condition


def page(request: HttpRequest, items: QuerySet[Any], keyset: Keyset, query: PageQuery,
         key_of: Callable[[Any], Key]) -> tuple[list[Any], str | None] | Status[dict[str, str]]:
    """One page of `items` (already ordered by the keyset) and the next page's link; 400."""
    if query.cursor is not None:
        after = keyset.decode(query.cursor)
        if after is None:
            return Status(400, {"detail": BAD_CURSOR})
        items = items.filter(keyset.after(after))
    rows = list(items[:query.limit + 1])
    following = None
    if len(rows) > query.limit:
        rows = rows[:query.limit]
        params = request.GET.copy()
        params["cursor"] = keyset.encode(key_of(rows[-1]))
        following = f"{request.path}?{params.urlencode()}"
    return rows, following


def walk(items: QuerySet[Any], keyset: Keyset, key_of: Callable[[Any], Key],
         chunk: int = STREAM_CHUNK) -> Iterator[list[Any]]:
    """Every item, a page of `chunk` at a time (prefetches apply per page: bounded memory)."""
    rows = list(items[:chunk])
    while rows:
        yield rows
        if len(rows) < chunk:
            return
        rows = list(items.filter(keyset.after(key_of(rows[-1])))[:chunk])


def _csv_cell(value: Any) -> Any:
    if isinstance(value, (list, tuple)):
        value = "; ".join(str(v) for v in value)
    elif isinstance(value, dict):
        value = json.dumps(value, ensure_ascii=False)
    elif value is None:
        return ""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value  # a spreadsheet would run "=…" as a formula (CSV injection)
    return value


def _csv_chunks(header: Sequence[str], pages: Iterable[list[dict[str, Any]]]) -> Iterator[bytes]:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    out.write("\ufeff")
    writer.writerow(header)
    for rows in pages:
        for row in rows:
            writer.writerow([_csv_cell(row[name]) for name in header])
        yield out.getvalue().encode("utf-8")
        out.seek(0)
        out.truncate()
    yield out.getvalue().encode("utf-8")


def _ndjson_chunks(pages: Iterable[list[dict[str, Any]]]) -> Iterator[bytes]:
    for rows in pages:
        yield b"".join(orjson.dumps(row) + b"\n" for row in rows)


def stream(kind: str, filename: str, header: Sequence[str],
           pages: Iterable[list[dict[str, Any]]]) -> StreamingHttpResponse:
    """A CSV (UTF-8 with BOM, a download) or NDJSON response of pages of dicts."""
    if kind == "csv":
        response = StreamingHttpResponse(_csv_chunks(header, pages),
                                         content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
        return response
    return StreamingHttpResponse(_ndjson_chunks(pages),
                                 content_type="application/x-ndjson; charset=utf-8")


def json_response(request: HttpRequest, body: Any) -> HttpResponse:
    """A JSON answer encoded by orjson, with an ETag (304 when the client has it) and gzip.

    The endpoints that return it are documented by their response schema; returning the bytes
    skips the per-item pydantic validation (most of a large page's time). The ETag is the
    body's hash, so a client that asks again with If-None-Match gets 304 and no body. Gzip only
    when asked for and worth it; these answers hold no secret (no CSRF token), so BREACH does
    not apply.
    """
    data = orjson.dumps(body)
    etag = '"' + hashlib.blake2b(data, digest_size=16).hexdigest() + '"'
    if etag in request.headers.get("If-None-Match", ""):
        response: HttpResponse = HttpResponseNotModified()
        response["ETag"] = etag
        return response
    response = HttpResponse(data, content_type="application/json; charset=utf-8")
    response["ETag"] = etag
    response["Vary"] = "Accept-Encoding, Cookie"
    if len(data) > GZIP_MIN and "gzip" in request.headers.get("Accept-Encoding", ""):
        response.content = gzip.compress(data, compresslevel=5, mtime=0)
        response["Content-Encoding"] = "gzip"
    return response
