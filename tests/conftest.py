"""Shared fixtures: a sample plan loaded through the import path, and users with different rights."""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import importlib
import json
import os
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.db import transaction
from django.test import Client, override_settings

from rtis.ingest.actions import do_import_plan
from rtis.ingest.planfile import parse_plan_doc
from rtis.orgs.actions import do_create_user, find_department
from rtis.orgs.models import Role, User
from rtis.plans.models import FundingSource, Plan
from tests.factories import sample_plan_doc
from tests.openapi import assert_matches_openapi

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's loop in browser tests
PASSWORD = "correct-horse-battery"


def import_doc(doc: dict[str, Any]) -> Plan:
    """Import a plan document the way `rtis import plan` does."""
    from rtis.ingest.actions import known_department_names

    parsed = parse_plan_doc(json.loads(json.dumps(doc)), "test",
                            set(FundingSource.objects.values_list("code", flat=True)),
                            known_department_names())
    return do_import_plan(None, parsed)


def ensure_funding_sources() -> None:
    """Recreate the migration's funding sources (a transactional test's flush removes them)."""
    from django.apps import apps

    migration = importlib.import_module("rtis.plans.migrations.0002_funding_sources")
    migration.create_sources(apps, None)


@pytest.fixture
def plan(db: Any) -> Plan:
    """The sample plan (published), with departments 경제정책과, 신성장산업과, 문화융합경제과."""
    ensure_funding_sources()
    return import_doc(sample_plan_doc())


@pytest.fixture
def private_plan(db: Any, plan: Plan) -> Plan:
    """An unpublished plan sharing the sample's departments."""
    doc = sample_plan_doc(slug="private-plan", title="비공개 계획", published=False)
    doc["departments"] = []
    return import_doc(doc)


FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def fast_password_hashing(settings: Any) -> None:
    """Hash test users' passwords with a fast hasher: PBKDF2's cost is a production setting,
    and it made user fixtures most of the suite's time. Production hashing is untouched."""
    settings.PASSWORD_HASHERS = FAST_HASHERS


# Copies of what a shared `build()` wrote (module_data(..., share=True)), per
# process: {key: (build's value, {table: (columns, rows or COPY bytes)})}.
_SNAPSHOTS: dict[str, tuple[Any, dict[str, Any]]] = {}
# Never copied: the applied migrations (the same everywhere) and the API cache's data version
# (a copied old version could make an answer cached before valid again).
_UNCOPIED = frozenset({"django_migrations", "apicache_dataversion"})


def _snapshot_tables(cursor: Any) -> tuple[list[str], set[str]]:
    """Every table of the test database worth copying, and which of them are virtual: on SQLite
    the search tokens' FTS5 table is copied through itself, never through its shadow tables."""
    from django.db import connection

    names = set(connection.introspection.table_names(cursor)) - _UNCOPIED
    virtual: set[str] = set()
    if connection.vendor == "sqlite":
        cursor.execute("SELECT name FROM sqlite_master WHERE sql LIKE 'CREATE VIRTUAL TABLE%'")
        virtual = {name for (name,) in cursor.fetchall()}
        names = {n for n in names if not any(n.startswith(v + "_") for v in virtual)}
    return sorted(names), virtual


def _take_snapshot() -> dict[str, Any]:
    """Read every table as the current transaction sees it (on SQLite also sqlite_sequence, the
    AUTOINCREMENT counters)."""
    from django.db import connection

    snapshot: dict[str, Any] = {}
    with connection.cursor() as cursor:
        tables, virtual = _snapshot_tables(cursor)
        for table in tables:
            if connection.vendor == "postgresql":
                with cursor.cursor.copy(f'COPY "{table}" TO STDOUT') as copy:
                    snapshot[table] = b"".join(bytes(chunk) for chunk in copy)
                continue
            cursor.execute(f'SELECT * FROM "{table}" LIMIT 0')
            columns = [column[0] for column in cursor.description]
            if table in virtual:  # FTS5's rowid is hidden from SELECT *
                columns = ["rowid", *columns]
            # A unary plus returns the stored value unchanged but without the column's declared
            # type, so Django's SQLite converters (dates, decimals) leave it as stored.
            cursor.execute(f'SELECT {", ".join("+" + _quote(c) for c in columns)} FROM "{table}"')
            snapshot[table] = (columns, cursor.fetchall())
        if connection.vendor == "sqlite":
            cursor.execute("SELECT name FROM sqlite_master WHERE name = 'sqlite_sequence'")
            rows: list[Any] = []
            if cursor.fetchall():
                cursor.execute("SELECT name, seq FROM sqlite_sequence")
                rows = cursor.fetchall()
            snapshot[_SEQUENCES] = (["name", "seq"], rows)
    return snapshot


