"""Extract the tables of an uploaded HWPX (한/글) or XLSX (Excel) file, safely.

`extract_tables(data, file_name)` returns every table as a grid of texts. A merged cell's text
is repeated at every grid position it covers, and the merge is recorded as
(row, col, rowspan, colspan), 0-based. Nothing is interpreted: numbers are returned as their
exact text and checked by the mapping step.

Uploads are untrusted. Everything that could cost memory or read outside the file is refused
with a `TableImportError` that names the file and the reason (Korean / English), before the
costly work:

1. the upload's size (`MAX_FILE_BYTES`);
2. the ZIP's central directory, before anything is decompressed: number of entries, declared
   sizes (each and in total), compression ratio, compression method, encryption, duplicates;
3. every entry is then read in bounded chunks, counting the bytes that really come out (a ZIP
   can lie about its sizes) and checking their CRC;
4. every XML part is scanned with expat, which stops at the first DOCTYPE or ENTITY
   declaration (billion laughs, external entities such as file:///etc/passwd): the XML of an
   HWPX or XLSX never has one. The same scan counts spreadsheet cells and merged areas, so a
   sheet cannot make openpyxl build millions of cells;
5. HWPX section XML is then parsed with lxml (no entities resolved, no network, no huge trees);
   XLSX goes to openpyxl from a re-packed, uncompressed copy of the checked entries, so it
   never decompresses anything itself.

XLSX cells holding formulas are refused: the import takes values, and a formula's cached value
is whatever the last program that saved the file computed (or nothing).
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any
from xml.parsers import expat

from lxml import etree

from rtis.lib.filesig import ZIP_OPEN_ERRORS

__all__ = [
    "MAX_CELLS",
    "MAX_ENTRIES",
    "MAX_FILE_BYTES",
    "MAX_MERGED_CELLS",
    "MAX_RATIO",
    "MAX_TEXT_CHARS",
    "MAX_TOTAL_UNCOMPRESSED",
    "ExtractedTable",
    "TableImportError",
    "extract_tables",
]

MAX_FILE_BYTES = 20 * 1024 * 1024  # the upload itself
MAX_TOTAL_UNCOMPRESSED = 50 * 1024 * 1024  # all entries together, declared and actually read
MAX_ENTRIES = 1000  # ZIP entries
MAX_RATIO = 100  # uncompressed : compressed, per entry ...
RATIO_FLOOR = 1024 * 1024  # ... of 1 MiB and more (small entries are bounded by the total)
MAX_CELLS = 200_000  # grid positions of all tables; XLSX cell elements and merged areas
MAX_XML_DEPTH = 200
# Positions covered by XLSX merged areas: openpyxl builds and styles a cell object for each one
# (about 50 µs apiece), so 200,000 of them held a request for over ten seconds.
MAX_MERGED_CELLS = 20_000
# Characters of all returned cells. A merged cell's text is repeated at every position it
# covers, so 200,000 positions under one long text would otherwise be gigabytes once staged.
MAX_TEXT_CHARS = 20_000_000

_CHUNK = 64 * 1024
_HWPX_MIMETYPE = b"application/hwp+zip"
_XLSX_MAIN = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
_XLSM_MAIN = "application/vnd.ms-excel.sheet.macroEnabled.main+xml"
_SHEET_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_HP = "{http://www.hancom.co.kr/hwpml/2011/paragraph}"
_HP_2016 = "{http://www.hancom.co.kr/hwpml/2016/paragraph}"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# A password-protected XLSX (or DOCX) is an OLE compound file holding this stream, named in the
# file's directory (UTF-16): not a legacy format to save again, but a password to remove.
_ENCRYPTED_PACKAGE = "EncryptedPackage".encode("utf-16-le")
_SECTION_RE = re.compile(r"^Contents/section(\d+)\.xml$")
_UNIT_LINE_RE = re.compile(r"^\s*[\(（]\s*단위")
_CELL_REF_RE = re.compile(r"^\$?([A-Z]{1,3})\$?([0-9]{1,7})$")
_XML_SUFFIXES = (".xml", ".rels", ".hpf", ".rdf", ".vml")
_TEXT_ATOMS = {"tab": "\t", "lineBreak": "\n", "nbSpace": "\u00a0", "fwSpace": "\u3000",
               "hyphen": "\u00ad"}


class TableImportError(ValueError):
    """A file whose tables are not extracted; the message names the file and the reason."""

    def __init__(self, file_name: str, reason: str, *, code: str = "refused") -> None:
        self.file_name = file_name
        self.reason = reason
        self.code = code
        super().__init__(f"{file_name}: {reason}")


@dataclass
class ExtractedTable:
    """One table: its cells as text (merged cells repeated), and where the merges are."""

    index: int
    caption: str | None
    cells: list[list[str]]
    merges: list[tuple[int, int, int, int]] = field(default_factory=list)  # row, col, rows, cols
    sheet: str | None = None


def extract_tables(data: bytes, file_name: str) -> list[ExtractedTable]:
    """The tables of an HWPX or XLSX file, in document (sheet) order.

    Raises TableImportError for anything else, for a damaged or oversized file, and for an
    XLSX with formulas.
    """
    if len(data) > MAX_FILE_BYTES:
        raise TableImportError(
            file_name, f"파일이 너무 큽니다 ({len(data):,}바이트, 최대 {_mb(MAX_FILE_BYTES)}) / "
                       f"file is too large ({len(data):,} bytes, limit {_mb(MAX_FILE_BYTES)})",
            code="too-large")
    if data.startswith(_OLE_MAGIC) and _ENCRYPTED_PACKAGE in data:
        raise TableImportError(
            file_name, "암호가 걸린 파일입니다. 한/글·엑셀에서 암호를 풀고 저장해 올리십시오 / the "
                       "file is password-protected: remove the password, save and upload again",
            code="encrypted")
    if data.startswith(_OLE_MAGIC):
        raise TableImportError(
            file_name, "HWP 5.0·XLS 같은 옛 형식입니다. 한/글·엑셀에서 HWPX·XLSX로 저장해 "
                       "올리십시오 / legacy binary format (HWP 5.0 or XLS): save it as HWPX or "
                       "XLSX and upload again", code="legacy-format")
    # zipfile builds an object per central directory entry as it opens the file, and every
    # entry it builds starts with this signature: count them first.
    entries = data.count(b"PK\x01\x02")
    if entries > MAX_ENTRIES:
        raise _bomb(file_name, f"항목 {entries:,}개 이상 (최대 {MAX_ENTRIES:,}개)",
                    f"{entries:,} entries or more (limit {MAX_ENTRIES:,})")
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except ZIP_OPEN_ERRORS as exc:
        raise TableImportError(
            file_name, f"ZIP 파일이 아니거나 손상되었습니다 (HWPX·XLSX가 아님) / not a ZIP archive "
                       f"or a damaged one, so not HWPX or XLSX ({exc})", code="not-zip") from exc
    with archive:
        _check_directory(archive, file_name)
        kind = _detect(archive, file_name)
        parts = _read_parts(archive, file_name)
    scanned = _Budget(file_name)  # sheet cells and merged areas openpyxl would build
    for name, payload in parts.items():
        # openpyxl finds a workbook's parts through its relationships, whatever their names.
        if name.lower().endswith(_XML_SUFFIXES) or (kind == "xlsx" and _looks_like_xml(payload)):
            _scan_xml(payload, name, file_name, scanned)
    grid = _Budget(file_name)  # grid positions of the tables returned
    if kind == "hwpx":
        return _hwpx_tables(parts, file_name, grid)
    return _xlsx_tables(parts, file_name, grid)


# --- the ZIP container ------------------------------------------------------------------------


def _mb(size: int) -> str:
    return f"{size // (1024 * 1024)} MB"


def _bomb(file_name: str, ko: str, en: str) -> TableImportError:
    return TableImportError(file_name, f"압축 폭탄으로 의심되어 거부합니다: {ko} / refused as a "
                                       f"suspected zip bomb: {en}", code="zip-bomb")


def _corrupt(file_name: str, detail: str) -> TableImportError:
    return TableImportError(file_name, f"손상된 ZIP 파일입니다 / damaged ZIP archive ({detail})",
                            code="corrupt-zip")


def _check_directory(archive: zipfile.ZipFile, file_name: str) -> None:
    """Refuse from the central directory alone, before anything is decompressed."""
    infos = archive.infolist()
    if len(infos) > MAX_ENTRIES:
        raise _bomb(file_name, f"항목 {len(infos):,}개 (최대 {MAX_ENTRIES:,}개)",
                    f"{len(infos):,} entries (limit {MAX_ENTRIES:,})")
    total = 0
    seen: set[str] = set()
    for info in infos:
        if info.filename in seen:
            raise _corrupt(file_name, f"duplicate entry {info.filename!r}")
        seen.add(info.filename)
        total += info.file_size
        if info.file_size > MAX_TOTAL_UNCOMPRESSED or total > MAX_TOTAL_UNCOMPRESSED:
            raise _bomb(file_name,
                        f"압축을 풀면 {_mb(MAX_TOTAL_UNCOMPRESSED)}를 넘습니다 ({info.filename})",
                        f"uncompressed content exceeds {_mb(MAX_TOTAL_UNCOMPRESSED)} "
                        f"({info.filename})")
        if info.file_size >= RATIO_FLOOR and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            ratio = info.file_size / max(info.compress_size, 1)
            raise _bomb(file_name, f"{info.filename}의 압축률 {ratio:,.0f}:1 (최대 {MAX_RATIO}:1)",
                        f"{info.filename} compression ratio {ratio:,.0f}:1 "
                        f"(limit {MAX_RATIO}:1)")
        # Deflate never makes data much bigger: more stored than declared is a lie about sizes.
        if info.compress_size > info.file_size + info.file_size // 100 + 1024:
            raise _corrupt(file_name, f"{info.filename} stores more than it declares")
        if info.flag_bits & 0x1:
            raise TableImportError(file_name, f"암호가 걸린 파일입니다 ({info.filename}) / "
                                              f"encrypted entry ({info.filename})",
                                   code="encrypted")
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            # Only these two decompress under a bound in CPython's zipfile.
            raise TableImportError(
                file_name, f"지원하지 않는 압축 방식입니다 ({info.filename}) / unsupported "
                           f"compression method {info.compress_type} ({info.filename})",
                code="unsupported-compression")


def _read_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, file_name: str,
                 limit: int) -> bytes:
    """One entry, read in chunks, never more than *limit* bytes nor more than it declares."""
    chunks: list[bytes] = []
    size = 0
    try:
        with archive.open(info) as handle:
            while block := handle.read(_CHUNK):
                size += len(block)
                if size > limit or size > info.file_size:
                    raise _bomb(file_name, f"{info.filename}의 압축을 풀면 선언한 크기나 한도를 "
                                           f"넘습니다", f"{info.filename} inflates beyond its "
                                                        f"declared size or the limit")
                chunks.append(block)
    except TableImportError:
        raise
    except Exception as exc:  # BadZipFile (CRC), zlib.error, EOFError, RuntimeError, ...
        raise _corrupt(file_name, f"{info.filename}: {exc}") from exc
    if size != info.file_size:
        raise _corrupt(file_name, f"{info.filename} is shorter than it declares")
    return b"".join(chunks)


def _read_parts(archive: zipfile.ZipFile, file_name: str) -> dict[str, bytes]:
    """Every file entry's bytes, with the total of what really comes out bounded."""
    parts: dict[str, bytes] = {}
    total = 0
    for info in archive.infolist():
        if info.is_dir():
            if info.file_size:
                raise _corrupt(file_name, f"directory entry {info.filename!r} holds data")
            continue
        payload = _read_member(archive, info, file_name, MAX_TOTAL_UNCOMPRESSED - total)
        total += len(payload)
        parts[info.filename] = payload
    return parts


