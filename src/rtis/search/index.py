"""Keep the index current: the actions that change searchable objects call these.

`index_objects(kind, keys)` re-reads those objects through their kind's `documents` and writes
their entries and tokens in the caller's transaction; `reindex()` rebuilds kinds from scratch
(`rtis search reindex`, load-seed, the demo).
"""

from __future__ import annotations

import time
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction

from rtis.lib.bigrams import index_tokens
from rtis.search import backend
from rtis.search.models import SearchEntry
from rtis.search.registry import KINDS, Document

MAX_BODY = 4000  # characters of an entry's text kept for snippets and tokens
MAX_TITLE = 300


def tokens_of(kind: str, document: Document) -> str:
    """Return the space-separated tokens stored for a document, facets included."""
    words = index_tokens(f"{document.title}\n{document.body[:MAX_BODY]}")
    words += [backend.kind_token(kind), backend.audience_token(document.audience)]
    return " ".join(words)


def _entry(kind: str, document: Document) -> SearchEntry:
    return SearchEntry(kind=kind, key=document.key, title=document.title[:MAX_TITLE],
                       body=document.body[:MAX_BODY], context=document.context[:300],
                       url=document.url, audience=document.audience)


@transaction.atomic
def index_objects(kind: str, keys: Collection[Any]) -> int:
    """Re-index these objects of a kind (gone or hidden ones leave the index); return the count."""
    keys = {str(key) for key in keys}
    if not keys:
        return 0
    documents = {d.key: d for d in KINDS[kind].documents(keys)}
    existing = {e.key: e for e in SearchEntry.objects.filter(kind=kind, key__in=keys)}
    gone = [e.pk for k, e in existing.items() if k not in documents]
    if gone:
        backend.delete(gone)
        SearchEntry.objects.filter(pk__in=gone).delete()
    rows: list[tuple[int, str]] = []
    fresh = []
    for key, document in documents.items():
        entry = existing.get(key)
        if entry is None:
            fresh.append(_entry(kind, document))
            continue
        new = _entry(kind, document)
        for name in ("title", "body", "context", "url", "audience"):
            setattr(entry, name, getattr(new, name))
        entry.save(update_fields=["title", "body", "context", "url", "audience"])
        rows.append((entry.pk, tokens_of(kind, document)))
    for entry in SearchEntry.objects.bulk_create(fresh):
        rows.append((entry.pk, tokens_of(kind, documents[entry.key])))
    backend.write(rows)
    return len(documents)


@dataclass
class RebuildReport:
    counts: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0


def _values(kind: str, document: Document) -> tuple[str, ...]:
    return (kind, document.key, document.title[:MAX_TITLE], document.body[:MAX_BODY],
            document.context[:300], document.url, document.audience)


def add_documents(kind: str, documents: Iterable[Document], batch: int = 5000) -> int:
    """Add new entries of a kind (none of them indexed yet) in batches; return how many.

    Entries and tokens go in by the database's bulk paths (backend.insert_entries, write_new),
    not through model instances: a rebuild of 1.5 million projects is mostly this loop.
    """
    count = 0
    pending: list[Document] = []

    def flush() -> None:
        ids = backend.insert_entries([_values(kind, d) for d in pending])
        backend.write_new([(pk, tokens_of(kind, d)) for pk, d in zip(ids, pending, strict=True)])
        pending.clear()

    for document in documents:
        pending.append(document)
        count += 1
        if len(pending) >= batch:
            flush()
    if pending:
        flush()
    return count


def _rebuild_kind(kind: str, documents: Iterable[Document]) -> int:
    ids = list(SearchEntry.objects.filter(kind=kind).values_list("pk", flat=True))
    backend.delete(ids)
    SearchEntry.objects.filter(kind=kind).delete()
    return add_documents(kind, documents)


@transaction.atomic
def reindex(kinds: Collection[str] | None = None) -> RebuildReport:
    """Rebuild the index of the given kinds (all registered ones when None)."""
    started = time.perf_counter()
    report = RebuildReport()
    names = list(KINDS) if kinds is None else list(kinds)
    unknown = [n for n in names if n not in KINDS]
    if unknown:
        raise ValueError(f"알 수 없는 검색 종류 / unknown search kinds: {', '.join(unknown)}")
    if kinds is None:  # everything: also drop entries of kinds no longer registered
        SearchEntry.objects.exclude(kind__in=names).delete()
        backend.clear()
        with backend.bulk_loading():
            for name in names:
                report.counts[name] = _rebuild_kind(name, KINDS[name].documents(None))
    else:
        for name in names:
            report.counts[name] = _rebuild_kind(name, KINDS[name].documents(None))
    report.seconds = time.perf_counter() - started
    return report


# What a plan's import or publication can change: its entries and those that take its visibility.
PLAN_KINDS = ("plan", "node", "indicator", "audititem", "reference", "programme", "report")


def refresh_plan_kinds() -> None:
    """Rebuild the kinds a plan's import or publication changes (cheap: hundreds of rows)."""
    reindex([k for k in PLAN_KINDS if k in KINDS])
