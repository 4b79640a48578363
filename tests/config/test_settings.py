"""Start-up configuration: every RTIS_* variable is checked, and a bad one stops the start naming it.

Whole start-ups run in a child interpreter with a controlled environment, so the settings module is
imported afresh; the typed readers in rtis.lib.env are also tested directly with `environ=` dicts.
"""

from __future__ import annotations

import os
import random
import re
import string
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rtis.lib.env import (
    FALSE_WORDS,
    TRUE_WORDS,
    SettingError,
    env_bool,
    env_choice,
    env_database_url,
    env_list,
    env_secret,
    env_str,
    env_timezone,
)

SETUP = ("import django, os; os.environ['DJANGO_SETTINGS_MODULE']='rtis.config.settings'; "
         "django.setup()")
HANGUL = re.compile("[가-힣]")
PROPERTY = settings(deadline=None, database=None)
YES_NO_WORDS = sorted(TRUE_WORDS | FALSE_WORDS)


def clean_env(var_dir: Path, **variables: str) -> dict[str, str]:
    """The test process's environment without any RTIS_* or DJANGO_* variable, plus the given ones.

    (tests/conftest.py sets DJANGO_ALLOW_ASYNC_UNSAFE for Playwright; a production start has none.)
    """
    env = {k: v for k, v in os.environ.items() if not k.startswith(("RTIS_", "DJANGO_"))}
    env["RTIS_VAR_DIR"] = str(var_dir)
    env.update(variables)
    return env


def start_up(tmp_path: Path, **variables: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", SETUP], env=clean_env(tmp_path, **variables),
                          cwd=tmp_path, capture_output=True, text=True, timeout=120)


def rtis(tmp_path: Path, *args: str, **variables: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "rtis", *args],
                          env=clean_env(tmp_path, **variables), cwd=tmp_path,
                          capture_output=True, text=True, timeout=120)


def production_secret() -> str:
    """Fifty random-looking characters, the same on every run."""
    chooser = random.Random(20180224)
    return "".join(chooser.choice(string.ascii_letters + string.digits) for _ in range(50))


def is_bilingual(message: str) -> bool:
    return bool(HANGUL.search(message)) and " / " in message


# --- whole start-ups ------------------------------------------------------------------------


def test_it_starts_with_no_rtis_variable_set(tmp_path: Path) -> None:
    result = start_up(tmp_path)
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("RTIS_DEBUG", "maybe"),
        ("RTIS_DEBUG", "2"),
        ("RTIS_SECURE", "sometimes"),
        ("RTIS_ALLOWED_HOSTS", "rtis.seoul.go.kr,,localhost"),
        ("RTIS_ALLOWED_HOSTS", "rtis.seoul.go.kr,"),
        ("RTIS_TIME_ZONE", "Asia/Pyongyang-ish"),
        ("RTIS_TIME_ZONE", "Mars/Olympus_Mons"),
        ("RTIS_TIME_ZONE", ""),
        ("RTIS_LANGUAGE", "fr"),
        ("RTIS_LANGUAGE", "KO"),
        ("RTIS_DATABASE_URL", "mysql://rtis@db/rtis"),
        ("RTIS_DATABASE_URL", "rtis.sqlite3"),
    ],
)
def test_it_refuses_to_start_with_a_malformed_variable_and_names_it(
    tmp_path: Path, variable: str, value: str
) -> None:
    result = start_up(tmp_path, **{variable: value})
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert variable in result.stderr.strip().splitlines()[-1]


def test_it_refuses_a_secret_key_file_that_does_not_exist(tmp_path: Path) -> None:
    missing = tmp_path / "no-such-secret"
    result = start_up(tmp_path, RTIS_SECRET_KEY_FILE=str(missing))
    assert result.returncode != 0
    last = result.stderr.strip().splitlines()[-1]
    assert "RTIS_SECRET_KEY_FILE" in last
    assert str(missing) in last


@pytest.mark.parametrize("content", ["", "   \n\t\n"])
def test_it_refuses_an_empty_secret_key_file(tmp_path: Path, content: str) -> None:
    secret = tmp_path / "secret_key"
    secret.write_text(content, encoding="utf-8")
    result = start_up(tmp_path, RTIS_SECRET_KEY_FILE=str(secret))
    assert result.returncode != 0
    assert "RTIS_SECRET_KEY_FILE" in result.stderr.strip().splitlines()[-1]