def _detect(archive: zipfile.ZipFile, file_name: str) -> str:
    """"hwpx" or "xlsx", from the content (the file name's extension is not trusted)."""
    names = set(archive.namelist())
    if "mimetype" in names and archive.getinfo("mimetype").file_size <= 256:
        mimetype = _read_member(archive, archive.getinfo("mimetype"), file_name, 256)
        if mimetype.strip() == _HWPX_MIMETYPE:
            return "hwpx"
    if "Contents/content.hpf" in names and any(_SECTION_RE.match(name) for name in names):
        return "hwpx"  # an HWPX package without its mimetype entry
    content_types = _content_types(archive, file_name)
    if _XLSX_MAIN in content_types:
        return "xlsx"
    if _XLSM_MAIN in content_types:
        raise TableImportError(
            file_name, "매크로가 든 통합 문서(XLSM)는 받지 않습니다. XLSX로 저장해 올리십시오 / "
                       "macro-enabled workbooks (XLSM) are not accepted: save as XLSX",
            code="unknown-format")
    raise TableImportError(
        file_name, "HWPX 문서도 XLSX 통합 문서도 아닙니다 / neither an HWPX document nor an "
                   "XLSX workbook", code="unknown-format")


def _content_types(archive: zipfile.ZipFile, file_name: str) -> set[str]:
    """The content types an OOXML package declares ([Content_Types].xml), if it is one."""
    try:
        info = archive.getinfo("[Content_Types].xml")
    except KeyError:
        return set()
    if info.file_size > 1024 * 1024:
        return set()
    raw = _read_member(archive, info, file_name, 1024 * 1024)
    _scan_xml(raw, info.filename, file_name, _Budget(file_name))
    try:
        root = etree.fromstring(raw, _safe_parser())
    except etree.XMLSyntaxError:
        return set()
    return {node.get("ContentType", "") for node in root.iter() if isinstance(node.tag, str)}


