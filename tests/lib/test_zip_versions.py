"""A ZIP whose directory names a later format version than Python reads ("zip file version
10.9": zipfile raises NotImplementedError, not BadZipFile) is refused as damaged wherever a file
is opened as a ZIP, never let through as a 500. Hypothesis found it in the backup restore."""

from __future__ import annotations

import io
import zipfile

import pytest

from rtis.lib.filesig import ZIP_OPEN_ERRORS, FileTypeError, check_upload


def later_version(data: bytes) -> bytes:
    """The archive with every central-directory entry saying it needs ZIP version 10.9."""
    out = bytearray(data)
    at = out.find(b"PK\x01\x02")
    assert at >= 0
    while at >= 0:
        out[at + 6] = 109  # version needed to extract, in tenths
        at = out.find(b"PK\x01\x02", at + 4)
    return bytes(out)


def a_zip(names: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in names.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def test_python_raises_not_implemented_for_it_and_the_shared_list_names_that() -> None:
    with pytest.raises(NotImplementedError):
        zipfile.ZipFile(io.BytesIO(later_version(a_zip({"a.txt": b"x"}))))
    assert NotImplementedError in ZIP_OPEN_ERRORS


def test_an_upload_of_such_a_zip_is_refused_for_its_content() -> None:
    data = later_version(a_zip({"word/document.xml": b"<w/>", "[Content_Types].xml": b"<t/>"}))
    with pytest.raises(FileTypeError):
        check_upload("보고서.docx", data, 10 * 1024 * 1024)
