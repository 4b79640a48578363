"""Attachments are told by content: names never decide, sizes are bounded, names are made safe."""

from __future__ import annotations

import io
import zipfile

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rtis.lib.filesig import ALLOWED, FileTypeError, check_upload, safe_display_name


def _zip(*names: str) -> bytes:
    data = io.BytesIO()
    with zipfile.ZipFile(data, "w") as archive:
        for name in names:
            archive.writestr(name, "x")
    return data.getvalue()


GOOD = {
    "pdf": b"%PDF-1.4\n%%EOF",
    "hwp": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100 + b"HWP Document File" + b"\0" * 10,
    "hwpx": _zip("mimetype", "Contents/content.hpf", "Contents/section0.xml"),
    "docx": _zip("[Content_Types].xml", "word/document.xml"),
    "xlsx": _zip("[Content_Types].xml", "xl/workbook.xml"),
    "zip": _zip("a.txt"),
}


@pytest.mark.parametrize("extension", ALLOWED)
def test_each_allowed_type_is_accepted_by_its_content(extension: str) -> None:
    assert check_upload(f"계획서.{extension.upper()}", GOOD[extension], 10_000) == extension


@pytest.mark.parametrize("extension", ["pdf", "hwp", "hwpx", "docx", "xlsx"])
def test_another_types_content_under_this_name_is_refused(extension: str) -> None:
    for other, data in GOOD.items():
        if other != extension:
            with pytest.raises(FileTypeError, match="내용이"):
                check_upload(f"x.{extension}", data, 10_000)


@given(st.binary(max_size=200), st.sampled_from(["pdf", "hwp", "hwpx", "docx", "xlsx"]))
def test_random_bytes_are_never_taken_for_a_document(data: bytes, extension: str) -> None:
    try:
        assert check_upload(f"x.{extension}", data, 10_000) == extension
    except FileTypeError:
        return
    # Accepted only if the bytes really carry the signature.
    assert data.startswith((b"%PDF-", b"\xd0\xcf\x11\xe0", b"PK"))


@given(st.text(max_size=300))
def test_a_display_name_never_holds_a_path_or_control_character(name: str) -> None:
    shown = safe_display_name(name)
    assert shown and "/" not in shown and "\\" not in shown and len(shown) <= 150
    assert all(c.isprintable() for c in shown) and shown not in {".", ".."}


def test_the_size_limit_is_checked_before_the_content() -> None:
    with pytest.raises(FileTypeError, match="너무 큽니다"):
        check_upload("a.pdf", GOOD["pdf"], 5)