# --- XML safety -------------------------------------------------------------------------------


class _Budget:
    """Cells counted across the whole file (grid positions, sheet cells, merged areas)."""

    def __init__(self, file_name: str) -> None:
        self.file_name = file_name
        self.used = 0
        self.chars = 0
        self.merged = 0

    def spend_merged(self, cells: int, where: str) -> None:
        self.spend(cells, where)
        self.merged += cells
        if self.merged > MAX_MERGED_CELLS:
            raise TableImportError(
                self.file_name, f"병합된 칸이 너무 많습니다 ({where}, 최대 {MAX_MERGED_CELLS:,}칸) / "
                                f"too many merged cells ({where}, limit {MAX_MERGED_CELLS:,})",
                code="too-many-cells")

    def spend_text(self, cells: list[list[str]], where: str) -> None:
        self.chars += sum(len(text) for row in cells for text in row)
        if self.chars > MAX_TEXT_CHARS:
            raise TableImportError(
                self.file_name, f"표의 글자가 너무 많습니다 ({where}, 병합된 칸의 글자는 칸마다 "
                                f"셉니다, 최대 {MAX_TEXT_CHARS:,}자) / too much table text "
                                f"({where}; a merged cell's text counts once per position it "
                                f"covers; limit {MAX_TEXT_CHARS:,} characters)",
                code="too-much-text")

    def spend(self, cells: int, where: str) -> None:
        self.used += cells
        if self.used > MAX_CELLS:
            raise TableImportError(
                self.file_name, f"표의 칸이 너무 많습니다 ({where}, 최대 {MAX_CELLS:,}칸) / "
                                f"too many table cells ({where}, limit {MAX_CELLS:,})",
                code="too-many-cells")


