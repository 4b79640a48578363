"""The kinds of object the search indexes, and who may see each audience of entries.

A context makes its objects searchable with one `register(Kind(...))` (see rtis.search.kinds):
`documents(keys)` yields what to index for the given primary keys, or for every object when keys
is None. Objects it does not yield (deleted, or not to be found) leave the index.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass
from typing import Any

from django.utils.functional import Promise

from rtis.orgs.access import is_internal, is_planner


@dataclass(frozen=True)
class Document:
    """What one object contributes to the index."""

    key: str
    title: str
    body: str
    url: str
    audience: str  # a name in AUDIENCES
    context: str = ""  # where it belongs (the plan of a node, the session of an item)


@dataclass(frozen=True)
class Kind:
    """One kind of searchable object, in the order results are grouped."""

    name: str  # lower-case letters only: it becomes an index token
    label: str | Promise
    documents: Callable[[Collection[Any] | None], Iterable[Document]]


def _report_reader(user: Any) -> bool:
    from rtis.reports.access import can_read_reports

    return bool(can_read_reports(user))


# Who sees which entries: the public sees "public" ones; each audience adds a group of users.
AUDIENCES: dict[str, Callable[[Any], bool]] = {
    "public": lambda user: True,
    "internal": is_internal,
    "planner": is_planner,
    "reportreader": _report_reader,
}

KINDS: dict[str, Kind] = {}


def register(kind: Kind) -> Kind:
    """Add a kind of object to the search (its name must be new and plain letters)."""
    if not kind.name.isascii() or not kind.name.isalpha() or not kind.name.islower():
        raise ValueError(f"search kind names are lower-case letters: {kind.name!r}")
    if kind.name in KINDS:
        raise ValueError(f"search kind {kind.name!r} is registered twice")
    KINDS[kind.name] = kind
    return kind


def unregister(name: str) -> None:
    """Remove a kind (the benchmark registers a synthetic one for its run)."""
    KINDS.pop(name, None)


def audiences_for(user: Any) -> list[str]:
    """Return the audiences whose entries the user may see."""
    return [name for name, allowed in AUDIENCES.items() if allowed(user)]