def test_it_refuses_a_secret_key_given_both_directly_and_by_file(tmp_path: Path) -> None:
    secret = tmp_path / "secret_key"
    secret.write_text(production_secret(), encoding="utf-8")
    result = start_up(tmp_path, RTIS_SECRET_KEY=production_secret(),
                      RTIS_SECRET_KEY_FILE=str(secret))
    assert result.returncode != 0
    last = result.stderr.strip().splitlines()[-1]
    assert "RTIS_SECRET_KEY " in last or "RTIS_SECRET_KEY와" in last
    assert "RTIS_SECRET_KEY_FILE" in last
    assert production_secret() not in result.stderr


def test_it_refuses_an_empty_secret_key_naming_the_variable(tmp_path: Path) -> None:
    result = rtis(tmp_path, "manage", "check", RTIS_SECRET_KEY="")
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    assert "RTIS_SECRET_KEY" in result.stderr


def test_the_rtis_command_reports_a_malformed_variable_without_a_traceback(tmp_path: Path) -> None:
    result = rtis(tmp_path, "check", "--help", RTIS_DEBUG="maybe")
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert "RTIS_DEBUG" in result.stderr
    assert is_bilingual(result.stderr)


# --- system checks --------------------------------------------------------------------------


def test_production_with_the_default_secret_fails_the_system_check(tmp_path: Path) -> None:
    result = rtis(tmp_path, "manage", "check")
    assert result.returncode != 0
    assert "rtis.E001" in result.stderr
    assert "RTIS_SECRET_KEY" in result.stderr


def test_debug_mode_may_use_the_default_secret(tmp_path: Path) -> None:
    result = rtis(tmp_path, "manage", "check", RTIS_DEBUG="1")
    assert result.returncode == 0, result.stderr
    assert "rtis.E001" not in result.stdout + result.stderr


def test_production_with_a_secret_key_file_passes_the_system_check(tmp_path: Path) -> None:
    secret = tmp_path / "secret_key"
    secret.write_text(production_secret() + "\n", encoding="utf-8")
    result = rtis(tmp_path, "manage", "check", RTIS_SECRET_KEY_FILE=str(secret))
    assert result.returncode == 0, result.stderr


def test_the_deployment_check_is_clean_with_production_settings(tmp_path: Path) -> None:
    result = rtis(tmp_path, "manage", "check", "--deploy", "--fail-level", "WARNING",
                  RTIS_SECRET_KEY=production_secret(), RTIS_SECURE="1",
                  RTIS_ALLOWED_HOSTS="rtis.seoul.go.kr")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "WARNINGS" not in result.stdout + result.stderr
    assert "security." not in result.stdout + result.stderr
    assert "no issues" in result.stdout


# --- env_bool -------------------------------------------------------------------------------


@pytest.mark.parametrize("raw", ["1", "true", "TRUE", " yes ", "On"])
def test_env_bool_reads_yes_words_as_true(raw: str) -> None:
    assert env_bool("RTIS_DEBUG", False, environ={"RTIS_DEBUG": raw}) is True


@pytest.mark.parametrize("raw", ["0", "false", "No", " off", ""])
def test_env_bool_reads_no_words_and_empty_text_as_false(raw: str) -> None:
    assert env_bool("RTIS_DEBUG", True, environ={"RTIS_DEBUG": raw}) is False


@pytest.mark.parametrize("default", [True, False])
def test_env_bool_returns_the_default_when_unset(default: bool) -> None:
    assert env_bool("RTIS_DEBUG", default, environ={}) is default


def test_it_refuses_a_malformed_boolean_in_both_languages() -> None:
    with pytest.raises(SettingError) as caught:
        env_bool("RTIS_DEBUG", False, environ={"RTIS_DEBUG": "yess"})
    message = str(caught.value)
    assert message.startswith("RTIS_DEBUG: 'yess'")
    assert "is not a boolean" in message
    assert is_bilingual(message)


@PROPERTY
@given(st.text())
def test_env_bool_refuses_any_text_that_is_not_a_yes_or_no_word(raw: str) -> None:
    if raw.strip().lower() in TRUE_WORDS | FALSE_WORDS:
        assert env_bool("RTIS_X", False, environ={"RTIS_X": raw}) is (
            raw.strip().lower() in TRUE_WORDS)
        return
    with pytest.raises(SettingError, match=r"^RTIS_X: "):
        env_bool("RTIS_X", False, environ={"RTIS_X": raw})