class _Refused(Exception):
    def __init__(self, code: str) -> None:
        self.code = code


def _looks_like_xml(payload: bytes) -> bool:
    head = payload[:8]
    return (head.lstrip()[:1] == b"<" or head.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff"))
            or head[:2] in (b"<\x00", b"\x00<"))


def _area(ref: str) -> int:
    """The number of cells of an A1:B2 range (1 for a single cell); 0 if it cannot be read."""
    corners = [_CELL_REF_RE.match(part.strip().upper()) for part in ref.split(":")]
    if not 1 <= len(corners) <= 2 or not all(corners):
        return 0
    cols = [_column_number(m.group(1)) for m in corners if m]
    rows = [int(m.group(2)) for m in corners if m]
    return (max(rows) - min(rows) + 1) * (max(cols) - min(cols) + 1)


def _column_number(letters: str) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + ord(letter) - ord("A") + 1
    return number


def _scan_xml(payload: bytes, part: str, file_name: str, budget: _Budget) -> None:
    """Refuse DTDs and entities, deep nesting and too many sheet cells, streaming with expat.

    expat stops at the DOCTYPE itself, before any entity is declared, let alone expanded.
    """
    parser = expat.ParserCreate(namespace_separator=" ")
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    depth = 0
    cells = 0

    def refuse_dtd(*_: Any) -> None:
        raise _Refused("dtd")

    def start(name: str, attributes: dict[str, str]) -> None:
        nonlocal depth, cells
        depth += 1
        if depth > MAX_XML_DEPTH:
            raise _Refused("depth")
        if name == f"{_SHEET_NS} c":
            cells += 1
            if cells % 1000 == 0:
                budget.spend(1000, part)
        elif name == f"{_SHEET_NS} mergeCell":
            budget.spend_merged(_area(attributes.get("ref", "")), part)

    def end(name: str) -> None:
        nonlocal depth
        depth -= 1

    parser.StartDoctypeDeclHandler = refuse_dtd
    parser.EntityDeclHandler = refuse_dtd
    parser.ExternalEntityRefHandler = refuse_dtd  # type: ignore[assignment]
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    try:
        for offset in range(0, len(payload), _CHUNK):
            parser.Parse(payload[offset:offset + _CHUNK], False)
        parser.Parse(b"", True)
    except _Refused as refused:
        if refused.code == "depth":
            raise TableImportError(
                file_name, f"XML이 너무 깊게 중첩되어 있습니다 ({part}) / XML nested too deeply "
                           f"({part})", code="xml-depth") from None
        raise TableImportError(
            file_name, f"XML에 DOCTYPE·엔티티 선언이 있어 거부합니다 ({part}) / refused: the XML "
                       f"declares a DOCTYPE or entities ({part})", code="xml-doctype") from None
    except expat.ExpatError as exc:
        raise TableImportError(
            file_name, f"XML이 손상되었습니다 ({part}: {exc}) / malformed XML ({part}: {exc})",
            code="xml-malformed") from None
    budget.spend(cells % 1000, part)


