"""kill -9 during `rtis load-seed --replace` and `rtis import plan FILE --replace`.

Each command runs as a child process against a database file of its own (SQLite in a temporary
folder; on the PostgreSQL leg a database named rtis_probes_kill_*, created from a template and
dropped by the test). The child is killed with SIGKILL at points spread over its write
transaction: the probe waits until the child holds the database's write lock (SQLite) or has
written in its transaction (PostgreSQL: `backend_xid`), then sleeps a fraction of the writing
time a clean run measured. Afterwards the database must be either exactly as before, or exactly
what a clean run makes: every row of every rtis table (timestamps aside) is compared through
checksums, and SQLite's `PRAGMA integrity_check` must say ok.

The quick run (`make test`) kills a small seed plan's reload and import a few times; the soak
(RTIS_SOAK=1, `make soak`) kills the whole seed's reload and a large plan's import many times
(RTIS_SOAK_KILLS, default 12 per command).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.db import models

from rtis.ingest.backup import rtis_models

ROOT = Path(__file__).resolve().parents[2]
SMALL_PLAN = "st-promotion-5th"  # 28 nodes, 76 budget lines: the quick run
LARGE_PLAN = "innovation-growth-2018"  # 63 nodes, 198 budget lines: the soak
QUICK_KILLS = 3
SOAK_KILLS = int(os.environ.get("RTIS_SOAK_KILLS", "12"))
RESULTS = ROOT / "var" / "kill-probe-results.json"


# --- what a database holds -------------------------------------------------------------------


def tables() -> list[tuple[str, list[str]]]:
    """Every rtis table with the columns compared (date-times are when, not what: left out)."""
    found = []
    for model in rtis_models():
        if model._meta.db_table == "apicache_dataversion":
            # The answer cache's version moves just after a commit: a kill between the two
            # leaves it unmoved with the data complete (bounded by the cache's max age).
            continue
        cols = [f.column for f in model._meta.local_concrete_fields
                if not isinstance(f, models.DateTimeField)]
        found.append((model._meta.db_table, cols))
    return found


def dump(cursor: Any, quote: Callable[[str], str]) -> dict[str, str]:
    """Per table: row count and SHA-256 of its rows in a fixed order."""
    state = {}
    for table, cols in tables():
        cursor.execute(f"SELECT {', '.join(quote(c) for c in cols)} FROM {quote(table)}")
        rows = sorted(json.dumps(list(row), default=str, sort_keys=True)
                      for row in cursor.fetchall())
        state[table] = f"{len(rows)}:{hashlib.sha256(chr(10).join(rows).encode()).hexdigest()}"
    return state


def differences(state: dict[str, str], other: dict[str, str]) -> list[str]:
    return sorted(t for t in state if state[t] != other.get(t))


# --- the two databases -----------------------------------------------------------------------


class Backend:
    """A database the child process writes to, copied afresh from a prepared base."""

    name = ""

    def url(self, which: str) -> str:
        raise NotImplementedError

    def new_base(self) -> None:
        raise NotImplementedError

    def copy_base(self) -> None:
        raise NotImplementedError

    def writing(self) -> bool:
        raise NotImplementedError

    def settle(self) -> None:
        """Wait until the killed child's session is gone."""

    def state(self, which: str = "run") -> dict[str, str]:
        raise NotImplementedError

    def integrity(self) -> str:
        return "ok"

    def execute(self, which: str, sql: str) -> None:
        raise NotImplementedError

    def release(self) -> None:
        """Let go of anything held open on the run database between two probes."""

    def close(self) -> None:
        """Drop what the probe created."""