@PROPERTY
@given(st.sampled_from(YES_NO_WORDS), st.data())
def test_env_bool_ignores_case_and_surrounding_blanks(word: str, data: st.DataObject) -> None:
    cased = "".join(c.upper() if data.draw(st.booleans()) else c for c in word)
    padding = st.text(alphabet=" \t\n", max_size=3)
    raw = data.draw(padding) + cased + data.draw(padding)
    assert env_bool("RTIS_X", False, environ={"RTIS_X": raw}) is (word in TRUE_WORDS)


# --- env_list -------------------------------------------------------------------------------

LIST_ITEMS = st.text(alphabet=st.characters(blacklist_characters=",",
                                            blacklist_categories=("Cs",)), min_size=1).filter(
    lambda s: s.strip() == s and s != "")


@PROPERTY
@given(st.lists(LIST_ITEMS, min_size=1), st.sampled_from([",", ", ", " , "]))
def test_env_list_round_trips_comma_joined_non_empty_items(items: list[str], comma: str) -> None:
    assert env_list("RTIS_X", [], environ={"RTIS_X": comma.join(items)}) == items


@PROPERTY
@given(st.lists(LIST_ITEMS, max_size=4), st.data())
def test_env_list_refuses_any_empty_item(items: list[str], data: st.DataObject) -> None:
    blank = data.draw(st.text(alphabet=" \t", max_size=2))
    position = data.draw(st.integers(0, len(items)))
    raw = ",".join([*items[:position], blank, *items[position:]])
    with pytest.raises(SettingError, match=r"^RTIS_X: "):
        env_list("RTIS_X", [], environ={"RTIS_X": raw})


def test_env_list_returns_a_copy_of_the_default_when_unset() -> None:
    default = ["127.0.0.1", "localhost"]
    found = env_list("RTIS_ALLOWED_HOSTS", default, environ={})
    assert found == default
    found.append("evil.example")
    assert default == ["127.0.0.1", "localhost"]


def test_env_list_refuses_an_empty_value() -> None:
    with pytest.raises(SettingError, match="RTIS_ALLOWED_HOSTS"):
        env_list("RTIS_ALLOWED_HOSTS", ["localhost"], environ={"RTIS_ALLOWED_HOSTS": ""})


# --- env_str, env_choice, env_timezone, env_database_url -----------------------------------


def test_env_str_returns_the_text_or_the_default() -> None:
    assert env_str("RTIS_X", "d", environ={"RTIS_X": " kept as is "}) == " kept as is "
    assert env_str("RTIS_X", "d", environ={}) == "d"


@PROPERTY
@given(st.text())
def test_env_choice_refuses_anything_but_an_allowed_value(raw: str) -> None:
    if raw in {"ko", "en"}:
        assert env_choice("RTIS_LANGUAGE", "ko", {"ko", "en"}, environ={"RTIS_LANGUAGE": raw}) == raw
        return
    with pytest.raises(SettingError, match=r"^RTIS_LANGUAGE: ") as caught:
        env_choice("RTIS_LANGUAGE", "ko", {"ko", "en"}, environ={"RTIS_LANGUAGE": raw})
    assert "en, ko" in str(caught.value)


@pytest.mark.parametrize("zone", ["Asia/Seoul", "UTC", "Europe/London"])
def test_env_timezone_accepts_known_zones(zone: str) -> None:
    assert env_timezone("RTIS_TIME_ZONE", "Asia/Seoul", environ={"RTIS_TIME_ZONE": zone}) == zone


@pytest.mark.parametrize("zone", ["Asia/Seul", "", " Asia/Seoul", "../etc/passwd", "/etc/passwd",
                                  "KST+9"])
def test_env_timezone_refuses_unknown_or_malformed_zones(zone: str) -> None:
    with pytest.raises(SettingError, match=r"^RTIS_TIME_ZONE: "):
        env_timezone("RTIS_TIME_ZONE", "Asia/Seoul", environ={"RTIS_TIME_ZONE": zone})