def _safe_parser() -> Any:
    return etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False,
                           load_dtd=False, dtd_validation=False)


# --- HWPX -------------------------------------------------------------------------------------


def _local(element: Any) -> str:
    tag = element.tag
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _is(element: Any, name: str) -> bool:
    return element.tag in (f"{_HP}{name}", f"{_HP_2016}{name}")


def _children(element: Any, name: str) -> Iterator[Any]:
    return (child for child in element if _is(child, name))


def _paragraph_text(paragraph: Any) -> str:
    """A paragraph's own text (runs' hp:t), as python-hwpx reads it; nested tables excluded."""
    parts: list[str] = []
    for run in _children(paragraph, "run"):
        for node in run:
            if _is(node, "t"):
                parts.append(node.text or "")
                for child in node:
                    name = _local(child)
                    parts.append(_TEXT_ATOMS[name] if name in _TEXT_ATOMS
                                 else "".join(child.itertext()))
                    parts.append(child.tail or "")
            elif _is(node, "tab"):
                parts.append("\t")
    return "".join(parts)


def _sublist_text(container: Any) -> str:
    sublist = next(_children(container, "subList"), None)
    if sublist is None:
        return ""
    return "\n".join(_paragraph_text(p) for p in _children(sublist, "p"))


def _int(value: str | None, default: int) -> int:
    try:
        return int(value) if value is not None else default
    except ValueError:
        return default


