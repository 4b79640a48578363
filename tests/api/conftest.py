"""Fixtures of the API tests that drive the WSGI application directly (schemathesis)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.core import signals
from django.db import close_old_connections


@pytest.fixture
def keep_test_connection() -> Iterator[None]:
    """Stop the raw WSGI app from closing the test's connection after each request.

    Django's test client does the same; on PostgreSQL a closed connection would end the test's
    transaction.
    """
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)
