"""`rtis ntis import`: the report says which path read the file, and --no-fast forces Python."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection

from rtis.ntis import fastcsv
from rtis.ntis.models import Project
from tests.ntis.conftest import csv_file, synth_rows

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("ntis", "import", *args, "--no-columnar", stdout=out)
    return out.getvalue()


def test_no_fast_reads_with_python_and_says_so(refdata: Any, tmp_path: Path) -> None:
    output = run(str(csv_file(tmp_path, synth_rows(12))), "--no-fast")
    first = output.splitlines()[0]
    assert first.endswith(", Python)") and "12건" in first
    assert Project.objects.count() == 12


def test_the_report_names_the_c_path_when_it_read_the_file(refdata: Any, tmp_path: Path) -> None:
    # PostgreSQL, or the extension not built here: the Python path
    fast = connection.vendor == "sqlite" and fastcsv.available()
    expected = ", C)" if fast else ", Python)"
    output = run(str(csv_file(tmp_path, synth_rows(12))))
    assert output.splitlines()[0].endswith(expected)
    assert Project.objects.count() == 12
