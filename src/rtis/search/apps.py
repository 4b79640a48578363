from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class SearchConfig(AppConfig):
    name = "rtis.search"
    label = "search"
    verbose_name = _("검색")

    def ready(self) -> None:
        # The kinds this project indexes register themselves (rtis.search.kinds).
        from rtis.search import kinds  # noqa: F401

        post_migrate.connect(drop_orphan_tokens, sender=self,
                             dispatch_uid="rtis.search.drop_orphan_tokens")


def drop_orphan_tokens(using: str = "default", **_: Any) -> None:
    """After `migrate` or `flush` (Django sends post_migrate after both): remove the tokens of
    entries that are gone. The token table is raw SQL beside search_searchentry, so a flush
    empties the entries but not it; once the key sequence starts again, a new entry would meet
    the old tokens of its id (PostgreSQL: duplicate key on search_tokens_pkey)."""
    from django.db import connections

    from rtis.search import backend

    connection = connections[using]
    with connection.cursor() as cursor:
        if backend.TABLE not in connection.introspection.table_names(cursor):
            return
        column = "entry_id" if connection.vendor == "postgresql" else "rowid"
        cursor.execute(f"DELETE FROM {backend.TABLE} WHERE {column} NOT IN "
                       f"(SELECT id FROM {backend.ENTRY_TABLE})")
