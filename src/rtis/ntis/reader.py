"""Read NTIS files (web-export CSV/XLSX, OpenAPI XML) into rows of text cells. No Django.

Every reader yields `(where, cells)` with `where` the record's place as a reader finds it in the
file (CSV: its first line; XLSX: its row; XML: its HIT's line) and `cells` in the order of
`positions` (field name → index). The encoding is detected (UTF-8, UTF-8 with BOM, CP949/EUC-KR)
or named; a file mixing encodings still reads, its lines in the other encoding marked
(`bad_lines`) so their records are rejected, never silently mangled. Hostile files are refused
(`FileRefused`): DOCTYPE/entities in XML, zip bombs and DTDs in XLSX, cells over the size limit.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any
from xml.parsers import expat

from rtis.lib.filesig import ZIP_OPEN_ERRORS
from rtis.ntis.fields import FIELDS, KEY_HEADERS, header_map

MAX_CELL_CHARS = 100_000  # one cell; a longer one refuses the file (hostile or broken)
MAX_XLSX_UNCOMPRESSED = 2 * 1024 ** 3
MAX_XLSX_ENTRIES = 1000
MAX_XLSX_RATIO = 100
MAX_XML_DEPTH = 50
_CHUNK = 1 << 20
ENCODINGS = ("utf-8", "utf-8-sig", "cp949", "euc-kr")


class FileRefused(Exception):
    """The whole file is refused; `line` is where, when known."""

    def __init__(self, reason: str, line: int | None = None, code: str = "refused") -> None:
        super().__init__(reason)
        self.reason = reason
        self.line = line
        self.code = code


@dataclass
class Source:
    """An opened file: its format, encoding, column positions and its rows."""

    file_format: str
    encoding: str
    positions: dict[str, int]
    rows: Iterator[tuple[int, list[str]]]
    unknown_columns: list[str] = field(default_factory=list)
    bad_lines: set[int] = field(default_factory=set)  # physical lines not in `encoding`


def file_format(path: Path) -> str:
    suffix = path.suffix.lower().lstrip(".")
    if suffix in ("csv", "txt"):
        return "csv"
    if suffix in ("xlsx", "xml"):
        return suffix
    raise FileRefused(f"알 수 없는 파일 형식 '{path.suffix}' (csv, xlsx, xml) / unknown file "
                      f"type '{path.suffix}'", code="format")


# --- encoding ---------------------------------------------------------------------------------


def detect_encoding(path: Path) -> tuple[str, set[int]]:
    """Return (encoding, bad lines): utf-8-sig when a BOM starts the file, else utf-8 when every
    byte decodes, else cp949 when every byte decodes so; otherwise the encoding of most non-ASCII
    lines and the physical lines (1-based) that are not in it."""
    with path.open("rb") as f:
        head = f.read(3)
    bom = head == codecs.BOM_UTF8
    if _decodes(path, "utf-8"):
        return ("utf-8-sig" if bom else "utf-8"), set()
    if not bom and _decodes(path, "cp949"):
        return "cp949", set()
    utf8_lines, cp949_lines, neither = [], [], []
    with path.open("rb") as f:
        for number, line in enumerate(f, start=1):
            if line.isascii():
                continue
            try:
                line.decode("utf-8")
                utf8_lines.append(number)
                continue
            except UnicodeDecodeError:
                pass
            try:
                line.decode("cp949")
                cp949_lines.append(number)
            except UnicodeDecodeError:
                neither.append(number)
    if len(utf8_lines) >= len(cp949_lines):
        return ("utf-8-sig" if bom else "utf-8"), set(cp949_lines) | set(neither)
    return "cp949", set(utf8_lines) | set(neither)


def _decodes(path: Path, encoding: str) -> bool:
    decoder = codecs.getincrementaldecoder(encoding)("strict")
    try:
        with path.open("rb") as f:
            while chunk := f.read(_CHUNK):
                decoder.decode(chunk)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def _named_encoding(encoding: str) -> str:
    try:
        name = codecs.lookup(encoding).name
    except LookupError:
        raise FileRefused(f"알 수 없는 인코딩 '{encoding}' / unknown encoding '{encoding}'",
                          code="encoding") from None
    return {"euc_kr": "cp949"}.get(name, name)


def bad_lines_for(path: Path, encoding: str) -> set[int]:
    """The physical lines (1-based) that do not decode in the named encoding."""
    if _decodes(path, encoding):
        return set()
    bad = set()
    with path.open("rb") as f:
        for number, line in enumerate(f, start=1):
            try:
                line.decode(encoding)
            except UnicodeDecodeError:
                bad.add(number)
    return bad


def _decoded_lines(path: Path, encoding: str) -> Iterator[str]:
    with path.open("rb") as f:
        for line in f:
            yield line.decode(encoding, errors="replace")


# --- CSV ----------------------------------------------------------------------------------------


def _find_header(rows: Iterator[tuple[int, list[str]]]) -> tuple[dict[str, int], list[str]]:
    seen: list[list[str]] = []
    for _where, cells in rows:
        positions, unknown = header_map(cells)
        if "project_no" in positions and "year" in positions:
            return positions, unknown
        seen.append(cells)
        if len(seen) >= 5:
            break
    found = set()
    for cells in seen:
        positions, _ = header_map(cells)
        found |= set(positions)
    missing = [h for h, n in zip(KEY_HEADERS, ("project_no", "year"), strict=True)
               if n not in found]
    raise FileRefused(f"키 열이 없습니다: {', '.join(missing)} (첫 5행에서 머리글을 찾지 못함) / "
                      f"key columns missing: {', '.join(missing)}", line=1, code="key-columns")


def open_csv(path: Path, encoding: str | None = None) -> Source:
    if encoding:
        enc = _named_encoding(encoding)
        bad = bad_lines_for(path, enc)
    else:
        enc, bad = detect_encoding(path)
    if enc == "utf-8":
        with path.open("rb") as f:
            if f.read(3) == codecs.BOM_UTF8:
                enc = "utf-8-sig"
    text: IO[str] | Iterator[str]
    if bad:
        lines = _decoded_lines(path, enc)
        first = next(lines, "")
        text = _chain_first(first.lstrip("\ufeff"), lines)
    else:
        text = path.open("r", encoding=enc, newline="")
    reader = csv.reader(text)

    def rows() -> Iterator[tuple[int, list[str]]]:
        start = 1
        try:
            for cells in reader:
                yield start, cells
                start = reader.line_num + 1
        except csv.Error as exc:
            raise FileRefused(f"CSV를 읽을 수 없습니다 ({reader.line_num}행: {exc}) / "
                              f"unreadable CSV (line {reader.line_num}: {exc})",
                              line=reader.line_num, code="csv") from None
        finally:
            if hasattr(text, "close"):
                text.close()

    iterator = rows()
    positions, unknown = _find_header(iterator)
    return Source("csv", enc, positions, iterator, unknown, bad)


def _chain_first(first: str, rest: Iterator[str]) -> Iterator[str]:
    yield first
    yield from rest


csv.field_size_limit(MAX_CELL_CHARS)


# --- XLSX ---------------------------------------------------------------------------------------


def _check_zip(path: Path) -> None:
    try:
        archive = zipfile.ZipFile(path)
    except ZIP_OPEN_ERRORS as exc:
        raise FileRefused(f"XLSX(ZIP)가 아니거나 손상되었습니다 ({exc}) / not an XLSX (zip) or "
                          f"damaged ({exc})", code="corrupt-zip") from None
    with archive:
        infos = archive.infolist()
        if len(infos) > MAX_XLSX_ENTRIES:
            raise FileRefused(f"압축 폭탄 의심: 항목 {len(infos):,}개 / suspected zip bomb: "
                              f"{len(infos):,} entries", code="zip-bomb")
        total = 0
        for info in infos:
            total += info.file_size
            if total > MAX_XLSX_UNCOMPRESSED or (
                    info.file_size > 1 << 20
                    and info.file_size > MAX_XLSX_RATIO * max(info.compress_size, 1)):
                raise FileRefused(f"압축 폭탄 의심: {info.filename} / suspected zip bomb: "
                                  f"{info.filename}", code="zip-bomb")
        for info in infos:
            if info.filename.endswith((".xml", ".rels")):
                with archive.open(info) as member:
                    _scan_no_dtd(member, info.filename)


def _scan_no_dtd(stream: IO[bytes], part: str) -> None:
    parser = expat.ParserCreate()
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)

    def refuse(*_: Any) -> None:
        raise FileRefused(f"XML에 DOCTYPE·엔티티 선언이 있어 거부합니다 ({part}) / refused: the "
                          f"XML declares a DOCTYPE or entities ({part})", code="xml-doctype")

    parser.StartDoctypeDeclHandler = refuse
    parser.EntityDeclHandler = refuse
    try:
        while chunk := stream.read(_CHUNK):
            parser.Parse(chunk, False)
        parser.Parse(b"", True)
    except expat.ExpatError as exc:
        raise FileRefused(f"XML이 손상되었습니다 ({part}: {exc}) / malformed XML ({part}: {exc})",
                          code="xml-malformed") from None


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def open_xlsx(path: Path) -> Source:
    from openpyxl import load_workbook

    _check_zip(path)
    book = load_workbook(path, read_only=True, data_only=True)
    sheet = book["검색결과"] if "검색결과" in book.sheetnames else book.worksheets[0]

    def rows() -> Iterator[tuple[int, list[str]]]:
        try:
            for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
                cells = [_cell_text(v) for v in values]
                if any(len(c) > MAX_CELL_CHARS for c in cells):
                    raise FileRefused(f"{number}행의 칸이 너무 깁니다 / a cell of row {number} is "
                                      f"too long", line=number, code="huge-cell")
                yield number, cells
        finally:
            book.close()

    iterator = rows()
    positions, unknown = _find_header(iterator)
    return Source("xlsx", "", positions, iterator, unknown)


# --- XML (OpenAPI 과제검색) ---------------------------------------------------------------------

XML_FIELDS = {f.xml: i for i, f in enumerate(FIELDS) if f.xml and f.xml != "ScienceClass"}
XML_POSITIONS = {f.name: i for i, f in enumerate(FIELDS)}
_DECL = re.compile(rb"^\s*<\?xml[^>]*?encoding=[\"']([A-Za-z0-9_\-]+)[\"'][^>]*\?>")
_SPAN = "span"


def xml_encoding(head: bytes) -> str:
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8"
    match = _DECL.match(head)
    return _named_encoding(match.group(1).decode("ascii")) if match else "utf-8"


def parse_xml(chunks: Iterator[bytes], encoding: str | None = None,
              ) -> Iterator[tuple[int, list[str]]]:
    """Parse an OpenAPI 과제검색 response, yielding (line of HIT, cells in FIELDS order).

    DOCTYPE or entity declarations refuse the file; an error message instead of RESULTSET
    refuses it naming the message; malformed or truncated XML refuses it naming the line.
    """
    parser = expat.ParserCreate()
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    width = len(FIELDS)
    science_code = XML_POSITIONS["science_code"]
    science_name = XML_POSITIONS["science_name"]
    state: dict[str, Any] = {"path": [], "hit": None, "text": [], "in_hit": False,
                             "resultset": False, "root": None, "message": [], "line": 0,
                             "science": {}, "science_new": False}
    done: list[tuple[int, list[str]]] = []
    path: list[str] = state["path"]

    def refuse(*_: Any) -> None:
        raise FileRefused("XML에 DOCTYPE·엔티티 선언이 있어 거부합니다 / refused: the XML declares "
                          "a DOCTYPE or entities", line=parser.CurrentLineNumber,
                          code="xml-doctype")

    def start(name: str, attrs: dict[str, str]) -> None:
        if name == _SPAN:
            return
        if len(path) > MAX_XML_DEPTH:
            raise FileRefused("XML이 너무 깊게 중첩되어 있습니다 / XML nested too deeply",
                              line=parser.CurrentLineNumber, code="xml-depth")
        if state["root"] is None:
            state["root"] = name
        if name == "RESULTSET":
            state["resultset"] = True
        if name == "HIT":
            state["hit"] = [""] * width
            state["in_hit"] = True
            state["line"] = parser.CurrentLineNumber
            state["science"] = {}
            path.clear()
            return
        if state["in_hit"]:
            path.append(name)
            if path[0] == "ScienceClass":
                if len(path) == 1:
                    state["science_new"] = attrs.get("type", "new") == "new"
                elif state["science_new"] and "code" in attrs:
                    state["science"][name] = attrs["code"]
        state["text"] = []

    def end(name: str) -> None:
        if name == _SPAN:
            return
        if name == "HIT":
            hit = state["hit"]
            science = state["science"]
            hit[science_code] = science.get("Small") or science.get("Medium") or science.get(
                "Large", "")
            state["in_hit"] = False
            done.append((state["line"], hit))
            return
        if state["in_hit"]:
            joined = "/".join(path)
            text = "".join(state["text"])
            if len(text) > MAX_CELL_CHARS:
                raise FileRefused(f"{parser.CurrentLineNumber}행의 값이 너무 깁니다 / a value "
                                  f"is too long (line {parser.CurrentLineNumber})",
                                  line=parser.CurrentLineNumber, code="huge-cell")
            index = XML_FIELDS.get(joined)
            if index is not None:
                state["hit"][index] = text.strip()
            elif joined == "ScienceClass/Large" and state["science_new"]:
                state["hit"][science_name] = text.strip()
            path.pop()
        elif not state["resultset"]:
            state["message"].append("".join(state["text"]).strip())
        state["text"] = []

    def chars(data: str) -> None:
        state["text"].append(data)

    parser.StartDoctypeDeclHandler = refuse
    parser.EntityDeclHandler = refuse
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = chars
    decoder = None
    first = True
    try:
        for chunk in chunks:
            if first:
                first = False
                enc = _named_encoding(encoding) if encoding else xml_encoding(chunk[:200])
                if enc not in ("utf_8", "utf-8"):
                    decoder = codecs.getincrementaldecoder(enc)("strict")
                    chunk = _DECL.sub(b"", chunk, count=1)
            if decoder is not None:
                try:
                    parser.Parse(decoder.decode(chunk), False)
                except UnicodeDecodeError as exc:
                    raise FileRefused(
                        f"XML이 선언된 인코딩({enc})과 다른 바이트를 담고 있습니다 (혼합 인코딩, "
                        f"{parser.CurrentLineNumber}행 부근) / the XML holds bytes not in its "
                        f"encoding {enc} (mixed encodings, near line "
                        f"{parser.CurrentLineNumber}): {exc.reason}",
                        line=parser.CurrentLineNumber, code="encoding") from None
            else:
                parser.Parse(chunk, False)
            yield from done
            done.clear()
        parser.Parse(b"" if decoder is None else "", True)
    except expat.ExpatError as exc:
        problem = expat.ErrorString(exc.code)
        hint = "잘렸거나 손상됨" if "no element" in problem or "unclosed" in problem else "손상됨"
        raise FileRefused(f"XML이 {hint} ({exc.lineno}행 {exc.offset}열: {problem}) / malformed or "
                          f"truncated XML (line {exc.lineno}, column {exc.offset}: {problem})",
                          line=exc.lineno, code="xml-malformed") from None
    yield from done
    if not state["resultset"]:
        message = " ".join(m for m in state["message"] if m)[:300]
        raise FileRefused(f"과제검색 결과가 아닙니다 (RESULTSET 없음): {message or state['root']} / "
                          f"not a 과제검색 result (no RESULTSET): {message or state['root']}",
                          code="not-result")


def _file_chunks(path: Path) -> Iterator[bytes]:
    with path.open("rb") as f:
        while chunk := f.read(_CHUNK):
            yield chunk


def open_xml(path: Path, encoding: str | None = None) -> Source:
    with path.open("rb") as f:
        head = f.read(200)
    enc = _named_encoding(encoding) if encoding else xml_encoding(head)
    return Source("xml", enc, dict(XML_POSITIONS), parse_xml(_file_chunks(path), encoding))


def xml_bytes_source(data: bytes) -> Source:
    """A Source over an XML response held in memory (the OpenAPI client)."""
    return Source("xml", xml_encoding(data[:200]), dict(XML_POSITIONS),
                  parse_xml(iter([data[i:i + _CHUNK] for i in range(0, len(data), _CHUNK)])))


def open_source(path: Path, encoding: str | None = None) -> Source:
    kind = file_format(path)
    if kind == "csv":
        return open_csv(path, encoding)
    if kind == "xlsx":
        return open_xlsx(path)
    return open_xml(path, encoding)


__all__ = ["ENCODINGS", "FileRefused", "Source", "detect_encoding", "io", "open_source"]
