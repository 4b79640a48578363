"""Scratch resources for the long probes (soak, benchmarks): a free local port, and a fresh
PostgreSQL database beside the one a URL names. No Django: the probes run before setup."""

from __future__ import annotations

import os
import secrets
import socket
import urllib.parse
from collections.abc import Callable


def free_port() -> int:
    """Return a TCP port on 127.0.0.1 that nothing listens on now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def postgres_database(url: str, prefix: str) -> tuple[str, Callable[[], None]]:
    """Create a fresh database next to the one the URL names; return its URL and a dropper."""
    import psycopg

    parsed = urllib.parse.urlsplit(url)
    name = f"{prefix}_{os.getpid()}_{secrets.token_hex(3)}"
    # The server's maintenance database: the URL may name one that does not exist yet.
    admin = psycopg.connect(urllib.parse.urlunsplit(parsed._replace(path="/postgres")),
                            autocommit=True)
    admin.execute(f'CREATE DATABASE "{name}"')

    def drop() -> None:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()

    return urllib.parse.urlunsplit(parsed._replace(path="/" + name)), drop
