"""The `rtis` console script: bilingual help, clear refusals, and every subcommand reachable."""

from __future__ import annotations

import functools
import os
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from rtis.cli import COMMANDS, main

HANGUL = re.compile("[가-힣]")


def run_rtis(tmp_path: Path, *args: str, **variables: str) -> subprocess.CompletedProcess[str]:
    """Run `python -m rtis ...` in a child with only our RTIS_* variables (debug, var/ in tmp)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("RTIS_", "DJANGO_"))}
    env.update({"RTIS_VAR_DIR": str(tmp_path / "var"), "RTIS_DEBUG": "1", **variables})
    return subprocess.run([sys.executable, "-m", "rtis", *args], env=env, cwd=tmp_path,
                          capture_output=True, text=True, timeout=120)


# --- top-level help -------------------------------------------------------------------------


@pytest.mark.parametrize("argv", [[], ["--help"], ["-h"], ["help"]])
def test_it_prints_the_bilingual_command_list_and_succeeds(
    capsys: pytest.CaptureFixture[str], argv: list[str]
) -> None:
    assert main(argv) == 0
    out = capsys.readouterr().out
    assert "명령 / commands:" in out
    for name, (_, korean, english) in COMMANDS.items():
        assert re.search(rf"^  {re.escape(name)} +{re.escape(korean)}$", out, re.M), name
        assert re.search(rf"^ +{re.escape(english)}$", out, re.M), name


def test_every_command_has_korean_and_english_help() -> None:
    for name, (_, korean, english) in COMMANDS.items():
        assert HANGUL.search(korean), name
        assert english and not HANGUL.search(english), name


def test_the_help_lists_the_commands_operators_need() -> None:
    assert {"demo", "serve", "migrate", "createuser", "load-seed", "export", "import", "check",
            "manage"} <= set(COMMANDS)


def test_it_refuses_an_unknown_command_with_status_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["frobnicate"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "알 수 없는 명령 'frobnicate'" in captured.err
    assert "unknown command 'frobnicate'" in captured.err
    assert "명령 / commands:" in captured.err


# --- subcommand help ------------------------------------------------------------------------

@pytest.fixture(scope="module")
def help_of(tmp_path_factory: pytest.TempPathFactory) -> Callable[[str], Any]:
    """`rtis NAME --help` in a child, run once per command for the module's tests (each child
    starts Python and Django: about a second of CPU), not once per test asking about it."""
    folder = tmp_path_factory.mktemp("help")
    return functools.cache(lambda name: run_rtis(folder, name, "--help"))


# Django's own commands (migrate, manage) print Django's help after rtis's bilingual line.
@pytest.mark.parametrize("name", list(COMMANDS))
def test_each_subcommand_help_runs_and_reads_in_korean(help_of: Callable[[str], Any],
                                                       name: str) -> None:
    result = help_of(name)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip()
    assert HANGUL.search(result.stdout), result.stdout


@pytest.mark.parametrize("name", [n for n in COMMANDS if n != "manage"])
def test_each_subcommand_help_names_itself_as_an_rtis_command(help_of: Callable[[str], Any],
                                                             name: str) -> None:
    result = help_of(name)
    assert result.returncode == 0, result.stderr
    assert f"usage: rtis {name} " in result.stdout


def test_manage_help_lists_the_rtis_management_commands(help_of: Callable[[str], Any]) -> None:
    result = help_of("manage")
    assert result.returncode == 0, result.stderr
    for command in ("check_data", "export_plan", "import_plan", "load_seed", "createuser"):
        assert command in result.stdout


# --- a command against a real (fresh) database -----------------------------------------------


def test_exporting_a_plan_that_does_not_exist_fails_naming_the_slug(
        tmp_path: Path, migrated_sqlite: Callable[[Path], Path]) -> None:
    database = {"RTIS_DATABASE_URL": f"sqlite:///{migrated_sqlite(tmp_path / 'x.sqlite3')}"}

    result = run_rtis(tmp_path, "export", "plan", "nope", **database)

    assert result.returncode != 0
    assert result.stdout == ""
    assert "'nope'" in result.stderr
    assert "계획 'nope'이(가) 없습니다" in result.stderr
    assert "no plan 'nope'" in result.stderr
    assert "Traceback" not in result.stderr


def test_it_reports_a_configuration_error_with_status_2(tmp_path: Path) -> None:
    result = run_rtis(tmp_path, "check", RTIS_LANGUAGE="fr")
    assert result.returncode == 2
    assert "설정 오류 / configuration error" in result.stderr
    assert "RTIS_LANGUAGE" in result.stderr
