"""Whole-number settings are read strictly, naming the variable."""

from __future__ import annotations

import pytest

from rtis.lib.env import SettingError, env_int


def test_it_reads_a_whole_number_in_range() -> None:
    assert env_int("RTIS_X", 5, 1, 10, {"RTIS_X": " 7 "}) == 7
    assert env_int("RTIS_X", 5, 1, 10, {}) == 5


@pytest.mark.parametrize("raw", ["0", "11", "two", "1.5", ""])
def test_it_refuses_what_is_not_a_whole_number_in_range(raw: str) -> None:
    with pytest.raises(SettingError, match="RTIS_X"):
        env_int("RTIS_X", 5, 1, 10, {"RTIS_X": raw})