_SEQUENCES = "sqlite_sequence"


def _quote(column: str) -> str:
    return column if column == "rowid" else f'"{column}"'


def _restore_snapshot(snapshot: dict[str, Any]) -> None:
    """Make every copied table hold exactly the snapshot's rows (foreign keys are checked at the
    end of the transaction: Django declares them deferrable), sequences after the largest ids."""
    from django.contrib.contenttypes.models import ContentType
    from django.core.management.color import no_style
    from django.db import connection

    with connection.cursor() as cursor:
        tables = sorted(snapshot)
        if connection.vendor == "postgresql":
            # DELETE, not TRUNCATE: most tables are empty, and TRUNCATE gives each table new
            # files. One round trip for all (no parameters: psycopg sends them as one query).
            cursor.execute("; ".join(f'DELETE FROM "{t}"' for t in tables))
            for table in tables:
                if snapshot[table]:
                    with cursor.cursor.copy(f'COPY "{table}" FROM STDIN') as copy:
                        copy.write(snapshot[table])
            from django.apps import apps

            cursor.execute(" ".join(connection.ops.sequence_reset_sql(
                no_style(), apps.get_models(include_auto_created=True))))
        else:
            tables = [t for t in tables if t != _SEQUENCES] + [_SEQUENCES]  # counters last:
            for table in tables:  # inserting with explicit ids writes counters of its own
                cursor.execute(f'DELETE FROM "{table}"')
            for table in tables:
                if table == _SEQUENCES:
                    cursor.execute(f'DELETE FROM "{table}"')
                columns, rows = snapshot[table]
                if rows:
                    cursor.executemany(
                        f'INSERT INTO "{table}" ({", ".join(_quote(c) for c in columns)}) '
                        f'VALUES ({", ".join(["%s"] * len(columns))})', rows)
    ContentType.objects.clear_cache()  # the copied ids may differ from the cached ones


def _built_once(key: str, build: Callable[[], Any]) -> Any:
    """Run `build()` the first time this process asks for `key`; later, put the tables back as
    that build left them (a copy, table by table) instead of building again: loading the whole
    seed costs seconds of CPU, copying its few thousand rows back a fraction of that. Inside
    module_data's transaction only (the copy's starting point is a migrated, empty database)."""
    if key in _SNAPSHOTS:
        value, snapshot = _SNAPSHOTS[key]
        _restore_snapshot(snapshot)
        return value
    with override_settings(PASSWORD_HASHERS=FAST_HASHERS):
        value = build()
    _SNAPSHOTS[key] = (value, _take_snapshot())
    return value


def module_data(build: Callable[[], Any], share: bool = False) -> Any:
    """A module-scoped fixture whose data `build()` writes ONCE per module (per xdist worker)
    instead of once per test: loading the seed or the demo per test was a large part of the
    suite's time.

    The data are written inside a transaction that is rolled back after the module's last test,
    so nothing outlives the module. Every test using the fixture still runs in its own
    transaction (the `django_db` mark is added to it), a savepoint
    inside that one, rolled back after the test: a test may change or delete the shared data
    freely, and the next test sees them as built. Tests of the module that do not use the
    fixture run before it is built (`pytest_collection_modifyitems` below), on an empty database.
    Not for transactional tests (live_server, transaction=True): they would commit and flush.

    With share=True, modules passing the same `build` function (e.g. load_whole_seed) share one
    build per process: later modules get a copy of its rows (_built_once), still inside their
    own rolled-back transaction.
    """
    key = f"{build.__module__}.{build.__qualname__}" if share else None
    return _module_fixture(build, key)


def _module_fixture(build: Callable[[], Any], key: str | None) -> Any:
    def shared(django_db_setup: Any, django_db_blocker: Any) -> Iterator[Any]:
        with django_db_blocker.unblock():
            outer = transaction.atomic()
            outer.__enter__()
            try:
                if key is not None:
                    value = _built_once(key, build)
                else:
                    with override_settings(PASSWORD_HASHERS=FAST_HASHERS):
                        value = build()
            except BaseException:
                transaction.set_rollback(True)
                outer.__exit__(None, None, None)
                raise
        try:
            yield value
        finally:
            with django_db_blocker.unblock():
                transaction.set_rollback(True)
                outer.__exit__(None, None, None)
                if key is not None:
                    from django.contrib.contenttypes.models import ContentType

                    ContentType.objects.clear_cache()

    shared.module_data = True  # type: ignore[attr-defined]
    return pytest.fixture(scope="module")(shared)


