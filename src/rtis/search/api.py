"""GET /api/v1/search: the search page's results as JSON, under the same checks."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status

from rtis.lib.bigrams import MAX_QUERY_CHARS
from rtis.search.queries import (
    COUNT_CAP,
    DEFAULT_PER_PAGE,
    MAX_PAGE,
    MAX_PER_PAGE,
    SearchInputError,
    parse_request,
    search,
)
from rtis.search.registry import KINDS

router = Router()


class ErrorOut(Schema):
    detail: str


class HitOut(Schema):
    kind: str
    title: str
    context: str
    url: str
    snippet: str = Field(description="일치 부분을 <mark>로 표시한 HTML(이스케이프됨) / "
                                     "escaped HTML with the matches in <mark>")
    public: bool


class GroupOut(Schema):
    kind: str
    label: str
    count: int
    capped: bool = Field(description=f"결과가 더 있음(개수 상한: 종류 없이 {COUNT_CAP}) / "
                                     "more results than counted")
    hits: list[HitOut]


class SearchOut(Schema):
    q: str
    terms: list[str] = Field(description="찾은 낱말(조사를 뗀 꼴) / the terms matched")
    kind: str | None
    page: int
    per_page: int
    groups: list[GroupOut]


def _parameters() -> list[dict[str, Any]]:
    """The parameters as the handler checks them (it reads them itself, to answer 400)."""
    import rtis.search.kinds  # noqa: F401  (the registry fills as the kinds are imported)

    def query(name: str, schema: dict[str, Any], required: bool = False) -> dict[str, Any]:
        return {"name": name, "in": "query", "required": required, "schema": schema}

    return [
        query("q", {"type": "string", "minLength": 1, "maxLength": MAX_QUERY_CHARS,
                    "pattern": r"^[가-힣A-Za-z0-9]+$"}, required=True),
        query("kind", {"type": "string", "enum": sorted(KINDS)}),
        query("page", {"type": "integer", "minimum": 1, "maximum": MAX_PAGE}),
        query("per_page", {"type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE}),
    ]


@router.get("", response={200: SearchOut, 400: ErrorOut}, auth=None,
            summary="전문 검색 / search", openapi_extra={"parameters": _parameters()},
            description=(
                "공개된 자료(직원은 내부 자료도)를 찾습니다. 두 글자 낱말과 조사가 붙은 말도 "
                "찾습니다. / Full-text search of what the caller may read. Parameters: q (at most "
                f"200 characters), kind (one group, paged), page (1–{MAX_PAGE}), per_page "
                f"(1–{MAX_PER_PAGE}, default {DEFAULT_PER_PAGE}); any other parameter is refused "
                "with 400."))
def search_api(request: HttpRequest) -> Status:
    params = {name: request.GET.get(name, "") for name in request.GET}
    try:
        wanted = parse_request(params)
    except SearchInputError as exc:
        return Status(400, {"detail": str(exc)})
    if not wanted.q:
        return Status(400, {"detail": "q: 검색어를 입력하십시오 / q: the query is required"})
    results = search(request.user, wanted)
    return Status(200, {
        "q": wanted.q, "terms": [t.text for t in results.terms], "kind": wanted.kind,
        "page": wanted.page, "per_page": wanted.per_page,
        "groups": [{"kind": g.kind, "label": g.label, "count": g.count, "capped": g.capped,
                    "hits": [{"kind": g.kind, "title": h.entry.title, "context": h.entry.context,
                              "url": h.entry.url, "snippet": str(h.snippet),
                              "public": h.entry.audience == "public"} for h in g.hits]}
                   for g in results.groups],
    })
