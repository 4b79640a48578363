"""Reference code lists loaded from the seed files, the way `load_seed` loads them."""

from __future__ import annotations

from typing import Any

import pytest

from rtis.ingest.seed import SEED_DIR
from rtis.refdata.seed import load_refdata


@pytest.fixture
def refdata(db: Any) -> list[str]:
    return load_refdata(None, sorted((SEED_DIR / "refdata").glob("*.yaml")))
