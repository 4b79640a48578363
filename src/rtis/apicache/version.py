"""A cheap data version: one row that changes after every committed write, whatever wrote it.

Audit events are not enough: seed loading, imports' bulk paths, migrations, a flush and raw SQL
write without one (and on PostgreSQL a newest-id is not a version: ids are handed out before
commit, so a transaction that commits later can carry a smaller id). Instead every statement
run through Django's database connections passes `_watch` (an execute wrapper installed on every
connection): the first statement that writes (INSERT, UPDATE, DELETE, REPLACE, DDL, COPY, MERGE;
sessions excepted) in a transaction registers one bump for after the commit; in autocommit the
bump follows the statement. The bump adds a random step to `apicache_dataversion.value` (an
upsert, so a flushed table gets a fresh random value and no version is ever reused).

Why after the commit: a reader reads the version first and the data after. The version only
changes once the data is visible, so an answer computed from old data can never be stored under
the new version (the other way round — new data under the old version — is harmless: that
version is already dead). A rolled-back transaction bumps nothing.

Not seen: writes that do not go through Django's connections — another program on the same
SQLite file or PostgreSQL database, a `sqlite3` shell, psycopg's COPY on the raw connection
(search index and NTIS bulk loads: they also write through Django in the same transaction, which
bumps). After such a write, restart the server or call `bump()`.
"""

from __future__ import annotations

import logging
import secrets
import threading
from collections.abc import Callable
from typing import Any

from django.db import DEFAULT_DB_ALIAS, Error, connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.backends.signals import connection_created
from django.db.models.signals import post_migrate, pre_migrate

log = logging.getLogger(__name__)

TABLE = "apicache_dataversion"
_WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE", "CREATE", "DROP", "ALTER", "TRUNCATE",
           "COPY", "MERGE", "UPSERT")
_IGNORED_TABLES = ("django_session",)  # a staff member's activity stamp is not data
_READ_SQL = f"SELECT value FROM {TABLE} WHERE id = 1"
_BUMP_SQL = (f"INSERT INTO {TABLE} (id, value) VALUES (1, %s) ON CONFLICT (id) DO UPDATE "
             f"SET value = {TABLE}.value + %s")

_local = threading.local()  # .bumping: the bump's own statement must not bump again
_migrating = False
_callbacks: dict[str, Callable[[], None]] = {}


def is_write(sql: str) -> bool:
    """Whether a statement may change data (conservative: when in doubt, it does)."""
    head = sql.lstrip(" \t\r\n(")[:8].upper()  # the longest verb is 8 letters (TRUNCATE)
    if head.startswith(_WRITES):
        return not any(table in sql for table in _IGNORED_TABLES)
    if head.startswith("WITH"):  # a CTE in front of a write
        text = sql.upper()
        return any(f" {verb} " in text or f"\n{verb} " in text or f"){verb} " in text
                   for verb in ("INSERT", "UPDATE", "DELETE", "MERGE"))
    return False


def _bump_on(connection: BaseDatabaseWrapper) -> None:
    _local.bumping = True
    try:
        with connection.cursor() as cursor:
            cursor.execute(_BUMP_SQL, [secrets.randbits(40) + 1, secrets.randbelow(1 << 20) + 1])
    except Error as exc:  # no table yet (before migrate): there is no cache to clear
        log.warning("data version not bumped: %s", exc)
    finally:
        _local.bumping = False


def _callback(alias: str) -> Callable[[], None]:
    """One function per database, so a transaction registers its bump once (found by identity)."""
    if alias not in _callbacks:
        _callbacks[alias] = lambda: _bump_on(connections[alias])
    return _callbacks[alias]


def _watch(execute: Callable[..., Any], sql: str, params: Any, many: bool,
           context: dict[str, Any]) -> Any:
    if _migrating or getattr(_local, "bumping", False) or not isinstance(sql, str) \
            or not is_write(sql):
        return execute(sql, params, many, context)
    connection: BaseDatabaseWrapper = context["connection"]
    if connection.in_atomic_block:
        bump = _callback(connection.alias)
        if not any(entry[1] is bump for entry in connection.run_on_commit):
            connection.on_commit(bump)
        return execute(sql, params, many, context)
    result = execute(sql, params, many, context)
    # autocommit: the statement is committed now; manual transaction: commits with it
    _bump_on(connection)
    return result


def _attach(connection: BaseDatabaseWrapper, **_: Any) -> None:
    if _watch not in connection.execute_wrappers:
        # first, so `with connection.execute_wrapper(...)` blocks pop their own wrapper
        connection.execute_wrappers.insert(0, _watch)


def _migration_starts(**_: Any) -> None:
    global _migrating
    _migrating = True  # the table may not exist yet; the run ends with one bump


def _migration_ends(using: str = DEFAULT_DB_ALIAS, **_: Any) -> None:
    global _migrating
    _migrating = False
    bump(using)


def bump(using: str = DEFAULT_DB_ALIAS) -> None:
    """Change the data version now (after a write Django did not see)."""
    _bump_on(connections[using])


def current(using: str = DEFAULT_DB_ALIAS) -> int | None:
    """The data version as committed now; None when it cannot be read (no table)."""
    connection = connections[using]
    try:
        with connection.cursor() as cursor:
            cursor.execute(_READ_SQL)
            row = cursor.fetchone()
    except Error:  # no table yet, or the connection broke (Django reconnects next request)
        return None
    return int(row[0]) if row else 0


def install() -> None:
    """Watch every connection, the ones already open included (called by the app's ready)."""
    from django.apps import apps

    connection_created.connect(_attach, dispatch_uid="rtis.apicache.attach")
    for connection in connections.all(initialized_only=True):
        _attach(connection)
    pre_migrate.connect(_migration_starts, dispatch_uid="rtis.apicache.pre_migrate")
    post_migrate.connect(_migration_ends, sender=apps.get_app_config("apicache"),
                         dispatch_uid="rtis.apicache.post_migrate")