def load_whole_seed() -> None:
    """Everything under seed/, the migrations' funding sources first (a transactional test's
    flush removes them). For module_data(load_whole_seed, share=True)."""
    from rtis.ingest.seed import load_seed

    ensure_funding_sources()
    load_seed()


def load_seed_of(slug: str) -> Callable[[], None]:
    """A build loading one plan's seed file (and its sessions); the same function object per
    slug, so module_data(load_seed_of(slug), share=True) shares one build per slug."""
    if slug not in _SEED_BUILDS:
        def load() -> None:
            from rtis.ingest.seed import load_seed

            ensure_funding_sources()
            load_seed(only=slug)

        load.__qualname__ = f"load_seed_of[{slug}]"
        _SEED_BUILDS[slug] = load
    return _SEED_BUILDS[slug]


_SEED_BUILDS: dict[str, Callable[[], None]] = {}


def _django_order(item: Any) -> int:
    """pytest-django's order of tests: 0 in a transaction, 1 transactional, 2 no database."""
    from pytest_django.fixtures import validate_django_db

    marker = item.get_closest_marker("django_db")
    transactional = False
    if marker is not None:
        transactional, reset_sequences, *_ = validate_django_db(marker)
        transactional = transactional or reset_sequences
    names = getattr(item, "fixturenames", [])
    if transactional or "transactional_db" in names or "live_server" in names:
        return 1
    return 0 if marker is not None or "db" in names else 2


def _uses_module_data(item: Any) -> bool:
    info = getattr(item, "_fixtureinfo", None)
    if info is None:
        return False
    return any(getattr(defs[-1].func, "module_data", False)
               for name, defs in info.name2fixturedefs.items()
               if defs and name in item.fixturenames)


# Tests that cannot see the database of the leg they run in, whatever it is: rtis.lib imports
# nothing from Django, and these modules run `rtis` in a child process with an environment of their
# own (no RTIS_DATABASE_URL, or an SQLite file of their own). Only their tests that use no test
# database (pytest-django blocks any access) are meant, never a test with `db`.
# The second group: modules whose tests without `db` are pure computations (report renderers,
# property tests of the checkers and projections, template scans, parsers) that neither read the
# database's vendor nor start a process with the leg's RTIS_DATABASE_URL.
DATABASE_FREE = ("tests/lib/", "tests/config/test_settings.py", "tests/test_cli.py",
                 "tests/test_cli_stored_key.py",
                 "tests/checks/test_consistency.py", "tests/checks/test_claims.py",
                 "tests/config/test_env_int.py", "tests/dashboards/test_projection.py",
                 "tests/dashboards/test_rules.py", "tests/facilities/test_rules.py",
                 "tests/ingest/test_export_stream.py", "tests/ingest/test_table_extraction.py",
                 "tests/ntis/test_rows.py", "tests/reports/test_hwpx.py",
                 "tests/reports/test_pdf.py", "tests/reports/test_xlsx.py",
                 "tests/web/test_csp.py", "tests/web/test_i18n.py")


def _first_leg_only(item: Any) -> bool:
    """A browser flow not marked each_database: what it checks is the page in Chromium (scripts,
    layout, forms, the policy), and the server-side code under it is tested through Django's
    client on both legs. Flows whose outcome rests on the database (two people's version
    conflict, a month's approval and lock, a queue approved at once, full-text search) are
    marked each_database and run on both."""
    return "browser" in item.keywords and item.get_closest_marker("each_database") is None


def _deselect_database_free(config: Any, items: list[Any]) -> None:
    """The second database leg of `make test` (scripts/run_tests.py sets RTIS_TEST_SECOND_LEG=1)
    leaves out the DATABASE_FREE tests without database access: the first leg ran exactly the same
    code against nothing that differs between the legs; and the browser flows not marked
    each_database (_first_leg_only)."""
    root = str(config.rootpath)
    gone = [item for item in items if _first_leg_only(item) or (
        _django_order(item) == 2
        and os.path.relpath(str(item.path), root).replace(os.sep, "/").startswith(DATABASE_FREE))]
    if gone:
        ids = {id(item) for item in gone}
        items[:] = [item for item in items if id(item) not in ids]
        config.hook.pytest_deselected(items=gone)


