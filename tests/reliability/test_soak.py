"""The concurrency soak, short: a real server, clients racing on every versioned object.

`make soak` runs it long on SQLite and PostgreSQL (scripts/soak.py); here a few seconds on the
database this leg of the suite uses. The judge itself is tested on made-up outcomes first.
"""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]
spec = importlib.util.spec_from_file_location("rtis_soak", ROOT / "scripts" / "soak.py")
assert spec is not None and spec.loader is not None
soak_script: Any = importlib.util.module_from_spec(spec)
sys.modules["rtis_soak"] = soak_script
spec.loader.exec_module(soak_script)


def test_the_judge_accepts_a_clean_history() -> None:
    successes = [(1, "a"), (2, "b"), (3, "c")]
    assert soak_script.check_object("node", 1, 0, "x", 4, 3, "c", successes) == []


def test_a_save_that_changes_nothing_needs_no_audit_event() -> None:
    successes = [(1, "a"), (2, "a"), (3, "c")]
    assert soak_script.check_object("node", 1, 0, "x", 4, 2, "c", successes) == []


@pytest.mark.parametrize(("final", "events", "stored", "successes", "says"), [
    (3, 3, "c", [(1, "a"), (1, "b"), (2, "c")], "more than once"),  # a lost update
    (4, 2, "c", [(1, "a"), (2, "b"), (3, "c")], "update events"),  # a success not audited
    (5, 3, "c", [(1, "a"), (2, "b"), (3, "c")], "expected"),  # a write nobody saw succeed
    (4, 3, "b", [(1, "a"), (2, "b"), (3, "c")], "last success"),  # not the last value
])
def test_the_judge_names_each_kind_of_lost_or_phantom_write(
    final: int, events: int, stored: str, successes: list[tuple[int, str]], says: str
) -> None:
    problems = soak_script.check_object("node", 1, 0, "x", final, events, stored, successes)
    assert any(says in p for p in problems), problems


def test_a_short_soak_loses_nothing_on_this_database(
        tmp_path: Path, migrated_sqlite: Callable[[Path], Path]) -> None:
    engine = settings.DATABASES["default"]["ENGINE"]
    migrated = None
    if engine.endswith("postgresql"):
        import os

        database = os.environ.get("RTIS_DATABASE_URL", "")
    else:
        database = "sqlite"
        migrated = migrated_sqlite(tmp_path / "migrated.sqlite3")
    figures = soak_script.soak(database, clients=4, seconds=4, kinds=list(soak_script.KINDS),
                               migrated=migrated)
    assert figures["server_errors"] == {}, figures["errors"]
    assert figures["problems"] == []
    assert sum(figures["successes"].values()) >= len(soak_script.KINDS), figures
