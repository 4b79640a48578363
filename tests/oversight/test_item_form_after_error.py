"""A refused audit item update keeps the version and the text typed, in the page's language."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.conftest import client_for
from tests.oversight.conftest import edit_url, item
from tests.oversight.test_updates import form_data

pytestmark = pytest.mark.django_db


def _error(body: str, field: str) -> str:
    found = re.search(rf'data-testid="error-{field}">([^<]*)<', body)
    assert found, f"no error on {field}"
    return found.group(1)


def test_a_refused_update_keeps_the_version_and_the_text(council: Any, officer: Any) -> None:
    target = item("corrective", 2)
    response = client_for(officer).post(edit_url("corrective", 2), form_data(
        target, actions="개관식 준비", due_on="1900-01-01"))
    assert response.status_code == 400
    body = response.content.decode()
    assert f'name="version" value="{target.version}"' in body
    assert "개관식 준비" in body and 'value="1900-01-01"' in body
    assert _error(body, "due_on") == "완료 기한은 1990~2100년 사이의 날짜여야 합니다: 1900-01-01"


def test_an_english_page_shows_the_english_half_without_field_names(council: Any,
                                                                    officer: Any) -> None:
    client = client_for(officer)
    client.cookies["django_language"] = "en"
    target = item("corrective", 2)
    response = client.post(edit_url("corrective", 2), form_data(target, due_on="1900-01-01"))
    assert _error(response.content.decode(), "due_on") == (
        "the due date must be a date within 1990–2100: 1900-01-01")


def test_a_too_long_text_reads_without_placeholders(council: Any, officer: Any) -> None:
    target = item("corrective", 2)
    response = client_for(officer).post(edit_url("corrective", 2),
                                        form_data(target, actions="가" * 4001))
    assert response.status_code == 400
    error = _error(response.content.decode(), "actions")
    assert error.startswith("추진내용은 4,000자 이내여야 합니다") and "(은)" not in error