class SQLiteBackend(Backend):
    name = "sqlite"

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.lock_probe: sqlite3.Connection | None = None

    def path(self, which: str) -> Path:
        return self.folder / f"{which}.sqlite3"

    def url(self, which: str) -> str:
        return f"sqlite:///{self.path(which)}"

    def new_base(self) -> None:
        self.path("base").unlink(missing_ok=True)

    def copy_base(self) -> None:
        self.release()
        for suffix in ("", "-wal", "-shm"):
            Path(f"{self.path('run')}{suffix}").unlink(missing_ok=True)
            source = Path(f"{self.path('base')}{suffix}")
            if source.exists():
                shutil.copy(source, f"{self.path('run')}{suffix}")

    def writing(self) -> bool:
        # The child's transactions begin IMMEDIATE: while one is open, nobody else may begin
        # one. Trying (and giving way at once) does not disturb it.
        if self.lock_probe is None:
            self.lock_probe = sqlite3.connect(self.path("run"), timeout=0,
                                              isolation_level=None)
        try:
            self.lock_probe.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError:
            return True
        self.lock_probe.execute("ROLLBACK")
        return False

    def state(self, which: str = "run") -> dict[str, str]:
        with contextlib.closing(sqlite3.connect(self.path(which))) as connection:
            return dump(connection.cursor(), lambda name: f'"{name}"')

    def integrity(self) -> str:
        with contextlib.closing(sqlite3.connect(self.path("run"))) as connection:
            return ", ".join(row[0] for row in connection.execute("PRAGMA integrity_check"))

    def execute(self, which: str, sql: str) -> None:
        with contextlib.closing(sqlite3.connect(self.path(which))) as connection:
            connection.execute(sql)
            connection.commit()

    def release(self) -> None:
        if self.lock_probe is not None:
            self.lock_probe.close()
            self.lock_probe = None

    def close(self) -> None:
        self.release()


class PostgresBackend(Backend):
    name = "postgresql"

    def __init__(self, database: dict[str, Any]) -> None:
        import psycopg

        self.server = {k: v for k, v in {
            "host": database.get("HOST") or "127.0.0.1", "port": database.get("PORT") or 5432,
            "user": database.get("USER") or "postgres", "password": database.get("PASSWORD")}
            .items() if v}
        suffix = f"{os.getpid()}"
        self.names = {"base": f"rtis_probes_kill_base_{suffix}",
                      "run": f"rtis_probes_kill_run_{suffix}"}
        self.admin = psycopg.connect(dbname="postgres", autocommit=True, **self.server)

    def url(self, which: str) -> str:
        s = self.server
        auth = s["user"] + (f":{s['password']}" if "password" in s else "")
        return f"postgres://{auth}@{s['host']}:{s['port']}/{self.names[which]}"

    def _recreate(self, which: str, template: str | None = None) -> None:
        self.admin.execute(f"DROP DATABASE IF EXISTS {self.names[which]} WITH (FORCE)")
        extra = f" TEMPLATE {self.names[template]}" if template else ""
        self.admin.execute(f"CREATE DATABASE {self.names[which]}{extra}")

    def new_base(self) -> None:
        self._recreate("base")

    def copy_base(self) -> None:
        self._recreate("run", template="base")

    def writing(self) -> bool:
        row = self.admin.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = %s AND backend_xid IS NOT NULL",
            [self.names["run"]]).fetchone()
        return bool(row and row[0])

    def settle(self) -> None:
        # The server rolls back a dead client's transaction once it notices the closed socket.
        for _ in range(500):
            row = self.admin.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = %s",
                                     [self.names["run"]]).fetchone()
            if not row or not row[0]:
                return
            time.sleep(0.02)
        raise AssertionError("the killed client's session is still open after 10 s")

    def _connect(self, which: str) -> Any:
        import psycopg

        return psycopg.connect(dbname=self.names[which], autocommit=True, **self.server)

    def state(self, which: str = "run") -> dict[str, str]:
        with self._connect(which) as connection:
            return dump(connection.cursor(), lambda name: f'"{name}"')

    def execute(self, which: str, sql: str) -> None:
        with self._connect(which) as connection:
            connection.execute(sql)

    def close(self) -> None:
        for name in self.names.values():
            self.admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        self.admin.close()


