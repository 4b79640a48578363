"""The thin path says once, at start, in Korean then English, when it is off because
settings.MIDDLEWARE is not the list it was written against — and says nothing when it is on."""

from __future__ import annotations

import logging
from typing import Any

import pytest

from rtis.apicache import thin


def test_a_changed_middleware_list_turns_thin_reads_off_with_one_bilingual_warning(
        settings: Any, caplog: pytest.LogCaptureFixture) -> None:
    settings.MIDDLEWARE = [*thin.MIDDLEWARE, "django.middleware.gzip.GZipMiddleware"]
    with caplog.at_level(logging.WARNING, logger="rtis.apicache.thin"):
        reads = thin.ThinReads()
    assert not reads.enabled
    [record] = [r for r in caplog.records if r.name == "rtis.apicache.thin"]
    korean, english = record.getMessage().split(" / ")
    assert "빠른 읽기 꺼짐" in korean and "settings.MIDDLEWARE" in korean
    assert english.startswith("thin reads off: settings.MIDDLEWARE differs")


def test_the_list_it_was_written_against_turns_thin_reads_on_silently(
        settings: Any, caplog: pytest.LogCaptureFixture) -> None:
    settings.MIDDLEWARE = list(thin.MIDDLEWARE)
    with caplog.at_level(logging.WARNING, logger="rtis.apicache.thin"):
        reads = thin.ThinReads()
    assert reads.enabled and not [r for r in caplog.records if r.name == "rtis.apicache.thin"]
