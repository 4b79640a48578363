"""Uploads the multipart parser refuses or drops are explained, and nothing is written."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.test import Client
from hypothesis import given
from hypothesis import strategies as st

from rtis.ingest.models import ImportBatch
from rtis.web.uploads import HeaderWatchingStream

pytestmark = pytest.mark.django_db

CP949_NAME = "계획.xlsx".encode("cp949")


def multipart(file_name: bytes, fields: dict[str, str] | None = None) -> bytes:
    parts = [
        b'--BOUND\r\nContent-Disposition: form-data; name="' + k.encode() + b'"\r\n\r\n'
        + v.encode() + b"\r\n" for k, v in (fields or {}).items()]
    parts.append(b'--BOUND\r\nContent-Disposition: form-data; name="file"; filename="' + file_name
                 + b'"\r\nContent-Type: application/octet-stream\r\n\r\nPK\x03\x04abc\r\n')
    return b"".join(parts) + b"--BOUND--\r\n"


def post(client: Client, url: str, body: bytes) -> Any:
    return client.generic("POST", url, body, content_type="multipart/form-data; boundary=BOUND")


def signed_in(user: Any, enforce_csrf: bool = False) -> Client:
    client = Client(enforce_csrf_checks=enforce_csrf)
    client.force_login(user)
    return client


def test_a_file_name_that_is_not_utf8_is_named_as_the_reason(planner: Any, plan: Any) -> None:
    response = post(signed_in(planner), "/imports/",
                    multipart(CP949_NAME, {"plan": plan.slug}))
    assert response.status_code == 400
    assert "파일 이름을 읽을 수 없어" in response.text
    assert "파일(HWPX 또는 XLSX)을 고르십시오" not in response.text
    assert not ImportBatch.objects.exists()


def test_the_bulk_upload_says_the_same(officer: Any) -> None:
    response = post(signed_in(officer), "/tracking/bulk/upload/", multipart(CP949_NAME))
    assert response.status_code == 400
    assert "파일 이름을 읽을 수 없어" in response.text


def test_a_very_long_file_name_gets_a_page_that_says_so(planner: Any, plan: Any) -> None:
    # Before CSRF: the token check reads the upload too, and would answer a bare 400.
    response = post(signed_in(planner, enforce_csrf=True), "/imports/",
                    multipart(b"a" * 5000 + b".xlsx", {"plan": plan.slug}))
    assert response.status_code == 400
    assert "파일 이름이 너무 깁니다" in response.text
    assert not ImportBatch.objects.exists()


def test_an_ordinary_korean_file_name_is_not_flagged(planner: Any, plan: Any) -> None:
    response = post(signed_in(planner), "/imports/",
                    multipart("계획.xlsx".encode(), {"plan": plan.slug}))
    assert "파일 이름을 읽을 수 없어" not in response.text
    assert "파일 이름이 너무 깁니다" not in response.text


@given(cuts=st.lists(st.integers(min_value=1, max_value=64), max_size=40),
       name=st.sampled_from([CP949_NAME, "계획.xlsx".encode(), b"plain.xlsx"]))
def test_the_watcher_sees_a_name_however_the_body_is_split(cuts: list[int], name: bytes) -> None:
    body = multipart(name, {"plan": "p"})
    watcher = HeaderWatchingStream(io.BytesIO(body))
    read = b"".join(watcher.read(n) for n in cuts) + watcher.read()
    assert read == body  # passed through unchanged
    assert watcher.undecodable == ([CP949_NAME] if name == CP949_NAME else [])
