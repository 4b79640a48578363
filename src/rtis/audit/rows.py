"""Insert thousands of rows of one model in one statement, from plain values.

Django's bulk_create prepares every value through the field and compiles a placeholder per
value (≈ 10–30 µs each: 0.2–0.6 s for 2,000 rows of ten fields), and on SQLite it splits the
rows into batches of 999 parameters, so the number of statements grows with the rows. Set-wise
actions (a selection's 2,000 results and their audit events) use this instead: one executemany
on SQLite, one INSERT … SELECT FROM UNNEST(arrays) on PostgreSQL (what bulk_create itself sends
there since Django 5.2), with only the values that need it adapted (dates, decimals, JSON).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import connection, models

# Field types whose Python values the database driver cannot take as they are.
ADAPTED = {"DateTimeField", "DateField", "TimeField", "DecimalField", "JSONField", "UUIDField",
           "DurationField"}


def insert_rows(model: type[models.Model], fields: Sequence[str],
                rows: Sequence[Sequence[Any]]) -> int:
    """Insert `rows` (values in the order of `fields`, by attname, e.g. 'stage_id') into the
    model's table in one statement and return how many; no defaults are applied and no ids come
    back, so give every column that is not null and read the rows back if ids are needed."""
    if not rows:
        return 0
    meta = model._meta
    columns: list[models.Field[Any, Any]] = []
    for name in fields:
        field = meta.get_field(name)
        if not isinstance(field, models.Field) or field.column is None:
            raise ValueError(f"{meta.label}.{name} is not a column")
        columns.append(field)
    values = [list(row) for row in rows]
    for index, field in enumerate(columns):
        if field.get_internal_type() in ADAPTED:
            done: dict[Any, Any] = {}  # one decided_at for 2,000 rows is adapted once
            for row in values:
                value = row[index]
                try:
                    row[index] = done[type(value), value]  # the type: True is not 1 in JSON
                except KeyError:
                    row[index] = done[type(value), value] = field.get_db_prep_save(value,
                                                                                   connection)
                except TypeError:  # unhashable (JSON objects)
                    row[index] = field.get_db_prep_save(value, connection)
    quote = connection.ops.quote_name
    names = ", ".join(quote(str(field.column)) for field in columns)
    table = quote(meta.db_table)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Parameters of varchar(300) become varchar[]: no truncation (as bulk_create does).
            arrays = ", ".join(f"%s::{str(field.db_type(connection)).split('(')[0]}[]"
                               for field in columns)
            cursor.execute(f"INSERT INTO {table} ({names}) SELECT * FROM UNNEST({arrays})",
                           [list(column) for column in zip(*values, strict=True)])
        else:
            marks = ", ".join(["%s"] * len(columns))
            cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", values)
    return len(values)