def _migrations_digest() -> str:
    """A digest of every migration file: a migrated template is reused only for the same ones."""
    root = Path(__file__).resolve().parents[1] / "src" / "rtis"
    digest = hashlib.sha256()
    for path in sorted(root.glob("*/migrations/*.py")):
        digest.update(str(path.relative_to(root)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]


@pytest.fixture(scope="session")
def migrated_sqlite(tmp_path_factory: Any) -> Callable[[Path], Path]:
    """Put a freshly migrated SQLite database at a path, for tests whose `rtis` child processes
    need one: `rtis migrate` runs once per test session in a child process (as the tests did
    each time, several seconds of CPU apiece), shared by the xdist workers through a lock, and
    each test gets a copy of its file."""
    shared = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        shared = shared.parent  # this session's folder, the same for each of its workers
    template = shared / f"migrated-{_migrations_digest()}.sqlite3"

    def build() -> None:
        building = template.with_suffix(".building")
        for suffix in ("", "-wal", "-shm"):
            Path(f"{building}{suffix}").unlink(missing_ok=True)
        env = {k: v for k, v in os.environ.items() if not k.startswith(("RTIS_", "DJANGO_"))}
        env.update({"RTIS_DATABASE_URL": f"sqlite:///{building}", "RTIS_DEBUG": "1",
                    "RTIS_VAR_DIR": str(shared / "migrated-var")})
        result = subprocess.run([sys.executable, "-m", "rtis", "migrate", "--noinput", "-v", "0"],
                                env=env, cwd=shared, capture_output=True, text=True, timeout=600)
        assert result.returncode == 0, f"rtis migrate:\n{result.stdout}\n{result.stderr}"
        with contextlib.closing(sqlite3.connect(building)) as connection:
            # Everything into the one file (WAL mode stays set in it, as migrate left it).
            connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        building.rename(template)

    def copy_to(path: Path) -> Path:
        if not template.exists():
            with (shared / "migrated.lock").open("w") as lock:
                fcntl.flock(lock, fcntl.LOCK_EX)
                if not template.exists():
                    build()
        path.parent.mkdir(parents=True, exist_ok=True)
        for suffix in ("-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        shutil.copyfile(template, path)
        return path

    return copy_to


def _user(username: str, role: str, departments: list[str] | None = None) -> User:
    found = [find_department(n) for n in departments or []]
    return do_create_user(None, username, PASSWORD, role, [d for d in found if d is not None])


@pytest.fixture
def planner(plan: Plan) -> User:
    return _user("planner", Role.PLANNER)


@pytest.fixture
def officer(plan: Plan) -> User:
    """An officer of 신성장산업과, which owns task 2-1."""
    return _user("officer", Role.OFFICER, ["신성장산업과"])


@pytest.fixture
def other_officer(plan: Plan) -> User:
    """An officer of 문화융합경제과, which owns nothing in the sample plan."""
    return _user("other", Role.OFFICER, ["문화융합경제과"])


@pytest.fixture
def viewer(plan: Plan) -> User:
    """A council member: reads everything, writes nothing."""
    return _user("viewer", Role.VIEWER)


def client_for(user: User | None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def api() -> Any:
    """A client whose /api/v1/ responses are all checked against the OpenAPI document."""

    class ApiClient:
        def __init__(self) -> None:
            self.client = Client()

        def login(self, user: User) -> None:
            self.client.force_login(user)

        def get(self, path: str, **params: Any) -> Any:
            response = self.client.get(path, params)
            assert_matches_openapi("get", path, response)
            return response

        def request(self, method: str, path: str) -> Any:
            return getattr(self.client, method)(path)

    return ApiClient()


def pytest_collection_modifyitems(config: Any, items: list[Any]) -> None:
    """Skip the long probes (marker `soak`) unless RTIS_SOAK=1 (`make soak`): the quick suite
    stays quick, and `-m browser` or any other selection keeps working.

    Tests using a `module_data` fixture run in their own transaction (django_db) and after the
    other tests of their module (which then never see the module's shared data); the order is
    otherwise kept."""
    shared = {id(item) for item in items if _uses_module_data(item)}
    if shared:
        for item in items:
            if id(item) in shared and item.get_closest_marker("django_db") is None:
                item.add_marker(pytest.mark.django_db)
        # pytest-django has sorted the items (database tests, transactional ones, the rest)
        # before the marks above: sort again the same way, stably, with the tests using shared
        # data after the others (each module's own still together, in their order).
        items.sort(key=lambda item: (_django_order(item), id(item) in shared))
    if os.environ.get("RTIS_TEST_SECOND_LEG") == "1":
        _deselect_database_free(config, items)
    if os.environ.get("RTIS_SOAK") == "1":
        return
    skip = pytest.mark.skip(reason="soak: run with RTIS_SOAK=1 (make soak)")
    for item in items:
        if "soak" in item.keywords:
            item.add_marker(skip)
