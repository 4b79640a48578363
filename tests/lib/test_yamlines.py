"""load_with_lines indexes a year key under both spellings, and only ASCII digits as a number."""

from __future__ import annotations

from rtis.lib.yamlines import load_with_lines


def test_a_year_key_is_indexed_as_text_and_as_a_number() -> None:
    _, lines = load_with_lines("targets:\n  2018: 1\n  -1: 2\n", "t.yaml")
    assert lines[("targets", 2018)] == 2 and lines[("targets", "2018")] == 2
    assert lines[("targets", -1)] == 3


def test_keys_of_digits_int_refuses_or_misreads_are_indexed_as_text_only() -> None:
    _, lines = load_with_lines("targets:\n  '²': 1\n  '-²': 2\n  '--1': 3\n  '٣': 4\n", "t.yaml")
    assert lines[("targets", "²")] == 2 and lines[("targets", "--1")] == 4
    assert not any(isinstance(p[-1], int) for p in lines if len(p) == 2)