@PROPERTY
@given(st.sampled_from(["sqlite", "postgres", "postgresql", "pgsql"]), st.data())
def test_env_database_url_accepts_supported_schemes_in_any_case(
    scheme: str, data: st.DataObject
) -> None:
    cased = "".join(c.upper() if data.draw(st.booleans()) else c for c in scheme)
    url = f"{cased}://rtis@db.internal/rtis"
    assert env_database_url("RTIS_DATABASE_URL", "sqlite:///x", environ={
        "RTIS_DATABASE_URL": url}) == url


@PROPERTY
@given(st.from_regex(r"\A[a-z][a-z0-9+.-]{0,12}\Z").filter(
    lambda s: s not in {"sqlite", "postgres", "postgresql", "pgsql"}))
def test_env_database_url_refuses_other_schemes(scheme: str) -> None:
    with pytest.raises(SettingError, match=r"^RTIS_DATABASE_URL: "):
        env_database_url("RTIS_DATABASE_URL", "sqlite:///x",
                         environ={"RTIS_DATABASE_URL": f"{scheme}://rtis@db/rtis"})


@pytest.mark.parametrize("url", ["postgres:rtis@db/rtis", "sqlite", ""])
def test_env_database_url_refuses_text_that_is_not_a_url(url: str) -> None:
    with pytest.raises(SettingError, match=r"^RTIS_DATABASE_URL: "):
        env_database_url("RTIS_DATABASE_URL", "sqlite:///x", environ={"RTIS_DATABASE_URL": url})


# --- env_secret -----------------------------------------------------------------------------


def test_env_secret_prefers_the_variable_then_the_default() -> None:
    assert env_secret("RTIS_SECRET_KEY", "RTIS_SECRET_KEY_FILE", "dflt",
                      environ={"RTIS_SECRET_KEY": "s3cret"}) == "s3cret"
    assert env_secret("RTIS_SECRET_KEY", "RTIS_SECRET_KEY_FILE", "dflt", environ={}) == "dflt"


def test_env_secret_reads_the_file_without_its_surrounding_blanks(tmp_path: Path) -> None:
    secret = tmp_path / "secret_key"
    secret.write_text("\n  서울-비밀-key  \n", encoding="utf-8")
    assert env_secret("RTIS_SECRET_KEY", "RTIS_SECRET_KEY_FILE", "dflt",
                      environ={"RTIS_SECRET_KEY_FILE": str(secret)}) == "서울-비밀-key"


def test_env_secret_refuses_a_missing_file_naming_the_variable_and_path(tmp_path: Path) -> None:
    missing = tmp_path / "missing"
    with pytest.raises(SettingError) as caught:
        env_secret("RTIS_SECRET_KEY", "RTIS_SECRET_KEY_FILE", "dflt",
                   environ={"RTIS_SECRET_KEY_FILE": str(missing)})
    assert str(caught.value).startswith("RTIS_SECRET_KEY_FILE: ")
    assert str(missing) in str(caught.value)
    assert is_bilingual(str(caught.value))


def test_env_secret_refuses_a_directory_in_place_of_a_file(tmp_path: Path) -> None:
    with pytest.raises(SettingError, match=r"^RTIS_SECRET_KEY_FILE: "):
        env_secret("RTIS_SECRET_KEY", "RTIS_SECRET_KEY_FILE", "dflt",
                   environ={"RTIS_SECRET_KEY_FILE": str(tmp_path)})


def test_env_secret_refuses_a_blank_file(tmp_path: Path) -> None:
    secret = tmp_path / "secret_key"
    secret.write_text(" \n", encoding="utf-8")
    with pytest.raises(SettingError, match=r"^RTIS_SECRET_KEY_FILE: "):
        env_secret("RTIS_SECRET_KEY", "RTIS_SECRET_KEY_FILE", "dflt",
                   environ={"RTIS_SECRET_KEY_FILE": str(secret)})


def test_env_secret_refuses_both_the_variable_and_the_file(tmp_path: Path) -> None:
    secret = tmp_path / "secret_key"
    secret.write_text("from-file", encoding="utf-8")
    with pytest.raises(SettingError) as caught:
        env_secret("RTIS_SECRET_KEY", "RTIS_SECRET_KEY_FILE", "dflt",
                   environ={"RTIS_SECRET_KEY": "direct", "RTIS_SECRET_KEY_FILE": str(secret)})
    assert "RTIS_SECRET_KEY_FILE" in str(caught.value)
    assert "direct" not in str(caught.value)
    assert is_bilingual(str(caught.value))