# --- the child process -----------------------------------------------------------------------


def child_env(url: str, var: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("RTIS_", "DJANGO_"))}
    env.update({"RTIS_DATABASE_URL": url, "RTIS_DEBUG": "1", "RTIS_VAR_DIR": str(var),
                "PYTHONPATH": str(ROOT / "src")})
    return env


def rtis(backend: Backend, var: Path, which: str, *args: str) -> None:
    result = subprocess.run([sys.executable, "-m", "rtis", *args], env=child_env(
        backend.url(which), var), cwd=var, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, f"rtis {' '.join(args)}: {result.stderr[-2000:]}"


@dataclass
class Probe:
    """One command to kill, the state before it and the state a clean run leaves."""

    label: str
    args: list[str]
    before: dict[str, str] = field(default_factory=dict)
    complete: dict[str, str] = field(default_factory=dict)
    window: float = 0.0  # seconds from the first write to the end, in a clean run
    outcomes: Counter[str] = field(default_factory=Counter)


def start(backend: Backend, var: Path, args: list[str]) -> subprocess.Popen[bytes]:
    return subprocess.Popen([sys.executable, "-m", "rtis", *args],
                            env=child_env(backend.url("run"), var), cwd=var,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def wait_for_writes(backend: Backend, child: subprocess.Popen[bytes], limit: float = 300) -> bool:
    """Poll until the child writes (True) or exits (False)."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if child.poll() is not None:
            return False
        if backend.writing():
            return True
        time.sleep(0.005)
    raise AssertionError(f"no write after {limit} s")


def calibrate(backend: Backend, var: Path, probe: Probe) -> None:
    """A clean run: the complete state, and how long the writing lasts."""
    backend.copy_base()
    child = start(backend, var, probe.args)
    assert wait_for_writes(backend, child), "the command finished without writing"
    began = time.monotonic()
    assert child.wait(timeout=600) == 0, f"{probe.label}: a clean run failed"
    probe.window = time.monotonic() - began
    backend.release()
    probe.complete = backend.state()
    assert backend.integrity() == "ok"
    changed = differences(probe.before, probe.complete)
    assert changed, f"{probe.label}: a clean run changes nothing, so a kill could not be seen"


def kill_once(backend: Backend, var: Path, probe: Probe, fraction: float) -> str:
    """Kill the command *fraction* of its writing time after it starts writing; judge the state."""
    backend.copy_base()
    child = start(backend, var, probe.args)
    if fraction < 0:  # before any write: while Django starts
        time.sleep(-fraction)
    elif wait_for_writes(backend, child):
        time.sleep(fraction * probe.window)
    finished = child.poll() is not None
    child.send_signal(signal.SIGKILL)
    child.wait(timeout=60)
    backend.release()
    backend.settle()
    integrity = backend.integrity()
    assert integrity == "ok", f"{probe.label} killed at {fraction:.2f}: {integrity}"
    state = backend.state()
    if state == probe.before:
        outcome = "unchanged"
    elif state == probe.complete:
        outcome = "complete"
    else:
        raise AssertionError(
            f"{probe.label} killed at {fraction:.2f} of its writing: half-written; tables "
            f"differing from before: {differences(state, probe.before)}, from a clean run: "
            f"{differences(state, probe.complete)}")
    outcome += " (had exited)" if finished else ""
    probe.outcomes[outcome] += 1
    return outcome


def fractions(kills: int) -> list[float]:
    """Kill points: one while Django starts, the rest spread over the writing and just past it."""
    return [-0.5] + [1.1 * (i + 0.5) / (kills - 1) for i in range(kills - 1)]


# --- the probes ------------------------------------------------------------------------------


@contextlib.contextmanager
def the_backend(tmp: Path) -> Iterator[Backend]:
    database = settings.DATABASES["default"]
    backend: Backend
    if database["ENGINE"].endswith("postgresql"):
        backend = PostgresBackend(database)
    else:
        backend = SQLiteBackend(tmp)
    try:
        yield backend
    finally:
        backend.close()


def prepare(backend: Backend, var: Path, only: str,
            migrated: Callable[[Path], Path]) -> tuple[Probe, Probe]:
    """A base database holding the seed (one plan, or all), edited so that a reload shows."""
    backend.new_base()
    if isinstance(backend, SQLiteBackend):
        migrated(backend.path("base"))  # a copy of what `rtis migrate` makes
    else:
        rtis(backend, var, "base", "migrate", "-v", "0")
    rtis(backend, var, "base", "load-seed", *(["--only", only] if only else []))
    plan = only or LARGE_PLAN
    exported = var / "plan.json"
    rtis(backend, var, "base", "export", "plan", plan, "--format", "json", "-o", str(exported))
    doc = json.loads(exported.read_text(encoding="utf-8"))
    doc["plan"]["title"] += " (개정)"
    for line in doc.get("budget_lines", []):
        line["amount_won"] = int(line["amount_won"]) + 1000
    replacement = var / "plan-revised.json"
    replacement.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    # An edit the seed's reload undoes.
    backend.execute("base", "UPDATE plans_budgetline SET amount_won = amount_won + 7")
    backend.execute("base", "UPDATE plans_plan SET title = title || ' (수정)'")
    seed = Probe("load-seed --replace" + (f" --only {only}" if only else ""),
                 ["load-seed", "--replace", *(["--only", only] if only else [])])
    plan_import = Probe(f"import plan {plan} --replace",
                        ["import", "plan", str(replacement), "--replace"])
    backend.copy_base()
    seed.before = plan_import.before = backend.state("base")
    return seed, plan_import


def run_probe(tmp: Path, only: str, kills: int, migrated: Callable[[Path], Path]) -> list[Probe]:
    var = tmp / "var"
    var.mkdir(parents=True, exist_ok=True)
    probes: list[Probe] = []
    with the_backend(tmp) as backend:
        for probe in prepare(backend, var, only, migrated):
            calibrate(backend, var, probe)
            for fraction in fractions(kills):
                kill_once(backend, var, probe, fraction)
            probes.append(probe)
        record(backend.name, probes)
    return probes


def record(backend: str, probes: list[Probe]) -> None:
    """Keep the figures for docs/reliability.md (var/kill-probe-results.json)."""
    with contextlib.suppress(OSError, ValueError):
        RESULTS.parent.mkdir(parents=True, exist_ok=True)
        results = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
        for probe in probes:
            results[f"{backend}: {probe.label}"] = {
                "kills": sum(probe.outcomes.values()), "outcomes": dict(probe.outcomes),
                "writing_seconds": round(probe.window, 2),
                "at": time.strftime("%Y-%m-%d %H:%M:%S %Z")}
        RESULTS.write_text(json.dumps(results, ensure_ascii=False, indent=1))


def test_a_killed_reload_or_plan_import_leaves_the_database_as_before_or_complete(
        tmp_path: Path, migrated_sqlite: Callable[[Path], Path]) -> None:
    probes = run_probe(tmp_path, SMALL_PLAN, QUICK_KILLS, migrated_sqlite)
    for probe in probes:
        assert sum(probe.outcomes.values()) == QUICK_KILLS


@pytest.mark.soak
def test_many_kills_during_the_whole_seeds_reload_and_a_large_plans_import(
        tmp_path: Path, migrated_sqlite: Callable[[Path], Path]) -> None:
    probes = run_probe(tmp_path, "", SOAK_KILLS, migrated_sqlite)
    for probe in probes:
        assert sum(probe.outcomes.values()) == SOAK_KILLS
        # Killing part-way through the writing must have been tried, not only before or after.
        assert probe.outcomes["unchanged"] >= 1, probe.outcomes
