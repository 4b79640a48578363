"""The token table of each database: FTS5 on SQLite, a tsvector with a GIN index on PostgreSQL.

Both hold, per entry id, the entry's bigram tokens (rtis.lib.bigrams) plus two facet tokens, its
kind and its audience, written so no text can produce them (Hangul joined to Latin letters: the
tokenizer always splits the two). A search is one boolean expression, e.g. 창업 AND 분류node AND
(공개public OR 공개internal): each engine intersects its posting lists, so a rare kind costs
little even among 1.5 million entries. Results go by entry id, so both engines give the same
order. No foreign key ties the tables: a flush (tests) may leave stale rows, which the join with
the entries drops, and writing an entry's tokens always replaces its id's row.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from django.db import connection

TABLE = "search_tokens"
KIND_PREFIX = "분류"
AUDIENCE_PREFIX = "공개"

def kind_token(kind: str) -> str:
    return KIND_PREFIX + kind


def audience_token(audience: str) -> str:
    return AUDIENCE_PREFIX + audience


def _postgres() -> bool:
    return connection.vendor == "postgresql"


def write(rows: Iterable[tuple[int, str]], batch: int = 2000) -> None:
    """Store (entry id, space-separated tokens) rows, replacing what those ids had."""
    pending = list(rows)
    with connection.cursor() as cursor:
        for start in range(0, len(pending), batch):
            chunk = pending[start:start + batch]
            if _postgres():
                cursor.executemany(
                    f"INSERT INTO {TABLE} (entry_id, tokens) VALUES (%s, to_tsvector('simple', %s)) "
                    "ON CONFLICT (entry_id) DO UPDATE SET tokens = excluded.tokens", chunk)
            else:
                delete(i for i, _ in chunk)
                cursor.executemany(f"INSERT INTO {TABLE} (rowid, tokens) VALUES (%s, %s)", chunk)


def write_new(rows: Iterable[tuple[int, str]], batch: int = 5000) -> None:
    """Store the tokens of entry ids that have none yet (a rebuild, new entries): faster.

    On PostgreSQL by COPY, the tokens given as tsvector text: they are letters and digits
    only, already casefolded, which is all the 'simple' configuration would do to them.
    """
    if not _postgres():
        with connection.cursor() as cursor:
            cursor.executemany(f"INSERT INTO {TABLE} (rowid, tokens) VALUES (%s, %s)", list(rows))
        return
    with connection.cursor() as cursor:
        raw = cursor.cursor  # psycopg's own cursor, for COPY
        with raw.copy(f"COPY {TABLE} (entry_id, tokens) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)


ENTRY_TABLE = "search_searchentry"
ENTRY_COLUMNS = ("kind", "key", "title", "body", "context", "url", "audience")


def insert_entries(rows: Sequence[tuple[str, ...]]) -> list[int]:
    """Insert new entries (values in ENTRY_COLUMNS order) without the ORM; return their ids.

    A rebuild writes hundreds of thousands: model instances and a compiled INSERT per row cost
    more than the database's own work. On PostgreSQL the ids are drawn from the table's sequence
    first and the rows go by COPY; on SQLite one multi-row INSERT … RETURNING per 1,000 rows,
    its ids matched back by key (RETURNING does not promise the rows' order).
    """
    if not rows:
        return []
    columns = ", ".join(ENTRY_COLUMNS)
    with connection.cursor() as cursor:
        if _postgres():
            cursor.execute(f"SELECT nextval(pg_get_serial_sequence('{ENTRY_TABLE}', 'id')) "
                           "FROM generate_series(1, %s)", [len(rows)])
            ids = [int(i) for (i,) in cursor.fetchall()]
            with cursor.cursor.copy(f"COPY {ENTRY_TABLE} (id, {columns}) FROM STDIN") as copy:
                for pk, row in zip(ids, rows, strict=True):
                    copy.write_row((pk, *row))
            return ids
        if not connection.features.can_return_rows_from_bulk_insert:  # SQLite before 3.35
            from rtis.search.models import SearchEntry

            created = SearchEntry.objects.bulk_create(
                [SearchEntry(**dict(zip(ENTRY_COLUMNS, row, strict=True))) for row in rows])
            return [int(e.pk) for e in created]
        found: list[int] = []
        marks = "(" + ", ".join(["%s"] * len(ENTRY_COLUMNS)) + ")"
        for start in range(0, len(rows), 1000):
            chunk = rows[start:start + 1000]
            cursor.execute(f"INSERT INTO {ENTRY_TABLE} ({columns}) VALUES "
                           + ", ".join([marks] * len(chunk)) + " RETURNING id, kind, key",
                           [value for row in chunk for value in row])
            by_key = {(kind, key): int(pk) for pk, kind, key in cursor.fetchall()}
            found.extend(by_key[(row[0], row[1])] for row in chunk)
        return found


@contextmanager
def bulk_loading() -> Iterator[None]:
    """Around a rebuild: on PostgreSQL, build the GIN index once at the end, not row by row.

    Searches wait for the rebuild's transaction (the index is dropped inside it).
    """
    if not _postgres():
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute(f"DROP INDEX IF EXISTS {TABLE}_gin")
    yield
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE INDEX {TABLE}_gin ON {TABLE} USING gin (tokens)")


def delete(ids: Iterable[int]) -> None:
    """Remove the tokens of these entry ids."""
    ids = list(ids)
    column = "entry_id" if _postgres() else "rowid"
    with connection.cursor() as cursor:
        for start in range(0, len(ids), 500):
            chunk = ids[start:start + 500]
            marks = ", ".join(["%s"] * len(chunk))
            cursor.execute(f"DELETE FROM {TABLE} WHERE {column} IN ({marks})", chunk)


def clear() -> None:
    """Remove every row of the token table."""
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {TABLE}")


def expression(tokens: Sequence[str], prefixes: Sequence[str], kind: str,
               audiences: Sequence[str]) -> str:
    """Return the engine's boolean query: every token, the kind, one of the audiences.

    Tokens come from rtis.lib.bigrams (letters and digits only), so quoting them is enough.
    """
    if _postgres():
        terms = [f"'{t}'" for t in tokens] + [f"'{p}':*" for p in prefixes]
        terms.append(f"'{kind_token(kind)}'")
        terms.append("(" + " | ".join(f"'{audience_token(a)}'" for a in audiences) + ")")
        return " & ".join(terms)
    terms = [f'"{t}"' for t in tokens] + [f'"{p}"*' for p in prefixes]
    terms.append(f'"{kind_token(kind)}"')
    terms.append("(" + " OR ".join(f'"{audience_token(a)}"' for a in audiences) + ")")
    return " AND ".join(terms)


def _matching() -> tuple[str, str]:
    """Return (the id column, the WHERE clause with one parameter) of a match."""
    if _postgres():
        return "entry_id", "tokens @@ to_tsquery('simple', %s)"
    return "rowid", f"{TABLE} MATCH %s"


def counts(expressions: dict[str, str], cap: int) -> dict[str, int]:
    """Return how many entries match each kind's expression, counting at most `cap` (one query)."""
    if not expressions:
        return {}
    column, where = _matching()
    parts = [f"SELECT %s, (SELECT COUNT(*) FROM (SELECT {column} FROM {TABLE} WHERE {where} "
             f"LIMIT {int(cap)}) AS capped)" for _ in expressions]
    params: list[str] = []
    for kind, expr in expressions.items():
        params += [kind, expr]
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(parts), params)
        return {kind: int(n) for kind, n in cursor.fetchall()}