def _has_table(paragraph: Any) -> bool:
    return any(True for _ in paragraph.iter(f"{_HP}tbl", f"{_HP_2016}tbl"))


def _caption(table: Any) -> str | None:
    """The table's own caption, else the paragraph before it (skipping a "(단위: ...)" line)."""
    own = next(_children(table, "caption"), None)
    if own is not None:
        text = _sublist_text(own).strip()
        if text:
            return text
    run = table.getparent()
    host = run.getparent() if run is not None else None
    if host is None or not _is(host, "p"):
        return None
    candidate = host.getprevious()
    for _ in range(5):
        if candidate is None:
            return None
        if _is(candidate, "p"):
            if _has_table(candidate):
                return None  # right after another table: no caption of its own
            text = _paragraph_text(candidate).strip()
            if text and not _UNIT_LINE_RE.match(text):
                return text
        candidate = candidate.getprevious()
    return None


def _hwpx_table(table: Any, index: int, budget: _Budget) -> ExtractedTable:
    placed: list[tuple[int, int, int, int, str]] = []  # row, col, rows, cols, text
    for r, row in enumerate(_children(table, "tr")):
        col = 0
        for cell in _children(row, "tc"):
            address = next(_children(cell, "cellAddr"), None)
            span = next(_children(cell, "cellSpan"), None)
            rows = max(_int(span.get("rowSpan") if span is not None else None, 1), 1)
            cols = max(_int(span.get("colSpan") if span is not None else None, 1), 1)
            top = _int(address.get("rowAddr"), r) if address is not None else r
            left = _int(address.get("colAddr"), col) if address is not None else col
            col = left + cols
            placed.append((top, left, rows, cols, _sublist_text(cell)))
    n_rows = max([_int(table.get("rowCnt"), 0)] + [p[0] + 1 for p in placed])
    n_cols = max([_int(table.get("colCnt"), 0)] + [p[1] + 1 for p in placed])
    budget.spend(n_rows * n_cols, f"표 {index + 1} / table {index + 1}")

    grid: list[list[str | None]] = [[None] * n_cols for _ in range(n_rows)]
    merges: list[tuple[int, int, int, int]] = []
    # Merged cells first: 한/글 may keep a blank 1x1 cell under a merge, which must not win.
    # A cell stops filling at the first position already taken (overlapping spans are broken
    # input), so the work stays bounded by the grid's size plus the number of cells.
    for top, left, rows, cols, text in sorted(placed, key=lambda p: (p[2] * p[3] == 1, p[0], p[1])):
        if not (0 <= top < n_rows and 0 <= left < n_cols) or grid[top][left] is not None:
            continue
        rows, cols = min(rows, n_rows - top), min(cols, n_cols - left)
        complete = True
        for r in range(top, top + rows):
            for c in range(left, left + cols):
                if grid[r][c] is not None:
                    complete = False
                    break
                grid[r][c] = text
            if not complete:
                break
        if complete and rows * cols > 1:
            merges.append((top, left, rows, cols))
    merges.sort()
    cells = [[text if text is not None else "" for text in row] for row in grid]
    budget.spend_text(cells, f"표 {index + 1} / table {index + 1}")
    return ExtractedTable(index=index, caption=_caption(table), cells=cells, merges=merges)


def _hwpx_tables(parts: dict[str, bytes], file_name: str, budget: _Budget) -> list[ExtractedTable]:
    sections = sorted((int(m.group(1)), name) for name in parts
                      if (m := _SECTION_RE.match(name)))
    if not sections:
        raise TableImportError(file_name, "HWPX 본문(Contents/section*.xml)이 없습니다 / the HWPX "
                                          "file has no body (Contents/section*.xml)",
                               code="unknown-format")
    tables: list[ExtractedTable] = []
    for _, name in sections:
        try:
            root = etree.fromstring(parts[name], _safe_parser())
        except etree.XMLSyntaxError as exc:
            raise TableImportError(file_name, f"XML이 손상되었습니다 ({name}) / malformed XML "
                                              f"({name}: {exc})", code="xml-malformed") from None
        if root.getroottree().docinfo.doctype:  # the expat scan refused it already
            raise TableImportError(file_name, f"XML에 DOCTYPE이 있습니다 ({name}) / the XML "
                                              f"declares a DOCTYPE ({name})", code="xml-doctype")
        for table in root.iter(f"{_HP}tbl", f"{_HP_2016}tbl"):
            tables.append(_hwpx_table(table, len(tables), budget))
    return tables


