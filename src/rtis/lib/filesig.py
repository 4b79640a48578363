"""Tell a file's type by its content, not its name: the attachments R&D applicants may upload.

`check_upload(name, data, limit)` returns the lower-case extension when the name's extension is
allowed, the content carries that type's signature and the size is within the limit; otherwise it
raises FileTypeError whose message (Korean / English) names the file and the reason. ZIP-based
types (HWPX, DOCX, XLSX) are told apart by their entries, read from the central directory only
(nothing is decompressed). Pure: no Django.
"""

from __future__ import annotations

import io
import struct
import zipfile

__all__ = ["ALLOWED", "ZIP_OPEN_ERRORS", "FileTypeError", "check_upload", "safe_display_name"]

ALLOWED = ("pdf", "hwp", "hwpx", "docx", "xlsx", "zip")
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")
MAX_ZIP_ENTRIES = 10_000
# What zipfile.ZipFile(...) raises on a damaged archive: besides BadZipFile, a field it reads as a
# later ZIP version than it supports is NotImplementedError ("zip file version 10.9"), a cut
# directory EOFError or struct.error, a bad name ValueError.
ZIP_OPEN_ERRORS = (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError,
                   struct.error, NotImplementedError)


class FileTypeError(ValueError):
    """An upload refused for its name, size or content."""


def _zip_names(data: bytes) -> set[str] | None:
    if not data.startswith(_ZIP_MAGIC) or data.count(b"PK\x01\x02") > MAX_ZIP_ENTRIES:
        return None
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return set(archive.namelist())
    except ZIP_OPEN_ERRORS:
        return None


def _matches(extension: str, data: bytes) -> bool:
    if extension == "pdf":
        return data.startswith(b"%PDF-")
    if extension == "hwp":  # HWP 5.0: an OLE compound file whose FileHeader stream says so
        return data.startswith(_OLE_MAGIC) and b"HWP Document File" in data
    names = _zip_names(data)
    if names is None:
        return False
    if extension == "hwpx":
        return "mimetype" in names and "Contents/content.hpf" in names
    if extension == "docx":
        return "[Content_Types].xml" in names and "word/document.xml" in names
    if extension == "xlsx":
        return "[Content_Types].xml" in names and "xl/workbook.xml" in names
    return extension == "zip"


def safe_display_name(name: str) -> str:
    """Return the base name without path parts or control characters, at most 150 characters."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    cleaned = "".join(c for c in base if c.isprintable() and c not in '<>:"|?*').strip(" .")
    if len(cleaned) > 150:
        stem, dot, ext = cleaned.rpartition(".")
        cleaned = (stem[:140] + dot + ext[:9]) if dot else cleaned[:150]
    return cleaned or "file"


def check_upload(name: str, data: bytes, limit: int) -> str:
    """Return the extension of an acceptable upload, or raise FileTypeError saying why not."""
    shown = safe_display_name(name)
    if not data:
        raise FileTypeError(f"'{shown}': 빈 파일입니다 / '{shown}' is empty")
    if len(data) > limit:
        raise FileTypeError(f"'{shown}': 파일이 너무 큽니다 ({len(data):,}바이트, 최대 {limit:,}바이트) / "
                            f"'{shown}' is too large ({len(data):,} bytes, limit {limit:,})")
    extension = shown.rpartition(".")[2].lower() if "." in shown else ""
    allowed = ", ".join(ALLOWED)
    if extension not in ALLOWED:
        raise FileTypeError(f"'{shown}': 올릴 수 없는 형식입니다 (허용: {allowed}) / "
                            f"'{shown}': type not allowed (allowed: {allowed})")
    if not _matches(extension, data):
        raise FileTypeError(f"'{shown}': 내용이 {extension} 파일이 아닙니다 (확장자와 내용이 다름) / "
                            f"'{shown}': the content is not a {extension} file (the name and the "
                            f"content disagree)")
    return extension
