"""Shared set-up of the benchmark scripts: a fresh SQLite database with the Seoul seed."""

from __future__ import annotations

import os
import statistics
import tempfile
import time
from pathlib import Path


def seeded_django(**environment: str) -> None:
    """Point Django at a new SQLite file under /tmp, migrate, and load the seed dataset."""
    tmp = Path(tempfile.mkdtemp(prefix="rtis-bench-"))
    os.environ.setdefault("RTIS_DATABASE_URL", f"sqlite:///{tmp / 'bench.sqlite3'}")
    os.environ.setdefault("RTIS_VAR_DIR", str(tmp))
    for name, value in {"RTIS_DEBUG": "1", **environment}.items():
        os.environ.setdefault(name, value)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rtis.config.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    with open(os.devnull, "w") as quiet:
        call_command("load_seed", stdout=quiet)


def measure(client: object, path: str, rounds: int) -> tuple[float, float, int]:
    """Return the median and p95 seconds of GET path over rounds, and one request's query count."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        response = client.get(path)  # type: ignore[attr-defined]
        times.append(time.perf_counter() - start)
        assert response.status_code == 200, (path, response.status_code)
    with CaptureQueriesContext(connection) as queries:
        client.get(path)  # type: ignore[attr-defined]
    times.sort()
    return statistics.median(times), times[int(len(times) * 0.95) - 1], len(queries)