# --- XLSX -------------------------------------------------------------------------------------


def _repack(parts: dict[str, bytes]) -> io.BytesIO:
    """The checked entries as an uncompressed ZIP: openpyxl then never inflates anything."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as out:
        for name, payload in parts.items():
            out.writestr(name, payload)
    buffer.seek(0)
    return buffer


def _number_text(value: int | float | Decimal) -> str:
    """A number's exact text, without exponent: 0.1 → "0.1", 1e-05 → "0.00001", 2.0 → "2"."""
    if isinstance(value, int):
        return str(value)
    try:
        number = Decimal(repr(value)) if isinstance(value, float) else value
        text = format(number, "f")
    except (InvalidOperation, ValueError):
        return str(value)
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int | float | Decimal):
        return _number_text(value)
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    return str(value)


def _xlsx_tables(parts: dict[str, bytes], file_name: str, budget: _Budget) -> list[ExtractedTable]:
    import warnings

    from openpyxl import load_workbook

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl warns about extensions it drops
            book = load_workbook(_repack(parts), read_only=False, data_only=False)
    except Exception as exc:  # openpyxl raises many kinds on a damaged workbook
        raise TableImportError(file_name, f"XLSX를 읽을 수 없습니다 / unreadable XLSX "
                                          f"({type(exc).__name__}: {exc})",
                               code="unreadable") from None
    tables: list[ExtractedTable] = []
    try:
        for sheet in book.worksheets:
            table = _sheet_table(sheet, len(tables), file_name, budget)
            if table is not None:
                tables.append(table)
    finally:
        book.close()
    return tables


def _sheet_table(sheet: Any, index: int, file_name: str,
                 budget: _Budget) -> ExtractedTable | None:
    # Only the cells the sheet really has (not its bounding box, which one far cell makes huge).
    texts: dict[tuple[int, int], str] = {}
    for (row, col), cell in sorted(sheet._cells.items()):
        if cell.data_type == "f":  # formulas, array formulas and data-table formulas
            raise TableImportError(
                file_name, f"수식이 든 칸은 가져오지 않습니다: '{sheet.title}'!{cell.coordinate}. "
                           f"값으로 붙여넣어 저장한 뒤 다시 올리십시오 / cells holding formulas are "
                           f"not imported: '{sheet.title}'!{cell.coordinate}; paste the values, "
                           f"save and upload again", code="formula")
        text = _cell_text(cell.value)
        if text:
            texts[(row - 1, col - 1)] = text
    merges = sorted((r.min_row - 1, r.min_col - 1, r.max_row - r.min_row + 1,
                     r.max_col - r.min_col + 1) for r in sheet.merged_cells.ranges)
    n_rows = max([r + 1 for r, _ in texts] + [m[0] + m[2] for m in merges] + [0])
    n_cols = max([c + 1 for _, c in texts] + [m[1] + m[3] for m in merges] + [0])
    if not texts:
        return None
    budget.spend(n_rows * n_cols, f"'{sheet.title}'")
    cells = [[""] * n_cols for _ in range(n_rows)]
    for (row, col), text in texts.items():
        cells[row][col] = text
    for top, left, rows, cols in merges:
        anchor = cells[top][left]
        for r in range(top, top + rows):
            for c in range(left, left + cols):
                cells[r][c] = anchor
    budget.spend_text(cells, f"'{sheet.title}'")
    return ExtractedTable(index=index, caption=None, cells=cells, merges=merges,
                          sheet=sheet.title)

