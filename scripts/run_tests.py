"""Run the checks `make test` promises: ruff, mypy, pytest on SQLite, pytest on PostgreSQL.

The PostgreSQL leg runs when RTIS_TEST_POSTGRES_URL is set or a server answers on
127.0.0.1:5432; otherwise it is skipped with a clear line (CI sets RTIS_TEST_POSTGRES_REQUIRED=1,
which turns a missing server into a failure).
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
DEFAULT_POSTGRES = "postgres://postgres@127.0.0.1:5432/postgres"


def run(title: str, command: list[str], env: dict[str, str] | None = None) -> None:
    print(f"\n=== {title}: {' '.join(command)}", flush=True)
    result = subprocess.run(command, cwd=ROOT, env={**os.environ, **(env or {})}, check=False)
    if result.returncode != 0:
        print(f"=== FAILED: {title} (exit {result.returncode})", flush=True)
        sys.exit(result.returncode)


def postgres_url() -> str | None:
    url = os.environ.get("RTIS_TEST_POSTGRES_URL")
    if url:
        return url
    try:
        with socket.create_connection(("127.0.0.1", 5432), timeout=1):
            return DEFAULT_POSTGRES
    except OSError:
        return None


def main() -> None:
    # One pytest worker per core (pytest-xdist; each worker has its own test database). Work
    # stealing: each worker starts on its own half of the (ordered) tests and takes from the
    # other's tail when done, so a module's tests mostly stay on one worker and a module-scoped
    # fixture (tests.conftest.module_data: the seed loaded once) is built once, not per chunk.
    workers = os.environ.get("RTIS_TEST_WORKERS", "auto")
    extra = (["-n", workers, "--dist", "worksteal", *sys.argv[1:]] if workers != "0"
             else sys.argv[1:])
    run("ruff", [str(BIN / "ruff"), "check", "src", "tests", "benchmarks", "scripts"])
    run("mypy", [str(BIN / "mypy")])
    sqlite_env = {"RTIS_DATABASE_URL": "sqlite:///" + str(ROOT / "var" / "test.sqlite3")}
    run("pytest on SQLite", [str(BIN / "pytest"), *extra], sqlite_env)
    url = postgres_url()
    if url is None:
        if os.environ.get("RTIS_TEST_POSTGRES_REQUIRED"):
            print("=== FAILED: PostgreSQL leg required but no server answers on 127.0.0.1:5432")
            sys.exit(1)
        print("\n=== SKIPPED: PostgreSQL leg (no RTIS_TEST_POSTGRES_URL and nothing answers on "
              "127.0.0.1:5432). The suite ran on SQLite only.")
        return
    # The second leg leaves out the tests that cannot see its database (tests/conftest.py,
    # DATABASE_FREE: rtis.lib's and the child-process start-up tests without `db`) and the
    # browser flows not marked each_database (what they check is the page in Chromium; the code
    # under it runs through Django's client on both legs); every other test that uses the
    # database runs on both.
    run("pytest on PostgreSQL", [str(BIN / "pytest"), *extra],
        {"RTIS_DATABASE_URL": url, "RTIS_TEST_SECOND_LEG": "1"})
    print("\n=== make test: ruff, mypy, SQLite and PostgreSQL legs all passed")


if __name__ == "__main__":
    main()
