"""National data fixtures: the reference lists loaded, and small synthetic files."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from rtis.ingest.seed import SEED_DIR
from rtis.ntis.synth import Synth, write_csv
from rtis.refdata.seed import load_refdata


@pytest.fixture
def refdata(db: Any) -> list[str]:
    return load_refdata(None, sorted((SEED_DIR / "refdata").glob("*.yaml")))


def synth_rows(count: int, seed: int = 7) -> list[dict[str, Any]]:
    return list(Synth(seed).rows(count))


def csv_file(tmp_path: Path, rows: list[dict[str, Any]], name: str = "projects.csv",
             encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    with path.open("w", encoding=encoding, newline="") as out:
        write_csv(iter(rows), out)
    return path
