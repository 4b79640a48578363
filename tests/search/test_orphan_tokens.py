"""A flush or migrate leaves no search tokens behind their entries.

The token table is raw SQL beside search_searchentry: Django's flush empties the entries (and on
PostgreSQL restarts their key sequence) but not the tokens, so the next entries of the same ids
met the old tokens (duplicate key on search_tokens_pkey: CI's PostgreSQL leg, after the demo
module's flush). post_migrate, which flush and migrate both send, drops the orphans."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.sql import emit_post_migrate_signal
from django.db import connection

from rtis.search import backend
from rtis.search.models import SearchEntry

pytestmark = pytest.mark.django_db


def tokens() -> set[int]:
    column = "entry_id" if connection.vendor == "postgresql" else "rowid"
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {backend.TABLE}")
        return {int(i) for (i,) in cursor.fetchall()}


def entries(count: int, prefix: str) -> list[int]:
    rows = [("plan", f"{prefix}{n}", f"제목 {n}", "본문", "", f"/x/{prefix}{n}", "public")
            for n in range(count)]
    ids = backend.insert_entries(rows)
    backend.write_new([(i, f"제목 본문 {i}") for i in ids])
    return ids


def test_post_migrate_drops_the_tokens_of_entries_that_are_gone(db: Any) -> None:
    kept, gone = entries(3, "kept"), entries(4, "gone")
    SearchEntry.objects.filter(id__in=gone).delete()  # the tokens stay: no foreign key
    assert set(gone) <= tokens()
    emit_post_migrate_signal(verbosity=0, interactive=False, db="default")
    assert tokens() & set(gone) == set()
    assert set(kept) <= tokens()


def test_a_flush_leaves_no_tokens_and_new_entries_index_again(db: Any) -> None:
    entries(5, "before")
    call_command("flush", interactive=False, verbosity=0)
    assert tokens() == set()
    assert len(entries(5, "after")) == 5  # on PostgreSQL the ids start again: no duplicate key
