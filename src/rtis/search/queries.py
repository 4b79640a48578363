"""Search the index for a user: the query checked, results grouped by kind, matches marked."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from rtis.lib.bigrams import MAX_QUERY_CHARS, QueryTerm, query_terms
from rtis.lib.numbers import ascii_int
from rtis.search import backend
from rtis.search.models import SearchEntry
from rtis.search.registry import AUDIENCES, KINDS, audiences_for

GROUP_SIZE = 5  # results of each kind on the overview
COUNT_CAP = 1000  # counts stop here ("1,000건 이상"): a 2-syllable word may match half the index
MAX_PER_PAGE = 100
DEFAULT_PER_PAGE = 20
MAX_PAGE = 500
SNIPPET_CHARS = 160
PARAMETERS = frozenset({"q", "kind", "page", "per_page"})


class SearchInputError(ValueError):
    """A query parameter the search refuses, with a bilingual message naming it."""


@dataclass
class SearchRequest:
    q: str
    kind: str | None = None
    page: int = 1
    per_page: int = DEFAULT_PER_PAGE


def _integer(params: dict[str, str], name: str, default: int, low: int, high: int) -> int:
    raw = params.get(name, "")
    if raw == "":
        return default
    number = ascii_int(raw)
    if number is None or not low <= number <= high:
        raise SearchInputError(f"{name}: {low}~{high} 사이의 정수여야 합니다: '{raw[:20]}' / "
                               f"{name} must be a whole number from {low} to {high}: '{raw[:20]}'")
    return number


def parse_request(params: dict[str, str]) -> SearchRequest:
    """Return the checked search parameters, or raise SearchInputError saying what is wrong."""
    unknown = sorted(set(params) - PARAMETERS)
    if unknown:
        names = ", ".join(n[:30] for n in unknown[:5])
        raise SearchInputError(f"알 수 없는 조건입니다: {names} (쓸 수 있는 것: q, kind, page, "
                               f"per_page) / unknown parameters: {names} (known: q, kind, page, "
                               "per_page)")
    q = params.get("q", "")
    if "\ufffd" in q or "\x00" in q:
        raise SearchInputError("q: 검색어에 읽을 수 없는 글자가 있습니다 (UTF-8이 아님) / q: the "
                               "query has characters that are not valid UTF-8")
    if len(q) > MAX_QUERY_CHARS:
        raise SearchInputError(f"q: 검색어는 {MAX_QUERY_CHARS}자 이내여야 합니다 (입력 "
                               f"{len(q):,}자) / q: at most {MAX_QUERY_CHARS} characters, got "
                               f"{len(q):,}")
    kind = params.get("kind") or None
    if kind is not None and kind not in KINDS:
        raise SearchInputError(f"kind: 알 수 없는 종류입니다: '{kind[:30]}' (쓸 수 있는 것: "
                               f"{', '.join(KINDS)}) / kind: unknown kind '{kind[:30]}'")
    page = _integer(params, "page", 1, 1, MAX_PAGE)
    per_page = _integer(params, "per_page", DEFAULT_PER_PAGE, 1, MAX_PER_PAGE)
    if q.strip() and not query_terms(q):
        raise SearchInputError("q: 검색어에 찾을 글자(한글·영문·숫자)가 없습니다 / q: the query "
                               "has no letters or digits to search for")
    return SearchRequest(q.strip(), kind, page, per_page)


@dataclass
class Hit:
    entry: SearchEntry
    title: SafeString
    snippet: SafeString


@dataclass
class Group:
    kind: str
    label: str
    count: int
    capped: bool
    hits: list[Hit] = field(default_factory=list)


@dataclass
class Results:
    request: SearchRequest
    terms: list[QueryTerm]
    groups: list[Group]

    @property
    def total(self) -> int:
        return sum(g.count for g in self.groups)

    @property
    def capped(self) -> bool:
        return any(g.capped for g in self.groups)


def _term_pattern(term: QueryTerm) -> str:
    if term.bigram:  # a space may separate the syllables in the text (창업지원 / 창업 지원)
        return r"\s?".join(re.escape(c) for c in term.text)
    return r"[&.\-_'’]?".join(re.escape(c) for c in term.text)


def marker(terms: list[QueryTerm]) -> re.Pattern[str] | None:
    """Return a pattern finding the query's terms in a text, longest first."""
    if not terms:
        return None
    ordered = sorted(terms, key=lambda t: len(t.text), reverse=True)
    return re.compile("|".join(_term_pattern(t) for t in ordered), re.IGNORECASE)