def first_ids(expressions: dict[str, str], limits: dict[str, int],
              offset: int = 0) -> dict[str, list[int]]:
    """Return the first entry ids of each kind's matches, in id order (one query).

    Give each kind a limit no larger than its count of matches when it is known: PostgreSQL
    may read the primary key in order and test each row, and would otherwise read the whole
    table looking for a sixth match of a kind that has five.
    """
    expressions = {k: e for k, e in expressions.items() if limits.get(k, 0) > 0}
    if not expressions:
        return {}
    column, where = _matching()
    parts = [f"SELECT * FROM (SELECT %s AS kind, {column} AS id FROM {TABLE} WHERE {where} "
             f"ORDER BY {column} LIMIT {int(limits[kind])} OFFSET {int(offset)}) AS part{n}"
             for n, kind in enumerate(expressions)]
    params: list[str] = []
    for kind, expr in expressions.items():
        params += [kind, expr]
    found: dict[str, list[int]] = {kind: [] for kind in expressions}
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(parts), params)
        for kind, entry_id in cursor.fetchall():
            found[kind].append(int(entry_id))
    return found


def first_entries(expressions: dict[str, str], limits: dict[str, int],
                  offset: int = 0) -> dict[str, list[Any]]:
    """Return the first entries of each kind's matches, in id order: first_ids and the entries'
    rows in one query (one round trip less per search; on a loaded server each costs)."""
    from rtis.search.models import SearchEntry

    expressions = {k: e for k, e in expressions.items() if limits.get(k, 0) > 0}
    if not expressions:
        return {}
    column, where = _matching()
    parts = [f"SELECT * FROM (SELECT %s AS hit_kind, {column} AS hit_id FROM {TABLE} "
             f"WHERE {where} ORDER BY {column} LIMIT {int(limits[kind])} "
             f"OFFSET {int(offset)}) AS part{n}" for n, kind in enumerate(expressions)]
    params: list[str] = []
    for kind, expr in expressions.items():
        params += [kind, expr]
    entry = SearchEntry._meta.db_table
    found: dict[str, list[Any]] = {kind: [] for kind in expressions}
    rows = SearchEntry.objects.raw(
        f"SELECT e.*, hits.hit_kind FROM ({' UNION ALL '.join(parts)}) AS hits "
        f"JOIN {entry} e ON e.id = hits.hit_id ORDER BY hits.hit_kind, e.id", params)
    for row in rows:
        found[getattr(row, "hit_kind")].append(row)  # noqa: B009 (a raw query's column)
    return found


def size_bytes() -> int | None:
    """Return the disk size of the token table and its index, where the database can tell."""
    with connection.cursor() as cursor:
        if _postgres():
            cursor.execute(f"SELECT pg_total_relation_size('{TABLE}')")
            return int(cursor.fetchone()[0])
        try:
            cursor.execute("SELECT SUM(pgsize) FROM dbstat WHERE name LIKE %s",
                           [f"{TABLE}%"])
        except Exception:  # dbstat is an optional SQLite module
            return None
        value = cursor.fetchone()[0]
        return int(value) if value is not None else None
