"""Fixtures of the search tests: the council session of the oversight tests."""

from tests.oversight.conftest import council  # noqa: F401 (a fixture)
