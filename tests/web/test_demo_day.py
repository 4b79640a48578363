"""The demo's day is kept in the var folder and read by every `rtis` command before Django."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from rtis.cli import _use_demo_today
from rtis.lib.demo_day import DEMO_TODAY, read_demo_today, write_demo_today


@pytest.fixture
def var_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("RTIS_VAR_DIR", str(tmp_path / "var"))
    monkeypatch.setenv("RTIS_TODAY", "")  # recorded, so whatever the test sets is undone
    monkeypatch.delenv("RTIS_TODAY")
    return tmp_path / "var"


def test_rtis_demo_stores_the_demo_day_and_fixes_today(
        var_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import os

    _use_demo_today(create=True)
    assert (var_dir / "today").read_text(encoding="utf-8").strip() == "2022-03-15"
    assert os.environ["RTIS_TODAY"] == "2022-03-15"
    assert "데모 기준일 2022-03-15" in capsys.readouterr().err


def test_other_commands_read_the_stored_day_but_never_create_it(
        var_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import os

    _use_demo_today(create=False)
    assert "RTIS_TODAY" not in os.environ and not (var_dir / "today").exists()
    write_demo_today(var_dir, dt.date(2022, 6, 30))
    _use_demo_today(create=False)
    assert os.environ["RTIS_TODAY"] == "2022-06-30"


def test_an_rtis_today_in_the_environment_wins(var_dir: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    import os

    write_demo_today(var_dir)
    monkeypatch.setenv("RTIS_TODAY", "")  # empty: follow the clock
    _use_demo_today(create=True)
    assert os.environ["RTIS_TODAY"] == ""


def test_a_stored_day_is_never_overwritten(tmp_path: Path) -> None:
    assert write_demo_today(tmp_path, dt.date(2022, 1, 3))
    assert not write_demo_today(tmp_path)
    assert read_demo_today(tmp_path) == "2022-01-03"
    assert DEMO_TODAY.year == 2022
