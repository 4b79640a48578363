"""After `make demo`, `rtis` commands sign with the key the demo stored, and say so once."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

KEY_LINE = "no secret key configured: using the key the demo stored in"


def run_rtis(tmp_path: Path, *args: str, **variables: str) -> subprocess.CompletedProcess[str]:
    """`rtis ARGS` in production mode (no RTIS_DEBUG), its var folder and database in tmp."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("RTIS_", "DJANGO_"))}
    env.update({"RTIS_VAR_DIR": str(tmp_path / "var"),
                "RTIS_DATABASE_URL": f"sqlite:///{tmp_path / 'var' / 'rtis.sqlite3'}",
                **variables})
    return subprocess.run([sys.executable, "-m", "rtis", *args], env=env, cwd=tmp_path,
                          capture_output=True, text=True, timeout=300)


def store_demo_key(tmp_path: Path) -> Path:
    path = tmp_path / "var" / "secret_key"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(secrets.token_urlsafe(50), encoding="utf-8")
    return path


def test_export_works_on_the_demo_database_with_the_stored_key(
        tmp_path: Path, migrated_sqlite: Callable[[Path], Path]) -> None:
    key = store_demo_key(tmp_path)
    migrated_sqlite(tmp_path / "var" / "rtis.sqlite3")  # what `rtis migrate` makes
    result = run_rtis(tmp_path, "export", "all", "-o", str(tmp_path / "backup.zip"))
    assert result.returncode == 0, result.stderr
    assert "rtis.E001" not in result.stderr
    lines = [line for line in result.stderr.splitlines() if KEY_LINE in line]
    assert lines == [f"rtis: 비밀키 설정이 없어 데모가 저장한 키 {key}를 씁니다 / {KEY_LINE} {key}"]
    assert (tmp_path / "backup.zip").stat().st_size > 0


def test_without_a_stored_key_the_production_check_still_refuses(tmp_path: Path) -> None:
    result = run_rtis(tmp_path, "manage", "check")
    assert result.returncode != 0
    assert "rtis.E001" in result.stderr
    assert KEY_LINE not in result.stderr


def test_a_configured_key_wins_over_the_stored_one_silently(tmp_path: Path) -> None:
    store_demo_key(tmp_path)
    result = run_rtis(tmp_path, "manage", "check", RTIS_SECRET_KEY=secrets.token_urlsafe(50))
    assert result.returncode == 0, result.stderr
    assert KEY_LINE not in result.stderr


def test_the_demo_key_is_used_only_when_the_var_folder_has_one(tmp_path: Path) -> None:
    store_demo_key(tmp_path)
    result = run_rtis(tmp_path, "manage", "check")
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout
    assert result.stderr.count(KEY_LINE) == 1
