"""A refused request is logged as one line, not a traceback; real faults keep theirs."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client

from rtis.lib.logfilters import OneLineRefusals

pytestmark = pytest.mark.django_db


class Keep(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@pytest.fixture
def request_log() -> Iterator[Keep]:
    keep = Keep()
    logger = logging.getLogger("django.request")
    logger.addHandler(keep)
    try:
        yield keep
    finally:
        logger.removeHandler(keep)


def test_a_403_is_logged_as_one_line_without_a_traceback(
    request_log: Keep, viewer: Any, plan: Any
) -> None:
    client = Client()
    client.force_login(viewer)
    response = client.get("/checks/")
    assert response.status_code == 403
    refused = [r for r in request_log.records if getattr(r, "status_code", None) == 403]
    assert refused and all(r.exc_info is None for r in refused)
    text = logging.Formatter("%(levelname)s %(name)s: %(message)s").format(refused[0])
    assert "\n" not in text and "/checks/" in text


def test_the_filter_keeps_the_traceback_of_anything_else() -> None:
    try:
        raise RuntimeError("boom")
    except RuntimeError:
        import sys

        info = sys.exc_info()
    record = logging.LogRecord("django.request", logging.ERROR, __file__, 1, "Internal", None, info)
    record.status_code = 500
    assert OneLineRefusals().filter(record) and record.exc_info is info