def highlight(text: str, pattern: re.Pattern[str] | None) -> SafeString:
    """Return text escaped, each match wrapped in <mark>."""
    if pattern is None:
        return mark_safe(escape(text))
    pieces: list[str] = []
    last = 0
    for match in pattern.finditer(text):
        pieces.append(escape(text[last:match.start()]))
        pieces.append(f"<mark>{escape(match.group())}</mark>")
        last = match.end()
    pieces.append(escape(text[last:]))
    return mark_safe("".join(pieces))


def snippet(text: str, pattern: re.Pattern[str] | None) -> SafeString:
    """Return the part of a text around its first match (its start when none), highlighted."""
    text = " ".join(text.split())
    match = pattern.search(text) if pattern else None
    start = max(0, match.start() - SNIPPET_CHARS // 3) if match else 0
    part = text[start:start + SNIPPET_CHARS]
    prefix = "… " if start else ""
    suffix = " …" if start + SNIPPET_CHARS < len(text) else ""
    return mark_safe(escape(prefix) + highlight(part, pattern) + escape(suffix))


def _split(terms: list[QueryTerm]) -> tuple[list[str], list[str]]:
    """Return the tokens every match contains, and the single syllables matched as prefixes."""
    tokens: list[str] = []
    prefixes: list[str] = []
    for term in terms:
        if term.bigram and len(term.text) == 1:
            prefixes.append(term.text)  # one syllable: the pairs that start with it
        else:
            tokens.extend(term.tokens())
    return tokens, prefixes


def search(user: Any, request: SearchRequest) -> Results:
    """Return the results a user may see, grouped by kind (two queries)."""
    terms = query_terms(request.q)
    if not terms:
        return Results(request, [], [])
    tokens, prefixes = _split(terms)
    audiences = audiences_for(user)
    kinds = [request.kind] if request.kind else list(KINDS)
    expressions = {k: backend.expression(tokens, prefixes, k, audiences) for k in kinds}
    if request.kind:
        # Count as far as this page and one row past it (at least COUNT_CAP), not every match:
        # a frequent word's 75,000 matches at 10x took PostgreSQL 85-140 ms to count to 10,000;
        # the pager then offers the next page while there is one ("1,000건 이상").
        offset = (request.page - 1) * request.per_page
        cap = max(COUNT_CAP, offset + request.per_page + 1)
        counts = backend.counts(expressions, cap)
        found = backend.first_entries(
            expressions, {k: min(request.per_page, n - offset) for k, n in counts.items()},
            offset)
    else:
        cap = COUNT_CAP
        counts = backend.counts(expressions, cap)
        found = backend.first_entries(expressions,
                                      {k: min(GROUP_SIZE, n) for k, n in counts.items()})
    pattern = marker(terms)
    groups = []
    for kind in kinds:
        if not counts.get(kind):
            continue
        hits = [Hit(entry, highlight(entry.title, pattern), snippet(entry.body, pattern))
                for entry in found.get(kind, [])]
        groups.append(Group(kind, str(KINDS[kind].label), counts[kind], counts[kind] >= cap,
                            hits))
    return Results(request, terms, groups)


def matching_keys(kind: str, q: str, limit: int = 10_000) -> list[str]:
    """Return the keys of a kind's entries matching a query, whatever their audience.

    For a page that has already limited its objects to what the reader may see (a council
    session's items) and wants the search's matching: particles, compounds, 2-syllable words.
    """
    tokens, prefixes = _split(query_terms(q[:MAX_QUERY_CHARS]))
    if not tokens and not prefixes:
        return []
    expression = backend.expression(tokens, prefixes, kind, list(AUDIENCES))
    found = backend.counts({kind: expression}, limit)  # then read exactly that many (first_ids)
    ids = backend.first_ids({kind: expression}, found).get(kind, [])
    return list(SearchEntry.objects.filter(pk__in=ids).values_list("key", flat=True))
